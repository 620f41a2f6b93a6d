/**
 * The demo account: deterministic, realistic, with every state represented;
 * and account fixtures loaded with --seed.
 */

import assert from "node:assert/strict";
import { createManualClock, DEMO, demoAccount, type SandboxSeed } from "../lib/sandbox/mod.ts";
import { call, listAll, withSandbox } from "./sandbox_helpers.ts";

Deno.test("sandbox demo account is the same for the same random seed and differs for another", () => {
  const a = JSON.stringify(demoAccount({ randomSeed: 3 }));
  const b = JSON.stringify(demoAccount({ randomSeed: 3 }));
  const c = JSON.stringify(demoAccount({ randomSeed: 4 }));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

Deno.test("sandbox demo account answers identically for the same seed and clock", async () => {
  const snapshot = async () => {
    let out = "";
    await withSandbox({ clock: createManualClock(), randomSeed: 5 }, async (sb) => {
      out = JSON.stringify(await listAll(sb, "/connections", 1000));
    });
    return out;
  };
  assert.equal(await snapshot(), await snapshot());
});

Deno.test("sandbox demo account represents every sync and setup state with realistic configs", async () => {
  await withSandbox({ clock: createManualClock() }, async (sb) => {
    const all = await listAll(sb, "/connections", 1000);
    assert.equal(all.length, 300);
    const syncStates = new Set(all.map((c) => c.status.sync_state));
    const setupStates = new Set(all.map((c) => c.status.setup_state));
    assert.deepEqual([...syncStates].sort(), ["paused", "rescheduled", "scheduled", "syncing"]);
    assert.deepEqual([...setupStates].sort(), ["broken", "connected", "incomplete"]);
    assert.ok(all.some((c) => c.failed_at && Date.parse(c.failed_at) > Date.parse(c.succeeded_at)));
    assert.ok(all.some((c) => c.status.warnings.length > 0));
    assert.ok(new Set(all.map((c) => c.service)).size >= 20, "many services");
    const states = sb.state.connections.all();
    assert.ok(states.filter((c) => c.brokenReason === "certificate").length >= 2);
    for (const id of Object.values(DEMO)) {
      assert.ok(
        sb.state.groups.get(id) || sb.state.connections.get(id) || sb.state.users.get(id) ||
          sb.state.teams.get(id) || sb.state.webhooks.get(id) || sb.state.transformations.get(id) ||
          id === DEMO.accountId,
        `DEMO id ${id} exists`,
      );
    }
    for (const id of [DEMO.bigGroupId, DEMO.smallGroupId]) {
      assert.match(id, /^[a-z]+_[a-z]+$/);
    }
    const groups = await listAll(sb, "/groups");
    assert.equal(groups.length, 5);
    const services = new Set((await listAll(sb, "/destinations")).map((d) => d.service));
    assert.deepEqual([...services].sort(), ["big_query", "databricks", "redshift", "snowflake"]);
    const big = await listAll(sb, `/groups/${DEMO.bigGroupId}/connections`);
    assert.ok(big.length > 200);
    const pg = (await call(sb, "GET", `/connections/${DEMO.certBrokenConnectionId}`)).body.data;
    for (const key of ["host", "port", "user", "password", "database"]) assert.ok(key in pg.config, key);
    assert.equal(
      (await call(sb, "GET", `/connections/${DEMO.syncingConnectionId}`)).body.data.status.sync_state,
      "syncing",
    );
    const users = await listAll(sb, "/users");
    assert.ok(users.length >= 5 && users.some((u) => !u.active));
    assert.equal((await listAll(sb, "/teams")).length, 3);
    assert.equal((await listAll(sb, "/transformations")).length, 3);
  });
});

Deno.test("sandbox loads an account fixture from a JSON file with relative times", async () => {
  const seed: SandboxSeed = {
    account: { id: "fixture_account", name: "Fixture" },
    groups: [{ id: "fixture_group", name: "Fixture Group" }],
    destinations: [{ group_id: "fixture_group", service: "snowflake", time_zone_offset: "0" }],
    users: [{ id: "fixture_user", email: "me@example.com" }],
    connections: [
      {
        id: "fixture_pg",
        group_id: "fixture_group",
        service: "postgres",
        config: { schema_prefix: "pg", host: "db", user: "u", password: "p" },
        succeeded_at: "now-1h",
        sync_state: "rescheduled",
        rescheduled_for: "now+10m",
        schemas: { Sales: { tables: { Orders: { columns: { OrderID: { is_primary_key: true } } } } } },
      },
      { id: "fixture_sf", group_id: "fixture_group", service: "salesforce", setup_state: "broken" },
    ],
  };
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify(seed));
    const clock = createManualClock(Date.parse("2026-03-01T00:00:00Z"));
    await withSandbox({ seed: file, clock }, async (sb) => {
      assert.equal((await call(sb, "GET", "/account/info")).body.data.account_id, "fixture_account");
      const pg = (await call(sb, "GET", "/connections/fixture_pg")).body.data;
      assert.equal(pg.schema, "pg");
      assert.equal(pg.succeeded_at, "2026-02-28T23:00:00.000Z");
      assert.equal(pg.status.rescheduled_for, "2026-03-01T00:10:00.000Z");
      const cfg = (await call(sb, "GET", "/connections/fixture_pg/schemas")).body.data;
      assert.equal(cfg.schemas.Sales.name_in_destination, "pg_sales");
      const sf = (await call(sb, "GET", "/connections/fixture_sf")).body.data;
      assert.equal(sf.status.setup_state, "broken");
      assert.equal((await listAll(sb, "/connections")).length, 2);
    });
  } finally {
    await Deno.remove(file);
  }
});
