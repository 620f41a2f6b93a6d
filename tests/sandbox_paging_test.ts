/**
 * Cursor pagination of the sandbox, at demo size and at 10,000 connections.
 */

import assert from "node:assert/strict";
import { DEMO } from "../lib/sandbox/mod.ts";
import { call, listAll, withSandbox } from "./sandbox_helpers.ts";

Deno.test("sandbox pages a group's connections with URL-safe cursors", async () => {
  await withSandbox({}, async (sb) => {
    const first = await call(sb, "GET", `/groups/${DEMO.bigGroupId}/connections`);
    assert.equal(first.body.data.items.length, 100, "default limit is 100");
    const cursor: string = first.body.data.next_cursor;
    assert.match(cursor, /\+/);
    assert.match(cursor, /\//);
    assert.match(cursor, /=$/);

    const ids = new Set<string>();
    let pages = 0;
    let next: string | undefined;
    do {
      const res = await call(
        sb,
        "GET",
        `/groups/${DEMO.bigGroupId}/connections${next ? `?cursor=${encodeURIComponent(next)}` : ""}`,
      );
      assert.equal(res.status, 200);
      for (const c of res.body.data.items) ids.add(c.id);
      next = res.body.data.next_cursor;
      pages++;
      if (!next) assert.ok(!("next_cursor" in res.body.data), "next_cursor is absent on the last page");
    } while (next);
    assert.equal(ids.size, 210);
    assert.equal(pages, 3);
    assert.ok(ids.has(DEMO.certBrokenConnectionId));
  });
});

Deno.test("sandbox rejects a cursor that was not URL-encoded", async () => {
  await withSandbox({ connections: 250 }, async (sb) => {
    const first = await call(sb, "GET", "/connections");
    const cursor = first.body.data.next_cursor;
    const raw = await call(sb, "GET", `/connections?cursor=${cursor}`);
    assert.equal(raw.status, 400);
    assert.equal(raw.body.code, "InvalidInput");
    assert.match(raw.body.message, /cursor/);
    const foreign = await call(sb, "GET", `/groups?cursor=${encodeURIComponent(cursor)}`);
    assert.equal(foreign.status, 400, "a cursor of another list is rejected");
    const garbage = await call(sb, "GET", "/connections?cursor=abc");
    assert.equal(garbage.status, 400);
  });
});

Deno.test("sandbox paging is stable while connections are created and deleted between pages", async () => {
  await withSandbox({ connections: 60 }, async (sb) => {
    const all = (await listAll(sb, "/connections")).map((c) => c.id);
    const page1 = await call(sb, "GET", "/connections?limit=20");
    const seen = page1.body.data.items.map((c: { id: string }) => c.id);
    // delete one already seen and one not yet seen, create a new one
    await call(sb, "DELETE", `/connections/${seen[0]}`);
    await call(sb, "DELETE", `/connections/${all[40]}`);
    const created = await call(sb, "POST", "/connections", {
      body: { group_id: DEMO.smallGroupId, service: "stripe", config: { schema: "stripe_new", api_key: "sk" } },
    });
    assert.equal(created.status, 201);
    let cursor = page1.body.data.next_cursor;
    while (cursor) {
      const res = await call(sb, "GET", `/connections?limit=20&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...res.body.data.items.map((c: { id: string }) => c.id));
      cursor = res.body.data.next_cursor;
    }
    assert.equal(new Set(seen).size, seen.length, "no duplicates");
    const expected = all.filter((id) => id !== all[40]);
    expected.push(created.body.data.id);
    assert.deepEqual(seen, expected);
  });
});

Deno.test("sandbox pages every list endpoint", async () => {
  await withSandbox({ connections: 30 }, async (sb) => {
    const lists = [
      "/groups",
      "/destinations",
      "/users",
      "/teams",
      "/webhooks",
      "/transformations",
      "/roles",
      "/metadata/connector-types",
      `/groups/${DEMO.bigGroupId}/users`,
      `/connections/${DEMO.renamedConnectionId}/certificates`,
    ];
    for (const path of lists) {
      const all = await listAll(sb, path, 1000);
      const paged = await listAll(sb, path, 2);
      assert.ok(all.length >= 1, path);
      assert.deepEqual(paged, all, `${path} paged by 2`);
    }
  });
});

Deno.test("sandbox starts with 10,000 connections quickly and pages 5,000+ in one group", async () => {
  const t0 = performance.now();
  await withSandbox({ connections: 10_000 }, async (sb) => {
    const startMs = performance.now() - t0;
    assert.ok(startMs < 2_000, `startup took ${startMs.toFixed(0)} ms`);
    assert.equal(sb.state.connections.size, 10_000);
    const t1 = performance.now();
    const big = await listAll(sb, `/groups/${DEMO.bigGroupId}/connections`, 1000);
    const pageMs = performance.now() - t1;
    assert.ok(big.length >= 5_000, `big group has ${big.length}`);
    assert.equal(new Set(big.map((c) => c.id)).size, big.length);
    assert.ok(pageMs < 5_000, `paging took ${pageMs.toFixed(0)} ms`);
    const all = await listAll(sb, "/connections", 1000);
    assert.equal(all.length, 10_000);
  });
});
