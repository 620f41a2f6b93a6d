/**
 * Creating, deleting and upgrading transformations, and the Quickstart
 * package catalog (`/v1/transformations/package-metadata`). A dbt Core
 * transformation belongs to an existing project and runs dbt steps; a
 * Quickstart one runs a catalog package over existing connections whose
 * service the package supports.
 *
 * @module
 */

import { invalidInput, notFound } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import type { SandboxState } from "../state.ts";
import type { TransformationRecord } from "../types.ts";
import { type Body, field, objectBody } from "../validate.ts";
import { transformationJson } from "../views.ts";

interface PackageMetadata {
  seq: number;
  id: string;
  name: string;
  version: string;
  connector_types: string[];
  output_model_names: string[];
  configurable_variables: Record<string, unknown>;
}

const pkg = (
  seq: number,
  name: string,
  version: string,
  connectorTypes: string[],
  models: string[],
  variables: Record<string, unknown> = {},
): PackageMetadata => ({
  seq,
  id: `${name}__${version.replace(/\./g, "_")}`,
  name,
  version,
  connector_types: connectorTypes,
  output_model_names: models,
  configurable_variables: variables,
});

/** The Quickstart packages the sandbox knows (a small, fixed catalog). */
const PACKAGES: readonly PackageMetadata[] = [
  pkg(1, "fivetran_platform", "2.1.0", ["fivetran_log"], [
    "fivetran_platform__connection_status",
    "fivetran_platform__mar_table_history",
    "fivetran_platform__usage_mar_destination_history",
  ]),
  pkg(2, "google_ads", "1.4.0", ["google_ads"], ["google_ads__campaign_report", "google_ads__ad_report"]),
  pkg(3, "hubspot", "1.6.0", ["hubspot"], ["hubspot__contacts", "hubspot__deals", "hubspot__email_campaigns"], {
    hubspot_marketing_enabled: true,
  }),
  pkg(4, "salesforce", "1.9.0", ["salesforce"], [
    "salesforce__opportunity_enhanced",
    "salesforce__sales_snapshot",
  ], { salesforce__user_role_enabled: true }),
  pkg(5, "shopify", "0.19.0", ["shopify"], ["shopify__orders", "shopify__customers", "shopify__products"]),
  pkg(6, "stripe", "0.16.0", ["stripe"], ["stripe__balance_transactions", "stripe__invoice_details"]),
  pkg(7, "zendesk", "0.22.0", ["zendesk"], ["zendesk__ticket_metrics", "zendesk__ticket_summary"]),
];

const SCHEDULE_TYPES = ["INTEGRATED", "TIME_OF_DAY", "INTERVAL", "CRON"];
const DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

function packageByName(name: string): PackageMetadata | undefined {
  return PACKAGES.find((p) => p.name === name);
}

function strings(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw invalidInput(`Field '${name}' must be an array of strings`);
  }
  return [...v];
}

function readSchedule(state: SandboxState, raw: Record<string, unknown>): Record<string, unknown> {
  const type = field<string>(raw, "schedule_type", "string", { required: true, oneOf: SCHEDULE_TYPES })!;
  const out: Record<string, unknown> = { schedule_type: type };
  if (raw.interval !== undefined && raw.interval !== null) {
    if (typeof raw.interval !== "number" || !Number.isInteger(raw.interval) || raw.interval < 1) {
      throw invalidInput("Field 'schedule.interval' must be a positive integer (minutes)");
    }
    out.interval = raw.interval;
  }
  if (raw.cron !== undefined && raw.cron !== null) out.cron = strings(raw.cron, "schedule.cron");
  if (raw.days_of_week !== undefined && raw.days_of_week !== null) {
    const days = strings(raw.days_of_week, "schedule.days_of_week");
    for (const d of days) if (!DAYS.includes(d)) throw invalidInput(`Invalid day '${d}' in schedule.days_of_week`);
    out.days_of_week = days;
  }
  if (raw.time_of_day !== undefined && raw.time_of_day !== null) {
    const t = field<string>(raw, "time_of_day", "string")!;
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(t)) throw invalidInput(`Invalid schedule.time_of_day '${t}': use HH:MM`);
    out.time_of_day = t;
  }
  if (raw.connection_ids !== undefined && raw.connection_ids !== null) {
    const ids = strings(raw.connection_ids, "schedule.connection_ids");
    for (const id of ids) state.connection(id);
    out.connection_ids = ids;
  }
  if (raw.transformation_ids !== undefined && raw.transformation_ids !== null) {
    const ids = strings(raw.transformation_ids, "schedule.transformation_ids");
    for (const id of ids) state.transformation(id);
    out.transformation_ids = ids;
  }
  if (raw.smart_syncing !== undefined && raw.smart_syncing !== null) {
    out.smart_syncing = field<boolean>(raw, "smart_syncing", "boolean");
  }
  const needs: Record<string, string> = { INTERVAL: "interval", CRON: "cron", TIME_OF_DAY: "time_of_day" };
  if (needs[type] && out[needs[type]] === undefined) {
    throw invalidInput(`Schedule type ${type} needs 'schedule.${needs[type]}'`);
  }
  return out;
}

