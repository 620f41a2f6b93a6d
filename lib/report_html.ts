/**
 * The account report as one self-contained HTML page: charts of connection states (inline SVG), the connections
 * that need attention, and every connection in a table sortable by any column — no network needed to open it (a
 * Content-Security-Policy forbids any fetch), no external script or font, every value escaped.
 *
 * @module
 */

import { renderBarChart } from "./svg_chart.ts";
import { escapeHtml } from "./table.ts";

/** One connection of the report. */
export interface ReportConnection {
  /** Connection ID. */
  id: string;
  /** Group ID. */
  group_id?: string;
  /** Group name. */
  group_name?: string;
  /** Service, e.g. `postgres`. */
  service?: string;
  /** Destination schema. */
  schema?: string;
  /** `incomplete`, `connected` or `broken`. */
  setup_state?: string;
  /** `scheduled`, `syncing`, `paused` or `rescheduled`. */
  sync_state?: string;
  /** `on_schedule` or `delayed`. */
  update_state?: string;
  /** Whether it is paused. */
  paused?: boolean;
  /** Last success (ISO). */
  succeeded_at?: string | null;
  /** Last failure (ISO). */
  failed_at?: string | null;
}

/** What the page is about. */
export interface ReportInfo {
  /** The report's title, e.g. "Fivetran account report". */
  title: string;
  /** What it covers, e.g. "group rapid_harbor" or "the account". */
  scope: string;
  /** When the data was read (ISO). */
  generatedAt: string;
}

/**
 * Why a connection needs attention (empty when it does not): broken or incomplete setup, a last sync that failed,
 * or delayed data.
 *
 * @example Check a connection
 * ```ts
 * import { attentionReasons } from "./report_html.ts";
 * attentionReasons({ id: "a", setup_state: "broken" }); // ["setup broken"]
 * ```
 */
export function attentionReasons(c: ReportConnection): string[] {
  const reasons: string[] = [];
  if (c.setup_state === "broken" || c.setup_state === "incomplete") reasons.push(`setup ${c.setup_state}`);
  const failed = c.failed_at ? Date.parse(c.failed_at) : NaN;
  const succeeded = c.succeeded_at ? Date.parse(c.succeeded_at) : NaN;
  if (!Number.isNaN(failed) && (Number.isNaN(succeeded) || failed > succeeded)) reasons.push("last sync failed");
  if (c.update_state === "delayed") reasons.push("data delayed");
  return reasons;
}

function tally(items: ReportConnection[], field: (c: ReportConnection) => string | undefined) {
  const counts = new Map<string, number>();
  for (const c of items) {
    const v = field(c) ?? "unknown";
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const bars = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value }));
  if (bars.length <= MAX_BARS) return bars;
  // A chart of thousands of distinct values says nothing (and would be megabytes): the rest folds into one bar.
  const rest = bars.slice(MAX_BARS - 1);
  const other = { label: `${rest.length} others`, value: rest.reduce((sum, b) => sum + b.value, 0) };
  return [...bars.slice(0, MAX_BARS - 1), other];
}

/** The most bars a panel of the report's charts shows. */
const MAX_BARS = 12;

const STATE_COLOURS: Record<string, string> = {
  connected: "#59a14f",
  broken: "#e15759",
  incomplete: "#edc948",
  scheduled: "#4e79a7",
  syncing: "#76b7b2",
  paused: "#9c755f",
  rescheduled: "#f28e2b",
  on_schedule: "#59a14f",
  delayed: "#e15759",
};

const COLUMNS: [keyof ReportConnection, string][] = [
  ["id", "Connection"],
  ["group_name", "Group"],
  ["service", "Service"],
  ["schema", "Schema"],
  ["setup_state", "Setup"],
  ["sync_state", "Sync"],
  ["update_state", "Update"],
  ["succeeded_at", "Last success"],
  ["failed_at", "Last failure"],
];

function cell(value: unknown): string {
  return escapeHtml(value === undefined || value === null || value === "" ? "—" : String(value));
}

