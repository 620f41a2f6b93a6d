// Fivetran's documented limits, each its own rolling window and 429 message.
import assert from "node:assert/strict";
import { createManualClock } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const SEED = {
  groups: [{ id: "g1", name: "G" }],
  connections: [{ id: "c1", group_id: "g1", service: "stripe", config: { schema: "stripe" } }],
};

Deno.test("sandbox limits setup tests to 250 a minute in their own window, with their own 429 message", async () => {
  const clock = createManualClock();
  await withSandbox({ seed: SEED, clock }, async (sb) => {
    for (let i = 0; i < 250; i++) {
      const res = await call(sb, "POST", "/connections/c1/test", { body: {} });
      assert.equal(res.status, 200);
    }
    const refused = await call(sb, "POST", "/connections/c1/test", { body: {} });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, "TooManyRequests");
    assert.match(refused.body.message, /250 setup tests per minute/);
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
    // Other requests still go through: the setup-test window is separate.
    assert.equal((await call(sb, "GET", "/connections/c1")).status, 200);
    sb.advance(60_001);
    assert.equal((await call(sb, "POST", "/connections/c1/test", { body: {} })).status, 200);
  });
});

Deno.test("sandbox --trial allows 500 requests an hour, and the window rolls", async () => {
  const clock = createManualClock();
  await withSandbox({ seed: SEED, clock, trial: true }, async (sb) => {
    for (let i = 0; i < 500; i++) {
      if (i === 250) sb.advance(30 * 60_000);
      const res = await call(sb, "GET", "/groups");
      assert.equal(res.status, 200, `request ${i}`);
    }
    const refused = await call(sb, "GET", "/groups");
    assert.equal(refused.status, 429);
    assert.match(refused.body.message, /500 API requests \(trial account\) per hour/);
    assert.equal(refused.headers.get("retry-after"), String(30 * 60));
    sb.advance(30 * 60_000 + 1); // the first 250 leave the window
    assert.equal((await call(sb, "GET", "/groups")).status, 200);
  });
});

Deno.test("sandbox limits user creation to 500 an hour", async () => {
  const clock = createManualClock();
  await withSandbox({ seed: SEED, clock }, async (sb) => {
    for (let i = 0; i < 500; i++) {
      const res = await call(sb, "POST", "/users", {
        body: { email: `u${i}@acme.example`, given_name: "U", family_name: String(i) },
      });
      assert.equal(res.status, 201);
    }
    const refused = await call(sb, "POST", "/users", {
      body: { email: "one-more@acme.example", given_name: "U", family_name: "X" },
    });
    assert.equal(refused.status, 429);
    assert.match(refused.body.message, /500 user creations per hour/);
  });
});
