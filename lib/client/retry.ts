/**
 * Which failures are tried again and how long to wait first: `Retry-After` (seconds or a date), and
 * exponential backoff with jitter.
 *
 * @module
 */

/** When to try again. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The longest `Retry-After`, in seconds, that is honoured; a longer one is cut to this. */
  maxRetryAfter: number;
  /** First backoff step in milliseconds. */
  retryDelay: number;
  /** Longest backoff step in milliseconds. */
  maxRetryDelay: number;
  /** Random source for jitter, in [0, 1). */
  random: () => number;
}

/**
 * Milliseconds to wait before attempt `attempt + 1` after an HTTP error answer, or `undefined` when the
 * failure is not retried: 429s always are, 5xx only when the request is safe to repeat.
 */
export function httpRetryWait(
  policy: RetryPolicy,
  attempt: number,
  failure: { status: number; idempotent: boolean; retryAfterMs: number | undefined },
): number | undefined {
  const { status, idempotent, retryAfterMs } = failure;
  const retryable = status === 429 || (status >= 500 && idempotent);
  if (!retryable || attempt > policy.maxRetries) return undefined;
  return retryAfterMs !== undefined
    ? Math.min(retryAfterMs, policy.maxRetryAfter * 1000)
    : backoff(attempt, policy.retryDelay, policy.maxRetryDelay, policy.random);
}

/**
 * Milliseconds to wait before attempt `attempt + 1` after a network failure or timeout, or `undefined`
 * when it is not retried (a request not safe to repeat, or no retries left).
 */
export function networkRetryWait(policy: RetryPolicy, attempt: number, idempotent: boolean): number | undefined {
  if (!idempotent || attempt > policy.maxRetries) return undefined;
  return backoff(attempt, policy.retryDelay, policy.maxRetryDelay, policy.random);
}

/**
 * Milliseconds to wait from a `Retry-After` header: delta-seconds or an HTTP date. `undefined` when the
 * header is missing or cannot be read (the caller then falls back to its backoff).
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

/** Exponential backoff with full jitter: a random wait in [base/2, base * 2^(attempt-1)], capped. */
export function backoff(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

/** A sleep that ends early, rejecting, when `signal` aborts. Leaves no timer behind. */
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
