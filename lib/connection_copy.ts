/**
 * Copying connections between groups: the create request built from a connection as `GET connections/{id}` answers
 * it (the secrets Fivetran masks as `"******"` filled in again from what the caller supplies), and the connection's
 * schema config as the request that applies it to the copy.
 *
 * @module
 */

import { MASK } from "./mask.ts";
import type { SchemaConfigData } from "./schema_config.ts";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The dotted paths of every masked (`"******"`) value of a config.
 *
 * @example Find what must be supplied again
 * ```ts
 * import { maskedKeys } from "./connection_copy.ts";
 * maskedKeys({ host: "db", password: "******", tunnel: { private_key: "******" } });
 * // ["password", "tunnel.private_key"]
 * ```
 */
export function maskedKeys(config: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value === MASK) out.push(path);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, path ? `${path}.${i}` : String(i)));
    else if (isObject(value)) { for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k); }
  };
  walk(config, "");
  return out;
}

/**
 * Flattens a secrets object — nested (`{"tunnel": {"private_key": "..."}}`) or dotted (`{"tunnel.private_key":
 * "..."}`) — into dotted path → value.
 *
 * @throws {TypeError} when a value is null, a mask, or a key has an empty part.
 *
 * @example Flatten secrets
 * ```ts
 * import { flattenSecrets } from "./connection_copy.ts";
 * flattenSecrets({ password: "pw", tunnel: { private_key: "k" } }); // { password: "pw", "tunnel.private_key": "k" }
 * ```
 */
export function flattenSecrets(secrets: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (value: Obj, prefix: string) => {
    for (const [key, v] of Object.entries(value)) {
      if (key.split(".").some((part) => part === "")) {
        throw new TypeError(`Expected keys without empty parts, got '${key}'`);
      }
      const path = prefix ? `${prefix}.${key}` : key;
      if (isObject(v)) walk(v, path);
      else if (v === null || v === MASK) {
        throw new TypeError(`Expected a value for '${path}', got ${v === null ? "null" : "a mask"}`);
      } else out[path] = v;
    }
  };
  walk(secrets, "");
  return out;
}

/**
 * A config with its masked values replaced from `secrets` (dotted path → value); returns the config and the masked
 * keys that `secrets` does not cover.
 *
 * @example Fill in a password
 * ```ts
 * import { fillSecrets } from "./connection_copy.ts";
 * const { config, missing } = fillSecrets({ host: "db", password: "******" }, { password: "pw" });
 * // config: { host: "db", password: "pw" }, missing: []
 * ```
 */
export function fillSecrets(config: Obj, secrets: Record<string, unknown>): { config: Obj; missing: string[] } {
  const copy = structuredClone(config);
  const missing: string[] = [];
  for (const key of maskedKeys(config)) {
    if (!Object.hasOwn(secrets, key)) {
      missing.push(key);
      continue;
    }
    const parts = key.split(".");
    let node: Obj = copy;
    for (const part of parts.slice(0, -1)) node = node[part] as Obj;
    node[parts.at(-1)!] = secrets[key];
  }
  return { config: copy, missing };
}

/** Settings of a connection that its copy takes over (fields of both the GET answer and the create request). */
const COPIED_SETTINGS = [
  "sync_frequency",
  "schedule_type",
  "daily_sync_time",
  "data_delay_sensitivity",
  "data_delay_threshold",
  "pause_after_trial",
  "networking_method",
  "proxy_agent_id",
  "private_link_id",
  "hybrid_deployment_agent_id",
  "destination_schema_names",
];

/**
 * The `POST connections` body that copies a connection into a group: its service, settings and config (with the
 * secrets filled in), created paused unless asked otherwise.
 *
 * @example Build the create request
 * ```ts
 * import { createBody } from "./connection_copy.ts";
 * const body = createBody({ service: "postgres", sync_frequency: 360, config: { host: "db" } }, {
 *   groupId: "quiet_meadow",
 *   config: { host: "db", password: "pw" },
 *   paused: true,
 * });
 * // { group_id: "quiet_meadow", service: "postgres", paused: true, sync_frequency: 360, config: {...} }
 * ```
 */
export function createBody(source: Obj, options: CreateBodyOptions): Obj {
  const { groupId, config, paused = true } = options;
  const body: Obj = { group_id: groupId, service: source.service, paused };
  for (const key of COPIED_SETTINGS) {
    if (source[key] === undefined || source[key] === null) continue;
    if (key === "daily_sync_time" && source.sync_frequency !== 1440) continue;
    if (key === "data_delay_threshold" && source.data_delay_sensitivity !== "CUSTOM") continue;
    body[key] = source[key];
  }
  body.config = config;
  return body;
}

