// Tables: a string for the terminal, escaped HTML for notebooks.
import assert from "node:assert/strict";
import { type Column, escapeHtml, renderHtmlTable, renderTable, streamTable, TableRows } from "../lib/table.ts";

interface Row {
  id: string;
  state: string | null;
  extra?: unknown;
}

const columns: Column<Row>[] = [
  { header: "ID", value: (r) => r.id },
  { header: "State", value: (r) => r.state },
  { header: "Extra", value: (r) => r.extra },
];

Deno.test("renderTable() returns the table as a string with headers and every cell, plain by default", () => {
  const text = renderTable<Row>([
    { id: "conn_1", state: "paused" },
    { id: "conn_2", state: null, extra: { a: 1 } },
  ], columns);
  assert.equal(typeof text, "string");
  assert.ok(!text.includes("\x1b["), "plain text expected");
  const lines = text.split("\n");
  assert.ok(lines.some((l) => /ID\s+│\s+State\s+│\s+Extra/.test(l)), text);
  assert.ok(lines.some((l) => l.includes("conn_1") && l.includes("paused")), text);
  assert.ok(lines.some((l) => l.includes("conn_2") && l.includes('{"a":1}')), text);
  // Every line has the same width: a real table, not a list.
  const widths = new Set(lines.map((l) => l.length));
  assert.equal(widths.size, 1, text);
});

Deno.test("renderTable() colours the header only when asked, and renders an empty table", () => {
  assert.ok(renderTable<Row>([{ id: "a", state: "x" }], columns, { colour: true }).includes("\x1b[36m"));
  const empty = renderTable<Row>([], columns);
  assert.ok(empty.includes("ID") && empty.includes("State"));
});

Deno.test("renderHtmlTable() returns HTML with every header and cell escaped", () => {
  const html = renderHtmlTable<Row>(
    [{ id: `<script>alert("x")</script>`, state: "a & b 'c'" }, { id: "ok", state: null, extra: ["<b>"] }],
    [...columns, { header: "<i>Hdr</i>", value: () => ">" }],
  );
  assert.equal(
    html,
    "<table>\n" +
      "<thead><tr><th>ID</th><th>State</th><th>Extra</th><th>&lt;i&gt;Hdr&lt;/i&gt;</th></tr></thead>\n" +
      "<tbody>\n" +
      "<tr><td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><td>a &amp; b &#39;c&#39;</td><td></td><td>&gt;</td></tr>\n" +
      "<tr><td>ok</td><td></td><td>[&quot;&lt;b&gt;&quot;]</td><td>&gt;</td></tr>\n" +
      "</tbody>\n</table>",
  );
  assert.ok(!html.includes("<script>"));
});

Deno.test("escapeHtml() escapes the five special characters", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(escapeHtml("plain"), "plain");
});

Deno.test("renderTable() prints one line per row under a rule after the header", () => {
  const text = renderTable([{ id: "a" }, { id: "b" }, { id: "c" }], [{ header: "ID", value: (r) => r.id }]);
  const lines = text.split("\n");
  assert.equal(lines.length, 7, text);
  assert.match(lines[2], /^├─+┤$/);
  assert.deepEqual(lines.slice(3, 6).map((l) => l.replace(/[│\s]/g, "")), ["a", "b", "c"]);
});

Deno.test("renderTable() draws the exact look of the cli-table3 tables it replaced, wide characters included", () => {
  const text = renderTable<Row>(
    [
      { id: "conn_1", state: "日本語", extra: 5 },
      { id: "e\u0301", state: null, extra: { a: 1 } },
    ],
    columns,
    { colour: true },
  );
  assert.equal(
    text,
    [
      "┌────────┬────────┬─────────┐",
      "│ \x1b[36mID\x1b[39m     │ \x1b[36mState\x1b[39m  │ \x1b[36mExtra\x1b[39m   │",
      "├────────┼────────┼─────────┤",
      "│ conn_1 │ 日本語 │ 5       │",
      '│ e\u0301      │        │ {"a":1} │',
      "└────────┴────────┴─────────┘",
    ].join("\n"),
  );
});

Deno.test("renderTable() fits a maxWidth by cutting the widest columns with …, and draws in full without one", () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({
    id: `connection_${i}_${"x".repeat(60)}`,
    state: i % 2 ? "scheduled" : "paused",
    extra: "y".repeat(100),
  }));
  const full = renderTable<Row>(rows, columns);
  assert.ok(full.split("\n").every((l) => l.length > 180), "full width without maxWidth");
  assert.ok(full.includes("y".repeat(100)));
  const fitted = renderTable<Row>(rows, columns, { maxWidth: 100 });
  const lines = fitted.split("\n");
  assert.ok(lines.every((l) => [...l].length === 100), fitted);
  assert.ok(lines.some((l) => l.includes("…")));
  assert.ok(lines.some((l) => l.includes("scheduled")), "a narrow column is kept whole");
  assert.throws(() => renderTable<Row>(rows, columns, { maxWidth: 0 }), RangeError);
});

