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
