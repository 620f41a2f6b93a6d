#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * schema_edit.ts — turn the sync of a connection's schema, and of tables in it, on or off:
 * `PATCH /v1/connections/{id}/schemas/{schema}` with `{"enabled": ..., "tables": {"T": {"enabled": ...}}}`.
 * Reads the schema config first (`GET /v1/connections/{id}/schemas`), rejects unknown schema and table names
 * (exit 2, naming them), sends only what changes, and shows a before/after table.
 *
 * ```sh
 * deno run -P recipes/schema_edit.ts --connection-id steady_orchard --schema sales --disable-table Orders --enable-table AuditLog
 * ```
 *
 * @module
 */
import { defineRecipe, ExpectationError, runMain, UsageError } from "../lib/recipe.ts";
import { applySchemaFile } from "./_schema_from.ts";
import { schemaConfigOf } from "./_schema_answer.ts";
import type { SchemaConfig, SchemaConfigData as SchemasData } from "../lib/schema_config.ts";

interface Row {
  object: string;
  name: string;
  destination?: string;
  before?: boolean;
  after?: boolean;
}

function suggest(name: string, names: string[]): string {
  const same = names.find((n) => n.toLowerCase() === name.toLowerCase());
  return same ? ` (did you mean '${same}'? names are case-sensitive)` : "";
}

