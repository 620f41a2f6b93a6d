/**
 * Tables: a string for the terminal and an HTML string for notebooks.
 *
 * The terminal table is the project's own renderer, drawn exactly as `cli-table3` drew it (box-drawing
 * borders, one space of padding, a rule under the header, one line per row) but linear in the number of
 * cells: 10,000 rows take milliseconds where `cli-table3` took seconds (`deno bench --allow-all
 * bench/table_bench.ts`). It can fit a width (the terminal's): the widest columns give way first and their
 * cells end in `…`. Rows that arrive page by page can be printed as they come ({@link streamTable}).
 *
 * Cells are one line each: tabs and line breaks become spaces, and other control characters (such as the
 * escape that starts a terminal colour code) become `�`, so a value from the API cannot move the cursor.
 *
 * @module
 */

import { paint } from "./output.ts";

/** One column of a table. */
export interface Column<T> {
  /** Header text. */
  header: string;
  /** The cell value of a row. */
  value: (row: T) => unknown;
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /**
   * Whether the header is coloured.
   *
   * @default {false}
   */
  colour?: boolean;
  /**
   * The widest a line may be, in terminal columns (a terminal's width): when the table is wider, the widest
   * columns are narrowed, their cells cut with `…`, until it fits (a column keeps at least 3 columns; the
   * first column, usually the ID, is narrowed only once the others are down to 10). `undefined` draws every cell in full.
   *
   * @default {undefined}
   */
  maxWidth?: number;
}

/**
 * Renders rows as a terminal table and returns it as a string.
 *
 * @example Render connections
 * ```ts
 * import { renderTable } from "./table.ts";
 * const text = renderTable([{ id: "a", state: "paused" }], [
 *   { header: "ID", value: (r) => r.id },
 *   { header: "State", value: (r) => r.state },
 * ]);
 * console.log(text);
 * ```
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: TableOptions = {}): string {
  const table = new TableRows(columns);
  table.add(rows);
  return table.render(options);
}

/**
 * A table whose rows are added batch by batch (each batch's cells are drawn to text as it is added, and the
 * rows themselves are not kept), then drawn whole by {@link TableRows.render} with every row's widths — the
 * same text as {@link renderTable} of all the rows. For a cursor loop that prints one table at the end: the
 * cells of one page are made while the next page loads.
 *
 * @example Add the pages of a listing, then draw it
 * ```ts
 * import { TableRows } from "./table.ts";
 * const table = new TableRows<{ id: string }>([{ header: "ID", value: (c) => c.id }]);
 * table.add([{ id: "first_page" }]);
 * table.add([{ id: "second_page" }]);
 * console.log(table.render());
 * ```
 */
export class TableRows<T> {
  /** The columns. */
  readonly columns: readonly Column<T>[];
  #cells: Cells;

  /**
   * Creates an empty table.
   *
   * @param columns The columns: a header and how to read each row's value.
   */
  constructor(columns: readonly Column<T>[]) {
    this.columns = columns;
    this.#cells = newCells(columns.length);
  }

  /** How many rows were added. */
  get length(): number {
    return this.#cells.rows;
  }

