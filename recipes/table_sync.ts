#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * table_sync.ts — resync (re-read from scratch) chosen tables of a connection:
 * `POST /v1/connections/{id}/schemas/tables/resync` with `{"SCHEMA": ["TABLE", ...]}`. Checks first that every
 * table is in the connection's schema config (`GET /v1/connections/{id}/schemas`), and asks for consent
 * (`--yes`, or a terminal prompt) because a resync re-reads all the data of those tables.
 *
 * ```sh
 * deno run -P recipes/table_sync.ts --connection-id steady_orchard --table sales.Orders --table sales.Customers --yes
 * ```
 *
 * @module
 */
import { AtlasError } from "../lib/client/errors.ts";
import { defineRecipe, ExpectationError, runMain, UsageError } from "../lib/recipe.ts";
import type { SchemaConfigData as SchemasData } from "../lib/schema_config.ts";

/** One table chosen with `--table`. */
interface Choice {
  /** As typed. */
  given: string;
  schema: string;
  table: string;
}

/**
 * Splits `SCHEMA.TABLE` at its first dot; a name with more dots is tried at each dot against the config.
 * Returns the candidate splits, first dot first.
 */
function splits(value: string): { schema: string; table: string }[] {
  const out: { schema: string; table: string }[] = [];
  for (let i = value.indexOf("."); i !== -1; i = value.indexOf(".", i + 1)) {
    const schema = value.slice(0, i);
    const table = value.slice(i + 1);
    if (schema.trim() !== "" && table.trim() !== "") out.push({ schema, table });
  }
  return out;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "table_sync.ts",
  summary: "Resync chosen tables of a connection (re-reads all their data)",
  description: [
    "Each --table is SCHEMA.TABLE with the names as in the connection's schema config (source names,",
    "case-sensitive). Every table is checked against GET connections/{id}/schemas first; unknown ones end",
    "the run (exit 2) before anything is sent. Then POST connections/{id}/schemas/tables/resync with the",
    'tables grouped by schema, e.g. {"sales": ["Orders", "Customers"]}. Needs --yes (or a terminal answer).',
    "A 409 answer (a sync cannot start now) exits 1 with Fivetran's reason.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/table_sync.ts --connection-id steady_orchard --table sales.Orders --yes",
    "deno run -P recipes/table_sync.ts --connection-id steady_orchard --table sales.Orders --table sales.Customers --dry-run",
  ],
  flags: {
    "connection-id": { type: "string", valueName: "ID", required: true, description: "The connection" },
    table: {
      type: "string",
      valueName: "SCHEMA.TABLE",
      multiple: true,
      required: true,
      description: "A table to resync, as SCHEMA.TABLE",
    },
  },
  mutates: true,
  destructive: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const connectionId = ctx.id("connection-id", { required: true })!;
    const given = [...new Set(ctx.list("table"))];
    for (const value of given) {
      if (splits(value).length === 0 || [...value].some((ch) => ch.charCodeAt(0) < 32)) {
        throw new UsageError(`Expected --table as SCHEMA.TABLE (e.g. public.orders), got '${value.slice(0, 80)}'`);
      }
    }

    const config = await ctx.call<SchemasData>("GET", `connections/${connectionId}/schemas`);
    const schemas = config.data?.schemas ?? {};
    const chosen: Choice[] = [];
    const unknown: string[] = [];
    const disabled: string[] = [];
    for (const value of given) {
      const match = splits(value).find((s) => schemas[s.schema]?.tables?.[s.table] !== undefined);
      if (!match) {
        unknown.push(value);
        continue;
      }
      chosen.push({ given: value, ...match });
      const schema = schemas[match.schema];
      if (schema.enabled === false || schema.tables?.[match.table]?.enabled === false) disabled.push(value);
    }
    if (unknown.length > 0) {
      const hint = unknown.map((u) => {
        const [first] = splits(u);
        const lower = u.toLowerCase();
        const near = Object.entries(schemas).flatMap(([s, cfg]) =>
          Object.keys(cfg.tables ?? {}).map((t) => `${s}.${t}`)
        )
          .find((name) => name.toLowerCase() === lower);
        if (near) return `${u} (did you mean ${near}?)`;
        return first && schemas[first.schema] === undefined
          ? `${u} (no schema '${first.schema}')`
          : `${u} (no such table)`;
      });
      throw new UsageError(
        `Unknown table${unknown.length === 1 ? "" : "s"} in connection ${connectionId}'s schema config: ${
          hint.join(", ")
        } (names are case-sensitive; schemas: ${Object.keys(schemas).slice(0, 10).join(", ") || "none"})`,
      );
    }
    for (const d of disabled) ctx.out.warn(`Warning: ${d} is not enabled for sync; Fivetran may refuse to resync it`);

    const body: Record<string, string[]> = {};
    for (const c of chosen) (body[c.schema] ??= []).push(c.table);

    ctx.table(chosen, [
      { header: "Schema", value: (c) => c.schema },
      { header: "Table", value: (c) => c.table },
      {
        header: "In destination",
        value: (c) => {
          const s = schemas[c.schema];
          return `${s.name_in_destination ?? c.schema}.${s.tables?.[c.table]?.name_in_destination ?? c.table}`;
        },
      },
    ]);
    await ctx.confirm(
      `Resync ${chosen.length} table${
        chosen.length === 1 ? "" : "s"
      } of connection ${connectionId} (all their data is re-read)?`,
    );

    let response;
    try {
      response = await ctx.call("POST", `connections/${connectionId}/schemas/tables/resync`, body);
    } catch (error) {
      if (error instanceof AtlasError && error.status === 409) {
        throw new ExpectationError(
          `Connection ${connectionId} cannot resync now (HTTP 409 ${error.code}: ${error.fivetranMessage}); ${
            conflictAdvice(connectionId, error.fivetranMessage)
          }`,
        );
      }
      throw error;
    }
    const tables = chosen.map((c) => `${c.schema}.${c.table}`);
    if (ctx.dryRun) {
      ctx.out.detail(`Dry run: would resync ${tables.join(", ")}`);
    } else {
      ctx.out.detail(`Resync started for ${tables.join(", ")}${response.message ? ` (${response.message})` : ""}`);
      ctx.log.write("info", `table_sync: resync of ${tables.join(", ")} on connection ${connectionId} started`);
    }
    if (ctx.json) {
      ctx.out.json({
        connection_id: connectionId,
        dry_run: ctx.dryRun,
        tables: body,
        code: response.code,
        message: response.message,
      });
    }
    return 0;
  },
});

