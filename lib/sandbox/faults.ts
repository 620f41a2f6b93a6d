/**
 * Fault injection for reliability tests, deterministic under a seed.
 *
 * Spec syntax (comma-separated `key=value`):
 *
 * | key | meaning |
 * | --- | --- |
 * | `5xx=P` | share of requests answered 5xx **before** they touch state |
 * | `5xx-after=P` | share answered 5xx **after** the work was done (the answer is lost) |
 * | `429=P` | share answered 429 `TooManyRequests` (no state change) |
 * | `drop=P` | share whose connection is closed without an answer, before the work |
 * | `drop-after=P` | share whose connection is closed after the work was done |
 * | `latency=MS` | added delay in ms |
 * | `latency-share=P` | share of requests that get the delay (default 1) |
 * | `retry-after=S` | `Retry-After` seconds of injected 429s (default 1; 0 allowed) |
 * | `html=P` | share of injected 5xx answered with an HTML page (default 0.5) |
 *
 * The `P` shares of 5xx, 5xx-after, 429, drop and drop-after must add up to 1 or less.
 *
 * @module
 */

import type { Prng } from "./prng.ts";

/** Parsed fault settings. */
export interface FaultSettings {
  /** Share answered 5xx before the work. */
  error5xx: number;
  /** Share answered 5xx after the work. */
  error5xxAfter: number;
  /** Share answered 429. */
  tooMany: number;
  /** Share dropped before the work. */
  drop: number;
  /** Share dropped after the work. */
  dropAfter: number;
  /** Added latency in ms. */
  latencyMs: number;
  /** Share of requests delayed. */
  latencyShare: number;
  /** Retry-After (s) of injected 429s. */
  retryAfter: number;
  /** Share of injected 5xx answered with HTML. */
  htmlShare: number;
}

/** No faults. */
export const NO_FAULTS: FaultSettings = {
  error5xx: 0,
  error5xxAfter: 0,
  tooMany: 0,
  drop: 0,
  dropAfter: 0,
  latencyMs: 0,
  latencyShare: 1,
  retryAfter: 1,
  htmlShare: 0.5,
};

const KEYS: Record<string, keyof FaultSettings> = {
  "5xx": "error5xx",
  "5xx-after": "error5xxAfter",
  "429": "tooMany",
  "drop": "drop",
  "drop-after": "dropAfter",
  "latency": "latencyMs",
  "latency-share": "latencyShare",
  "retry-after": "retryAfter",
  "html": "htmlShare",
};

/**
 * Parse a fault spec such as `5xx=0.1,5xx-after=0.05,429=0.1,drop=0.05,latency=20`.
 * Throws an Error with a one-line message when it is invalid.
 *
 * @example Using `parseFaultSpec`
 * ```ts
 * import { parseFaultSpec } from "./faults.ts";
 * const f = parseFaultSpec("5xx=0.1,retry-after=0");
 * ```
 */
export function parseFaultSpec(spec: string): FaultSettings {
  const out: FaultSettings = { ...NO_FAULTS };
  const text = spec.trim();
  if (text === "" || text === "none") return out;
  for (const part of text.split(",")) {
    const [rawKey, rawValue, extra] = part.split("=");
    const key = rawKey?.trim();
    if (!key || rawValue === undefined || extra !== undefined) {
      throw new Error(`invalid fault '${part.trim()}': expected key=value`);
    }
    const name = KEYS[key];
    if (!name) {
      throw new Error(`unknown fault '${key}': use ${Object.keys(KEYS).join(", ")}`);
    }
    const value = Number(rawValue.trim());
    if (rawValue.trim() === "" || !Number.isFinite(value) || value < 0) {
      throw new Error(`invalid value '${rawValue.trim()}' for fault '${key}'`);
    }
    out[name] = value;
  }
  return validateFaults(out);
}

