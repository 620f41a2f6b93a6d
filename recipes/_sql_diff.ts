// Private helper of sql_writer.ts: a unified diff built piece by piece, so a large file's diff is printed as it
// is made instead of being held whole (and never by spreading a large array into a call).

/** Lines of a hunk at most; a longer run of changes is shown as several adjacent hunks without context. */
const HUNK_MAX_LINES = 20_000;

interface Hunk {
  oldStart: number;
  newStart: number;
  oldCount: number;
  newCount: number;
  /** Lines so far (context lines and flushed runs of changes). */
  lines: string[];
  /** Leading context lines at the start of `lines`. */
  lead: number;
  /** The run of changes being collected: all `-` lines, then all `+` lines. */
  minus: string[];
  plus: string[];
  /** Unchanged lines after the last change (context, or the gap before the next change). */
  trailing: string[];
  /** Split from a long run: shown without context, like `diff -U0`. */
  bare: boolean;
}

/**
 * A unified diff (`--- PATH`, `+++ PATH`, hunks with `context` lines of context) fed piece by piece: each piece
 * is the old and new text of whole lines, in order. Lines pair up one to one when a piece keeps its line count
 * (the rewrite does, unless a new name holds a line break); otherwise the piece's differing middle is one hunk.
 * Each finished line goes to `emit`.
 */
export class DiffStream {
  readonly #emit: (line: string) => void;
  readonly #context: number;
  readonly #path: string;
  #oldLine = 1;
  #newLine = 1;
  #pre: string[] = [];
  #hunk: Hunk | undefined;
  #started = false;

  constructor(path: string, emit: (line: string) => void, context = 2) {
    this.#path = path;
    this.#emit = emit;
    this.#context = context;
  }

  /** Adds a piece: `before` and `after` are whole lines (the last may lack its line break only at the end). */
  add(before: string, after: string): void {
    const a = splitLines(before);
    const b = splitLines(after);
    if (a.length === b.length) {
      for (let i = 0; i < a.length; i++) this.#pair(a[i], b[i]);
      return;
    }
    this.#close();
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
      tail++;
    }
    const oldCount = a.length - head - tail;
    const newCount = b.length - head - tail;
    this.#header(`@@ -${this.#oldLine + head},${oldCount} +${this.#newLine + head},${newCount} @@`);
    for (let i = head; i < a.length - tail; i++) this.#emit(`-${a[i]}`);
    for (let i = head; i < b.length - tail; i++) this.#emit(`+${b[i]}`);
    this.#oldLine += a.length;
    this.#newLine += b.length;
    this.#pre = [];
  }

  /** Ends the diff: shows the last hunk. */
  finish(): void {
    this.#close();
  }

  #pair(old: string, now: string): void {
    const c = this.#context;
    if (old !== now) {
      let hunk = this.#hunk;
      if (!hunk) {
        hunk = this.#hunk = {
          oldStart: this.#oldLine - this.#pre.length,
          newStart: this.#newLine - this.#pre.length,
          oldCount: this.#pre.length,
          newCount: this.#pre.length,
          lines: this.#pre.map((l) => ` ${l}`),
          lead: this.#pre.length,
          minus: [],
          plus: [],
          trailing: [],
          bare: false,
        };
        this.#pre = [];
      } else if (hunk.trailing.length > 0) {
        for (const l of hunk.trailing) hunk.lines.push(` ${l}`);
        hunk.oldCount += hunk.trailing.length;
        hunk.newCount += hunk.trailing.length;
        hunk.trailing = [];
      }
      hunk.minus.push(`-${old}`);
      hunk.plus.push(`+${now}`);
      hunk.oldCount++;
      hunk.newCount++;
      this.#oldLine++;
      this.#newLine++;
      if (hunk.lines.length + hunk.minus.length + hunk.plus.length >= HUNK_MAX_LINES) this.#split();
      return;
    }
    const hunk = this.#hunk;
    if (hunk) {
      flushRun(hunk);
      hunk.trailing.push(old);
      if (hunk.trailing.length > 2 * c) {
        const gap = hunk.trailing;
        this.#close();
        this.#pre = gap.slice(gap.length - c);
      }
    } else {
      this.#pre.push(old);
      if (this.#pre.length > c) this.#pre.shift();
    }
    this.#oldLine++;
    this.#newLine++;
  }

  /** Shows the hunk so far without context and goes on with a bare one (a long run of changes). */
  #split(): void {
    const hunk = this.#hunk!;
    flushRun(hunk);
    const lines = hunk.lines.slice(hunk.lead);
    const oldCount = hunk.oldCount - hunk.lead;
    const newCount = hunk.newCount - hunk.lead;
    this.#header(`@@ -${hunk.oldStart + hunk.lead},${oldCount} +${hunk.newStart + hunk.lead},${newCount} @@`);
    for (const l of lines) this.#emit(l);
    this.#hunk = {
      oldStart: this.#oldLine,
      newStart: this.#newLine,
      oldCount: 0,
      newCount: 0,
      lines: [],
      lead: 0,
      minus: [],
      plus: [],
      trailing: [],
      bare: true,
    };
  }

  #close(): void {
    const hunk = this.#hunk;
    if (!hunk) return;
    this.#hunk = undefined;
    flushRun(hunk);
    const keep = hunk.bare ? 0 : Math.min(this.#context, hunk.trailing.length);
    for (let i = 0; i < keep; i++) hunk.lines.push(` ${hunk.trailing[i]}`);
    const oldCount = hunk.oldCount + keep;
    const newCount = hunk.newCount + keep;
    if (oldCount === 0 && newCount === 0) return;
    this.#header(`@@ -${hunk.oldStart},${oldCount} +${hunk.newStart},${newCount} @@`);
    for (const l of hunk.lines) this.#emit(l);
  }

  #header(line: string): void {
    if (!this.#started) {
      this.#started = true;
      this.#emit(`--- ${this.#path}`);
      this.#emit(`+++ ${this.#path}`);
    }
    this.#emit(line);
  }
}

/** Moves the collected run of changes into the hunk's lines: all `-` lines, then all `+` lines. */
function flushRun(hunk: Hunk): void {
  for (const l of hunk.minus) hunk.lines.push(l);
  for (const l of hunk.plus) hunk.lines.push(l);
  hunk.minus = [];
  hunk.plus = [];
}

/** The lines of a text; a final line break ends the last line (it does not start an empty one). */
function splitLines(text: string): string[] {
  if (text === "") return [];
  const all = text.split("\n");
  if (text.endsWith("\n")) all.pop();
  return all;
}
