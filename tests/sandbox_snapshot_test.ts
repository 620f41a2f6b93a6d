// Seeds can express the whole account, and a snapshot (secrets stripped) replays to the same answers.
import assert from "node:assert/strict";
import { type SandboxSeed, startSandbox } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const RICH: SandboxSeed = {
  account: { id: "acct", name: "Acme", user_id: "u_admin" },
  groups: [{ id: "g1", name: "Prod", created_at: "2025-01-01T00:00:00Z" }],
  destinations: [{
    group_id: "g1",
    service: "snowflake",
    region: "AWS_US_EAST_1",
    time_zone_offset: "+1",
    daylight_saving_time_enabled: false,
    config: { host: "acme.snowflakecomputing.com", port: 443, user: "LOADER", password: "dest-secret" },
  }],
  users: [
    { id: "u_admin", email: "admin@acme.example", given_name: "Ada", phone: "+15550100" },
    { id: "u_new", email: "new@acme.example", given_name: "Neo", invited: true, role: "Account Reviewer" },
  ],
  group_users: [{ group_id: "g1", user_id: "u_new", role: "Destination Analyst" }],
  connections: [{
    id: "c_pg",
    group_id: "g1",
    service: "postgres",
    config: { schema_prefix: "pg", host: "db.acme.example", port: 5432, database: "shop", password: "pg-secret" },
    data_delay_sensitivity: "HIGH",
    daily_sync_time: "03:00",
    schemas: { public: { tables: { Orders: { enabled: false, columns: { OrderID: { is_primary_key: true } } } } } },
    schema_change_handling: "BLOCK_ALL",
  }],
  teams: [{ id: "t1", name: "Data", role: "Account Analyst" }],
  webhooks: [{
    id: "w1",
    type: "group",
    group_id: "g1",
    url: "https://hooks.acme.example/f",
    events: ["sync_end"],
    secret: "wh-secret",
  }],
};

Deno.test("sandbox seeds express users with phone, memberships, destinations, webhooks and schema configs", async () => {
  await withSandbox({ seed: RICH }, async (sb) => {
    const admin = await call(sb, "GET", "/users/u_admin");
    assert.equal(admin.body.data.phone, "+15550100");
    const invited = await call(sb, "GET", "/users/u_new");
    assert.equal(invited.body.data.invited, true);
    assert.equal("logged_in_at" in invited.body.data, false);
    const members = await call(sb, "GET", "/groups/g1/users");
    assert.ok(members.body.data.items.some((u: { id: string }) => u.id === "u_new"));
    const dest = await call(sb, "GET", "/destinations/g1");
    assert.equal(dest.body.data.daylight_saving_time_enabled, false);
    const conn = await call(sb, "GET", "/connections/c_pg");
    assert.equal(conn.body.data.data_delay_sensitivity, "HIGH");
    assert.equal(conn.body.data.daily_sync_time, "03:00");
    const schemas = await call(sb, "GET", "/connections/c_pg/schemas");
    assert.equal(schemas.body.data.schema_change_handling, "BLOCK_ALL");
    assert.equal(schemas.body.data.schemas.public.tables.Orders.enabled, false);
  });
});

Deno.test("sandbox snapshot (GET /_sandbox/snapshot) strips secrets and replays to the same answers", async () => {
  await withSandbox({ seed: RICH }, async (sb) => {
    // change some state through the API first
    await call(sb, "PATCH", "/connections/c_pg", { body: { paused: true } });
    await call(sb, "POST", "/groups", { body: { name: "Staging" } });
    const res = await fetch(`${sb.adminUrl}/snapshot`);
    const text = await res.text();
    assert.equal(res.status, 200);
    for (const secret of ["dest-secret", "pg-secret", "wh-secret"]) assert.ok(!text.includes(secret), secret);
    const seed = JSON.parse(text) as SandboxSeed;
    await using replay = await startSandbox({ seed });
    for (
      const path of [
        "/groups",
        "/users",
        "/teams",
        "/webhooks",
        "/connections/c_pg",
        "/destinations/g1",
        "/users/u_new",
      ]
    ) {
      const [a, b] = await Promise.all([call(sb, "GET", path), call(replay, "GET", path)]);
      if (path === "/webhooks") {
        // the secret is stripped on the way out, so the replayed webhook has none
        assert.equal(b.body.data.items[0].secret, undefined);
        delete a.body.data.items[0].secret;
      }
      // secrets are stripped: the replay has no value where the original showed "******"
      const config = a.body.data?.config as Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(config ?? {})) if (v === "******") delete config![k];
      assert.deepEqual(b.body, a.body, path);
    }
    const [a, b] = await Promise.all([
      call(sb, "GET", "/connections/c_pg/schemas"),
      call(replay, "GET", "/connections/c_pg/schemas"),
    ]);
    assert.deepEqual(b.body, a.body);
    assert.deepEqual(replay.snapshot(), seed, "a snapshot of the replay is the same seed");
  });
});

Deno.test("sandbox snapshot of the demo account replays", async () => {
  await withSandbox({ connections: 40 }, async (sb) => {
    const seed = sb.snapshot();
    await using replay = await startSandbox({ seed });
    assert.equal(replay.state.connections.size, sb.state.connections.size);
    const [a, b] = await Promise.all([
      call(sb, "GET", "/connections?limit=1000"),
      call(replay, "GET", "/connections?limit=1000"),
    ]);
    assert.deepEqual(
      b.body.data.items.map((c: { id: string }) => c.id),
      a.body.data.items.map((c: { id: string }) => c.id),
    );
  });
});
