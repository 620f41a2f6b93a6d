/**
 * Wire fidelity of the sandbox: envelope, status codes, error bodies, auth,
 * Accept / Content-Type handling, masking, rate limiting, legacy paths and
 * the admin endpoints.
 */

import assert from "node:assert/strict";
import { DEMO } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const SMALL = { connections: 30 };

Deno.test("sandbox answers the Success envelope and 201 on create", async () => {
  await withSandbox(SMALL, async (sb) => {
    const info = await call(sb, "GET", "/account/info");
    assert.equal(info.status, 200);
    assert.equal(info.headers.get("content-type"), "application/json;charset=utf-8");
    assert.equal(info.body.code, "Success");
    assert.equal(info.body.data.account_id, DEMO.accountId);

    const created = await call(sb, "POST", "/groups", { body: { name: "Staging" } });
    assert.equal(created.status, 201);
    assert.equal(created.body.code, "Success");
    assert.match(created.body.data.id, /^[a-z]+_[a-z_]+$/);
    assert.equal(created.body.data.name, "Staging");
  });
});

Deno.test("sandbox answers 401 AuthFailed for missing, wrong or non-Basic credentials", async () => {
  await withSandbox(SMALL, async (sb) => {
    const missing = await call(sb, "GET", "/groups", { noAuth: true });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, "AuthFailed");
    assert.match(missing.body.message, /Basic/);
    const wrong = await call(sb, "GET", "/groups", {
      headers: { Authorization: `Basic ${btoa(`${sb.apiKey}:nope`)}` },
    });
    assert.equal(wrong.status, 401);
    const bearer = await call(sb, "GET", "/groups", {
      headers: { Authorization: `Bearer ${sb.apiKey}:${sb.apiSecret}` },
    });
    assert.equal(bearer.status, 401);
    assert.match(bearer.body.message, /Basic/);
  });
});

Deno.test("sandbox answers 404 NotFound_<Kind> for unknown ids and NotFound for unknown paths", async () => {
  await withSandbox(SMALL, async (sb) => {
    const conn = await call(sb, "GET", "/connections/no_such_thing");
    assert.equal(conn.status, 404);
    assert.deepEqual(Object.keys(conn.body).sort(), ["code", "message"]);
    assert.equal(conn.body.code, "NotFound_Connection");
    assert.equal((await call(sb, "GET", "/groups/no_such_group")).body.code, "NotFound_Group");
    const path = await call(sb, "GET", "/no/such/path");
    assert.equal(path.status, 404);
    assert.equal(path.body.code, "NotFound");
    const outside = await fetch(sb.baseUrl.replace("/v1", "/elsewhere"));
    assert.equal(outside.status, 404);
    assert.equal((await outside.json()).code, "NotFound");
  });
});

Deno.test("sandbox answers 405 with Allow for a known path and wrong method", async () => {
  await withSandbox(SMALL, async (sb) => {
    const res = await call(sb, "PUT", "/groups", { body: { name: "x" } });
    assert.equal(res.status, 405);
    assert.equal(res.body.code, "MethodNotAllowed");
    assert.equal(res.headers.get("allow"), "GET, POST");
  });
});

Deno.test("sandbox answers 406 for a non-JSON Accept and accepts JSON, version=2 and */*", async () => {
  await withSandbox(SMALL, async (sb) => {
    const path = `/connections/${DEMO.renamedConnectionId}`;
    for (const accept of ["application/json;version=2", "application/json", "*/*", ""]) {
      const res = await call(sb, "GET", path, { headers: { Accept: accept } });
      assert.equal(res.status, 200, `Accept: ${accept}`);
    }
    const html = await call(sb, "GET", path, { headers: { Accept: "text/html" } });
    assert.equal(html.status, 406);
    assert.equal(html.body.code, "NotAcceptable");
    assert.match(html.body.message, /version=2/);
    const v3 = await call(sb, "GET", "/groups", { headers: { Accept: "application/json;version=3" } });
    assert.equal(v3.status, 406);
  });
});

