// Consistency across resources: after deleting a user, a team, a connection, a destination, a group, an agent, a
// private link, a secrets manager or a transformation project, no list or detail answer (nor the snapshot) names
// it any more: what hung on it was removed with it, or the delete was refused while something still used it.
import assert from "node:assert/strict";
import { createManualClock, DEMO, type Sandbox } from "../lib/sandbox/mod.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const LISTS = [
  "/groups",
  "/connections",
  "/users",
  "/teams",
  "/destinations",
  "/webhooks",
  "/transformations",
  "/external-logging",
  "/external-secrets-managers",
  "/external-secrets-managers-entities",
  "/hybrid-deployment-agents",
  "/proxy",
  "/private-links",
  "/connector-sdk/packages",
  "/transformation-projects",
];

/** Sub-resources listed under each item of a list. */
const UNDER: Record<string, string[]> = {
  "/groups": ["connections", "users"],
  "/users": ["groups", "connections"],
  "/teams": ["users", "groups", "connections"],
  "/proxy": ["connections"],
  "/external-secrets-managers": ["entities"],
  "/connections": ["certificates", "fingerprints"],
  "/destinations": ["certificates", "fingerprints"],
};

/** Every list, every item's details and sub-lists, and the snapshot, as `path answer` lines. */
async function crawl(sb: Sandbox): Promise<string[]> {
  const out: string[] = [];
  const get = async (path: string) => {
    const res = await call(sb, "GET", path);
    assert.ok(res.status < 500, `${path} -> ${res.status}`);
    out.push(`${path} ${JSON.stringify(res.body)}`);
    return res.body?.data;
  };
  for (const list of LISTS) {
    for (const item of (await get(`${list}?limit=1000`))?.items ?? []) {
      const id = item.id ?? item.agent_id;
      if (typeof id !== "string" || list === "/external-secrets-managers-entities") continue;
      const path = `${list}/${encodeURIComponent(id)}`;
      await get(path);
      for (const sub of UNDER[list] ?? []) await get(`${path}/${sub}?limit=1000`);
    }
  }
  out.push(`snapshot ${JSON.stringify(sb.snapshot())}`);
  return out;
}

/** Fail naming every answer that still names one of `ids` as a JSON string. */
async function assertGone(sb: Sandbox, what: string, ids: string[]): Promise<void> {
  const answers = await crawl(sb);
  for (const id of ids) {
    const still = answers.filter((a) => a.includes(`"${id}"`)).map((a) => {
      const i = a.indexOf(`"${id}"`);
      return `${a.slice(0, a.indexOf(" "))}: …${a.slice(Math.max(0, i - 120), i + id.length + 2)}`;
    });
    assert.deepEqual(still, [], `after deleting ${what}, '${id}' is still visible`);
  }
}

type Ok = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown> & { id: string }>;

