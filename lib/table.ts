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
  const { colour = false, maxWidth } = options;
  checkMaxWidth(maxWidth);
  const headers = columns.map((c) => clean(c.header));
  const cells = prepare(rows, columns);
  const widths = columnWidths(headers, cells, maxWidth);
  const lines = [border(widths, "┌", "┬", "┐"), headerLine(headers, widths, colour)];
  if (cells.length > 0) lines.push(border(widths, "├", "┼", "┤"));
  for (const row of cells) lines.push(rowLine(row, widths));
  lines.push(border(widths, "└", "┴", "┘"));
  return lines.join("\n");
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
  const start = (cells: readonly Cells[]) => {
    widths = columnWidths(headers, cells, maxWidth);
    write(border(widths, "┌", "┬", "┐"));
    write(headerLine(headers, widths, colour));
  };
  return {
    push(rows) {
      if (ended || rows.length === 0) return;
      const cells = prepare(rows, columns);
      if (!widths) start(cells);
      if (!rule) {
        write(border(widths!, "├", "┼", "┤"));
        rule = true;
      }
      for (const row of cells) write(rowLine(row, widths!));
    },
    end() {
      if (ended) return;
      ended = true;
      if (!widths) start([]);
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
function columnWidths(headers: readonly string[], cells: readonly Cells[], maxWidth: number | undefined): number[] {
  const widths = headers.map((h) => displayWidth(h));
  for (const row of cells) {
    for (let i = 0; i < widths.length; i++) if (row.widths[i] > widths[i]) widths[i] = row.widths[i];
  }
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

function rowLine(row: Cells, widths: readonly number[]): string {
  let line = "│";
  for (let i = 0; i < widths.length; i++) {
    let text = row.texts[i];
    let w = row.widths[i];
    if (w > widths[i]) {
      text = truncate(text, widths[i]);
      w = displayWidth(text);
    }
    line += ` ${text}${" ".repeat(widths[i] - w)} │`;
  }
  return line;
}

/** A row's cells as drawn (one line each) and the terminal columns each takes. */
interface Cells {
  texts: string[];
  widths: number[];
}

function prepare<T>(rows: readonly T[], columns: readonly Column<T>[]): Cells[] {
  const out: Cells[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const texts: string[] = new Array(columns.length);
    const widths: number[] = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const text = cell(columns[i].value(rows[r]));
      // Most cells are printable ASCII: one test gives both the text and its width.
      if (PRINTABLE_ASCII.test(text)) {
        texts[i] = text;
        widths[i] = text.length;
      } else {
        texts[i] = clean(text);
        widths[i] = displayWidth(texts[i]);
      }
    }
    out[r] = { texts, widths };
  }
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
