/**
 * Schema config as code: a connection's schema config written as a file — JSON shaped like the API's own
 * `PATCH connections/{id}/schemas` body, or a Terraform `fivetran_connector_schema_config` resource — and the diff
 * between such a file and the live config, as the fewest requests that apply it (one `PATCH` per changed schema).
 *
 * Which items a file lists follows the schema change handling, as the Terraform provider reads it: with
 * `ALLOW_ALL` everything is enabled unless listed, so the disabled (and hashed) items are written; with `BLOCK_ALL`
 * everything is disabled unless listed, so the enabled ones are; with `ALLOW_COLUMNS` schemas and tables are
 * disabled and columns enabled unless listed. Applying a file sets what it lists and leaves the rest alone.
 *
 * @module
 */

import type { ColumnConfig, SchemaConfig, SchemaConfigData, TableConfig } from "./schema_config.ts";

/**
 * The schema change handling values.
 *
 * @example Check a value
 * ```ts
 * import { HANDLING_VALUES } from "./schema_file.ts";
 * HANDLING_VALUES.includes("BLOCK_ALL"); // true
 * ```
 */
export const HANDLING_VALUES: readonly string[] = ["ALLOW_ALL", "ALLOW_COLUMNS", "BLOCK_ALL"];

/** A column as a schema file states it. */
export interface ColumnSetting {
  /** Whether it is synced. */
  enabled?: boolean;
  /** Whether it is hashed. */
  hashed?: boolean;
}

/** A table as a schema file states it. */
export interface TableSetting {
  /** Whether it is synced. */
  enabled?: boolean;
  /** Columns by source name. */
  columns?: Record<string, ColumnSetting>;
}

/** A schema as a schema file states it. */
export interface SchemaSetting {
  /** Whether it is synced. */
  enabled?: boolean;
  /** Tables by source name. */
  tables?: Record<string, TableSetting>;
}

/** A schema file: the JSON form `schema_export.ts` writes and `schema_edit.ts --from` applies. */
export interface SchemaFile {
  /** The connection it was exported from (informative). */
  connection_id?: string;
  /** `ALLOW_ALL`, `ALLOW_COLUMNS` or `BLOCK_ALL`. */
  schema_change_handling?: string;
  /** Schemas by source name. */
  schemas: Record<string, SchemaSetting>;
}

const locked = (t: TableConfig | ColumnConfig) => t.enabled_patch_settings?.allowed === false;

function exportColumns(columns: Record<string, ColumnConfig>, handling: string): Record<string, ColumnSetting> {
  const out: Record<string, ColumnSetting> = {};
  for (const [name, c] of Object.entries(columns)) {
    const enabled = c.enabled !== false;
    const listed = handling === "BLOCK_ALL" ? enabled : !enabled;
    if (!listed && c.hashed !== true) continue;
    out[name] = { enabled, ...(c.hashed === true ? { hashed: true } : {}) };
  }
  return out;
}

function exportTables(tables: Record<string, TableConfig>, handling: string): Record<string, TableSetting> {
  const out: Record<string, TableSetting> = {};
  for (const [name, t] of Object.entries(tables)) {
    const enabled = t.enabled !== false;
    const columns = enabled ? exportColumns(t.columns ?? {}, handling) : {};
    const listed = !locked(t) && (handling === "ALLOW_ALL" ? !enabled : enabled);
    if (!listed && Object.keys(columns).length === 0) continue;
    out[name] = { enabled, ...(Object.keys(columns).length ? { columns } : {}) };
  }
  return out;
}

/**
 * The schema file of a live schema config: the items that `handling` does not already imply.
 *
 * @param data What `GET connections/{id}/schemas` answered.
 * @param options The handling that decides which items are written (default: the config's own), and the
 * connection's ID to record.
 * @throws {RangeError} for an unknown handling.
 *
 * @example Export the disabled items of a config
 * ```ts
 * import { exportSchemaFile } from "./schema_file.ts";
 * const file = exportSchemaFile({
 *   schema_change_handling: "ALLOW_ALL",
 *   schemas: { sales: { enabled: true, tables: { Orders: { enabled: false }, Items: { enabled: true } } } },
 * }, { handling: "ALLOW_ALL" });
 * // { schema_change_handling: "ALLOW_ALL", schemas: { sales: { enabled: true, tables: { Orders: { enabled: false } } } } }
 * ```
 */
