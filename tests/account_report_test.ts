// account_report.ts: one self-contained HTML file (no network, every value escaped), written whole, with charts, the
// connections that need attention and a sortable table — opened in a real headless Chromium: the page runs with no
// console message, its charts and tables are there, the sort works, and a screenshot is not blank.
import assert from "node:assert/strict";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { main as report } from "../recipes/account_report.ts";
import { attentionReasons, renderReport } from "../lib/report_html.ts";
import { runRecipe } from "./_harness.ts";
import { tempDir } from "./_server.ts";

const CHROMIUM = "/usr/bin/chromium";
const UNDER_CI = Deno.env.get("CI") === "true";
const haveChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
if (!haveChromium) {
  console.error(
    `%cSKIPPING the browser checks of the account report: ${CHROMIUM} is missing (bash tools/install_chromium.sh)`,
    "color: yellow",
  );
}

async function chromium(args: string[], dir: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const output = await new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      `--user-data-dir=${dir}/profile`,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** Whether a PNG shows more than one flat colour: its pixel rows, inflated, hold many different byte values. */
async function pngHasContent(png: Uint8Array): Promise<{ width: number; height: number; distinct: number }> {
  assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], "not a PNG");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const idat: Uint8Array<ArrayBuffer>[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.slice(at + 4, at + 8));
    if (type === "IHDR") [width, height] = [view.getUint32(at + 8), view.getUint32(at + 12)];
    if (type === "IDAT") idat.push(png.slice(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = new Uint8Array(
    await new Response(new Blob(idat).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer(),
  );
  return { width, height, distinct: new Set(raw).size };
}

Deno.test("account_report.ts writes one self-contained page: charts, the connections needing attention, every connection", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const output = `${dir.path}/out/report.html`;
  const run = await runRecipe(report, ["--output", output, "--json"], sandbox);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  const html = await Deno.readTextFile(output);
  const total = sandbox.state.connections.all().length;
  assert.equal(summary.connections, total);
  assert.match(html, new RegExp(`All connections \\(${total}\\)`));
  assert.match(html, new RegExp(`Needs attention \\(${summary.attention.length}\\)`));
  assert.ok(summary.attention.length > 0);
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  // Nothing is loaded from anywhere, and the policy says so.
  assert.doesNotMatch(html, /(src|href)=["']?(https?:)?\/\//i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.equal(sandbox.journal().filter((e) => e.method !== "GET").length, 0);
  // No temporary file is left next to it.
  assert.deepEqual([...Deno.readDirSync(`${dir.path}/out`)].map((e) => e.name), ["report.html"]);
});

Deno.test("renderReport() escapes every value and names why a connection needs attention", () => {
  const html = renderReport([
    { id: "a", service: "<img src=x onerror=alert(1)>", setup_state: "broken" },
    { id: "b", succeeded_at: "2026-01-01T00:00:00Z", failed_at: "2026-01-02T00:00:00Z", update_state: "delayed" },
  ], { title: "T </title><script>x()</script>", scope: "s", generatedAt: "now" });
  assert.ok(!html.includes("<img src=x"));
  assert.ok(!html.includes("<script>x()"));
  assert.deepEqual(
    attentionReasons({
      id: "b",
      succeeded_at: "2026-01-01T00:00:00Z",
      failed_at: "2026-01-02T00:00:00Z",
      update_state: "delayed",
    }),
    ["last sync failed", "data delayed"],
  );
  assert.deepEqual(
    attentionReasons({ id: "c", succeeded_at: "2026-01-03T00:00:00Z", failed_at: "2026-01-02T00:00:00Z" }),
    [],
  );
});

Deno.test({
  name: "account_report.ts: the page opens in headless Chromium with no console message, sorts, and is not blank",
  ignore: !haveChromium && !UNDER_CI,
  async fn() {
    if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: run tools/install_chromium.sh`);
    await using sandbox = await startSandbox();
    await using dir = await tempDir();
    const output = `${dir.path}/report.html`;
    const run = await runRecipe(report, ["--output", output], sandbox);
    assert.equal(run.code, 0, run.stderr);
    const url = `file://${output}#sort=failed_at:desc`;
    const page = await chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", url], dir.path);
    assert.equal(page.code, 0, page.stderr.slice(-500));
    const console = page.stderr.split("\n").filter((l) => l.includes(":CONSOLE"));
    assert.deepEqual(console, [], "the page logged to the console");
    const dom = page.stdout;
    assert.match(dom, /<body data-ready="true">/, "the page's script did not run to its end");
    assert.equal((dom.match(/<svg /g) ?? []).length, 2);
    // The table of every connection, sorted by last failure, newest first (the #sort in the URL).
    const all = dom.slice(dom.indexOf('<table id="connections"'));
    const rows = [...all.matchAll(/<tr><td data-value="([^"]*)"/g)];
    assert.equal(rows.length, sandbox.state.connections.all().length);
    const failures = [...all.matchAll(/<tr>(?:<td[^>]*>[^<]*<\/td>){8}<td data-value="([^"]*)"/g)].map((m) => m[1]);
    const dated = failures.filter(Boolean);
    assert.ok(dated.length > 10);
    assert.deepEqual(dated, [...dated].sort().reverse());
    assert.ok(failures.indexOf("") === -1 || failures.indexOf("") >= dated.length, "empty values sort last");
    assert.match(all, /<th data-key="failed_at" tabindex="0" aria-sort="descending">/);

    const shot = `${dir.path}/shot.png`;
    const pic = await chromium([`--screenshot=${shot}`, "--window-size=1200,900", `file://${output}`], dir.path);
    assert.equal(pic.code, 0, pic.stderr.slice(-500));
    const png = await pngHasContent(await Deno.readFile(shot));
    assert.deepEqual([png.width, png.height], [1200, 900]);
    assert.ok(png.distinct > 50, `the screenshot looks blank (${png.distinct} distinct byte values)`);
  },
});

Deno.test("account_report.ts rejects bad input with exit 2", async () => {
  await using sandbox = await startSandbox();
  for (
    const [args, reason] of [
      [["--output", "logs/report.txt"], /--output to end in \.html/],
      [["--group-id", "no_such_group", "--output", "/tmp/x.html"], /Group 'no_such_group' not found/],
      [["--group-id", "a/b"], /Fivetran ID/],
    ] as [string[], RegExp][]
  ) {
    const run = await runRecipe(report, args, sandbox);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, reason);
  }
});
