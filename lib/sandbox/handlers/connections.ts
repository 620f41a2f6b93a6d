/**
 * Connection operations: list, create, details, modify, delete, sync, resync,
 * setup tests and Connector SDK state.
 *
 * @module
 */

import { getService, schemaFields, schemaNameFromConfig } from "../catalog.ts";
import { ApiError, conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { isSecretKey, MASK } from "../mask.ts";
import { paginate } from "../pagination.ts";
import { runSetupTests, type SetupTest } from "../setup_tests.ts";
import { checkConfig, isSpecSecret, withDefaults } from "../spec_catalog.ts";
import { missingFieldsFor, type SandboxState, sourceSeed } from "../state.ts";
import type { ConnectionRecord } from "../types.ts";
import { DELAY_SENSITIVITIES, field, NETWORKING_METHODS, objectBody, SYNC_FREQUENCIES } from "../validate.ts";
import type { Body } from "../validate.ts";
import { connectionJson } from "../views.ts";

function detail(state: SandboxState, c: ConnectionRecord, tests?: SetupTest[]) {
  const data = connectionJson(state, c, true);
  if (tests) data.setup_tests = tests;
  return data;
}

function readCommonFields(body: Body) {
  return {
    paused: field<boolean>(body, "paused", "boolean"),
    pauseAfterTrial: field<boolean>(body, "pause_after_trial", "boolean"),
    syncFrequency: field<number>(body, "sync_frequency", "integer", { oneOf: SYNC_FREQUENCIES }),
    scheduleType: field<"auto" | "manual">(body, "schedule_type", "string", {
      oneOf: ["auto", "manual"],
    }),
    sensitivity: field<string>(body, "data_delay_sensitivity", "string", {
      oneOf: DELAY_SENSITIVITIES,
    }),
    threshold: field<number>(body, "data_delay_threshold", "integer"),
    dailySyncTime: dailySyncTime(body),
    networkingMethod: field<string>(body, "networking_method", "string", {
      oneOf: NETWORKING_METHODS,
    }),
    trustCertificates: field<boolean>(body, "trust_certificates", "boolean"),
    trustFingerprints: field<boolean>(body, "trust_fingerprints", "boolean"),
    runSetupTests: field<boolean>(body, "run_setup_tests", "boolean"),
    config: field<Record<string, unknown>>(body, "config", "object"),
  };
}

function dailySyncTime(body: Body): string | undefined {
  const v = field<string>(body, "daily_sync_time", "string");
  if (v !== undefined && !/^([01]\d|2[0-3]):00$/.test(v)) {
    throw invalidInput(`Invalid daily_sync_time '${v}': use whole hours, 00:00 to 23:00`);
  }
  return v;
}

/** GET /v1/connections (optional `group_id` and `schema` filters). */
export const listConnections: Handler = ({ state, query }) => {
  const groupId = query.get("group_id");
  const schema = query.get("schema");
  const items = groupId !== null ? state.connections.byKey(groupId) : state.connections.all();
  const page = paginate(
    items,
    groupId !== null ? `connections:${groupId}` : "connections",
    query,
    schema !== null ? (c) => c.schema === schema : undefined,
  );
  return list(
    page.items.map((c) => connectionJson(state, c, false)),
    page.nextCursor,
    "Connections list retrieved successfully",
  );
};

/** GET /v1/groups/{groupId}/connections. */
export const listGroupConnections: Handler = ({ state, params, query }) => {
  state.group(params.groupId);
  const schema = query.get("schema");
  const page = paginate(
    state.connections.byKey(params.groupId),
    `group-connections:${params.groupId}`,
    query,
    schema !== null ? (c) => c.schema === schema : undefined,
  );
  return list(page.items.map((c) => connectionJson(state, c, false)), page.nextCursor);
};

/** POST /v1/connections. */
export const createConnection: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const groupId = field<string>(body, "group_id", "string", { required: true, nonEmpty: true })!;
  const serviceId = field<string>(body, "service", "string", { required: true, nonEmpty: true })!;
  const f = readCommonFields(body);
  field(body, "destination_schema_names", "string", {
    oneOf: ["FIVETRAN_NAMING", "SOURCE_NAMING"],
  });
  state.group(groupId);
  const service = getService(serviceId);
  if (!service) {
    throw invalidInput(
      `Unsupported service '${serviceId}'. See GET /v1/metadata/connector-types for the services this sandbox knows.`,
    );
  }
  const config = withDefaults(serviceId, checkConfig("connections", serviceId, f.config ?? {}, { mode: "create" }));
  const schema = schemaNameFromConfig(service, config);
  if (!schema) {
    throw invalidInput(
      `Missing required field(s) config.${schemaFields(service).join(", config.")} for service '${serviceId}'`,
    );
  }
  if (state.connections.byKey(groupId).some((c) => c.schema === schema)) {
    throw conflict(
      `A connection with schema '${schema}' already exists in group '${groupId}'`,
      "AlreadyExists",
    );
  }
  const now = state.now();
  const id = state.newId();
  const missing = missingFieldsFor(serviceId, config).filter((m) => m !== "credentials");
  const c: ConnectionRecord = {
    seq: state.nextSeq(),
    id,
    groupId,
    service: serviceId,
    schema,
    createdAt: now,
    connectedBy: state.account.userId,
    paused: f.paused ?? false,
    pauseAfterTrial: f.pauseAfterTrial ?? false,
    syncFrequency: f.syncFrequency ?? 360,
    scheduleType: f.scheduleType ?? "auto",
    dataDelaySensitivity: f.sensitivity ?? "NORMAL",
    dataDelayThreshold: f.threshold ?? 0,
    dailySyncTime: f.dailySyncTime,
    networkingMethod: f.networkingMethod ?? "Directly",
    serviceVersion: 1,
    config,
    setupState: "incomplete",
    missingFields: missing,
    failSyncs: false,
    isHistoricalSync: true, // pending until its first sync, as the live API reports
    updateState: "on_schedule",
    warnings: [],
    certificates: new Map(),
    fingerprints: new Map(),
    schemaSeed: sourceSeed(serviceId, config, id),
    state: serviceId === "connector_sdk" ? {} : undefined,
  };
  state.connections.add(c);
  state.emitConnection("create_connector", c);
  let tests: SetupTest[] | undefined;
  if (f.runSetupTests !== false) {
    tests = runSetupTests(state, c, {
      trustCertificates: f.trustCertificates,
      trustFingerprints: f.trustFingerprints,
    });
  }
  return created(detail(state, c, tests), "Connection has been created");
};

