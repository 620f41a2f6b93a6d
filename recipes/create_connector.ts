#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * create_connector.ts — create one connection per destination schema name (`POST /v1/connections`) in a
 * group, from a JSON file holding `service`, `config` (secrets included) and any other connection fields.
 * The schema name goes into `config.schema_prefix` (database services) or `config.schema` (the others), as
 * the service's metadata says. Each create is sent once, never retried; a failure is reported and the
 * next schema is tried; the run exits 1 if any schema was not created.
 *
 * ```sh
 * deno run -P recipes/create_connector.ts --group-id hollow_cedar --config recipes/examples/connector_postgres.json \
 *   --schema shop_eu --schema shop_us
 * ```
 *
 * @module
 */
import { defineRecipe, Interrupted, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { AtlasError } from "../lib/client/errors.ts";
import { scrubText, secretValues } from "../lib/mask.ts";
import { checkConfig, NO_VALIDATE_FLAG } from "./_shared.ts";
import { curlCheck, isLostAnswer, lostHow } from "./_lost_create.ts";

/** Top-level fields of the spec's create_connection request (NewConnectorRequestV1), besides `config`/`auth`. */
const CONNECTION_FIELDS = [
  "group_id",
  "service",
  "config",
  "auth",
  "paused",
  "pause_after_trial",
  "sync_frequency",
  "data_delay_sensitivity",
  "data_delay_threshold",
  "daily_sync_time",
  "schedule_type",
  "trust_certificates",
  "trust_fingerprints",
  "run_setup_tests",
  "connect_card_config",
  "proxy_agent_id",
  "private_link_id",
  "networking_method",
  "hybrid_deployment_agent_id",
  "destination_configuration",
  "destination_schema_names",
  "external_secrets_manager_id",
];
const SYNC_FREQUENCIES = [1, 5, 15, 30, 60, 120, 180, 360, 480, 720, 1440];
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

type SchemaField = "schema_prefix" | "schema";
type Status = "created" | "exists" | "failed" | "conflict" | "dry-run" | "not-started" | "unknown";

interface Result {
  schema: string;
  status: Status;
  id?: string;
  detail?: string;
}

interface ConnectionFile {
  service: string;
  config: Record<string, unknown>;
  rest: Record<string, unknown>;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "create_connector.ts",
  summary: "Create one connection per schema name in a group, from a JSON config file",
  description: [
    "FILE is a JSON object: service, config (secrets included) and optionally other fields of the create",
    "request (paused, sync_frequency, schedule_type, run_setup_tests, ...). For each --schema NAME it sends",
    "POST connections with config.schema_prefix = NAME (database services) or config.schema = NAME (others),",
    "as GET metadata/connector-types/SERVICE says. Schemas already used in the group are reported, not",
    "created. Creates are never retried; after an ambiguous failure (5xx, network) the group is listed again",
    "to tell whether the connection exists. Secrets from the file are masked in everything printed or logged.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/create_connector.ts --group-id hollow_cedar --config recipes/examples/connector_postgres.json --schema shop_eu --schema shop_us",
  ],
  flags: {
    "group-id": { type: "string", required: true, valueName: "ID", description: "Group (destination) to create in" },
    config: {
      type: "string",
      required: true,
      valueName: "FILE",
      description: "JSON file: service, config (with secrets), other connection fields",
    },
    schema: {
      type: "string",
      multiple: true,
      required: true,
      valueName: "NAME",
      description: "Destination schema name; one connection per name",
    },
    ...NO_VALIDATE_FLAG,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (config file) --allow-write=logs",
  async run(ctx) {
    const groupId = ctx.id("group-id", { required: true })!;
    const path = ctx.string("config", { required: true })!;
    const names = checkSchemaNames(ctx.list("schema"));
    const file = readConnectionFile(ctx, path, groupId);
    const secrets = secretValues(file.config).concat(secretValues(file.rest));
    ctx.addSecrets(...secrets);
    await checkConfig(ctx, "connection", file.service, { config: file.config, auth: file.rest.auth }, {
      schemaName: names[0],
    });

    const group = await ctx.client.request<{ name?: string }>("GET", `groups/${groupId}`);
    ctx.out.detail(`Group: ${group.data?.name ?? "?"} (${groupId}); service: ${file.service}`);
    const field = await schemaField(ctx, file);
    const existing = await schemasInGroup(ctx, groupId);

    const results: Result[] = [];
    const ambiguous: Result[] = [];
    for (const name of names) {
      if (ctx.signal.aborted) {
        results.push({ schema: name, status: "not-started", detail: "interrupted before it started" });
        continue;
      }
      const already = existing.get(name.toLowerCase());
      if (already) {
        results.push(
          already.service === file.service
            ? { schema: name, status: "exists", id: already.id, detail: "already in the group; not created again" }
            : {
              schema: name,
              status: "conflict",
              id: already.id,
              detail: `schema used by a ${already.service} connection`,
            },
        );
        continue;
      }
      const body = {
        group_id: groupId,
        service: file.service,
        ...file.rest,
        config: { ...file.config, [field]: name },
      };
      try {
        const response = await ctx.call<{ id?: string }>("POST", "connections", body);
        if (ctx.dryRun) results.push({ schema: name, status: "dry-run", detail: "not sent" });
        else {
          const id = response.data?.id;
          results.push({ schema: name, status: "created", ...(id ? { id } : {}) });
          ctx.log.write("info", `create_connector.ts: created connection ${id ?? "?"} schema ${name} in ${groupId}`);
        }
      } catch (error) {
        if (!(error instanceof AtlasError) || error.kind === "aborted") throw error;
        const detail = scrubText(error.message, secrets);
        ctx.out.error(detail);
        const result: Result = { schema: name, status: "failed", detail };
        results.push(result);
        if (isLostAnswer(error)) {
          ctx.out.warn(
            `The answer to POST connections (schema ${name}) was lost (${lostHow(error)}): it may or may not exist; ` +
              `checking with GET groups/${groupId}/connections`,
          );
          ambiguous.push(result);
        }
        ctx.log.write("error", `create_connector.ts: schema ${name}: ${detail}`);
      }
    }
    if (ambiguous.length) await settleAmbiguous(ctx, groupId, file.service, ambiguous);
    report(ctx, groupId, file.service, field, results);
    if (ctx.signal.aborted) {
      const started = results.filter((r) => r.status !== "not-started").length;
      throw new Interrupted(`Interrupted after ${started} of ${results.length} schemas; re-run to create the rest`);
    }
    const bad = results.filter((r) => !["created", "exists", "dry-run"].includes(r.status));
    return bad.length ? 1 : 0;
  },
});

function checkSchemaNames(names: string[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (!SCHEMA_NAME.test(name)) {
      throw new UsageError(
        `Expected --schema to be a schema name (letters, digits, _; not starting with a digit), got '${
          name.slice(0, 60)
        }'`,
      );
    }
    if (seen.has(name.toLowerCase())) throw new UsageError(`Expected each --schema once, got '${name}' twice`);
    seen.add(name.toLowerCase());
  }
  return names;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readConnectionFile(ctx: RecipeContext, path: string, groupId: string): ConnectionFile {
  const data = ctx.readJson(path, "config");
  if (!isRecord(data)) {
    throw new UsageError(`Expected config file '${path}' to hold a JSON object with service and config`);
  }
  const unknown = Object.keys(data).filter((k) => !CONNECTION_FIELDS.includes(k));
  if (unknown.length) {
    throw new UsageError(
      `Expected config file '${path}' to hold connection fields (service, config, paused, sync_frequency, ...); unknown: ${
        unknown.join(", ")
      }`,
    );
  }
  const { service, config, group_id, ...rest } = data;
  if (typeof service !== "string" || !/^[a-z0-9_]{1,100}$/.test(service)) {
    throw new UsageError(`Expected 'service' in config file '${path}' to be a service id such as postgres`);
  }
  if (config !== undefined && !isRecord(config)) {
    throw new UsageError(`Expected 'config' in config file '${path}' to be a JSON object`);
  }
  if (group_id !== undefined && group_id !== groupId) {
    throw new UsageError(
      `Config file '${path}' names group_id '${
        String(group_id)
      }' but --group-id is '${groupId}'; remove group_id from the file`,
    );
  }
  if (rest.sync_frequency !== undefined && !SYNC_FREQUENCIES.includes(rest.sync_frequency as number)) {
    throw new UsageError(
      `Expected 'sync_frequency' in config file '${path}' to be one of ${SYNC_FREQUENCIES.join(", ")} (minutes)`,
    );
  }
  for (const flag of ["paused", "pause_after_trial", "trust_certificates", "trust_fingerprints", "run_setup_tests"]) {
    if (rest[flag] !== undefined && typeof rest[flag] !== "boolean") {
      throw new UsageError(`Expected '${flag}' in config file '${path}' to be true or false`);
    }
  }
  return { service, config: (config ?? {}) as Record<string, unknown>, rest };
}

/** Where the service's create request takes the schema name: the service's metadata, else the file. */
async function schemaField(ctx: RecipeContext, file: ConnectionFile): Promise<SchemaField> {
  let fields: string[] | undefined;
  try {
    const meta = await ctx.client.request<{ config?: unknown }>("GET", `metadata/connector-types/${file.service}`);
    const config = meta.data?.config;
    const props = isRecord(config) && isRecord(config.properties) ? config.properties : config;
    if (isRecord(props)) fields = Object.keys(props);
  } catch (error) {
    if (error instanceof AtlasError && error.status === 404) {
      throw new UsageError(`Unknown service '${file.service}' (GET metadata/connector-types/${file.service}: 404)`);
    }
    if (!(error instanceof AtlasError) || error.kind === "aborted") throw error;
    ctx.out.warn(`Could not read the metadata of ${file.service} (${error.message}); going by the config file`);
  }
  let field: SchemaField;
  if (fields?.includes("schema_prefix")) field = "schema_prefix";
  else if (fields?.includes("schema")) field = "schema";
  else if ("schema_prefix" in file.config) field = "schema_prefix";
  else {
    field = "schema";
    if (!("schema" in file.config)) {
      ctx.out.warn(`Could not tell how ${file.service} names its schema; sending the name as config.schema`);
    }
  }
  const other: SchemaField = field === "schema" ? "schema_prefix" : "schema";
  if (other in file.config) {
    throw new UsageError(
      `Config file sets config.${other}, but ${file.service} names its destination schema with config.${field}; remove config.${other}`,
    );
  }
  if (file.config[field] !== undefined) {
    ctx.out.warn(`config.${field} in the file is replaced by each --schema`);
  }
  return field;
}

interface Existing {
  id: string;
  service: string;
}

/** The group's connections by (lower-case) schema name. */
async function schemasInGroup(ctx: RecipeContext, groupId: string): Promise<Map<string, Existing>> {
  const map = new Map<string, Existing>();
  const items = ctx.client.paginate<{ id?: string; service?: string; schema?: string }>(
    `groups/${groupId}/connections`,
    { limit: 1000, signal: ctx.signal },
  );
  for await (const c of items) {
    if (typeof c.schema === "string" && c.id) {
      map.set(c.schema.toLowerCase(), { id: c.id, service: String(c.service) });
    }
  }
  return map;
}

/** After a 5xx or network failure, the create may have happened: list the group again and say which. */
async function settleAmbiguous(ctx: RecipeContext, groupId: string, service: string, results: Result[]) {
  ctx.out.progress(`Checking whether ${results.length} create(s) with no clear answer happened...`);
  const lookup = `GET groups/${groupId}/connections`;
  let now: Map<string, Existing>;
  try {
    now = await schemasInGroup(ctx, groupId);
  } catch (error) {
    if (error instanceof AtlasError && error.kind === "aborted") throw error;
    const check = curlCheck(ctx, `groups/${groupId}/connections`);
    for (const r of results) {
      r.status = "unknown";
      r.detail = `outcome unknown: the answer was lost and the check (${lookup}) failed too`;
      ctx.out.error(
        `Outcome unknown: the answer to POST connections (schema ${r.schema}) was lost and the check (${lookup}) ` +
          `failed too (${
            (error as Error).message
          }); it may or may not exist. Check with: ${check} — before running this again`,
      );
    }
    return;
  }
  for (const r of results) {
    const found = now.get(r.schema.toLowerCase());
    if (found && found.service === service) {
      r.status = "created";
      r.id = found.id;
      r.detail = "created after all (the answer was lost; the group lists it)";
      ctx.log.write("info", `create_connector.ts: connection ${found.id} schema ${r.schema} exists after an error`);
      ctx.out.warn(
        `Created after all: ${lookup} shows connection ${found.id} (schema ${r.schema}), so POST connections went ` +
          "through (do not run it again)",
      );
    } else {
      r.detail = `${r.detail}; not created (the group does not list it)`;
      ctx.out.warn(
        `Not created: the answer to POST connections (schema ${r.schema}) was lost, and ${lookup} shows no ` +
          `connection with schema ${r.schema}; running the same command again is safe`,
      );
    }
  }
}

function report(ctx: RecipeContext, groupId: string, service: string, field: SchemaField, results: Result[]) {
  const created = results.filter((r) => r.status === "created").length;
  const failed = results.filter((r) => ["failed", "conflict", "not-started", "unknown"].includes(r.status)).length;
  const unknown = results.filter((r) => r.status === "unknown").length;
  if (ctx.json) {
    ctx.out.json({ group_id: groupId, service, schema_field: `config.${field}`, dry_run: ctx.dryRun, results });
    return;
  }
  ctx.table(results, [
    { header: "Schema", value: (r) => r.schema },
    { header: "Status", value: (r) => r.status },
    { header: "Connection ID", value: (r) => r.id ?? "" },
    { header: "Detail", value: (r) => r.detail ?? "" },
  ]);
  const summary = ctx.dryRun
    ? `Dry run: ${
      results.filter((r) => r.status === "dry-run").length
    } connection(s) would be created; nothing was sent`
    : `${created} created, ${results.length - created - failed} already there, ${failed - unknown} not created${
      unknown ? `, ${unknown} outcome unknown` : ""
    } (of ${results.length})`;
  if (failed) ctx.out.painted("red", summary);
  else ctx.out.detail(summary);
}

if (import.meta.main) await runMain(main);
