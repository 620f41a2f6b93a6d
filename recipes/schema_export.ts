#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * schema_export.ts — write a connection's schema config as code: JSON that `schema_edit.ts --from FILE` applies,
 * or a Terraform `fivetran_connector_schema_config` resource (`--format terraform`). `--handling` decides which items
 * are written, as the Terraform provider reads them: `ALLOW_ALL` the disabled ones, `BLOCK_ALL` the enabled ones,
 * `ALLOW_COLUMNS` the enabled schemas and tables and the disabled columns (hashed columns always). One request:
 * `GET /v1/connections/{id}/schemas`. The file goes to stdout (redirect it), the summary to stderr.
 *
 * ```sh
 * deno run -P recipes/schema_export.ts --connection-id steady_orchard --format terraform --handling ALLOW_COLUMNS > schema.tf
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { SchemaConfigData } from "../lib/schema_config.ts";
import {
  dropLockedEnabled,
  exportSchemaFile,
  HANDLING_VALUES,
  type SchemaFile,
  toTerraform,
} from "../lib/schema_file.ts";
import { schemaConfigOf } from "./_schema_answer.ts";

function count(file: SchemaFile): { schemas: number; tables: number; columns: number } {
  const schemas = Object.values(file.schemas);
  const tables = schemas.flatMap((s) => Object.values(s.tables ?? {}));
  const columns = tables.flatMap((t) => Object.values(t.columns ?? {}));
  return { schemas: schemas.length, tables: tables.length, columns: columns.length };
}

const WHAT: Record<string, string> = {
  ALLOW_ALL: "the disabled schemas, tables and columns (everything else is enabled)",
  BLOCK_ALL: "the enabled schemas, tables and columns (everything else is disabled)",
  ALLOW_COLUMNS: "the enabled schemas and tables and the disabled columns",
};

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "schema_export.ts",
  summary: "Export a connection's schema config as JSON (for schema_edit.ts --from) or a Terraform resource",
  description: [
    "Reads GET connections/{id}/schemas (one request) and prints the schema config on stdout:",
    "  --format json (default): {connection_id, schema_change_handling, schemas: {...}} — apply it with",
    "    schema_edit.ts --from FILE;",
    '  --format terraform: a resource "fivetran_connector_schema_config" block in the provider\'s schemas-map form.',
    "--handling (default: the connection's own) decides which items are written, as the Terraform provider reads",
    "them: ALLOW_ALL the disabled ones, BLOCK_ALL the enabled ones, ALLOW_COLUMNS the enabled schemas and tables",
    "and the disabled columns; hashed columns always. The API lists only columns set by hand, so with BLOCK_ALL the",
    "other columns of an enabled table would be left out (a warning says which tables).",
  ].join("\n"),
  examples: [
    "deno run -P recipes/schema_export.ts --connection-id steady_orchard > schema.json",
    "deno run -P recipes/schema_export.ts --connection-id steady_orchard --format terraform --handling ALLOW_COLUMNS",
  ],
  flags: {
    "connection-id": { type: "string", valueName: "ID", required: true, description: "The connection" },
    format: { type: "string", valueName: "F", description: "json (default) or terraform" },
    handling: { type: "string", valueName: "H", description: "BLOCK_ALL, ALLOW_COLUMNS or ALLOW_ALL (default: live)" },
    "resource-name": { type: "string", valueName: "NAME", description: "Terraform resource name (default: the ID)" },
  },
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const id = ctx.id("connection-id", { required: true })!;
    const format = (ctx.string("format") ?? "json").toLowerCase();
    if (format !== "json" && format !== "terraform") {
      throw new UsageError(`Expected --format to be json or terraform, got '${format}'`);
    }
    const handlingFlag = ctx.string("handling")?.toUpperCase();
    if (handlingFlag !== undefined && !HANDLING_VALUES.includes(handlingFlag)) {
      throw new UsageError(`Expected --handling to be one of ${HANDLING_VALUES.join(", ")}, got '${handlingFlag}'`);
    }
    const resourceName = ctx.string("resource-name");
    if (resourceName !== undefined && !/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(resourceName)) {
      throw new UsageError(
        `Expected --resource-name to be a Terraform name (letters, digits, _ -), got '${resourceName}'`,
      );
    }
    if (resourceName !== undefined && format !== "terraform") {
      throw new UsageError("--resource-name only goes with --format terraform");
    }

    const client = ctx.client; // made first: missing credentials end the run before any line
    ctx.out.progress(`Reading the schema config of ${id}`);
    const response = await client.request<SchemaConfigData>("GET", `connections/${id}/schemas`, undefined, {
      signal: ctx.signal,
    });
    const data = schemaConfigOf(response.data, `connections/${id}/schemas`);
    const handling = handlingFlag ?? data.schema_change_handling ?? "ALLOW_ALL";
    const file = exportSchemaFile(data, { handling, connectionId: id });
    const n = count(file);
    if (handling === "BLOCK_ALL") {
      const bare = Object.entries(file.schemas).flatMap(([s, schema]) =>
        Object.entries(schema.tables ?? {}).filter(([, t]) => t.enabled && !t.columns).map(([t]) => `${s}.${t}`)
      );
      if (bare.length > 0) {
        ctx.out.warn(
          `BLOCK_ALL: ${bare.length} enabled table${
            bare.length === 1 ? "" : "s"
          } list no columns (the API lists only ` +
            `columns set by hand), so only system columns of them would sync: ${bare.slice(0, 10).join(", ")}${
              bare.length > 10 ? ", ..." : ""
            }`,
        );
      }
    }
    const terraform = format === "terraform"
      ? toTerraform(dropLockedEnabled(file, data), { connectionId: id, ...(resourceName ? { resourceName } : {}) })
      : undefined;
    const line = `Exported ${n.schemas} schema${n.schemas === 1 ? "" : "s"}, ${n.tables} table${
      n.tables === 1 ? "" : "s"
    } and ${n.columns} column${n.columns === 1 ? "" : "s"} of ${id} as ${format} (${handling}: ${WHAT[handling]})${
      data.schema_change_handling && data.schema_change_handling !== handling
        ? `; the connection's own handling is ${data.schema_change_handling}`
        : ""
    }`;
    ctx.log.write("info", `schema_export: ${line}`);
    if (ctx.json) {
      ctx.out.json({ connection_id: id, format, handling, counts: n, file, ...(terraform ? { terraform } : {}) });
      ctx.out.progress(line);
      return 0;
    }
    ctx.out.line(terraform ?? JSON.stringify(file, null, 2));
    ctx.out.progress(line);
    return 0;
  },
});

if (import.meta.main) await runMain(main);