/** Options of {@link createBody}. */
export interface CreateBodyOptions {
  /** The group the copy goes into. */
  groupId: string;
  /** The config to send (secrets filled in). */
  config: Obj;
  /**
   * Create it paused.
   *
   * @default {true}
   */
  paused?: boolean;
}

/**
 * The request that gives another connection this schema config: the handling, and every schema, table and column
 * with its `enabled` (and `hashed`, `sync_mode`); items Fivetran locks are left out. `undefined` when there are no
 * schemas.
 *
 * @example Turn a schema config into a request
 * ```ts
 * import { schemaConfigRequest } from "./connection_copy.ts";
 * schemaConfigRequest({ schema_change_handling: "ALLOW_ALL", schemas: { s: { enabled: true, tables: {} } } });
 * // { schema_change_handling: "ALLOW_ALL", schemas: { s: { enabled: true } } }
 * ```
 */
export function schemaConfigRequest(
  data: SchemaConfigData | undefined,
  options: SchemaConfigRequestOptions = {},
): Obj | undefined {
  const { unhashed = false } = options;
  if (!data || !isObject(data.schemas) || Object.keys(data.schemas).length === 0) return undefined;
  const schemas: Obj = {};
  for (const [name, schema] of Object.entries(data.schemas)) {
    const tables: Obj = {};
    for (const [tname, table] of Object.entries(schema.tables ?? {})) {
      if (table.enabled_patch_settings?.allowed === false) continue;
      const columns: Obj = {};
      for (const [cname, column] of Object.entries(table.columns ?? {})) {
        if (column.enabled_patch_settings?.allowed === false) continue;
        const hashed = column.hashed === true || (unhashed && column.hashed === false);
        columns[cname] = { enabled: column.enabled !== false, ...(hashed ? { hashed: column.hashed } : {}) };
      }
      tables[tname] = {
        enabled: table.enabled !== false,
        ...(typeof table.sync_mode === "string" ? { sync_mode: table.sync_mode } : {}),
        ...(Object.keys(columns).length ? { columns } : {}),
      };
    }
    schemas[name] = { enabled: schema.enabled !== false, ...(Object.keys(tables).length ? { tables } : {}) };
  }
  return {
    ...(data.schema_change_handling ? { schema_change_handling: data.schema_change_handling } : {}),
    schemas,
  };
}

/** Options of {@link schemaConfigRequest}. */
export interface SchemaConfigRequestOptions {
  /**
   * Send `hashed: false` for the columns that are not hashed too, not only `hashed: true` for those that are, so
   * that the other connection matches column by column.
   *
   * @default {false}
   */
  unhashed?: boolean;
}

/**
 * A schema config request narrowed to what another connection's config has (a PATCH naming an unknown schema,
 * table or column fails as a whole); returns the request and the items left out.
 *
 * @example Narrow a request
 * ```ts
 * import { narrowSchemaRequest } from "./connection_copy.ts";
 * const { request, skipped } = narrowSchemaRequest({ schemas: { a: { enabled: true }, b: { enabled: false } } }, {
 *   schemas: { a: { enabled: false } },
 * });
 * // request.schemas has only "a"; skipped: ["b"]
 * ```
 */
export function narrowSchemaRequest(request: Obj, target: SchemaConfigData): { request: Obj; skipped: string[] } {
  const skipped: string[] = [];
  const schemas: Obj = {};
  for (const [name, schema] of Object.entries((request.schemas ?? {}) as Obj)) {
    const there = target.schemas?.[name];
    if (!there) {
      skipped.push(name);
      continue;
    }
    const s = structuredClone(schema) as { enabled: boolean; tables?: Record<string, { columns?: Obj }> };
    for (const [tname, table] of Object.entries(s.tables ?? {})) {
      const t = there.tables?.[tname];
      if (!t || t.enabled_patch_settings?.allowed === false) {
        skipped.push(`${name}.${tname}`);
        delete s.tables![tname];
        continue;
      }
      for (const cname of Object.keys(table.columns ?? {})) {
        if (!t.columns?.[cname]) {
          skipped.push(`${name}.${tname}.${cname}`);
          delete table.columns![cname];
        }
      }
    }
    schemas[name] = s;
  }
  return { request: { ...request, schemas }, skipped };
}
