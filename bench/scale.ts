// Account-scale figures, printed as a small table (ratios measured in the same run; nothing here asserts a time):
//
//   deno task bench:scale                      # all three, each in a fresh process (about 70 s)
//   deno task bench:scale --only bulk --rate-limit 1500   # one figure: client | bulk | startup
//
// 1. client: paging 10,000 connections of one group through paginate() versus a bare fetch loop over the same
//    sandbox (median of several passes each, 1,000 per page).
// 2. bulk: pause.ts pausing 2,000 connections (--group-id, --concurrency 8) against a sandbox whose rate limit is N
//    requests per rolling minute, as a ratio to the floor N allows, with the peak RSS of the process running it.
//    The sandbox runs in a subprocess (deno task sandbox), so the memory figure is the recipe's own.
//    Two floors are printed: the steady-rate floor 2,002 requests / N per minute (the issue's "2,000 / N minutes"),
//    and the rolling-window floor: a window of N lets the first N requests through at once, so a run of R requests
//    cannot finish before (ceil(R / N) - 1) minutes, and a run no bigger than N is not throttled at all.
// 1b. list: peak memory of status_pagination.ts over 10,000 connections, as a pipe, and (--stream) as a terminal
//    100 columns wide, where the table is printed page by page; each in a fresh process.
// 3. start-up: wall time of `deno run -P recipes/connector_status.ts --connection-id steady_orchard` (process start to
//    exit) against a sandbox, versus `deno run` of an empty script, median of several runs each.
import { parseArgs } from "node:util";
import { createAtlas, paginate } from "../mod.ts";
import { openLog } from "../lib/log.ts";
import { createAtlasOver } from "../lib/client/client.ts";
import { Http1Agent } from "../lib/client/_http1.ts";
import { sandboxProcess } from "./_sandbox_process.ts";
import { main as pause } from "../recipes/pause.ts";
import { scaleSeed } from "../tests/_scale.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string" },
    "rate-limit": { type: "string", multiple: true },
    runs: { type: "string" },
    json: { type: "boolean" },
    stream: { type: "boolean" },
  },
});
const only = values.only;
const RUNS = Number(values.runs ?? 7);
const RATE_LIMITS = (values["rate-limit"] ?? ["6000", "1500"]).map(Number);

interface Row {
  figure: string;
  value: string;
  command: string;
}
const rows: Row[] = [];

// Without --only, each figure is measured in a fresh process of its own (this script with --only ... --json), so
// that one phase's heap does not show in the next one's memory figure.
if (!only) {
  const phases = [
    ["client"],
    ["list"],
    ["list", "--stream"],
    ...RATE_LIMITS.map((n) => ["bulk", "--rate-limit", String(n)]),
    ["startup"],
  ];
  for (const [phase, ...rest] of phases) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL(import.meta.url).pathname,
        "--only",
        phase,
        ...rest,
        "--runs",
        String(RUNS),
        "--json",
      ],
      stdin: "null",
      stderr: "inherit",
    }).output();
    if (out.code !== 0) Deno.exit(out.code);
    rows.push(...JSON.parse(new TextDecoder().decode(out.stdout)));
  }
  printTable(rows);
  Deno.exit(0);
}

const tmp = await Deno.makeTempDir({ prefix: "atlas_scale_" });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const s = (n: number) => `${(n / 1000).toFixed(1)} s`;
const mb = (n: number) => `${(n / 1_048_576).toFixed(0)} MiB`;

