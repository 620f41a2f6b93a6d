/**
 * The throwing Fivetran client that `atlas()` is built on: {@link createAtlas} resolves its options and
 * composes the parts of `lib/client/` — guard, pacer, retry policy, transport, log and envelope checks,
 * joined in `send.ts` — and adds pagination.
 *
 * @module
 */

import { basicCredentials } from "../_base64.ts";
import { baseUrlFromEnv, checkBaseUrl, loadConfig } from "../config.ts";
import { USER_AGENT } from "../_version.ts";
import type { Envelope, ListData } from "./envelope.ts";
import type { Http1Agent } from "./_http1.ts";
import { Pages } from "./_pages.ts";
import type { HttpMethod } from "./errors.ts";
import type { AtlasLogger } from "./log_entry.ts";
import type { RetryNotice } from "./notice.ts";
import { RateLimitPacer } from "./pacer.ts";
import { abortableSleep } from "./retry.ts";
import { checkOption, createSender, type Sender } from "./send.ts";

/** Options of {@link createAtlas}. */
export interface AtlasOptions {
  /**
   * Fivetran API key.
   *
   * @default {FIVETRAN_API_KEY or the FIVETRAN_CONFIG file}
   */
  apiKey?: string;
  /**
   * Fivetran API secret.
   *
   * @default {FIVETRAN_API_SECRET or the FIVETRAN_CONFIG file}
   */
  apiSecret?: string;
  /**
   * Base URL; credentials are only ever sent below it.
   *
   * @default {FIVETRAN_BASE_URL or "https://api.fivetran.com/v1"}
   */
  baseUrl?: string | URL;
  /**
   * The fetch implementation.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Milliseconds each attempt may take, body included.
   *
   * @default {30000}
   */
  timeout?: number;
  /**
   * Milliseconds a request may take in all, every attempt, retry and wait included; each attempt's
   * `timeout` is cut to what is left. `Infinity` for no overall limit.
   *
   * @default {Infinity}
   */
  deadline?: number;
  /**
   * The most bytes of an answer's body the client reads. A longer answer fails at once with an
   * `invalid-response` {@link AtlasError} (code `ResponseTooLarge`) and is not retried; a `Content-Length`
   * above it is refused before reading. A page of 1,000 connections is well under 10 MiB.
   *
   * @default {67108864 (64 MiB)}
   */
  maxResponseBytes?: number;
  /**
   * Retries after the first attempt for 5xx answers, network errors and timeouts, when the request is safe to
   * repeat. A 429 does not spend one: it waits (see `maxRateLimitWait`).
   *
   * @default {4}
   */
  maxRetries?: number;
  /**
   * Milliseconds one request may spend waiting for the rate limit in all (the 429 pauses); past it the
   * request fails with an error saying how long it waited. `Infinity` waits as long as the API asks.
   *
   * @default {900000 (15 minutes)}
   */
  maxRateLimitWait?: number;
  /**
   * The longest wait, in seconds, a `Retry-After` is honoured for; a longer one is cut to this.
   *
   * @default {120}
   */
  maxRetryAfter?: number;
  /**
   * First backoff step in milliseconds; doubles each retry, with jitter.
   *
   * @default {500}
   */
  retryDelay?: number;
  /**
   * Longest backoff step in milliseconds.
   *
   * @default {30000}
   */
  maxRetryDelay?: number;
  /**
   * Receives one entry per attempt and each warning.
   *
   * @default {no logging}
   */
  logger?: AtlasLogger;
  /**
   * Receives warnings meant for a person (the connectors → connections rename, once per process).
   *
   * @default {no printing}
   */
  onWarning?: (message: string) => void;
  /**
   * Receives a notice before each retry: what failed, why, and when the next try is. Library code prints
   * nothing; recipes and `atlas()` print these on stderr (see `noticePrinter` in `lib/client/notice.ts`).
   *
   * @default {no notices}
   */
  onRetry?: (notice: RetryNotice) => void;
  /**
   * Ends every wait of this client at once (rate-limit pauses, backoff between retries) and stops further
   * retries: such a request rejects with an `aborted` {@link AtlasError}. An attempt already on the wire is not
   * cut off (give the request its own `signal` for that). Recipes pass their Ctrl-C signal here.
   *
   * @default {no signal}
   */
  signal?: AbortSignal;
  /**
   * Sleeps between retries; tests inject a fake.
   *
   * @default {a timer that an abort signal cancels}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Random source for jitter, in [0, 1).
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * The clock, in epoch milliseconds, for Retry-After dates and durations.
   *
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Paces requests inside the rate limit and pauses every request of this client together after a 429;
   * share one between clients to pace them together, or pass `false` to turn pacing off.
   *
   * @default {a new RateLimitPacer for this client}
   */
  pacer?: RateLimitPacer | false;
  /**
   * User-Agent header.
   *
   * @default {"fivetran-atlas-deno/VERSION"}
   */
  userAgent?: string;
}

