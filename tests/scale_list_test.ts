// Account scale: listing 5,000 connections of one group through the fault mix of issue 6 (10% 5xx, 10% 429 with a
// short Retry-After, 5% dropped connections, added latency) returns each connection exactly once — through
// `paginate` (mod.ts), status_pagination.ts and connection_status.ts.
import assert from "node:assert/strict";
import { createAtlas, paginate } from "../mod.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { main as statusPagination } from "../recipes/status_pagination.ts";
import { main as connectionStatus } from "../recipes/connection_status.ts";
import { runRecipe } from "./_harness.ts";
import { connectionId, fastSleep, FAULT_RETRY_AFTER_MS, FAULT_SEED, faultCounts, FAULTS, scaleSeed } from "./_scale.ts";

const GROUP = "big_group";
const COUNT = 5000;
const EXTRA = { small_a: 7, small_b: 3 };
const EXPECTED = Array.from({ length: COUNT }, (_, i) => connectionId(GROUP, i));

/** Each listed id exactly once, and exactly the ids expected. */
function assertExactlyOnce(listed: readonly string[], expected: readonly string[], what: string) {
  const seen = new Map<string, number>();
  for (const id of listed) seen.set(id, (seen.get(id) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(twice.slice(0, 5), [], `${what}: ${twice.length} connections listed more than once`);
  const missing = expected.filter((id) => !seen.has(id));
  assert.deepEqual(missing.slice(0, 5), [], `${what}: ${missing.length} connections missing`);
  assert.equal(listed.length, expected.length, `${what}: listed ${listed.length}, expected ${expected.length}`);
}

/** Every kind of fault of the mix was injected at least once while the test ran. */
function assertFaultsHit(counts: Record<string, number>, kinds: string[]) {
  for (const kind of kinds) {
    assert.ok((counts[kind] ?? 0) > 0, `no '${kind}' fault was injected: ${JSON.stringify(counts)}`);
  }
}

Deno.test("paginate() lists 5,000 connections of one group exactly once through 5xx, 429, dropped connections and latency", async () => {
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: COUNT }),
    faults: FAULTS,
    randomSeed: FAULT_SEED,
  });
  const time = fastSleep();
  const client = createAtlas({
    apiKey: sandbox.apiKey,
    apiSecret: sandbox.apiSecret,
    baseUrl: sandbox.baseUrl,
    sleep: time.sleep,
    // 25% of requests fail; eight retries make a page's failure a 1-in-250,000 event (the fault sequence is seeded).
    maxRetries: 8,
  });
  for (const limit of [100, 1000, 37]) {
    const seq = sandbox.journal().at(-1)?.seq ?? 0;
    const ids: string[] = [];
    for await (const c of paginate<{ id: string }>(`groups/${GROUP}/connections`, { limit, client })) ids.push(c.id);
    assertExactlyOnce(ids, EXPECTED, `paginate limit=${limit}`);
    const entries = sandbox.journal(seq);
    const pages = Math.ceil(COUNT / limit);
    // One clean answer per page: no page was skipped or fetched twice after its answer arrived.
    assert.equal(entries.filter((e) => e.status === 200).length, pages);
    assert.ok(entries.every((e) => e.method === "GET"), "listing sent something other than a GET");
  }
  const counts = faultCounts(sandbox.journal());
  assertFaultsHit(counts, ["5xx", "5xx-after", "429", "drop", "drop-after"]);
  // Retry-After was honoured: the 429s paused the client for the second the sandbox asked for.
  assert.ok(
    time.waits.includes(FAULT_RETRY_AFTER_MS),
    `no wait of ${FAULT_RETRY_AFTER_MS} ms: ${time.waits.slice(0, 10)}`,
  );
});

Deno.test("status_pagination.ts lists 5,000 connections exactly once, page by page, under the fault mix", async () => {
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: COUNT }),
    faults: FAULTS,
    randomSeed: FAULT_SEED,
  });
  const time = fastSleep();
  for (const limit of [100, 250]) {
    const run = await runRecipe(statusPagination, ["--group-id", GROUP, "--limit", String(limit), "--json"], sandbox, {
      clientOptions: { sleep: time.sleep, maxRetries: 8, maxRetryAfter: 5 },
    });
    assert.equal(run.code, 0, run.stderr.slice(-500));
    const result = JSON.parse(run.stdout);
    assert.equal(result.count, COUNT);
    assert.equal(result.pages, COUNT / limit);
    assertExactlyOnce(result.connections.map((c: { id: string }) => c.id), EXPECTED, `status_pagination.ts ${limit}`);
    // One Call: line per page; the retries are in the log.
    assert.equal(run.stderr.split("\n").filter((l) => l.startsWith("Call: GET")).length, COUNT / limit);
    assert.match(run.log, /attempt=2/);
  }
  assertFaultsHit(faultCounts(sandbox.journal()), ["5xx", "5xx-after", "429", "drop", "drop-after"]);
  assert.ok(time.waits.includes(FAULT_RETRY_AFTER_MS), "Retry-After was not honoured");
});

Deno.test("connection_status.ts finds all 5,010 connected connections of every group exactly once under the fault mix", async () => {
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: COUNT, extraGroups: EXTRA }),
    faults: FAULTS,
    randomSeed: FAULT_SEED,
  });
  const time = fastSleep();
  const expected = [
    ...EXPECTED,
    ...Object.entries(EXTRA).flatMap(([g, n]) => Array.from({ length: n }, (_, i) => connectionId(g, i))),
  ];
  // It reads whole groups 1,000 per page (a few requests a run): several runs, at several concurrencies, let
  // every kind of fault hit it.
  for (const concurrency of ["1", "2", "3", "8"]) {
    const run = await runRecipe(
      connectionStatus,
      ["--state", "connected", "--concurrency", concurrency, "--json"],
      sandbox,
      {
        clientOptions: { sleep: time.sleep, maxRetries: 8, maxRetryAfter: 5 },
      },
    );
    assert.equal(run.code, 0, run.stderr.slice(-500));
    const result = JSON.parse(run.stdout);
    assert.equal(result.count, expected.length);
    assert.equal(result.searched, expected.length);
    assertExactlyOnce(
      result.connections.map((c: { id: string }) => c.id),
      expected,
      `connection_status.ts ${concurrency}`,
    );
    for (const c of result.connections) assert.equal(c.group_id, c.id.slice(0, c.id.lastIndexOf("_c")));
  }
  assertFaultsHit(faultCounts(sandbox.journal()), ["5xx", "429", "drop"]);
});