/** GET /v1/connections/{connectionId}. */
export const connectionDetails: Handler = ({ state, params }) =>
  ok(detail(state, state.connection(params.connectionId)));

/** PATCH /v1/connections/{connectionId}. */
export const modifyConnection: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw);
  const f = readCommonFields(body);
  const schemaStatus = field(body, "schema_status", "string", {
    oneOf: ["blocked_on_capture", "ready"],
  });
  const historical = field<boolean>(body, "is_historical_sync", "boolean");
  void schemaStatus;
  let configChanged = false;
  let secretsChanged = false;
  if (f.config) {
    const service = getService(c.service);
    const patch = checkConfig("connections", c.service, f.config, { mode: "patch" });
    for (const [k, v] of Object.entries(patch)) {
      if (v === MASK) continue; // a masked value sent back means "unchanged"
      if (service && schemaFields(service).includes(k) && v !== c.config[k]) {
        throw invalidInput(
          `config.${k} can't be changed after the connection is created (the destination schema is permanent)`,
        );
      }
      c.config[k] = v;
      configChanged = true;
      if (isSecretKey(k) || isSpecSecret("connections", c.service, k)) secretsChanged = true;
      c.missingFields = c.missingFields.filter((m) => m !== k);
    }
    if (secretsChanged && c.brokenReason === "credentials") c.brokenReason = undefined;
    if (secretsChanged) c.missingFields = c.missingFields.filter((m) => m !== "credentials");
  }
  if (f.paused !== undefined && f.paused !== c.paused) {
    state.emitConnection(f.paused ? "pause_connector" : "resume_connector", c);
  }
  if (f.paused !== undefined) c.paused = f.paused;
  if (f.pauseAfterTrial !== undefined) c.pauseAfterTrial = f.pauseAfterTrial;
  if (f.syncFrequency !== undefined) c.syncFrequency = f.syncFrequency;
  if (f.scheduleType !== undefined) c.scheduleType = f.scheduleType;
  if (f.sensitivity !== undefined) c.dataDelaySensitivity = f.sensitivity;
  if (f.threshold !== undefined) c.dataDelayThreshold = f.threshold;
  if (f.dailySyncTime !== undefined) c.dailySyncTime = f.dailySyncTime;
  if (f.networkingMethod !== undefined) c.networkingMethod = f.networkingMethod;
  if (historical === true) state.startSync(c, { force: true, historical: true });
  state.emitConnection("edit_connector", c);
  let tests: SetupTest[] | undefined;
  if (f.runSetupTests === true || (configChanged && f.runSetupTests !== false)) {
    tests = runSetupTests(state, c, {
      trustCertificates: f.trustCertificates,
      trustFingerprints: f.trustFingerprints,
    });
  }
  return ok(detail(state, c, tests), "Connection has been updated");
};

