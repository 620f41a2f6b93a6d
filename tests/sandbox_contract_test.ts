/**
 * Contract test: every operation in the sandbox's route table exists in the
 * Fivetran OpenAPI spec with the same operationId and Accept version, every
 * answer validates against the operation's response schema, and every request
 * body the sandbox accepts validates against the request schema (with ajv).
 *
 * Reads `../shared/fivetran-openapi.json` (relative to the project root). When
 * it is absent the test is skipped with a loud message, except under CI=true,
 * where it fails.
 */

import assert from "node:assert/strict";
import type { Ajv, ValidateFunction } from "npm:ajv@^8.17.1";
import { createManualClock, DEMO, ROUTES, type Sandbox } from "../lib/sandbox/mod.ts";
import { matchRoute } from "../lib/sandbox/routes.ts";
import { type Answer, call, type CallOptions, withSandbox } from "./sandbox_helpers.ts";
import { createSpecAjv, type Json, readSpec, SPEC_URL, UNDER_CI } from "./_spec.ts";
import { MAIN_OPERATIONS } from "./_platform_operations.ts";

const specText = readSpec(
  "sandbox contract test",
  "The sandbox's answers were NOT checked against the Fivetran OpenAPI spec.",
);

interface Failure {
  what: string;
  errors: unknown;
}

/**
 * Approvals answer 201 with the usual envelope, as go-fivetran (run against the live API) expects, where the spec
 * documents 200 (certificates) or a bare 201 (fingerprints): which documented answer each is checked against.
 */
const LIVE_STATUS: Record<string, { status: number; documented: string; part: "body" | "data" }> = {
  approve_connection_certificate: { status: 201, documented: "200", part: "body" },
  approve_destination_certificate: { status: 201, documented: "200", part: "body" },
  approve_connection_fingerprint: { status: 201, documented: "201", part: "data" },
  approve_destination_fingerprint: { status: 201, documented: "201", part: "data" },
};

class Contract {
  readonly spec: Json;
  readonly ajv: Ajv;
  readonly #cache = new Map<string, ValidateFunction>();
  readonly failures: Failure[] = [];
  readonly success = new Map<string, number[]>();
  readonly seen = new Map<string, number[]>();
  acceptedBodies = 0;
  rejectedBodies = 0;
  validations = 0;
  specific = new Set<string>();

  constructor(text: string) {
    ({ spec: this.spec, ajv: this.ajv } = createSpecAjv(text));
  }

  op(path: string, method: string): Json {
    return this.spec.paths[path]?.[method.toLowerCase()];
  }

  validator(key: string, schema: Json): ValidateFunction {
    let v = this.#cache.get(key);
    if (!v) {
      v = this.ajv.compile(schema);
      this.#cache.set(key, v);
    }
    return v;
  }

  component(name: string): ValidateFunction | undefined {
    if (!this.spec.components.schemas[name]) return undefined;
    this.specific.add(name);
    return this.validator(`c:${name}`, { $ref: `spec#/components/schemas/${name}` });
  }

  check(what: string, v: ValidateFunction | undefined, data: unknown): boolean {
    if (!v) return true;
    this.validations++;
    if (v(data)) return true;
    this.failures.push({ what, errors: v.errors?.slice(0, 5) });
    return false;
  }

