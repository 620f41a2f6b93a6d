/**
 * Connection schema configs: generated lazily from the service's source
 * tables (so 10,000 connections cost nothing until one is looked at), turned
 * into the API's JSON, and patched by the schema/table/column endpoints.
 *
 * @module
 */

import { getService } from "./catalog.ts";
import { ApiError, invalidInput } from "./errors.ts";
import { toDestinationName } from "./names.ts";
import { createPrng } from "./prng.ts";
import type {
  ColumnRecord,
  ConnectionRecord,
  SchemaConfigRecord,
  SchemaRecord,
  SeedSchema,
  TableRecord,
} from "./types.ts";

function parseTable(spec: string): { name: string; columns: string[] } {
  const [name, cols] = spec.split(":");
  return { name: name.trim(), columns: cols.split(",").map((c) => c.trim()) };
}

function makeTable(
  columns: string[],
  tableName: string,
  enabled: boolean,
  hashColumn?: string,
): TableRecord {
  const cols = new Map<string, ColumnRecord>();
  columns.forEach((c, i) =>
    cols.set(c, {
      nameInDestination: toDestinationName(c),
      enabled: true,
      hashed: c === hashColumn,
      isPrimaryKey: i === 0,
    })
  );
  return {
    nameInDestination: tableName,
    enabled,
    syncMode: "SOFT_DELETE",
    patchAllowed: true,
    columns: cols,
  };
}

/**
 * Generate the schema config of a connection from its service and seed.
 *
 * @example Using `generateSchemaConfig`
 * ```ts
 * import { generateSchemaConfig } from "./schema_config.ts";
 * // const cfg = generateSchemaConfig(connection);
 * ```
 */
export function generateSchemaConfig(conn: ConnectionRecord): SchemaConfigRecord {
  const service = getService(conn.service);
  const rng = createPrng(conn.schemaSeed);
  const schemas = new Map<string, SchemaRecord>();
  const tables = (service?.tables ?? ["Records: Id,Name,UpdatedAt"]).map(parseTable);
  if (service?.schemaFormat === "schema_prefix") {
    const pool = [...(service.sourceSchemas ?? ["public"])];
    const count = rng.int(1, 2);
    for (let s = 0; s < count; s++) {
      const schemaName = pool.splice(rng.int(0, pool.length - 1), 1)[0];
      const shuffled = [...tables];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      const chosen = shuffled.slice(0, rng.int(3, 6));
      const tableMap = new Map<string, TableRecord>();
      chosen.forEach((t, i) =>
        tableMap.set(
          t.name,
          makeTable(
            t.columns,
            toDestinationName(t.name),
            i !== chosen.length - 1 || chosen.length < 4,
            t.columns.includes("EmailAddress") ? "EmailAddress" : undefined,
          ),
        )
      );
      schemas.set(schemaName, {
        nameInDestination: `${conn.schema}_${toDestinationName(schemaName)}`,
        enabled: true,
        tables: tableMap,
      });
    }
  } else if (service?.schemaFormat === "schema_table_group" || service?.schemaFormat === "schema_table") {
    const [schema, table] = conn.schema.split(".");
    const t = tables[0];
    schemas.set(schema, {
      nameInDestination: schema,
      enabled: true,
      tables: new Map([[table, makeTable(t.columns, toDestinationName(table), true)]]),
    });
  } else {
    const tableMap = new Map<string, TableRecord>();
    tables.forEach((t, i) =>
      tableMap.set(
        t.name,
        makeTable(t.columns, toDestinationName(t.name), i < 3 || rng.chance(0.5)),
      )
    );
    schemas.set(conn.schema, {
      nameInDestination: conn.schema,
      enabled: true,
      tables: tableMap,
    });
  }
  return { schemaChangeHandling: "ALLOW_COLUMNS", schemas };
}

/**
 * Build a schema config from a fixture's explicit `schemas`.
 *
 * @example Using `schemaConfigFromSeed`
 * ```ts
 * import { schemaConfigFromSeed } from "./schema_config.ts";
 * const cfg = schemaConfigFromSeed({ Sales: { tables: { Orders: { columns: { OrderID: {} } } } } });
 * ```
 */
export function schemaConfigFromSeed(
  seed: Record<string, SeedSchema>,
  destinationSchemaName: (source: string) => string = toDestinationName,
): SchemaConfigRecord {
  const schemas = new Map<string, SchemaRecord>();
  for (const [schemaName, s] of Object.entries(seed)) {
    const tables = new Map<string, TableRecord>();
    for (const [tableName, t] of Object.entries(s.tables ?? {})) {
      const columns = new Map<string, ColumnRecord>();
      for (const [colName, c] of Object.entries(t.columns ?? {})) {
        columns.set(colName, {
          nameInDestination: c.name_in_destination ?? toDestinationName(colName),
          enabled: c.enabled ?? true,
          hashed: c.hashed ?? false,
          isPrimaryKey: c.is_primary_key ?? false,
        });
      }
      tables.set(tableName, {
        nameInDestination: t.name_in_destination ?? toDestinationName(tableName),
        enabled: t.enabled ?? true,
        syncMode: t.sync_mode ?? "SOFT_DELETE",
        patchAllowed: t.patch_allowed ?? true,
        columns,
      });
    }
    schemas.set(schemaName, {
      nameInDestination: s.name_in_destination ?? destinationSchemaName(schemaName),
      enabled: s.enabled ?? true,
      tables,
    });
  }
  return { schemaChangeHandling: "ALLOW_COLUMNS", schemas };
}

