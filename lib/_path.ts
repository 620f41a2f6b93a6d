// Path helpers on strings, so that the modules every recipe loads need no `node:path` (whose import starts
// Deno's Node-compatibility layer: tens of milliseconds of start-up).

/**
 * The folder part of a path, as `node:path`'s `dirname` gives it (`/` and, on Windows, `\` separate):
 * `"logs/fivetran.log"` → `"logs"`, `"fivetran.log"` → `"."`, `"/x"` → `"/"`; a run of separators counts as one.
 */
export function dirname(path: string): string {
  let end = path.length;
  while (end > 1 && isSep(path[end - 1])) end--; // trailing separators
  let i = end - 1;
  while (i >= 0 && !isSep(path[i])) i--;
  if (i < 0) return ".";
  while (i > 0 && isSep(path[i - 1])) i--; // a run of separators
  return i === 0 ? path[0] : path.slice(0, i);
}

/**
 * The last part of a path, as `node:path`'s `basename` gives it: `"logs/fivetran.log"` → `"fivetran.log"`,
 * `"a/b/"` → `"b"`, `"/"` → `""`.
 */
export function basename(path: string): string {
  let end = path.length;
  while (end > 0 && isSep(path[end - 1])) end--; // trailing separators
  let start = end;
  while (start > 0 && !isSep(path[start - 1])) start--;
  return path.slice(start, end);
}

const WINDOWS = Deno.build.os === "windows";

/** Whether `c` separates path parts: `/`, and on Windows `\\` too. */
function isSep(c: string): boolean {
  return c === "/" || (WINDOWS && c === "\\");
}

/** Creates a folder and its parents when missing (`mkdir -p`); `.` and `/` are left alone. */
export function ensureDir(dir: string): void {
  if (dir === "." || dir === "/" || dir === "") return;
  Deno.mkdirSync(dir, { recursive: true });
}
