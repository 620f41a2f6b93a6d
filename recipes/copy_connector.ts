#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * copy_connector.ts — copy a connection (service, settings, config and schema config) into one or more
 * other groups. Fivetran masks secrets as `"******"` when it returns a config, so they are supplied again
 * from a `--secrets FILE` (a JSON object of config key → value; nested objects or dotted keys for nested
 * config). It refuses, before creating anything, when a masked value has no replacement, naming the keys.
 * Each group gets `POST /v1/connections` (sent once, never retried), then the source's schema config
 * (`PATCH /v1/connections/{new}/schemas`); a group that already holds a copy (same service and schema) is
 * left alone, so a rerun only does what is missing.
 *
 * ```sh
 * deno run -P recipes/copy_connector.ts --connection-id steady_orchard --to-group quiet_meadow --to-group amber_falcon \
 *   --secrets recipes/examples/copy_secrets.json
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { AtlasError, type HttpMethod, invalidAnswer } from "../lib/client/errors.ts";
import type { Envelope } from "../lib/client/envelope.ts";
import { MASK, maskSecrets, scrubText } from "../lib/mask.ts";
import { BULK_FLAGS, bulkFlags, reportBulk, runBulk } from "../lib/bulk.ts";
import { checkConfig, NO_VALIDATE_FLAG } from "./_shared.ts";
import type { Connection as ConnectionAnswer, Read } from "../lib/spec/types.ts";
import { isLostAnswer, lookUpLostCreate, lostHow } from "./_lost_create.ts";
import type { SchemaConfigData as SchemaConfig } from "../lib/schema_config.ts";
import { narrowSchemaRequest, schemaConfigRequest } from "../lib/connection_copy.ts";

/** Connection settings copied from the source (fields of both the GET answer and the create request). */
const SETTINGS = [
  "paused",
  "pause_after_trial",
  "sync_frequency",
  "schedule_type",
  "data_delay_sensitivity",
  "networking_method",
  "proxy_agent_id",
  "private_link_id",
  "destination_schema_names",
] as const satisfies readonly (keyof ConnectionAnswer)[];

type Path = string[];
type Obj = Record<string, unknown>;

/** The source connection as read; the fields a copy needs are checked present before use. */
type Connection = Read<ConnectionAnswer> & { id: string; service: string; schema: string; group_id: string };

interface Copied {
  id?: string;
  /** What of the schema config reached the copy. */
  schema?: SchemaCopy["how"] | "none";
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "copy_connector.ts",
  summary: "Copy a connection (settings, config, schema config) into other groups",
  description: [
    'Reads the source connection and its schema config, re-supplies the secrets Fivetran masks ("******")',
    "from --secrets FILE, then for each --to-group creates the copy (POST connections, sent once) and applies",
    "the schema config (PATCH connections/NEW/schemas; POST when the new connection has none yet). The secrets",
    'file is a JSON object such as {"password": "...", "tunnel": {"private_key": "..."}} or with dotted keys',
    '{"tunnel.private_key": "..."}. A group that already has a connection of the same service and schema is',
    "reported and left alone. Secrets are masked in every line printed or logged.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/copy_connector.ts --connection-id steady_orchard --to-group quiet_meadow --to-group amber_falcon --secrets recipes/examples/copy_secrets.json",
  ],
  flags: {
    "connection-id": { type: "string", required: true, valueName: "ID", description: "Connection to copy" },
    "to-group": {
      type: "string",
      multiple: true,
      required: true,
      valueName: "ID",
      description: "Group to copy it into",
    },
    secrets: {
      type: "string",
      valueName: "FILE",
      description: "JSON file: config key → value for every masked secret of the source",
    },
    paused: { type: "boolean", description: "Create the copies paused (default: paused as the source is)" },
    ...BULK_FLAGS,
    ...NO_VALIDATE_FLAG,
    concurrency: {
      ...BULK_FLAGS.concurrency,
      description: "How many groups at once, 1..64 (default 1: one after another, output in order)",
    },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (secrets file) --allow-write=logs",
  async run(ctx) {
    const sourceId = ctx.id("connection-id", { required: true })!;
    const groups = checkGroups(ctx.ids("to-group"));
    const secretsFile = ctx.string("secrets");
    const { concurrency: given, retryFailed, resumeFrom } = bulkFlags(ctx);
    const concurrency = ctx.flags.concurrency === undefined ? 1 : given;
    const secrets = secretsFile === undefined ? [] : readSecrets(ctx, secretsFile);
    const secretValues = secrets.flatMap(([, v]) => leafStrings(v));
    ctx.addSecrets(...secretValues);

    const source = (await ctx.client.request<Connection>("GET", `connections/${sourceId}`)).data;
    if (!source || typeof source.service !== "string" || !isRecord(source.config)) {
      throw invalidAnswer(`connections/${sourceId}`, "Expected a connection with service and config");
    }
    ctx.out.detail(
      `Source: ${source.id} (${source.service}, schema ${source.schema}) in group ${source.group_id}`,
    );
    if (groups.includes(source.group_id)) {
      throw new UsageError(
        `Expected --to-group to be other groups, got the source's own group '${source.group_id}' (its schema name is taken there)`,
      );
    }

    const masked = maskedPaths(source.config);
    const missing = masked.filter((p) => !secrets.some(([s]) => isPrefix(s, p)));
    if (missing.length) {
      const keys = missing.map((p) => p.join(".")).join(", ");
      throw new UsageError(
        secretsFile === undefined
          ? `The source config has masked secrets (${keys}); give their values with --secrets FILE`
          : `Secrets file '${secretsFile}' lacks values for the masked config keys: ${keys}`,
      );
    }
    const extra = secrets.filter(([s]) => !masked.some((p) => isPrefix(s, p)));
    if (extra.length) {
      ctx.out.warn(
        `Secrets file keys not masked in the source config, applied as given: ${
          extra.map(([s]) => s.join(".")).join(", ")
        }`,
      );
    }
    const config = structuredClone(source.config);
    for (const [path, value] of secrets) setPath(config, path, value);
    const stillMasked = maskedPaths(config);
    if (stillMasked.length) {
      throw new UsageError(
        `Config keys still masked after applying the secrets: ${stillMasked.map((p) => p.join(".")).join(", ")}`,
      );
    }
    await checkConfig(ctx, "connection", source.service, { config }, { allowReadOnly: true });
    const secretPaths = [...masked, ...secrets.map(([s]) => s)];
    const settings = pickSettings(source);
    if (ctx.flags.paused === true) settings.paused = true;
    const schemaBody = await sourceSchemaConfig(ctx, sourceId);
    ctx.out.detail(
      schemaBody
        ? `Schema config: ${Object.keys(schemaBody.schemas as Obj).length} schema(s) to copy`
        : "Schema config: none on the source; not copied",
    );

    const unknown: string[] = [];
    for (const g of groups) {
      try {
        await ctx.client.request("GET", `groups/${g}`);
      } catch (error) {
        if (error instanceof AtlasError && error.status === 404) unknown.push(g);
        else throw error;
      }
    }
    if (unknown.length) throw new UsageError(`Group(s) not found: ${unknown.join(", ")}; nothing was created`);

    const call = async <T>(method: HttpMethod, endpoint: string, payload?: unknown): Promise<Envelope<T>> => {
      ctx.out.call(method, endpoint, shown(payload, secretPaths));
      const response = await ctx.client.request<T>(method, endpoint, payload);
      ctx.out.response(response.code);
      return response;
    };

    const summary = await runBulk<string, Copied>(groups, {
      op: `copy_connector:${sourceId}`,
      key: (g) => g,
      concurrency,
      retryFailed,
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
      signal: ctx.signal,
      run: async (groupId) => {
        const existing = await findCopy(ctx, groupId, source.schema);
        if (existing) {
          if (existing.service !== source.service) {
            throw new Error(
              `schema '${source.schema}' is already used there by ${existing.service} connection ${existing.id}`,
            );
          }
          return {
            status: "already",
            detail: `already has ${existing.id} (schema ${source.schema})`,
            value: { id: existing.id },
          };
        }
        const body = { group_id: groupId, service: source.service, ...settings, config };
        let id: string | undefined;
        try {
          const created = await call<{ id?: string }>("POST", "connections", body);
          id = created.data?.id;
        } catch (error) {
          if (!isLostAnswer(error)) {
            throw new Error(scrubText((error as Error).message, secretValues), { cause: error });
          }
          // No clear answer (5xx, network, timeout): look for the copy (same schema in that group).
          const outcome = await lookUpLostCreate(ctx, error, {
            request: `POST connections (group ${groupId})`,
            what: `copy in group ${groupId} (schema ${source.schema})`,
            lookup: `GET groups/${groupId}/connections`,
            find: () => findCopy(ctx, groupId, source.schema),
            describe: (c) => `connection ${c.id} (${c.service}, schema ${source.schema})`,
            // A rerun looks for the copy first and never creates it twice: it is the check.
            check: "run the same command again (it looks for the copy first and never creates it twice)",
          });
          // (Short: the bulk summary cuts long reasons. A rerun looks for the copy first, so it is the check.)
          if (outcome.state === "absent") {
            throw new Error(
              `not created: the answer to POST connections was lost (${lostHow(error)}) and ` +
                `GET groups/${groupId}/connections shows no copy; running the same command again is safe`,
              { cause: error },
            );
          }
          if (outcome.state === "unknown") {
            throw new Error(
              `outcome unknown: the answer to POST connections was lost and the check (GET groups/${groupId}/connections) ` +
                "failed too; run the same command again: it looks for the copy first and never creates it twice",
              { cause: error },
            );
          }
          if (outcome.found.service !== source.service) {
            throw new Error(
              `schema '${source.schema}' is used there by ${outcome.found.service} connection ${outcome.found.id}`,
            );
          }
          id = outcome.found.id;
        }
        if (ctx.dryRun) {
          if (schemaBody) ctx.out.call("PATCH", "connections/NEW_CONNECTION_ID/schemas", schemaBody);
          return { status: "done", detail: "dry run: nothing sent", value: {} };
        }
        if (!id) throw new Error("the create answered without a connection id");
        ctx.log.write("info", `copy_connector.ts: copied ${sourceId} to group ${groupId} as ${id}`);
        if (!schemaBody) return { status: "done", detail: `created ${id}`, value: { id, schema: "none" } };
        try {
          const { how, detail } = await copySchemaConfig(ctx, call, id, schemaBody);
          return { status: "done", detail: `created ${id}, ${detail}`, value: { id, schema: how } };
        } catch (error) {
          throw new Error(
            `created ${id}, but its schema config was not copied: ${scrubText((error as Error).message, secretValues)}`,
          );
        }
      },
      onResult: (r) => {
        const text = `${r.key}: ${r.status}${r.detail ? ` — ${r.detail}` : ""}${r.reason ? ` — ${r.reason}` : ""}`;
        if (r.status === "failed") ctx.out.error(text);
        else ctx.out.progress(text);
      },
    });

    const rows = summary.results.map((r) => ({
      group_id: r.key,
      status: r.status,
      connection_id: r.value?.id ?? "",
      detail: r.detail ?? r.reason ?? "",
    }));
    if (!ctx.json) {
      ctx.table(rows, [
        { header: "Group", value: (r) => r.group_id },
        { header: "Status", value: (r) => r.status },
        { header: "Connection ID", value: (r) => r.connection_id },
        { header: "Detail", value: (r) => r.detail },
      ]);
    }
    return reportBulk(ctx, summary, {
      noun: "group",
      done: "copied",
      already: "already had a copy",
      json: {
        source: { id: source.id, service: source.service, schema: source.schema, group_id: source.group_id },
        dry_run: ctx.dryRun,
        results: rows,
      },
    });
  },
});