Deno.test("sandbox answers 415 for a body without JSON Content-Type and 400 for invalid JSON", async () => {
  await withSandbox(SMALL, async (sb) => {
    const text = await call(sb, "POST", "/groups", {
      raw: JSON.stringify({ name: "x" }),
      headers: { "Content-Type": "text/plain" },
    });
    assert.equal(text.status, 415);
    assert.equal(text.body.code, "UnsupportedMediaType");
    const none = await call(sb, "PATCH", `/groups/${DEMO.smallGroupId}`, { raw: '{"name":"y"}' });
    assert.equal(none.status, 415);
    const bad = await call(sb, "POST", "/groups", {
      raw: "{name: nope",
      headers: { "Content-Type": "application/json" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "InvalidInput");
    assert.match(bad.body.message, /Invalid JSON/);
    const big = await call(sb, "POST", "/groups", { body: { name: "x".repeat(1_100_000) } });
    assert.equal(big.status, 413);
    // a POST action without any body is fine
    assert.equal((await call(sb, "POST", `/connections/${DEMO.renamedConnectionId}/sync`)).status, 200);
  });
});

Deno.test("sandbox answers 400 with a useful message for invalid bodies and limits", async () => {
  await withSandbox(SMALL, async (sb) => {
    const noName = await call(sb, "POST", "/groups", { body: {} });
    assert.equal(noName.status, 400);
    assert.match(noName.body.message, /name/);
    const freq = await call(sb, "PATCH", `/connections/${DEMO.renamedConnectionId}`, {
      body: { sync_frequency: 7 },
    });
    assert.equal(freq.status, 400);
    assert.match(freq.body.message, /sync_frequency/);
    for (const limit of ["0", "1001", "abc", "-5"]) {
      const res = await call(sb, "GET", `/groups?limit=${limit}`);
      assert.equal(res.status, 400, `limit=${limit}`);
      assert.match(res.body.message, /limit/);
    }
    assert.equal((await call(sb, "GET", "/groups?limit=1000")).status, 200);
  });
});

Deno.test("sandbox masks secrets on GET and keeps them when a masked value is sent back", async () => {
  await withSandbox(SMALL, async (sb) => {
    const res = await call(sb, "GET", `/connections/${DEMO.renamedConnectionId}`);
    assert.equal(res.body.data.config.password, "******");
    assert.equal(res.body.data.config.host, "shop.db.acme-corp.internal");
    const before = sb.state.connections.get(DEMO.renamedConnectionId)!.config.password;
    assert.notEqual(before, "******");
    const patched = await call(sb, "PATCH", `/connections/${DEMO.renamedConnectionId}`, {
      body: { config: res.body.data.config, run_setup_tests: false },
    });
    assert.equal(patched.status, 200);
    assert.equal(sb.state.connections.get(DEMO.renamedConnectionId)!.config.password, before);
    const dest = await call(sb, "GET", `/destinations/${DEMO.bigGroupId}`);
    assert.equal(dest.body.data.config.password, "******");
    const hook = await call(sb, "GET", `/webhooks/${DEMO.webhookId}`);
    assert.equal(hook.body.data.secret, "******");
    // the journal masks request bodies too
    await call(sb, "PATCH", `/connections/${DEMO.renamedConnectionId}`, {
      body: { config: { password: "hunter2" }, run_setup_tests: false },
    });
    const last = sb.journal().at(-1)!;
    assert.deepEqual(last.body, { config: { password: "******" }, run_setup_tests: false });
  });
});

Deno.test("sandbox sends X-Rate-Limit headers and 429 TooManyRequests with Retry-After over budget", async () => {
  await withSandbox({ ...SMALL, rateLimit: 5 }, async (sb) => {
    for (let i = 0; i < 5; i++) {
      const res = await call(sb, "GET", "/groups");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-rate-limit"), "5");
      assert.equal(res.headers.get("x-rate-limit-remaining"), String(4 - i));
    }
    const limited = await call(sb, "GET", "/groups");
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "TooManyRequests");
    const retry = Number(limited.headers.get("retry-after"));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal(limited.headers.get("x-rate-limit-remaining"), "0");
    sb.advance(60_001);
    assert.equal((await call(sb, "GET", "/groups")).status, 200);
  });
});

Deno.test("sandbox answers 404 on retired /v1/connectors paths unless legacyConnectors is on", async () => {
  await withSandbox(SMALL, async (sb) => {
    const res = await call(sb, "GET", `/connectors/${DEMO.renamedConnectionId}`);
    assert.equal(res.status, 404);
    assert.match(res.body.message, /connections/);
    assert.equal((await call(sb, "GET", `/groups/${DEMO.smallGroupId}/connectors`)).status, 404);
  });
  await withSandbox({ ...SMALL, legacyConnectors: true }, async (sb) => {
    const res = await call(sb, "GET", `/connectors/${DEMO.renamedConnectionId}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.data.id, DEMO.renamedConnectionId);
    assert.equal(res.headers.get("deprecation"), "true");
    const list = await call(sb, "GET", `/groups/${DEMO.smallGroupId}/connectors`);
    assert.equal(list.body.data.items.length, 3);
  });
});

Deno.test("sandbox admin endpoints expose the journal, reset and advance the clock", async () => {
  await withSandbox(SMALL, async (sb) => {
    await call(sb, "POST", "/groups", { body: { name: "Temp" } });
    await call(sb, "GET", "/groups?limit=2");
    const journal = await (await fetch(`${sb.adminUrl}/journal`)).json();
    const entries = journal.entries;
    assert.equal(entries.length, 2);
    assert.equal(entries[0].method, "POST");
    assert.equal(entries[0].path, "/v1/groups");
    assert.equal(entries[0].status, 201);
    assert.equal(entries[0].operationId, "create_group");
    assert.deepEqual(entries[0].body, { name: "Temp" });
    assert.equal(entries[1].query, "limit=2");
    assert.deepEqual(sb.journal().map((e) => e.seq), entries.map((e: { seq: number }) => e.seq));

    const before = sb.now();
    const adv = await fetch(`${sb.adminUrl}/advance?ms=3600000`, { method: "POST" });
    assert.equal(adv.status, 200);
    await adv.body?.cancel();
    assert.ok(sb.now() - before >= 3_600_000);

    const reset = await fetch(`${sb.adminUrl}/reset`, { method: "POST" });
    assert.equal((await reset.json()).ok, true);
    const groups = await call(sb, "GET", "/groups");
    assert.ok(!groups.body.data.items.some((g: { name: string }) => g.name === "Temp"));
    assert.equal(sb.journal().length, 1);

    const faults = await fetch(`${sb.adminUrl}/faults?spec=429%3D1`, { method: "PUT" });
    assert.equal((await faults.json()).spec, "429=1");
    assert.equal((await call(sb, "GET", "/groups")).status, 429);
    const health = await fetch(sb.adminUrl);
    assert.equal(health.status, 200, "admin endpoints are never faulted");
    await health.body?.cancel();
    sb.setFaults("none");
    assert.equal((await call(sb, "GET", "/groups")).status, 200);
  });
});

Deno.test("sandbox shuts down through POST /_sandbox/shutdown and resolves finished", async () => {
  const { startSandbox } = await import("../lib/sandbox/mod.ts");
  const sb = await startSandbox({ connections: 10 });
  const res = await fetch(`${sb.adminUrl}/shutdown`, { method: "POST" });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  await sb.finished;
  await assert.rejects(() => fetch(`${sb.baseUrl}/groups`));
  await sb.close();
});
