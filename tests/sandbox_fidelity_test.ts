// The sandbox follows the live API where Fivetran's own clients show it differs from the spec
// (the fidelity table in lib/sandbox/README.md), and knows every service of the spec.
import assert from "node:assert/strict";
import { call, withSandbox } from "./sandbox_helpers.ts";

const SEED = {
  groups: [{ id: "g1", name: "Testing" }],
  users: [{ id: "u1", email: "admin@acme.example", given_name: "Ada" }],
};

Deno.test("sandbox accepts every service of the spec and validates config against its schema, naming the field", async () => {
  await withSandbox({ seed: SEED }, async (sb) => {
    for (
      const [service, config] of [
        ["sql_server_rds", { schema_prefix: "rds", host: "db.example", port: 1433, user: "u", password: "p" }],
        ["itunes_connect", { schema: "itunes", username: "fivetran", password: "pw" }],
        ["15five", { schema: "five", api_key: "k" }],
      ] as const
    ) {
      const res = await call(sb, "POST", "/connections", { body: { group_id: "g1", service, config } });
      assert.equal(res.status, 201, `${service}: ${JSON.stringify(res.body)}`);
    }
    const types = await call(sb, "GET", "/metadata/connector-types?limit=1000");
    const ids: string[] = types.body.data.items.map((s: { id: string }) => s.id);
    assert.ok(ids.length >= 773, `${ids.length} services`);
    assert.deepEqual(ids, [...ids].sort(), "sorted by id");
    assert.equal(types.body.data.items[0].id, "15five");
    assert.equal(types.body.data.items[0].name, "15Five");

    const wrongType = await call(sb, "POST", "/connections", {
      body: { group_id: "g1", service: "postgres", config: { schema_prefix: "x", port: "not-a-port" } },
    });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.message, /config\.port/);
    // Config fields the spec doesn't list are kept, as the live API does; unknown top-level fields are refused.
    const unlisted = await call(sb, "POST", "/connections", {
      body: { group_id: "g1", service: "postgres", config: { schema_prefix: "y", replica_hint: "eu" } },
    });
    assert.equal(unlisted.status, 201);
    assert.equal(unlisted.body.data.config.replica_hint, "eu");
    const badEnum = await call(sb, "POST", "/connections", {
      body: { group_id: "g1", service: "postgres", config: { schema_prefix: "z", connection_type: "Carrier pigeon" } },
    });
    assert.equal(badEnum.status, 400);
    assert.match(badEnum.body.message, /config\.connection_type/);
    const missing = await call(sb, "POST", "/connections", {
      body: { group_id: "g1", service: "itunes_connect", config: {} },
    });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /config\.schema/);
    assert.equal((await call(sb, "POST", "/groups", { body: { name: "x", colour: "red" } })).status, 400);
  });
});

Deno.test("sandbox masks every field the spec marks format: password on read", async () => {
  await withSandbox({ seed: SEED }, async (sb) => {
    const made = await call(sb, "POST", "/connections", {
      body: { group_id: "g1", service: "15five", config: { schema: "five", api_key: "key-123" } },
    });
    assert.equal(made.body.data.config.api_key, "******");
    const dest = await call(sb, "POST", "/destinations", {
      body: {
        group_id: "g1",
        service: "snowflake",
        time_zone_offset: "0",
        config: { host: "h", port: 443, user: "u", password: "pw", passphrase: "pp" },
      },
    });
    assert.equal(dest.body.data.config.password, "******");
    assert.equal(dest.body.data.config.passphrase, "******");
  });
});

Deno.test("sandbox reads like the live API: null is not set, scalars are coerced, destination numbers are strings", async () => {
  await withSandbox({ seed: SEED }, async (sb) => {
    const made = await call(sb, "POST", "/connections", {
      body: {
        group_id: "g1",
        service: "itunes_connect",
        run_setup_tests: false,
        data_delay_sensitivity: null,
        data_delay_threshold: null,
        paused: "true",
        sync_frequency: "60",
        config: { schema: "itunes_e2e", username: "f", password: "p", app_ids: null },
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const c = made.body.data;
    assert.equal(c.paused, true);
    assert.equal(c.sync_frequency, 60);
    assert.equal(c.data_delay_sensitivity, "NORMAL");
    assert.equal(c.status.setup_state, "incomplete");
    assert.equal(c.status.is_historical_sync, true);
    assert.deepEqual(c.status.tasks, []);
    assert.equal("app_ids" in c.config, false);

    const dest = await call(sb, "POST", "/destinations", {
      body: {
        group_id: "g1",
        service: "snowflake",
        time_zone_offset: "+10",
        run_setup_tests: false,
        config: { host: "acct.snowflakecomputing.com", port: 443, database: "fivetran", auth: "PASSWORD" },
      },
    });
    assert.equal(dest.status, 201, JSON.stringify(dest.body));
    assert.equal(dest.body.data.region, "GCP_US_EAST4");
    assert.equal(dest.body.data.setup_status, "incomplete");
    assert.equal(dest.body.data.config.port, "443");

    const invited = await call(sb, "POST", "/users", {
      body: { email: "new@acme.example", given_name: "N", family_name: "U" },
    });
    assert.equal("logged_in_at" in invited.body.data, false);

    const groups = await call(sb, "GET", "/groups");
    assert.equal(groups.body.message, "Groups retrieved successfully");
    assert.equal((await call(sb, "GET", "/connections")).body.message, "Connections list retrieved successfully");
    assert.equal((await call(sb, "GET", "/destinations")).body.message, "Destinations list retrieved successfully");
    assert.equal((await call(sb, "GET", "/account/info")).body.message, "Account information retrieved successfully");
    const team = await call(sb, "POST", "/teams", { body: { name: "T", role: "Account Reviewer" } });
    assert.equal((await call(sb, "DELETE", `/teams/${team.body.data.id}`)).body.message, "Team has been deleted");
  });
});

Deno.test("sandbox copies of one database connection see the same schemas, so schema PATCHes work on the copy", async () => {
  await withSandbox({ seed: SEED }, async (sb) => {
    const source = { host: "orders.db.example", port: 5432, database: "shop", user: "u", password: "p" };
    const ids: string[] = [];
    for (const prefix of ["pg_a", "pg_b"]) {
      const res = await call(sb, "POST", "/connections", {
        body: { group_id: "g1", service: "postgres", config: { schema_prefix: prefix, ...source } },
      });
      assert.equal(res.status, 201);
      ids.push(res.body.data.id);
    }
    const [a, b] = await Promise.all(ids.map((id) => call(sb, "GET", `/connections/${id}/schemas`)));
    const names = (r: typeof a) => Object.keys(r.body.data.schemas).sort();
    assert.deepEqual(names(a), names(b));
    const schema = names(a)[0];
    const patched = await call(sb, "PATCH", `/connections/${ids[1]}/schemas/${schema}`, { body: { enabled: false } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
  });
});

Deno.test("sandbox journal masks the spec's password fields of a service, not only secret-looking names", async () => {
  await withSandbox({ seed: SEED }, async (sb) => {
    const made = await call(sb, "POST", "/connections", {
      body: {
        group_id: "g1",
        service: "adp_workforce_now",
        config: { schema: "adp", client_id: "id", ws_certificate: "CERT-SECRET-123" },
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.data.config.ws_certificate, "******");
    const journal = JSON.stringify(sb.journal());
    assert.ok(!journal.includes("CERT-SECRET-123"));
  });
});
