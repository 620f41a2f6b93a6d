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

/** Whether an object's `enabled` flag may be changed, and why not. */
export interface PatchSettings {
  /** `false` when Fivetran does not let the flag change. */
  allowed?: boolean;
  /** A code for the reason. */
  reason_code?: string;
  /** The reason, in words. */
  reason?: string;
}

/** One column of a table. */
export interface ColumnConfig {
  /** The column's name in the destination. */
  name_in_destination?: string;
  /** Whether it is synced. */
  enabled?: boolean;
  /** Whether it is hashed. */
  hashed?: boolean;
  /** Whether `enabled` may change. */
  enabled_patch_settings?: PatchSettings;
}

/** One table of a schema. */
export interface TableConfig {
  /** The table's name in the destination. */
  name_in_destination?: string;
  /** Whether it is synced. */
  enabled?: boolean;
  /** `SOFT_DELETE`, `HISTORY` or `LIVE`. */
  sync_mode?: string;
  /** Whether `enabled` may change. */
  enabled_patch_settings?: PatchSettings;
  /** Columns by source name (present when the API lists them). */
  columns?: Record<string, ColumnConfig>;
}

/** One schema of a connection. */
export interface SchemaConfig {
  /** The schema's name in the destination. */
  name_in_destination?: string;
  /** Whether it is synced. */
  enabled?: boolean;
  /** Tables by source name. */
  tables?: Record<string, TableConfig>;
}

/** The `data` of `GET connections/{id}/schemas`. */
export interface SchemaConfigData {
  /** `ALLOW_ALL`, `ALLOW_COLUMNS` or `BLOCK_ALL`. */
  schema_change_handling?: string;
  /** Schemas by source name. */
  schemas?: Record<string, SchemaConfig>;
}

/** The `data` of `GET connections/{id}/schemas/{schema}/tables/{table}/columns`. */
export interface ColumnsData {
  /** Columns by source name. */
  columns?: Record<string, ColumnConfig>;
}
