/**
 * Bar charts drawn by Observable Plot (`npm:@observablehq/plot`) for the notebooks, rendered to an SVG string
 * outside a browser with a small DOM (`npm:linkedom`). Each panel is its own Plot on a shared x scale, stacked in one
 * SVG document, so panels with different labels do not share empty rows.
 *
 * Measured on 2 CPUs (`bench/chart_bench.ts`): loading Plot and the DOM takes a median 167 ms in a fresh process,
 * against 55 ms for the hand-made `svg_chart.ts`; a two-panel chart renders in about 3 ms (15 µs hand-made). Fine for a
 * notebook cell; the recipes, where start-up counts, keep `svg_chart.ts`.
 *
 * @module
 */

import * as Plot from "npm:@observablehq/plot@0.6.17";
import { parseHTML } from "npm:linkedom@0.18.12";
import { type BarPanel, DEFAULT_PALETTE } from "./svg_chart.ts";
import { escapeHtml } from "./table.ts";

/** Options of {@link plotBarChart}. */
export interface PlotBarChartOptions {
  /**
   * Width in pixels.
   *
   * @default {560}
   */
  width?: number;
  /**
   * A title above all panels, also the chart's accessible name.
   *
   * @default {the panel titles}
   */
  title?: string;
}

const ROW = 24;
const TITLE = 22;

/**
 * Renders panels of horizontal bars with Observable Plot and returns one SVG document as a string. Bars of all
 * panels share one scale; each bar has a `<title>` (`label: value`) for hover text and screen readers.
 *
 * @param panels One panel, or several stacked top to bottom.
 * @param options Width and title.
 * @throws {RangeError} when a value is not a finite number or the width is under 200.
 *
 * @example Chart connection states in a notebook
 * ```ts
 * import { plotBarChart } from "./plot_chart.ts";
 * const svg = plotBarChart([
 *   { title: "Setup state", bars: [{ label: "connected", value: 9 }, { label: "broken", value: 1 }] },
 *   { title: "Sync state", bars: [{ label: "scheduled", value: 8 }, { label: "paused", value: 2 }] },
 * ], { title: "Connections by state" });
 * // Deno.jupyter.svg`${svg}`
 * ```
 */
export function plotBarChart(panels: BarPanel | readonly BarPanel[], options: PlotBarChartOptions = {}): string {
  const list: readonly BarPanel[] = Array.isArray(panels) ? panels : [panels as BarPanel];
  const { width = 560, title } = options;
  if (!Number.isFinite(width) || width < 200) throw new RangeError(`Expected width of at least 200, got ${width}`);
  for (const bar of list.flatMap((p) => p.bars)) {
    if (!Number.isFinite(bar.value)) {
      throw new RangeError(`Expected a finite value for bar '${bar.label}', got ${bar.value}`);
    }
  }
  // Folded, not spread: a spread of a few hundred thousand bars overflows the call stack.
  const max = list.flatMap((p) => p.bars).reduce((m, b) => (b.value > m ? b.value : m), 1);
  const longest = list.flatMap((p) => p.bars).reduce((m, b) => (b.label.length > m ? b.label.length : m), 4);
  // linkedom's types describe a browser window, which Deno's types do not know: take just its document.
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>") as unknown as {
    document: Plot.PlotOptions["document"];
  };
  let colourIndex = 0;
  const parts: string[] = [];
  let y = 0;
  if (title) {
    parts.push(`<text x="8" y="${y + 16}" font-weight="bold" font-size="14">${escapeHtml(title)}</text>`);
    y += TITLE + 4;
  }
  for (const panel of list) {
    parts.push(`<text x="8" y="${y + 15}" font-weight="bold">${escapeHtml(panel.title)}</text>`);
    y += TITLE;
    const data = panel.bars.map((b) => ({
      label: b.label,
      value: Math.max(0, b.value),
      colour: b.colour ?? DEFAULT_PALETTE[colourIndex++ % DEFAULT_PALETTE.length],
    }));
    const height = Math.max(1, data.length) * ROW + 26;
    const chart = Plot.plot({
      document,
      width,
      height,
      marginTop: 6,
      marginLeft: Math.min(Math.round(width * 0.4), 12 + longest * 7),
      marginRight: 48,
      x: { domain: [0, max], grid: true, label: null },
      y: { domain: data.map((d) => d.label), label: null },
      marks: [
        Plot.barX(data, { x: "value", y: "label", fill: (d) => d.colour, title: (d) => `${d.label}: ${d.value}` }),
        Plot.text(data, { x: "value", y: "label", text: (d) => String(d.value), dx: 4, textAnchor: "start" }),
        Plot.ruleX([0]),
      ],
    }) as unknown as { outerHTML: string };
    parts.push(chart.outerHTML.replace(/^<svg /, `<svg x="0" y="${y}" `));
    y += height;
  }
  const name = title ?? list.map((p) => p.title).join(", ");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 4}" viewBox="0 0 ${width} ${y + 4}" ` +
    `role="img" aria-label="${escapeHtml(name)}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    `</svg>`,
  ].join("\n");
}
