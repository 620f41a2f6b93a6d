/**
 * Records → API JSON, shaped like the spec's response schemas. Optional
 * timestamps are left out rather than sent as null (the spec does not mark
 * them nullable), and secrets are masked.
 *
 * @module
 */

import { maskConfig } from "./spec_catalog.ts";
import type { SandboxState } from "./state.ts";
import type {
  ConnectionRecord,
  DestinationRecord,
  GroupRecord,
  RoleRecord,
  TeamRecord,
  TransformationRecord,
  TrustItem,
  UserRecord,
  WebhookRecord,
} from "./types.ts";

/** Epoch ms → ISO 8601. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** JSON for a group. */
export function groupJson(g: GroupRecord): Record<string, unknown> {
  return { id: g.id, name: g.name, created_at: iso(g.createdAt) };
}

/**
 * JSON for a connection. `detail` adds the (masked) config, as the details
 * endpoints do; lists leave it out.
 */
export function connectionJson(
  state: SandboxState,
  c: ConnectionRecord,
  detail: boolean,
): Record<string, unknown> {
  state.settle(c);
  const status: Record<string, unknown> = {
    setup_state: c.setupState,
    sync_state: state.syncState(c),
    update_state: c.updateState,
    is_historical_sync: c.isHistoricalSync,
    tasks: [], // the live API reports no task for a connection whose setup is incomplete
    warnings: c.warnings.map((w) => ({ ...w })),
  };
  if (c.rescheduledFor !== undefined && !c.sync) status.rescheduled_for = iso(c.rescheduledFor);
  const out: Record<string, unknown> = {
    id: c.id,
    group_id: c.groupId,
    service: c.service,
    service_version: c.serviceVersion,
    schema: c.schema,
    connected_by: c.connectedBy,
    created_at: iso(c.createdAt),
  };
  if (c.succeededAt !== undefined) out.succeeded_at = iso(c.succeededAt);
  if (c.failedAt !== undefined) out.failed_at = iso(c.failedAt);
  Object.assign(out, {
    paused: c.paused,
    pause_after_trial: c.pauseAfterTrial,
    sync_frequency: c.syncFrequency,
    data_delay_sensitivity: c.dataDelaySensitivity,
    data_delay_threshold: c.dataDelayThreshold,
    schedule_type: c.scheduleType,
    networking_method: c.networkingMethod,
    status,
  });
  if (c.dailySyncTime !== undefined) out.daily_sync_time = c.dailySyncTime;
  if (detail) out.config = maskConfig("connections", c.service, c.config);
  return out;
}

/** JSON for a destination (`detail`: with masked config and setup status). */
export function destinationJson(d: DestinationRecord, detail: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: d.id,
    group_id: d.groupId,
    service: d.service,
    region: d.region,
    time_zone_offset: d.timeZoneOffset,
    // Lowercase, as the live API answers (go-fivetran's e2e suite); the spec says uppercase.
    setup_status: d.setupStatus.toLowerCase(),
    networking_method: d.networkingMethod,
  };
  // Only details carry it: the live API's list leaves it out (go-fivetran's e2e list test reads false for a
  // destination created with true).
  if (detail) out.daylight_saving_time_enabled = d.daylightSavingTimeEnabled;
  if (detail) out.config = destinationConfigJson(d);
  return out;
}

/**
 * A destination's config as the live API shows it: secrets masked and numbers
 * as strings (`"port": "5432"`, go-fivetran's e2e suite; booleans stay booleans).
 */
export function destinationConfigJson(d: DestinationRecord): Record<string, unknown> {
  const out = maskConfig("destinations", d.service, d.config);
  for (const [k, v] of Object.entries(out)) if (typeof v === "number") out[k] = String(v);
  return out;
}

/** JSON for a user. */
export function userJson(u: UserRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    email: u.email,
    given_name: u.givenName,
    family_name: u.familyName,
    verified: u.verified,
    invited: u.invited,
    role: u.role,
    active: u.active,
    created_at: iso(u.createdAt),
  };
  if (u.loggedInAt !== undefined) out.logged_in_at = iso(u.loggedInAt);
  if (u.phone !== undefined) out.phone = u.phone;
  if (u.picture !== undefined) out.picture = u.picture;
  return out;
}

/** JSON for a team. */
export function teamJson(t: TeamRecord): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, role: t.role };
}

/** JSON for a webhook (the secret is masked). */
export function webhookJson(w: WebhookRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: w.id,
    type: w.type,
    url: w.url,
    events: [...w.events],
    active: w.active,
    created_at: iso(w.createdAt),
    created_by: w.createdBy,
  };
  if (w.groupId !== undefined) out.group_id = w.groupId;
  if (w.secret !== undefined) out.secret = "******";
  return out;
}

/** JSON for a transformation. */
export function transformationJson(
  state: SandboxState,
  t: TransformationRecord,
): Record<string, unknown> {
  state.settleTransformation(t);
  const out: Record<string, unknown> = {
    id: t.id,
    type: t.type,
    status: t.status,
    paused: t.paused,
    schedule: structuredClone(t.schedule),
    created_at: iso(t.createdAt),
    created_by_id: t.createdById,
    output_model_names: [...t.outputModelNames],
    transformation_config: structuredClone(t.config),
  };
  if (t.lastStartedAt !== undefined) out.last_started_at = iso(t.lastStartedAt);
  if (t.lastEndedAt !== undefined && !t.run) out.last_ended_at = iso(t.lastEndedAt);
  return out;
}

/** JSON for a role. */
export function roleJson(r: RoleRecord): Record<string, unknown> {
  return {
    name: r.name,
    description: r.description,
    scope: [...r.scope],
    is_custom: r.isCustom,
    is_deprecated: r.isDeprecated,
    replacement_role_name: r.replacementRoleName ?? "",
  };
}

/** JSON for an approved certificate. */
export function certificateJson(c: TrustItem, fallbackDate: number): Record<string, unknown> {
  return {
    id: c.hash,
    name: c.name ?? "",
    hash: c.hash,
    type: c.type ?? "TLS",
    sha1: c.sha1 ?? "",
    sha256: c.sha256 ?? "",
    public_key: c.publicKey,
    validated_date: iso(c.validatedDate ?? fallbackDate),
    validated_by: c.validatedBy ?? "",
  };
}

/** JSON for an approved fingerprint. */
export function fingerprintJson(f: TrustItem, fallbackDate: number): Record<string, unknown> {
  return {
    id: f.hash,
    hash: f.hash,
    public_key: f.publicKey,
    validated_date: iso(f.validatedDate ?? fallbackDate),
    validated_by: f.validatedBy ?? "",
  };
}
