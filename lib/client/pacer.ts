/**
 * A rate-limit pacer shared by every request of a client, so concurrent workers stay inside the account's
 * budget together: it reads `X-Rate-Limit` / `X-Rate-Limit-Remaining`, spaces requests evenly once the
 * remaining budget runs low, and when any request gets a 429 it holds every request until the
 * `Retry-After` has passed — one pause for all, not one per worker.
 *
 * @module
 */

import { abortableSleep } from "./retry.ts";

/** Options of {@link RateLimitPacer}. */
export interface PacerOptions {
  /**
   * The window the `X-Rate-Limit` budget refers to, in milliseconds. Fivetran's main budget is per hour;
   * the sandbox's is per minute.
   *
   * @default {60000}
   */
  windowMs?: number;
  /**
   * Share of the budget (0..1) below which requests are spaced evenly at `windowMs / limit`.
   *
   * @default {0.1}
   */
  reserve?: number;
  /**
   * Sleeps; tests inject a fake.
   *
   * @default {a cancellable timer}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The clock in epoch milliseconds.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/**
 * Paces requests; pass one to `createAtlas({ pacer })` (every client has its own by default).
 *
 * @example Share one pacer between two clients
 * ```ts
 * import { createAtlas } from "../../mod.ts";
 * import { RateLimitPacer } from "./pacer.ts";
 * const pacer = new RateLimitPacer({ windowMs: 3_600_000 });
 * const a = createAtlas({ pacer });
 * const b = createAtlas({ pacer });
 * ```
 */
export class RateLimitPacer {
  #windowMs: number;
  #reserve: number;
  #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #now: () => number;
  #pausedUntil = 0;
  #nextSlot = 0;
  #limit: number | undefined;
  #remaining: number | undefined;
  #pauses = 0;

  /**
   * Creates a pacer.
   *
   * @param options Window, reserve, clock and sleep.
   */
  constructor(options: PacerOptions = {}) {
    const { windowMs = 60_000, reserve = 0.1, sleep = abortableSleep, now = Date.now } = options;
    if (!(windowMs > 0)) throw new RangeError(`Expected windowMs to be positive, got ${windowMs}`);
    if (!(reserve >= 0 && reserve <= 1)) throw new RangeError(`Expected reserve to be from 0 to 1, got ${reserve}`);
    this.#windowMs = windowMs;
    this.#reserve = reserve;
    this.#sleep = sleep;
    this.#now = now;
  }

  /** How many times a 429 paused everyone. */
  get pauses(): number {
    return this.#pauses;
  }

  /** The last budget seen: `{limit, remaining}` (undefined before the first answer carrying them). */
  get budget(): { limit: number | undefined; remaining: number | undefined } {
    return { limit: this.#limit, remaining: this.#remaining };
  }

  /** Waits until a request may be sent: after any shared pause, and in its slot when pacing. */
  async wait(signal?: AbortSignal): Promise<void> {
    // Sleep out a shared pause; sleep again only if another 429 extended it meanwhile.
    for (;;) {
      const pauses = this.#pauses;
      const now = this.#now();
      if (this.#pausedUntil <= now) break;
      await this.#sleep(this.#pausedUntil - now, signal);
      if (this.#pauses === pauses) break;
    }
    const interval = this.#interval();
    if (interval === 0) return;
    const now = this.#now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + interval;
    if (slot > now) await this.#sleep(slot - now, signal);
  }

  /** Records an answer's budget headers. */
  observe(headers: Headers): void {
    const limit = Number(headers.get("x-rate-limit"));
    const remaining = Number(headers.get("x-rate-limit-remaining"));
    if (headers.has("x-rate-limit") && Number.isFinite(limit) && limit > 0) this.#limit = limit;
    if (headers.has("x-rate-limit-remaining") && Number.isFinite(remaining) && remaining >= 0) {
      this.#remaining = remaining;
    }
  }

  /** Holds every request for `ms` milliseconds (a 429's Retry-After). */
  pause(ms: number): void {
    const until = this.#now() + Math.max(0, ms);
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#pauses++;
    }
  }

  #interval(): number {
    if (this.#limit === undefined || this.#remaining === undefined) return 0;
    if (this.#remaining > this.#limit * this.#reserve) return 0;
    return this.#windowMs / this.#limit;
  }
}