/** DELETE /v1/connections/{connectionId}. */
export const deleteConnection: Handler = ({ state, params }) => {
  state.emitConnection("delete_connector", state.connection(params.connectionId));
  state.deleteConnection(params.connectionId);
  return done(`Connection with id '${params.connectionId}' has been deleted`);
};

/** POST /v1/connections/{connectionId}/sync. */
export const syncConnection: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw);
  const force = field<boolean>(body, "force", "boolean") ?? false;
  if (force) state.emitConnection("force_update_connector", c);
  const started = state.startSync(c, { force });
  return done(
    started
      ? `Sync has been successfully triggered for connection with id '${c.id}'`
      : `A sync is already running for connection with id '${c.id}'; send {"force": true} to restart it`,
  );
};

/** Why a resync can't start now, or undefined. */
export function resyncBlocker(state: SandboxState, c: ConnectionRecord): string | undefined {
  if (c.paused) return `Connection '${c.id}' is paused; unpause it before a re-sync`;
  if (c.setupState !== "connected") {
    return `Connection '${c.id}' is ${c.setupState}; fix its setup (run setup tests) before a re-sync`;
  }
  if (state.syncState(c) === "syncing") {
    return `A data sync is in progress for connection '${c.id}' and can't be completed before the re-sync can be scheduled; retry after it ends`;
  }
  return undefined;
}

/** Validate a `{schema: [tables]}` scope against the schema config. */
export function checkScope(state: SandboxState, c: ConnectionRecord, scope: unknown): void {
  if (typeof scope !== "object" || scope === null || Array.isArray(scope)) {
    throw invalidInput("scope must be an object mapping schema names to arrays of table names");
  }
  const entries = Object.entries(scope);
  if (entries.length === 0) throw invalidInput("scope must not be empty");
  const cfg = state.schemaConfig(c);
  for (const [schema, tables] of entries) {
    if (!Array.isArray(tables) || !tables.every((t) => typeof t === "string")) {
      throw invalidInput(`scope.${schema} must be an array of table names`);
    }
    if (tables.length === 0) throw invalidInput(`scope.${schema} must not be empty`);
    const s = cfg.schemas.get(schema);
    if (!s) throw invalidInput(`Schema '${schema}' doesn't exist in connection '${c.id}'`);
    for (const t of tables as string[]) {
      if (!s.tables.has(t)) throw invalidInput(`Table '${schema}.${t}' doesn't exist`);
    }
  }
}

/** POST /v1/connections/{connectionId}/resync. */
export const resyncConnection: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw);
  if (body.scope !== undefined) checkScope(state, c, body.scope);
  const blocker = resyncBlocker(state, c);
  if (blocker) throw conflict(blocker);
  state.emitConnection("resync_connector", c);
  state.startSync(c, { historical: body.scope === undefined });
  return done(`Re-sync has been triggered successfully for connection with id '${c.id}'`);
};

/** POST /v1/connections/{connectionId}/test. */
export const runConnectionSetupTests: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  if (raw === undefined) {
    throw invalidInput('Request body is required: send {} or {"trust_certificates": true}');
  }
  const body = objectBody(raw, true);
  const tests = runSetupTests(state, c, {
    trustCertificates: field<boolean>(body, "trust_certificates", "boolean"),
    trustFingerprints: field<boolean>(body, "trust_fingerprints", "boolean"),
  });
  return ok(detail(state, c, tests), "Setup tests have been completed");
};

function sdkState(c: ConnectionRecord): Record<string, unknown> {
  if (!c.state) {
    throw new ApiError(
      400,
      "InvalidInput",
      `Connection '${c.id}' (${c.service}) does not support state management: only Function and Connector SDK connections do`,
    );
  }
  return c.state;
}

/** GET /v1/connections/{connectionId}/state. */
export const connectionState: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  return ok({ state: structuredClone(sdkState(c)) });
};

/** PATCH /v1/connections/{connectionId}/state. */
export const modifyConnectionState: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  sdkState(c);
  const body = objectBody(raw, true);
  const next = field<Record<string, unknown>>(body, "state", "object", { required: true })!;
  if (state.syncState(c) === "syncing") {
    throw conflict(`Connection '${c.id}' can't be updated while a sync is in progress`);
  }
  c.state = structuredClone(next);
  return ok({ state: structuredClone(c.state) }, "Connection state has been updated");
};
