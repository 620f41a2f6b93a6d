// plotBarChart() (lib/plot_chart.ts): Observable Plot drawing the notebooks' bar charts outside a browser.
import assert from "node:assert/strict";
import { plotBarChart } from "../lib/plot_chart.ts";

Deno.test("plotBarChart() draws every bar on one shared scale, with a title per bar, every label escaped", () => {
  const panels = [
    { title: "T <1>", bars: [{ label: "<script>", value: 10 }, { label: "b&c", value: 5, colour: "#123456" }] },
    { title: "Other", bars: [{ label: "x", value: 20 }] },
  ];
  const svg = plotBarChart(panels, { width: 400, title: "Chart & co" });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="400"/);
  assert.match(svg, /aria-label="Chart &amp; co"/);
  assert.ok(!svg.includes("<script>"));
  assert.match(svg, /T &lt;1&gt;/);
  assert.deepEqual([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]), [
    "&lt;script&gt;: 10",
    "b&amp;c: 5",
    "x: 20",
  ]);
  assert.match(svg, /fill="#123456"/);
  // One scale for all panels: 20 is twice 10, which is twice 5.
  const widths = [...svg.matchAll(/<rect[^>]* width="([\d.]+)"[^>]*><title>/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 3);
  assert.ok(Math.abs(widths[0] - 2 * widths[1]) < 1 && Math.abs(widths[2] - 2 * widths[0]) < 1, `widths ${widths}`);
  assert.equal(plotBarChart(panels, { width: 400, title: "Chart & co" }), svg, "the same input gives the same bytes");
  assert.throws(() => plotBarChart({ title: "x", bars: [{ label: "nan", value: NaN }] }), RangeError);
  assert.throws(() => plotBarChart({ title: "x", bars: [] }, { width: 50 }), RangeError);
});