// ---- 1. client overhead
if (only === "client") {
  const seed = `${tmp}/client_seed.json`;
  await Deno.writeTextFile(seed, JSON.stringify(scaleSeed({ group: "g", count: 10_000 })));
  const sandbox = await sandboxProcess(["--seed", seed, "--rate-limit", "100000000"]);
  const { FIVETRAN_BASE_URL: baseUrl, FIVETRAN_API_KEY: apiKey, FIVETRAN_API_SECRET: apiSecret } = sandbox.env;
  const client = createAtlas({ apiKey, apiSecret, baseUrl });
  // What a recipe run's client does: the same, over its own HTTP/1.1 connections (lib/client/_http1.ts).
  const agent = new Http1Agent();
  const runClient = createAtlasOver(agent, { apiKey, apiSecret, baseUrl });
  const headers = { Authorization: `Basic ${btoa(`${apiKey}:${apiSecret}`)}`, Accept: "application/json" };
  const bare = async () => {
    let cursor: string | undefined;
    let n = 0;
    do {
      const q = `limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await fetch(`${baseUrl}/groups/g/connections?${q}`, { headers });
      const body = JSON.parse(await res.text());
      n += body.data.items.length;
      cursor = body.data.next_cursor ?? undefined;
    } while (cursor);
    return n;
  };
  const viaPaginate = async (over = client) => {
    let n = 0;
    for await (const _ of paginate("groups/g/connections", { limit: 1000, client: over })) n++;
    return n;
  };
  const viaAgent = () => viaPaginate(runClient);
  const time = async (fn: () => Promise<number>) => {
    const t0 = performance.now();
    if (await fn() !== 10_000) throw new Error("wrong count");
    return performance.now() - t0;
  };
  await time(bare); // warm-up
  await time(viaPaginate);
  await time(viaAgent);
  const bareTimes: number[] = [];
  const clientTimes: number[] = [];
  const agentTimes: number[] = [];
  for (let i = 0; i < RUNS * 3; i++) {
    bareTimes.push(await time(bare));
    clientTimes.push(await time(viaPaginate));
    agentTimes.push(await time(viaAgent));
  }
  agent.close();
  await sandbox.close();
  const [b, c, a] = [median(bareTimes), median(clientTimes), median(agentTimes)];
  const command = "deno task bench:scale --only client  (also: deno bench --allow-all bench/scale_bench.ts)";
  rows.push({ figure: `list 10,000 connections, bare fetch loop (median of ${RUNS * 3})`, value: ms(b), command });
  rows.push({ figure: `list 10,000 connections, paginate() (median of ${RUNS * 3})`, value: ms(c), command });
  rows.push({ figure: "paginate() / bare fetch", value: `${(c / b).toFixed(2)}x`, command });
  rows.push({
    figure: `paginate() over a recipe run's own connections (median of ${RUNS * 3}) / bare fetch`,
    value: `${ms(a)}: ${(a / b).toFixed(2)}x`,
    command,
  });
}

// ---- 2. bulk throughput
if (only === "bulk") {
  const COUNT = 2000;
  const seed = `${tmp}/bulk_seed.json`;
  await Deno.writeTextFile(seed, JSON.stringify(scaleSeed({ group: "g", count: COUNT })));
  for (const n of RATE_LIMITS) {
    const sandbox = await sandboxProcess(["--seed", seed, "--rate-limit", String(n)]);
    const { FIVETRAN_BASE_URL: baseUrl, FIVETRAN_API_KEY: apiKey, FIVETRAN_API_SECRET: apiSecret } = sandbox.env;
    const log = openLog({ path: `${tmp}/bulk_${n}.log` });
    let peak = Deno.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 20);
    let stdout = "";
    const t0 = performance.now();
    const code = await pause(["--group-id", "g", "--concurrency", "8", "--json"], {
      clientOptions: { apiKey, apiSecret, baseUrl },
      log,
      stdout: (line) => stdout += line,
      stderr: () => {},
    });
    const elapsed = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, Deno.memoryUsage().rss);
    log.close();
    const logText = await Deno.readTextFile(`${tmp}/bulk_${n}.log`);
    const requests = (logText.match(/ attempt=\d+/g) ?? []).length;
    const tooMany = (logText.match(/ 429 \d+ms attempt=/g) ?? []).length;
    await sandbox.close();
    const summary = JSON.parse(stdout).summary;
    if (code !== 0 || summary.counts.done !== COUNT) throw new Error(`pause.ts exit ${code}: ${stdout.slice(0, 300)}`);
    const sent = requests - tooMany; // requests the budget counted
    const steadyFloor = (sent / n) * 60_000;
    const windowFloor = (Math.ceil(sent / n) - 1) * 60_000;
    const command = `deno task bench:scale --only bulk --rate-limit ${n}`;
    const label = `pause 2,000 connections at ${n.toLocaleString("en")} req/min`;
    rows.push({
      figure: `${label}: wall time (${sent} requests + ${tooMany} answered 429)`,
      value: s(elapsed),
      command,
    });
    rows.push({
      figure: `${label}: / steady-rate floor ${s(steadyFloor)} (${sent} / ${n} min)`,
      value: `${(elapsed / steadyFloor).toFixed(2)}x`,
      command,
    });
    rows.push({
      figure: `${label}: rolling-window floor`,
      value: windowFloor === 0
        ? "0 s (run fits in one window: never throttled)"
        : `${s(windowFloor)}, ratio ${(elapsed / windowFloor).toFixed(2)}x`,
      command,
    });
    rows.push({ figure: `${label}: peak RSS (before: ${mb(before)})`, value: mb(peak), command });
  }
}

