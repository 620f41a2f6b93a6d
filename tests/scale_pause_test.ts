// Account scale: pausing 1,000 connections through the fault mix of issue 6 leaves all of them paused and reports
// each one; no create or other non-idempotent call is ever sent twice by a retry; and a run interrupted half-way
// and resumed with --resume-from finishes the rest and repeats nothing.
import assert from "node:assert/strict";
import { type JournalEntry, startSandbox } from "../lib/sandbox/mod.ts";
import { Interrupted } from "../lib/recipe.ts";
import { main as pause } from "../recipes/pause.ts";
import { main as createConnector } from "../recipes/create_connector.ts";
import { runRecipe } from "./_harness.ts";
import { tempDir } from "./_server.ts";
import {
  connectionId,
  fastSleep,
  FAULT_SEED,
  faultCounts,
  FAULTS,
  isMutating,
  recordingFetch,
  repeatedNonIdempotent,
  resentAfterAmbiguous,
  scaleSeed,
} from "./_scale.ts";

const GROUP = "pause_group";
const OTHER = "other_group";
const COUNT = 1000;
const ALREADY = (i: number) => i % 25 === 7; // 40 connections start paused
const IDS = Array.from({ length: COUNT }, (_, i) => connectionId(GROUP, i));
const JOURNAL_SIZE = 100_000;

/** The connection id a PATCH journal entry targets (undefined for anything else). */
function patchedId(e: JournalEntry): string | undefined {
  const m = e.method === "PATCH" ? e.path.match(/^\/v1\/connections\/([^/]+)$/) : null;
  return m?.[1];
}

/** Ids whose PATCH reached the sandbox's state (answered 200, or lost after the work was done). */
function applied(entries: readonly JournalEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const e of entries) {
    const id = patchedId(e);
    if (id && (e.status === 200 || e.fault === "5xx-after" || e.fault === "drop-after")) ids.add(id);
  }
  return ids;
}

Deno.test("pause.ts --group-id pauses 1,000 connections under the fault mix, reports each one and touches nothing else", async () => {
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: COUNT, paused: ALREADY, extraGroups: { [OTHER]: 5 } }),
    faults: FAULTS,
    randomSeed: FAULT_SEED,
    journalSize: JOURNAL_SIZE,
  });
  const time = fastSleep();
  const run = await runRecipe(pause, ["--group-id", GROUP, "--json"], sandbox, {
    clientOptions: { sleep: time.sleep, maxRetries: 8, maxRetryAfter: 5 },
  });
  assert.equal(run.code, 0, run.stderr.slice(-800));

  // Every connection of the group is paused; the other group is untouched.
  for (const id of IDS) assert.equal(sandbox.state.connection(id).paused, true, `${id} is not paused`);
  for (let i = 0; i < 5; i++) assert.equal(sandbox.state.connection(connectionId(OTHER, i)).paused, false);

  // The summary accounts for each connection once, with the right status.
  const { summary } = JSON.parse(run.stdout);
  assert.equal(summary.total, COUNT);
  const already = IDS.filter((_, i) => ALREADY(i));
  assert.deepEqual(summary.counts, {
    done: COUNT - already.length,
    already: already.length,
    skipped: 0,
    failed: 0,
    interrupted: 0,
    "not-started": 0,
  });
  assert.deepEqual(summary.items.map((i: { key: string }) => i.key).sort(), [...IDS].sort());
  for (const item of summary.items) {
    assert.equal(item.status, already.includes(item.key) ? "already" : "done", `${item.key}: ${item.status}`);
  }
  // ... and the human report (stderr in --json mode) has one line per connection.
  const lines = run.stderr.split("\n");
  for (const [i, id] of IDS.entries()) {
    const want = ALREADY(i) ? `already ${id}: already paused` : `done    ${id}: paused`;
    assert.equal(lines.filter((l) => l === want).length, 1, `no single line '${want}'`);
  }
  // ... and the log has one action line per paused connection.
  assert.equal(run.log.split("\n").filter((l) => / INFO {2}pause\.ts: paused connection /.test(l)).length, 960);

  // The journal: faults of every kind hit the run, only the group listing and PATCH {paused:true} were sent,
  // none to a connection that was already paused, and every PATCH target was reached.
  const journal = sandbox.journal();
  const counts = faultCounts(journal);
  for (const kind of ["5xx", "5xx-after", "429", "drop", "drop-after"]) assert.ok(counts[kind] > 0, `no ${kind}`);
  for (const e of journal.filter(isMutating)) {
    assert.ok(patchedId(e)?.startsWith(`${GROUP}_c`), `unexpected ${e.method} ${e.path}`);
    // (A request refused by a fault before the work is journalled without its body.)
    if (e.body !== undefined || !["429", "5xx", "drop"].includes(e.fault ?? "")) {
      assert.deepEqual(e.body, { paused: true });
    }
  }
  for (const id of already) assert.ok(!journal.some((e) => patchedId(e) === id), `PATCH sent to already paused ${id}`);
  assert.equal(applied(journal).size, COUNT - already.length);
  assert.deepEqual(repeatedNonIdempotent(journal), []);
});

