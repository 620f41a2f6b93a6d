/**
 * Cursor pagination like Fivetran's: `limit` 1..1000 (default 100), opaque
 * cursors, `next_cursor` absent on the last page. Cursors always contain `+`,
 * `/` and `=` so that a client which forgets to URL-encode them breaks (a
 * `+` arrives as a space) instead of passing by luck.
 *
 * @module
 */

import { indexAfter } from "./collection.ts";
import { invalidInput } from "./errors.ts";

/** Default page size. */
export const DEFAULT_LIMIT = 100;
/** Largest page size. */
export const MAX_LIMIT = 1000;

// Three bytes that base64-encode to "+++/": every cursor starts with them.
const MAGIC = [0xfb, 0xef, 0xbf];

/**
 * Encode a cursor for a list (`listKey`) positioned after `seq`.
 *
 * @example Using `encodeCursor`
 * ```ts
 * import { encodeCursor } from "./pagination.ts";
 * encodeCursor("connections", 100); // "+++/eyJ..." (always has + / =)
 * ```
 */
export function encodeCursor(listKey: string, seq: number): string {
  let json = JSON.stringify({ l: listKey, s: seq });
  // Pad so that the byte length is 1 mod 3: base64 then ends with "==".
  while ((MAGIC.length + new TextEncoder().encode(json).length) % 3 !== 1) json += " ";
  const bytes = new Uint8Array([...MAGIC, ...new TextEncoder().encode(json)]);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Decode a cursor for `listKey`; answers 400 for anything else.
 *
 * @example Using `decodeCursor`
 * ```ts
 * import { decodeCursor, encodeCursor } from "./pagination.ts";
 * decodeCursor(encodeCursor("groups", 7), "groups"); // 7
 * ```
 */
export function decodeCursor(cursor: string, listKey: string): number {
  const bad = () =>
    invalidInput(
      "Invalid cursor: pass next_cursor back exactly as received (URL-encoded in the query string)",
    );
  let bin: string;
  try {
    bin = atob(cursor);
  } catch {
    throw bad();
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length)));
  } catch {
    throw bad();
  }
  const p = parsed as { l?: unknown; s?: unknown };
  if (p.l !== listKey || typeof p.s !== "number") throw bad();
  return p.s;
}

/**
 * Parse `limit` from a query string: default 100, 400 outside 1..1000.
 *
 * @example Using `parseLimit`
 * ```ts
 * import { parseLimit } from "./pagination.ts";
 * parseLimit(new URLSearchParams("limit=500")); // 500
 * ```
 */
export function parseLimit(query: URLSearchParams): number {
  const raw = query.get("limit");
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw invalidInput(`Invalid limit '${raw}': must be an integer between 1 and ${MAX_LIMIT}`);
  }
  const n = Number(raw);
  if (n < 1 || n > MAX_LIMIT) {
    throw invalidInput(`Invalid limit ${n}: must be between 1 and ${MAX_LIMIT}`);
  }
  return n;
}

/** One page of a list. */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** Cursor of the next page, absent on the last page. */
  nextCursor?: string;
}

/**
 * Cut one page out of a seq-ordered list.
 *
 * @example Using `paginate`
 * ```ts
 * import { paginate } from "./pagination.ts";
 * const page = paginate([{ seq: 1 }, { seq: 2 }], "demo", new URLSearchParams("limit=1"));
 * ```
 */
export function paginate<T extends { seq: number }>(
  items: readonly T[],
  listKey: string,
  query: URLSearchParams,
  filter?: (item: T) => boolean,
): Page<T> {
  const limit = parseLimit(query);
  const cursor = query.get("cursor");
  const after = cursor ? decodeCursor(cursor, listKey) : -Infinity;
  let i = indexAfter(items, after);
  const out: T[] = [];
  for (; i < items.length && out.length < limit; i++) {
    if (!filter || filter(items[i])) out.push(items[i]);
  }
  // Is there anything left after this page?
  let more = false;
  for (let j = i; j < items.length; j++) {
    if (!filter || filter(items[j])) {
      more = true;
      break;
    }
  }
  return {
    items: out,
    nextCursor: more && out.length > 0 ? encodeCursor(listKey, out[out.length - 1].seq) : undefined,
  };
}
