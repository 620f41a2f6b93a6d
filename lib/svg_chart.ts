/**
 * A small horizontal bar chart as an SVG string, for notebooks (`Deno.jupyter.svg`) and reports. No
 * dependencies, no scripts, every label escaped, and the same input always gives the same bytes.
 *
 * @example Chart connection states in a notebook
 * ```ts
 * import { renderBarChart } from "./svg_chart.ts";
 * const svg = renderBarChart([
 *   { title: "Sync state", bars: [{ label: "scheduled", value: 12 }, { label: "paused", value: 3 }] },
 * ]);
 * // In a Deno notebook cell: Deno.jupyter.svg`${svg}`
 * ```
 *
 * @module
 */

import { escapeHtml } from "./table.ts";

/** One bar. */
export interface Bar {
  /** The label left of the bar. */
  label: string;
  /** The bar's value (negative values are drawn as 0). */
  value: number;
  /**
   * Fill colour (any SVG colour).
   *
   * @default {the next colour of the palette}
   */
  colour?: string;
}

/** One group of bars under a title. */
export interface BarPanel {
  /** The panel's title, above its bars. */
  title: string;
  /** The bars, drawn in this order. */
  bars: readonly Bar[];
}

/** Options of {@link renderBarChart}. */
export interface BarChartOptions {
  /**
   * Total width in pixels.
   *
   * @default {520}
   */
  width?: number;
  /**
   * Height of one bar in pixels.
   *
   * @default {18}
   */
  barHeight?: number;
  /**
   * A title above all panels, also the chart's accessible name.
   *
   * @default {no title; the accessible name lists the panel titles}
   */
  title?: string;
  /**
   * The background colour (`"none"` for transparent); with the default, the chart reads on a dark page too.
   *
   * @default {"#ffffff"}
   */
  background?: string;
  /**
   * Colours used, in turn, for bars that name none.
   *
   * @default {DEFAULT_PALETTE}
   */
  palette?: readonly string[];
}

/**
 * Colours for bars that name none: distinguishable, and readable on a light or dark page.
 *
 * @example Use the palette for a legend
 * ```ts
 * import { DEFAULT_PALETTE } from "./svg_chart.ts";
 * console.log(DEFAULT_PALETTE[0]);
 * ```
 */
export const DEFAULT_PALETTE: readonly string[] = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#e15759",
  "#76b7b2",
  "#edc948",
  "#b07aa1",
  "#9c755f",
];

const FONT = 12;
const CHAR_WIDTH = 7; // an estimate of a 12 px sans-serif character, for laying out labels
const GAP = 6;
const PAD = 8;

/**
 * Renders panels of horizontal bars as one SVG document and returns it as a string. Bars across all panels
 * share one scale, so equal counts have equal lengths. Each bar carries a `<title>` (label and value) for
 * screen readers and hover text.
 *
 * @param panels One panel, or several stacked top to bottom.
 * @param options Size, title and colours.
 * @throws {RangeError} when a value is not a finite number or the width is too small.
 *
 * @example Two panels of connection states
 * ```ts
 * import { renderBarChart } from "./svg_chart.ts";
 * const svg = renderBarChart([
 *   { title: "Setup state", bars: [{ label: "connected", value: 9, colour: "#59a14f" }, { label: "broken", value: 1 }] },
 *   { title: "Sync state", bars: [{ label: "scheduled", value: 8 }, { label: "paused", value: 2 }] },
 * ], { title: "Connections by state" });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 */
export function renderBarChart(panels: BarPanel | readonly BarPanel[], options: BarChartOptions = {}): string {
  const list: readonly BarPanel[] = Array.isArray(panels) ? panels : [panels as BarPanel];
  const { width = 520, barHeight = 18, title, background = "#ffffff", palette = DEFAULT_PALETTE } = options;
  if (!Number.isFinite(width) || width < 160) throw new RangeError(`Expected width of at least 160, got ${width}`);
  if (!Number.isFinite(barHeight) || barHeight < 8) {
    throw new RangeError(`Expected barHeight of at least 8, got ${barHeight}`);
  }
  for (const panel of list) {
    for (const bar of panel.bars) {
      if (!Number.isFinite(bar.value)) {
        throw new RangeError(`Expected a finite value for bar '${bar.label}', got ${bar.value}`);
      }
    }
  }
  const labels = list.flatMap((p) => p.bars.map((b) => b.label));
  const values = list.flatMap((p) => p.bars.map((b) => Math.max(0, b.value)));
  // Folded, not spread: a spread of a few hundred thousand bars overflows the call stack.
  const largest = (numbers: number[], floor: number) => numbers.reduce((a, b) => (b > a ? b : a), floor);
  const max = largest(values, 0);
  const labelWidth = PAD +
    Math.min(Math.round(width * 0.4), largest(labels.map((l) => l.length * CHAR_WIDTH), 40) + GAP);
  const valueWidth = largest(values.map((v) => formatValue(v).length * CHAR_WIDTH), 24) + GAP;
  const barSpace = Math.max(10, width - labelWidth - valueWidth - PAD);

  const parts: string[] = [];
  let y = 4;
  if (title) {
    y += FONT + 6;
    parts.push(text(PAD, y, title, 'font-weight="bold" font-size="14"'));
    y += 8;
  }
  let colourIndex = 0;
  for (const panel of list) {
    y += FONT + 6;
    parts.push(text(PAD, y, panel.title, 'font-weight="bold"'));
    y += 6;
    for (const bar of panel.bars) {
      const value = Math.max(0, bar.value);
      const length = max === 0 ? 0 : round((value / max) * barSpace);
      const colour = bar.colour ?? palette[colourIndex++ % palette.length];
      const middle = y + barHeight / 2 + FONT / 2 - 2;
      parts.push(
        `<g><title>${escapeHtml(`${bar.label}: ${formatValue(value)}`)}</title>` +
          text(labelWidth - GAP, middle, bar.label, 'text-anchor="end"') +
          `<rect x="${labelWidth}" y="${y + 2}" width="${length}" height="${barHeight - 4}" rx="2" fill="${
            escapeHtml(colour)
          }"/>` +
          text(labelWidth + length + GAP, middle, formatValue(value)) +
          `</g>`,
      );
      y += barHeight;
    }
    if (panel.bars.length === 0) {
      y += barHeight;
      parts.push(text(labelWidth, y - 4, "(none)", 'fill-opacity="0.6"'));
    }
    y += 6;
  }
  const height = Math.ceil(y + 4);
  const name = title ?? list.map((p) => p.title).join(", ");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${escapeHtml(name)}" font-family="sans-serif" font-size="${FONT}" fill="#222222">`,
    ...(background === "none" ? [] : [`<rect width="100%" height="100%" fill="${escapeHtml(background)}"/>`]),
    ...parts,
    `</svg>`,
  ].join("\n");
}

function text(x: number, y: number, content: string, attributes = ""): string {
  return `<text x="${round(x)}" y="${round(y)}"${attributes ? ` ${attributes}` : ""}>${escapeHtml(content)}</text>`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