function onOff(value: boolean | undefined): string {
  return value === undefined ? "?" : value ? "enabled" : "disabled";
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "schema_edit.ts",
  summary: "Enable or disable a connection's schema and tables in it; show before and after",
  description: [
    "--schema names the schema as in the connection's schema config (source name, case-sensitive);",
    "--enable/--disable switch the whole schema; --enable-table/--disable-table switch tables of it (repeatable).",
    "Unknown schema or table names, or tables Fivetran does not let you switch, end the run (exit 2) before",
    "anything is sent. Only what changes is sent; when nothing changes, nothing is sent (exit 0).",
    "--from FILE applies a schema file as schema_export.ts writes it: it shows the differences from the live",
    "config, asks (--yes to skip), sends one PATCH per changed schema (one more when schema_change_handling",
    "changes), then reads the config back to check; --dry-run shows the differences and sends nothing.",
    "What the file does not list is left as it is.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/schema_edit.ts --connection-id steady_orchard --schema sales --disable-table Orders",
    "deno run -P recipes/schema_edit.ts --connection-id steady_orchard --schema public --disable --dry-run",
    "deno run -P recipes/schema_edit.ts --connection-id steady_orchard --from schema.json --dry-run",
  ],
  flags: {
    "connection-id": { type: "string", valueName: "ID", required: true, description: "The connection" },
    schema: { type: "string", valueName: "NAME", description: "The schema, as in the schema config (required)" },
    enable: { type: "boolean", description: "Enable the schema" },
    disable: { type: "boolean", description: "Disable the schema" },
    "enable-table": { type: "string", valueName: "T", multiple: true, description: "Enable a table of the schema" },
    "disable-table": { type: "string", valueName: "T", multiple: true, description: "Disable a table of the schema" },
    from: {
      type: "string",
      valueName: "FILE",
      description: "Apply a schema file (schema_export.ts --format json): diff, consent, one PATCH per schema",
    },
    yes: { type: "boolean", short: "y", description: "With --from: apply without asking" },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const connectionId = ctx.id("connection-id", { required: true })!;
    const from = ctx.string("from");
    if (from !== undefined) {
      const others = ["schema", "enable", "disable", "enable-table", "disable-table"].filter((f) =>
        ctx.flags[f] !== undefined
      );
      if (others.length > 0) throw new UsageError(`--from goes alone, not with --${others.join(", --")}`);
      return await applySchemaFile(ctx, connectionId, from);
    }
    if (ctx.flags.yes) throw new UsageError("--yes only goes with --from");
    const schemaName = ctx.string("schema", { required: true })!;
    if (ctx.flags.enable === true && ctx.flags.disable === true) {
      throw new UsageError("Expected one of --enable or --disable, got both");
    }
    const schemaWanted = ctx.flags.enable === true ? true : ctx.flags.disable === true ? false : undefined;
    const enableTables = [...new Set(ctx.list("enable-table"))];
    const disableTables = [...new Set(ctx.list("disable-table"))];
    const both = enableTables.filter((t) => disableTables.includes(t));
    if (both.length > 0) {
      throw new UsageError(
        `Expected each table in --enable-table or --disable-table, got both for: ${both.join(", ")}`,
      );
    }
    if (schemaWanted === undefined && enableTables.length === 0 && disableTables.length === 0) {
      throw new UsageError(
        "Nothing to change: give --enable, --disable, --enable-table or --disable-table (see --help)",
      );
    }

    const config = await ctx.call<SchemasData>("GET", `connections/${connectionId}/schemas`);
    const schemas = schemaConfigOf(config.data, `connections/${connectionId}/schemas`).schemas ?? {};
    const schema = schemas[schemaName];
    if (!schema) {
      const names = Object.keys(schemas);
      throw new UsageError(
        `Unknown schema '${schemaName}' in connection ${connectionId}${suggest(schemaName, names)}; schemas: ${
          names.slice(0, 10).join(", ") || "none"
        }`,
      );
    }
    const tables = schema.tables ?? {};
    const tableNames = Object.keys(tables);
    const unknown = [...enableTables, ...disableTables].filter((t) => tables[t] === undefined);
    if (unknown.length > 0) {
      throw new UsageError(
        `Unknown table${unknown.length === 1 ? "" : "s"} in schema '${schemaName}': ${
          unknown.map((t) => `${t}${suggest(t, tableNames)}`).join(", ")
        }`,
      );
    }
    const wanted = new Map<string, boolean>([
      ...enableTables.map((t) => [t, true] as const),
      ...disableTables.map((t) => [t, false] as const),
    ]);
    const locked = [...wanted.keys()].filter((t) =>
      tables[t].enabled_patch_settings?.allowed === false && tables[t].enabled !== wanted.get(t)
    );
    if (locked.length > 0) {
      throw new UsageError(
        `Fivetran does not allow switching: ${
          locked.map((t) => {
            const s = tables[t].enabled_patch_settings!;
            return `${t} (${s.reason_code ?? "not allowed"}${s.reason ? `: ${s.reason}` : ""})`;
          }).join(", ")
        }`,
      );
    }

    const tableChanges: Record<string, { enabled: boolean }> = {};
    for (const [t, enabled] of wanted) if (tables[t].enabled !== enabled) tableChanges[t] = { enabled };
    const schemaChanges = schemaWanted !== undefined && schema.enabled !== schemaWanted;
    const rows: Row[] = [
      { object: "schema", name: schemaName, destination: schema.name_in_destination, before: schema.enabled },
      ...[...wanted.keys()].map((t) => ({
        object: "table",
        name: t,
        destination: tables[t].name_in_destination,
        before: tables[t].enabled,
      })),
    ];

    let afterSchema: SchemaConfig = schema;
    const nothing = !schemaChanges && Object.keys(tableChanges).length === 0;
    if (nothing) {
      ctx.out.detail(`Nothing to change: schema '${schemaName}' and its tables are already as asked`);
    } else {
      // `enabled` is required by the spec (SchemaUpdateRequest): send the current value when not changing it.
      const body = {
        enabled: schemaWanted ?? schema.enabled ?? true,
        ...(Object.keys(tableChanges).length > 0 ? { tables: tableChanges } : {}),
      };
      const response = await ctx.call<SchemasData>(
        "PATCH",
        `connections/${connectionId}/schemas/${encodeURIComponent(schemaName)}`,
        body,
      );
      if (ctx.dryRun) {
        afterSchema = {
          ...schema,
          enabled: body.enabled,
          tables: Object.fromEntries(
            tableNames.map((t) => [t, { ...tables[t], ...(tableChanges[t] ?? {}) }]),
          ),
        };
      } else {
        afterSchema = response.data?.schemas?.[schemaName] ??
          (await ctx.client.request<SchemasData>("GET", `connections/${connectionId}/schemas`)).data?.schemas
            ?.[schemaName] ??
          afterSchema;
        ctx.log.write(
          "info",
          `schema_edit: connection ${connectionId} schema ${schemaName}: ${JSON.stringify(body)}`,
        );
      }
    }
    for (const row of rows) {
      row.after = row.object === "schema" ? afterSchema.enabled : afterSchema.tables?.[row.name]?.enabled;
    }
    ctx.table(rows, [
      { header: "Object", value: (r) => r.object },
      { header: "Name", value: (r) => r.name },
      { header: "In destination", value: (r) => r.destination },
      { header: "Before", value: (r) => onOff(r.before) },
      { header: ctx.dryRun ? "After (planned)" : "After", value: (r) => onOff(r.after) },
    ]);
    const untouched = tableNames.length - wanted.size;
    ctx.out.detail(
      `${untouched} other table${untouched === 1 ? "" : "s"} of '${schemaName}' unchanged${
        ctx.dryRun && !nothing ? " (dry run: nothing was sent)" : ""
      }`,
    );
    if (ctx.json) {
      ctx.out.json({
        connection_id: connectionId,
        schema: schemaName,
        dry_run: ctx.dryRun,
        changed: !nothing,
        rows: rows.map((r) => ({ object: r.object, name: r.name, before: r.before, after: r.after })),
      });
    }
    const mismatched = rows.filter((r) =>
      r.object === "schema" ? schemaWanted !== undefined && r.after !== schemaWanted : r.after !== wanted.get(r.name)
    );
    if (!ctx.dryRun && !nothing && mismatched.length > 0) {
      throw new ExpectationError(
        `After the change, not as asked: ${mismatched.map((r) => `${r.name} is ${onOff(r.after)}`).join(", ")}`,
      );
    }
    return 0;
  },
});

if (import.meta.main) await runMain(main);
