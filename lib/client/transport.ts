/**
 * One attempt on the wire: fetch with the credentials and headers, a per-attempt timeout that covers the
 * body, the caller's abort signal, and a fresh connection for requests that must not be sent twice.
 *
 * @module
 */

import { readBodyUpTo } from "../_read_body.ts";
import { firstLine } from "../_text.ts";
import { AnswerTooLarge, type Http1Agent } from "./_http1.ts";
import type { HttpMethod } from "./errors.ts";

/** What every attempt of a client shares. */
export interface TransportSettings {
  /** The fetch implementation. */
  fetch: typeof fetch;
  /** When given, attempts go over its HTTP/1.1 connections instead of `fetch` (a recipe run's own). */
  agent?: Http1Agent;
  /** The `Authorization` header value. */
  authorization: string;
  /** The `User-Agent` header value. */
  userAgent: string;
  /** The most bytes of an answer's body read; a longer answer is an error, not read further. */
  maxResponseBytes: number;
}

/** One attempt. */
export interface AttemptInit {
  /** HTTP method. */
  method: HttpMethod;
  /** The full URL, already guarded. */
  url: URL;
  /** The JSON body, if any. */
  body: string | undefined;
  /** The `Accept` header. */
  accept: string;
  /** Milliseconds the attempt may take, body included. */
  timeout: number;
  /** The caller's abort signal. */
  signal: AbortSignal | undefined;
  /** Whether the request may be repeated; if not, it gets a connection of its own. */
  idempotent: boolean;
}

/** What the client reads of an answer besides its body: a fetch `Response` is one. */
export interface AnswerHead {
  /** HTTP status. */
  status: number;
  /** The reason phrase. */
  statusText: string;
  /** The headers. */
  headers: Pick<Headers, "get" | "has">;
}

/** An answer, read in full. */
export interface Answer {
  /** The status and headers (a fetch `Response` has its body already consumed). */
  response: AnswerHead;
  /** The body text. */
  text: string;
}

/**
 * Sends one attempt and reads the whole answer; rejects on a network failure, timeout or abort.
 *
 * @example One GET, read in full
 * ```ts
 * import { sendAttempt } from "./transport.ts";
 * const { response, text } = await sendAttempt(
 *   { fetch: globalThis.fetch, authorization: `Basic ${btoa("key:secret")}`, userAgent: "example/1.0", maxResponseBytes: 1 << 20 },
 *   {
 *     method: "GET",
 *     url: new URL("https://api.fivetran.com/v1/groups"),
 *     body: undefined,
 *     accept: "application/json",
 *     timeout: 30_000,
 *     signal: undefined,
 *     idempotent: true,
 *   },
 * );
 * console.log(response.status, text.length);
 * ```
 */
