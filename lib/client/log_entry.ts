/**
 * The request log's entries: one per attempt, and warnings. `lib/log.ts` writes them to the rotating file.
 *
 * @module
 */

import type { HttpMethod } from "./errors.ts";

/** One line of the request log: one per attempt, and warnings. Nothing in it is secret. */
export interface AtlasLogEntry {
  /** Severity. */
  level: "info" | "warn" | "error";
  /** The line, already masked. */
  message: string;
  /** HTTP method, for request lines. */
  method?: HttpMethod;
  /** Endpoint with query string, for request lines. */
  path?: string;
  /** HTTP status, 0 when no answer arrived. */
  status?: number;
  /** Milliseconds the attempt took. */
  durationMs?: number;
  /** Attempt number, from 1. */
  attempt?: number;
}

/** Receives log entries; see `openLog` in `lib/log.ts` for the rotating file log. */
export type AtlasLogger = (entry: AtlasLogEntry) => void;

/** One attempt, as {@link attemptEntry} writes it. */
export interface AttemptLine {
  /** HTTP method. */
  method: HttpMethod;
  /** Endpoint with query string. */
  path: string;
  /** HTTP status, 0 when no answer arrived. */
  status: number;
  /** Milliseconds the attempt took. */
  durationMs: number;
  /** Attempt number, from 1. */
  attempt: number;
  /**
   * Words after `attempt=N`, e.g. the error code or `timeout`.
   *
   * @default {""}
   */
  extra?: string;
}

/**
 * The log entry of one attempt: `METHOD path STATUS DURATIONms attempt=N extra`.
 *
 * @example Log a retried timeout
 * ```ts
 * import { attemptEntry } from "./log_entry.ts";
 * const entry = attemptEntry("warn", { method: "GET", path: "groups", status: 0, durationMs: 30_000, attempt: 1, extra: "timeout" });
 * // entry.message: "GET groups - 30000ms attempt=1 timeout"
 * ```
 */
export function attemptEntry(level: AtlasLogEntry["level"], line: AttemptLine): AtlasLogEntry {
  const { method, path, status, durationMs, attempt, extra = "" } = line;
  const message = `${method} ${path} ${status || "-"} ${Math.round(durationMs)}ms attempt=${attempt}${
    extra.startsWith(" ") || extra === "" ? extra : ` ${extra}`
  }`;
  return { level, message, method, path, status, durationMs, attempt };
}
