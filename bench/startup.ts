// Whole-process start-up: the recipes against small Python scripts in the original framework's style
// (bench/python/: requests + colorama, /usr/bin/python3 with Debian's python3-requests and python3-colorama),
// each command a fresh process, run alternately, medians and ratios printed. It reports; it asserts no time.
//
//   deno task bench:startup                    # every case, 21 runs each (about a minute)
//   deno task bench:startup --runs 51 --only help,status
//
// Cases (the sandbox runs in two subprocesses: the demo account, and one with --connections 2400):
//   status  one connection's status: recipes/connector_status.ts vs bench/python/connector_status.py
//   list    all pages of the 210-connection group rapid_harbor, 100 per page: status_pagination.ts vs .py
//   pause   pause one connection, logged (it is resumed, untimed, before each run): pause.ts vs pause_log.py
//           (the recipe reads the connection first, to report "already paused"; the original only PATCHes)
//   list-l  all pages of the 1,680-connection group (sandbox --connections 2400)
//   help    recipes/connector_status.ts --help (sends nothing) vs `deno run` of an empty script
// Output goes to a pipe, as in a script or CI; the recipes then print plain, full-width tables.
import { parseArgs } from "node:util";
import { type SandboxProcess, sandboxProcess } from "./_sandbox_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";
const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string" }, only: { type: "string" }, json: { type: "boolean" } },
});
const RUNS = Number(values.runs ?? 21);
const ONLY = values.only?.split(",");

interface Case {
  name: string;
  what: string;
  /** The command measured, then its baseline. */
  ours: string[];
  base: string[];
  baseName: string;
  sandbox?: SandboxProcess;
  /** Untimed, before each run of either side. */
  before?: () => Promise<void>;
}

const tmp = await Deno.makeTempDir({ prefix: "atlas_startup_" });
const empty = `${tmp}/empty.ts`;
await Deno.writeTextFile(empty, "");
const small = await sandboxProcess(["--rate-limit", "100000000"]);
const large = await sandboxProcess(["--connections", "2400", "--rate-limit", "100000000"]);
const py = (file: string, ...args: string[]) => [PYTHON, `${ROOT}bench/python/${file}`, ...args];
const recipe = (file: string, ...args: string[]) => [Deno.execPath(), "run", "-P", `recipes/${file}`, ...args];

async function resume(box: SandboxProcess, id: string) {
  const { FIVETRAN_BASE_URL: base, FIVETRAN_API_KEY: key, FIVETRAN_API_SECRET: secret } = box.env;
  const res = await fetch(`${base}/connections/${id}`, {
    method: "PATCH",
    headers: { Authorization: `Basic ${btoa(`${key}:${secret}`)}`, "Content-Type": "application/json" },
    body: JSON.stringify({ paused: false }),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`resume ${id}: ${res.status}`);
}

const cases: Case[] = [
  {
    name: "status",
    what: "one connection's status",
    ours: recipe("connector_status.ts", "--connection-id", "steady_orchard"),
    base: py("connector_status.py", "steady_orchard"),
    baseName: "Python",
    sandbox: small,
  },
  {
    name: "list",
    what: "all pages of a 210-connection group",
    ours: recipe("status_pagination.ts", "--group-id", "rapid_harbor"),
    base: py("status_pagination.py", "rapid_harbor"),
    baseName: "Python",
    sandbox: small,
  },
  {
    name: "pause",
    what: "pause one connection, logged",
    ours: recipe("pause.ts", "--connection-id", "steady_orchard"),
    base: py("pause_log.py", "steady_orchard", "logs/bench-startup-python.log"),
    baseName: "Python",
    sandbox: small,
    before: () => resume(small, "steady_orchard"),
  },
  {
    name: "list-l",
    what: "all pages of a 1,680-connection group (--connections 2400)",
    ours: recipe("status_pagination.ts", "--group-id", "rapid_harbor"),
    base: py("status_pagination.py", "rapid_harbor"),
    baseName: "Python",
    sandbox: large,
  },
  {
    name: "help",
    what: "`--help` (sends nothing)",
    ours: recipe("connector_status.ts", "--help"),
    base: [Deno.execPath(), "run", empty],
    baseName: "empty deno run",
  },
].filter((c) => !ONLY || ONLY.includes(c.name));

async function wall(command: string[], c: Case): Promise<number> {
  await c.before?.();
  const env = { ...(c.sandbox?.env ?? {}), FIVETRAN_LOG_FILE: "logs/bench-startup.log" };
  const t0 = performance.now();
  const out = await new Deno.Command(command[0], { args: command.slice(1), cwd: ROOT, env, stdin: "null" })
    .output();
  const elapsed = performance.now() - t0;
  if (out.code !== 0) {
    throw new Error(`${command.join(" ")}: exit ${out.code}: ${new TextDecoder().decode(out.stderr).slice(0, 500)}`);
  }
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: { case: string; ours: number; base: number; baseName: string; ratio: number; command: string }[] = [];
try {
  for (const c of cases) {
    await wall(c.ours, c); // warm the module cache and the sandbox
    await wall(c.base, c);
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate which side goes first, so neither always runs on a warmer machine.
      if (i % 2 === 0) {
        ours.push(await wall(c.ours, c));
        base.push(await wall(c.base, c));
      } else {
        base.push(await wall(c.base, c));
        ours.push(await wall(c.ours, c));
      }
    }
    const [o, b] = [median(ours), median(base)];
    rows.push({
      case: c.what,
      ours: o,
      base: b,
      baseName: c.baseName,
      ratio: o / b,
      command: c.ours.slice(1).join(" ").replace(/^run/, "deno run"),
    });
  }
} finally {
  await small.close();
  await large.close();
  await Deno.remove(tmp, { recursive: true });
}

if (values.json) {
  console.log(JSON.stringify(rows));
} else {
  const load = Deno.loadavg().map((n) => n.toFixed(1)).join(" ");
  console.log(
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs (load average ${load}), medians of ${RUNS} fresh processes`,
  );
  const lines = rows.map((r) => [
    r.case,
    `${r.ours.toFixed(0)} ms`,
    `${r.base.toFixed(0)} ms (${r.baseName})`,
    `${r.ratio.toFixed(2)}x`,
    r.command,
  ]);
  const head = ["case", "recipe", "baseline", "ratio", "command"];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [head, widths.map((w) => "-".repeat(w)), ...lines]) {
    console.log(line.map((cell, i) => cell.padEnd(widths[i])).join(" | ").trimEnd());
  }
}