export async function sendAttempt(settings: TransportSettings, attempt: AttemptInit): Promise<Answer> {
  const { method, url, body, accept, timeout, signal, idempotent } = attempt;
  const controller = new AbortController();
  // AbortSignal.timeout rather than setTimeout: in Deno 2.9 the first setTimeout loads part of the Node
  // compatibility layer (about 5 ms of every recipe's start-up); the timeout signal's timer does not.
  const expiry = AbortSignal.timeout(timeout);
  const onExpiry = () => controller.abort(new TimeoutMarker());
  expiry.addEventListener("abort", onExpiry, { once: true });
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) controller.abort(signal.reason);
  try {
    const headers: Record<string, string> = {
      Authorization: settings.authorization,
      Accept: accept,
      "User-Agent": settings.userAgent,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const request = { method, url, headers, body, signal: controller.signal, idempotent };
    const agent = settings.agent;
    return await (agent ? overAgent(agent, settings.maxResponseBytes, request) : overFetch(settings, request));
  } finally {
    expiry.removeEventListener("abort", onExpiry);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** One attempt's request, its headers made. */
interface Outgoing extends Pick<AttemptInit, "method" | "url" | "body" | "idempotent"> {
  headers: Record<string, string>;
  /** Aborted by the caller's signal or the attempt's timeout. */
  signal: AbortSignal;
}

/** One attempt through `fetch`. */
async function overFetch(settings: TransportSettings, request: Outgoing): Promise<Answer> {
  const { method, url, headers, body, signal, idempotent } = request;
  // Deno's fetch silently sends a request again when a reused keep-alive connection closes before the
  // answer; for a request that must not be repeated (a create), use a fresh connection that is never reused.
  const single = idempotent ? undefined : freshConnection();
  try {
    const init: RequestInit & { client?: Deno.HttpClient } = { method, headers, body, signal, redirect: "manual" };
    if (single) init.client = single;
    const response = await settings.fetch(url, init);
    const text = await readCapped(response, settings.maxResponseBytes);
    return { response, text };
  } finally {
    single?.close();
  }
}

/** One attempt over the run's own HTTP/1.1 connections (which never send a request twice unless it is safe). */
async function overAgent(agent: Http1Agent, maxBytes: number, request: Outgoing): Promise<Answer> {
  const { method, url, headers, body, signal, idempotent } = request;
  try {
    const answer = await agent.request({ method, url, headers, body, signal, fresh: !idempotent, maxBytes });
    return { response: answer, text: answer.text };
  } catch (error) {
    if (error instanceof AnswerTooLarge) throw new ResponseTooLarge(error, error.seen, maxBytes, error.announced);
    throw error;
  }
}

/**
 * An answer whose body is longer than `maxResponseBytes`: not read further, and not retried.
 *
 * @example Tell a refused answer from a network failure
 * ```ts
 * import { ResponseTooLarge } from "./transport.ts";
 * declare const error: unknown;
 * if (error instanceof ResponseTooLarge) console.log(`more than ${error.limit} bytes`);
 * ```
 */
export class ResponseTooLarge extends Error {
  /**
   * Creates the error.
   *
   * @param response The answer's status and headers (its body not read further).
   * @param seen Bytes announced by `Content-Length`, or read before stopping.
   * @param limit The cap.
   * @param announced Whether `seen` is the `Content-Length` (else the bytes read before stopping).
   */
  constructor(
    readonly response: AnswerHead,
    readonly seen: number,
    readonly limit: number,
    readonly announced: boolean,
  ) {
    super(`Answer larger than ${limit} bytes`);
    this.name = "ResponseTooLarge";
  }
}

/** The body as text, reading at most `limit` bytes (a larger `Content-Length` is refused before reading). */
async function readCapped(response: Response, limit: number): Promise<string> {
  const announced = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(announced) && announced > limit) {
    await response.body?.cancel().catch(() => {});
    throw new ResponseTooLarge(response, announced, limit, true);
  }
  if (!response.body || (Number.isFinite(announced) && announced <= limit)) return await response.text();
  const read = await readBodyUpTo(response.body, limit);
  if ("over" in read) throw new ResponseTooLarge(response, read.over, limit, false);
  return new TextDecoder().decode(read.bytes);
}

/**
 * Whether a failed attempt failed because its time ran out.
 *
 * @example Name a failed attempt
 * ```ts
 * import { isTimeout } from "./transport.ts";
 * declare const error: unknown;
 * console.log(isTimeout(error) ? "timeout" : "network error");
 * ```
 */
export function isTimeout(error: unknown): boolean {
  return error instanceof TimeoutMarker ||
    (error as { name?: string })?.name === "TimeoutError" ||
    (error as Error)?.cause instanceof TimeoutMarker;
}

/**
 * Whether a failed attempt failed for a missing permission (`--allow-net`): the caller's to fix.
 *
 * @example A missing --allow-net is not retried
 * ```ts
 * import { isPermissionError } from "./transport.ts";
 * declare const error: unknown;
 * if (isPermissionError(error)) throw error;
 * ```
 */
export function isPermissionError(error: unknown): boolean {
  return error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied;
}

/**
 * One line describing a network failure, naming the host and the cause Deno's `fetch failed` hides in its
 * `cause`: connection refused, DNS failure, TLS, a reset or a connection closed before the answer.
 *
 * @example Say why a request got no answer
 * ```ts
 * import { describeNetworkError } from "./transport.ts";
 * declare const error: unknown;
 * console.error(describeNetworkError(error, new URL("https://api.fivetran.com/v1/groups")));
 * ```
 */
export function describeNetworkError(error: unknown, url: URL): string {
  const texts: string[] = [];
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    texts.push(String((e as Error).message ?? e));
    e = (e as { cause?: unknown }).cause;
  }
  const all = texts.join(" | ");
  const detail = firstLine(texts.at(-1) ?? "", 200).replace(/^.*\): /, "").replace(/^error sending request.*?: /, "");
  const cause = /connection refused/i.test(all)
    ? "connection refused (nothing listens on that port?)"
    : /dns error|failed to lookup|name or service not known|nodename nor servname|no such host/i.test(all)
    ? "DNS lookup failed (no such host?)"
    : /certificate|tls|ssl|handshake|corrupt message|InvalidContentType/i.test(all)
    ? `TLS failure: ${detail}`
    : /connection reset/i.test(all)
    ? "connection reset by the server"
    : /closed before|incomplete ?message|unexpected eof|connection closed/i.test(all)
    ? "connection closed before the answer"
    : /requests to port \d+ are blocked/i.test(all)
    ? `${detail.replace(/^Fetch failed: /, "")} (by Deno)`
    : detail || "fetch failed";
  return `Network error: ${url.host}: ${cause}`;
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