function checkGroups(groups: string[]): string[] {
  const seen = new Set<string>();
  for (const g of groups) {
    if (seen.has(g)) throw new UsageError(`Expected each --to-group once, got '${g}' twice`);
    seen.add(g);
  }
  return groups;
}

function isRecord(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The secrets file as (path, value) pairs; nested objects and dotted keys both give nested paths. */
function readSecrets(ctx: RecipeContext, file: string): [Path, unknown][] {
  const data = ctx.readJson(file, "secrets");
  if (!isRecord(data)) {
    throw new UsageError(`Expected secrets file '${file}' to hold a JSON object of config key → value`);
  }
  const out: [Path, unknown][] = [];
  const walk = (value: Obj, prefix: Path) => {
    for (const [key, v] of Object.entries(value)) {
      const path = [...prefix, ...key.split(".")];
      if (path.some((s) => s === "")) {
        throw new UsageError(`Expected secrets file '${file}' keys without empty parts, got '${key}'`);
      }
      if (isRecord(v)) walk(v, path);
      else if (v === null || v === MASK) {
        throw new UsageError(
          `Expected a value for '${path.join(".")}' in secrets file '${file}', got ${v === null ? "null" : "a mask"}`,
        );
      } else out.push([path, v]);
    }
  };
  walk(data, []);
  if (out.length === 0) throw new UsageError(`Expected secrets file '${file}' to hold at least one value`);
  return out;
}

function leafStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)];
  if (Array.isArray(value)) return value.flatMap(leafStrings);
  if (isRecord(value)) return Object.values(value).flatMap(leafStrings);
  return [];
}

