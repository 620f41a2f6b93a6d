/**
 * The single seam every call goes through: one request through the guard, the pacer, the transport, the
 * retry policy, the log and the envelope checks. `createAtlas` (and with it `atlas()` and `paginate()`)
 * and the typed client are built on {@link createSender}.
 *
 * @module
 */

import { maskSecrets, scrubText, secretValues } from "../mask.ts";
import { type Envelope, readError, readSuccess } from "./envelope.ts";
import { AtlasError, type AtlasErrorInit, type HttpMethod } from "./errors.ts";
import {
  acceptFor,
  bodyFor,
  checkMethod,
  isIdempotentPost,
  joinUrl,
  type NormalizedEndpoint,
  normalizeEndpoint,
} from "./guard.ts";
import { type AtlasLogEntry, attemptEntry } from "./log_entry.ts";
import type { RateLimitPacer } from "./pacer.ts";
import { httpRetryWait, networkRetryWait, parseRetryAfter, type RetryPolicy } from "./retry.ts";
import {
  describeNetworkError,
  isPermissionError,
  isTimeout,
  sendAttempt,
  type TransportSettings,
} from "./transport.ts";

/** Everything a sender needs, resolved from the client's options. */
export interface SenderSettings extends TransportSettings {
  /** The base URL, with a trailing slash. */
  base: URL;
  /** Values scrubbed from every log line and error (key, secret, Authorization header). */
  secrets: string[];
  /** Default milliseconds per attempt. */
  timeout: number;
  /** When to retry. */
  retry: RetryPolicy;
  /** The shared rate-limit pacer, if pacing is on. */
  pacer?: RateLimitPacer;
  /** Sleeps between retries. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock, epoch milliseconds. */
  now: () => number;
  /** Receives log entries (already masked), if logging is on. */
  logger?: (entry: AtlasLogEntry) => void;
  /** Receives warnings meant for a person. */
  onWarning?: (message: string) => void;
}

/** Per-request options. */
export interface SendOptions {
  /** Aborts the request and any wait between retries. */
  signal?: AbortSignal;
  /** Whether the request may be sent again after an answer was lost; defaults by method and path. */
  idempotent?: boolean;
  /** Milliseconds this request may take per attempt; overrides the client's `timeout`. */
  timeout?: number;
}

/** Sends one request and resolves to the parsed envelope; rejects with {@link AtlasError}. */
export type Send = <T = unknown>(
  method: HttpMethod,
  endpoint: string,
  payload?: unknown,
  options?: SendOptions,
) => Promise<Envelope<T>>;

/** A configured request pipeline. */
export interface Sender {
  /** The base URL, without a trailing slash. */
  baseUrl: string;
  /** Sends one request. */
  send: Send;
  /** Checks an endpoint (throws `TypeError` outside the base path) and warns once for `connectors` paths. */
  target(endpoint: string): NormalizedEndpoint;
  /** Writes a log entry, masked. */
  log(entry: AtlasLogEntry): void;
}

let legacyWarned = false;

