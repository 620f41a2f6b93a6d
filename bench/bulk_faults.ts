// Failure rate of a bulk pause under faults (issue 14): pause.ts --group-id over 1,000 connections against a
// sandbox with `--faults 5xx=0.1,429=0.1,drop=0.05,latency=5,retry-after=0`, once per fault seed, in-process, with
// the client's default retry counts (backoff steps shortened so a run takes seconds). Prints one line per seed and
// the totals: runs that left a connection unpaused or exited non-zero, and connections left unpaused.
//
//   deno run --allow-all bench/bulk_faults.ts --seeds 1-50
//   deno run --allow-all bench/bulk_faults.ts --seeds 1-50 --retry-failed 0   # without the final sweep
import { parseArgs } from "node:util";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { main as pause } from "../recipes/pause.ts";
import { runRecipe } from "../tests/_harness.ts";
import { connectionId, scaleSeed } from "../tests/_scale.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "1-20" },
    count: { type: "string", default: "1000" },
    faults: { type: "string", default: "5xx=0.1,429=0.1,drop=0.05,latency=5,retry-after=0" },
    "retry-failed": { type: "string" },
  },
});
const [from, to] = values.seeds.split("-").map(Number);
const count = Number(values.count);
const group = "bulk_group";
let badRuns = 0;
let unpaused = 0;
const started = Date.now();
for (let seed = from; seed <= (to ?? from); seed++) {
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group, count }),
    faults: values.faults,
    randomSeed: seed,
    journalSize: 10,
  });
  const t0 = Date.now();
  const extra = values["retry-failed"] === undefined ? [] : ["--retry-failed", values["retry-failed"]];
  const run = await runRecipe(pause, ["--group-id", group, "--json", ...extra], sandbox, {});
  let left = 0;
  for (let i = 0; i < count; i++) if (!sandbox.state.connection(connectionId(group, i)).paused) left++;
  const summary = run.code === 0 || run.code === 1 ? JSON.parse(run.stdout).summary : undefined;
  if (left > 0 || run.code !== 0) badRuns++;
  unpaused += left;
  console.log(
    `seed ${seed}: exit ${run.code}, ${left} unpaused, failed ${summary?.counts.failed ?? "?"}${
      summary?.recovered !== undefined ? `, the sweep retried ${summary.swept} and recovered ${summary.recovered}` : ""
    } (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
const runs = (to ?? from) - from + 1;
console.log(
  `${badRuns} of ${runs} runs left a connection unpaused or exited non-zero; ${unpaused} of ${
    runs * count
  } connections left unpaused (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