/** Paths of every `"******"` value in a config. */
function maskedPaths(value: unknown, prefix: Path = []): Path[] {
  if (value === MASK) return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => maskedPaths(v, [...prefix, String(i)]));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => maskedPaths(v, [...prefix, k]));
  return [];
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

function setPath(target: Obj, path: Path, value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    const container = node as Record<string, unknown>;
    if (last) {
      container[key] = value;
      return;
    }
    if (typeof container[key] !== "object" || container[key] === null) container[key] = {};
    node = container[key] as Obj;
  }
}

/** A copy of a request body fit to print: the secret paths of `config` masked, and every secret-looking key. */
function shown(payload: unknown, paths: Path[]): unknown {
  if (!isRecord(payload) || !isRecord(payload.config)) return payload;
  const config = structuredClone(payload.config);
  for (const path of paths) {
    let node: unknown = config;
    for (const key of path.slice(0, -1)) node = isRecord(node) || Array.isArray(node) ? (node as Obj)[key] : undefined;
    const last = path[path.length - 1];
    if ((isRecord(node) || Array.isArray(node)) && (node as Obj)[last] !== undefined) (node as Obj)[last] = MASK;
  }
  return maskSecrets({ ...payload, config });
}

function pickSettings(source: Connection): Obj {
  const out: Obj = {};
  for (const key of SETTINGS) if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  if (source.sync_frequency === 1440 && typeof source.daily_sync_time === "string") {
    out.daily_sync_time = source.daily_sync_time;
  }
  if (source.data_delay_sensitivity === "CUSTOM" && typeof source.data_delay_threshold === "number") {
    out.data_delay_threshold = source.data_delay_threshold;
  }
  return out;
}

