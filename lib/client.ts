/**
 * The throwing Fivetran client that `atlas()` is built on: retries, timeouts, pagination, the
 * connectors → connections rename, and a guard that keeps credentials on the configured host.
 *
 * @module
 */

import { baseUrlFromEnv, checkBaseUrl, loadConfig } from "./config.ts";
import { acceptFor, isIdempotentPost, joinUrl, normalizeEndpoint } from "./_endpoint.ts";
import { maskSecrets, scrubText } from "./mask.ts";
import { abortableSleep, backoff, parseRetryAfter } from "./_retry.ts";
import { USER_AGENT } from "./_version.ts";
import { RateLimitPacer } from "./pacer.ts";

/** The HTTP methods the Fivetran API uses. */
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PATCH", "DELETE"];

/** Fivetran's response envelope. */
export interface Envelope<T = unknown> {
  /** `"Success"` on success; a word such as `NotFound_Connection` on failure. */
  code: string;
  /** Human-readable status text. */
  message?: string;
  /** The payload. */
  data?: T;
}

/** The `data` of a list response. */
export interface ListData<T = unknown> {
  /** One page of items. */
  items: T[];
  /** The cursor of the next page; absent, `null` or empty on the last page. */
  next_cursor?: string | null;
}

/**
 * What went wrong: an HTTP error answer, a network failure, a timeout, an answer that is not the JSON
 * expected, or a caller's abort.
 */
export type AtlasErrorKind = "http" | "network" | "timeout" | "invalid-response" | "aborted";

/** Fields of an {@link AtlasError}. */
export interface AtlasErrorInit {
  /** What went wrong. */
  kind: AtlasErrorKind;
  /** HTTP status, or 0 when no answer arrived. */
  status: number;
  /** Fivetran's `code` (e.g. `NotFound_Connection`), or a word of ours when there is none. */
  code: string;
  /** Fivetran's `message`, or a description of the failure. */
  fivetranMessage: string;
  /** HTTP method. */
  method: HttpMethod;
  /** Endpoint path relative to the base URL, without the query string. */
  path: string;
  /** How many attempts were made. */
  attempts: number;
  /** Seconds the server asked to wait (429), when it said. */
  retryAfter?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class for failed API calls. Its message is one line, e.g.
 * `GET connections/abc failed: HTTP 404 NotFound_Connection: Connection not found`.
 *
 * @example Tell a missing connection from a network failure
 * ```ts
 * import { AtlasError, createAtlas } from "../mod.ts";
 * const client = createAtlas({ apiKey: "key", apiSecret: "secret" });
 * try {
 *   await client.request("GET", "connections/abc");
 * } catch (error) {
 *   if (error instanceof AtlasError && error.status === 404) console.log("no such connection");
 *   else if (error instanceof AtlasError && error.kind === "network") console.log("network down");
 *   else throw error;
 * }
 * ```
 */
export class AtlasError extends Error {
  /** What went wrong. */
  readonly kind: AtlasErrorKind;
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** Fivetran's `code`, or a word of ours (`NetworkError`, `Timeout`, `InvalidResponse`, `Aborted`). */
  readonly code: string;
  /** Fivetran's `message`, or a description of the failure. */
  readonly fivetranMessage: string;
  /** HTTP method of the failed request. */
  readonly method: HttpMethod;
  /** Endpoint path of the failed request, relative to the base URL. */
  readonly path: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** Seconds the server asked to wait, for a 429. */
  readonly retryAfter?: number;

