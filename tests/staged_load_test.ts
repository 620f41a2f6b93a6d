// staged_load.ts against the sandbox: batches of tables enabled, synced and waited for in order; the first failed
// batch stops the run saying what is loaded; Ctrl-C stops at once and a rerun with --resume-from syncs the
// interrupted batch first without enabling anything twice; --dry-run sends nothing; bad input exits 2.
import assert from "node:assert/strict";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { main as staged } from "../recipes/staged_load.ts";
import { runRecipe } from "./_harness.ts";
import { tempDir } from "./_server.ts";

const C = DEMO.renamedConnectionId; // steady_orchard: sales.{Orders, OrderItems, Customers, AuditLog (disabled)}

async function disable(sandbox: Sandbox, connection: string, schema: string, tables: string[]) {
  const response = await fetch(`${sandbox.baseUrl}/connections/${connection}/schemas/${schema}`, {
    method: "PATCH",
    headers: {
      authorization: `Basic ${btoa(`${sandbox.apiKey}:${sandbox.apiSecret}`)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ enabled: true, tables: Object.fromEntries(tables.map((t) => [t, { enabled: false }])) }),
  });
  await response.body?.cancel();
  assert.ok(response.ok);
}

const writes = (sandbox: Sandbox, seq = 0) =>
  sandbox.journal(seq).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1\//, "")}`);
const enabled = (sandbox: Sandbox, connection: string, schema: string, table: string) => {
  const c = sandbox.state.connections.get(connection)!;
  return sandbox.state.schemaConfig(c).schemas.get(schema)?.tables.get(table)?.enabled;
};

Deno.test("staged_load.ts enables, syncs and waits batch by batch until every disabled table of the schema is loaded", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 0.05 });
  await disable(sandbox, C, "sales", ["Orders", "OrderItems", "Customers"]);
  const seq = sandbox.journal().at(-1)!.seq;
  const run = await runRecipe(staged, ["--connection-id", C, "--schema", "sales", "--batch", "3", "--json"], sandbox);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(writes(sandbox, seq), [
    `PATCH connections/${C}/schemas/sales`,
    `POST connections/${C}/sync`,
    `PATCH connections/${C}/schemas/sales`,
    `POST connections/${C}/sync`,
  ]);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(out.batches.map((b: { tables: string[] }) => b.tables), [
    ["sales.Orders", "sales.OrderItems", "sales.Customers"],
    ["sales.AuditLog"],
  ]);
  assert.equal(out.loaded.length, 4);
  for (const t of ["Orders", "OrderItems", "Customers", "AuditLog"]) {
    assert.equal(enabled(sandbox, C, "sales", t), true);
  }
  // Each batch's sync was waited for: its success is seen before the next batch is enabled.
  assert.match(run.stderr, /Batch 1 of 2 loaded \(sync succeeded at .*\)[\s\S]*Batch 2 of 2: sales\.AuditLog/);
  // A second run finds nothing to do.
  const again = await runRecipe(staged, ["--connection-id", C, "--schema", "sales"], sandbox);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /Nothing to load/);
});

Deno.test("staged_load.ts stops at the first failed batch, saying what is loaded and how to continue (exit 1)", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 0.05 });
  await using dir = await tempDir();
  const file = `${dir.path}/tables.txt`;
  await Deno.writeTextFile(file, "# load order\nsalesforce.Lead\n\nsalesforce.Account\nsalesforce.Lead\n");
  await disable(sandbox, DEMO.failingConnectionId, "salesforce", ["Account"]);
  const run = await runRecipe(
    staged,
    ["--connection-id", DEMO.failingConnectionId, "--tables", file, "--batch", "1"],
    sandbox,
  );
  assert.equal(run.code, 1, run.stderr);
  const last = run.stderr.trim().split("\n").at(-1)!;
  assert.match(
    last,
    /^Stopped at batch 1 of 2: .*failed.*\. Loaded: none; enabled but not loaded: salesforce\.Lead; not started: 1 batch\(es\)\. Fix the cause, then run the same command again \(add --resume-from FILE\)$/,
  );
  assert.equal(enabled(sandbox, DEMO.failingConnectionId, "salesforce", "Account"), false);
  assert.equal(writes(sandbox).filter((w) => w.endsWith("/sync")).length, 1);
});