/**
 * Check fault settings (shares within 0..1 and adding up to at most 1).
 *
 * @example Using `validateFaults`
 * ```ts
 * import { NO_FAULTS, validateFaults } from "./faults.ts";
 * validateFaults({ ...NO_FAULTS, drop: 0.1 });
 * ```
 */
export function validateFaults(f: FaultSettings): FaultSettings {
  const shares: (keyof FaultSettings)[] = [
    "error5xx",
    "error5xxAfter",
    "tooMany",
    "drop",
    "dropAfter",
    "latencyShare",
    "htmlShare",
  ];
  for (const k of shares) {
    if (!(f[k] >= 0 && f[k] <= 1)) throw new Error(`fault share ${k} must be between 0 and 1`);
  }
  const total = f.error5xx + f.error5xxAfter + f.tooMany + f.drop + f.dropAfter;
  if (total > 1 + 1e-9) {
    throw new Error(`fault shares add up to ${total.toFixed(3)}, more than 1`);
  }
  if (!(f.latencyMs >= 0) || !(f.retryAfter >= 0)) {
    throw new Error("latency and retry-after must not be negative");
  }
  return f;
}

/**
 * Render settings back to the spec syntax (only what differs from none).
 *
 * @example Using `formatFaults`
 * ```ts
 * import { formatFaults, parseFaultSpec } from "./faults.ts";
 * formatFaults(parseFaultSpec("429=0.5")); // "429=0.5"
 * ```
 */
export function formatFaults(f: FaultSettings): string {
  const parts: string[] = [];
  for (const [key, name] of Object.entries(KEYS)) {
    if (f[name] !== NO_FAULTS[name]) parts.push(`${key}=${f[name]}`);
  }
  return parts.join(",") || "none";
}

/** What to do to one request. */
export type Fault =
  | { kind: "none" }
  | { kind: "5xx"; after: boolean; status: number; html: boolean }
  | { kind: "429"; retryAfter: number }
  | { kind: "drop"; after: boolean };

/** A fault decision for one request. */
export interface FaultDecision {
  /** The fault (or none). */
  fault: Fault;
  /** Delay to add before answering (ms). */
  latencyMs: number;
}

/**
 * Decide the fault of each request from a seeded generator.
 *
 * @example Using `FaultInjector`
 * ```ts
 * import { FaultInjector, parseFaultSpec } from "./faults.ts";
 * import { createPrng } from "./prng.ts";
 * const inj = new FaultInjector(parseFaultSpec("drop=0.5"), createPrng(1));
 * const { fault } = inj.decide();
 * ```
 */
export class FaultInjector {
  /** Current settings. */
  settings: FaultSettings;
  readonly #rng: Prng;

  /** Create an injector. */
  constructor(settings: FaultSettings, rng: Prng) {
    this.settings = settings;
    this.#rng = rng;
  }

  /** Decide one request's fate (draws exactly three numbers). */
  decide(): FaultDecision {
    const f = this.settings;
    const roll = this.#rng.next();
    const detail = this.#rng.next();
    const lat = this.#rng.next();
    const latencyMs = f.latencyMs > 0 && lat < f.latencyShare ? f.latencyMs : 0;
    let edge = 0;
    const hit = (p: number) => {
      const inside = roll >= edge && roll < edge + p;
      edge += p;
      return inside;
    };
    const html = detail < f.htmlShare;
    const status = html ? (detail < f.htmlShare / 2 ? 502 : 503) : detail < 0.75 ? 503 : 500;
    if (hit(f.error5xx)) return { fault: { kind: "5xx", after: false, status, html }, latencyMs };
    if (hit(f.error5xxAfter)) return { fault: { kind: "5xx", after: true, status, html }, latencyMs };
    if (hit(f.tooMany)) return { fault: { kind: "429", retryAfter: f.retryAfter }, latencyMs };
    if (hit(f.drop)) return { fault: { kind: "drop", after: false }, latencyMs };
    if (hit(f.dropAfter)) return { fault: { kind: "drop", after: true }, latencyMs };
    return { fault: { kind: "none" }, latencyMs };
  }
}