/** Per-request options of {@link Atlas.request}. */
export interface RequestOptions {
  /** Aborts the request and any wait between retries. */
  signal?: AbortSignal;
  /**
   * Whether the request may be sent again after an answer was lost (5xx, network error, timeout). By
   * default GET, PATCH and DELETE are, and POSTs to `sync`, `test`, `reload`, `cancel` and certificate
   * approvals; creates and other POSTs are not, so a retry can never create a resource twice.
   */
  idempotent?: boolean;
  /** Milliseconds this request may take per attempt; overrides the client's `timeout`. */
  timeout?: number;
  /** Milliseconds this request may take in all; overrides the client's `deadline`. */
  deadline?: number;
}

/** Options of {@link Atlas.paginate}. */
export interface PaginateOptions {
  /**
   * Page size, 1..1000.
   *
   * @default {100}
   */
  limit?: number;
  /** Aborts the iteration. */
  signal?: AbortSignal;
}

/** A configured client. Create one with {@link createAtlas}. */
export interface Atlas {
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /**
   * Sends one request and resolves to the parsed envelope; rejects with {@link AtlasError}.
   *
   * @example Pause a connection
   * ```ts
   * import { createAtlas } from "../../mod.ts";
   * const client = createAtlas();
   * await client.request("PATCH", "connections/my_connection", { paused: true });
   * ```
   */
  request<T = unknown>(
    method: HttpMethod,
    endpoint: string,
    payload?: unknown,
    options?: RequestOptions,
  ): Promise<Envelope<T>>;
  /**
   * Iterates over every item of a list endpoint, following `next_cursor` to the last page.
   *
   * @example Every connection of a group
   * ```ts
   * import { createAtlas } from "../../mod.ts";
   * const client = createAtlas();
   * for await (const c of client.paginate("groups/my_group/connections", { limit: 1000 })) {
   *   console.log(c);
   * }
   * ```
   */
  paginate<T = Record<string, unknown>>(endpoint: string, options?: PaginateOptions): AsyncGenerator<T>;
}

/**
 * Creates a client. Credentials and base URL default to the environment (`FIVETRAN_API_KEY`,
 * `FIVETRAN_API_SECRET`, `FIVETRAN_BASE_URL`, `FIVETRAN_CONFIG`).
 *
 * @throws {ConfigError} when credentials are missing or the base URL is not acceptable.
 * @throws {RangeError} when a numeric option is out of range.
 * @throws {TypeError} when the key or secret holds a character outside Latin-1 (a paste mistake; the message
 *   repeats neither).
 *
 * @example Create a client and read the account
 * ```ts
 * import { createAtlas } from "../../mod.ts";
 * const client = createAtlas({ timeout: 10_000, maxRetries: 2 });
 * const { data } = await client.request("GET", "account/info");
 * console.log(data);
 * ```
 */
export function createAtlas(options: AtlasOptions = {}): Atlas {
  return atlasOver(openSender(options, undefined));
}

/**
 * {@link createAtlas}, its requests sent over `agent`'s HTTP/1.1 connections rather than `fetch` (unless
 * `options.fetch` is given): for a recipe run, which owns the agent and closes it when it ends. `undefined`
 * (no agent: a proxy may be set) sends through `fetch`.
 *
 * @example A run's client over its own connections
 * ```ts
 * import { Http1Agent } from "./_http1.ts";
 * import { createAtlasOver } from "./client.ts";
 * const agent = Http1Agent.whenDirect();
 * try {
 *   const client = createAtlasOver(agent, { apiKey: "key", apiSecret: "secret" });
 *   console.log(client.baseUrl);
 * } finally {
 *   agent?.close();
 * }
 * ```
 */
