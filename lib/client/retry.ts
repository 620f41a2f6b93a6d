/**
 * Which failures are tried again and how long to wait first: `Retry-After` (seconds or a date), and
 * exponential backoff with jitter.
 *
 * @module
 */

/** When to try again. */
export interface RetryPolicy {
  /** Retries after the first attempt for 5xx, network errors and timeouts (429s do not count). */
  maxRetries: number;
  /** The longest `Retry-After`, in seconds, that is honoured; a longer one is cut to this. */
  maxRetryAfter: number;
  /** Milliseconds a request may spend waiting for the rate limit (429s) in all; `Infinity` for no limit. */
  maxRateLimitWait: number;
  /** First backoff step in milliseconds. */
  retryDelay: number;
  /** Longest backoff step in milliseconds. */
  maxRetryDelay: number;
  /** Random source for jitter, in [0, 1). */
  random: () => number;
}

/** What one request has spent on retries so far. */
export interface RetryState {
  /** Retries spent on 5xx, network errors and timeouts. */
  retries: number;
  /** 429s answered so far. */
  rateLimited: number;
  /** Milliseconds of rate-limit waits asked for so far. */
  rateLimitWaitMs: number;
  /** When the first 429 came (epoch ms). */
  firstRateLimitAt?: number;
}

/** A failed attempt, as the retry policy sees it. */
export type AttemptFailure =
  | { kind: "http"; status: number; retryAfterMs: number | undefined }
  | { kind: "network" | "timeout" };

/** The policy's answer: wait and try again, or stop (and why). */
export type RetryDecision =
  | { retry: true; waitMs: number; rateLimited: boolean }
  | { retry: false; why: "not-retryable" | "unsafe" | "retries" | "rate-limit-wait"; waitedMs?: number };

/**
 * A fresh {@link RetryState}.
 *
 * @example Start a request's count
 * ```ts
 * import { newRetryState } from "./retry.ts";
 * const state = newRetryState(); // { retries: 0, rateLimited: 0, rateLimitWaitMs: 0 }
 * ```
 */
export function newRetryState(): RetryState {
  return { retries: 0, rateLimited: 0, rateLimitWaitMs: 0 };
}

/**
 * Decides whether a failed attempt is tried again, and after how long; updates `state`.
 *
 * - A 429 is an instruction to wait, not an error: it waits `Retry-After` (or a backoff when the server does
 *   not say, or says 0 again) and does not spend a retry; it gives up only when the time spent waiting for
 *   the rate limit would pass `maxRateLimitWait`.
 * - A 5xx, network error or timeout spends one of `maxRetries`, after a jittered exponential backoff, and only
 *   when the request is safe to repeat (`idempotent`).
 * - Anything else (4xx) is final.
 *
 * @example Decide after a 503
 * ```ts
 * import { decideRetry, newRetryState } from "./retry.ts";
 * const policy = { maxRetries: 4, maxRetryAfter: 120, maxRateLimitWait: 900_000, retryDelay: 500, maxRetryDelay: 30_000, random: Math.random };
 * const decision = decideRetry(policy, newRetryState(), { kind: "http", status: 503, retryAfterMs: undefined }, {
 *   idempotent: true,
 *   now: Date.now(),
 * });
 * if (decision.retry) console.log(`again in ${decision.waitMs} ms`);
 * ```
 */
export function decideRetry(
  policy: RetryPolicy,
  state: RetryState,
  failure: AttemptFailure,
  context: { idempotent: boolean; now: number },
): RetryDecision {
  if (failure.kind === "http" && failure.status === 429) {
    state.rateLimited++;
    state.firstRateLimitAt ??= context.now;
    const asked = failure.retryAfterMs === undefined ? 0 : Math.min(failure.retryAfterMs, policy.maxRetryAfter * 1000);
    // A server that says nothing, or says 0 again (or a maxRetryAfter of 0), gets a growing backoff, so a run of
    // 429s never spins.
    const silent = failure.retryAfterMs === undefined || (asked === 0 && state.rateLimited > 1);
    const waitMs = silent ? backoff(state.rateLimited, policy.retryDelay, policy.maxRetryDelay, policy.random) : asked;
    const spent = Math.max(state.rateLimitWaitMs, context.now - state.firstRateLimitAt);
    if (spent + waitMs > policy.maxRateLimitWait) return { retry: false, why: "rate-limit-wait", waitedMs: spent };
    state.rateLimitWaitMs += waitMs;
    return { retry: true, waitMs, rateLimited: true };
  }
  if (failure.kind === "http" && failure.status < 500) return { retry: false, why: "not-retryable" };
  if (!context.idempotent) return { retry: false, why: "unsafe" };
  if (state.retries >= policy.maxRetries) return { retry: false, why: "retries" };
  state.retries++;
  const retryAfterMs = failure.kind === "http" ? failure.retryAfterMs : undefined;
  const waitMs = retryAfterMs !== undefined
    ? Math.min(retryAfterMs, policy.maxRetryAfter * 1000)
    : backoff(state.retries, policy.retryDelay, policy.maxRetryDelay, policy.random);
  return { retry: true, waitMs, rateLimited: false };
}

/**
 * Milliseconds to wait from a `Retry-After` header: delta-seconds or an HTTP date. `undefined` when the
 * header is missing or cannot be read (the caller then falls back to its backoff).
 *
 * @example Read a Retry-After of seconds
 * ```ts
 * import { parseRetryAfter } from "./retry.ts";
 * parseRetryAfter("30", Date.now()); // 30000
 * parseRetryAfter(null, Date.now()); // undefined
 * ```
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Exponential backoff with full jitter: a random wait in [base/2, base * 2^(attempt-1)], capped.
 *
 * @example The wait before a third try
 * ```ts
 * import { backoff } from "./retry.ts";
 * const ms = backoff(3, 500, 30_000, Math.random); // from 250 to 2000
 * ```
 */
export function backoff(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

/**
 * A sleep that ends early, rejecting, when `signal` aborts. Leaves no timer behind.
 *
 * @example A wait that Ctrl-C ends
 * ```ts
 * import { abortableSleep } from "./retry.ts";
 * const controller = new AbortController();
 * await abortableSleep(10, controller.signal);
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
