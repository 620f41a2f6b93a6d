/**
 * Schema config operations: read, pre-create, patch (whole config, schema,
 * table, column), reload, table re-sync, column listing and dropping.
 *
 * @module
 */

import { ApiError, conflict, invalidInput } from "../errors.ts";
import { done, type Handler, ok } from "../handler.ts";
import {
  columnsJson,
  findColumn,
  findSchema,
  findTable,
  patchColumn,
  patchSchema,
  patchSchemaConfig,
  patchTable,
  schemaConfigFromSeed,
  schemaConfigJson,
} from "../schema_config.ts";
import { getService } from "../catalog.ts";
import { toDestinationName } from "../names.ts";
import type { SeedSchema } from "../types.ts";
import { field, objectBody } from "../validate.ts";
import { checkScope, resyncBlocker } from "./connections.ts";

/** GET /v1/connections/{connectionId}/schemas. */
export const getSchemaConfig: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  return ok(schemaConfigJson(state.schemaConfig(c)));
};

/** POST /v1/connections/{connectionId}/schemas (only before the first sync). */
export const preCreateSchemaConfig: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw, true);
  const schemas = field<Record<string, unknown>>(body, "schemas", "object", { required: true })!;
  const handling = field<string>(body, "schema_change_handling", "string", {
    oneOf: ["ALLOW_ALL", "ALLOW_COLUMNS", "BLOCK_ALL"],
  });
  if (c.succeededAt !== undefined || c.failedAt !== undefined || c.sync) {
    throw conflict(
      `Connection '${c.id}' has already synced; use PATCH /v1/connections/${c.id}/schemas instead`,
    );
  }
  const seed: Record<string, SeedSchema> = {};
  for (const [name, s] of Object.entries(schemas)) {
    if (typeof s !== "object" || s === null || typeof (s as Record<string, unknown>).enabled !== "boolean") {
      throw invalidInput(`schemas.${name}.enabled must be a boolean`);
    }
    seed[name] = s as SeedSchema;
  }
  const prefix = getService(c.service)?.schemaFormat === "schema_prefix";
  const cfg = schemaConfigFromSeed(
    seed,
    prefix ? (n) => `${c.schema}_${toDestinationName(n)}` : undefined,
  );
  if (handling) cfg.schemaChangeHandling = handling;
  c.schemaConfig = cfg;
  return ok(schemaConfigJson(cfg), "Schema config has been created");
};

/** PATCH /v1/connections/{connectionId}/schemas. */
export const modifySchemaConfig: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  patchSchemaConfig(cfg, objectBody(raw, true));
  return ok(schemaConfigJson(cfg), "Schema config has been updated");
};

/** POST /v1/connections/{connectionId}/schemas/reload. */
export const reloadSchemaConfig: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw);
  field(body, "exclude_mode", "string", { oneOf: ["PRESERVE", "EXCLUDE"] });
  if (c.setupState !== "connected") {
    throw new ApiError(
      400,
      "InvalidInput",
      `Can't reload the schema of connection '${c.id}': its setup state is ${c.setupState}`,
    );
  }
  return ok(schemaConfigJson(state.schemaConfig(c)), "Schema config has been reloaded");
};

/** POST /v1/connections/{connectionId}/schemas/tables/resync. */
export const resyncTables: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw, true);
  checkScope(state, c, body);
  const blocker = resyncBlocker(state, c);
  if (blocker) throw conflict(blocker);
  state.emitConnection("resync_table", c, { scope: body });
  state.startSync(c);
  return done(`Re-sync of the tables has been triggered for connection with id '${c.id}'`);
};

/** PATCH /v1/connections/{connectionId}/schemas/{schemaName}. */
export const modifySchema: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  const schema = findSchema(cfg, params.schemaName);
  patchSchema(schema, params.schemaName, objectBody(raw, true), "body");
  return ok(schemaConfigJson(cfg), "Schema has been updated");
};

/** PATCH /v1/connections/{connectionId}/schemas/{schemaName}/tables/{tableName}. */
export const modifyTable: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  const table = findTable(findSchema(cfg, params.schemaName), params.schemaName, params.tableName);
  patchTable(table, params.tableName, objectBody(raw, true), "body");
  return ok(schemaConfigJson(cfg), "Table has been updated");
};

/** PATCH .../tables/{tableName}/columns/{columnName}. */
export const modifyColumn: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  const table = findTable(findSchema(cfg, params.schemaName), params.schemaName, params.tableName);
  const column = findColumn(table, params.tableName, params.columnName);
  patchColumn(column, params.columnName, objectBody(raw, true), "body");
  return ok(schemaConfigJson(cfg), "Column has been updated");
};

/** DELETE .../tables/{tableName}/columns/{columnName} (blocked columns only). */
export const deleteColumn: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  const table = findTable(findSchema(cfg, params.schemaName), params.schemaName, params.tableName);
  const column = findColumn(table, params.tableName, params.columnName);
  if (column.enabled) {
    throw conflict(
      `Column '${params.columnName}' is not in blocked state: disable it before dropping it`,
    );
  }
  table.columns.delete(params.columnName);
  return done(`Column '${params.columnName}' has been dropped from the destination`);
};

/** POST /v1/connections/{connectionId}/schemas/drop-columns. */
export const dropColumns: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  const body = objectBody(raw, true);
  const schemas = field<Record<string, unknown>>(body, "schemas", "object", { required: true })!;
  const drops: [Map<string, unknown>, string][] = [];
  for (const [schemaName, s] of Object.entries(schemas)) {
    const schema = findSchema(cfg, schemaName);
    const tables = (s as { tables?: unknown })?.tables;
    if (typeof tables !== "object" || tables === null) {
      throw invalidInput(`schemas.${schemaName}.tables must be an object`);
    }
    for (const [tableName, t] of Object.entries(tables)) {
      const table = findTable(schema, schemaName, tableName);
      const columns = (t as { columns?: unknown })?.columns;
      if (!Array.isArray(columns) || !columns.every((x) => typeof x === "string")) {
        throw invalidInput(`schemas.${schemaName}.tables.${tableName}.columns must be an array of column names`);
      }
      for (const col of columns as string[]) {
        if (findColumn(table, tableName, col).enabled) {
          throw conflict(`Column '${col}' is not in blocked state: disable it before dropping it`);
        }
        drops.push([table.columns, col]);
      }
    }
  }
  for (const [columns, col] of drops) columns.delete(col);
  return done(`${drops.length} column(s) have been dropped from the destination`);
};

/** GET .../schemas/{schema}/tables/{table}/columns. */
export const listColumns: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  const cfg = state.schemaConfig(c);
  const table = findTable(findSchema(cfg, params.schema), params.schema, params.table);
  return ok({ columns: columnsJson(table) });
};