function dbtConfig(state: SandboxState, config: Body): Record<string, unknown> {
  const projectId = field<string>(config, "project_id", "string", { required: true, nonEmpty: true })!;
  const name = field<string>(config, "name", "string", { required: true, nonEmpty: true })!;
  const steps = config.steps;
  state.platform.transformationProject(projectId);
  if (!Array.isArray(steps) || steps.length === 0) {
    throw invalidInput("Field 'transformation_config.steps' must list at least one step");
  }
  const checked = steps.map((s, i) => {
    if (typeof s !== "object" || s === null || Array.isArray(s)) {
      throw invalidInput(`transformation_config.steps[${i}] must be an object`);
    }
    const step = s as Body;
    const stepName = field<string>(step, "name", "string", { required: true, nonEmpty: true })!;
    const command = field<string>(step, "command", "string", { required: true, nonEmpty: true })!;
    if (!/^dbt\s+\S/.test(command)) {
      throw invalidInput(`transformation_config.steps[${i}].command must be a dbt command, got '${command}'`);
    }
    return { name: stepName, command };
  });
  return { project_id: projectId, name, steps: checked };
}

function quickstartConfig(state: SandboxState, config: Body): Record<string, unknown> {
  const name = field<string>(config, "package_name", "string", { required: true, nonEmpty: true })!;
  const p = packageByName(name);
  if (!p) {
    throw invalidInput(
      `Unknown Quickstart package '${name}': see GET /v1/transformations/package-metadata for the packages`,
    );
  }
  const ids = strings(config.connection_ids ?? [], "transformation_config.connection_ids");
  if (ids.length === 0) throw invalidInput("Field 'transformation_config.connection_ids' must list a connection");
  for (const id of ids) {
    const c = state.connection(id);
    if (!p.connector_types.includes(c.service)) {
      throw invalidInput(`Package '${name}' can't transform connection '${id}' (service ${c.service})`);
    }
  }
  const out: Record<string, unknown> = { package_name: name, connection_ids: ids, upgrade_available: false };
  if (config.excluded_models !== undefined && config.excluded_models !== null) {
    const excluded = strings(config.excluded_models, "transformation_config.excluded_models");
    for (const m of excluded) {
      if (!p.output_model_names.includes(m)) throw invalidInput(`Package '${name}' has no model '${m}'`);
    }
    out.excluded_models = excluded;
  }
  if (config.configurable_variables !== undefined && config.configurable_variables !== null) {
    out.configurable_variables = structuredClone(
      field<Record<string, unknown>>(config, "configurable_variables", "object"),
    );
  }
  return out;
}

/** POST /v1/transformations. */
export const createTransformation: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const type = field<"DBT_CORE" | "QUICKSTART">(body, "type", "string", {
    required: true,
    oneOf: ["DBT_CORE", "QUICKSTART"],
  })!;
  const paused = body.paused === null ? undefined : field<boolean>(body, "paused", "boolean");
  const rawSchedule = body.schedule === null ? undefined : field<Body>(body, "schedule", "object");
  const rawConfig = field<Body>(body, "transformation_config", "object", { required: true })!;
  const config = type === "DBT_CORE" ? dbtConfig(state, rawConfig) : quickstartConfig(state, rawConfig);
  const schedule = rawSchedule
    ? readSchedule(state, rawSchedule)
    : type === "QUICKSTART"
    ? { schedule_type: "INTEGRATED", connection_ids: [...config.connection_ids as string[]] }
    : { schedule_type: "INTERVAL", interval: 60 };
  const t: TransformationRecord = {
    seq: state.nextSeq(),
    id: state.newId(),
    type,
    status: "NEW",
    paused: paused ?? false,
    schedule,
    createdAt: state.now(),
    createdById: state.account.userId,
    outputModelNames: type === "QUICKSTART"
      ? packageByName(config.package_name as string)!.output_model_names
        .filter((m) => !((config.excluded_models as string[] | undefined) ?? []).includes(m))
      : [],
    failRuns: false,
    config,
  };
  state.transformations.add(t);
  return created(transformationJson(state, t), "Transformation has been created");
};

/** DELETE /v1/transformations/{transformationId} (a running run is dropped with it). */
export const deleteTransformation: Handler = ({ state, params }) => {
  const t = state.transformation(params.transformationId);
  state.transformations.remove(t.id);
  return done(`Transformation with id '${t.id}' has been deleted`);
};

/** POST /v1/transformations/{transformationId}/upgrade (Quickstart packages only). */
export const upgradeTransformation: Handler = ({ state, params, body }) => {
  objectBody(body);
  const t = state.transformation(params.transformationId);
  if (t.type !== "QUICKSTART") {
    throw invalidInput(`Transformation '${t.id}' is ${t.type}: only Quickstart packages can be upgraded`);
  }
  const p = packageByName(String(t.config.package_name));
  t.config.upgrade_available = false;
  if (p) t.outputModelNames = [...p.output_model_names];
  return done(
    `Transformation package of transformation with id '${t.id}' has been upgraded to ${
      p?.version ?? "the latest version"
    }`,
  );
};

/** GET /v1/transformations/package-metadata (optional `service` and `name` filters). */
export const listPackageMetadata: Handler = ({ query }) => {
  const service = query.get("service");
  const name = query.get("name");
  const page = paginate(
    PACKAGES,
    `package-metadata:${service ?? ""}:${name ?? ""}`,
    query,
    (p) => (!service || p.connector_types.includes(service)) && (!name || p.name === name),
  );
  return list(
    page.items.map(({ seq: _, ...p }) => structuredClone(p)),
    page.nextCursor,
    "Quickstart package metadata retrieved successfully",
  );
};

/** GET /v1/transformations/package-metadata/{package_definition_id}. */
export const packageMetadataDetails: Handler = ({ params }) => {
  const p = PACKAGES.find((x) => x.id === params.package_definition_id);
  if (!p) throw notFound("PackageMetadata", params.package_definition_id);
  const { seq: _, ...data } = p;
  return ok(structuredClone(data), "Quickstart package metadata retrieved successfully");
};
