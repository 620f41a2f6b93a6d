// Hostile input for the sandbox tests: a populated account (one of every resource, so path parameters name things
// that exist and handlers get past their 404s) and request bodies derived from each operation's request schema in
// the spec, with one field at a time made wrong (wrong JSON type, nested nulls, unknown fields, huge strings).
import { DEMO, type Sandbox } from "../lib/sandbox/mod.ts";
import type { Route } from "../lib/sandbox/routes.ts";
import { call } from "./sandbox_helpers.ts";
import type { Json } from "./_spec.ts";

/** A request the fuzzer sends. */
export interface HostileRequest {
  /** What it is, for failure messages. */
  label: string;
  /** Raw body text (undefined: no body). */
  body?: string;
  /** Content-Type (undefined: none). */
  contentType?: string;
}

const ok = async (sb: Sandbox, method: string, path: string, body?: unknown): Promise<Json> => {
  const res = await call(sb, method, path, body === undefined ? {} : { body });
  if (res.status >= 300) throw new Error(`setup ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body?.data;
};

/**
 * Create one of each resource and answer a value for every path parameter name of the route table that names an
 * existing thing (a user, a team with that user, a log service, an agent, a link, a key, a package, a project ...).
 */
export async function populate(sb: Sandbox): Promise<Record<string, string>> {
  const g = DEMO.smallGroupId;
  const user = await ok(sb, "POST", "/users", { email: "fuzz@example.com", given_name: "F", family_name: "Z" });
  await ok(sb, "POST", `/teams/${DEMO.teamId}/users`, { user_id: user.id, role: "Team Member" });
  await ok(sb, "POST", `/users/${user.id}/groups`, { id: g, role: "Destination Reviewer" });
  await ok(sb, "POST", `/users/${user.id}/connections`, { id: DEMO.renamedConnectionId, role: "Connector Reviewer" });
  await ok(sb, "POST", "/external-logging", {
    group_id: g,
    service: "azure_monitor_log",
    config: { workspace_id: "w", primary_key: "k" },
  });
  const esm = await ok(sb, "POST", "/external-secrets-managers", {
    type: "AWS_SECRET_MANAGER",
    name: "fuzz esm",
    config: { role_arn: "arn:aws:iam::1:role/x", external_id: "e", secret_key: "s" },
  });
  const agent = await ok(sb, "POST", "/hybrid-deployment-agents", {
    display_name: "fuzz_agent",
    group_id: g,
    env_type: "DOCKER",
    accept_terms: true,
  });
  const proxy = await ok(sb, "POST", "/proxy", { display_name: "fuzz_proxy", group_region: "GCP_US_EAST4" });
  const link = await ok(sb, "POST", "/private-links", {
    name: "fuzz_link",
    region: "GCP_US_EAST4",
    service: "SOURCE_GCP",
    config: { private_connection_service_id: "x" },
  });
  sb.advance(61_000); // the link leaves CREATING
  const key = await ok(sb, "POST", "/system-keys", {
    name: "fuzz_key",
    permissions: [{ resource_type: "USER", access_level: "READ" }],
  });
  const form = new FormData();
  form.append("file", new File([new Uint8Array([0x50, 0x4b, 3, 4, 1])], "code.zip"));
  const res = await fetch(`${sb.baseUrl}/connector-sdk/packages`, {
    method: "POST",
    headers: { Authorization: sb.authorization },
    body: form,
  });
  const pkg = (await res.json()).data;
  const project = await ok(sb, "POST", "/transformation-projects", {
    group_id: g,
    type: "DBT_CORE",
    project_config: { dbt_version: "1.7.1", default_schema: "a", git_remote_url: "git@github.com:a/b.git" },
  });
  const metadata = await ok(sb, "GET", "/transformations/package-metadata?limit=1");
  const empty = await ok(sb, "POST", "/groups", { name: "fuzz empty group" });
  const cert = await ok(sb, "GET", `/connections/${DEMO.certBrokenConnectionId}/certificates`);
  return {
    connectionId: DEMO.renamedConnectionId,
    groupId: g,
    userId: user.id,
    id: user.id,
    teamId: DEMO.teamId,
    destinationId: g,
    webhookId: DEMO.webhookId,
    transformationId: DEMO.succeedingTransformationId,
    logId: g,
    esmId: esm.id,
    agentId: agent.id,
    proxyAgentId: proxy.agent_id,
    privateLinkId: link.id,
    keyId: key.id,
    package_id: pkg.id,
    projectId: project.id,
    package_definition_id: metadata.items[0].id,
    service: "postgres",
    hash: cert.items?.[0]?.hash ?? "abc",
    schemaName: "sales",
    schema: "sales",
    tableName: "Orders",
    table: "Orders",
    columnName: "CustomerID",
    emptyGroupId: empty.id,
  };
}

/** The route's path with its parameters filled from `ids` (proxy agents use `proxyAgentId`). */
export function fillPath(route: Route, ids: Record<string, string>): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const key = name === "agentId" && route.path.startsWith("/v1/proxy") ? "proxyAgentId" : name;
    return encodeURIComponent(ids[key] ?? "x");
  });
}

function resolve(spec: Json, schema: Json, depth = 0): Json {
  let s = schema;
  for (let i = 0; i < 5 && s?.$ref; i++) s = s.$ref.split("/").slice(1).reduce((o: Json, k: string) => o?.[k], spec);
  if (!s || depth > 4) return s ?? {};
  const parts = [...(s.allOf ?? []), ...(s.oneOf ?? []).slice(0, 1), ...(s.anyOf ?? []).slice(0, 1)];
  if (parts.length === 0) return s;
  const merged: Json = { type: "object", properties: { ...(s.properties ?? {}) }, required: [...(s.required ?? [])] };
  for (const p of parts) {
    const r = resolve(spec, p, depth + 1);
    Object.assign(merged.properties, r.properties ?? {});
    merged.required.push(...(r.required ?? []));
  }
  return merged;
}

/** A plausible value for a schema (the first enum value, the example, or a value of the right type). */
function plausible(spec: Json, schema: Json, depth = 0): unknown {
  const s = resolve(spec, schema);
  if (s.example !== undefined && typeof s.example !== "object") return s.example;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  switch (s.type) {
    case "string":
      return s.format === "date-time" ? "2026-01-01T00:00:00Z" : "x";
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return depth > 3 ? [] : [plausible(spec, s.items ?? {}, depth + 1)];
    default: {
      if (depth > 3 || !s.properties) return {};
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(s.properties)) out[k] = plausible(spec, s.properties[k], depth + 1);
      return out;
    }
  }
}

/** Wrong values: every JSON type, nested nulls, prototype keys, a 100 KB string, deep nesting. */
const WRONG: unknown[] = [
  null,
  [],
  [null],
  {},
  { a: null, b: [null, { c: null }] },
  0,
  -1,
  1.5,
  1e308,
  "",
  "x",
  "true",
  true,
  "🙂\u0000\ud800",
  "x".repeat(100_000),
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
];

/** Whole-body values that are not objects or are objects of the wrong kind. */
const WHOLE: string[] = [
  "",
  "{",
  "}",
  "[]",
  "null",
  "0",
  '"{}"',
  "true",
  '{"a":1,}',
  '{"a":1}{"b":2}',
  "\ufeff{}",
  "{}",
  '{"unknown_field_xyz": 1}',
  '{"": null}',
  "[".repeat(5000) + "]".repeat(5000),
  JSON.stringify({ nested: { deep: [null, { x: null }] } }),
];

/** Realistic bodies of the operations whose interesting fields sit deeper than the spec's generic schema shows. */
function realistic(ids: Record<string, string>): Record<string, Record<string, unknown>> {
  const pg = { host: "db.example.com", port: 5432, database: "shop", user: "u", password: "p", schema_prefix: "fz" };
  const schemas = {
    sales: {
      enabled: true,
      tables: { Orders: { enabled: true, sync_mode: "SOFT_DELETE", columns: { CustomerID: { hashed: true } } } },
    },
  };
  return {
    create_connection: { group_id: ids.groupId, service: "postgres", run_setup_tests: false, config: pg },
    modify_connection: { paused: true, sync_frequency: 60, config: { ...pg, schema_prefix: undefined } },
    create_destination: {
      group_id: ids.emptyGroupId,
      service: "snowflake",
      time_zone_offset: "0",
      config: { host: "a.snowflakecomputing.com", port: 443, database: "D", user: "U", password: "p" },
    },
    modify_destination: { time_zone_offset: "0", config: { host: "b.snowflakecomputing.com", port: 443 } },
    modify_connection_schema_config: { schema_change_handling: "ALLOW_ALL", schemas },
    pre_create_connection_schema_config: { schemas },
    modify_connection_database_schema_config: schemas.sales,
    modify_connection_table_config: schemas.sales.tables.Orders,
    add_log_service: { group_id: DEMO.bigGroupId, service: "datadog_log", config: { api_key: "k", region: "US1" } },
    add_account_log_service: { service: "dynatrace", config: { access_token: "t", environment_id: "e" } },
    update_log_service: { enabled: true, config: { workspace_id: "w", primary_key: "k" } },
    create_private_link: {
      name: "fz",
      region: "GCP_US_EAST4",
      service: "SOURCE_GCP",
      config: { private_connection_service_id: "x" },
    },
    modify_private_link: { config: { private_connection_service_id: "y" } },
    create_esm: { type: "AWS_SECRET_MANAGER", name: "fz", config: { role_arn: "r", external_id: "e" } },
    create_system_key: {
      name: "fz",
      permissions: [{ resource_type: "CONNECTOR", access_level: "READ", resource_filter: { ids: ["a"] } }],
    },
    update_system_key: { name: "fz2", permissions: [{ resource_type: "USER", access_level: "READ" }] },
    create_transformation_project: {
      group_id: DEMO.marketingGroupId,
      type: "DBT_CORE",
      project_config: { dbt_version: "1.7.1", default_schema: "a", git_remote_url: "git@x:a/b.git", threads: 4 },
    },
    modify_transformation_project: { project_config: { git_branch: "main", threads: 2, environment_vars: ["A=1"] } },
    create_transformation: {
      type: "DBT_CORE",
      schedule: { schedule_type: "TIME_OF_DAY", time_of_day: "11:00", days_of_week: ["MONDAY"] },
      transformation_config: { project_id: ids.projectId, name: "fz", steps: [{ name: "run", command: "dbt run" }] },
    },
    update_transformation: { schedule: { schedule_type: "INTERVAL", interval: 60 }, paused: false },
    create_account_webhook: { url: "http://127.0.0.1:9/hook", events: ["sync_end"], active: false, secret: "s" },
    create_group_webhook: { url: "http://127.0.0.1:9/hook", events: ["sync_end"], active: false },
    modify_webhook: { url: "http://127.0.0.1:9/other", events: ["sync_start"], active: false },
    add_team_membership_in_group: { id: ids.groupId, role: "Destination Reviewer" },
    add_team_membership_in_connection: { id: ids.connectionId, role: "Connector Reviewer" },
    create_hybrid_deployment_agent: {
      display_name: "fz",
      group_id: ids.groupId,
      env_type: "DOCKER",
      accept_terms: true,
    },
    create_proxy_agent: { display_name: "fz", group_region: "GCP_US_EAST4" },
    hvr_register_hub: { hub_server_url: "https://hub.example", port: 4343, fingerprint: "AB" },
    connect_card: { connect_card_config: { redirect_uri: "https://x.example", hide_setup_guide: true } },
  };
}

/** Every path into `value` (object keys and the first array item) down to `depth` levels. */
function paths(value: unknown, depth: number, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || typeof value !== "object" || value === null) return [];
  const out: (string | number)[][] = [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? (value.length ? [[0, value[0]]] : [])
    : Object.entries(value);
  for (const [k, v] of entries) {
    out.push([...prefix, k]);
    out.push(...paths(v, depth - 1, [...prefix, k]));
  }
  return out;
}

function replaced(value: unknown, path: (string | number)[], wrong: unknown): unknown {
  if (path.length === 0) return wrong;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]] = replaced(copy[path[0]], path.slice(1), wrong);
  return copy;
}

/**
 * The hostile bodies for one route: whole bodies of every shape, then a plausible body (from the spec's request
 * schema, or a realistic one) with each of its fields, down to 4 levels, replaced by each wrong value.
 */
export function hostileBodies(spec: Json, route: Route, ids: Record<string, string>): HostileRequest[] {
  const out: HostileRequest[] = WHOLE.map((body) => ({
    label: `body ${body.slice(0, 30)}`,
    body,
    contentType: "application/json",
  }));
  const op = spec.paths[route.path]?.[route.method.toLowerCase()];
  const schema = op?.requestBody?.content?.["application/json"]?.schema;
  if (!schema) return out;
  const base = realistic(ids)[route.operationId] ?? plausible(spec, resolve(spec, schema));
  out.push({ label: "plausible body", body: JSON.stringify(base), contentType: "application/json" });
  for (const path of paths(base, 4)) {
    for (const wrong of path.length > 2 ? WRONG.slice(0, 8) : WRONG) {
      out.push({
        label: `${path.join(".")}=${JSON.stringify(wrong).slice(0, 30)}`,
        body: JSON.stringify(replaced(base, path, wrong)),
        contentType: "application/json",
      });
    }
  }
  out.push({
    label: "unknown nested field",
    body: JSON.stringify(replaced(base, [Object.keys(base as object)[0] ?? "x"], { unknown_xyz: [1] })),
    contentType: "application/json",
  });
  return out;
}