Deno.test("create_connector.ts under the fault mix never sends a create twice: a lost answer is checked, not retried", async () => {
  await using dir = await tempDir();
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: 3 }),
    faults: FAULTS,
    randomSeed: FAULT_SEED,
    journalSize: JOURNAL_SIZE,
  });
  const config = `${dir.path}/postgres.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      service: "postgres",
      run_setup_tests: false,
      config: { host: "db.example.internal", port: 5432, database: "shop", user: "u", password: "create-pw-1" },
    }),
  );
  const schemas = Array.from({ length: 60 }, (_, i) => `new_schema_${i}`);
  const time = fastSleep();
  const wire = recordingFetch();
  const run = await runRecipe(
    createConnector,
    ["--group-id", GROUP, "--config", config, ...schemas.flatMap((s) => ["--schema", s])],
    sandbox,
    { clientOptions: { sleep: time.sleep, maxRetries: 8, maxRetryAfter: 5, fetch: wire.fetch } },
  );
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr.slice(-400)}`);
  const journal = sandbox.journal();
  const creates = journal.filter((e) => e.method === "POST" && e.path === "/v1/connections");
  assert.ok(creates.length >= schemas.length, `only ${creates.length} creates sent`);
  const faults = faultCounts(creates);
  assert.ok(faults["5xx"] || faults["5xx-after"] || faults.drop || faults["drop-after"], "no create lost its answer");
  assert.ok(faults["429"] > 0, "no create met a 429");
  // The sandbox never processed a create twice, and the client resent a create only after a 429 (refused before
  // any work) — never after a 5xx or a dropped connection, which may have created it.
  assert.deepEqual(repeatedNonIdempotent(journal), []);
  assert.deepEqual(resentAfterAmbiguous(wire.sent), []);
  assert.ok(wire.sent.some((s) => s.method === "POST" && s.status === 429), "no create was answered 429");
  for (const s of schemas) {
    const made = sandbox.state.connections.all().filter((c) => c.groupId === GROUP && c.schema === s);
    assert.ok(made.length <= 1, `${s} exists ${made.length} times`);
  }
  // Every schema is accounted for: created, or reported with a reason (a lost answer names the state it found).
  for (const s of schemas) assert.ok(run.stdout.includes(s) || run.stderr.includes(s), `${s} not reported`);
});

Deno.test("pause.ts interrupted half-way and resumed with --resume-from finishes the rest and repeats nothing", async () => {
  await using dir = await tempDir();
  const progress = `${dir.path}/state/pause-progress.jsonl`;
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: COUNT }),
    faults: FAULTS,
    randomSeed: FAULT_SEED,
    journalSize: JOURNAL_SIZE,
  });
  const args = ["--group-id", GROUP, "--resume-from", progress];
  const time = fastSleep();
  const clientOptions = { sleep: time.sleep, maxRetries: 8, maxRetryAfter: 5 };

  // Run 1: Ctrl-C (the signal aborts) once 500 connections are reported paused.
  const controller = new AbortController();
  let reported = 0;
  const first = await runRecipe(pause, args, sandbox, {
    clientOptions,
    signal: controller.signal,
    stdout: (line) => {
      if (line.startsWith("done ") && ++reported === COUNT / 2) controller.abort(new Interrupted());
    },
  });
  assert.equal(first.code, 130);
  const firstJournal = sandbox.journal();
  const afterFirst = firstJournal.at(-1)!.seq;
  const pausedAfterFirst = IDS.filter((id) => sandbox.state.connection(id).paused);
  // Items already running when Ctrl-C came finish (up to --concurrency - 1 more); nothing new starts.
  assert.ok(
    pausedAfterFirst.length >= COUNT / 2 && pausedAfterFirst.length < COUNT / 2 + 8,
    `${pausedAfterFirst.length}`,
  );
  assert.match(first.stderr, new RegExp(`Interrupted after ${pausedAfterFirst.length} of 1000 connections`));
  assert.ok(first.stderr.includes(`--resume-from ${progress}`), first.stderr.slice(-400));
  const records = Deno.readTextFileSync(progress).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => r.key).sort(), [...pausedAfterFirst].sort());
  assert.ok(records.every((r) => r.op === "pause" && r.status === "done"));
  assert.deepEqual([...applied(firstJournal)].sort(), [...pausedAfterFirst].sort());

  // Run 2: the same command finishes the rest, skipping what the progress file records.
  const second = await runRecipe(pause, [...args, "--json"], sandbox, { clientOptions });
  assert.equal(second.code, 0, second.stderr.slice(-400));
  const { summary } = JSON.parse(second.stdout);
  assert.equal(summary.counts.skipped, pausedAfterFirst.length);
  assert.equal(summary.counts.done, COUNT - pausedAfterFirst.length);
  assert.equal(summary.counts.already + summary.counts.failed + summary.counts["not-started"], 0);
  for (const id of IDS) assert.equal(sandbox.state.connection(id).paused, true, `${id} is not paused`);

  // Nothing was repeated: run 2 sent no PATCH to a connection run 1 had paused, and every connection was
  // changed by exactly one of the two runs.
  const secondJournal = sandbox.journal(afterFirst);
  const touchedTwice = secondJournal.filter((e) => pausedAfterFirst.includes(patchedId(e) ?? ""));
  assert.deepEqual(touchedTwice.map((e) => e.path), []);
  const pausedBySecond = applied(secondJournal);
  assert.deepEqual(pausedAfterFirst.filter((id) => pausedBySecond.has(id)), []);
  assert.equal(pausedBySecond.size + pausedAfterFirst.length, COUNT);
  assert.deepEqual(repeatedNonIdempotent(sandbox.journal()), []);
  // The progress file now records all 1,000, each once.
  const all = Deno.readTextFileSync(progress).trim().split("\n").map((l) => JSON.parse(l).key);
  assert.equal(all.length, COUNT);
  assert.equal(new Set(all).size, COUNT);
  // A third run has nothing left to do and sends no PATCH at all.
  const seq = sandbox.journal().at(-1)!.seq;
  const third = await runRecipe(pause, [...args, "--json"], sandbox, { clientOptions });
  assert.equal(third.code, 0);
  assert.equal(JSON.parse(third.stdout).summary.counts.skipped, COUNT);
  assert.ok(!sandbox.journal(seq).some(isMutating));
});
