/**
 * Fault injection: deterministic under a seed, applied only to /v1, with
 * faults decided before or after the request's work.
 */

import assert from "node:assert/strict";
import { DEMO, parseFaultSpec, type Sandbox } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const BASE = { connections: 20 };

async function faultSequence(spec: string, seed: number): Promise<string[]> {
  let seq: string[] = [];
  await withSandbox({ ...BASE, faults: spec, randomSeed: seed }, async (sb) => {
    for (let i = 0; i < 40; i++) {
      await call(sb, "GET", "/groups").catch(() => undefined);
    }
    seq = sb.journal().map((e) => e.fault ?? String(e.status));
  });
  return seq;
}

Deno.test("sandbox faults are deterministic under a random seed", async () => {
  const spec = "5xx=0.2,429=0.2,drop=0.1";
  const a = await faultSequence(spec, 7);
  const b = await faultSequence(spec, 7);
  const c = await faultSequence(spec, 8);
  // Deno's fetch resends a request once when a reused connection is dropped, so
  // the journal can hold more than 40 entries; the sequence is still the same.
  assert.ok(a.length >= 40);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.includes("5xx") && a.includes("429") && a.includes("drop") && a.includes("200"), a.join(","));
});

Deno.test("sandbox drop fault closes the connection so the client sees a network error", async () => {
  await withSandbox({ ...BASE, faults: "drop=1" }, async (sb) => {
    await assert.rejects(() => call(sb, "GET", "/groups"), TypeError);
    const entry = sb.journal().at(-1)!;
    assert.equal(entry.status, 0);
    assert.equal(entry.fault, "drop");
    sb.setFaults("none");
    assert.equal((await call(sb, "GET", "/groups")).status, 200, "the server keeps serving after a drop");
  });
});

Deno.test("sandbox 5xx faults answer HTML some of the time and JSON the rest", async () => {
  await withSandbox({ ...BASE, faults: "5xx=1,html=0.5" }, async (sb) => {
    const kinds = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await call(sb, "GET", "/groups");
      assert.ok([500, 502, 503].includes(res.status), String(res.status));
      if (typeof res.body === "string") {
        assert.match(res.body, /<html>/);
        assert.equal(res.headers.get("content-type"), "text/html");
        kinds.add("html");
      } else {
        assert.equal(typeof res.body.code, "string");
        kinds.add("json");
      }
    }
    assert.deepEqual([...kinds].sort(), ["html", "json"]);
  });
});

Deno.test("sandbox injected 429 carries the configured Retry-After, 0 for fast tests", async () => {
  await withSandbox({ ...BASE, faults: "429=1,retry-after=0" }, async (sb) => {
    const res = await call(sb, "GET", "/groups");
    assert.equal(res.status, 429);
    assert.equal(res.body.code, "TooManyRequests");
    assert.equal(res.headers.get("retry-after"), "0");
  });
});

function groupsNamed(sb: Sandbox, name: string): number {
  return sb.state.groups.all().filter((g) => g.name === name).length;
}

Deno.test("sandbox 5xx and drop before the work leave state untouched; -after variants apply it", async () => {
  await withSandbox({ ...BASE, faults: "5xx=1" }, async (sb) => {
    const res = await call(sb, "POST", "/groups", { body: { name: "Before5xx" } });
    assert.ok(res.status >= 500);
    assert.equal(groupsNamed(sb, "Before5xx"), 0);
    sb.setFaults("drop=1");
    await assert.rejects(() => call(sb, "POST", "/groups", { body: { name: "BeforeDrop" } }));
    assert.equal(groupsNamed(sb, "BeforeDrop"), 0);

    sb.setFaults("5xx-after=1");
    const after = await call(sb, "POST", "/groups", { body: { name: "After5xx" } });
    assert.ok(after.status >= 500);
    assert.equal(groupsNamed(sb, "After5xx"), 1, "the work was done, the answer lost");
    assert.equal(sb.journal().at(-1)!.fault, "5xx-after");
    sb.setFaults("drop-after=1");
    await assert.rejects(() => call(sb, "POST", "/groups", { body: { name: "AfterDrop" } }));
    assert.equal(groupsNamed(sb, "AfterDrop"), 1);
    assert.equal(sb.journal().at(-1)!.fault, "drop-after");

    // A careful client that retries a create sees 409 instead of making a duplicate.
    sb.setFaults("none");
    const retry = await call(sb, "POST", "/groups", { body: { name: "AfterDrop" } });
    assert.equal(retry.status, 409);
    assert.equal(retry.body.code, "AlreadyExists");
  });
});

Deno.test("sandbox latency fault delays answers", async () => {
  await withSandbox({ ...BASE, faults: "latency=80" }, async (sb) => {
    const t0 = performance.now();
    await call(sb, "GET", `/connections/${DEMO.renamedConnectionId}`);
    assert.ok(performance.now() - t0 >= 70);
  });
});

Deno.test("sandbox closes cleanly while a delayed request is in flight", async () => {
  const sb = await (await import("../lib/sandbox/mod.ts")).startSandbox({ ...BASE, faults: "latency=5000" });
  const pending = call(sb, "GET", "/groups").catch((e) => e);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  await sb.close();
  assert.ok(performance.now() - t0 < 2_000, "close does not wait for the injected latency");
  await pending;
});

Deno.test("sandbox fault specs are validated", () => {
  assert.deepEqual(parseFaultSpec("none").error5xx, 0);
  const f = parseFaultSpec("5xx=0.1,5xx-after=0.05,429=0.1,drop=0.05,drop-after=0.05,latency=20,retry-after=0");
  assert.equal(f.error5xxAfter, 0.05);
  assert.equal(f.retryAfter, 0);
  assert.throws(() => parseFaultSpec("5xx=0.7,429=0.5"), /add up/);
  assert.throws(() => parseFaultSpec("oops=1"), /unknown fault/);
  assert.throws(() => parseFaultSpec("5xx"), /key=value/);
  assert.throws(() => parseFaultSpec("drop=-1"), /invalid value/);
});

Deno.test("sandbox journals the masked body of a request refused by a 429 or 5xx fault", async () => {
  await withSandbox({ ...BASE, faults: "429=1" }, async (sb) => {
    const answer = await call(sb, "POST", "/groups", { body: { name: "refused_group", password: "pw-refused-1" } });
    assert.equal(answer.status, 429);
    sb.setFaults("5xx=1");
    const second = await call(sb, "POST", "/groups", { body: { name: "refused_again" } });
    assert.ok(second.status >= 500);
    const [first, other] = sb.journal().filter((e) => e.method === "POST");
    assert.equal(first.fault, "429");
    assert.deepEqual(first.body, { name: "refused_group", password: "******" });
    assert.equal(other.fault, "5xx");
    assert.deepEqual(other.body, { name: "refused_again" });
    assert.equal(sb.state.groups.all().some((g) => g.name.startsWith("refused")), false);
  });
});