  /** Check one exchange. */
  record(method: string, path: string, requestBody: unknown, res: Answer): void {
    const m = matchRoute(method, new URL(path, "http://x").pathname);
    if (m.kind !== "found") return;
    const route = m.match.route;
    const op = this.op(route.path, route.method);
    const label = `${method} ${path} -> ${res.status}`;
    (this.seen.get(route.operationId) ?? this.seen.set(route.operationId, []).get(route.operationId)!)
      .push(res.status);
    if (res.status >= 200 && res.status < 300) {
      (this.success.get(route.operationId) ?? this.success.set(route.operationId, []).get(route.operationId)!)
        .push(res.status);
      const live = LIVE_STATUS[route.operationId];
      const declared = op.responses[live?.status === res.status ? live.documented : String(res.status)];
      if (!declared) {
        this.failures.push({ what: `${label}: status not documented for ${route.operationId}`, errors: [] });
        return;
      }
      const schema = declared.content?.["application/json"]?.schema;
      // The live /public/connector-types answers an array of what the spec documents as `data` (README, fidelity).
      const bodies = route.operationId === "metadata_public_connectors" && Array.isArray(res.body?.data)
        ? res.body.data.map((data: Json) => ({ ...res.body, data }))
        : live?.status === res.status && live.part === "data"
        ? [res.body?.data]
        : [res.body];
      for (const body of schema ? bodies : []) {
        this.check(`${label} response`, this.validator(`r:${route.operationId}:${res.status}`, schema), body);
      }
      if (requestBody !== undefined) {
        const reqSchema = op.requestBody?.content?.["application/json"]?.schema;
        if (reqSchema) {
          this.acceptedBodies++;
          this.check(
            `${label} accepted request body`,
            this.validator(`q:${route.operationId}`, reqSchema),
            requestBody,
          );
        }
        this.checkSpecificRequest(route.operationId, requestBody, label);
      }
      this.checkSpecificResponse(route.operationId, res.body?.data, label);
    } else {
      const ok = typeof res.body === "object" && res.body !== null && typeof res.body.code === "string" &&
        typeof res.body.message === "string";
      if (!ok) this.failures.push({ what: `${label}: error body is not {code, message}`, errors: res.body });
    }
  }

  /** Request bodies also validate against the service-specific schema (discriminator). */
  checkSpecificRequest(operationId: string, body: Json, label: string): void {
    if (operationId === "create_connection") {
      this.check(
        `${label} ${body.service}_NewConnectorRequestV1`,
        this.component(`${body.service}_NewConnectorRequestV1`),
        body,
      );
    }
    if (operationId === "create_destination") {
      this.check(
        `${label} ${body.service}_NewDestinationRequest`,
        this.component(`${body.service}_NewDestinationRequest`),
        body,
      );
    }
  }

  /** Responses also validate against the service-/type-specific schema and mask secrets. */
  checkSpecificResponse(operationId: string, data: Json, label: string): void {
    if (!data || typeof data !== "object") return;
    const connectionOps = ["connection_details", "create_connection", "modify_connection", "run_setup_tests"];
    const destinationOps = [
      "destination_details",
      "create_destination",
      "modify_destination",
      "run_destination_setup_tests",
    ];
    if (connectionOps.includes(operationId)) {
      this.check(
        `${label} ${data.service}_ConnectorResponseV1`,
        this.component(`${data.service}_ConnectorResponseV1`),
        data,
      );
      this.checkMasked(label, `${data.service}_config_V1`, data.config);
    }
    if (destinationOps.includes(operationId)) {
      this.check(
        `${label} ${data.service}_DestinationExtendedResponse`,
        this.component(`${data.service}_DestinationExtendedResponse`),
        data,
      );
      this.checkMasked(label, `${data.service}_config_V1`, data.config);
    }
    if (operationId === "transformation_details" || operationId === "update_transformation") {
      this.check(
        `${label} ${data.type}_TransformationResponse`,
        this.component(`${data.type}_TransformationResponse`),
        data,
      );
    }
  }

  checkMasked(label: string, configSchema: string, config: Json): void {
    const props = this.spec.components.schemas[configSchema]?.properties?.config?.properties;
    if (!props || !config) return;
    for (const [k, p] of Object.entries(props) as [string, Json][]) {
      if (p.format === "password" && config[k] !== undefined && config[k] !== "******") {
        this.failures.push({ what: `${label}: config.${k} is a secret but not masked`, errors: config[k] });
      }
    }
  }

  /** A body the sandbox rejected must also be invalid per the spec. */
  expectRejected(operationId: string, path: string, method: string, body: Json, res: Answer): void {
    const route = ROUTES.find((r) => r.operationId === operationId)!;
    const schema = this.op(route.path, method).requestBody.content["application/json"].schema;
    const valid = this.validator(`q:${operationId}`, schema)(body);
    this.rejectedBodies++;
    if (res.status < 400 || res.status >= 500) {
      this.failures.push({ what: `${method} ${path}: invalid body was accepted (${res.status})`, errors: body });
    }
    if (valid && res.status === 400) {
      this.failures.push({ what: `${method} ${path}: rejected a body the spec accepts`, errors: res.body });
    }
  }
}

