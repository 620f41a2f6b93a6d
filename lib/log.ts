/**
 * The rotating file log, like the original framework's (10 MB per file, 3 backups). One line per request
 * attempt with method, path, status, duration and attempt number, plus actions and warnings. Built on
 * LogTape's rotating file sink, unbuffered so rotation honours the size limit and no line is lost.
 *
 * Path: `FIVETRAN_LOG_FILE`, default `logs/fivetran.log` in the working folder; `off` turns it off.
 *
 * @module
 */

import { getRotatingFileSink } from "npm:@logtape/file@^2.3.10";
import type { LogLevel, LogRecord } from "npm:@logtape/logtape@^2.4.2";
import { dirname } from "node:path";
import { mkdirSync } from "node:fs";
import type { AtlasLogEntry, AtlasLogger } from "./client.ts";
import { scrubText } from "./mask.ts";

/** The default log file, relative to the working folder. */
export const DEFAULT_LOG_FILE = "logs/fivetran.log";

/** Options of {@link openLog}. */
export interface LogOptions {
  /**
   * The log file; its folder is created when missing.
   *
   * @default {"logs/fivetran.log"}
   */
  path?: string;
  /**
   * Bytes per file before it rotates.
   *
   * @default {10485760}
   */
  maxBytes?: number;
  /**
   * Rotated files kept (`file.1` … `file.N`).
   *
   * @default {3}
   */
  backups?: number;
  /**
   * Strings that must never reach the file (API secret and the like); replaced by `******`.
   *
   * @default {[]}
   */
  secrets?: string[];
  /**
   * Characters buffered before a write. `0` writes (and syncs to disk) every line at once, so a reader sees it
   * immediately; a buffer makes bulk runs several times faster. Buffered lines are written when the buffer
   * fills, after a second, when the log is closed, and when the process exits normally (an `unload`
   * listener), and rotation still keeps every file under `maxBytes`.
   *
   * @default {0}
   */
  bufferSize?: number;
  /**
   * The clock for timestamps.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/** An open log. */
export interface RequestLog {
  /** The file written, or `undefined` when logging is off. */
  readonly path: string | undefined;
  /** Pass as `logger` to `createAtlas`. */
  readonly logger: AtlasLogger;
  /** Writes one line at the given level. */
  write(level: AtlasLogEntry["level"], message: string): void;
  /** Adds strings that must be scrubbed from later lines. */
  addSecrets(...secrets: (string | undefined)[]): void;
  /** Closes the file. */
  close(): void;
}

/**
 * Opens the rotating log.
 *
 * @throws {RangeError} when `maxBytes` or `backups` is out of range.
 *
 * @example Log every request of a client
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { openLog } from "./log.ts";
 * const log = openLog({ path: "logs/fivetran.log" });
 * const client = createAtlas({ logger: log.logger });
 * await client.request("GET", "groups");
 * log.close();
 * ```
 */
export function openLog(options: LogOptions = {}): RequestLog {
  const {
    path = DEFAULT_LOG_FILE,
    maxBytes = 10 * 1024 * 1024,
    backups = 3,
    secrets = [],
    now = Date.now,
    bufferSize = 0,
  } = options;
  if (!Number.isInteger(maxBytes) || maxBytes < 256) {
    throw new RangeError(`Expected maxBytes to be an integer of at least 256, got ${maxBytes}`);
  }
  if (!Number.isInteger(backups) || backups < 1 || backups > 100) {
    throw new RangeError(`Expected backups to be an integer from 1 to 100, got ${backups}`);
  }
  if (!Number.isInteger(bufferSize) || bufferSize < 0) {
    throw new RangeError(`Expected bufferSize to be a non-negative integer, got ${bufferSize}`);
  }
  // A flush writes the buffer plus one line in one piece; both are kept small enough (even in 3-byte
  // characters) that a rotated file never exceeds maxBytes.
  const room = Math.min(16_384, Math.floor(maxBytes / 8));
  mkdirSync(dirname(path), { recursive: true });
  const sink = getRotatingFileSink(path, {
    maxSize: maxBytes,
    maxFiles: backups,
    bufferSize: Math.min(bufferSize, room),
    flushInterval: 1000,
    formatter: (record: LogRecord) => `${String(record.message[0])}\n`,
  });
  const known: string[] = [...secrets];
  let closed = false;
  const write = (level: AtlasLogEntry["level"], message: string) => {
    if (closed) return;
    let text = scrubText(message.replace(/[\r\n]+/g, " "), known);
    // One line must fit in a file, or rotation could not keep files under the limit.
    if (text.length > room) text = `${text.slice(0, room - 40)}... (${text.length} characters, truncated)`;
    const timestamp = now();
    const logLevel: LogLevel = level === "warn" ? "warning" : level;
    sink({
      category: ["fivetran"],
      level: logLevel,
      message: [`${new Date(timestamp).toISOString()} ${level.toUpperCase().padEnd(5)} ${text}`],
      rawMessage: text,
      timestamp,
      properties: {},
    });
  };
  const close = () => {
    if (closed) return;
    closed = true;
    globalThis.removeEventListener("unload", close);
    (sink as unknown as Disposable)[Symbol.dispose]?.();
  };
  globalThis.addEventListener("unload", close);
  return {
    path,
    logger: (entry) => write(entry.level, entry.message),
    write,
    addSecrets: (...more) => {
      for (const s of more) if (s && s.length >= 4) known.push(s);
    },
    close,
  };
}

/**
 * A log that writes nothing, for when logging is off.
 *
 * @example Turn logging off
 * ```ts
 * import { nullLog } from "./log.ts";
 * const log = nullLog();
 * log.write("info", "dropped");
 * ```
 */
export function nullLog(): RequestLog {
  return {
    path: undefined,
    logger: () => {},
    write: () => {},
    addSecrets: () => {},
    close: () => {},
  };
}

/**
 * Opens the log the environment asks for: `FIVETRAN_LOG_FILE` (a path, or `off`), default
 * `logs/fivetran.log`, buffered (16 KiB) unless `bufferSize` says otherwise.
 *
 * @example Open the configured log
 * ```ts
 * import { openLogFromEnv } from "./log.ts";
 * const log = openLogFromEnv();
 * log.write("info", "started");
 * log.close();
 * ```
 */
export function openLogFromEnv(options: Omit<LogOptions, "path"> = {}): RequestLog {
  let path: string | undefined;
  try {
    path = Deno.env.get("FIVETRAN_LOG_FILE")?.trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
  }
  if (path && /^(off|none|false|0|-)$/i.test(path)) return nullLog();
  return openLog({ bufferSize: 16_384, ...options, path: path || DEFAULT_LOG_FILE });
}