  /**
   * Creates the error from its fields.
   *
   * @param init The error's fields.
   */
  constructor(init: AtlasErrorInit) {
    const what = init.status ? `HTTP ${init.status} ${init.code}` : init.code;
    super(`${init.method} ${init.path} failed: ${what}: ${init.fivetranMessage}`, { cause: init.cause });
    this.name = "AtlasError";
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.fivetranMessage = init.fivetranMessage;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
}

/** One line of the request log: one per attempt, and warnings. Nothing in it is secret. */
export interface AtlasLogEntry {
  /** Severity. */
  level: "info" | "warn" | "error";
  /** The line, already masked. */
  message: string;
  /** HTTP method, for request lines. */
  method?: HttpMethod;
  /** Endpoint with query string, for request lines. */
  path?: string;
  /** HTTP status, 0 when no answer arrived. */
  status?: number;
  /** Milliseconds the attempt took. */
  durationMs?: number;
  /** Attempt number, from 1. */
  attempt?: number;
}

/** Receives log entries; see `openLog` in `lib/log.ts` for the rotating file log. */
export type AtlasLogger = (entry: AtlasLogEntry) => void;

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
   * Retries after the first attempt (429s, and for requests safe to repeat, 5xx, network errors and timeouts).
   *
   * @default {4}
   */
  maxRetries?: number;
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
   * import { createAtlas } from "../mod.ts";
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
   * import { createAtlas } from "../mod.ts";
   * const client = createAtlas();
   * for await (const c of client.paginate("groups/my_group/connections", { limit: 1000 })) {
   *   console.log(c);
   * }
   * ```
   */
  paginate<T = Record<string, unknown>>(endpoint: string, options?: PaginateOptions): AsyncGenerator<T>;
}

let legacyWarned = false;

/**
 * Creates a client. Credentials and base URL default to the environment (`FIVETRAN_API_KEY`,
 * `FIVETRAN_API_SECRET`, `FIVETRAN_BASE_URL`, `FIVETRAN_CONFIG`).
 *
 * @throws {ConfigError} when credentials are missing or the base URL is not acceptable.
 * @throws {RangeError} when a numeric option is out of range.
 *
 * @example Create a client and read the account
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * const client = createAtlas({ timeout: 10_000, maxRetries: 2 });
 * const { data } = await client.request("GET", "account/info");
 * console.log(data);
 * ```
 */
export function createAtlas(options: AtlasOptions = {}): Atlas {
  const {
    fetch: fetchImpl = globalThis.fetch,
    timeout = 30_000,
    maxRetries = 4,
    maxRetryAfter = 120,
    retryDelay = 500,
    maxRetryDelay = 30_000,
    logger,
    onWarning,
    sleep = abortableSleep,
    random = Math.random,
    now = Date.now,
    userAgent = USER_AGENT,
  } = options;
  const pacer = options.pacer === false ? undefined : options.pacer ?? new RateLimitPacer({ sleep, now });
  checkNumber("timeout", timeout, 1, 3_600_000);
  checkNumber("maxRetries", maxRetries, 0, 100, true);
  checkNumber("maxRetryAfter", maxRetryAfter, 0, 86_400);
  checkNumber("retryDelay", retryDelay, 0, 3_600_000);
  checkNumber("maxRetryDelay", maxRetryDelay, 0, 3_600_000);

  let { apiKey, apiSecret } = options;
  let baseUrl = options.baseUrl === undefined ? undefined : checkBaseUrl(String(options.baseUrl));
  if (!apiKey || !apiSecret) {
    const fromEnv = loadConfig();
    apiKey ||= fromEnv.apiKey;
    apiSecret ||= fromEnv.apiSecret;
    baseUrl ??= fromEnv.baseUrl;
  }
  baseUrl ??= baseUrlFromEnv();
  const base = new URL(`${baseUrl}/`);
  const authorization = `Basic ${btoa(`${apiKey}:${apiSecret}`)}`;
  const secrets = [apiKey, apiSecret, authorization];
  const log = (entry: AtlasLogEntry) => logger?.({ ...entry, message: scrubText(entry.message, secrets) });

  async function attempt(
    method: HttpMethod,
    url: URL,
    body: string | undefined,
    accept: string,
    perAttemptTimeout: number,
    signal: AbortSignal | undefined,
    idempotent: boolean,
  ): Promise<{ response: Response; text: string }> {
    // Deno's fetch silently sends a request again when a reused keep-alive connection closes before the
    // answer; for a request that must not be repeated (a create), use a fresh connection that is never reused.
    const single = idempotent ? undefined : freshConnection();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutMarker()), perAttemptTimeout);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) controller.abort(signal.reason);
    try {
      const headers: Record<string, string> = {
        Authorization: authorization,
        Accept: accept,
        "User-Agent": userAgent,
      };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const init: RequestInit & { client?: Deno.HttpClient } = {
        method,
        headers,
        body,
        signal: controller.signal,
        redirect: "manual",
      };
      if (single) init.client = single;
      const response = await fetchImpl(url, init);
      const text = await response.text();
      return { response, text };
    } finally {
      single?.close();
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  function warnLegacy(target: { legacy: boolean; path: string }): void {
    if (!target.legacy || legacyWarned) return;
    legacyWarned = true;
    const message =
      `Deprecated: 'connectors' endpoints were renamed 'connections' by Fivetran (old paths answer 404); sending '${target.path}' instead`;
    onWarning?.(message);
    log({ level: "warn", message });
  }

  async function request<T>(
    method: HttpMethod,
    endpoint: string,
    payload?: unknown,
    requestOptions: RequestOptions = {},
  ): Promise<Envelope<T>> {
    if (!METHODS.includes(method)) {
      throw new TypeError(`Expected method GET, POST, PATCH or DELETE, got '${String(method)}'`);
    }
    const target = normalizeEndpoint(endpoint);
    warnLegacy(target);
    const url = joinUrl(base, target.endpoint);
    const body = bodyFor(method, payload);
    const accept = acceptFor(target.path);
    const { signal, idempotent = method !== "POST" || isIdempotentPost(target.path) } = requestOptions;
    const perAttemptTimeout = requestOptions.timeout ?? timeout;
    checkNumber("timeout", perAttemptTimeout, 1, 3_600_000);
    const payloadNote = body === undefined ? "" : ` payload=${JSON.stringify(maskSecrets(payload ?? {}))}`;

    for (let n = 1;; n++) {
      const fail = (init: Omit<AtlasErrorInit, "method" | "path" | "attempts">) =>
        new AtlasError({
          ...init,
          code: scrubText(init.code, secrets),
          fivetranMessage: scrubText(init.fivetranMessage, secrets),
          method,
          path: target.path,
          attempts: n,
        });
      // A wait (pacer or backoff) that the caller's signal ends rejects like an aborted request.
      const pause = (waiting: Promise<void> | undefined) =>
        waiting?.catch((error) => {
          if (!signal?.aborted) throw error;
          throw fail({ kind: "aborted", status: 0, code: "Aborted", fivetranMessage: "Request aborted", cause: error });
        });
      await pause(pacer?.wait(signal));
      const started = now();
      let result: { response: Response; text: string };
      try {
        result = await attempt(method, url, body, accept, perAttemptTimeout, signal, idempotent);
      } catch (error) {
        // A missing --allow-net is the caller's to fix, not a network failure to retry.
        if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) throw error;
        const duration = now() - started;
        if (signal?.aborted) {
          log(line("warn", method, target.endpoint, 0, duration, n, "aborted"));
          throw fail({ kind: "aborted", status: 0, code: "Aborted", fivetranMessage: "Request aborted", cause: error });
        }
        const timedOut = error instanceof TimeoutMarker ||
          (error as { name?: string })?.name === "TimeoutError" ||
          (error as Error)?.cause instanceof TimeoutMarker;
        const description = timedOut
          ? `No complete answer within ${perAttemptTimeout} ms`
          : `Network error: ${firstLine((error as Error)?.message ?? String(error))}`;
        log(line("warn", method, target.endpoint, 0, duration, n, timedOut ? "timeout" : "network error"));
        if (idempotent && n <= maxRetries) {
          await pause(sleep(backoff(n, retryDelay, maxRetryDelay, random), signal));
          continue;
        }
        throw fail({
          kind: timedOut ? "timeout" : "network",
          status: 0,
          code: timedOut ? "Timeout" : "NetworkError",
          fivetranMessage: idempotent || n > 1 ? description : `${description} (not retried: not safe to repeat)`,
          cause: error,
        });
      }
      const { response, text } = result;
      pacer?.observe(response.headers);
      const status = response.status;
      const duration = now() - started;
      if (status >= 200 && status < 300) {
        log(line("info", method, target.endpoint, status, duration, n, payloadNote));
        const parsed = parseJson(text);
        if (text.trim() === "") return { code: "Success" } as Envelope<T>;
        if (!parsed.ok || !isEnvelope(parsed.value)) {
          throw fail({
            kind: "invalid-response",
            status,
            code: "InvalidResponse",
            fivetranMessage: `Expected a JSON envelope, got ${snippet(text, response.headers.get("content-type"))}`,
          });
        }
        return parsed.value as Envelope<T>;
      }
      const parsed = parseJson(text);
      const errorBody = parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
      const code = typeof errorBody?.code === "string" && errorBody.code
        ? errorBody.code
        : response.statusText.replace(/\s+/g, "") || "HttpError";
      const fivetranMessage = typeof errorBody?.message === "string"
        ? errorBody.message
        : errorBody
        ? "No message"
        : `Non-JSON answer: ${snippet(text, response.headers.get("content-type"))}`;
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
      log(
        line(
          status >= 500 || status === 429 ? "warn" : "error",
          method,
          target.endpoint,
          status,
          duration,
          n,
          ` ${code}`,
        ),
      );
      const retryable = status === 429 || (status >= 500 && idempotent);
      if (retryable && n <= maxRetries) {
        const wait = retryAfterMs !== undefined
          ? Math.min(retryAfterMs, maxRetryAfter * 1000)
          : backoff(n, retryDelay, maxRetryDelay, random);
        if (status === 429 && pacer) pacer.pause(wait);
        else await pause(sleep(wait, signal));
        continue;
      }
      throw fail({
        kind: "http",
        status,
        code,
        fivetranMessage: scrubText(fivetranMessage, secrets),
        ...(retryAfterMs !== undefined ? { retryAfter: Math.ceil(retryAfterMs / 1000) } : {}),
      });
    }
  }