Deno.test("renderTable() keeps each row on one line and draws no control character from a cell", () => {
  const text = renderTable<Row>([{ id: "a\nb\tc", state: "\x1b[2J\x1b[31mred" }], columns);
  assert.equal(text.split("\n").length, 5, text);
  assert.ok(!text.includes("\x1b"), text);
  assert.ok(text.includes("a b c"), text);
});

Deno.test("renderTable() draws 10,000 rows, one line each", () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `conn_${i}`, state: "scheduled" }));
  const text = renderTable<Row>(rows(10_000), columns);
  assert.equal(text.split("\n").length, 10_004);
});

Deno.test("streamTable() prints the header with the first rows, each row as it comes, and cuts later wider cells", () => {
  const lines: string[] = [];
  const table = streamTable<Row>(columns, { write: (l) => lines.push(l) });
  table.push([{ id: "a", state: "paused" }]);
  assert.equal(lines.length, 4, "top, header, rule, first row");
  table.push([{ id: "much_longer_id", state: "scheduled" }]);
  assert.equal(lines.length, 5);
  table.end();
  table.push([{ id: "ignored", state: "x" }]);
  assert.equal(lines.length, 6);
  assert.equal(new Set(lines.map((l) => l.length)).size, 1, lines.join("\n"));
  assert.match(lines[4], /^│ m… │ sched… │ +│$/);
  assert.equal(
    lines.join("\n"),
    renderTable<Row>([{ id: "a", state: "paused" }, { id: "m…", state: "sched…" }], columns),
  );
  const empty: string[] = [];
  const none = streamTable<Row>(columns, { write: (l) => empty.push(l) });
  none.end();
  assert.equal(empty.join("\n"), renderTable<Row>([], columns));
});

Deno.test("renderTable() fitted to a width narrows the first column (the ID) only once the others are down to 10", () => {
  const rows = [{ id: "a_long_connection_id", state: "x".repeat(50), extra: "y".repeat(50) }];
  const lines = renderTable<Row>(rows, columns, { maxWidth: 60 }).split("\n");
  assert.ok(lines.every((l) => [...l].length === 60), lines.join("\n"));
  assert.ok(lines[3].includes("│ a_long_connection_id │"), lines[3]);
  const tight = renderTable<Row>(rows, columns, { maxWidth: 25 }).split("\n");
  assert.ok(tight.every((l) => [...l].length === 25), tight.join("\n"));
  assert.equal(tight[3], "│ a_lo… │ xxxx… │ yyyy… │");
  // Narrower than 3 columns a column, it cannot fit: every column keeps 3.
  const floor = renderTable<Row>(rows, columns, { maxWidth: 5 }).split("\n");
  assert.equal(floor[3], "│ a_… │ xx… │ yy… │");
});

Deno.test("TableRows draws rows added page by page exactly as renderTable() draws them all, widths from every page", () => {
  const pages: Row[][] = [
    [{ id: "a", state: "paused" }, { id: "b", state: null, extra: 7 }],
    [],
    [{ id: "a_much_longer_id", state: "x\ty", extra: { deep: true } }, { id: "日本", state: "scheduled" }],
  ];
  const table = new TableRows(columns);
  assert.equal(table.length, 0);
  for (const page of pages) table.add(page);
  assert.equal(table.length, 4);
  const all = pages.flat();
  assert.equal(table.render(), renderTable(all, columns));
  assert.equal(table.render({ maxWidth: 30, colour: true }), renderTable(all, columns, { maxWidth: 30, colour: true }));
  // The rows are not kept: changing one after it was added changes nothing drawn.
  all[0].id = "changed";
  assert.ok(!table.render().includes("changed"));
  assert.equal(new TableRows(columns).render(), renderTable([], columns));
  assert.throws(() => table.render({ maxWidth: 0 }), RangeError);
});

Deno.test("TableRows.write() prints a long table in pieces that join to the text render() returns", () => {
  const table = new TableRows(columns);
  table.add(Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, state: i % 3 ? "paused" : "scheduled" })));
  const pieces: string[] = [];
  table.write((text) => pieces.push(text), { linesPerWrite: 256, maxWidth: 40 });
  assert.equal(pieces.length, 4);
  assert.equal(pieces.join("\n"), table.render({ maxWidth: 40 }));
  assert.ok(pieces.every((p) => !p.endsWith("\n")));
  const one: string[] = [];
  new TableRows(columns).write((text) => one.push(text));
  assert.deepEqual(one, [renderTable([], columns)]);
  assert.throws(() => table.write(() => {}, { linesPerWrite: 0 }), RangeError);
});