/** The source's schema config as an update request (only the fields the request takes), or undefined if none. */
async function sourceSchemaConfig(ctx: RecipeContext, id: string): Promise<Obj | undefined> {
  let data: SchemaConfig | undefined;
  try {
    data = (await ctx.client.request<SchemaConfig>("GET", `connections/${id}/schemas`)).data;
  } catch (error) {
    if (error instanceof AtlasError && error.status === 404) return undefined;
    throw error;
  }
  return schemaConfigRequest(data, { unhashed: true });
}

/** What {@link copySchemaConfig} applied: all of it, part of it, only the schema change handling, or nothing. */
interface SchemaCopy {
  how: "copied" | "partly copied" | "handling only" | "not copied" | "pre-created";
  /** For the summary, e.g. "schema config copied: 2 schemas, 14 tables". */
  detail: string;
}

/**
 * Applies the source's schema config to the new connection: PATCH when it already has one (restricted to the
 * schemas, tables and columns it knows, with a warning naming the rest), POST (pre-create) when it has none yet.
 * Says what was applied: a PATCH that keeps none of the source's schemas is not reported as a copy.
 */
async function copySchemaConfig(
  ctx: RecipeContext,
  call: <T>(method: HttpMethod, endpoint: string, payload?: unknown) => Promise<Envelope<T>>,
  id: string,
  body: Obj,
): Promise<SchemaCopy> {
  let target: SchemaConfig | undefined;
  try {
    target = (await ctx.client.request<SchemaConfig>("GET", `connections/${id}/schemas`)).data;
  } catch (error) {
    if (!(error instanceof AtlasError && error.status === 404)) throw error;
  }
  if (!target?.schemas || Object.keys(target.schemas).length === 0) {
    await call("POST", `connections/${id}/schemas`, body);
    return { how: "pre-created", detail: `schema config pre-created (${counted(body.schemas as Obj)})` };
  }
  const { request, skipped } = narrowSchemaRequest(body, target);
  const schemas = request.schemas as Obj;
  if (skipped.length) {
    ctx.out.warn(
      `Connection ${id} does not have ${skipped.length} of the source's schema items; left as they are: ${
        skipped.slice(0, 10).join(", ")
      }${skipped.length > 10 ? ", ..." : ""}`,
    );
  }
  const kept = counted(schemas);
  const handling = typeof body.schema_change_handling === "string" ? body.schema_change_handling : undefined;
  const left = skipped.length ? `; ${skipped.length} item${skipped.length === 1 ? "" : "s"} left as they are` : "";
  if (Object.keys(schemas).length === 0) {
    if (!handling) {
      return { how: "not copied", detail: `schema config not copied: it has none of the source's schemas` };
    }
    await call("PATCH", `connections/${id}/schemas`, { schema_change_handling: handling });
    return {
      how: "handling only",
      detail: `schema config not copied (it has none of the source's schemas); only schema_change_handling ${handling}`,
    };
  }
  await call("PATCH", `connections/${id}/schemas`, request);
  return {
    how: skipped.length ? "partly copied" : "copied",
    detail: `schema config ${skipped.length ? "partly copied" : "copied"} (${kept})${left}`,
  };
}

/** "2 schemas, 14 tables" of a schema config request's `schemas`. */
function counted(schemas: Obj): string {
  const n = Object.keys(schemas).length;
  const tables = Object.values(schemas).reduce(
    (sum: number, s) => sum + Object.keys((s as { tables?: Obj }).tables ?? {}).length,
    0,
  );
  return `${n} schema${n === 1 ? "" : "s"}, ${tables} table${tables === 1 ? "" : "s"}`;
}

/** The connection in `groupId` that uses `schema`, if any. */
async function findCopy(ctx: RecipeContext, groupId: string, schema: string) {
  const items = ctx.client.paginate<{ id?: string; service?: string; schema?: string }>(
    `groups/${groupId}/connections`,
    { limit: 1000 },
  );
  for await (const c of items) {
    if (typeof c.schema === "string" && c.schema.toLowerCase() === schema.toLowerCase()) {
      return { id: String(c.id), service: String(c.service) };
    }
  }
  return undefined;
}

if (import.meta.main) await runMain(main);
