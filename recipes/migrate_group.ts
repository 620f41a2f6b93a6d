#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * migrate_group.ts — copy every connection of one group into another: settings, config (the secrets Fivetran masks
 * supplied again from `--secrets FILE`) and schema config. A plan is printed first (`--dry-run` stops there); the
 * copies are created paused unless `--start`; a connection whose schema the target group already has is reported as
 * already there, so a rerun — or `--resume-from FILE` — only does what is missing; the summary accounts for every
 * connection of the source group.
 *
 * ```sh
 * deno run -P recipes/migrate_group.ts --from-group hollow_cedar --to-group brisk_lantern --secrets recipes/examples/migrate_secrets.json
 * ```
 *
 * @module
 */
import { AtlasError, invalidAnswer } from "../lib/client/errors.ts";
import { BULK_FLAGS, bulkFlags, reportBulk, runBulk } from "../lib/bulk.ts";
import {
  createBody,
  fillSecrets,
  flattenSecrets,
  maskedKeys,
  narrowSchemaRequest,
  schemaConfigRequest,
} from "../lib/connection_copy.ts";
import { MASK, maskSecrets } from "../lib/mask.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import type { SchemaConfigData } from "../lib/schema_config.ts";
import { planSchemaFile, type SchemaFile } from "../lib/schema_file.ts";
import { checkListedIds } from "./_api_id.ts";
import { isLostAnswer } from "./_lost_create.ts";

type Obj = Record<string, unknown>;

interface Source {
  id: string;
  service: string;
  schema: string;
  paused?: boolean;
  detail: Obj;
  masked: string[];
  missing: string[];
  config?: Obj;
  /** The connection in the target group that already uses this schema. */
  existing?: { id: string; service: string };
}

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The secrets file's entry for every connection (a connection's own entry wins, key by key). */
const DEFAULT_KEY = "*";

function readSecretsFile(ctx: RecipeContext, path: string): Map<string, Record<string, unknown>> {
  const data = ctx.readJson(path, "secrets");
  if (!isObject(data)) {
    throw new UsageError(
      `Expected secrets file '${path}' to hold {"CONNECTION_ID": {"config key": "value", ...}, ...}`,
    );
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [id, value] of Object.entries(data)) {
    if (id !== DEFAULT_KEY && !/^[A-Za-z0-9_.-]{1,200}$/.test(id)) {
      throw new UsageError(
        `Expected the keys of secrets file '${path}' to be connection IDs or "*", got '${id.slice(0, 40)}'`,
      );
    }
    if (!isObject(value)) {
      throw new UsageError(`Expected "${id}" in secrets file '${path}' to be an object of config key → value`);
    }
    try {
      out.set(id, flattenSecrets(value));
    } catch (error) {
      throw new UsageError(`Secrets file '${path}', "${id}": ${(error as Error).message}`);
    }
    ctx.addSecrets(
      ...Object.values(out.get(id)!).filter((v) => typeof v === "string" || typeof v === "number").map(String),
    );
  }
  return out;
}