export function exportSchemaFile(data: SchemaConfigData, options: ExportOptions = {}): SchemaFile {
  const { handling = data.schema_change_handling ?? "ALLOW_ALL", connectionId } = options;
  if (!HANDLING_VALUES.includes(handling)) {
    throw new RangeError(`Expected the handling to be one of ${HANDLING_VALUES.join(", ")}, got '${handling}'`);
  }
  const schemas: Record<string, SchemaSetting> = {};
  for (const [name, s] of Object.entries(data.schemas ?? {})) {
    const enabled = s.enabled !== false;
    const tables = enabled ? exportTables(s.tables ?? {}, handling) : {};
    const listed = handling === "ALLOW_ALL" ? !enabled : enabled;
    if (!listed && Object.keys(tables).length === 0) continue;
    schemas[name] = { enabled, ...(Object.keys(tables).length ? { tables } : {}) };
  }
  return { ...(connectionId ? { connection_id: connectionId } : {}), schema_change_handling: handling, schemas };
}

/** Options of {@link exportSchemaFile}. */
export interface ExportOptions {
  /**
   * Decides which items are written.
   *
   * @default {the config's own schema_change_handling, else ALLOW_ALL}
   */
  handling?: string;
  /**
   * Recorded as `connection_id`.
   *
   * @default {not recorded}
   */
  connectionId?: string;
}

