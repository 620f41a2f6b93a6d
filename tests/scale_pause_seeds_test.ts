// Issue 14: pausing a 1,000-connection group under 10% 5xx, 10% 429, 5% dropped connections and Retry-After: 0
// leaves no connection unpaused, for every one of 20 fault seeds (one seed hides a one-in-a-thousand failure; 20 do
// not). Before 429s stopped spending retries and the bulk runner swept transient failures, 77 runs of 200 left a
// connection unpaused (bench/bulk_faults.ts gives the figures); on that code this test fails on 7 or 8 of its seeds.
import assert from "node:assert/strict";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { main as pause } from "../recipes/pause.ts";
import { runRecipe } from "./_harness.ts";
import { connectionId, scaleSeed } from "./_scale.ts";

const GROUP = "seeded_group";
const COUNT = 1000;
const FAULTS = "5xx=0.1,429=0.1,drop=0.05,latency=5,retry-after=0";
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const AT_ONCE = 10;

async function pauseUnderFaults(seed: number): Promise<string | undefined> {
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: COUNT }),
    faults: FAULTS,
    randomSeed: seed,
    journalSize: 10,
  });
  // The client's default retry counts (maxRetries 4); only the backoff steps are shortened (1-5 ms) by the harness.
  const run = await runRecipe(pause, ["--group-id", GROUP, "--json"], sandbox);
  const unpaused = [];
  for (let i = 0; i < COUNT; i++) {
    const id = connectionId(GROUP, i);
    if (!sandbox.state.connection(id).paused) unpaused.push(id);
  }
  if (run.code === 0 && unpaused.length === 0) {
    const { summary } = JSON.parse(run.stdout);
    if (summary.counts.done !== COUNT) return `seed ${seed}: ${JSON.stringify(summary.counts)}`;
    return undefined;
  }
  const failed = run.stderr.split("\n").filter((l) => l.startsWith("failed")).slice(0, 3);
  return `seed ${seed}: exit ${run.code}, ${unpaused.length} unpaused (${unpaused.slice(0, 3)}): ${failed.join(" | ")}`;
}

Deno.test("pause.ts --group-id leaves no connection unpaused under 10% 5xx, 10% 429 and 5% drops, for 20 fault seeds", async () => {
  const problems: string[] = [];
  for (let i = 0; i < SEEDS.length; i += AT_ONCE) {
    const batch = await Promise.all(SEEDS.slice(i, i + AT_ONCE).map(pauseUnderFaults));
    problems.push(...batch.filter((p): p is string => p !== undefined));
  }
  assert.deepEqual(problems, []);
});
