/**
 * Memberships, roles, destination trust and the public metadata endpoint of
 * the sandbox: state that sticks across resources and goes away with what it
 * names.
 */

import assert from "node:assert/strict";
import { createManualClock, DEMO, type Sandbox } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const OPTS = () => ({ connections: 20, clock: createManualClock() });

async function must(sb: Sandbox, method: string, path: string, body?: unknown) {
  const res = await call(sb, method, path, body === undefined ? {} : { body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function ids(sb: Sandbox, path: string, key = "id"): Promise<string[]> {
  return (await must(sb, "GET", path)).data.items.map((m: Record<string, string>) => m[key]);
}

Deno.test("sandbox deleting a user, team, group or connection drops the memberships that name it", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const team = (await must(sb, "POST", "/teams", { name: "Cascade" })).data.id;
    const other = (await must(sb, "POST", "/teams", { name: "Other" })).data.id;
    const user = (await must(sb, "POST", "/users", { email: "c@acme.example", given_name: "C", family_name: "D" }))
      .data.id;
    const group = (await must(sb, "POST", "/groups", { name: "Doomed" })).data.id;
    const conn = (await must(sb, "POST", "/connections", {
      group_id: group,
      service: "stripe",
      run_setup_tests: false,
      config: { schema: "doomed_stripe" },
    })).data.id;
    const keep = DEMO.pausedConnectionId;
    for (const t of [team, other]) {
      await must(sb, "POST", `/teams/${t}/users`, { user_id: user, role: "Team Member" });
      await must(sb, "POST", `/teams/${t}/groups`, { id: group, role: "View Destination" });
      await must(sb, "POST", `/teams/${t}/connections`, { id: conn, role: "View Connection" });
      await must(sb, "POST", `/teams/${t}/connections`, { id: keep, role: "View Connection" });
    }
    await must(sb, "POST", `/users/${user}/groups`, { id: group, role: "Manage Destination" });
    await must(sb, "POST", `/users/${user}/connections`, { id: conn, role: "Manage Connection" });

    await must(sb, "DELETE", `/connections/${conn}`);
    assert.deepEqual(await ids(sb, `/teams/${other}/connections`), [keep]);
    assert.deepEqual(await ids(sb, `/users/${user}/connections`), []);

    await must(sb, "DELETE", `/groups/${group}`);
    assert.deepEqual(await ids(sb, `/teams/${other}/groups`), []);
    assert.deepEqual(await ids(sb, `/users/${user}/groups`), []);

    await must(sb, "DELETE", `/users/${user}`);
    assert.deepEqual(await ids(sb, `/teams/${other}/users`, "user_id"), []);

    const deleted = await must(sb, "DELETE", `/teams/${team}`);
    assert.equal(deleted.message, "Team has been deleted");
    const gone = await call(sb, "GET", `/teams/${team}/connections`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, "NotFound_Team");
    assert.deepEqual(await ids(sb, `/teams/${other}/connections`), [keep], "another team keeps its own");
  });
});

Deno.test("sandbox group members are one set, seen from the group and from the user", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const user = (await must(sb, "POST", "/users", { email: "g@acme.example", given_name: "G", family_name: "H" }))
      .data;
    await must(sb, "POST", `/groups/${DEMO.smallGroupId}/users`, { email: user.email, role: "Edit Destination" });
    const seen = (await must(sb, "GET", `/users/${user.id}/groups/${DEMO.smallGroupId}`)).data;
    assert.equal(seen.role, "Edit Destination");
    assert.ok(!Number.isNaN(Date.parse(seen.created_at)));
    await must(sb, "PATCH", `/users/${user.id}/groups/${DEMO.smallGroupId}`, { role: "View Destination" });
    assert.ok((await ids(sb, `/groups/${DEMO.smallGroupId}/users`)).includes(user.id));
    await must(sb, "DELETE", `/groups/${DEMO.smallGroupId}/users/${user.id}`);
    assert.equal((await call(sb, "GET", `/users/${user.id}/groups/${DEMO.smallGroupId}`)).status, 404);
    // the demo's users come with their seeded group memberships
    assert.ok((await ids(sb, `/users/${DEMO.userId}/groups`)).includes(DEMO.bigGroupId));
  });
});