Deno.test("staged_load.ts stops at once on Ctrl-C; a rerun with --resume-from syncs the interrupted batch first, enabling nothing twice", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 0.05 });
  await using dir = await tempDir();
  await disable(sandbox, C, "sales", ["Orders", "OrderItems"]);
  const progress = `${dir.path}/logs/stage.jsonl`;
  const args = ["--connection-id", C, "--schema", "sales", "--batch", "2", "--resume-from", progress];
  const controller = new AbortController();
  const first = await runRecipe(staged, args, sandbox, {
    signal: controller.signal,
    sleep: (_ms, signal) => {
      controller.abort();
      return Promise.reject(signal?.reason ?? new Error("aborted"));
    },
  });
  assert.equal(first.code, 130, first.stderr);
  assert.match(
    first.stderr,
    /Interrupted in batch 1 of 2 \(sales\.Orders, sales\.OrderItems enabled, not confirmed loaded\)\. Loaded: none\. To continue, run the same command again with --resume-from/,
  );
  const seq = sandbox.journal().at(-1)!.seq;
  const second = await runRecipe(staged, [...args, "--json"], sandbox);
  assert.equal(second.code, 0, second.stderr);
  // The interrupted batch: only a sync (its tables are enabled); then the last disabled table.
  assert.deepEqual(writes(sandbox, seq), [
    `POST connections/${C}/sync`,
    `PATCH connections/${C}/schemas/sales`,
    `POST connections/${C}/sync`,
  ]);
  assert.deepEqual(JSON.parse(second.stdout).loaded, ["sales.Orders", "sales.OrderItems", "sales.AuditLog"]);
  const third = await runRecipe(staged, args, sandbox);
  assert.equal(third.code, 0);
  assert.match(third.stdout, /3 table\(s\) loaded by an earlier run|Nothing to load/);
});

Deno.test("staged_load.ts --dry-run prints the batches and sends nothing; bad input exits 2; a paused connection exits 1", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 0.05 });
  await using dir = await tempDir();
  const dry = await runRecipe(staged, ["--connection-id", C, "--schema", "sales", "--dry-run"], sandbox);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /Call: PATCH connections\/steady_orchard\/schemas\/sales \{"enabled":true,"tables":\{"AuditLog"/,
  );
  assert.match(dry.stdout, /Dry run: 1 batch\(es\) planned; nothing was sent/);
  assert.deepEqual(writes(sandbox), []);
  const bad = `${dir.path}/bad.txt`;
  await Deno.writeTextFile(bad, "sales.Orders\nnodot\n");
  const unknown = `${dir.path}/unknown.txt`;
  await Deno.writeTextFile(unknown, "sales.Nope\n");
  const cases: [string[], RegExp][] = [
    [["--connection-id", C], /one of --tables FILE or --schema NAME/],
    [["--connection-id", C, "--schema", "sales", "--tables", bad], /one of --tables FILE or --schema NAME/],
    [["--connection-id", C, "--tables", bad], /line 2 of tables file .* SCHEMA\.TABLE, got 'nodot'/],
    [["--connection-id", C, "--tables", unknown], /Not in connection steady_orchard: sales\.Nope/],
    [["--connection-id", C, "--tables", `${dir.path}/missing.txt`], /Cannot read tables file/],
    [["--connection-id", C, "--schema", "nope"], /Unknown schema 'nope'/],
    [["--connection-id", C, "--schema", "sales", "--batch", "0"], /--batch/],
    [["--connection-id", C, "--schema", "sales", "--batch", "1.5"], /--batch/],
  ];
  for (const [args, reason] of cases) {
    const run = await runRecipe(staged, args, sandbox);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, reason, args.join(" "));
  }
  const paused = await runRecipe(staged, ["--connection-id", DEMO.pausedConnectionId, "--schema", "x"], sandbox);
  assert.equal(paused.code, 1);
  assert.match(paused.stderr, /is paused, so its syncs would not run; resume it first/);
  assert.deepEqual(writes(sandbox), []);
});

Deno.test("staged_load.ts stops when a batch's sync outlasts --timeout, saying what is loaded", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 3600 });
  await disable(sandbox, C, "sales", ["Orders"]);
  let clock = Date.UTC(2026, 0, 1);
  const run = await runRecipe(
    staged,
    ["--connection-id", C, "--schema", "sales", "--batch", "1", "--timeout", "60"],
    sandbox,
    {
      now: () => clock,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
    },
  );
  assert.equal(run.code, 1, run.stderr);
  const last = run.stderr.trim().split("\n").at(-1)!;
  assert.match(
    last,
    /^Stopped at batch 1 of 2: .*(timed out|Timed out|timeout).*\. Loaded: none; enabled but not loaded: sales\.Orders; not started: 1 batch\(es\)/,
  );
  assert.equal(enabled(sandbox, C, "sales", "AuditLog"), false);
});
