/**
 * The single seam every call goes through: one request through the guard, the pacer, the transport, the
 * retry policy, the log and the envelope checks. `createAtlas` (and with it `atlas()` and `paginate()`)
 * and the typed client are built on {@link createSender}.
 *
 * @module
 */

import { maskSecrets, scrubText, secretValues } from "../mask.ts";
import { answerShape, type Envelope, readError, readSuccess } from "./envelope.ts";
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
import { type AtlasLogEntry, attemptEntry, type AttemptLine } from "./log_entry.ts";
import type { RateLimitPacer } from "./pacer.ts";
import { duration, retryMessage, type RetryNotice } from "./notice.ts";
import {
  type AttemptFailure,
  decideRetry,
  newRetryState,
  parseRetryAfter,
  type RetryPolicy,
  type RetryState,
} from "./retry.ts";
import {
  type Answer,
  describeNetworkError,
  isPermissionError,
  isTimeout,
  ResponseTooLarge,
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
  /** Default milliseconds a request may take in all, retries and waits included (`Infinity`: no limit). */
  deadline: number;
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
  /** Receives a notice before each retry. */
  onRetry?: (notice: RetryNotice) => void;
  /** Ends every wait of the client (a Ctrl-C): no request waits or retries once it aborts. */
  signal?: AbortSignal;
}

/** Per-request options. */
export interface SendOptions {
  /** Aborts the request and any wait between retries. */
  signal?: AbortSignal;
  /** Whether the request may be sent again after an answer was lost; defaults by method and path. */
  idempotent?: boolean;
  /** Milliseconds this request may take per attempt; overrides the client's `timeout`. */
  timeout?: number;
  /** Milliseconds this request may take in all; overrides the client's `deadline`. */
  deadline?: number;
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
let requests = 0;

/** The fields of an {@link AtlasError} that an attempt decides. */
type ErrorFields = Omit<AtlasErrorInit, "method" | "path" | "attempts">;

/** One request, checked, with what its attempts share. */
interface PreparedRequest {
  method: HttpMethod;
  where: NormalizedEndpoint;
  url: URL;
  body: string | undefined;
  accept: string;
  signal: AbortSignal | undefined;
  idempotent: boolean;
  timeout: number;
  deadline: number;
  deadlineAt: number;
  begun: number;
  /** Secrets scrubbed from this request's errors, notices and log lines. */
  scrub: string[];
  payloadNote: string;
  id: number;
  state: RetryState;
  log: (entry: AtlasLogEntry) => void;
  fail: (init: ErrorFields, attempts: number) => AtlasError;
}

/** A failed attempt: what the retry policy sees, and how to describe it. */
interface Failed {
  failure: AttemptFailure;
  /** One line: `HTTP 503 ServiceUnavailable`, `timeout`, `network error (...)`. */
  reason: string;
  /** The error to throw when this failure is final. */
  final: ErrorFields;
}

/**
 * Builds the request pipeline from resolved settings.
 *
 * @example A request pipeline without pacing or logging
 * ```ts
 * import { createSender } from "./send.ts";
 * const sender = createSender({
 *   base: new URL("https://api.fivetran.com/v1/"),
 *   authorization: `Basic ${btoa("key:secret")}`,
 *   secrets: ["key", "secret"],
 *   fetch: globalThis.fetch,
 *   userAgent: "example/1.0",
 *   maxResponseBytes: 1024 * 1024,
 *   timeout: 30_000,
 *   deadline: Infinity,
 *   retry: { maxRetries: 2, maxRetryAfter: 120, maxRateLimitWait: 60_000, retryDelay: 500, maxRetryDelay: 5_000, random: Math.random },
 *   sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 *   now: Date.now,
 * });
 * const { data } = await sender.send("GET", "account/info");
 * ```
 */
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