export function createAtlasOver(agent: Http1Agent | undefined, options: AtlasOptions = {}): Atlas {
  return atlasOver(openSender(options, options.fetch === undefined ? agent : undefined));
}

function atlasOver(sender: Sender): Atlas {
  return {
    baseUrl: sender.baseUrl,
    request: sender.send,
    paginate: (endpoint, paginateOptions) => paginate(sender, endpoint, paginateOptions),
  };
}

/** The request pipeline of a client with these options (its defaults resolved and checked), over `agent` if given. */
function openSender(options: AtlasOptions, agent: Http1Agent | undefined): Sender {
  const {
    fetch: fetchImpl = globalThis.fetch,
    timeout = 30_000,
    deadline = Infinity,
    maxResponseBytes = 64 * 1024 * 1024,
    maxRetries = 4,
    maxRateLimitWait = 900_000,
    maxRetryAfter = 120,
    retryDelay = 500,
    maxRetryDelay = 30_000,
    logger,
    onWarning,
    onRetry,
    signal,
    sleep = abortableSleep,
    random = Math.random,
    now = Date.now,
    userAgent = USER_AGENT,
  } = options;
  const pacer = options.pacer === false ? undefined : options.pacer ?? new RateLimitPacer({ sleep, now, random });
  checkOption("timeout", timeout);
  checkOption("deadline", deadline);
  checkOption("maxResponseBytes", maxResponseBytes);
  checkOption("maxRetries", maxRetries);
  checkOption("maxRateLimitWait", maxRateLimitWait);
  checkOption("maxRetryAfter", maxRetryAfter);
  checkOption("retryDelay", retryDelay);
  checkOption("maxRetryDelay", maxRetryDelay);

  let { apiKey, apiSecret } = options;
  let baseUrl = options.baseUrl === undefined ? undefined : checkBaseUrl(String(options.baseUrl));
  if (!apiKey || !apiSecret) {
    const fromEnv = loadConfig();
    apiKey ||= fromEnv.apiKey;
    apiSecret ||= fromEnv.apiSecret;
    baseUrl ??= fromEnv.baseUrl;
  }
  baseUrl ??= baseUrlFromEnv();
  // The base64 `key:secret` alone is a secret too: it is the form Fivetran's UI offers, and a server may echo it.
  const credentials = basicCredentials(apiKey ?? "", apiSecret ?? "");
  const authorization = `Basic ${credentials}`;
  return createSender({
    base: new URL(`${baseUrl}/`),
    authorization,
    secrets: [apiKey ?? "", apiSecret ?? "", authorization, credentials].filter((s) => s !== ""),
    fetch: fetchImpl,
    ...(agent ? { agent } : {}),
    userAgent,
    maxResponseBytes,
    timeout,
    deadline,
    retry: { maxRetries, maxRetryAfter, maxRateLimitWait, retryDelay, maxRetryDelay, random },
    ...(pacer ? { pacer } : {}),
    sleep,
    now,
    ...(logger ? { logger } : {}),
    ...(onWarning ? { onWarning } : {}),
    ...(onRetry ? { onRetry } : {}),
    ...(signal ? { signal } : {}),
  });
}

function paginate<T>(sender: Sender, endpoint: string, options: PaginateOptions = {}): AsyncGenerator<T> {
  const { limit = 100, signal } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`Expected limit to be an integer from 1 to 1000, got ${limit}`);
  }
  const target = sender.target(endpoint);
  const q = target.endpoint.indexOf("?");
  const path = q === -1 ? target.endpoint : target.endpoint.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : target.endpoint.slice(q + 1));
  query.set("limit", String(limit));
  query.delete("cursor");
  return new Pages<T>({
    path: target.path,
    ...(signal ? { signal } : {}),
    fetchPage: <P>(cursor: string | undefined, pageSignal: AbortSignal) => {
      if (cursor !== undefined) query.set("cursor", cursor);
      return sender.send<ListData<P>>("GET", `${path}?${query}`, undefined, { signal: pageSignal });
    },
  });
}