  /** Adds rows (their cells are made now; the rows are not kept). */
  add(rows: readonly T[]): void {
    prepare(rows, this.columns, this.#cells);
  }

  /** The table as a string, as {@link renderTable} draws it. */
  render(options: TableOptions = {}): string {
    const parts: string[] = [];
    this.write((text) => parts.push(text), { ...options, linesPerWrite: Infinity });
    return parts.join("\n");
  }

  /**
   * Draws the table in pieces of `linesPerWrite` rows (joined by line breaks, without a final one), so that a
   * long table is printed while it is drawn rather than held whole: the text {@link TableRows.render} returns.
   */
  write(write: (text: string) => void, options: TableWriteOptions = {}): void {
    const { colour = false, maxWidth, linesPerWrite = 256 } = options;
    checkMaxWidth(maxWidth);
    if (!(linesPerWrite >= 1)) throw new RangeError(`Expected linesPerWrite to be at least 1, got ${linesPerWrite}`);
    const headers = this.columns.map((c) => clean(c.header));
    const cells = this.#cells;
    const widths = columnWidths(headers, cells, maxWidth);
    let lines = [border(widths, "┌", "┬", "┐"), headerLine(headers, widths, colour)];
    if (cells.rows > 0) lines.push(border(widths, "├", "┼", "┤"));
    for (let row = 0; row < cells.rows;) {
      const upTo = Math.min(cells.rows, row + linesPerWrite);
      rowLines(cells, row, upTo, widths, lines);
      row = upTo;
      if (row < cells.rows) {
        write(lines.join("\n"));
        lines = [];
      }
    }
    lines.push(border(widths, "└", "┴", "┘"));
    write(lines.join("\n"));
  }
}

/** Options of {@link TableRows.write}. */
export interface TableWriteOptions extends TableOptions {
  /**
   * Rows per piece written (the first piece also holds the header, the last the bottom border).
   *
   * @default {256}
   */
  linesPerWrite?: number;
}

/** Options of {@link streamTable}. */
export interface StreamTableOptions extends TableOptions {
  /** Receives each line (without its newline) as soon as it is drawn. */
  write: (line: string) => void;
}

/** A table printed as its rows arrive (see {@link streamTable}). */
export interface TableStream<T> {
  /** Draws these rows (the first call draws the header first, its widths set by these rows). */
  push(rows: readonly T[]): void;
  /** Draws the bottom border (and the header, if no row came); later pushes are ignored. */
  end(): void;
}

/**
 * A table printed page by page, for rows that come from `paginate()` or a cursor loop: the first rows show
 * while later pages load. The column widths are set by the header and the first batch of rows (fitted to
 * `maxWidth`); a later cell that is wider is cut with `…`. Use {@link renderTable} when every row is at hand.
 *
 * @example Print connections as their pages arrive
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { streamTable } from "./table.ts";
 * const client = createAtlas();
 * const table = streamTable<{ id: string }>([{ header: "ID", value: (c) => c.id }], {
 *   write: (line) => console.log(line),
 *   maxWidth: Deno.stdout.isTerminal() ? Deno.consoleSize().columns : undefined,
 * });
 * let page: { id: string }[] = [];
 * for await (const c of client.paginate<{ id: string }>("groups/g/connections")) {
 *   page.push(c);
 *   if (page.length === 100) {
 *     table.push(page);
 *     page = [];
 *   }
 * }
 * table.push(page);
 * table.end();
 * ```
 */
export function streamTable<T>(columns: readonly Column<T>[], options: StreamTableOptions): TableStream<T> {
  const { colour = false, maxWidth, write } = options;
  checkMaxWidth(maxWidth);
  const headers = columns.map((c) => clean(c.header));
  let widths: number[] | undefined;
  let rule = false;
  let ended = false;
  const start = (cells: Cells) => {
    widths = columnWidths(headers, cells, maxWidth);
    write(border(widths, "┌", "┬", "┐"));
    write(headerLine(headers, widths, colour));
  };
  return {
    push(rows) {
      if (ended || rows.length === 0) return;
      const cells = prepare(rows, columns, newCells(columns.length));
      if (!widths) start(cells);
      if (!rule) {
        write(border(widths!, "├", "┼", "┤"));
        rule = true;
      }
      for (const line of rowLines(cells, 0, cells.rows, widths!, [])) write(line);
    },
    end() {
      if (ended) return;
      ended = true;
      if (!widths) start(newCells(columns.length));
      write(border(widths!, "└", "┴", "┘"));
    },
  };
}

function checkMaxWidth(maxWidth: number | undefined) {
  if (maxWidth !== undefined && (!Number.isInteger(maxWidth) || maxWidth < 1)) {
    throw new RangeError(`Expected maxWidth to be a positive integer, got ${maxWidth}`);
  }
}

/** Each column's width: its widest of header and cells, fitted to `maxWidth` when given. */
function columnWidths(headers: readonly string[], cells: Cells, maxWidth: number | undefined): number[] {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), cells.widest[i]));
  if (maxWidth !== undefined) fit(widths, maxWidth);
  return widths;
}

function border(widths: readonly number[], left: string, mid: string, right: string): string {
  return left + widths.map((w) => "─".repeat(w + 2)).join(mid) + right;
}

function headerLine(headers: readonly string[], widths: readonly number[], colour: boolean): string {
  const parts = headers.map((h, i) => {
    const text = truncate(h, widths[i]);
    return paint(text, "cyan", { colour }) + " ".repeat(widths[i] - displayWidth(text));
  });
  return `│ ${parts.join(" │ ")} │`;
}

