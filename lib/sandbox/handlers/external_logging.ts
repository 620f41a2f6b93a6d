/**
 * External logging: a log service per group (its id is the group's id, as the
 * live API answers) and one for the account, for the 8 log services of the
 * spec's discriminator mapping. Configs are checked against the service's
 * fields (types, enums), secrets (`format: password`) are masked on read, and
 * setup tests pass once the fields a service needs to deliver are set.
 *
 * @module
 */

import { conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { MASK } from "../mask.ts";
import { paginate } from "../pagination.ts";
import type { LogServiceRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { specService } from "../spec_catalog.ts";
import { type Body, field, objectBody } from "../validate.ts";

type FieldType = "string" | "boolean" | "integer" | readonly string[];

interface LogServiceSpec {
  /** Config fields and their types (enums as value lists), from the spec. */
  fields: Record<string, FieldType>;
  /** Fields holding secrets (`format: password` in the spec). */
  secrets: readonly string[];
  /** Fields a setup test needs. */
  needed: readonly string[];
  /** Title of the connection test. */
  title: string;
}

/** What the spec doesn't say about its 8 log services (`AddLogRequest` discriminator): setup tests. */
const SETUP_TESTS: Readonly<Record<string, { needed: readonly string[]; title: string }>> = {
  azure_monitor_log: { needed: ["workspace_id", "primary_key"], title: "Connecting to Azure Monitor" },
  cloudwatch: { needed: ["log_group_name", "region"], title: "Connecting to Amazon CloudWatch" },
  datadog_log: { needed: ["api_key"], title: "Connecting to Datadog" },
  dynatrace: { needed: ["access_token", "environment_id"], title: "Connecting to Dynatrace" },
  grafana_loki: { needed: ["loki_url", "access_token"], title: "Connecting to Grafana Loki" },
  new_relic_log: { needed: ["api_key"], title: "Connecting to New Relic" },
  splunkLog: { needed: ["host", "token"], title: "Connecting to Splunk" },
  stackdriver: { needed: ["project_id"], title: "Connecting to Google Cloud Logging" },
};

const TYPES: Readonly<Record<string, FieldType>> = { s: "string", p: "string", b: "boolean", i: "integer" };

const specs = new Map<string, LogServiceSpec>();

/**
 * A log service's fields and secrets as `spec_services.ts` has them (read on first use), with its setup test;
 * undefined for a service the spec doesn't list.
 */
function logService(service: string): LogServiceSpec | undefined {
  if (!Object.hasOwn(SETUP_TESTS, service)) return undefined;
  let spec = specs.get(service);
  if (!spec) {
    const { fields } = specService("logs", service)!;
    spec = {
      fields: Object.fromEntries(
        Object.entries(fields).map(([k, code]) => [k, Array.isArray(code) ? code : TYPES[code as string]]),
      ),
      secrets: Object.keys(fields).filter((k) => fields[k] === "p"),
      ...SETUP_TESTS[service],
    };
    specs.set(service, spec);
  }
  return spec;
}

/** The log service names, as the spec's discriminator lists them. */
export const LOG_SERVICE_NAMES: readonly string[] = Object.keys(SETUP_TESTS);

function checkService(service: string): LogServiceSpec {
  const spec = logService(service);
  if (!spec) {
    throw invalidInput(`Unsupported log service '${service}': expected one of ${LOG_SERVICE_NAMES.join(", ")}`);
  }
  return spec;
}

function typeName(t: FieldType): string {
  return typeof t === "string" ? `a ${t}` : `one of ${t.join(", ")}`;
}

function fits(v: unknown, t: FieldType): boolean {
  if (t === "string") return typeof v === "string";
  if (t === "boolean") return typeof v === "boolean";
  if (t === "integer") return typeof v === "number" && Number.isInteger(v);
  return typeof v === "string" && t.includes(v);
}

/** Check a config against the service's fields; `null` values mean "not set". */
function checkConfig(spec: LogServiceSpec, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const t = spec.fields[k];
    if (t === undefined) throw invalidInput(`Unknown field 'config.${k}' for this log service`);
    if (v === null) continue;
    if (!fits(v, t)) throw invalidInput(`Field 'config.${k}' must be ${typeName(t)}, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function masked(r: LogServiceRecord): Record<string, unknown> {
  const spec = logService(r.service)!;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.config)) out[k] = spec.secrets.includes(k) && v !== "" ? MASK : v;
  return out;
}

function logJson(r: LogServiceRecord, tests?: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id,
    service: r.service,
    enabled: r.enabled,
    config: masked(r),
    status: {
      setup_state: r.setupState,
      tasks: r.setupState === "connected"
        ? []
        : [{ code: "setup_incomplete", message: "Run the setup tests to start forwarding logs" }],
    },
  };
  if (tests) out.setup_tests = tests;
  return out;
}

/** Run the setup tests of a log service and update its state. */
function runTests(r: LogServiceRecord): Record<string, unknown>[] {
  const spec = logService(r.service)!;
  const missing = spec.needed.filter((f) => r.config[f] === undefined || r.config[f] === "");
  r.setupState = missing.length ? "broken" : "connected";
  return [
    missing.length
      ? {
        title: spec.title,
        status: "FAILED",
        message: `Missing ${missing.map((m) => `config.${m}`).join(", ")}`,
      }
      : { title: spec.title, status: "PASSED", message: "Test event delivered" },
  ];
}

function create(state: SandboxState, body: Body, id: string, scope: LogServiceRecord["scope"]): LogServiceRecord {
  const service = field<string>(body, "service", "string", { required: true, nonEmpty: true })!;
  const spec = checkService(service);
  const enabled = body.enabled === null ? undefined : field<boolean>(body, "enabled", "boolean");
  const config = body.config === null ? undefined : field<Record<string, unknown>>(body, "config", "object");
  return state.platform.logServices.add({
    seq: state.nextSeq(),
    id,
    scope,
    service,
    enabled: enabled ?? true,
    config: checkConfig(spec, config ?? {}),
    setupState: "incomplete",
  });
}

function update(r: LogServiceRecord, body: Body): boolean | undefined {
  const enabled = body.enabled === null ? undefined : field<boolean>(body, "enabled", "boolean");
  const config = body.config === null ? undefined : field<Record<string, unknown>>(body, "config", "object");
  const runSetupTests = field<boolean>(body, "run_setup_tests", "boolean");
  if (config !== undefined) {
    const spec = logService(r.service)!;
    const sent = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== MASK));
    const checked = checkConfig(spec, sent);
    for (const k of Object.keys(sent)) {
      if (sent[k] === null) delete r.config[k];
      else r.config[k] = checked[k];
    }
  }
  if (enabled !== undefined) r.enabled = enabled;
  return runSetupTests;
}

/** GET /v1/external-logging. */
export const listLogServices: Handler = ({ state, query }) => {
  const page = paginate(state.platform.logServices.all(), "log-services", query);
  const body = list(page.items.map((r) => logJson(r)), page.nextCursor);
  body.body.message = "External logging services retrieved successfully";
  return body;
};

/** POST /v1/external-logging (a group's log service; its id is the group id). */
export const addLogService: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const groupId = field<string>(body, "group_id", "string", { required: true, nonEmpty: true })!;
  const runSetupTests = field<boolean>(body, "run_setup_tests", "boolean");
  state.group(groupId);
  if (state.platform.logServices.get(groupId)) {
    throw conflict(`Group '${groupId}' already has a log service`, "AlreadyExists");
  }
  const r = create(state, body, groupId, "group");
  return created(logJson(r, runSetupTests ? runTests(r) : undefined), "Log service has been added");
};

/** GET /v1/external-logging/{logId}. */
export const logServiceDetails: Handler = ({ state, params }) =>
  ok(logJson(state.platform.logService(params.logId)), "Log service details retrieved successfully");

/** PATCH /v1/external-logging/{logId}. */
export const updateLogService: Handler = ({ state, params, body: raw }) => {
  const r = state.platform.logService(params.logId);
  const run = update(r, objectBody(raw));
  return ok(logJson(r, run ? runTests(r) : undefined), "Log service has been updated");
};

/** DELETE /v1/external-logging/{logId}. */
export const deleteLogService: Handler = ({ state, params }) => {
  const r = state.platform.logService(params.logId);
  state.platform.logServices.remove(r.id);
  return done(`Log service with id '${r.id}' has been deleted`);
};

/** POST /v1/external-logging/{logId}/test. */
export const testLogService: Handler = ({ state, params, body }) => {
  objectBody(body);
  const r = state.platform.logService(params.logId);
  return ok({ setup_tests: runTests(r) }, "Setup tests have been completed");
};

/** GET /v1/external-logging/account. */
export const accountLogServiceDetails: Handler = ({ state }) =>
  ok(logJson(state.platform.accountLogService()), "Log service details retrieved successfully");

/** POST /v1/external-logging/account (one per account; its id is the account id). */
export const addAccountLogService: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const runSetupTests = field<boolean>(body, "run_setup_tests", "boolean");
  if (state.platform.logServices.all().some((r) => r.scope === "account")) {
    throw conflict("The account already has an account-level log service", "AlreadyExists");
  }
  const r = create(state, body, state.account.id, "account");
  return created(logJson(r, runSetupTests ? runTests(r) : undefined), "Log service has been added");
};

/** PATCH /v1/external-logging/account. */
export const updateAccountLogService: Handler = ({ state, body: raw }) => {
  const r = state.platform.accountLogService();
  const run = update(r, objectBody(raw));
  return ok(logJson(r, run ? runTests(r) : undefined), "Log service has been updated");
};

/** DELETE /v1/external-logging/account. */
export const deleteAccountLogService: Handler = ({ state }) => {
  const r = state.platform.accountLogService();
  state.platform.logServices.remove(r.id);
  return done("Account log service has been deleted");
};

/** POST /v1/external-logging/account/test. */
export const testAccountLogService: Handler = ({ state, body }) => {
  objectBody(body);
  return ok({ setup_tests: runTests(state.platform.accountLogService()) }, "Setup tests have been completed");
};
