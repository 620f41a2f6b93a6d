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

  /** Give back the last counted request (a create that created nothing). */
  untake(): void {
    if (this.#used() > 0) this.#stamps.pop();
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

/** One of Fivetran's documented limits. */
interface WindowSpec {
  /** What it limits, for messages. */
  what: string;
  /** Requests per window. */
  limit: number;
  /** Window length (ms). */
  windowMs: number;
  /** Operations it counts; all requests when absent. */
  operations?: ReadonlySet<string>;
  /** It limits what gets created: a refused create (4xx) is given back. */
  creations?: boolean;
}

/** A refusal or budget, with the message of the window that decided it. */
export interface RateLimitDecision extends RateDecision {
  /** The 429 message (when refused). */
  message?: string;
}

/** Options of {@link RateLimits}. */
export interface RateLimitsOptions {
  /** Requests per rolling minute (the sandbox's `--rate-limit`). */
  perMinute: number;
  /** A trial account: 500 requests per hour instead of 20,000. */
  trial?: boolean;
  /**
   * `perMinute` was asked for (`--rate-limit N`): the hourly budget of all
   * requests is then at least 60 × N, so a high N lifts the limits as it did
   * before there was an hourly window.
   */
  explicit?: boolean;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SETUP_TESTS = new Set(["run_setup_tests", "run_destination_setup_tests"]);
const SOURCE_INTERACTION = new Set([
  "run_setup_tests",
  "reload_connection_schema_config",
  "pre_create_connection_schema_config",
  "connection_column_config",
]);

function unit(ms: number): string {
  return ms === HOUR ? "hour" : ms === MINUTE ? "minute" : `${ms / 1000} s`;
}

/**
 * Fivetran's documented rate limits, each its own rolling window with its own
 * 429 message: all requests (20,000/hour; 500/hour on a trial account), setup
 * tests (250/minute, 2,500/hour), source interaction (500/minute,
 * 5,000/hour), user creation (500/hour) and private-link creation (5/hour);
 * plus the sandbox's own per-minute budget.
 *
 * @example Using `RateLimits`
 * ```ts
 * import { RateLimits } from "./rate_limit.ts";
 * import { systemClock } from "./clock.ts";
 * const limits = new RateLimits({ perMinute: 10_000 }, systemClock);
 * const d = limits.take();
 * ```
 */
export class RateLimits {
  readonly #windows: { spec: WindowSpec; limiter: RateLimiter }[];

  /** Create the windows. */
  constructor({ perMinute, trial = false, explicit = false }: RateLimitsOptions, clock: Clock) {
    const hourly = Math.max(trial ? 500 : 20_000, explicit ? perMinute * 60 : 0);
    const specs: WindowSpec[] = [
      { what: "API requests", limit: perMinute, windowMs: MINUTE },
      { what: trial ? "API requests (trial account)" : "API requests", limit: hourly, windowMs: HOUR },
      { what: "setup tests", limit: 250, windowMs: MINUTE, operations: SETUP_TESTS },
      { what: "setup tests", limit: 2_500, windowMs: HOUR, operations: SETUP_TESTS },
      { what: "source interaction requests", limit: 500, windowMs: MINUTE, operations: SOURCE_INTERACTION },
      { what: "source interaction requests", limit: 5_000, windowMs: HOUR, operations: SOURCE_INTERACTION },
      { what: "user creations", limit: 500, windowMs: HOUR, operations: new Set(["create_user"]), creations: true },
      {
        what: "private link creations",
        limit: 5,
        windowMs: HOUR,
        operations: new Set(["create_private_link"]),
        creations: true,
      },
    ];
    this.#windows = specs.map((spec) => ({ spec, limiter: new RateLimiter(spec.limit, clock, spec.windowMs) }));
  }

  /** The windows, as data (`GET /_sandbox`). */
  describe(): { what: string; limit: number; per: string; operations?: string[] }[] {
    return this.#windows.map(({ spec }) => ({
      what: spec.what,
      limit: spec.limit,
      per: unit(spec.windowMs),
      ...(spec.operations ? { operations: [...spec.operations] } : {}),
    }));
  }

  /** The per-minute budget of all requests. */
  get limit(): number {
    return this.#windows[0].spec.limit;
  }

  #take(applies: (s: WindowSpec) => boolean): RateLimitDecision {
    const windows = this.#windows.filter((w) => applies(w.spec));
    for (const { spec, limiter } of windows) {
      const peek = limiter.peek();
      if (!peek.allowed) {
        const refused = limiter.take(); // does not count: computes Retry-After
        return {
          ...refused,
          message: `Rate limit of ${spec.limit} ${spec.what} per ${
            unit(spec.windowMs)
          } exceeded; retry after ${refused.retryAfter} s`,
        };
      }
    }
    // The budget headers describe the first window (all requests: the per-minute one, as clients pace by it).
    const decisions = windows.map(({ limiter }) => limiter.take());
    return decisions[0] ?? { allowed: true, limit: this.limit, remaining: this.limit, retryAfter: 0 };
  }

  /** Count one request against the windows of all requests. */
  take(): RateLimitDecision {
    return this.#take((s) => s.operations === undefined);
  }

  /** Count an operation against its own windows (setup tests, user creation, ...); undefined when it has none. */
  takeOperation(operationId: string): RateLimitDecision | undefined {
    if (!this.#windows.some((w) => w.spec.operations?.has(operationId))) return undefined;
    return this.#take((s) => s.operations?.has(operationId) === true);
  }

  /** Give back an operation's count in its creation windows (user, private link) when it created nothing. */
  refundCreation(operationId: string): void {
    for (const w of this.#windows) if (w.spec.creations && w.spec.operations?.has(operationId)) w.limiter.untake();
  }

  /** The per-minute budget of all requests, without counting one. */
  peek(): RateDecision {
    return this.#windows[0].limiter.peek();
  }

  /** Forget every counted request. */
  reset(): void {
    for (const w of this.#windows) w.limiter.reset();
  }
}
