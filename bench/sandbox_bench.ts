/**
 * Paging through 10,000 connections at limit 1000 through the sandbox.
 *
 * Run: deno bench --allow-all bench/sandbox_bench.ts
 *
 * Besides deno bench's own table it prints requests per second of a full
 * paging pass and the sandbox's memory (Deno.memoryUsage deltas from before
 * the sandbox started).
 */

import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MiB`;
const before = Deno.memoryUsage();
const t0 = performance.now();
const sandbox = await startSandbox({ connections: 10_000 });
const startMs = performance.now() - t0;
const headers = { Authorization: sandbox.authorization, Accept: "application/json;version=2" };

async function pageAll(path: string): Promise<{ items: number; requests: number }> {
  let cursor: string | undefined;
  let items = 0;
  let requests = 0;
  do {
    const url = `${sandbox.baseUrl}${path}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await fetch(url, { headers });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(body)}`);
    items += body.data.items.length;
    cursor = body.data.next_cursor;
    requests++;
  } while (cursor);
  return { items, requests };
}

// One measured pass for the summary line.
await pageAll("/connections"); // warm-up
const passes = 5;
const t1 = performance.now();
let requests = 0;
for (let i = 0; i < passes; i++) {
  const r = await pageAll("/connections");
  if (r.items !== 10_000) throw new Error(`paged ${r.items} connections`);
  requests += r.requests;
}
const seconds = (performance.now() - t1) / 1000;
// Small requests: details of 2,000 different connections, 8 in flight.
const ids: string[] = [];
for (let cursor: string | undefined, first = true; first || cursor; first = false) {
  const res = await fetch(
    `${sandbox.baseUrl}/connections?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    { headers },
  );
  const body = await res.json();
  ids.push(...body.data.items.map((c: { id: string }) => c.id));
  cursor = ids.length >= 2_000 ? undefined : body.data.next_cursor;
}
const t2 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < ids.length) {
    const res = await fetch(`${sandbox.baseUrl}/connections/${ids[next++]}`, { headers });
    if (res.status !== 200) throw new Error(`detail: ${res.status}`);
    await res.arrayBuffer();
  }
}));
const detailRps = ids.length / ((performance.now() - t2) / 1000);
const after = Deno.memoryUsage();
console.log(
  `sandbox: start ${startMs.toFixed(0)} ms for 10,000 connections; paging at limit 1000: ` +
    `${(requests / seconds).toFixed(1)} requests/s, ${(passes * 10_000 / seconds).toFixed(0)} connections/s; ` +
    `connection details: ${detailRps.toFixed(0)} requests/s; ` +
    `memory: rss +${mb(after.rss - before.rss)} (${mb(after.rss)}), heapUsed +${
      mb(after.heapUsed - before.heapUsed)
    } (${mb(after.heapUsed)})`,
);

Deno.bench("page 10,000 connections at limit 1000 (10 requests)", async () => {
  const r = await pageAll("/connections");
  if (r.items !== 10_000) throw new Error(`paged ${r.items}`);
});

Deno.bench("page the big group (7,000 connections) at limit 1000", async () => {
  await pageAll(`/groups/${DEMO.bigGroupId}/connections`);
});

Deno.bench("GET one connection's details", async () => {
  const res = await fetch(`${sandbox.baseUrl}/connections/${DEMO.renamedConnectionId}`, { headers });
  await res.arrayBuffer();
});

globalThis.addEventListener("unload", () => {
  void sandbox.close();
});
