/**
 * The rotating file log, like the original framework's (10 MB per file, 3 backups). One line per request
 * attempt with method, path, status, duration and attempt number, plus actions and warnings.
 *
 * Each line is handed to the operating system as it is written (no buffer in the process, no fsync), so a
 * crash, an uncaught exception or a kill loses nothing that was logged, and 50 MB of lines take about a
 * second. Before a line that would take the file past its limit, the files rotate (`file` → `file.1` →
 * … → `file.N`, the oldest dropped), so no file exceeds the limit and no line is split or lost.
 *
 * Path: `FIVETRAN_LOG_FILE`, default `logs/fivetran.log` in the working folder; `off` turns it off.
 *
 * @module
 */

import { dirname, ensureDir } from "./_path.ts";
import type { AtlasLogEntry, AtlasLogger } from "./client.ts";
import { scrubText } from "./mask.ts";

/**
 * The default log file, relative to the working folder.
 *
 * @example Use DEFAULT_LOG_FILE
 * ```ts
 * import { DEFAULT_LOG_FILE } from "./log.ts";
 * console.log(DEFAULT_LOG_FILE); // "logs/fivetran.log"
 * ```
 */
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
  } = options;
  if (!Number.isInteger(maxBytes) || maxBytes < 256) {
    throw new RangeError(`Expected maxBytes to be an integer of at least 256, got ${maxBytes}`);
  }
  if (!Number.isInteger(backups) || backups < 1 || backups > 100) {
    throw new RangeError(`Expected backups to be an integer from 1 to 100, got ${backups}`);
  }
  // A line must fit in a file (even in 3-byte characters), or rotation could not keep files under the limit.
  const room = Math.min(16_384, Math.floor(maxBytes / 8));
  ensureDir(dirname(path));
  const file = new RotatingFile(path, maxBytes, backups);
  const encoder = new TextEncoder();
  const known: string[] = [...secrets];
  let closed = false;
  const write = (level: AtlasLogEntry["level"], message: string) => {
    if (closed) return;
    let text = scrubText(message.replace(/[\r\n]+/g, " "), known);
    if (text.length > room) text = `${text.slice(0, room - 40)}... (${text.length} characters, truncated)`;
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${text}\n`;
    file.write(encoder.encode(line));
  };
  const close = () => {
    if (closed) return;
    closed = true;
    file.close();
  };
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
 * `logs/fivetran.log`.
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
  return openLog({ ...options, path: path || DEFAULT_LOG_FILE });
}

/** An append-only file that rotates before a write would take it past `maxBytes`. */
class RotatingFile {
  #path: string;
  #maxBytes: number;
  #backups: number;
  #file: Deno.FsFile;
  #size: number;

  constructor(path: string, maxBytes: number, backups: number) {
    this.#path = path;
    this.#maxBytes = maxBytes;
    this.#backups = backups;
    this.#file = Deno.openSync(path, { append: true, create: true });
    this.#size = this.#file.statSync().size;
  }

  write(bytes: Uint8Array): void {
    if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) this.#rotate();
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
    this.#size += bytes.length;
  }

  close(): void {
    this.#file.close();
  }

  #rotate(): void {
    this.#file.close();
    for (let i = this.#backups - 1; i >= 1; i--) {
      try {
        Deno.renameSync(`${this.#path}.${i}`, `${this.#path}.${i + 1}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    Deno.renameSync(this.#path, `${this.#path}.1`);
    this.#file = Deno.openSync(this.#path, { append: true, create: true });
    this.#size = 0;
  }
}