// ---- 1b. memory of a 10,000-connection listing: status_pagination.ts as a pipe (the whole table is drawn at the
// end, so the rows are kept) or, with --stream, as a terminal 100 columns wide (printed page by page, rows not kept).
if (only === "list") {
  const COUNT = 10_000;
  const seed = `${tmp}/list_seed.json`;
  await Deno.writeTextFile(seed, JSON.stringify(scaleSeed({ group: "g", count: COUNT })));
  const sandbox = await sandboxProcess(["--seed", seed, "--rate-limit", "100000000"]);
  const { FIVETRAN_BASE_URL: baseUrl, FIVETRAN_API_KEY: apiKey, FIVETRAN_API_SECRET: apiSecret } = sandbox.env;
  const { main: statusPagination } = await import("../recipes/status_pagination.ts");
  const modes = [values.stream ? ["in a 100-column terminal", 100] as const : ["as a pipe", undefined] as const];
  for (const [label, columns] of modes) {
    const log = openLog({ path: `${tmp}/list.log` });
    let lines = 0;
    const before = Deno.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 5);
    const t0 = performance.now();
    const code = await statusPagination(["--group-id", "g", "--limit", "100"], {
      clientOptions: { apiKey, apiSecret, baseUrl },
      log,
      stdout: (line) => lines += line.split("\n").length,
      stderr: () => {},
      ...(columns ? { columns } : {}),
    });
    const elapsed = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, Deno.memoryUsage().rss);
    log.close();
    if (code !== 0 || lines < COUNT) throw new Error(`status_pagination.ts exit ${code}, ${lines} lines`);
    const command = `deno task bench:scale --only list${columns ? " --stream" : ""}`;
    rows.push({
      figure: `status_pagination.ts, 10,000 connections ${label}: wall time, RSS growth (peak over before)`,
      value: `${ms(elapsed)}, +${mb(peak - before)}`,
      command,
    });
  }
  await sandbox.close();
}

// ---- 3. start-up
if (only === "startup") {
  const sandbox = await sandboxProcess([]);
  const empty = `${tmp}/empty.ts`;
  await Deno.writeTextFile(empty, "");
  const env = { ...sandbox.env, FIVETRAN_LOG_FILE: "logs/bench-scale.log", NO_COLOR: "1" };
  const wall = async (args: string[]) => {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, env, stdin: "null" }).output();
    const elapsed = performance.now() - t0;
    if (out.code !== 0) throw new Error(`${args.join(" ")}: exit ${out.code}: ${new TextDecoder().decode(out.stderr)}`);
    return elapsed;
  };
  const recipe = ["run", "-P", "recipes/connector_status.ts", "--connection-id", "steady_orchard"];
  const baseline = ["run", empty];
  await wall(recipe); // warm the module cache
  await wall(baseline);
  const recipeTimes: number[] = [];
  const baseTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseTimes.push(await wall(baseline));
    recipeTimes.push(await wall(recipe));
  }
  await sandbox.close();
  const [b, r] = [median(baseTimes), median(recipeTimes)];
  const command = "deno task bench:scale --only startup";
  rows.push({ figure: "deno run of an empty script (median)", value: ms(b), command });
  rows.push({ figure: "deno run -P recipes/connector_status.ts (median, one request)", value: ms(r), command });
  rows.push({ figure: "connector_status.ts / empty script", value: `${(r / b).toFixed(2)}x`, command });
}

await Deno.remove(tmp, { recursive: true });
if (values.json) console.log(JSON.stringify(rows));
else printTable(rows);

function printTable(rows: Row[]) {
  const width = Math.max(...rows.map((r) => r.figure.length));
  const vwidth = Math.max(...rows.map((r) => r.value.length));
  console.log(`Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs, ${RUNS} runs per median`);
  console.log(`${"figure".padEnd(width)} | ${"value".padEnd(vwidth)} | reproduce`);
  console.log(`${"-".repeat(width)}-|-${"-".repeat(vwidth)}-|-${"-".repeat(9)}`);
  for (const r of rows) console.log(`${r.figure.padEnd(width)} | ${r.value.padEnd(vwidth)} | ${r.command}`);
}
