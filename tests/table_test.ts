// Tables: a string for the terminal, escaped HTML for notebooks.
import assert from "node:assert/strict";
import { type Column, escapeHtml, renderHtmlTable, renderTable } from "../lib/table.ts";

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