  /** Checks a request and resolves everything its attempts share. */
  function prepare(method: HttpMethod, endpoint: string, payload: unknown, options: SendOptions): PreparedRequest {
    checkMethod(method);
    const where = target(endpoint);
    const url = joinUrl(base, where.endpoint);
    const body = bodyFor(method, payload);
    const { signal, idempotent = method !== "POST" || isIdempotentPost(where.path) } = options;
    // The client's own timeout and deadline were checked when it was made; only a request's overrides are new.
    const timeout = options.timeout ?? settings.timeout;
    if (timeout !== settings.timeout) checkOption("timeout", timeout);
    const deadline = options.deadline ?? settings.deadline;
    if (deadline !== settings.deadline) checkOption("deadline", deadline);
    // What an error answer may echo of this request's own secrets (a password in a config) is scrubbed too.
    const scrub = body === undefined ? secrets : [...secrets, ...payloadSecrets(payload)];
    const begun = now();
    return {
      method,
      where,
      url,
      body,
      accept: acceptFor(where.path),
      signal,
      idempotent,
      timeout,
      deadline,
      deadlineAt: begun + deadline,
      begun,
      scrub,
      payloadNote: body === undefined ? "" : ` payload=${JSON.stringify(maskSecrets(payload ?? {}))}`,
      id: ++requests,
      state: newRetryState(),
      // `scrub` holds the client's secrets too: one pass, not the client's log() scrubbing them again.
      log: (entry) => settings.logger?.({ ...entry, message: scrubText(entry.message, scrub) }),
      fail: (init, attempts) =>
        new AtlasError({
          ...init,
          code: scrubText(init.code, scrub),
          fivetranMessage: scrubText(init.fivetranMessage, scrub),
          method,
          path: where.path,
          attempts,
        }),
    };
  }

  async function send<T>(
    method: HttpMethod,
    endpoint: string,
    payload?: unknown,
    options: SendOptions = {},
  ): Promise<Envelope<T>> {
    const req = prepare(method, endpoint, payload, options);
    // Waits end on the request's own signal or the client's (Ctrl-C); an attempt on the wire only on the former.
    // Once a change may have been applied without its answer (a 5xx or a lost connection), the client's signal no
    // longer ends the request: it goes on until it knows, so a Ctrl-C never leaves an outcome unknown.
    let waitSignal = anySignal(req.signal, settings.signal);
    for (let n = 1;; n++) {
      const aborted = (cause: unknown) =>
        req.fail({ kind: "aborted", status: 0, code: "Aborted", fivetranMessage: "Request aborted", cause }, n);
      // A wait (pacer or backoff) that a signal ends rejects like an aborted request.
      const pause = (waiting: Promise<void> | undefined) =>
        waiting?.catch((error) => {
          if (!waitSignal?.aborted) throw error;
          throw aborted(error);
        });
      if (pacer && !pacer.tryPass()) await pause(pacer.wait(waitSignal));
      const remaining = req.deadlineAt - now();
      if (remaining <= 0) throw req.fail(pastDeadline(req.deadline, n - 1, "no attempt left"), n);
      const outcome = await attempt(req, n, Math.min(req.timeout, remaining));
      if ("envelope" in outcome) return outcome.envelope as Envelope<T>;
      const { failed } = outcome;
      const waitedBefore = req.state.rateLimitWaitMs;
      const decision = decideRetry(retry, req.state, failed.failure, { idempotent: req.idempotent, now: now() });
      if (!decision.retry) throw req.fail(finalError(failed, decision), n);
      if (method !== "GET" && !decision.rateLimited) waitSignal = req.signal;
      if (waitSignal?.aborted) throw aborted(waitSignal.reason);
      if (now() + decision.waitMs >= req.deadlineAt) {
        throw req.fail(pastDeadline(req.deadline, n, `last: ${failed.final.fivetranMessage}`, failed.final), n);
      }
      notify(req, n, failed, decision.waitMs, decision.rateLimited, waitedBefore);
      if (decision.rateLimited && pacer) pacer.pause(decision.waitMs);
      else await pause(sleep(decision.waitMs, waitSignal));
    }
  }

