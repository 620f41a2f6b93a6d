/**
 * A rolling-window request budget like Fivetran's: `limit` requests per
 * window (one minute by default). Every answer carries `X-Rate-Limit` and
 * `X-Rate-Limit-Remaining`; over budget the server answers 429 with a
 * `Retry-After` in seconds.
 *
 * @module
 */

import type { Clock } from "./clock.ts";

/** Outcome of taking one request from the budget. */
export interface RateDecision {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** The budget. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Seconds until a request would be allowed (when refused). */
  retryAfter: number;
}

/**
 * Rolling-window rate limiter.
 *
 * @example Using `RateLimiter`
 * ```ts
 * import { RateLimiter } from "./rate_limit.ts";
 * import { systemClock } from "./clock.ts";
 * const limiter = new RateLimiter(600, systemClock);
 * const d = limiter.take();
 * ```
 */
export class RateLimiter {
  /** Requests per window. */
  readonly limit: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  #stamps: number[] = [];
  #head = 0;

  /** Create a limiter of `limit` requests per `windowMs` (default 60 s). */
  constructor(limit: number, clock: Clock, windowMs = 60_000) {
    this.limit = limit;
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  #prune(now: number): void {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#stamps.length && this.#stamps[this.#head] <= cutoff) this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#stamps.length) {
      this.#stamps = this.#stamps.slice(this.#head);
      this.#head = 0;
    }
  }

  #used(): number {
    return this.#stamps.length - this.#head;
  }

  /** Count one request (when allowed) and report the budget. */
  take(): RateDecision {
    const now = this.#clock.now();
    this.#prune(now);
    if (this.#used() >= this.limit) {
      const oldest = this.#stamps[this.#head];
      const wait = Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000));
      return { allowed: false, limit: this.limit, remaining: 0, retryAfter: wait };
    }
    this.#stamps.push(now);
    return {
      allowed: true,
      limit: this.limit,
      remaining: this.limit - this.#used(),
      retryAfter: 0,
    };
  }

  /** The budget without counting a request. */
  peek(): RateDecision {
    this.#prune(this.#clock.now());
    return {
      allowed: this.#used() < this.limit,
      limit: this.limit,
      remaining: Math.max(this.limit - this.#used(), 0),
      retryAfter: 0,
    };
  }

  /** Forget every counted request. */
  reset(): void {
    this.#stamps = [];
    this.#head = 0;
  }
}
