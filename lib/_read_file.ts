// Private helper: read a small text file (a config, payload or secret file) with a size cap, refusing what is
// not a regular file — `/dev/zero`, a FIFO or a folder would otherwise hang the reader or eat memory.

/** The most a config, payload or secret file may hold: 1 MiB. */
export const MAX_SMALL_FILE_BYTES = 1024 * 1024;

/** Thrown when the file exists but is not one to read; its message is one line (no path: callers add it). */
export class FileShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileShapeError";
  }
}

/** What a non-regular file is, for a message. */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a folder";
  if (info.isSymlink) return "a symbolic link";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/**
 * Reads `path` as UTF-8 text, at most `maxBytes` bytes. Throws {@link FileShapeError} for a path that is not a
 * regular file (checked before opening, so a FIFO never blocks) or holds more than `maxBytes`; Deno's errors
 * (not found, permission) pass through.
 */
export function readSmallTextFile(path: string, maxBytes: number = MAX_SMALL_FILE_BYTES): string {
  const info = Deno.statSync(path);
  if (!info.isFile) throw new FileShapeError(`expected a regular file, got ${fileKind(info)}`);
  if (info.size > maxBytes) throw new FileShapeError(tooBig(info.size, maxBytes));
  const file = Deno.openSync(path, { read: true });
  try {
    const opened = file.statSync();
    if (!opened.isFile) throw new FileShapeError(`expected a regular file, got ${fileKind(opened)}`);
    // Read up to one byte more than allowed, so a file that grew (or lied about its size) is caught.
    let buffer = new Uint8Array(Math.min(maxBytes, Math.max(opened.size, 4096)) + 1);
    let used = 0;
    for (;;) {
      if (used === buffer.length) {
        if (used > maxBytes) throw new FileShapeError(tooBig(used, maxBytes, true));
        const bigger = new Uint8Array(Math.min(maxBytes + 1, buffer.length * 2));
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = file.readSync(buffer.subarray(used));
      if (n === null) break;
      used += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, used));
  } finally {
    file.close();
  }
}

function tooBig(size: number, max: number, atLeast = false): string {
  return `expected at most ${max.toLocaleString("en-US")} bytes, got ${atLeast ? "more than " : ""}${
    (atLeast ? max : size).toLocaleString("en-US")
  }`;
}
