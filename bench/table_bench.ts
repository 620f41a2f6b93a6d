// Terminal tables: the project's renderer (lib/table.ts) against cli-table3, which it replaced, drawing the
// same connections table (status_pagination.ts's seven columns) with the same look.
//
//   deno bench --allow-all bench/table_bench.ts
//
// cli-table3 is measured at 210 and 2,100 rows only (a few seconds per 10,000-row table); lib/table.ts up to
// 10,000 rows, plus fitted to a 100-column terminal.
import Table from "npm:cli-table3@^0.6.5";
import { type Column, renderTable } from "../lib/table.ts";

interface Connection {
  id: string;
  service: string;
  schema: string;
  status: { sync_state: string; setup_state: string };
  paused: boolean;
  sync_frequency: number;
}

const SERVICES = ["postgres", "salesforce", "google_analytics_4_export", "stripe", "zendesk", "snowflake_db"];
function connections(n: number): Connection[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `conn_${i.toString(36)}_${"abcdefgh".slice(0, i % 8)}`,
    service: SERVICES[i % SERVICES.length],
    schema: `${SERVICES[i % SERVICES.length]}_${"ledger".slice(0, i % 6)}`,
    status: { sync_state: ["scheduled", "syncing", "paused", "rescheduled"][i % 4], setup_state: "connected" },
    paused: i % 5 === 0,
    sync_frequency: [60, 360, 1440][i % 3],
  }));
}

const COLUMNS: Column<Connection>[] = [
  { header: "ID", value: (c) => c.id },
  { header: "Service", value: (c) => c.service },
  { header: "Schema", value: (c) => c.schema },
  { header: "Sync state", value: (c) => c.status.sync_state },
  { header: "Setup state", value: (c) => c.status.setup_state },
  { header: "Paused", value: (c) => (c.paused ? "yes" : "no") },
  { header: "Frequency (min)", value: (c) => c.sync_frequency },
];

/** The table as lib/table.ts drew it with cli-table3 before (its settings, then the rule under the header). */
function cliTable3(rows: readonly Connection[]): string {
  const table = new Table({
    head: COLUMNS.map((c) => c.header),
    style: { head: [], border: [] },
    chars: { "mid": "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of rows) table.push(COLUMNS.map((c) => String(c.value(row) ?? "")));
  const lines = table.toString().split("\n");
  if (lines.length > 3) lines.splice(2, 0, lines[0].replace("┌", "├").replaceAll("┬", "┼").replace("┐", "┤"));
  return lines.join("\n");
}

const data = { 210: connections(210), 2100: connections(2100), 10000: connections(10_000) };
if (cliTable3(data[210]) !== renderTable(data[210], COLUMNS)) throw new Error("the two renderers differ");

for (const n of [210, 2100] as const) {
  Deno.bench({
    name: `cli-table3, ${n} rows`,
    group: `${n} rows`,
    n: n === 2100 ? 5 : 20,
    fn: () => void cliTable3(data[n]),
  });
}
for (const n of [210, 2100, 10000] as const) {
  Deno.bench({
    name: `lib/table.ts, ${n} rows`,
    group: `${n} rows`,
    baseline: true,
    fn: () => void renderTable(data[n], COLUMNS),
  });
}
Deno.bench({
  name: "lib/table.ts, 10000 rows fitted to 100 columns",
  group: "10000 rows",
  fn: () => void renderTable(data[10000], COLUMNS, { maxWidth: 100 }),
});
