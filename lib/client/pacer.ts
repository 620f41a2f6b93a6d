/**
 * A rate-limit pacer shared by every request of a client, so concurrent workers stay inside the account's
 * budget together: it reads `X-Rate-Limit` / `X-Rate-Limit-Remaining`, spaces requests evenly once the
 * remaining budget runs low, and when any request gets a 429 it holds every request until the
 * `Retry-After` has passed — one pause for all, not one per worker. When a pause ends, the waiting requests
 * resume spread over a short jittered ramp, not all in the same instant (which would only bring the next 429).
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
   * The longest ramp, in milliseconds, over which requests held by a pause resume (each waits a random
   * share of it after the pause); a pause shorter than this ramps over half its own length.
   *
   * @default {1000}
   */
  ramp?: number;
  /**
   * Random source for the ramp, in [0, 1).
   *
   * @default {Math.random}
   */
  random?: () => number;
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
  /**
   * Told when spacing starts (the remaining budget fell to `reserve`: requests now wait their turn) and when it
   * ends (the budget refilled), so that a caller can say why its requests slow down. Called once per change.
   *
   * @default {undefined}
   */
  onSpacing?: (change: SpacingChange) => void;
}

/** What {@link PacerOptions.onSpacing} is told. */
export interface SpacingChange {
  /** `true` when requests are now spaced, `false` when they go at full speed again. */
  spacing: boolean;
  /** Milliseconds between requests while spacing (0 when not). */
  intervalMs: number;
  /** The budget of the window, from `X-Rate-Limit`. */
  limit: number;
  /** What is left of it, from `X-Rate-Limit-Remaining`. */
  remaining: number;
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
  #pauseMs = 0;
  #held = 0;
  #released = 0;
  #rampMs: number;
  #random: () => number;
  #onSpacing: ((change: SpacingChange) => void) | undefined;
  #spacing = false;

  /**
   * Creates a pacer.
   *
   * @param options Window, reserve, clock and sleep.
   */
  constructor(options: PacerOptions = {}) {
    const {
      windowMs = 60_000,
      reserve = 0.1,
      ramp = 1000,
      random = Math.random,
      sleep = abortableSleep,
      now = Date.now,
      onSpacing,
    } = options;
    if (!(windowMs > 0)) throw new RangeError(`Expected windowMs to be positive, got ${windowMs}`);
    if (!(reserve >= 0 && reserve <= 1)) throw new RangeError(`Expected reserve to be from 0 to 1, got ${reserve}`);
    if (!(ramp >= 0 && ramp <= 600_000)) throw new RangeError(`Expected ramp to be from 0 to 600000 ms, got ${ramp}`);
    this.#rampMs = ramp;
    this.#random = random;
    this.#windowMs = windowMs;
    this.#reserve = reserve;
    this.#sleep = sleep;
    this.#now = now;
    this.#onSpacing = onSpacing;
  }

  /** How many times a 429 paused everyone. */
  get pauses(): number {
    return this.#pauses;
  }

  /** The last budget seen: `{limit, remaining}` (undefined before the first answer carrying them). */
  get budget(): { limit: number | undefined; remaining: number | undefined } {
    return { limit: this.#limit, remaining: this.#remaining };
  }

  /**
   * Lets a request go at once when it need not wait — no pause, and no spacing or its slot has come — and
   * takes its slot; `false` when it must {@link RateLimitPacer.wait}. A sender that asks first puts a request
   * on the wire in the same turn it is made, not a turn later.
   *
   * @example Wait only when needed
   * ```ts
   * import { RateLimitPacer } from "./pacer.ts";
   * const pacer = new RateLimitPacer();
   * if (!pacer.tryPass()) await pacer.wait();
   * ```
   */
  tryPass(): boolean {
    const now = this.#now();
    if (this.#pausedUntil > now || (this.#nextSlot > now && this.#interval() > 0)) return false;
    this.#takeSlot(now);
    return true;
  }

  /** Waits until a request may be sent: after any shared pause (and its ramp), and in its slot when pacing. */
  async wait(signal?: AbortSignal): Promise<void> {
    // Sleep out a shared pause; sleep again only if another 429 extended it meanwhile.
    let held: number | undefined;
    for (;;) {
      const pauses = this.#pauses;
      const now = this.#now();
      if (this.#pausedUntil <= now) break;
      if (held !== pauses) {
        held = pauses;
        this.#held++;
      }
      await this.#sleep(this.#pausedUntil - now, signal);
      if (this.#pauses === pauses) break;
    }
    if (held !== undefined) await this.#ramp(signal);
    const delay = this.#takeSlot(this.#now());
    if (delay > 0) await this.#sleep(delay, signal);
  }

  /** Takes the next request slot when pacing (there are none when not) and returns how long until it comes. */
  #takeSlot(now: number): number {
    const interval = this.#interval();
    if (interval === 0) return 0;
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + interval;
    return slot - now;
  }

  /**
   * After a pause, the requests it held would all resume in the same instant (and meet the next 429 together):
   * the first goes at once, the others each at a jittered share of the ramp, in the order they were held.
   */
  async #ramp(signal?: AbortSignal): Promise<void> {
    const ticket = this.#released++;
    const others = this.#held - 1;
    const ramp = Math.min(this.#rampMs, this.#pauseMs / 2);
    if (ticket === 0 || others <= 0 || ramp <= 0) return;
    const share = Math.min(ticket - 1 + this.#random(), others) / others;
    await this.#sleep(Math.round(share * ramp), signal);
  }

  /** Records an answer's budget headers. */
  observe(headers: Pick<Headers, "get" | "has">): void {
    const limit = Number(headers.get("x-rate-limit"));
    const remaining = Number(headers.get("x-rate-limit-remaining"));
    if (headers.has("x-rate-limit") && Number.isFinite(limit) && limit > 0) this.#limit = limit;
    if (headers.has("x-rate-limit-remaining") && Number.isFinite(remaining) && remaining >= 0) {
      this.#remaining = remaining;
    }
    const intervalMs = this.#interval();
    if ((intervalMs > 0) !== this.#spacing) {
      this.#spacing = intervalMs > 0;
      this.#onSpacing?.({ spacing: this.#spacing, intervalMs, limit: this.#limit!, remaining: this.#remaining! });
    }
  }

  /** Holds every request for `ms` milliseconds (a 429's Retry-After). */
  pause(ms: number): void {
    const until = this.#now() + Math.max(0, ms);
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#pauseMs = Math.max(0, ms);
      this.#pauses++;
      this.#held = 0;
      this.#released = 0;
    }
  }

  #interval(): number {
    if (this.#limit === undefined || this.#remaining === undefined) return 0;
    if (this.#remaining > this.#limit * this.#reserve) return 0;
    return this.#windowMs / this.#limit;
  }
}
