import assert from "node:assert/strict";
import { createManualClock, DEMO, startSandbox } from "../lib/sandbox/mod.ts";

interface Received {
  body: string;
  signature: string | null;
}

async function hmacHex(body: string, secret: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A loopback webhook receiver. */
function receiver() {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push({ body: await req.text(), signature: req.headers.get("x-fivetran-signature-256") });
    waiters.splice(0).forEach((w) => w());
    return new Response("ok");
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    received,
    async until(n: number) {
      while (received.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

Deno.test("sandbox webhooks: a group webhook receives signed sync_start and sync_end as the clock moves", async () => {
  await using hook = receiver();
  const clock = createManualClock();
  await using sandbox = await startSandbox({ clock, syncSeconds: 5 });
  const h = { Authorization: sandbox.authorization, "Content-Type": "application/json" };
  const conn = await (await fetch(`${sandbox.baseUrl}/connections/${DEMO.pausedConnectionId}`, { headers: h })).json();
  const group = conn.data.group_id;
  const created = await fetch(`${sandbox.baseUrl}/webhooks/group/${group}`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ url: hook.url, events: ["sync_start", "sync_end"], secret: "s3cret" }),
  });
  assert.equal(created.status, 200);
  const webhookId = (await created.json()).data.id;
  const sync = await fetch(`${sandbox.baseUrl}/connections/${DEMO.pausedConnectionId}/sync`, {
    method: "POST",
    headers: h,
    body: "{}",
  });
  assert.equal(sync.status, 200);
  await sync.body?.cancel();
  const mine = () => hook.received.filter((r) => JSON.parse(r.body).connector_id === DEMO.pausedConnectionId);
  while (mine().length < 1) await hook.until(hook.received.length + 1);
  sandbox.advance(5_000); // no read: the end of the sync fires by itself
  while (mine().length < 2) await hook.until(hook.received.length + 1);
  const [start, end] = mine().map((r) => JSON.parse(r.body));
  assert.equal(start.event, "sync_start");
  assert.equal(end.event, "sync_end");
  assert.equal(end.connector_id, DEMO.pausedConnectionId);
  assert.equal(end.destination_group_id, group);
  assert.equal(end.sync_id, start.sync_id);
  assert.deepEqual(end.data, { status: "SUCCESSFUL" });
  for (const r of hook.received) {
    assert.equal(r.signature, (await hmacHex(r.body, "s3cret")).toUpperCase());
  }
  await sandbox.webhooksIdle();
  const deliveries = sandbox.webhookDeliveries().filter((d) => d.webhookId === webhookId);
  assert.ok(deliveries.length >= 2);
  assert.ok(deliveries.every((d) => d.status === 200));
});

Deno.test("sandbox webhooks: POST /webhooks/{id}/test delivers at once and reports the receiver's status", async () => {
  await using hook = receiver();
  await using sandbox = await startSandbox({ seed: { groups: [{ id: "g1", name: "G" }] } });
  const h = { Authorization: sandbox.authorization, "Content-Type": "application/json" };
  const created = await (await fetch(`${sandbox.baseUrl}/webhooks/account`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ url: hook.url, events: ["sync_end"], secret: "k" }),
  })).json();
  const res = await fetch(`${sandbox.baseUrl}/webhooks/${created.data.id}/test`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ event: "sync_end" }),
  });
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.deepEqual(body.data, { succeed: true, status: 200, message: "OK" });
  assert.equal(hook.received.length, 1);
  const event = JSON.parse(hook.received[0].body);
  assert.equal(event.connector_id, "_connection_1");
  assert.equal(hook.received[0].signature, (await hmacHex(hook.received[0].body, "k")).toUpperCase());
});

Deno.test("sandbox webhooks: only loopback URLs take plain http, and other hosts are never called", async () => {
  await using sandbox = await startSandbox({ seed: { groups: [{ id: "g1", name: "G" }] } });
  const h = { Authorization: sandbox.authorization, "Content-Type": "application/json" };
  const bad = await fetch(`${sandbox.baseUrl}/webhooks/account`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ url: "http://hooks.example.com/x", events: ["sync_end"] }),
  });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).code, "InvalidInput");
  const created = await (await fetch(`${sandbox.baseUrl}/webhooks/account`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ url: "https://hooks.example.com/x", events: ["sync_end"] }),
  })).json();
  const res = await (await fetch(`${sandbox.baseUrl}/webhooks/${created.data.id}/test`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ event: "sync_end" }),
  })).json();
  assert.equal(res.data.succeed, false);
  assert.match(res.data.message, /only calls loopback/);
});

Deno.test("sandbox webhooks: close() waits for a delivery in flight", async () => {
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  let got = 0;
  const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.text();
    got++;
    await gate;
    return new Response("late");
  });
  const sandbox = await startSandbox({ seed: { groups: [{ id: "g1", name: "G" }] } });
  const h = { Authorization: sandbox.authorization, "Content-Type": "application/json" };
  const w = await (await fetch(`${sandbox.baseUrl}/webhooks/account`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ url: `http://127.0.0.1:${slow.addr.port}/`, events: ["sync_start"] }),
  })).json();
  assert.equal(w.code, "Success");
  sandbox.state.emit({ event: "sync_start", created: sandbox.now(), groupId: "g1" });
  while (got === 0) await new Promise((r) => setTimeout(r, 5));
  const closing = sandbox.close();
  release();
  await closing;
  assert.equal(sandbox.webhookDeliveries().length, 1);
  await slow.shutdown();
});