function hcl(value: string): string {
  // Terraform would read ${...} and %{...} in a quoted string as templates: double the marker. (A function, as a
  // replacement string would read "$$" as one "$".)
  return JSON.stringify(value).replace(/([$%])\{/g, (_, marker: string) => `${marker}${marker}{`);
}

/**
 * A schema file as a Terraform `fivetran_connector_schema_config` resource (the provider's `schemas` map form,
 * which plans fast; `sync_mode` is left out, as the provider's docs advise). Tables Fivetran locks are written
 * without `enabled`, as the provider requires.
 *
 * @param file The schema file.
 * @param options The connection and the resource's name.
 *
 * @example Write the Terraform block
 * ```ts
 * import { toTerraform } from "./schema_file.ts";
 * const hcl = toTerraform({ schema_change_handling: "BLOCK_ALL", schemas: { sales: { enabled: true } } }, {
 *   connectionId: "steady_orchard",
 * });
 * // resource "fivetran_connector_schema_config" "steady_orchard" { ... }
 * ```
 */
export function toTerraform(file: SchemaFile, options: TerraformOptions): string {
  const { connectionId, resourceName = connectionId.replace(/[^A-Za-z0-9_-]/g, "_").replace(/^(?=\d)/, "_") } = options;
  const lines = [
    `resource "fivetran_connector_schema_config" ${hcl(resourceName)} {`,
    `  connector_id           = ${hcl(connectionId)}`,
    `  schema_change_handling = ${hcl(file.schema_change_handling ?? "ALLOW_ALL")}`,
  ];
  const schemas = Object.entries(file.schemas);
  if (schemas.length > 0) {
    lines.push("  schemas = {");
    for (const [name, s] of schemas) {
      lines.push(`    ${hcl(name)} = {`, `      enabled = ${s.enabled !== false}`);
      const tables = Object.entries(s.tables ?? {});
      if (tables.length > 0) {
        lines.push("      tables = {");
        for (const [tname, t] of tables) {
          lines.push(`        ${hcl(tname)} = {`);
          if (t.enabled !== undefined) lines.push(`          enabled = ${t.enabled}`);
          const columns = Object.entries(t.columns ?? {});
          if (columns.length > 0) {
            lines.push("          columns = {");
            for (const [cname, c] of columns) {
              const fields = [`enabled = ${c.enabled !== false}`, ...(c.hashed ? ["hashed = true"] : [])];
              lines.push(`            ${hcl(cname)} = { ${fields.join(", ")} }`);
            }
            lines.push("          }");
          }
          lines.push("        }");
        }
        lines.push("      }");
      }
      lines.push("    }");
    }
    lines.push("  }");
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Options of {@link toTerraform}. */
export interface TerraformOptions {
  /** The connection (`connector_id`). */
  connectionId: string;
  /**
   * The resource's name.
   *
   * @default {the connection ID, made a valid identifier}
   */
  resourceName?: string;
}

/** Drops the `enabled` of locked tables from a file meant for Terraform (the provider ignores or rejects it). */
export function dropLockedEnabled(file: SchemaFile, data: SchemaConfigData): SchemaFile {
  const copy: SchemaFile = structuredClone(file);
  for (const [sname, s] of Object.entries(copy.schemas)) {
    for (const [tname, t] of Object.entries(s.tables ?? {})) {
      if (data.schemas?.[sname]?.tables?.[tname]?.enabled_patch_settings?.allowed === false) delete t.enabled;
    }
  }
  return copy;
}

/** One difference between a schema file and the live config. */
export interface SchemaChange {
  /** `schema_change_handling`, `SCHEMA`, `SCHEMA.TABLE` or `SCHEMA.TABLE.COLUMN`. */
  object: string;
  /** `schema`, `table`, `column` or `handling`. */
  kind: "handling" | "schema" | "table" | "column";
  /** `enabled`, `hashed` or `schema_change_handling`. */
  setting: string;
  /** The live value (`undefined`: the API does not list it). */
  live: unknown;
  /** The file's value. */
  wanted: unknown;
}

/** The requests that apply a schema file. */
export interface SchemaPlan {
  /** Every difference. */
  changes: SchemaChange[];
  /** One body per changed schema, for `PATCH connections/{id}/schemas/{schema}`. */
  schemaPatches: { schema: string; body: SchemaSetting }[];
  /** The body for `PATCH connections/{id}/schemas` when the handling changes. */
  handlingPatch?: { schema_change_handling: string };
  /** Items of the file the live config lacks, and locked tables the file would switch: nothing may be sent. */
  problems: string[];
}

/** Checks the shape of a parsed schema file; returns one line per problem (empty when fine). */
export function checkSchemaFile(value: unknown): string[] {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const flag = (v: unknown, where: string) => {
    if (v !== undefined && typeof v !== "boolean") problems.push(`${where} must be true or false`);
  };
  if (!isObject(value)) return ["the file must hold a JSON object"];
  if (value.schema_change_handling !== undefined && !HANDLING_VALUES.includes(value.schema_change_handling as string)) {
    problems.push(`schema_change_handling must be one of ${HANDLING_VALUES.join(", ")}`);
  }
  if (!isObject(value.schemas)) return [...problems, 'the file must have a "schemas" object'];
  for (const [s, schema] of Object.entries(value.schemas)) {
    if (!isObject(schema)) {
      problems.push(`schemas.${s} must be an object`);
      continue;
    }
    flag(schema.enabled, `schemas.${s}.enabled`);
    if (schema.tables === undefined) continue;
    if (!isObject(schema.tables)) {
      problems.push(`schemas.${s}.tables must be an object`);
      continue;
    }
    for (const [t, table] of Object.entries(schema.tables)) {
      if (!isObject(table)) {
        problems.push(`schemas.${s}.tables.${t} must be an object`);
        continue;
      }
      flag(table.enabled, `schemas.${s}.tables.${t}.enabled`);
      if (table.columns === undefined) continue;
      if (!isObject(table.columns)) {
        problems.push(`schemas.${s}.tables.${t}.columns must be an object`);
        continue;
      }
      for (const [c, column] of Object.entries(table.columns)) {
        if (!isObject(column)) problems.push(`schemas.${s}.tables.${t}.columns.${c} must be an object`);
        else {
          flag(column.enabled, `schemas.${s}.tables.${t}.columns.${c}.enabled`);
          flag(column.hashed, `schemas.${s}.tables.${t}.columns.${c}.hashed`);
        }
      }
    }
  }
  return problems;
}

function planTable(
  where: string,
  live: TableConfig,
  wanted: TableSetting,
  changes: SchemaChange[],
  problems: string[],
): TableSetting | undefined {
  let changed = false;
  if (wanted.enabled !== undefined && wanted.enabled !== (live.enabled !== false)) {
    if (locked(live)) {
      problems.push(`${where} cannot be switched (${live.enabled_patch_settings?.reason ?? "locked by Fivetran"})`);
    }
    changes.push({ object: where, kind: "table", setting: "enabled", live: live.enabled, wanted: wanted.enabled });
    changed = true;
  }
  const columns: Record<string, ColumnSetting> = {};
  for (const [name, c] of Object.entries(wanted.columns ?? {})) {
    const current = live.columns?.[name];
    const enabled = c.enabled ?? current?.enabled ?? true;
    let columnChanged = false;
    for (const setting of ["enabled", "hashed"] as const) {
      const want = c[setting];
      if (want === undefined) continue;
      const have = current?.[setting];
      if (current !== undefined && want === (have ?? (setting === "enabled"))) continue;
      if (setting === "enabled" && current !== undefined && locked(current)) {
        problems.push(
          `${where}.${name} cannot be switched (${current.enabled_patch_settings?.reason ?? "locked by Fivetran"})`,
        );
      }
      changes.push({ object: `${where}.${name}`, kind: "column", setting, live: have, wanted: want });
      columnChanged = true;
    }
    if (columnChanged) columns[name] = { enabled, ...(c.hashed !== undefined ? { hashed: c.hashed } : {}) };
  }
  if (!changed && Object.keys(columns).length === 0) return undefined;
  return {
    enabled: wanted.enabled ?? live.enabled ?? true,
    ...(Object.keys(columns).length ? { columns } : {}),
  };
}

/**
 * The differences between a schema file and the live config, and the fewest requests that apply them: one
 * `PATCH connections/{id}/schemas/{schema}` per changed schema (holding only its changed tables and columns), and
 * one `PATCH connections/{id}/schemas` when the handling changes. A column the API does not list (it lists only
 * columns set by hand) counts as changed.
 *
 * @example Plan a change
 * ```ts
 * import { planSchemaFile } from "./schema_file.ts";
 * const plan = planSchemaFile(
 *   { schemas: { sales: { enabled: true, tables: { Orders: { enabled: true } } } } },
 *   { schemas: { sales: { tables: { Orders: { enabled: false } } } } },
 * );
 * // plan.schemaPatches: [{ schema: "sales", body: { enabled: true, tables: { Orders: { enabled: false } } } }]
 * ```
 */
export function planSchemaFile(live: SchemaConfigData, file: SchemaFile): SchemaPlan {
  const changes: SchemaChange[] = [];
  const problems: string[] = [];
  const schemaPatches: SchemaPlan["schemaPatches"] = [];
  let handlingPatch: SchemaPlan["handlingPatch"];
  if (file.schema_change_handling !== undefined && file.schema_change_handling !== live.schema_change_handling) {
    changes.push({
      object: "schema_change_handling",
      kind: "handling",
      setting: "schema_change_handling",
      live: live.schema_change_handling,
      wanted: file.schema_change_handling,
    });
    handlingPatch = { schema_change_handling: file.schema_change_handling };
  }
  for (const [sname, s] of Object.entries(file.schemas)) {
    const liveSchema: SchemaConfig | undefined = live.schemas?.[sname];
    if (!liveSchema) {
      problems.push(`schema '${sname}' is not in the connection`);
      continue;
    }
    let changed = false;
    if (s.enabled !== undefined && s.enabled !== (liveSchema.enabled !== false)) {
      changes.push({ object: sname, kind: "schema", setting: "enabled", live: liveSchema.enabled, wanted: s.enabled });
      changed = true;
    }
    const tables: Record<string, TableSetting> = {};
    for (const [tname, t] of Object.entries(s.tables ?? {})) {
      const liveTable = liveSchema.tables?.[tname];
      if (!liveTable) {
        problems.push(`table '${sname}.${tname}' is not in the connection`);
        continue;
      }
      const body = planTable(`${sname}.${tname}`, liveTable, t, changes, problems);
      if (body) tables[tname] = body;
    }
    if (changed || Object.keys(tables).length > 0) {
      schemaPatches.push({
        schema: sname,
        body: { enabled: s.enabled ?? liveSchema.enabled ?? true, ...(Object.keys(tables).length ? { tables } : {}) },
      });
    }
  }
  return { changes, schemaPatches, ...(handlingPatch ? { handlingPatch } : {}), problems };
}