function table(id: string, rows: ReportConnection[], extra?: (c: ReportConnection) => string): string {
  // The reason, when given, comes second: it is what the reader is looking for.
  const headers = COLUMNS.map(([key, label]) => `<th data-key="${key}" tabindex="0" aria-sort="none">${label}</th>`);
  if (extra) headers.splice(1, 0, "<th>Why</th>");
  const body = rows.map((c) => {
    const cells = COLUMNS.map(([key]) => `<td data-value="${escapeHtml(String(c[key] ?? ""))}">${cell(c[key])}</td>`);
    if (extra) cells.splice(1, 0, `<td data-value="${escapeHtml(extra(c))}">${escapeHtml(extra(c))}</td>`);
    return `<tr>${cells.join("")}</tr>`;
  }).join("\n");
  const head = headers.join("");
  return `<table id="${id}" class="sortable"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Sorts a table by a header click (or the page's `#sort=KEY[:desc]`); marks the page ready for tests. */
const SCRIPT = `
(function () {
  "use strict";
  function sortTable(table, key, descending) {
    var headers = table.tHead.rows[0].cells;
    var index = -1;
    for (var i = 0; i < headers.length; i++) {
      var h = headers[i];
      if (h.dataset.key === key) index = i;
      h.setAttribute("aria-sort", "none");
    }
    if (index < 0) return;
    headers[index].setAttribute("aria-sort", descending ? "descending" : "ascending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
      if (x === y) return 0;
      if (x === "") return 1;
      if (y === "") return -1;
      return (x < y ? -1 : 1) * (descending ? -1 : 1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      if (!h.dataset.key) return;
      var toggle = function () { sortTable(table, h.dataset.key, h.getAttribute("aria-sort") === "ascending"); };
      h.addEventListener("click", toggle);
      h.addEventListener("keydown", function (e) { if (e.key === "Enter") toggle(); });
    });
  });
  var m = /sort=([a-z_]+)(:desc)?/.exec(location.hash);
  if (m) Array.prototype.forEach.call(tables, function (t) { sortTable(t, m[1], !!m[2]); });
  document.body.dataset.ready = "true";
})();
`;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #555; margin-bottom: 16px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.card b { display: block; font-size: 24px; }
.charts { display: flex; gap: 16px; flex-wrap: wrap; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 10px; text-align: left; white-space: nowrap; }
th { background: #f6f6f6; } th[data-key] { cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
tr:hover td { background: #fafafa; }
`;

/**
 * The report page for a set of connections.
 *
 * @param connections The connections, as listed.
 * @param info Title, scope and time.
 * @returns A complete HTML document.
 *
 * @example Write a report
 * ```ts
 * import { renderReport } from "./report_html.ts";
 * const html = renderReport([{ id: "steady_orchard", setup_state: "connected", sync_state: "scheduled" }], {
 *   title: "Fivetran account report",
 *   scope: "the account",
 *   generatedAt: new Date().toISOString(),
 * });
 * // Deno.writeTextFileSync("logs/report.html", html);
 * ```
 */
export function renderReport(connections: ReportConnection[], info: ReportInfo): string {
  const attention = connections.filter((c) => attentionReasons(c).length > 0);
  const paused = connections.filter((c) => c.paused).length;
  const panels = [
    { title: "Setup state", field: (c: ReportConnection) => c.setup_state },
    { title: "Sync state", field: (c: ReportConnection) => c.sync_state },
    { title: "Update state", field: (c: ReportConnection) => c.update_state },
  ].map((p) => ({
    title: p.title,
    bars: tally(connections, p.field).map((b) => ({
      ...b,
      // Own keys only: a state named "constructor" from the API must not find Object's.
      ...(Object.hasOwn(STATE_COLOURS, b.label) ? { colour: STATE_COLOURS[b.label] } : {}),
    })),
  }));
  const services = tally(connections, (c) => c.service).slice(0, 12);
  const charts = [
    renderBarChart(panels, { title: "Connections by state", width: 420 }),
    renderBarChart({ title: "Top services", bars: services }, { title: "Connections by service", width: 420 }),
  ];
  const card = (label: string, value: number) => `<div class="card"><b>${value}</b>${escapeHtml(label)}</div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(info.title)}</h1>
<div class="meta">${escapeHtml(info.scope)} · ${connections.length} connections · read ${
    escapeHtml(info.generatedAt)
  }</div>
<div class="cards">${card("connections", connections.length)}${card("need attention", attention.length)}${
    card("paused", paused)
  }${card("syncing now", connections.filter((c) => c.sync_state === "syncing").length)}</div>
<h2>States</h2>
<div class="charts">${charts.join("\n")}</div>
<h2>Needs attention (${attention.length})</h2>
${
    attention.length
      ? table("attention", attention, (c) => attentionReasons(c).join(", "))
      : "<p>Nothing needs attention.</p>"
  }
<h2>All connections (${connections.length})</h2>
<p class="meta">Click a column to sort; click again to reverse.</p>
${table("connections", connections)}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
