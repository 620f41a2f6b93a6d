/**
 * System keys: API keys with permissions, not tied to a user. The secret is
 * shown only in the answers to create and rotate; rotating issues a new key
 * and secret and restarts the expiry period.
 *
 * @module
 */

import { invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { token } from "../platform_state.ts";
import type { SystemKeyPermission, SystemKeyRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { field, objectBody } from "../validate.ts";
import { iso } from "../views.ts";

const DAY = 86_400_000;
const PERIODS: Readonly<Record<string, number | undefined>> = {
  ONE_WEEK: 7 * DAY,
  ONE_MONTH: 30 * DAY,
  THREE_MONTHS: 90 * DAY,
  SIX_MONTHS: 180 * DAY,
  INFINITE: undefined,
};
const RESOURCE_TYPES = [
  "ACCOUNT",
  "USER",
  "WEBHOOK",
  "TEAM",
  "ROLES",
  "DESTINATION",
  "TRANSFORMATION",
  "REMOTE_EXECUTION_AGENT",
  "CONNECTOR",
];
const ACCESS_LEVELS = ["NONE", "READ", "MANAGE"];

function stringList(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw invalidInput(`Field '${name}' must be an array of strings`);
  }
  return [...v];
}

function readPermissions(raw: unknown): SystemKeyPermission[] {
  if (!Array.isArray(raw)) throw invalidInput("Field 'permissions' must be an array");
  return raw.map((p, i) => {
    if (typeof p !== "object" || p === null || Array.isArray(p)) {
      throw invalidInput(`permissions[${i}] must be an object`);
    }
    const rec = p as Record<string, unknown>;
    const out: SystemKeyPermission = {
      resource_type: field<string>(rec, "resource_type", "string", { required: true, oneOf: RESOURCE_TYPES })!,
      access_level: field<string>(rec, "access_level", "string", { required: true, oneOf: ACCESS_LEVELS })!,
    };
    const filter = rec.resource_filter;
    if (filter !== undefined && filter !== null) {
      if (typeof filter !== "object" || Array.isArray(filter)) {
        throw invalidInput(`permissions[${i}].resource_filter must be an object`);
      }
      const f = filter as Record<string, unknown>;
      const ids = stringList(f.ids, `permissions[${i}].resource_filter.ids`);
      const groupIds = stringList(f.group_ids, `permissions[${i}].resource_filter.group_ids`);
      out.resource_filter = {};
      if (ids) out.resource_filter.ids = ids;
      if (groupIds) out.resource_filter.group_ids = groupIds;
    }
    return out;
  });
}

function readPeriod(body: Record<string, unknown>): number | undefined {
  const period = field<string>(body, "expiration_period", "string", { oneOf: Object.keys(PERIODS) });
  return PERIODS[period ?? "THREE_MONTHS"];
}

function issue(state: SandboxState, k: SystemKeyRecord, period: number | undefined): void {
  k.rotations++;
  k.key = token(`syskey:${k.id}:${k.rotations}:key`, 16);
  k.secret = token(`syskey:${k.id}:${k.rotations}:secret`, 32);
  k.expiredAt = period === undefined ? undefined : state.now() + period;
}

function keyJson(k: SystemKeyRecord, withSecret: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: k.id,
    name: k.name,
    key: k.key,
    permissions: structuredClone(k.permissions),
    created_at: iso(k.createdAt),
    updated_at: iso(k.updatedAt),
  };
  if (withSecret) out.secret = k.secret;
  if (k.expiredAt !== undefined) out.expired_at = iso(k.expiredAt);
  return out;
}

/** GET /v1/system-keys. */
export const listSystemKeys: Handler = ({ state, query }) => {
  const page = paginate(state.platform.systemKeys.all(), "system-keys", query);
  return list(page.items.map((k) => keyJson(k, false)), page.nextCursor, "System keys retrieved successfully");
};

/** POST /v1/system-keys (the secret is in this answer only). */
export const createSystemKey: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const name = field<string>(body, "name", "string", { nonEmpty: true });
  const permissions = readPermissions(body.permissions ?? []);
  const period = readPeriod(body);
  const now = state.now();
  const id = state.newId();
  const k: SystemKeyRecord = {
    seq: state.nextSeq(),
    id,
    name: name ?? id,
    key: "",
    secret: "",
    permissions,
    createdAt: now,
    updatedAt: now,
    rotations: 0,
  };
  issue(state, k, period);
  state.platform.systemKeys.add(k);
  return created(keyJson(k, true), "System key has been created");
};

/** GET /v1/system-keys/{keyId} (no secret). */
export const systemKeyDetails: Handler = ({ state, params }) =>
  ok(keyJson(state.platform.systemKey(params.keyId), false), "System key retrieved successfully");

/** PATCH /v1/system-keys/{keyId} (name and permissions). */
export const updateSystemKey: Handler = ({ state, params, body: raw }) => {
  const k = state.platform.systemKey(params.keyId);
  const body = objectBody(raw, true);
  const name = field<string>(body, "name", "string", { nonEmpty: true });
  const permissions = body.permissions === undefined || body.permissions === null
    ? undefined
    : readPermissions(body.permissions);
  if (name !== undefined) k.name = name;
  if (permissions !== undefined) k.permissions = permissions;
  k.updatedAt = state.now();
  return ok(keyJson(k, false), "System key has been updated");
};

/** DELETE /v1/system-keys/{keyId}. */
export const deleteSystemKey: Handler = ({ state, params }) => {
  const k = state.platform.systemKey(params.keyId);
  state.platform.systemKeys.remove(k.id);
  return done(`System key with id '${k.id}' has been deleted`);
};

/** POST /v1/system-keys/{keyId}/rotate (a new key and secret, shown once). */
export const rotateSystemKey: Handler = ({ state, params, body: raw }) => {
  const k = state.platform.systemKey(params.keyId);
  const period = readPeriod(objectBody(raw));
  issue(state, k, period);
  k.updatedAt = state.now();
  return ok(keyJson(k, true), `System key with id '${k.id}' has been rotated`);
};