/**
 * A column's settings as the API and fixtures name them.
 *
 * @example Using `columnFields`
 * ```ts
 * import { columnFields } from "./schema_config.ts";
 * // columnFields(column) -> { name_in_destination: "customer_id", enabled: true, hashed: false, is_primary_key: true }
 * ```
 */
export function columnFields(
  c: ColumnRecord,
): { name_in_destination: string; enabled: boolean; hashed: boolean; is_primary_key: boolean } {
  return {
    name_in_destination: c.nameInDestination,
    enabled: c.enabled,
    hashed: c.hashed,
    is_primary_key: c.isPrimaryKey,
  };
}

/**
 * The API JSON of a table's columns.
 *
 * @example Using `columnsJson`
 * ```ts
 * import { columnsJson } from "./schema_config.ts";
 * // columnsJson(table) -> { CustomerID: { name_in_destination: "customer_id", ... } }
 * ```
 */
export function columnsJson(table: TableRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, c] of table.columns) {
    out[name] = {
      ...columnFields(c),
      enabled_patch_settings: c.isPrimaryKey
        ? {
          allowed: false,
          reason_code: "SYSTEM_COLUMN",
          reason: "Primary key columns can't be disabled",
        }
        : { allowed: true },
    };
  }
  return out;
}

/**
 * The API JSON of a whole schema config (`StandardConfigResponse`).
 *
 * @example Using `schemaConfigJson`
 * ```ts
 * import { schemaConfigJson } from "./schema_config.ts";
 * // schemaConfigJson(config)
 * ```
 */
export function schemaConfigJson(cfg: SchemaConfigRecord): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const [schemaName, s] of cfg.schemas) {
    const tables: Record<string, unknown> = {};
    for (const [tableName, t] of s.tables) {
      tables[tableName] = {
        name_in_destination: t.nameInDestination,
        enabled: t.enabled,
        sync_mode: t.syncMode,
        columns: columnsJson(t),
        enabled_patch_settings: t.patchAllowed
          ? { allowed: true }
          : { allowed: false, reason_code: "SYSTEM_TABLE", reason: "System table" },
        supports_columns_config: true,
        supports_history_mode: true,
      };
    }
    schemas[schemaName] = {
      name_in_destination: s.nameInDestination,
      enabled: s.enabled,
      tables,
    };
  }
  return {
    enable_new_by_default: cfg.schemaChangeHandling === "ALLOW_ALL",
    schema_change_handling: cfg.schemaChangeHandling,
    schemas,
  };
}

const SYNC_MODES = ["SOFT_DELETE", "HISTORY", "LIVE"];
const HANDLING = ["ALLOW_ALL", "ALLOW_COLUMNS", "BLOCK_ALL"];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bool(v: unknown, where: string, required: boolean): boolean | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== "boolean") throw invalidInput(`${where} must be a boolean`);
  return v;
}

/** Find a schema or answer 404. */
export function findSchema(cfg: SchemaConfigRecord, name: string): SchemaRecord {
  const s = cfg.schemas.get(name);
  if (!s) {
    throw new ApiError(404, "NotFound_Schema", `Schema '${name}' doesn't exist in this connection`);
  }
  return s;
}

/** Find a table or answer 404. */
export function findTable(schema: SchemaRecord, schemaName: string, name: string): TableRecord {
  const t = schema.tables.get(name);
  if (!t) {
    throw new ApiError(
      404,
      "NotFound_Table",
      `Table '${name}' doesn't exist in schema '${schemaName}'`,
    );
  }
  return t;
}

/** Find a column or answer 404. */
export function findColumn(table: TableRecord, tableName: string, name: string): ColumnRecord {
  const c = table.columns.get(name);
  if (!c) {
    throw new ApiError(
      404,
      "NotFound_Column",
      `Column '${name}' doesn't exist in table '${tableName}'`,
    );
  }
  return c;
}

/**
 * Validate and apply a `ColumnUpdateRequest`.
 *
 * @example Using `patchColumn`
 * ```ts
 * import { patchColumn } from "./schema_config.ts";
 * // patchColumn(column, "CustomerID", { enabled: true, hashed: true }, "columns.CustomerID");
 * ```
 */