  /** One attempt: the envelope of a good answer, or what failed (thrown when nothing can follow it). */
  async function attempt(
    req: PreparedRequest,
    n: number,
    timeout: number,
  ): Promise<{ envelope: Envelope } | { failed: Failed }> {
    const { method, where } = req;
    const started = now();
    let answer: Answer;
    try {
      answer = await sendAttempt(settings, { ...req, timeout });
    } catch (error) {
      return { failed: unanswered(req, n, error, now() - started, timeout) };
    }
    const { response, text } = answer;
    pacer?.observe(response.headers);
    const status = response.status;
    const duration = now() - started;
    if (status >= 200 && status < 300) {
      logAttempt(req, "info", { status, durationMs: duration, attempt: n, extra: req.payloadNote });
      const read = readSuccess(text, {
        contentType: response.headers.get("content-type"),
        status,
        shape: answerShape(method, where.path),
      });
      if (read.ok) return { envelope: read.envelope };
      throw req.fail({ kind: "invalid-response", status, code: "InvalidResponse", fivetranMessage: read.problem }, n);
    }
    const { code, message } = readError(text, response);
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
    const level = status >= 500 || status === 429 ? "warn" : "error";
    logAttempt(req, level, { status, durationMs: duration, attempt: n, extra: ` ${code}` });
    return {
      failed: {
        failure: { kind: "http", status, retryAfterMs },
        reason: `HTTP ${status} ${code}`,
        final: {
          kind: "http",
          status,
          code,
          fivetranMessage: message,
          ...(retryAfterMs !== undefined ? { retryAfter: Math.ceil(retryAfterMs / 1000) } : {}),
        },
      },
    };
  }

  /** An attempt that got no usable answer: a network failure or timeout to judge, or an error to throw now. */
  function unanswered(req: PreparedRequest, n: number, error: unknown, duration: number, timeout: number): Failed {
    if (error instanceof ResponseTooLarge) {
      logAttempt(req, "error", { status: error.response.status, durationMs: duration, attempt: n, extra: "too large" });
      throw req.fail({
        kind: "invalid-response",
        status: error.response.status,
        code: "ResponseTooLarge",
        fivetranMessage: `Expected an answer of at most ${bytes(error.limit)} (maxResponseBytes), got ${
          error.announced ? `${bytes(error.seen)} (Content-Length)` : `more (stopped after ${bytes(error.seen)})`
        }; not read further, not retried`,
      }, n);
    }
    // A missing --allow-net is the caller's to fix, not a network failure to retry.
    if (isPermissionError(error)) throw error;
    if (req.signal?.aborted) {
      logAttempt(req, "warn", { status: 0, durationMs: duration, attempt: n, extra: "aborted" });
      throw req.fail(
        { kind: "aborted", status: 0, code: "Aborted", fivetranMessage: "Request aborted", cause: error },
        n,
      );
    }
    const timedOut = isTimeout(error);
    const extra = timedOut ? "timeout" : "network error";
    logAttempt(req, "warn", { status: 0, durationMs: duration, attempt: n, extra });
    const description = timedOut ? `No complete answer within ${timeout} ms` : describeNetworkError(error, req.url);
    return {
      failure: { kind: timedOut ? "timeout" : "network" },
      reason: timedOut ? `no complete answer within ${timeout} ms` : description.replace(/^N/, "n"),
      final: {
        kind: timedOut ? "timeout" : "network",
        status: 0,
        code: timedOut ? "Timeout" : "NetworkError",
        fivetranMessage: req.idempotent || n > 1 ? description : `${description} (not retried: not safe to repeat)`,
        cause: error,
      },
    };
  }

  /** Tells `onRetry` what failed, why, and when the next try is. */
  function notify(
    req: PreparedRequest,
    n: number,
    failed: Failed,
    waitMs: number,
    rateLimited: boolean,
    waited: number,
  ) {
    if (!settings.onRetry) return;
    const notice = {
      method: req.method,
      path: req.where.path,
      attempt: n,
      reason: failed.reason,
      waitMs,
      rateLimited,
      first: n === 1,
      requestId: req.id,
      elapsedMs: now() - req.begun + waitMs,
      rateLimitWaitedMs: waited,
    };
    const limits = {
      maxRetries: retry.maxRetries,
      maxRateLimitWait: retry.maxRateLimitWait,
      retries: req.state.retries,
    };
    settings.onRetry({ ...notice, message: scrubText(retryMessage(notice, limits), req.scrub) });
  }

  /** The error of a failure the retry policy gave up on. */
  function finalError(failed: Failed, decision: { why: string; waitedMs?: number }): ErrorFields {
    if (decision.why !== "rate-limit-wait") return failed.final;
    const waited = `gave up after waiting ${duration(decision.waitedMs ?? 0)} in all for the rate limit`;
    return {
      ...failed.final,
      fivetranMessage: `${failed.final.fivetranMessage} (${waited}; maxRateLimitWait is ${
        duration(retry.maxRateLimitWait)
      })`,
    };
  }

