/**
 * The request journal: what the sandbox was asked and what it answered, kept
 * in memory and bounded (oldest entries are dropped first). Request bodies are
 * stored with secrets masked.
 *
 * @module
 */

/** One journal entry. */
export interface JournalEntry {
  /** Increasing number of the entry. */
  seq: number;
  /** When the request arrived (ISO, sandbox clock). */
  time: string;
  /** HTTP method. */
  method: string;
  /** Path, e.g. `/v1/connections/abc`. */
  path: string;
  /** Raw query string without `?` ("" when none). */
  query: string;
  /** The matched operation, when any. */
  operationId?: string;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  /** The injected fault (`5xx`, `5xx-after`, `429`, `drop`, `drop-after`), if any. */
  fault?: string;
  /** Request body (JSON, secrets masked), if any. */
  body?: unknown;
  /** Time spent answering, in ms (wall clock). */
  durationMs: number;
}

/**
 * A bounded in-memory journal.
 *
 * @example Using `Journal`
 * ```ts
 * import { Journal } from "./journal.ts";
 * const journal = new Journal(100);
 * journal.entries().length; // 0
 * ```
 */
export class Journal {
  readonly #max: number;
  #items: JournalEntry[] = [];
  #seq = 0;

  /** Keep at most `max` entries (default 10,000). */
  constructor(max = 10_000) {
    this.#max = Math.max(1, max);
  }

  /** Append an entry (its seq is assigned here). */
  add(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const e = { seq: ++this.#seq, ...entry };
    this.#items.push(e);
    if (this.#items.length > this.#max * 1.25) {
      this.#items = this.#items.slice(this.#items.length - this.#max);
    }
    return e;
  }

  /** Entries (oldest first), optionally only those after `sinceSeq`. */
  entries(sinceSeq = 0): JournalEntry[] {
    const all = this.#items.length > this.#max ? this.#items.slice(this.#items.length - this.#max) : this.#items;
    return sinceSeq > 0 ? all.filter((e) => e.seq > sinceSeq) : [...all];
  }

  /** Forget every entry. */
  clear(): void {
    this.#items = [];
  }
}