export function patchColumn(
  col: ColumnRecord,
  name: string,
  body: unknown,
  where: string,
  apply = true,
): void {
  if (!isObject(body)) throw invalidInput(`${where} must be an object`);
  const enabled = bool(body.enabled, `${where}.enabled`, true);
  const hashed = bool(body.hashed, `${where}.hashed`, false);
  const pk = bool(body.is_primary_key, `${where}.is_primary_key`, false);
  if (enabled === false && col.isPrimaryKey && pk !== false) {
    throw invalidInput(`Column '${name}' is a primary key column and can't be disabled`);
  }
  if (!apply) return;
  col.enabled = enabled!;
  if (hashed !== undefined) col.hashed = hashed;
  if (pk !== undefined) col.isPrimaryKey = pk;
}

/**
 * Validate and apply a `TableUpdateRequest`.
 *
 * @example Using `patchTable`
 * ```ts
 * import { patchTable } from "./schema_config.ts";
 * // patchTable(table, "Orders", { enabled: false }, "tables.Orders");
 * ```
 */
export function patchTable(
  table: TableRecord,
  name: string,
  body: unknown,
  where: string,
  apply = true,
): void {
  if (!isObject(body)) throw invalidInput(`${where} must be an object`);
  const enabled = bool(body.enabled, `${where}.enabled`, true);
  if (body.sync_mode !== undefined && !SYNC_MODES.includes(body.sync_mode as string)) {
    throw invalidInput(`${where}.sync_mode must be one of ${SYNC_MODES.join(", ")}`);
  }
  if (enabled === false && !table.patchAllowed) {
    throw invalidInput(`Table '${name}' can't be disabled`);
  }
  if (body.columns !== undefined && !isObject(body.columns)) {
    throw invalidInput(`${where}.columns must be an object`);
  }
  const columns = (body.columns ?? {}) as Record<string, unknown>;
  for (const [colName, colBody] of Object.entries(columns)) {
    patchColumn(findColumn(table, name, colName), colName, colBody, `${where}.columns.${colName}`, false);
  }
  if (!apply) return;
  for (const [colName, colBody] of Object.entries(columns)) {
    patchColumn(findColumn(table, name, colName), colName, colBody, `${where}.columns.${colName}`);
  }
  table.enabled = enabled!;
  if (body.sync_mode !== undefined) table.syncMode = body.sync_mode as string;
}

/**
 * Validate and apply a `SchemaUpdateRequest`.
 *
 * @example Using `patchSchema`
 * ```ts
 * import { patchSchema } from "./schema_config.ts";
 * // patchSchema(schema, "public", { enabled: true, tables: { Orders: { enabled: false } } }, "schemas.public");
 * ```
 */
export function patchSchema(
  schema: SchemaRecord,
  name: string,
  body: unknown,
  where: string,
  apply = true,
): void {
  if (!isObject(body)) throw invalidInput(`${where} must be an object`);
  const enabled = bool(body.enabled, `${where}.enabled`, true);
  if (body.tables !== undefined && !isObject(body.tables)) {
    throw invalidInput(`${where}.tables must be an object`);
  }
  const tables = (body.tables ?? {}) as Record<string, unknown>;
  for (const [tableName, tableBody] of Object.entries(tables)) {
    patchTable(findTable(schema, name, tableName), tableName, tableBody, `${where}.tables.${tableName}`, false);
  }
  if (!apply) return;
  for (const [tableName, tableBody] of Object.entries(tables)) {
    patchTable(findTable(schema, name, tableName), tableName, tableBody, `${where}.tables.${tableName}`);
  }
  schema.enabled = enabled!;
}

/**
 * Validate and apply a `StandardConfigUpdateRequest` (all or nothing).
 *
 * @example Using `patchSchemaConfig`
 * ```ts
 * import { patchSchemaConfig } from "./schema_config.ts";
 * // patchSchemaConfig(cfg, { schema_change_handling: "BLOCK_ALL" });
 * ```
 */
export function patchSchemaConfig(cfg: SchemaConfigRecord, body: unknown): void {
  if (!isObject(body)) throw invalidInput("Request body must be a JSON object");
  if (
    body.schema_change_handling !== undefined &&
    !HANDLING.includes(body.schema_change_handling as string)
  ) {
    throw invalidInput(`schema_change_handling must be one of ${HANDLING.join(", ")}`);
  }
  if (body.is_type_locked !== undefined) bool(body.is_type_locked, "is_type_locked", false);
  if (body.schemas !== undefined && !isObject(body.schemas)) {
    throw invalidInput("schemas must be an object");
  }
  const schemas = (body.schemas ?? {}) as Record<string, unknown>;
  for (const [name, s] of Object.entries(schemas)) {
    patchSchema(findSchema(cfg, name), name, s, `schemas.${name}`, false);
  }
  for (const [name, s] of Object.entries(schemas)) {
    patchSchema(findSchema(cfg, name), name, s, `schemas.${name}`);
  }
  if (body.schema_change_handling !== undefined) {
    cfg.schemaChangeHandling = body.schema_change_handling as string;
  }
}