  return { baseUrl: base.href.replace(/\/$/, ""), send, target, log };
}

/** Logs one attempt of `req`. */
function logAttempt(
  req: PreparedRequest,
  level: AtlasLogEntry["level"],
  line: Omit<AttemptLine, "method" | "path">,
): void {
  req.log(attemptEntry(level, { method: req.method, path: req.where.endpoint, ...line }));
}

/** The error of a request whose overall deadline passed. */
function pastDeadline(deadline: number, attempts: number, last: string, final?: ErrorFields): ErrorFields {
  return {
    kind: "timeout",
    status: final?.status ?? 0,
    code: "Deadline",
    fivetranMessage: `Gave up at the deadline of ${duration(deadline)} after ${attempts} attempt${
      attempts === 1 ? "" : "s"
    } (${last})`,
    ...(final?.cause !== undefined ? { cause: final.cause } : {}),
  };
}

/** The secret values of a payload (an object, or a JSON string), as sent and as a JSON string would escape them. */
function payloadSecrets(payload: unknown): string[] {
  let value = payload;
  if (typeof payload === "string") {
    try {
      value = JSON.parse(payload);
    } catch {
      return [];
    }
  }
  const found = secretValues(value);
  return [...found, ...found.map((v) => JSON.stringify(v).slice(1, -1)).filter((v) => !found.includes(v))];
}

/** A byte count for people: `512 bytes`, `3.2 MiB`. */
function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1).replace(/\.0$/, "")} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1).replace(/\.0$/, "")} MiB`;
  return `${(n / 1024 ** 3).toFixed(1).replace(/\.0$/, "")} GiB`;
}

/** A signal that aborts when either does (undefined when neither is given). */
function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  // The recipes give a read the client's own signal (Ctrl-C): one signal, no AbortSignal.any (about 30 µs cold).
  if (!a || a === b) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

/** A numeric option's range: `min` to `max` (`max` may be `Infinity`), whole numbers only when `integer`. */
export interface OptionRange {
  /** The least value. */
  min: number;
  /** The greatest value; `Infinity` for none. */
  max: number;
  /**
   * Whether only whole numbers will do.
   *
   * @default {false}
   */
  integer?: boolean;
}

/** The range of each numeric option of a client, checked when it is made and when a request overrides one. */
export const OPTION_RANGES = {
  timeout: { min: 1, max: 3_600_000 },
  deadline: { min: 1, max: Infinity },
  maxResponseBytes: { min: 1, max: 2 ** 31, integer: true },
  maxRetries: { min: 0, max: 100, integer: true },
  maxRateLimitWait: { min: 0, max: Infinity },
  maxRetryAfter: { min: 0, max: 86_400 },
  retryDelay: { min: 0, max: 3_600_000 },
  maxRetryDelay: { min: 0, max: 3_600_000 },
} as const satisfies Record<string, OptionRange>;

/**
 * Throws unless `value` is in the range {@link OPTION_RANGES} gives the option `name`: a `TypeError` for what is
 * not a number (or an infinity the range does not allow), a `RangeError` for a number outside it.
 *
 * @example Check an option
 * ```ts
 * import { checkOption } from "./send.ts";
 * checkOption("timeout", 30_000); // passes
 * // checkOption("maxRetries", 1.5) throws a RangeError: an integer from 0 to 100 is expected
 * ```
 */
export function checkOption(name: keyof typeof OPTION_RANGES, value: number): void {
  const { min, max, integer = false }: OptionRange = OPTION_RANGES[name];
  if (typeof value !== "number") {
    throw new TypeError(`Expected ${name} to be a number, got ${typeof value}`);
  }
  if (Number.isNaN(value) || (value === Infinity && max !== Infinity) || value === -Infinity) {
    throw new TypeError(
      `Expected ${name} to be a ${max === Infinity ? "number or Infinity" : "finite number"}, got ${value}`,
    );
  }
  if (value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Expected ${name} to be ${integer ? "an integer " : ""}from ${min} to ${max}, got ${value}`);
  }
}
