/**
 * The rotating file log, like the original framework's (10 MB per file, 3 backups). One line per request
 * attempt with method, path, status, duration and attempt number, plus actions and warnings.
 *
 * Each line is handed to the operating system as it is written (no buffer in the process, no fsync), so a
 * crash, an uncaught exception or a kill loses nothing that was logged, and 50 MB of lines take about a
 * second. Before a line that would take the file past its limit, the files rotate (`file` → `file.1` →
 * … → `file.N`, the oldest dropped), so no file exceeds the limit and no line is split or lost.
 *
 * Several processes may share one log (three recipes at once, a recipe next to a notebook): each line is
 * written under an exclusive lock on the log file (an advisory `flock`, released by the system when a process
 * dies, so it is never left stale), after checking that the file is still the one at the path (another
 * process may have rotated it) and how big it really is. What is guaranteed, with any number of processes: every line lands whole in exactly one
 * file, no file goes over the limit, there are never more than N backups, and the only lines lost are those
 * rotated out past the last backup. A log that is not a regular file (`/dev/stderr`) is written without
 * rotation or lock.
 *
 * A log that cannot be written (a folder, a full disk, a read-only place) is not a reason to stop the work:
 * with `onError`, it is reported once and the log goes quiet.
 *
 * Path: `FIVETRAN_LOG_FILE`, default `logs/fivetran.log` in the working folder; `off` turns it off.
 *
 * @module
 */

import { dirname, ensureDir } from "./_path.ts";
import { firstLine } from "./_text.ts";
import type { AtlasLogEntry, AtlasLogger } from "./client/log_entry.ts";
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
  /**
   * Called once, with one line, when the log cannot be opened or written (a folder, a full disk, a place
   * the user may not write); the log then writes nothing more and the work goes on. Without it, the error
   * is thrown. A missing Deno permission (`--allow-write`) is always thrown.
   *
   * @default {undefined}
   */
  onError?: (message: string) => void;
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
    onError,
  } = options;
  checkLimits(maxBytes, backups);
  // A line must fit in a file (even in 3-byte characters), or rotation could not keep files under the limit.
  const room = Math.min(16_384, Math.floor(maxBytes / 8));
  const encoder = new TextEncoder();
  const known: string[] = [...secrets];
  let closed = false;
  let file: RotatingFile | undefined;
  const fail = (error: unknown) => {
    if (!onError || error instanceof Deno.errors.NotCapable) throw error;
    closed = true;
    try {
      file?.close();
    } catch {
      // already unusable
    }
    onError(`Cannot write the log file '${path.slice(0, 200)}' (${firstLine(error, 200)}); going on without the log`);
  };
  try {
    file = openRotating(path, maxBytes, backups);
  } catch (error) {
    fail(error);
  }
  const write = (level: AtlasLogEntry["level"], message: string) => {
    if (closed || !file) return;
    let text = scrubText(message.replace(/[\r\n]+/g, " "), known);
    if (text.length > room) text = `${text.slice(0, room - 40)}... (${text.length} characters, truncated)`;
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${text}\n`;
    try {
      file.write(encoder.encode(line));
    } catch (error) {
      fail(error);
    }
  };
  const close = () => {
    if (closed) return;
    closed = true;
    file?.close();
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

function checkLimits(maxBytes: number, backups: number): void {
  if (!Number.isInteger(maxBytes) || maxBytes < 256) {
    throw new RangeError(`Expected maxBytes to be an integer of at least 256, got ${maxBytes}`);
  }
  if (!Number.isInteger(backups) || backups < 1 || backups > 100) {
    throw new RangeError(`Expected backups to be an integer from 1 to 100, got ${backups}`);
  }
}

/** Opens the log file, creating its folder when missing. */
function openRotating(path: string, maxBytes: number, backups: number): RotatingFile {
  try {
    ensureDir(dirname(path));
  } catch (error) {
    // No permission to create the folder: fine if it exists (a log at /dev/full, in a folder the script may
    // not read); if the file cannot be opened either, the folder's error is the one that explains.
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    try {
      return new RotatingFile(path, maxBytes, backups);
    } catch (second) {
      throw second instanceof Deno.errors.NotCapable ? error : second;
    }
  }
  return new RotatingFile(path, maxBytes, backups);
}

/**
 * An append-only file that rotates before a write would take it past `maxBytes`, safely across processes:
 * each write holds an exclusive lock on the file now at the path (reopening it when another process rotated
 * it) and reads its real size. A file that is not a regular file (a device) is written as it is.
 */
class RotatingFile {
  #path: string;
  #maxBytes: number;
  #backups: number;
  #file: Deno.FsFile;
  #ino: number | null;
  #regular: boolean;

  constructor(path: string, maxBytes: number, backups: number) {
    this.#path = path;
    this.#maxBytes = maxBytes;
    this.#backups = backups;
    this.#file = Deno.openSync(path, { append: true, create: true });
    try {
      const info = this.#file.statSync();
      this.#ino = info.ino;
      this.#regular = info.isFile;
    } catch (error) {
      this.#file.close();
      throw error;
    }
  }

  write(bytes: Uint8Array): void {
    if (!this.#regular) return this.#writeAll(bytes);
    for (;;) {
      const [file, size] = this.#lockCurrent();
      let rotated = false;
      try {
        if (size > 0 && size + bytes.length > this.#maxBytes) {
          this.#shiftBackups();
          rotated = true;
        } else {
          this.#writeAll(bytes);
        }
      } finally {
        file.unlockSync();
      }
      if (!rotated) return;
      this.#reopen(); // the new, empty file; the loop locks it and checks again
    }
  }

  close(): void {
    this.#file.close();
  }

  #writeAll(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
  }

  /**
   * Locks the file that is at the path now (reopening when another process has rotated ours away); returns it
   * and its size.
   */
  #lockCurrent(): [Deno.FsFile, number] {
    for (;;) {
      const file = this.#file;
      file.lockSync(true);
      let info: Deno.FileInfo | undefined;
      try {
        info = Deno.statSync(this.#path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) {
          file.unlockSync();
          throw error;
        }
      }
      // Without inode numbers (Windows, where an open file cannot be renamed anyway) ours is the file.
      if (info && (this.#ino === null || info.ino === this.#ino)) return [file, info.size];
      file.unlockSync();
      this.#reopen();
    }
  }

  #reopen(): void {
    this.#file.close();
    this.#file = Deno.openSync(this.#path, { append: true, create: true });
    this.#ino = this.#file.statSync().ino;
  }

  /** `file.N-1` → `file.N` … `file` → `file.1` (the oldest dropped); called holding the lock of `file`. */
  #shiftBackups(): void {
    for (let i = this.#backups - 1; i >= 1; i--) {
      try {
        Deno.renameSync(`${this.#path}.${i}`, `${this.#path}.${i + 1}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    Deno.renameSync(this.#path, `${this.#path}.1`);
  }
}
