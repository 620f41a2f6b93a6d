// Private helpers of sql_writer.ts: what the SQL file is (through symlinks), whether it may be written (by the
// operating system's rules, checked from the mode bits since root bypasses them), and reading it as UTF-8 in
// pieces cut at statement boundaries, so a large file is handled in bounded memory.
import { dirname } from "../lib/_path.ts";
import { UsageError } from "../lib/recipe.ts";
import { cutPoint, type RewriteOptions } from "../lib/sql_rewrite.ts";
import { fileKind } from "../lib/_read_file.ts";
import { firstLine } from "../lib/_text.ts";

/** The largest SQL file rewritten: 512 MiB (memory stays bounded; this bounds the time and the backup). */
export const MAX_SQL_BYTES = 512 * 1024 * 1024;
/** Bytes read at a time. */
const READ_BYTES = 256 * 1024;
/** Text rewritten at a time (about): a piece ends at the last statement boundary within it. */
const PIECE_CHARS = 256 * 1024;
/** The longest stretch without a boundary (`;` or `,` at a line end) that is still handled. */
export const MAX_PIECE_CHARS = 32 * 1024 * 1024;

/** The file to rewrite, resolved. */
export interface SqlTarget {
  /** The path as given. */
  given: string;
  /** The file read and written: the path itself, or the target of a symbolic link. */
  path: string;
  /** Whether `given` is a symbolic link (written through to `path`). */
  viaLink: boolean;
  /** Size in bytes. */
  size: number;
  /** Permission bits, when the platform has them. */
  mode: number | null;
}

/** Resolves `--file`: follows symbolic links, refuses what is not a regular file or is too large. */
export async function resolveSqlFile(given: string): Promise<SqlTarget> {
  let path = given;
  let viaLink = false;
  let info: Deno.FileInfo;
  try {
    if ((await Deno.lstat(given)).isSymlink) {
      path = await Deno.realPath(given);
      viaLink = true;
    }
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`Cannot read SQL file '${given}': ${firstLine(error, 200)}`);
  }
  if (!info.isFile) {
    throw new UsageError(
      `Expected --file to be a file, got ${fileKind(info)} '${given}'${viaLink ? ` (a link to '${path}')` : ""}`,
    );
  }
  if (info.size > MAX_SQL_BYTES) {
    throw new UsageError(
      `Expected --file to be at most ${MAX_SQL_BYTES / 1024 / 1024} MiB, got ${
        (info.size / 1024 / 1024).toFixed(1)
      } MiB in '${given}'; split it first`,
    );
  }
  return { given, path, viaLink, size: info.size, mode: info.mode };
}

/**
 * Refuses, by the operating system's rules, a file or folder that cannot be written: a read-only file (no write
 * bit for us; root is refused a file with no write bit at all, though the system would let it) and a folder
 * where no file can be created (the rewrite renames a new file over the old one).
 */
export async function checkWritable(target: SqlTarget): Promise<void> {
  const folder = dirname(target.path);
  let folderInfo: Deno.FileInfo;
  try {
    folderInfo = await Deno.stat(folder);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(
      `Cannot write '${target.given}': its folder '${folder}' cannot be read (${firstLine(error, 200)})`,
    );
  }
  await checkBackup(`${target.path}.bak`);
  const mode = target.mode;
  if (mode !== null && !mayWrite(mode, await ownerOf(target.path))) {
    throw new UsageError(
      `Cannot write '${target.given}': the file is read-only (mode ${octal(mode)}); nothing was changed. ` +
        "Make it writable first (chmod u+w)",
    );
  }
  if (folderInfo.mode !== null && !mayWrite(folderInfo.mode, { uid: folderInfo.uid, gid: folderInfo.gid })) {
    throw new UsageError(
      `Cannot write '${target.given}': its folder '${folder}' is read-only (mode ${octal(folderInfo.mode)}), ` +
        "and the file is replaced by a new one written next to it; nothing was changed",
    );
  }
}

/** Refuses a backup path (`PATH.bak`) that is a link, folder or other non-file: it would be written through. */
export async function checkBackup(backup: string): Promise<void> {
  const existing = await Deno.lstat(backup).catch((error) => {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return undefined;
  });
  if (existing && !existing.isFile) {
    throw new UsageError(
      `Cannot write the backup '${backup}': it exists and is not a regular file; nothing was changed`,
    );
  }
}

async function ownerOf(path: string): Promise<{ uid: number | null; gid: number | null }> {
  const info = await Deno.stat(path);
  return { uid: info.uid, gid: info.gid };
}