/**
 * What to do about a 409 to a resync, from Fivetran's reason: each known cause has its own advice (a paused
 * connection is unpaused, a broken setup is fixed, a running sync is waited out); an unknown one points at the reason.
 *
 * @example Advice for a paused connection
 * ```ts
 * import { conflictAdvice } from "./table_sync.ts";
 * conflictAdvice("c1", "Connection 'c1' is paused; unpause it before a re-sync");
 * // "unpause it first (deno run -P recipes/pause.ts --connection-id c1 --resume), then run this again"
 * ```
 */
export function conflictAdvice(connectionId: string, reason: string): string {
  if (/\bpaused\b/i.test(reason)) {
    return `unpause it first (deno run -P recipes/pause.ts --connection-id ${connectionId} --resume), then run this again`;
  }
  if (/\b(setup|broken|incomplete|setup tests?)\b/i.test(reason)) {
    return `fix its setup first (see deno run -P recipes/connector_status.ts --connection-id ${connectionId}), then run this again`;
  }
  if (/\bsync(ing)?\b.*\b(in progress|running|ends?)\b|\bsyncing\b/i.test(reason)) {
    return "wait for the running sync to end and try again";
  }
  return "Fivetran's reason above says what blocks it; fix that and try again";
}

if (import.meta.main) await runMain(main);