  async function* paginate<T>(endpoint: string, options: PaginateOptions = {}): AsyncGenerator<T> {
    const { limit = 100, signal } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`Expected limit to be an integer from 1 to 1000, got ${limit}`);
    }
    const target = normalizeEndpoint(endpoint);
    warnLegacy(target);
    const q = target.endpoint.indexOf("?");
    const path = q === -1 ? target.endpoint : target.endpoint.slice(0, q);
    const query = new URLSearchParams(q === -1 ? "" : target.endpoint.slice(q + 1));
    query.set("limit", String(limit));
    query.delete("cursor");
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 1;; page++) {
      if (cursor !== undefined) query.set("cursor", cursor);
      const envelope = await request<ListData<T>>("GET", `${path}?${query}`, undefined, { signal });
      const data = envelope.data;
      if (!isRecord(data) || !Array.isArray(data.items)) {
        throw new AtlasError({
          kind: "invalid-response",
          status: 200,
          code: "InvalidResponse",
          fivetranMessage: `Expected data.items to be a list on page ${page}, got ${
            JSON.stringify(data)?.slice(0, 80)
          }`,
          method: "GET",
          path: target.path,
          attempts: 1,
        });
      }
      yield* data.items as T[];
      const next = data.next_cursor;
      if (next === undefined || next === null || next === "") return;
      if (typeof next !== "string" || seen.has(next)) {
        throw new AtlasError({
          kind: "invalid-response",
          status: 200,
          code: "RepeatedCursor",
          fivetranMessage: `Expected a new next_cursor on page ${page}, got one already seen ('${
            String(next).slice(0, 40)
          }'); stopping instead of looping`,
          method: "GET",
          path: target.path,
          attempts: 1,
        });
      }
      seen.add(next);
      cursor = next;
    }
  }

  return {
    baseUrl: base.href.replace(/\/$/, ""),
    request,
    paginate,
  };
}

