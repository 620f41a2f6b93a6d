/**
 * Time sources for the sandbox. Everything time-based (syncs, transformation
 * runs, rescheduled connections, the rate-limit window) is computed lazily
 * from a clock when it is read, so no timers run in the background.
 *
 * @module
 */

/** Anything that tells the time in epoch milliseconds. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  /** Move the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Set the clock to an absolute time (epoch ms). */
  set(epochMs: number): void;
}

/**
 * The wall clock.
 *
 * @example Read the time
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const now = systemClock.now();
 * ```
 */
export const systemClock: Clock = { now: () => Date.now() };

/** The latest time a sandbox clock may show (the end of year 9999): later dates have no ISO 8601 form. */
export const MAX_CLOCK_MS: number = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function checkAdvance(now: number, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
  }
  if (now + ms > MAX_CLOCK_MS) {
    throw new RangeError(`advance(ms) would move the clock past 9999-12-31, got ${ms}`);
  }
}

/**
 * A manual clock for tests, starting at `start` (default 2026-01-05T12:00:00Z).
 *
 * @example Skip a sync's duration without sleeping
 * ```ts
 * import { createManualClock } from "./clock.ts";
 * const clock = createManualClock();
 * clock.advance(60_000);
 * ```
 */
export function createManualClock(
  start: number = Date.parse("2026-01-05T12:00:00Z"),
): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      checkAdvance(now, ms);
      now += ms;
    },
    set: (epochMs) => {
      now = epochMs;
    },
  };
}

/**
 * Wrap a clock with an offset that `advance` moves forward, so the sandbox can
 * skip time whatever clock it was given.
 *
 * @example Skip ahead on the wall clock
 * ```ts
 * import { createOffsetClock, systemClock } from "./clock.ts";
 * const clock = createOffsetClock(systemClock);
 * clock.advance(10_000);
 * ```
 */
export function createOffsetClock(base: Clock): ManualClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    advance: (ms) => {
      checkAdvance(base.now() + offset, ms);
      offset += ms;
    },
    set: (epochMs) => {
      offset = epochMs - base.now();
    },
  };
}
