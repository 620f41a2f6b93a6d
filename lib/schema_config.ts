/**
 * The shape of a connection's schema config as `GET connections/{id}/schemas` answers it (the parts the
 * recipes read), shared by the recipes that edit, resync, copy and rewrite by it.
 *
 * @example Read the destination name of a table
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import type { SchemaConfigData } from "./schema_config.ts";
 * const { data } = await createAtlas().request<SchemaConfigData>("GET", "connections/my_connection/schemas");
 * console.log(data?.schemas?.sales?.tables?.Orders?.name_in_destination);
 * ```
 *
 * @module
 */

import type { FivetranSchemas } from "./client/typed.ts";
import type { Read } from "./spec/types.ts";

/** Whether an object's `enabled` flag may be changed, and why not (the definition's `TableEnabledPatchSettings`). */
export type PatchSettings = Read<FivetranSchemas["TableEnabledPatchSettings"]>;

/** One column of a table (the definition's `ColumnConfigResponse`, fields possibly missing). */
export type ColumnConfig = Read<FivetranSchemas["ColumnConfigResponse"]>;

/** One table of a schema (the definition's `TableConfigResponse`, fields possibly missing). */
export type TableConfig = Read<FivetranSchemas["TableConfigResponse"]>;

/** One schema of a connection (the definition's `SchemaConfigResponse`, fields possibly missing). */
export type SchemaConfig = Read<FivetranSchemas["SchemaConfigResponse"]>;

/** The `data` of `GET connections/{id}/schemas` (the definition's `StandardConfigResponse`). */
export type SchemaConfigData = Read<FivetranSchemas["StandardConfigResponse"]>;

/** The `data` of `GET connections/{id}/schemas/{schema}/tables/{table}/columns`. */
export type ColumnsData = Read<FivetranSchemas["TableColumnsConfigResponse"]>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of `map` without a prototype, so that a name such as `constructor` is found only when the map holds it. */
function ownMap<T>(map: Record<string, unknown>, each: (value: Record<string, unknown>) => T): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of Object.entries(map)) out[key] = each(value as Record<string, unknown>);
  return out;
}

/**
 * Checks that `data` is the schema config `GET connections/{id}/schemas` answers — an object whose `schemas` map
 * holds objects, their `tables` and `columns` maps too — and returns a copy whose maps have no prototype, so a
 * lookup of a name the connection lacks (`constructor`, `toString`, `__proto__`) finds nothing. Returns
 * `undefined` for anything else (an empty body, `"data": "x"`, a list): not an answer to report success on.
 *
 * @example Refuse an answer that is not a schema config
 * ```ts
 * import { checkSchemaConfig } from "./schema_config.ts";
 * const config = checkSchemaConfig({ schema_change_handling: "ALLOW_ALL", schemas: { sales: { enabled: true } } });
 * console.log(config?.schemas?.["constructor"]); // undefined
 * console.log(checkSchemaConfig("x")); // undefined
 * ```
 */
export function checkSchemaConfig(data: unknown): SchemaConfigData | undefined {
  if (!isRecord(data) || !isRecord(data.schemas)) return undefined;
  let ok = true;
  const check = (value: unknown, maps: string[]): Record<string, unknown> => {
    if (!isRecord(value)) {
      ok = false;
      return {};
    }
    const copy: Record<string, unknown> = { ...value };
    const [map, ...inner] = maps;
    if (map !== undefined && copy[map] !== undefined && copy[map] !== null) {
      if (!isRecord(copy[map])) ok = false;
      else copy[map] = ownMap(copy[map] as Record<string, unknown>, (v) => check(v, inner));
    }
    return copy;
  };
  const schemas = ownMap(data.schemas, (s) => check(s, ["tables", "columns"]));
  return ok ? { ...data, schemas } as SchemaConfigData : undefined;
}
