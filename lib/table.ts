/**
 * Tables: a string for the terminal (cli-table3) and an HTML string for notebooks.
 *
 * @module
 */

import Table from "npm:cli-table3@^0.6.5";
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
  const { colour = false } = options;
  // Headers are painted here rather than through cli-table3's `style`, which would load a colour library
  // that probes a dozen environment variables (each one a permission prompt under Deno).
  const table = new Table({
    head: columns.map((c) => paint(c.header, "cyan", { colour })),
    style: { head: [], border: [] },
    // No rule between rows: long lists stay one line per row.
    chars: { "mid": "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  // Put back the rule under the (one-line) header: the top border with junctions for a middle line.
  const lines = table.toString().split("\n");
  if (lines.length > 3) {
    lines.splice(2, 0, lines[0].replace("┌", "├").replaceAll("┬", "┼").replace("┐", "┤"));
  }
  return lines.join("\n");
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