function freshConnection(): Deno.HttpClient | undefined {
  const create = (globalThis as { Deno?: { createHttpClient?: typeof Deno.createHttpClient } }).Deno
    ?.createHttpClient;
  return typeof create === "function" ? create({ poolMaxIdlePerHost: 0 }) : undefined;
}

class TimeoutMarker extends Error {
  constructor() {
    super("Timed out");
    this.name = "TimeoutError";
  }
}

function bodyFor(method: HttpMethod, payload: unknown): string | undefined {
  const empty = payload === undefined || payload === null || payload === "";
  if (method === "GET" || method === "DELETE") {
    if (!empty && !(isRecord(payload) && Object.keys(payload).length === 0)) {
      throw new TypeError(`Expected no payload for ${method}, got ${typeof payload}`);
    }
    return undefined;
  }
  if (empty) return "{}";
  if (typeof payload === "string") {
    const parsed = parseJson(payload);
    if (!parsed.ok) throw new TypeError("Expected the payload to be an object or a JSON string, got a non-JSON string");
    return payload;
  }
  if (typeof payload !== "object") {
    throw new TypeError(`Expected the payload to be an object, got ${typeof payload}`);
  }
  return JSON.stringify(payload);
}

function line(
  level: AtlasLogEntry["level"],
  method: HttpMethod,
  path: string,
  status: number,
  durationMs: number,
  attempt: number,
  extra: string,
): AtlasLogEntry {
  const message = `${method} ${path} ${status || "-"} ${Math.round(durationMs)}ms attempt=${attempt}${
    extra.startsWith(" ") || extra === "" ? extra : ` ${extra}`
  }`;
  return { level, message, method, path, status, durationMs, attempt };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEnvelope(value: unknown): value is Envelope {
  return isRecord(value) && typeof value.code === "string";
}

function snippet(text: string, contentType: string | null): string {
  const flat = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  const type = contentType ? contentType.split(";")[0] : "no content type";
  if (flat === "") return `an empty ${type} body`;
  return `${type} '${flat.length > 100 ? `${flat.slice(0, 97)}...` : flat}'`;
}

function firstLine(text: string): string {
  return text.split("\n")[0].slice(0, 200);
}

function checkNumber(name: string, value: number, min: number, max: number, integer = false) {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Expected ${name} to be a number, got ${typeof value}`);
  }
  if (value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Expected ${name} to be ${integer ? "an integer " : ""}from ${min} to ${max}, got ${value}`);
  }
}