/** Appends the lines of rows `from` (included) to `to` (excluded) to `lines` and returns it. */
function rowLines(cells: Cells, from: number, to: number, widths: readonly number[], lines: string[]): string[] {
  const { texts, widths: taken } = cells;
  const n = widths.length;
  for (let at = from * n, end = to * n; at < end; at += n) {
    let line = "│";
    for (let i = 0; i < n; i++) {
      let text = texts[at + i];
      let w = taken[at + i];
      if (w > widths[i]) {
        text = truncate(text, widths[i]);
        w = displayWidth(text);
      }
      line += " " + text + spaces(widths[i] - w) + " │";
    }
    lines.push(line);
  }
  return lines;
}

const SPACES: string[] = [];

/** `n` spaces (the common paddings made once). */
function spaces(n: number): string {
  return SPACES[n] ?? (n < 256 ? (SPACES[n] = " ".repeat(n)) : " ".repeat(n));
}

/**
 * Cells as drawn (one line each) and the terminal columns each takes, row after row in two flat lists (no
 * object per row), with each column's widest.
 */
interface Cells {
  rows: number;
  texts: string[];
  widths: number[];
  widest: number[];
}

function newCells(columns: number): Cells {
  return { rows: 0, texts: [], widths: [], widest: new Array(columns).fill(0) };
}

/** Appends the rows' cells to `out` and returns it. */
function prepare<T>(rows: readonly T[], columns: readonly Column<T>[], out: Cells): Cells {
  const { texts, widths, widest } = out;
  for (let r = 0; r < rows.length; r++) {
    for (let i = 0; i < columns.length; i++) {
      const value = columns[i].value(rows[r]);
      let text = typeof value === "string" ? value : cell(value);
      let w: number;
      // Most cells are printable ASCII: one test gives both the text and its width.
      if (PRINTABLE_ASCII.test(text)) w = text.length;
      else {
        text = clean(text);
        w = displayWidth(text);
      }
      texts.push(text);
      widths.push(w);
      if (w > widest[i]) widest[i] = w;
    }
  }
  out.rows += rows.length;
  return out;
}

/**
 * Narrows the widest columns, one terminal column at a time, until the table fits `maxWidth` (or cannot: no
 * column goes under 3). The first column — usually the ID to copy into the next command — gives way only
 * once the others are down to 10.
 */
function fit(widths: number[], maxWidth: number): void {
  let total = widths.reduce((a, b) => a + b, 0) + 3 * widths.length + 1;
  const passes: [from: number, floor: number][] = [[1, 10], [0, 3]];
  for (const [from, floor] of passes) {
    while (total > maxWidth) {
      let widest = -1;
      for (let i = from; i < widths.length; i++) {
        if (widths[i] > floor && (widest === -1 || widths[i] > widths[widest])) widest = i;
      }
      if (widest === -1) break;
      widths[widest]--;
      total--;
    }
  }
}

/** `text` cut to `width` terminal columns, ending in `…` when cut. */
function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// deno-lint-ignore no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** One line of text: tabs and line breaks become spaces, other control characters `�`. */
function clean(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => (c === "\t" || c === "\n" || c === "\r" ? " " : "\ufffd"));
}

/** The columns a string takes in a terminal: wide East Asian characters and emoji 2, combining marks 0. */
function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

const COMBINING = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufeff]$/u;

function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (COMBINING.test(String.fromCodePoint(cp))) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

/**
 * Renders rows as an HTML table (every cell escaped) and returns it as a string.
 *
 * @example Show a table in a notebook
 * ```ts
 * import { renderHtmlTable } from "./table.ts";
 * const html = renderHtmlTable([{ id: "a" }], [{ header: "ID", value: (r) => r.id }]);
 * // Deno.jupyter.html`${html}` in a notebook cell
 * ```
 */
export function renderHtmlTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join("");
  const body = rows.map((row) =>
    `<tr>${columns.map((c) => `<td>${escapeHtml(cell(c.value(row)))}</td>`).join("")}</tr>`
  ).join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * Escapes text for HTML.
 *
 * @example Escape a value
 * ```ts
 * import { escapeHtml } from "./table.ts";
 * escapeHtml("<b>"); // "&lt;b&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
