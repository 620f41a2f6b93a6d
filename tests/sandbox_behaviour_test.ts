/**
 * Stateful behaviour of the sandbox: CRUD that sticks, syncs and
 * transformation runs that move through (injected) time, setup tests,
 * resync conflicts and schema config changes.
 */

import assert from "node:assert/strict";
import { createManualClock, DEMO, type Sandbox } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const OPTS = () => ({ connections: 40, clock: createManualClock(), syncSeconds: 30 });

async function status(sb: Sandbox, id: string) {
  const res = await call(sb, "GET", `/connections/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

Deno.test("sandbox keeps state: a created connection reads back, pauses, resumes and is deleted", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const created = await call(sb, "POST", "/connections", {
      body: {
        group_id: DEMO.smallGroupId,
        service: "postgres",
        config: { schema_prefix: "erp", host: "erp.db", port: 5432, user: "u", password: "p", database: "erp" },
      },
    });
    assert.equal(created.status, 201);
    const id = created.body.data.id;
    assert.equal(created.body.data.status.setup_state, "connected");
    assert.ok(created.body.data.setup_tests.every((t: { status: string }) => t.status === "PASSED"));
    const read = await status(sb, id);
    assert.equal(read.schema, "erp");
    assert.equal(read.config.password, "******");
    const list = await call(sb, "GET", `/groups/${DEMO.smallGroupId}/connections`);
    assert.ok(list.body.data.items.some((c: { id: string }) => c.id === id));

    const dup = await call(sb, "POST", "/connections", {
      body: { group_id: DEMO.smallGroupId, service: "postgres", config: { schema_prefix: "erp" } },
    });
    assert.equal(dup.status, 409, "the same schema in the same group is a conflict, never a duplicate");

    await call(sb, "PATCH", `/connections/${id}`, { body: { paused: true } });
    assert.equal((await status(sb, id)).status.sync_state, "paused");
    assert.equal((await status(sb, id)).paused, true);
    await call(sb, "PATCH", `/connections/${id}`, { body: { paused: false } });
    assert.equal((await status(sb, id)).status.sync_state, "scheduled");

    assert.equal((await call(sb, "DELETE", `/connections/${id}`)).status, 200);
    assert.equal((await call(sb, "GET", `/connections/${id}`)).status, 404);
    assert.equal((await call(sb, "DELETE", `/connections/${id}`)).status, 404);
  });
});

Deno.test("sandbox syncs move from syncing to scheduled with a new succeeded_at after the sync duration", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.renamedConnectionId;
    const before = await status(sb, id);
    assert.equal(before.status.sync_state, "scheduled");
    const sync = await call(sb, "POST", `/connections/${id}/sync`, { body: { force: false } });
    assert.equal(sync.status, 200);
    assert.equal(sync.body.code, "Success");
    assert.equal(sync.body.data, undefined);
    assert.equal((await status(sb, id)).status.sync_state, "syncing");
    sb.advance(29_000);
    assert.equal((await status(sb, id)).status.sync_state, "syncing");
    sb.advance(1_000);
    const after = await status(sb, id);
    assert.equal(after.status.sync_state, "scheduled");
    assert.ok(Date.parse(after.succeeded_at) > Date.parse(before.succeeded_at));
    assert.equal(after.failed_at, before.failed_at);
  });
});

Deno.test("sandbox sync of a connection seeded to fail ends with a newer failed_at", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.failingConnectionId;
    const before = await status(sb, id);
    assert.ok(Date.parse(before.failed_at) > Date.parse(before.succeeded_at));
    await call(sb, "POST", `/connections/${id}/sync`, { body: {} });
    sb.advance(30_000);
    const after = await status(sb, id);
    assert.equal(after.status.sync_state, "scheduled");
    assert.ok(Date.parse(after.failed_at) > Date.parse(before.failed_at));
    assert.equal(after.succeeded_at, before.succeeded_at);
    assert.equal(after.status.update_state, "delayed");
  });
});

Deno.test("sandbox force restarts a running sync and a plain sync leaves it alone", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.renamedConnectionId;
    await call(sb, "POST", `/connections/${id}/sync`);
    sb.advance(20_000);
    const again = await call(sb, "POST", `/connections/${id}/sync`, { body: { force: false } });
    assert.match(again.body.message, /already running/);
    sb.advance(10_000);
    assert.equal((await status(sb, id)).status.sync_state, "scheduled");
    await call(sb, "POST", `/connections/${id}/sync`);
    sb.advance(20_000);
    await call(sb, "POST", `/connections/${id}/sync`, { body: { force: true } });
    sb.advance(20_000);
    assert.equal((await status(sb, id)).status.sync_state, "syncing", "force restarted the sync");
    sb.advance(10_000);
    assert.equal((await status(sb, id)).status.sync_state, "scheduled");
  });
});

Deno.test("sandbox syncs a paused connection and returns it to paused", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.pausedConnectionId;
    const before = await status(sb, id);
    assert.equal(before.status.sync_state, "paused");
    assert.equal((await call(sb, "POST", `/connections/${id}/sync`)).status, 200);
    assert.equal((await status(sb, id)).status.sync_state, "syncing");
    sb.advance(30_000);
    const after = await status(sb, id);
    assert.equal(after.status.sync_state, "paused");
    assert.ok(Date.parse(after.succeeded_at) > Date.parse(before.succeeded_at));
  });
});

Deno.test("sandbox rescheduled connections resume at rescheduled_for (auto) or wait for a sync (manual)", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const auto = await status(sb, DEMO.rescheduledConnectionId);
    assert.equal(auto.status.sync_state, "rescheduled");
    const at = Date.parse(auto.status.rescheduled_for);
    assert.equal(at - sb.now(), 15 * 60_000);
    sb.advance(15 * 60_000);
    const resumed = await status(sb, DEMO.rescheduledConnectionId);
    assert.equal(resumed.status.sync_state, "syncing");
    assert.equal(resumed.status.rescheduled_for, undefined);
    sb.advance(30_000);
    const done = await status(sb, DEMO.rescheduledConnectionId);
    assert.equal(done.status.sync_state, "scheduled");
    assert.equal(Date.parse(done.succeeded_at), at + 30_000);

    const manual = await status(sb, DEMO.manualRescheduledConnectionId);
    assert.equal(manual.schedule_type, "manual");
    assert.equal(manual.status.sync_state, "rescheduled", "still waiting after rescheduled_for");
    await call(sb, "POST", `/connections/${DEMO.manualRescheduledConnectionId}/sync`);
    sb.advance(30_000);
    assert.equal((await status(sb, DEMO.manualRescheduledConnectionId)).status.sync_state, "scheduled");
  });
});

Deno.test("sandbox setup tests pass a cert-broken connection once trust_certificates is sent", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.certBrokenConnectionId;
    assert.equal((await status(sb, id)).status.setup_state, "broken");
    const noBody = await call(sb, "POST", `/connections/${id}/test`);
    assert.equal(noBody.status, 400, "the body is required");
    const fail = await call(sb, "POST", `/connections/${id}/test`, { body: {} });
    assert.equal(fail.status, 200);
    const cert = fail.body.data.setup_tests.find((t: { title: string }) => t.title === "Validating certificate");
    assert.equal(cert.status, "FAILED");
    assert.match(cert.message, /trust_certificates/);
    assert.equal(fail.body.data.status.setup_state, "broken");
    assert.equal((await call(sb, "GET", `/connections/${id}/certificates`)).body.data.items.length, 0);

    const pass = await call(sb, "POST", `/connections/${id}/test`, { body: { trust_certificates: true } });
    assert.ok(pass.body.data.setup_tests.every((t: { status: string }) => t.status === "PASSED"));
    assert.equal(pass.body.data.status.setup_state, "connected");
    const certs = await call(sb, "GET", `/connections/${id}/certificates`);
    assert.equal(certs.body.data.items.length, 1);
    assert.equal(certs.body.data.items[0].validated_by, DEMO.userId);
    // revoking it breaks the connection again
    await call(sb, "DELETE", `/connections/${id}/certificates/${certs.body.data.items[0].hash}`);
    assert.equal((await status(sb, id)).status.setup_state, "broken");
  });
});

Deno.test("sandbox setup tests pass a fingerprint-broken connection once trust_fingerprints is sent", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.fingerprintBrokenConnectionId;
    const fail = await call(sb, "POST", `/connections/${id}/test`, { body: { trust_certificates: true } });
    const fp = fail.body.data.setup_tests.find((t: { title: string }) => /host key/.test(t.title));
    assert.equal(fp.status, "FAILED");
    assert.match(fp.message, /trust_fingerprints/);
    const pass = await call(sb, "POST", `/connections/${id}/test`, { body: { trust_fingerprints: true } });
    assert.equal(pass.body.data.status.setup_state, "connected");
    assert.equal((await call(sb, "GET", `/connections/${id}/fingerprints`)).body.data.items.length, 1);
  });
});

Deno.test("sandbox setup tests keep failing a credentials-broken connection until the password is patched", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.credentialsBrokenConnectionId;
    const fail = await call(sb, "POST", `/connections/${id}/test`, {
      body: { trust_certificates: true, trust_fingerprints: true },
    });
    const failed = fail.body.data.setup_tests.filter((t: { status: string }) => t.status === "FAILED");
    assert.equal(failed.length, 1);
    assert.match(failed[0].message, /password authentication failed/);
    assert.ok(fail.body.data.setup_tests.some((t: { status: string }) => t.status === "SKIPPED"));
    assert.equal(fail.body.data.status.setup_state, "broken");
    const patched = await call(sb, "PATCH", `/connections/${id}`, { body: { config: { password: "n3w" } } });
    assert.equal(patched.body.data.status.setup_state, "connected");
    assert.ok(patched.body.data.setup_tests.length > 0, "a config change runs the setup tests");
  });
});

Deno.test("sandbox setup tests answer WARNING and incomplete failures with clear messages", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const warn = await call(sb, "POST", `/connections/${DEMO.warningConnectionId}/test`, { body: {} });
    assert.ok(warn.body.data.setup_tests.some((t: { status: string }) => t.status === "WARNING"));
    assert.equal(warn.body.data.status.setup_state, "connected");
    const inc = await call(sb, "POST", `/connections/${DEMO.incompleteConnectionId}/test`, { body: {} });
    assert.match(inc.body.data.setup_tests[0].message, /bucket/);
    assert.equal(inc.body.data.status.setup_state, "incomplete");
  });
});

Deno.test("sandbox answers 409 to a resync while paused, broken or syncing, else starts one", async () => {
  await withSandbox(OPTS(), async (sb) => {
    for (const id of [DEMO.pausedConnectionId, DEMO.certBrokenConnectionId, DEMO.syncingConnectionId]) {
      const res = await call(sb, "POST", `/connections/${id}/resync`, { body: {} });
      assert.equal(res.status, 409, id);
      assert.equal(res.body.code, "Conflict");
    }
    const empty = await call(sb, "POST", `/connections/${DEMO.renamedConnectionId}/resync`, { body: { scope: {} } });
    assert.equal(empty.status, 400);
    const ok = await call(sb, "POST", `/connections/${DEMO.renamedConnectionId}/resync`, {
      body: { scope: { sales: ["Orders"] } },
    });
    assert.equal(ok.status, 200);
    assert.equal((await status(sb, DEMO.renamedConnectionId)).status.sync_state, "syncing");
    const tables = await call(sb, "POST", `/connections/${DEMO.renamedConnectionId}/schemas/tables/resync`, {
      body: { sales: ["Orders"] },
    });
    assert.equal(tables.status, 409, "table resync conflicts while syncing too");
  });
});

Deno.test("sandbox schema config shows renamed destination names and keeps a disabled table disabled", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const id = DEMO.renamedConnectionId;
    const cfg = (await call(sb, "GET", `/connections/${id}/schemas`)).body.data;
    assert.equal(cfg.schemas.sales.name_in_destination, "shop_sales");
    assert.equal(cfg.schemas.sales.tables.Orders.name_in_destination, "orders");
    assert.equal(cfg.schemas.sales.tables.Orders.columns.CustomerID.name_in_destination, "customer_id");
    assert.equal(cfg.schemas.sales.tables.AuditLog.enabled, false);
    const patched = await call(sb, "PATCH", `/connections/${id}/schemas/sales/tables/Orders`, {
      body: { enabled: false },
    });
    assert.equal(patched.body.data.schemas.sales.tables.Orders.enabled, false);
    await call(sb, "POST", `/connections/${id}/sync`);
    sb.advance(60_000);
    await call(sb, "POST", `/connections/${id}/schemas/reload`, { body: { exclude_mode: "PRESERVE" } });
    const again = (await call(sb, "GET", `/connections/${id}/schemas`)).body.data;
    assert.equal(again.schemas.sales.tables.Orders.enabled, false, "still disabled");
    const pk = await call(sb, "PATCH", `/connections/${id}/schemas/sales/tables/Orders/columns/OrderID`, {
      body: { enabled: false },
    });
    assert.equal(pk.status, 400);
    assert.match(pk.body.message, /primary key/);
    const missing = await call(sb, "PATCH", `/connections/${id}/schemas/nope`, { body: { enabled: true } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "NotFound_Schema");
    const cols = await call(sb, "GET", `/connections/${id}/schemas/sales/tables/Customers/columns`);
    assert.equal(cols.body.data.columns.EmailAddress.hashed, true);
  });
});

Deno.test("sandbox transformation runs move RUNNING to SUCCEEDED or FAILED, and cancel to CANCELED", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const run = async (id: string) => {
      assert.equal((await call(sb, "POST", `/transformations/${id}/run`, { body: {} })).status, 200);
      return (await call(sb, "GET", `/transformations/${id}`)).body.data;
    };
    assert.equal((await run(DEMO.succeedingTransformationId)).status, "RUNNING");
    assert.equal(
      (await call(sb, "POST", `/transformations/${DEMO.succeedingTransformationId}/run`)).status,
      409,
    );
    assert.equal((await run(DEMO.failingTransformationId)).status, "RUNNING");
    sb.advance(30_000);
    const ok = (await call(sb, "GET", `/transformations/${DEMO.succeedingTransformationId}`)).body.data;
    assert.equal(ok.status, "SUCCEEDED");
    assert.ok(Date.parse(ok.last_ended_at) > Date.parse(ok.last_started_at));
    const bad = (await call(sb, "GET", `/transformations/${DEMO.failingTransformationId}`)).body.data;
    assert.equal(bad.status, "FAILED");
    await run(DEMO.succeedingTransformationId);
    assert.equal(
      (await call(sb, "POST", `/transformations/${DEMO.succeedingTransformationId}/cancel`)).status,
      200,
    );
    const canceled = (await call(sb, "GET", `/transformations/${DEMO.succeedingTransformationId}`)).body.data;
    assert.equal(canceled.status, "CANCELED");
    assert.equal(
      (await call(sb, "POST", `/transformations/${DEMO.succeedingTransformationId}/cancel`)).status,
      409,
    );
  });
});

Deno.test("sandbox webhooks need an https url and support create, patch, test and delete", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const http = await call(sb, "POST", "/webhooks/account", {
      body: { url: "http://example.com/hook", events: ["sync_end"] },
    });
    assert.equal(http.status, 400);
    assert.match(http.body.message, /https/);
    const made = await call(sb, "POST", `/webhooks/group/${DEMO.smallGroupId}`, {
      body: { url: "https://example.com/hook", events: ["sync_end"], secret: "s3" },
    });
    assert.equal(made.status, 200);
    assert.equal(made.body.data.type, "group");
    const id = made.body.data.id;
    const patched = await call(sb, "PATCH", `/webhooks/${id}`, { body: { url: "http://insecure.example" } });
    assert.equal(patched.status, 400);
    const test = await call(sb, "POST", `/webhooks/${id}/test`, { body: { event: "sync_end" } });
    // Never delivered outside this machine: the test reports so.
    assert.equal(test.body.data.succeed, false);
    assert.match(test.body.data.message, /loopback/);
    assert.equal((await call(sb, "DELETE", `/webhooks/${id}`)).status, 200);
    assert.equal((await call(sb, "GET", `/webhooks/${id}`)).body.code, "NotFound_Webhook");
  });
});

Deno.test("sandbox groups, users and teams support CRUD and a group delete takes its connections", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const user = await call(sb, "POST", "/users", {
      body: { email: "ops@acme-corp.example", given_name: "Ops", family_name: "Bot" },
    });
    assert.equal(user.status, 201);
    assert.equal(user.body.data.invited, true);
    assert.equal(
      (await call(sb, "POST", "/users", {
        body: { email: "ops@acme-corp.example", given_name: "A", family_name: "B" },
      }))
        .status,
      409,
    );
    await call(sb, "PATCH", `/users/${user.body.data.id}`, { body: { role: "Account Analyst" } });
    assert.equal((await call(sb, "GET", `/users/${user.body.data.id}`)).body.data.role, "Account Analyst");
    assert.equal((await call(sb, "DELETE", `/users/${user.body.data.id}`)).status, 200);
    assert.equal((await call(sb, "GET", `/users/${user.body.data.id}`)).status, 404);

    const team = await call(sb, "POST", "/teams", { body: { name: "Platform", role: "Account Reviewer" } });
    assert.equal(team.status, 201);
    assert.equal((await call(sb, "DELETE", `/teams/${team.body.data.id}`)).status, 200);

    const inGroup = (await call(sb, "GET", `/groups/${DEMO.smallGroupId}/connections`)).body.data.items;
    assert.equal(inGroup.length, 3);
    assert.equal((await call(sb, "DELETE", `/destinations/${DEMO.smallGroupId}`)).status, 409);
    assert.equal((await call(sb, "DELETE", `/groups/${DEMO.smallGroupId}`)).status, 200);
    for (const c of inGroup) assert.equal((await call(sb, "GET", `/connections/${c.id}`)).status, 404);
    assert.equal((await call(sb, "GET", `/destinations/${DEMO.smallGroupId}`)).status, 404);
  });
});
