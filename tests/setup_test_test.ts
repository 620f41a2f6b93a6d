// setup_test.ts against the sandbox: one connection or a group's broken ones, a table of every test, nothing trusted
// unless asked, exit 1 while any still fails; --dry-run sends no test; bad input exits 2.
import assert from "node:assert/strict";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { main as setupTest } from "../recipes/setup_test.ts";
import { runRecipe } from "./_harness.ts";

const tests = (sandbox: { journal(): { method: string; path: string }[] }) =>
  sandbox.journal().filter((e) => e.method === "POST" && e.path.endsWith("/test")).map((e) => e.path);

Deno.test("setup_test.ts shows each test of a certificate-broken connection and exits 1 until the certificate is trusted", async () => {
  await using sandbox = await startSandbox();
  const id = DEMO.certBrokenConnectionId;
  const first = await runRecipe(setupTest, ["--connection-id", id], sandbox);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stdout, /Validating configuration\s*│ PASSED/);
  assert.match(first.stdout, /│ FAILED\s*│ .*certificate/i);
  assert.match(first.stdout, new RegExp(`${id} \\(postgres\\): setup state broken — still failing`));
  assert.match(first.stdout, /Summary: 1 connection in .*: 0 passing, 0 already passing, 1 failed/);
  const body = sandbox.journal().find((e) => e.path.endsWith("/test"))!.body;
  assert.deepEqual(body, { trust_certificates: false, trust_fingerprints: false });

  const trusted = await runRecipe(setupTest, ["--connection-id", id, "--trust-certificates"], sandbox);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.match(trusted.stdout, new RegExp(`${id} \\(postgres\\): setup state connected — passes`));
  assert.doesNotMatch(trusted.stdout, /FAILED/);
});

Deno.test("setup_test.ts --group-id tests only the broken connections, and --json accounts for each", async () => {
  await using sandbox = await startSandbox();
  const run = await runRecipe(setupTest, [
    "--group-id",
    DEMO.bigGroupId,
    "--trust-certificates",
    "--trust-fingerprints",
    "--json",
  ], sandbox);
  assert.equal(run.code, 1, run.stderr); // bad credentials stay broken
  const out = JSON.parse(run.stdout);
  const byId = new Map(out.connections.map((c: { id: string }) => [c.id, c]));
  const broken = sandbox.state.connections.all().filter((c) => c.groupId === DEMO.bigGroupId).length;
  assert.ok(byId.size >= 3 && byId.size < broken, `${byId.size} of ${broken}`);
  assert.equal(tests(sandbox).length, byId.size);
  assert.equal((byId.get(DEMO.certBrokenConnectionId) as { passes: boolean }).passes, true);
  assert.equal((byId.get(DEMO.fingerprintBrokenConnectionId) as { passes: boolean }).passes, true);
  // The others in this group are broken by bad credentials, which trusting cannot fix.
  const still = out.connections.filter((c: { passes: boolean }) => !c.passes);
  assert.ok(still.length > 0);
  for (const c of still) {
    assert.equal(c.after, "broken");
    assert.ok(c.tests.some((t: { status: string }) => t.status === "FAILED"), JSON.stringify(c));
  }
  assert.equal(out.summary.total, byId.size);
  assert.equal(out.summary.counts.failed + out.summary.counts.done, byId.size);
  // A second run finds fewer broken connections: the trusted ones now pass.
  const again = await runRecipe(setupTest, ["--group-id", DEMO.bigGroupId, "--json"], sandbox);
  assert.ok(JSON.parse(again.stdout).connections.length < byId.size);
});

Deno.test("setup_test.ts --dry-run prints the requests and runs no test", async () => {
  await using sandbox = await startSandbox();
  const run = await runRecipe(setupTest, ["--group-id", DEMO.bigGroupId, "--dry-run"], sandbox);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Call: POST connections\/crimson_ledger\/test/);
  assert.match(run.stdout, /would be tested/);
  assert.deepEqual(tests(sandbox), []);
});

Deno.test("setup_test.ts rejects bad input with exit 2 and reports an unknown connection with exit 1", async () => {
  await using sandbox = await startSandbox();
  for (
    const [args, reason] of [
      [[], /Missing --connection-id or --group-id/],
      [["--connection-id", "a", "--group-id", "b"], /got both/],
      [["--connection-id", "../x"], /Fivetran ID/],
      [["--connection-id", "a", "--concurrency", "0"], /--concurrency/],
    ] as [string[], RegExp][]
  ) {
    const run = await runRecipe(setupTest, args, sandbox);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, reason);
  }
  assert.deepEqual(tests(sandbox), []);
  const unknown = await runRecipe(setupTest, ["--connection-id", "no_such_connection"], sandbox);
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.match(
    unknown.stdout + unknown.stderr,
    /no_such_connection.*\(could not run the tests\)|failed no_such_connection/s,
  );
});