Deno.test("sandbox membership roles must be of the scope the membership is in", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const roles = (await must(sb, "GET", "/roles?limit=1000")).data.items;
    const scopes = new Set(roles.flatMap((r: { scope: string[] }) => r.scope));
    assert.deepEqual([...scopes].sort(), ["ACCOUNT", "CONNECTOR", "DESTINATION", "TEAM"]);
    assert.equal(roles[0].name, "Account Administrator");
    assert.equal(roles[0].replacement_role_name, "");
    const T = `/teams/${DEMO.teamId}`;
    const cases: [string, unknown, number][] = [
      [`${T}/users`, { user_id: DEMO.userId, role: "Manage Destination" }, 400],
      [`${T}/groups`, { id: DEMO.smallGroupId, role: "Team Member" }, 400],
      [`${T}/connections`, { id: DEMO.pausedConnectionId, role: "Account Reviewer" }, 400],
      [`${T}/connections`, { id: DEMO.pausedConnectionId, role: "Connector Reviewer" }, 201],
      [`${T}/connections`, { id: DEMO.pausedConnectionId, role: "Manage Connection" }, 409],
      [`${T}/groups`, { id: "no_such_group", role: "Manage Destination" }, 404],
      [`/users/${DEMO.userId}/connections`, { id: DEMO.pausedConnectionId }, 400],
    ];
    for (const [path, body, status] of cases) {
      const res = await call(sb, "POST", path, { body });
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      if (status >= 400) assert.match(res.body.message, /\S/);
    }
    const patched = await call(sb, "PATCH", `${T}/connections/${DEMO.pausedConnectionId}`, {
      body: { role: "Team Manager" },
    });
    assert.equal(patched.status, 400);
    assert.match(patched.body.message, /connection role/);
    // removing the account role leaves a team without one
    await must(sb, "DELETE", `${T}/role`);
    assert.equal((await must(sb, "GET", T)).data.role, "");
  });
});

Deno.test("sandbox destination setup tests with trust flags approve what the destination presents", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const D = `/destinations/${DEMO.marketingGroupId}`;
    assert.deepEqual(await ids(sb, `${D}/certificates`), []);
    await must(sb, "POST", `${D}/test`, { trust_certificates: true });
    const [hash] = await ids(sb, `${D}/certificates`, "hash");
    assert.ok(hash);
    assert.deepEqual(await ids(sb, `${D}/fingerprints`), [], "only what was trusted");
    const me = (await must(sb, "GET", `/users/${DEMO.userId}`)).data;
    const cert = (await must(sb, "GET", `${D}/certificates/${hash}`)).data;
    assert.equal(cert.validated_by, `${me.given_name} ${me.family_name}`);
    const approved = await call(sb, "POST", `${D}/fingerprints`, {
      body: { hash: "ab12", public_key: "ssh-rsa AAAA" },
    });
    assert.equal(approved.status, 201);
    await must(sb, "DELETE", `${D}/certificates/${hash}`);
    assert.equal((await call(sb, "GET", `${D}/certificates/${hash}`)).body.code, "NotFound_Certificate");
    // the group goes, and with it what its destination trusted
    for (const c of await ids(sb, `/groups/${DEMO.marketingGroupId}/connections?limit=1000`)) {
      await must(sb, "DELETE", `/connections/${c}`);
    }
    await must(sb, "DELETE", D);
    assert.equal((await call(sb, "GET", `${D}/fingerprints`)).body.code, "NotFound_Destination");
    assert.equal(sb.state.destinationTrust.has(DEMO.marketingGroupId), false);
  });
});

Deno.test("sandbox serves /public/connector-types without credentials and nothing else without them", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const root = new URL("/", sb.baseUrl);
    const pub = await fetch(new URL("public/connector-types", root));
    assert.equal(pub.status, 200);
    const body = await pub.json();
    assert.ok(Array.isArray(body.data) && body.data.length > 700);
    const pg = body.data.find((m: { id: string }) => m.id === "postgres");
    assert.equal(pg.name, "PostgreSQL");
    assert.equal(pg.type, "Database");
    const ids = body.data.map((m: { id: string }) => m.id);
    assert.deepEqual(ids, [...ids].sort());
    const v1 = await fetch(`${sb.baseUrl}/groups`);
    assert.equal(v1.status, 401);
    await v1.body?.cancel();
    const other = await fetch(new URL("public/nothing-here", root));
    assert.equal(other.status, 404);
    assert.equal((await other.json()).code, "NotFound");
  });
});

Deno.test("sandbox seeds give teams members, groups and connections, and refuse unknown ids", async () => {
  await withSandbox(OPTS(), async (sb) => {
    const T = `/teams/${DEMO.teamId}`;
    assert.deepEqual(await ids(sb, `${T}/users`, "user_id"), ["keen_kestrel", "sunny_ibis", "tidy_wombat"]);
    assert.equal((await must(sb, "GET", `${T}/users/keen_kestrel`)).data.role, "Team Manager");
    assert.deepEqual(await ids(sb, `${T}/groups`), [DEMO.bigGroupId, DEMO.dataScienceGroupId]);
    assert.deepEqual(await ids(sb, `${T}/connections`), [DEMO.failingConnectionId]);
  });
  const seed = {
    groups: [{ id: "g1", name: "G" }],
    teams: [{ id: "t1", name: "T", connections: [{ id: "nope", role: "View Connection" }] }],
  };
  await assert.rejects(withSandbox({ seed }, () => Promise.resolve()), /team 't1' names unknown connection 'nope'/);
});
