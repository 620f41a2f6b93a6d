/**
 * An id-keyed collection that keeps creation order (by `seq`) so lists page
 * stably while items are created and deleted between pages.
 *
 * @module
 */

/** Anything stored in a collection. */
export interface Keyed {
  /** Creation order. */
  seq: number;
  /** Id. */
  id: string;
}

/**
 * Ordered, id-indexed items with an optional secondary grouping key.
 *
 * @example Using `Collection`
 * ```ts
 * import { Collection } from "./collection.ts";
 * const groups = new Collection<{ seq: number; id: string }>();
 * groups.add({ seq: 1, id: "rapid_harbor" });
 * ```
 */
export class Collection<T extends Keyed> {
  readonly #byId = new Map<string, T>();
  readonly #ordered: T[] = [];
  readonly #byKey = new Map<string, T[]>();
  readonly #keyOf?: (item: T) => string | undefined;

  /** Create a collection; `keyOf` builds a secondary ordered index. */
  constructor(keyOf?: (item: T) => string | undefined) {
    this.#keyOf = keyOf;
  }

  /** Number of items. */
  get size(): number {
    return this.#byId.size;
  }

  /** Add an item (its seq must be larger than every seq added before). */
  add(item: T): T {
    this.#byId.set(item.id, item);
    this.#ordered.push(item);
    const key = this.#keyOf?.(item);
    if (key !== undefined) {
      let list = this.#byKey.get(key);
      if (!list) this.#byKey.set(key, list = []);
      list.push(item);
    }
    return item;
  }

  /** The item with this id. */
  get(id: string): T | undefined {
    return this.#byId.get(id);
  }

  /** Remove an item; returns whether it existed. */
  remove(id: string): boolean {
    const item = this.#byId.get(id);
    if (!item) return false;
    this.#byId.delete(id);
    removeSorted(this.#ordered, item);
    const key = this.#keyOf?.(item);
    if (key !== undefined) {
      const list = this.#byKey.get(key);
      if (list) removeSorted(list, item);
    }
    return true;
  }

  /** All items in creation order (do not mutate). */
  all(): readonly T[] {
    return this.#ordered;
  }

  /** Items with this secondary key, in creation order (do not mutate). */
  byKey(key: string): readonly T[] {
    return this.#byKey.get(key) ?? [];
  }
}

/**
 * Index of the first item with `seq > afterSeq` in a seq-sorted array.
 *
 * @example Using `indexAfter`
 * ```ts
 * import { indexAfter } from "./collection.ts";
 * indexAfter([{ seq: 1 }, { seq: 5 }], 1); // 1
 * ```
 */
export function indexAfter(items: readonly { seq: number }[], afterSeq: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function removeSorted<T extends Keyed>(list: T[], item: T): void {
  const i = indexAfter(list, item.seq - 1);
  if (list[i] === item) list.splice(i, 1);
  else {
    const j = list.indexOf(item);
    if (j >= 0) list.splice(j, 1);
  }
}