function caller(sb: Sandbox): { ok: Ok; refused: (path: string) => Promise<void> } {
  const ok: Ok = async (method, path, body) => {
    const res = await call(sb, method, path, body === undefined ? {} : { body });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const refused = async (path: string) => {
    const res = await call(sb, "DELETE", path);
    assert.ok([400, 409].includes(res.status), `DELETE ${path} while in use: ${res.status}`);
    assert.equal(typeof res.body.message, "string");
  };
  return { ok, refused };
}

const pg = (schema: string, extra: Record<string, unknown> = {}) => ({
  service: "postgres",
  run_setup_tests: false,
  config: { schema_prefix: schema, host: "h", port: 5432, database: "d", user: "u", password: "p" },
  ...extra,
});

Deno.test("deleting a connection, user or team leaves no membership, transformation or agent naming it", async () => {
  await withSandbox({ connections: 20, clock: createManualClock() }, async (sb) => {
    const { ok } = caller(sb);
    const g = DEMO.smallGroupId;
    const proxy = (await ok("POST", "/proxy", { display_name: "px", group_region: "GCP_US_EAST4" })).agent_id as string;
    const conn = (await ok("POST", "/connections", {
      ...pg("gone_pg", { networking_method: "ProxyAgent", proxy_agent_id: proxy }),
      group_id: g,
    })).id;
    const sf = (await ok("POST", "/connections", {
      group_id: g,
      service: "salesforce",
      run_setup_tests: false,
      config: { schema: "gone_sf" },
    })).id;
    const user = (await ok("POST", "/users", { email: "gone@example.com", given_name: "G", family_name: "One" })).id;
    const team = (await ok("POST", "/teams", { name: "Gone team", role: "Account Reviewer" })).id;
    await ok("POST", `/users/${user}/connections`, { id: conn, role: "Connector Reviewer" });
    await ok("POST", `/users/${user}/groups`, { id: g, role: "Destination Reviewer" });
    await ok("POST", `/teams/${team}/users`, { user_id: user, role: "Team Member" });
    await ok("POST", `/teams/${DEMO.teamId}/users`, { user_id: user, role: "Team Member" });
    await ok("POST", `/teams/${team}/connections`, { id: conn, role: "Connector Reviewer" });
    await ok("POST", `/teams/${team}/groups`, { id: g, role: "Destination Reviewer" });
    const meta =
      ((await ok("GET", "/transformations/package-metadata?service=salesforce")).items as { name: string }[])[0];
    const quick = (await ok("POST", "/transformations", {
      type: "QUICKSTART",
      transformation_config: { package_name: meta.name, connection_ids: [sf] },
    })).id;
    const shared = (await ok("POST", "/transformations", {
      type: "QUICKSTART",
      transformation_config: { package_name: meta.name, connection_ids: [sf, DEMO.failingConnectionId] },
    })).id;

    // a Quickstart transformation of a deleted connection goes with it; one that models others too forgets it
    await ok("DELETE", `/connections/${sf}`);
    await assertGone(sb, "a connection in Quickstart transformations", [sf, quick]);
    const kept = await ok("GET", `/transformations/${shared}`);
    assert.deepEqual((kept.schedule as { connection_ids: string[] }).connection_ids, [DEMO.failingConnectionId]);

    await ok("DELETE", `/users/${user}`);
    await assertGone(sb, "a user with memberships", [user]);
    await ok("DELETE", `/teams/${team}`);
    await assertGone(sb, "a team with memberships", [team]);
    await ok("DELETE", `/connections/${conn}`);
    await assertGone(sb, "a connection with memberships and a proxy agent", [conn]);
    assert.deepEqual((await ok("GET", `/proxy/${proxy}/connections`)).items, []);
  });
});

Deno.test("deleting a group removes everything that hangs on it, and agents, links and managers are refused while used", async () => {
  await withSandbox({ connections: 20, clock: createManualClock() }, async (sb) => {
    const { ok, refused } = caller(sb);
    const g = (await ok("POST", "/groups", { name: "Doomed" })).id;
    await ok("POST", "/destinations", {
      group_id: g,
      service: "snowflake",
      time_zone_offset: "0",
      config: { host: "a.snowflakecomputing.com", port: 443, database: "D", user: "U", password: "p" },
    });
    const proxy = (await ok("POST", "/proxy", { display_name: "px", group_region: "GCP_US_EAST4" })).agent_id as string;
    const esm = (await ok("POST", "/external-secrets-managers", {
      type: "AWS_SECRET_MANAGER",
      name: "e",
      config: { role_arn: "r", external_id: "e" },
    })).id;
    const link = (await ok("POST", "/private-links", {
      name: "doomed_link",
      region: "GCP_US_EAST4",
      service: "SOURCE_GCP",
      config: { private_connection_service_id: "x" },
    })).id;
    sb.advance(61_000);
    const agent = (await ok("POST", "/hybrid-deployment-agents", {
      display_name: "doomed_agent",
      group_id: g,
      env_type: "DOCKER",
      accept_terms: true,
    })).id;
    const conn = (await ok("POST", "/connections", {
      ...pg("doomed_pg", {
        networking_method: "ProxyAgent",
        proxy_agent_id: proxy,
        external_secrets_manager_id: esm,
        hybrid_deployment_agent_id: agent,
      }),
      group_id: g,
    })).id;
    const linked =
      (await ok("POST", "/connections", { ...pg("doomed_pl", { private_link_id: link }), group_id: g })).id;
    const user = (await ok("POST", "/users", { email: "doomed@example.com", given_name: "D", family_name: "U" })).id;
    await ok("POST", `/users/${user}/groups`, { id: g, role: "Destination Reviewer" });
    await ok("POST", `/users/${user}/connections`, { id: conn, role: "Connector Reviewer" });
    await ok("POST", `/teams/${DEMO.teamId}/groups`, { id: g, role: "Destination Reviewer" });
    await ok("POST", `/teams/${DEMO.teamId}/connections`, { id: linked, role: "Connector Reviewer" });
    const hook = (await ok("POST", `/webhooks/group/${g}`, {
      url: "http://127.0.0.1:9/h",
      events: ["sync_end"],
      active: false,
    })).id;
    await ok("POST", "/external-logging", {
      group_id: g,
      service: "dynatrace",
      config: { access_token: "t", environment_id: "e" },
    });
    const project = (await ok("POST", "/transformation-projects", {
      group_id: g,
      type: "DBT_CORE",
      project_config: { dbt_version: "1.7.1", default_schema: "a", git_remote_url: "git@x:a/b.git" },
    })).id;
    const dbt = (await ok("POST", "/transformations", {
      type: "DBT_CORE",
      transformation_config: { project_id: project, name: "d", steps: [{ name: "run", command: "dbt run" }] },
    })).id;

    // in use: refused, and nothing changed
    await refused(`/proxy/${proxy}`);
    await refused(`/external-secrets-managers/${esm}`);
    await refused(`/private-links/${link}`);
    await refused(`/hybrid-deployment-agents/${agent}`);
    await refused(`/transformation-projects/${project}`);
    await refused(`/destinations/${g}`);

    await ok("DELETE", `/groups/${g}`);
    await assertGone(sb, "a group", [g, conn, linked, hook, agent, project, dbt]);
    // what was only used by the group's connections can go now, and leaves nothing behind either
    await ok("DELETE", `/proxy/${proxy}`);
    await ok("DELETE", `/external-secrets-managers/${esm}`);
    await ok("DELETE", `/private-links/${link}`);
    await assertGone(sb, "an agent, a secrets manager and a private link", [proxy, esm, link]);
    // the user stays, without the group's memberships
    assert.deepEqual((await ok("GET", `/users/${user}/groups`)).items, []);
    assert.deepEqual((await ok("GET", `/users/${user}/connections`)).items, []);
  });
});

Deno.test("deleting a destination frees its proxy agent and leaves nothing naming it", async () => {
  await withSandbox({ connections: 10, clock: createManualClock() }, async (sb) => {
    const { ok } = caller(sb);
    const g = (await ok("POST", "/groups", { name: "Destination only" })).id;
    const proxy = (await ok("POST", "/proxy", { display_name: "dpx", group_region: "GCP_US_EAST4" }))
      .agent_id as string;
    await ok("POST", "/destinations", {
      group_id: g,
      service: "snowflake",
      time_zone_offset: "0",
      networking_method: "ProxyAgent",
      proxy_agent_id: proxy,
      config: { host: "a.snowflakecomputing.com", port: 443, database: "D", user: "U", password: "p" },
    });
    const item = () => ok("GET", "/proxy").then((d) => (d.items as { id: string }[]).find((a) => a.id === proxy));
    assert.equal(((await item()) as unknown as { destination_count: number }).destination_count, 1);
    await ok("DELETE", `/destinations/${g}`);
    assert.equal(((await item()) as unknown as { destination_count: number }).destination_count, 0);
    await ok("DELETE", `/proxy/${proxy}`);
    await assertGone(sb, "a destination and its proxy agent", [proxy]);
    const answers = await crawl(sb);
    assert.ok(!answers.some((a) => a.startsWith("/destinations?") && a.includes(`"${g}"`)), "the destination is gone");
  });
});

Deno.test("the account's last Account Administrator can't be deleted, as Fivetran documents", async () => {
  await withSandbox({ connections: 5, clock: createManualClock() }, async (sb) => {
    const admins = (await call(sb, "GET", "/users")).body.data.items.filter((u: { role: string }) =>
      u.role === "Account Administrator"
    );
    assert.ok(admins.length >= 2);
    for (const admin of admins.slice(1)) assert.equal((await call(sb, "DELETE", `/users/${admin.id}`)).status, 200);
    const last = await call(sb, "DELETE", `/users/${admins[0].id}`);
    assert.equal(last.status, 400);
    assert.equal(last.body.code, "InvalidInput");
    assert.match(last.body.message, /last Account Administrator/);
    assert.equal((await call(sb, "GET", `/users/${admins[0].id}`)).status, 200);
  });
});

Deno.test("a connection or transformation deleted mid-run sends no more webhook events", async () => {
  await withSandbox({ connections: 5, clock: createManualClock(), syncSeconds: 10 }, async (sb) => {
    const { ok } = caller(sb);
    // a local receiver, so events are really delivered
    const received: string[] = [];
    await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
      received.push(JSON.parse(await req.text()).event);
      return new Response("ok");
    });
    await ok("POST", "/webhooks/account", {
      url: `http://127.0.0.1:${server.addr.port}/hook`,
      events: ["sync_end", "transformation_run_succeeded", "transformation_run_failed"],
      active: true,
    });
    const conn = (await ok("POST", "/connections", { ...pg("midrun_pg"), group_id: DEMO.smallGroupId })).id;
    await ok("POST", `/connections/${conn}/sync`, {});
    await ok("POST", `/transformations/${DEMO.succeedingTransformationId}/run`, {});
    await ok("DELETE", `/connections/${conn}`);
    await ok("DELETE", `/transformations/${DEMO.succeedingTransformationId}`);
    sb.advance(60_000);
    await sb.webhooksIdle();
    const delivered = sb.webhookDeliveries().filter((d) => d.url.includes(String(server.addr.port)));
    assert.ok(delivered.some((d) => d.event === "sync_end"), "other connections' events still arrive");
    const ours = delivered.filter((d) => d.body.includes(conn) || d.body.includes(DEMO.succeedingTransformationId));
    assert.deepEqual(ours.map((d) => d.event), [], `events of deleted resources: ${ours.map((d) => d.body)}`);
  });
});