/** Runs `fn` over `items`, `n` at a time, in order of results. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "migrate_group.ts",
  summary: "Copy every connection of a group into another (config, secrets, schema config), paused, resumable",
  description: [
    "Lists --from-group's connections, reads each one, and prints the plan: what will be created in --to-group",
    'and what is there already (a connection with the same schema). Fivetran masks secrets ("******"): give them',
    'in --secrets FILE, {"SOURCE_CONNECTION_ID": {"password": "...", "tunnel.private_key": "..."}, ...}; an entry',
    '"*" gives values for every connection (its own entry wins). A masked key without a value stops the run before',
    "anything is created, naming each one. --dry-run stops after the plan.",
    "Each copy: POST connections (sent once, never retried: after a lost answer a rerun finds the copy), created",
    "paused unless --start; then the source's schema config (POST connections/NEW/schemas).",
    "A copy found from an earlier run gets its schema config brought in line with the source's.",
    "Requests: 2 GETs and 2 listings (one GET per 1,000 connections); per connection 1 GET to plan, then to copy",
    "it 1 GET (its schema config) + 1 POST (the copy) + 1 POST (the copy's schema config; 1 GET + 1 PATCH instead",
    "when the copy has synced already); for a copy already there, 2 GETs and one write when its schema differs.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/migrate_group.ts --from-group hollow_cedar --to-group brisk_lantern --secrets recipes/examples/migrate_secrets.json",
    "deno run -P recipes/migrate_group.ts --from-group hollow_cedar --to-group brisk_lantern --dry-run",
  ],
  flags: {
    "from-group": { type: "string", valueName: "ID", required: true, description: "Group to copy from" },
    "to-group": { type: "string", valueName: "ID", required: true, description: "Group to copy into" },
    secrets: { type: "string", valueName: "FILE", description: "JSON: source connection ID → its masked secrets" },
    start: { type: "boolean", description: "Create the copies unpaused (default: paused)" },
    ...BULK_FLAGS,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (secrets file) --allow-write=logs",
  async run(ctx) {
    const from = ctx.id("from-group", { required: true })!;
    const to = ctx.id("to-group", { required: true })!;
    if (from === to) throw new UsageError(`Expected --to-group to differ from --from-group, got '${to}' for both`);
    const { concurrency, resumeFrom } = bulkFlags(ctx);
    const secretsFile = ctx.string("secrets");
    const secrets = secretsFile === undefined ? new Map() : readSecretsFile(ctx, secretsFile);
    const paused = ctx.flags.start !== true;
    const client = ctx.client; // made first: missing credentials end the run before any line

    // ---- plan: read both groups and every source connection
    for (const g of [from, to]) {
      try {
        await client.request("GET", `groups/${g}`, undefined, { signal: ctx.signal });
      } catch (error) {
        if (error instanceof AtlasError && error.status === 404) {
          throw new UsageError(`Group '${g}' not found; nothing was created`);
        }
        throw error;
      }
    }
    ctx.out.progress(`Reading the connections of ${from} and ${to}`);
    const list = (g: string) =>
      Array.fromAsync(client.paginate<Obj>(`groups/${g}/connections`, { limit: 1000, signal: ctx.signal }));
    const [listed, target] = [await list(from), await list(to)];
    checkListedIds(listed, `groups/${from}/connections`);
    checkListedIds(target, `groups/${to}/connections`);
    const taken = new Map(
      target.map((c) => [String(c.schema).toLowerCase(), { id: String(c.id), service: String(c.service) }]),
    );
    const sources: Source[] = await pool(listed, concurrency, async (c) => {
      const detail = (await client.request<Obj>("GET", `connections/${c.id}`, undefined, { signal: ctx.signal })).data;
      if (!isObject(detail) || typeof detail.service !== "string" || !isObject(detail.config)) {
        // Not a connection: copying it would create one without its config.
        throw invalidAnswer(
          `connections/${c.id}`,
          "Expected a connection with service and config; nothing was created",
        );
      }
      const config = isObject(detail.config) ? detail.config : {};
      const masked = maskedKeys(config);
      const given = { ...secrets.get(DEFAULT_KEY), ...secrets.get(String(c.id)) };
      const { config: filled, missing } = fillSecrets(config, given);
      const existing = taken.get(String(c.schema).toLowerCase());
      return {
        id: String(c.id),
        service: String(c.service),
        schema: String(c.schema),
        paused: detail.paused === true,
        detail,
        masked,
        missing,
        config: filled,
        ...(existing ? { existing } : {}),
      };
    });
    const unused = [...secrets.keys()].filter((id) => id !== DEFAULT_KEY && !sources.some((s) => s.id === id));
    if (unused.length > 0) ctx.out.warn(`Secrets file entries for connections not in ${from}: ${unused.join(", ")}`);

    const action = (s: Source) =>
      s.existing
        ? s.existing.service === s.service
          ? `already there (${s.existing.id})`
          : `blocked: schema used by ${s.existing.service} ${s.existing.id}`
        : s.missing.length
        ? `needs secrets: ${s.missing.join(", ")}`
        : `create${paused ? " paused" : ""}`;
    ctx.table(sources, [
      { header: "Connection", value: (s) => s.id },
      { header: "Service", value: (s) => s.service },
      { header: "Schema", value: (s) => s.schema },
      { header: "Secrets", value: (s) => (s.masked.length ? s.masked.join(", ") : "-") },
      { header: "Plan", value: action },
    ]);
    const toCreate = sources.filter((s) => !s.existing);
    const already = sources.length - toCreate.length;
    ctx.out.detail(
      `Plan: ${sources.length} connection${
        sources.length === 1 ? "" : "s"
      } of ${from} → ${to}: ${toCreate.length} to create${
        paused ? " (paused)" : " (started)"
      }, ${already} already there or blocked`,
    );
    const missing = toCreate.filter((s) => s.missing.length > 0);
    if (missing.length > 0) {
      const list = missing.map((s) => `${s.id}: ${s.missing.join(", ")}`).join("; ");
      throw new UsageError(
        secretsFile === undefined
          ? `Masked secrets need values in --secrets FILE (nothing was created): ${list}`
          : `Secrets file '${secretsFile}' lacks values (nothing was created): ${list}`,
      );
    }
    if (ctx.dryRun) {
      for (const s of toCreate) {
        const body = createBody(s.detail, { groupId: to, config: s.config!, paused });
        ctx.out.call("POST", "connections", maskSecrets(maskAt(body, s.masked)));
      }
      ctx.out.detail("Dry run: the plan above; nothing was created");
      if (ctx.json) ctx.out.json({ from_group: from, to_group: to, dry_run: true, plan: planJson(sources, action) });
      return 0;
    }

    // ---- copy
    const summary = await runBulk(sources, {
      op: `migrate_group:${from}:${to}`,
      key: (s) => s.id,
      concurrency,
      signal: ctx.signal,
      now: ctx.now,
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
      run: async (s, signal) => {
        if (s.existing) {
          if (s.existing.service !== s.service) {
            throw new Error(
              `schema '${s.schema}' is used in ${to} by ${s.existing.service} connection ${s.existing.id}`,
            );
          }
        }
        const schemaRequest = schemaConfigRequest(await readSchemas(ctx, s.id, signal));
        if (s.existing) {
          // A copy from an earlier run (perhaps one whose answer was lost before its schema config was set up):
          // bring its schema config in line with the source's.
          const id = s.existing.id;
          if (!schemaRequest) return { status: "already", detail: `already there as ${id}`, value: id };
          const current = await readSchemas(ctx, id, signal);
          const plan = current?.schemas && Object.keys(current.schemas).length > 0
            ? planSchemaFile(current, schemaRequest as unknown as SchemaFile)
            : undefined;
          if (plan && plan.changes.length === 0 && plan.problems.length === 0) {
            return { status: "already", detail: `already there as ${id}, schema config as the source's`, value: id };
          }
          const how = await applySchema(ctx, id, schemaRequest, signal);
          ctx.log.write("info", `migrate_group: ${id} (copy of ${s.id}): schema config ${how}`);
          return { status: "already", detail: `already there as ${id}; its schema config ${how}`, value: id };
        }
        let id: string | undefined;
        try {
          const body = createBody(s.detail, { groupId: to, config: s.config!, paused });
          id = (await client.request<{ id?: string }>("POST", "connections", body, { signal })).data?.id;
        } catch (error) {
          if (isLostAnswer(error)) {
            throw new Error(
              `${error.message} (no clear answer: the copy may exist; a rerun finds it, never doubles it)`,
            );
          }
          throw error;
        }
        if (!id) throw new Error("the create answered without a connection ID");
        ctx.log.write("info", `migrate_group: ${s.id} → ${id} in ${to}${paused ? " (paused)" : ""}`);
        if (!schemaRequest) return { status: "done", detail: `created ${id}; no schema config to copy`, value: id };
        try {
          const how = await applySchema(ctx, id, schemaRequest, signal);
          return { status: "done", detail: `created ${id}; schema config ${how}`, value: id };
        } catch (error) {
          throw new Error(`created ${id}, but its schema config was not copied: ${(error as Error).message}`);
        }
      },
      onResult: (r) => {
        const text = `${r.key}: ${r.status}${r.detail ? ` — ${r.detail}` : ""}${r.reason ? ` — ${r.reason}` : ""}`;
        if (r.status === "failed") ctx.out.error(text);
        else ctx.out.progress(text);
      },
    });
    return reportBulk(ctx, summary, {
      noun: "connection",
      done: "copied",
      already: "already there",
      command: `migrate_group.ts --from-group ${from} --to-group ${to}${
        secretsFile ? ` --secrets ${secretsFile}` : ""
      }`,
      json: {
        from_group: from,
        to_group: to,
        dry_run: false,
        plan: planJson(sources, action),
        copies: Object.fromEntries(summary.results.filter((r) => r.value).map((r) => [r.key, r.value])),
      },
    });
  },
});

function planJson(sources: Source[], action: (s: Source) => string) {
  return sources.map((s) => ({
    id: s.id,
    service: s.service,
    schema: s.schema,
    masked_secrets: s.masked,
    plan: action(s),
  }));
}

/** A connection's schema config, or undefined when it has none (404). */
async function readSchemas(
  ctx: RecipeContext,
  id: string,
  signal: AbortSignal,
): Promise<SchemaConfigData | undefined> {
  try {
    return (await ctx.client.request<SchemaConfigData>("GET", `connections/${id}/schemas`, undefined, { signal })).data;
  } catch (error) {
    if (error instanceof AtlasError && error.status === 404) return undefined;
    throw error;
  }
}