async function scenario(sb: Sandbox, c: Contract): Promise<void> {
  const x = async (method: string, path: string, body?: unknown, options: CallOptions = {}) => {
    const res = await call(sb, method, path, body === undefined ? options : { ...options, body });
    c.record(method, `/v1${path}`, body, res);
    return res;
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await x(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  // account, roles, metadata
  await ok("GET", "/account/info");
  await ok("GET", "/roles?limit=3");
  await ok("GET", "/metadata/connector-types?limit=10");
  await ok("GET", "/metadata/connector-types/postgres");

  // groups
  const groups = await ok("GET", "/groups?limit=2");
  await ok("GET", `/groups?limit=2&cursor=${encodeURIComponent(groups.data.next_cursor)}`);
  const group = (await ok("POST", "/groups", { name: "Contract" })).data;
  await ok("GET", `/groups/${group.id}`);
  await ok("PATCH", `/groups/${group.id}`, { name: "Contract 2" });
  await ok("GET", `/groups/${DEMO.bigGroupId}/connections?limit=5`);
  await ok("GET", `/groups/${DEMO.bigGroupId}/users`);
  await ok("POST", `/groups/${group.id}/users`, { email: "maya.chen@acme-corp.example", role: "Destination Analyst" });
  await ok("GET", `/groups/${group.id}/users?active=true`);
  await ok("DELETE", `/groups/${group.id}/users/${DEMO.userId}`);

  // destinations
  await ok("POST", "/destinations", {
    group_id: group.id,
    service: "snowflake",
    region: "AWS_US_EAST_1",
    time_zone_offset: "0",
    config: { host: "acme.snowflakecomputing.com", port: 443, database: "CONTRACT", user: "LOADER", password: "pw" },
  });
  await ok("GET", "/destinations?limit=3");
  await ok("GET", `/destinations/${group.id}`);
  await ok("GET", `/destinations/${DEMO.marketingGroupId}`);
  await ok("GET", `/destinations/${DEMO.financeGroupId}`);
  await ok("GET", `/destinations/${DEMO.dataScienceGroupId}`);
  await ok("PATCH", `/destinations/${group.id}`, { time_zone_offset: "+1", config: { password: "pw2" } });
  await ok("POST", `/destinations/${group.id}/test`, { trust_certificates: true });

  // connections
  const conn = (await ok("POST", "/connections", {
    group_id: group.id,
    service: "postgres",
    sync_frequency: 60,
    trust_certificates: true,
    config: {
      schema_prefix: "contract_pg",
      host: "db.example.com",
      port: 5432,
      database: "shop",
      user: "fivetran",
      password: "secret",
      update_method: "WAL_PGOUTPUT",
    },
  })).data;
  const fresh = (await ok("POST", "/connections", {
    group_id: group.id,
    service: "salesforce",
    run_setup_tests: false,
    config: { schema: "contract_sf" },
  })).data;
  await ok("GET", "/connections?limit=3");
  await ok("GET", `/connections?group_id=${group.id}`);
  for (const id of [conn.id, DEMO.certBrokenConnectionId, DEMO.failingConnectionId, DEMO.renamedConnectionId]) {
    await ok("GET", `/connections/${id}`);
  }
  for (const c2 of (await ok("GET", `/groups/${DEMO.bigGroupId}/connections?limit=60`)).data.items) {
    await ok("GET", `/connections/${c2.id}`);
  }
  await ok("PATCH", `/connections/${conn.id}`, { paused: true });
  await ok("PATCH", `/connections/${conn.id}`, { paused: false, sync_frequency: 360, schedule_type: "auto" });
  await ok("POST", `/connections/${conn.id}/sync`, { force: false });
  sb.advance(60_000);
  await ok("POST", `/connections/${conn.id}/test`, {});
  await ok("POST", `/connections/${conn.id}/resync`, {});
  sb.advance(600_000);
  await ok("GET", `/connections/${DEMO.sdkConnectionId}/state`);
  await ok("PATCH", `/connections/${DEMO.sdkConnectionId}/state`, { state: { cursor: "2026-02-01" } });

  // schema config
  const cfg = (await ok("GET", `/connections/${conn.id}/schemas`)).data;
  const [schemaName, schema] = Object.entries(cfg.schemas)[0] as [string, Json];
  const tableNames = Object.keys(schema.tables);
  const [tableName, table] = [tableNames[0], schema.tables[tableNames[0]]];
  const colNames = Object.keys(table.columns).filter((k) => !table.columns[k].is_primary_key);
  await ok("PATCH", `/connections/${conn.id}/schemas`, {
    schema_change_handling: "ALLOW_ALL",
    schemas: { [schemaName]: { enabled: true, tables: { [tableName]: { enabled: true } } } },
  });
  await ok("POST", `/connections/${conn.id}/schemas/reload`, { exclude_mode: "PRESERVE" });
  await ok("POST", `/connections/${conn.id}/schemas/tables/resync`, { [schemaName]: [tableName] });
  sb.advance(600_000);
  await ok("PATCH", `/connections/${conn.id}/schemas/${schemaName}`, { enabled: true });
  await ok("PATCH", `/connections/${conn.id}/schemas/${schemaName}/tables/${tableName}`, {
    enabled: true,
    sync_mode: "HISTORY",
  });
  await ok("PATCH", `/connections/${conn.id}/schemas/${schemaName}/tables/${tableName}/columns/${colNames[0]}`, {
    enabled: false,
    hashed: false,
  });
  await ok("PATCH", `/connections/${conn.id}/schemas/${schemaName}/tables/${tableName}/columns/${colNames[1]}`, {
    enabled: false,
  });
  await ok("GET", `/connections/${conn.id}/schemas/${schemaName}/tables/${tableName}/columns`);
  await ok("DELETE", `/connections/${conn.id}/schemas/${schemaName}/tables/${tableName}/columns/${colNames[0]}`);
  await ok("POST", `/connections/${conn.id}/schemas/drop-columns`, {
    schemas: { [schemaName]: { tables: { [tableName]: { columns: [colNames[1]] } } } },
  });
  await ok("GET", `/connections/${DEMO.renamedConnectionId}/schemas`);
  await ok("POST", `/connections/${fresh.id}/schemas`, {
    schema_change_handling: "BLOCK_ALL",
    schemas: {
      contract_sf: { enabled: true, tables: { Account: { enabled: true, columns: { Id: { enabled: true } } } } },
    },
  });

  // certificates and fingerprints
  await ok("POST", `/connections/${DEMO.certBrokenConnectionId}/test`, { trust_certificates: true });
  const certs = (await ok("GET", `/connections/${DEMO.certBrokenConnectionId}/certificates`)).data.items;
  await ok("GET", `/connections/${DEMO.certBrokenConnectionId}/certificates/${certs[0].hash}`);
  await ok("POST", `/connections/${conn.id}/certificates`, { hash: "c0ffee01", encoded_cert: "MIIBCgKCAQEAtest" });
  await ok("DELETE", `/connections/${conn.id}/certificates/c0ffee01`);
  await ok("POST", "/certificates", { hash: "c0ffee02", encoded_cert: "MIIBCgKCAQEAtest2", connection_id: conn.id });
  await ok("POST", `/connections/${DEMO.fingerprintBrokenConnectionId}/test`, { trust_fingerprints: true });
  const fps = (await ok("GET", `/connections/${DEMO.fingerprintBrokenConnectionId}/fingerprints`)).data.items;
  await ok("GET", `/connections/${DEMO.fingerprintBrokenConnectionId}/fingerprints/${fps[0].hash}`);
  await ok("POST", `/connections/${conn.id}/fingerprints`, { hash: "f1f1f1", public_key: "ssh-ed25519 AAAA test" });
  await ok("DELETE", `/connections/${conn.id}/fingerprints/f1f1f1`);

  // users and teams
  await ok("GET", "/users?limit=3");
  const user = (await ok("POST", "/users", {
    email: "new.person@acme-corp.example",
    given_name: "New",
    family_name: "Person",
    role: "Account Reviewer",
  })).data;
  await ok("GET", `/users/${user.id}`);
  await ok("PATCH", `/users/${user.id}`, { given_name: "Newer", phone: "+15555550100" });
  await ok("DELETE", `/users/${user.id}`);
  await ok("GET", "/teams");
  const team = (await ok("POST", "/teams", { name: "Contract Team", description: "x", role: "Account Reviewer" }))
    .data;
  await ok("GET", `/teams/${team.id}`);
  await ok("PATCH", `/teams/${team.id}`, { description: "y" });
  await ok("DELETE", `/teams/${team.id}`);
  await membershipScenario(sb, c, x, group.id, conn.id);

  // webhooks
  await ok("GET", "/webhooks");
  const hook = (await ok("POST", "/webhooks/account", {
    url: "https://example.com/hook",
    events: ["sync_end"],
    active: true,
    secret: "s",
  })).data;
  await ok("POST", `/webhooks/group/${group.id}`, { url: "https://example.com/g", events: ["sync_start"] });
  await ok("GET", `/webhooks/${hook.id}`);
  await ok("PATCH", `/webhooks/${hook.id}`, { active: false });
  await ok("POST", `/webhooks/${hook.id}/test`, { event: "sync_end" });
  await ok("DELETE", `/webhooks/${hook.id}`);

  // transformations
  await ok("GET", "/transformations");
  await ok("GET", `/transformations/${DEMO.succeedingTransformationId}`);
  await ok("GET", "/transformations/calm_quokka");
  await ok("PATCH", `/transformations/${DEMO.failingTransformationId}`, { paused: true });
  await ok("POST", `/transformations/${DEMO.succeedingTransformationId}/run`, { full_refresh: false });
  await ok("GET", `/transformations/${DEMO.succeedingTransformationId}`);
  await ok("POST", `/transformations/${DEMO.succeedingTransformationId}/cancel`);

  // deletes
  await ok("DELETE", `/connections/${fresh.id}`);
  await ok("DELETE", `/connections/${conn.id}`);
  await ok("DELETE", `/destinations/${group.id}`);
  await ok("DELETE", `/groups/${group.id}`);

  // error answers have the {code, message} shape
  await x("GET", "/connections/nope");
  await x("GET", "/groups?limit=0");
  await x("POST", `/connections/${DEMO.pausedConnectionId}/resync`, {});
  await x("POST", `/connections/${DEMO.certBrokenConnectionId}/test`);

  // bodies the spec rejects are rejected
  const reject = async (operationId: string, method: string, path: string, body: Json) =>
    c.expectRejected(operationId, path, method, body, await call(sb, method, path, { body }));
  await reject("create_group", "POST", "/groups", { name: 5 });
  await reject("create_connection", "POST", "/connections", { group_id: DEMO.smallGroupId });
  await reject("create_connection", "POST", "/connections", {
    group_id: DEMO.smallGroupId,
    service: "stripe",
    sync_frequency: 7,
    config: { schema: "stripe_x" },
  });
  await reject("modify_connection", "PATCH", `/connections/${DEMO.renamedConnectionId}`, { paused: "yes" });
  await reject("modify_destination", "PATCH", `/destinations/${DEMO.smallGroupId}`, { region: "AWS_US_EAST_1" });
  await reject("create_account_webhook", "POST", "/webhooks/account", { url: "https://x.example", events: "sync_end" });
  await reject("create_user", "POST", "/users", { email: "a@b.example", given_name: "A" });
  await reject(
    "modify_connection_table_config",
    "PATCH",
    `/connections/${DEMO.renamedConnectionId}/schemas/sales/tables/Orders`,
    { sync_mode: "LIVE" },
  );
  await reject("test_webhook", "POST", `/webhooks/${DEMO.webhookId}/test`, {});
}

type Exchange = (method: string, path: string, body?: unknown, options?: CallOptions) => Promise<Answer>;

/** Memberships, roles, destination certificates and fingerprints, group keys, connect card, public metadata. */
async function membershipScenario(
  sb: Sandbox,
  c: Contract,
  x: Exchange,
  groupId: string,
  connectionId: string,
): Promise<void> {
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await x(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const fails = async (status: number, method: string, path: string, body?: unknown) => {
    const res = await x(method, path, body);
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const team = (await ok("POST", "/teams", { name: "Membership Team", role: "Account Reviewer" })).data;
  const user = (await ok("POST", "/users", {
    email: "member@acme-corp.example",
    given_name: "Mem",
    family_name: "Ber",
    role: "Account Reviewer",
  })).data;
  const T = `/teams/${team.id}`;
  const U = `/users/${user.id}`;

  // team ↔ user
  await ok("POST", `${T}/users`, { user_id: user.id, role: "Team Member" });
  await ok("POST", `${T}/users`, { user_id: DEMO.userId });
  await ok("GET", `${T}/users?limit=1`);
  await ok("GET", `${T}/users?active=true`);
  await ok("GET", `${T}/users/${user.id}`);
  await ok("PATCH", `${T}/users/${user.id}`, { role: "Team Manager" });
  await ok("DELETE", `${T}/users/${DEMO.userId}`);
  await fails(404, "GET", `${T}/users/${DEMO.userId}`);
  await fails(409, "POST", `${T}/users`, { user_id: user.id, role: "Team Member" });
  await fails(400, "PATCH", `${T}/users/${user.id}`, { role: "Manage Destination" });
  // team ↔ group, team ↔ connection
  await ok("POST", `${T}/groups`, { id: groupId, role: "Destination Analyst" });
  await ok("GET", `${T}/groups`);
  await ok("GET", `${T}/groups/${groupId}`);
  await ok("PATCH", `${T}/groups/${groupId}`, { role: "Manage Destination" });
  await ok("DELETE", `${T}/groups/${groupId}`);
  await fails(404, "DELETE", `${T}/groups/${groupId}`);
  await ok("POST", `${T}/connections`, { id: connectionId, role: "Connector Administrator" });
  await ok("GET", `${T}/connections`);
  await ok("GET", `${T}/connections/${connectionId}`);
  await ok("PATCH", `${T}/connections/${connectionId}`, { role: "View Connection" });
  await ok("DELETE", `${T}/connections/${connectionId}`);
  await fails(400, "POST", `${T}/connections`, { id: connectionId, role: "Team Member" });
  await fails(404, "POST", `${T}/connections`, { id: "no_such_connection", role: "View Connection" });
  await ok("DELETE", `${T}/role`);
  // user ↔ group, user ↔ connection
  await ok("POST", `${U}/groups`, { id: groupId, role: "Destination Analyst" });
  await ok("GET", `${U}/groups`);
  await ok("GET", `${U}/groups/${groupId}`);
  await ok("PATCH", `${U}/groups/${groupId}`, { role: "Edit Destination" });
  assert.ok((await ok("GET", `/groups/${groupId}/users`)).data.items.some((u: Json) => u.id === user.id));
  await ok("DELETE", `${U}/groups/${groupId}`);
  await ok("POST", `${U}/connections`, { id: connectionId, role: "Connector Administrator" });
  await ok("GET", `${U}/connections`);
  await ok("GET", `${U}/connections/${connectionId}`);
  await ok("PATCH", `${U}/connections/${connectionId}`, { role: "Connector Collaborator" });
  await ok("DELETE", `${U}/connections/${connectionId}`);
  await fails(404, "GET", `${U}/connections/${connectionId}`);
  await ok("DELETE", `${U}/role`);
  await fails(404, "DELETE", "/users/no_such_user/role");

  // destination certificates and fingerprints
  const D = `/destinations/${groupId}`;
  await ok("POST", `${D}/test`, { trust_certificates: true, trust_fingerprints: true });
  await ok("POST", `${D}/certificates`, { hash: "d0c0ffee", encoded_cert: "MIIBCgKCAQEAdest" });
  const certs = (await ok("GET", `${D}/certificates?limit=1`)).data;
  assert.ok(certs.next_cursor, "two certificates, one per page");
  await ok("GET", `${D}/certificates/d0c0ffee`);
  await ok("DELETE", `${D}/certificates/d0c0ffee`);
  await fails(404, "GET", `${D}/certificates/d0c0ffee`);
  await ok("POST", "/certificates", { hash: "d0c0ffe2", encoded_cert: "MIIBCgKCAQEA2", destination_id: groupId });
  await ok("POST", `${D}/fingerprints`, { hash: "d1f1f1", public_key: "ssh-ed25519 AAAA dest" });
  await ok("GET", `${D}/fingerprints`);
  await ok("GET", `${D}/fingerprints/d1f1f1`);
  await ok("DELETE", `${D}/fingerprints/d1f1f1`);
  await fails(404, "DELETE", `${D}/fingerprints/d1f1f1`);
  await fails(404, "GET", "/destinations/no_such_destination/certificates");

  // group keys, connect card
  await ok("GET", `/groups/${groupId}/service-account`);
  await ok("GET", `/groups/${groupId}/public-key`);
  await fails(404, "GET", "/groups/no_such_group/public-key");
  await ok("POST", `/connections/${connectionId}/connect-card`, {
    connect_card_config: { redirect_uri: "https://your.site/path", hide_setup_guide: true },
  });
  await fails(400, "POST", `/connections/${connectionId}/connect-card`, {
    connect_card_config: { redirect_uri: "ftp://your.site" },
  });

  // public connector metadata: no credentials, every service of the spec
  const pub = await call(sb, "GET", "/../public/connector-types", { noAuth: true });
  c.record("GET", "/public/connector-types", undefined, pub);
  assert.equal(pub.status, 200);
  const mapping = c.spec.components.schemas.NewConnectorRequestV1.discriminator.mapping;
  assert.deepEqual(pub.body.data.map((m: Json) => m.id), Object.keys(mapping).sort());

  // the spec's request schemas reject these bodies, and so does the sandbox
  const reject = async (operationId: string, method: string, path: string, body: Json) =>
    c.expectRejected(operationId, path, method, body, await call(sb, method, path, { body }));
  await reject("add_user_to_team", "POST", `${T}/users`, { role: "Team Member" });
  await reject("add_team_membership_in_group", "POST", `${T}/groups`, { id: groupId });
  await reject("add_user_membership_in_group", "POST", `${U}/groups`, { role: "View Destination" });
  await reject("update_team_membership_in_connection", "PATCH", `${T}/connections/${connectionId}`, {});
  await reject("approve_destination_certificate", "POST", `${D}/certificates`, { hash: "x" });
  await reject("approve_destination_fingerprint", "POST", `${D}/fingerprints`, { public_key: "x" });
  await reject("connect_card", "POST", `/connections/${connectionId}/connect-card`, {});

  await ok("DELETE", `/users/${user.id}`);
  await ok("DELETE", T);
}

Deno.test({
  name: "sandbox answers validate against the Fivetran OpenAPI spec for every implemented operation",
  ignore: specText === undefined && !UNDER_CI,
  async fn() {
    if (specText === undefined) {
      throw new Error(`CI=true but the spec is missing: ${SPEC_URL.pathname}`);
    }
    const contract = new Contract(specText);

    // The route table matches the spec.
    for (const r of ROUTES) {
      const op = contract.op(r.path, r.method);
      assert.ok(op, `${r.method} ${r.path} is not in the spec`);
      assert.equal(op.operationId, r.operationId, `${r.method} ${r.path}`);
      const accept = op.parameters?.find((p: Json) => p.in === "header" && p.name === "Accept")?.schema?.default;
      assert.equal(
        accept,
        r.accept === "v2" ? "application/json;version=2" : "application/json",
        `Accept of ${r.operationId}`,
      );
    }

    await withSandbox({ connections: 120, clock: createManualClock(), syncSeconds: 30 }, async (sb) => {
      await scenario(sb, contract);
    });

    // The validators are not vacuous.
    const details = contract.op("/v1/connections/{connectionId}", "GET").responses["200"].content["application/json"]
      .schema;
    assert.equal(contract.validator("r:connection_details:200", details)({ code: "Success", data: { id: 1 } }), false);
    assert.ok(contract.validations > 250, `only ${contract.validations} validations`);
    for (
      const name of [
        "postgres_ConnectorResponseV1",
        "salesforce_ConnectorResponseV1",
        "postgres_NewConnectorRequestV1",
        "snowflake_DestinationExtendedResponse",
        "big_query_DestinationExtendedResponse",
        "snowflake_NewDestinationRequest",
        "DBT_CORE_TransformationResponse",
        "QUICKSTART_TransformationResponse",
      ]
    ) assert.ok(contract.specific.has(name), `${name} was never checked`);

    const missing = [...MAIN_OPERATIONS].filter((op) => !contract.success.has(op));
    assert.deepEqual(missing, [], "operations never exercised with a 2xx answer");
    assert.ok(contract.acceptedBodies >= 35, `only ${contract.acceptedBodies} accepted bodies checked`);
    assert.ok(contract.rejectedBodies >= 8);
    assert.deepEqual(contract.failures, []);
  },
});
