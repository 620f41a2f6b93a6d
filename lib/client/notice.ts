/**
 * Retry notices: what the client tells a person while it waits to try a request again (a 429's pause, a
 * backoff after a 5xx, a network error or a timeout). The client hands each one to `onRetry` (the log already
 * has a line per attempt); recipes and `atlas()` print them on stderr through {@link noticePrinter}, which says nothing about
 * retries that pass in a moment and keeps a busy bulk run to a few lines.
 *
 * @module
 */

import type { HttpMethod } from "./errors.ts";

/** One retry about to happen. */
export interface RetryNotice {
  /** HTTP method of the request. */
  method: HttpMethod;
  /** Endpoint path of the request, without the query string. */
  path: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Why it failed, e.g. `HTTP 503 ServiceUnavailable` or `timeout`. */
  reason: string;
  /** Milliseconds until the next try. */
  waitMs: number;
  /** Whether this is a 429: a wait for the rate limit that spends no retry. */
  rateLimited: boolean;
  /** Whether this is the request's first retry. */
  first: boolean;
  /** Identifies the request among the client's requests (the same on each of its notices). */
  requestId: number;
  /** Milliseconds since the request began, when the next try will start (this wait included). */
  elapsedMs: number;
  /** For 429s: milliseconds this request has waited for the rate limit before this wait. */
  rateLimitWaitedMs: number;
  /** The one line to show a person. */
  message: string;
}

/**
 * The notice's line, e.g. `GET connections/abc: HTTP 503 ServiceUnavailable; trying again in 0.5 s (retry 1 of 4)`.
 *
 * @example The line of a first retry
 * ```ts
 * import { retryMessage } from "./notice.ts";
 * const line = retryMessage({
 *   method: "GET",
 *   path: "groups",
 *   attempt: 1,
 *   reason: "HTTP 503 ServiceUnavailable",
 *   waitMs: 500,
 *   rateLimited: false,
 *   first: true,
 *   requestId: 1,
 *   elapsedMs: 700,
 *   rateLimitWaitedMs: 0,
 * }, { maxRetries: 4, maxRateLimitWait: 900_000, retries: 1 });
 * console.log(line);
 * ```
 */
export function retryMessage(
  notice: Omit<RetryNotice, "message">,
  limits: { maxRetries: number; maxRateLimitWait: number; retries: number },
): string {
  const what = `${notice.method} ${notice.path}`;
  if (notice.rateLimited) {
    const upTo = Number.isFinite(limits.maxRateLimitWait)
      ? `, giving up after ${duration(limits.maxRateLimitWait)}`
      : "";
    return `Rate limited (HTTP 429) on ${what}: waiting ${duration(notice.waitMs)} before trying again (waited ${
      duration(notice.rateLimitWaitedMs)
    } so far${upTo})`;
  }
  return `${what}: ${notice.reason}; trying again in ${
    duration(notice.waitMs)
  } (retry ${limits.retries} of ${limits.maxRetries})`;
}

/** Options of {@link noticePrinter}. */
export interface NoticePrinterOptions {
  /**
   * A request is announced once it has been at it this long, counting the coming wait: quick retries that
   * pass in a moment print nothing, a request that will have taken seconds says so before it waits.
   *
   * @default {2000}
   */
  announceAfterMs?: number;
  /**
   * After a line is printed, further notices within this many milliseconds are counted, not printed.
   *
   * @default {2000}
   */
  quietMs?: number;
  /**
   * The clock in epoch milliseconds.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/**
 * A notice handler for people: a request is announced once (its first retry that brings it past
 * `announceAfterMs`), and a rate-limit wait that long each time; at most one line per `quietMs`, the next line
 * saying how many went unprinted meanwhile.
 *
 * @example Print a client's retry notices on stderr
 * ```ts
 * import { createAtlas } from "../../mod.ts";
 * import { noticePrinter } from "./notice.ts";
 * const client = createAtlas({ onRetry: noticePrinter((line) => console.error(line)) });
 * ```
 */
export function noticePrinter(
  print: (line: string) => void,
  options: NoticePrinterOptions = {},
): (notice: RetryNotice) => void {
  const { announceAfterMs = 2000, quietMs = 2000, now = Date.now } = options;
  let last = -Infinity;
  let quiet = 0;
  let announced = new Set<number>();
  return (notice) => {
    if (notice.elapsedMs < announceAfterMs) return;
    if (!notice.rateLimited && announced.has(notice.requestId)) return;
    const t = now();
    if (t - last < quietMs) {
      quiet++;
      return;
    }
    last = t;
    if (announced.size > 10_000) announced = new Set();
    announced.add(notice.requestId);
    const more = quiet ? ` [${quiet} more retr${quiet === 1 ? "y" : "ies"} since the last notice]` : "";
    quiet = 0;
    print(`${notice.message}${more}`);
  };
}

/**
 * A duration for people: `0.5 s`, `12 s`, `2 min 5 s`, `1 h 3 min`.
 *
 * @example Durations for people
 * ```ts
 * import { duration } from "./notice.ts";
 * duration(500); // "0.5 s"
 * duration(125_000); // "2 min 5 s"
 * ```
 */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "forever";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  return `${Math.floor(s / 3600)} h${Math.floor(s % 3600 / 60) ? ` ${Math.floor(s % 3600 / 60)} min` : ""}`;
}