/** A body fit to print: the values at the masked paths of its config masked again. */
function maskAt(body: Obj, paths: string[]): Obj {
  const copy = structuredClone(body);
  for (const path of paths) {
    const parts = path.split(".");
    let node = copy.config as Obj;
    for (const part of parts.slice(0, -1)) node = node?.[part] as Obj;
    if (node && parts.at(-1)! in node) node[parts.at(-1)!] = MASK;
  }
  return copy;
}

/**
 * Gives the new copy the source's schema config: POST (the set-up of a connection that has not synced yet, which
 * takes the config whole); when Fivetran refuses that because the copy has synced already (409), one PATCH of what
 * the copy's own config knows.
 */
async function applySchema(ctx: RecipeContext, id: string, request: Obj, signal: AbortSignal): Promise<string> {
  try {
    await ctx.client.request("POST", `connections/${id}/schemas`, request, { signal });
    return "set up";
  } catch (error) {
    if (!(error instanceof AtlasError && error.status === 409)) throw error;
  }
  const current =
    (await ctx.client.request<SchemaConfigData>("GET", `connections/${id}/schemas`, undefined, { signal }))
      .data ?? {};
  const { request: narrowed, skipped } = narrowSchemaRequest(request, current);
  await ctx.client.request("PATCH", `connections/${id}/schemas`, narrowed, { signal });
  if (skipped.length > 0) {
    ctx.out.warn(
      `${id} lacks ${skipped.length} schema item(s) of the source, left as they are: ${skipped.slice(0, 5).join(", ")}`,
    );
    return `copied (${skipped.length} item(s) it lacks left out)`;
  }
  return "copied";
}

if (import.meta.main) await runMain(main);