/** Builds the request pipeline from resolved settings. */
export function createSender(settings: SenderSettings): Sender {
  const { base, secrets, pacer, sleep, now, retry } = settings;
  const log = (entry: AtlasLogEntry) => settings.logger?.({ ...entry, message: scrubText(entry.message, secrets) });

  function target(endpoint: string): NormalizedEndpoint {
    const normalized = normalizeEndpoint(endpoint);
    if (normalized.legacy && !legacyWarned) {
      legacyWarned = true;
      const message =
        `Deprecated: 'connectors' endpoints were renamed 'connections' by Fivetran (old paths answer 404); sending '${normalized.path}' instead`;
      settings.onWarning?.(message);
      log({ level: "warn", message });
    }
    return normalized;
  }

  async function send<T>(
    method: HttpMethod,
    endpoint: string,
    payload?: unknown,
    options: SendOptions = {},
  ): Promise<Envelope<T>> {
    checkMethod(method);
    const where = target(endpoint);
    const url = joinUrl(base, where.endpoint);
    const body = bodyFor(method, payload);
    const accept = acceptFor(where.path);
    const { signal, idempotent = method !== "POST" || isIdempotentPost(where.path) } = options;
    const timeout = options.timeout ?? settings.timeout;
    checkNumber("timeout", timeout, 1, 3_600_000);
    const payloadNote = body === undefined ? "" : ` payload=${JSON.stringify(maskSecrets(payload ?? {}))}`;
    // An error answer that echoes the request's secrets is scrubbed of them too.
    const scrubbed = body === undefined || typeof payload !== "object"
      ? secrets
      : [...secrets, ...secretValues(payload)];

    for (let n = 1;; n++) {
      const fail = (init: Omit<AtlasErrorInit, "method" | "path" | "attempts">) =>
        new AtlasError({
          ...init,
          code: scrubText(init.code, scrubbed),
          fivetranMessage: scrubText(init.fivetranMessage, scrubbed),
          method,
          path: where.path,
          attempts: n,
        });
      const aborted = (cause: unknown) =>
        fail({ kind: "aborted", status: 0, code: "Aborted", fivetranMessage: "Request aborted", cause });
      // A wait (pacer or backoff) that the caller's signal ends rejects like an aborted request.
      const pause = (waiting: Promise<void> | undefined) =>
        waiting?.catch((error) => {
          if (!signal?.aborted) throw error;
          throw aborted(error);
        });
      await pause(pacer?.wait(signal));
      const started = now();
      let answer;
      try {
        answer = await sendAttempt(settings, { method, url, body, accept, timeout, signal, idempotent });
      } catch (error) {
        // A missing --allow-net is the caller's to fix, not a network failure to retry.
        if (isPermissionError(error)) throw error;
        const duration = now() - started;
        if (signal?.aborted) {
          log(attemptEntry("warn", method, where.endpoint, 0, duration, n, "aborted"));
          throw aborted(error);
        }
        const timedOut = isTimeout(error);
        const description = timedOut ? `No complete answer within ${timeout} ms` : describeNetworkError(error);
        log(attemptEntry("warn", method, where.endpoint, 0, duration, n, timedOut ? "timeout" : "network error"));
        const wait = networkRetryWait(retry, n, idempotent);
        if (wait !== undefined) {
          await pause(sleep(wait, signal));
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
      const { response, text } = answer;
      pacer?.observe(response.headers);
      const status = response.status;
      const duration = now() - started;
      if (status >= 200 && status < 300) {
        log(attemptEntry("info", method, where.endpoint, status, duration, n, payloadNote));
        const read = readSuccess(text, response.headers.get("content-type"));
        if (!read.ok) {
          throw fail({ kind: "invalid-response", status, code: "InvalidResponse", fivetranMessage: read.problem });
        }
        return read.envelope as Envelope<T>;
      }
      const { code, message } = readError(text, response);
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
      const level = status >= 500 || status === 429 ? "warn" : "error";
      log(attemptEntry(level, method, where.endpoint, status, duration, n, ` ${code}`));
      const wait = httpRetryWait(retry, n, { status, idempotent, retryAfterMs });
      if (wait !== undefined) {
        if (status === 429 && pacer) pacer.pause(wait);
        else await pause(sleep(wait, signal));
        continue;
      }
      throw fail({
        kind: "http",
        status,
        code,
        fivetranMessage: message,
        ...(retryAfterMs !== undefined ? { retryAfter: Math.ceil(retryAfterMs / 1000) } : {}),
      });
    }
  }

  return { baseUrl: base.href.replace(/\/$/, ""), send, target, log };
}

/** Throws unless `value` is a number from `min` to `max` (an integer when `integer`). */
export function checkNumber(name: string, value: number, min: number, max: number, integer = false): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Expected ${name} to be a number, got ${typeof value}`);
  }
  if (value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Expected ${name} to be ${integer ? "an integer " : ""}from ${min} to ${max}, got ${value}`);
  }
}