/** Whether the mode bits let this process write (root: when any write bit is set). */
function mayWrite(mode: number, owner: { uid: number | null; gid: number | null }): boolean {
  let uid: number | null = null;
  let gid: number | null = null;
  try {
    uid = Deno.uid();
    gid = Deno.gid();
  } catch {
    // Not available on this platform: judge by any write bit.
  }
  if (uid === null || uid === 0) return (mode & 0o222) !== 0;
  if (owner.uid === uid) return (mode & 0o200) !== 0;
  if (owner.gid === gid) return (mode & 0o020) !== 0;
  return (mode & 0o002) !== 0;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** One piece of the file: text that can be rewritten on its own, and the 1-based line it starts on. */
export interface SqlPiece {
  text: string;
  line: number;
}

/** What a pass over the file saw. */
export interface SqlPass {
  /** SHA-256 of the bytes, hex. */
  digest: string;
  /** Bytes read. */
  bytes: number;
  /** The length of each piece (in UTF-16 code units): a second pass over the same bytes cuts there again. */
  pieces: number[];
}

/**
 * Reads the file as UTF-8 in pieces that end at statement boundaries ({@link cutPoint}), calling `onPiece` for
 * each, in order. Bytes that are not UTF-8 are refused (a byte-exact rewrite is not possible through text), with
 * the offset of the first. A byte-order mark is kept as text, so it is written back.
 */
export async function readPieces(
  target: SqlTarget,
  options: RewriteOptions,
  onPiece: (piece: SqlPiece) => void | Promise<void>,
  /** The pieces of an earlier pass (same digest expected): cut there instead of looking for boundaries again. */
  cuts?: readonly number[],
): Promise<SqlPass> {
  const hash = new BlockDigest();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let file: Deno.FsFile;
  try {
    file = await Deno.open(target.path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`Cannot read SQL file '${target.given}': ${firstLine(error, 200)}`);
  }
  let pending = "";
  let line = 1;
  let bytes = 0;
  let tail = new Uint8Array(0);
  const pieces: number[] = [];
  const emit = async (text: string) => {
    pieces.push(text.length);
    await onPiece({ text, line });
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) line++;
  };
  try {
    const buffer = new Uint8Array(READ_BYTES);
    for (;;) {
      const n = await file.read(buffer);
      const chunk = n === null ? new Uint8Array(0) : buffer.subarray(0, n);
      await hash.update(chunk);
      try {
        pending += decoder.decode(chunk, { stream: n !== null });
      } catch {
        throw notUtf8(target.given, bytes - tail.length + invalidAt(concat(tail, chunk)));
      }
      tail = chunk.slice(Math.max(0, chunk.length - 3));
      if (n === null) break;
      bytes += n;
      if (bytes > MAX_SQL_BYTES) {
        throw new UsageError(`Expected --file to be at most ${MAX_SQL_BYTES / 1024 / 1024} MiB; it grew while read`);
      }
      if (cuts) {
        // Cut where the first pass did (the same bytes, checked by their digest at the end).
        for (let next = cuts[pieces.length]; next !== undefined && pending.length >= next; next = cuts[pieces.length]) {
          await emit(pending.slice(0, next));
          pending = pending.slice(next);
        }
        continue;
      }
      while (pending.length >= PIECE_CHARS) {
        const cut = cutPoint(pending, options);
        if (cut === 0) {
          if (pending.length > MAX_PIECE_CHARS) {
            throw new UsageError(
              `Cannot rewrite '${target.given}' in pieces: no statement boundary (';' or ',' at a line end) within ` +
                `${MAX_PIECE_CHARS / 1024 / 1024} MiB of text from line ${line}; nothing was changed`,
            );
          }
          break;
        }
        await emit(pending.slice(0, cut));
        pending = pending.slice(cut);
      }
    }
    await emit(pending);
  } finally {
    file.close();
  }
  return { digest: await hash.hex(), bytes, pieces };
}

/** The fingerprint of a file's bytes ({@link BlockDigest}), read in chunks. */
export async function digestOf(path: string): Promise<string> {
  const hash = new BlockDigest();
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(READ_BYTES);
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
    await hash.update(buffer.subarray(0, n));
  }
  return await hash.hex();
}

const BLOCK_BYTES = 1024 * 1024;

/**
 * A fingerprint of bytes read in chunks, for telling whether a file changed between two reads: the SHA-256 of
 * each MiB (Web Crypto), then of those digests in order. Web Crypto has no running hash, and `node:crypto`'s
 * would start Deno's Node-compatibility layer (tens of milliseconds) for this alone. The blocks are fixed, so
 * the fingerprint does not depend on how the reads were cut; memory stays at one block.
 */
class BlockDigest {
  #block = new Uint8Array(BLOCK_BYTES);
  #used = 0;
  #digests: Uint8Array[] = [];

  /** Adds bytes. */
  async update(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(BLOCK_BYTES - this.#used, bytes.length - at);
      this.#block.set(bytes.subarray(at, at + n), this.#used);
      this.#used += n;
      at += n;
      if (this.#used === BLOCK_BYTES) await this.#flush();
    }
  }

  /** The fingerprint, in hex. */
  async hex(): Promise<string> {
    if (this.#used > 0 || this.#digests.length === 0) await this.#flush();
    const all = new Uint8Array(this.#digests.length * 32);
    this.#digests.forEach((d, i) => all.set(d, i * 32));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async #flush(): Promise<void> {
    this.#digests.push(new Uint8Array(await crypto.subtle.digest("SHA-256", this.#block.subarray(0, this.#used))));
    this.#used = 0;
  }
}

function notUtf8(given: string, offset: number): UsageError {
  return new UsageError(
    `Expected --file to be UTF-8 text; '${given}' is not (byte offset ${offset}); nothing was changed. ` +
      "Convert it first (e.g. iconv -f LATIN1 -t UTF-8)",
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The offset of the first byte that does not start a valid UTF-8 sequence, skipping the leading continuation
 * bytes of a sequence begun before `bytes` (at most 3); `bytes.length` when all are valid.
 */
export function invalidAt(bytes: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i] & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80
      ? 0
      : b >= 0xc2 && b <= 0xdf
      ? 1
      : b >= 0xe0 && b <= 0xef
      ? 2
      : b >= 0xf0 && b <= 0xf4
      ? 3
      : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return i;
      if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
