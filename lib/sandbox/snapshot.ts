/**
 * Snapshots: the current account written as a seed (`SandboxSeed`) that
 * `--seed` / `startSandbox({ seed })` load back. Secrets are stripped: secret
 * config fields and webhook secrets are left out (a replayed connection's
 * setup tests then ask for them, as a copy made through the API would).
 * Times are written as ISO strings.
 *
 * @module
 */

import { MASK } from "./mask.ts";
import type { MembershipKind } from "./memberships.ts";
import { platformSnapshot } from "./platform_seed.ts";
import { columnFields } from "./schema_config.ts";
import { maskConfig, type ServiceKind } from "./spec_catalog.ts";
import type { SandboxState } from "./state.ts";
import type {
  ConnectionRecord,
  SandboxSeed,
  SchemaConfigRecord,
  SeedConnection,
  SeedSchema,
  SeedTable,
} from "./types.ts";

const iso = (ms: number | undefined) => ms === undefined ? undefined : new Date(ms).toISOString();

/** A config without its secrets (the keys the API would show masked). */
function withoutSecrets(kind: ServiceKind, service: string, config: Record<string, unknown>): Record<string, unknown> {
  const masked = maskConfig(kind, service, config);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(masked)) {
    if (v === MASK || (Array.isArray(v) && v.length > 0 && v.every((x) => x === MASK))) continue;
    out[k] = structuredClone(v); // the masked value: nested secrets stay masked
  }
  return out;
}

function schemasSeed(cfg: SchemaConfigRecord): Record<string, SeedSchema> {
  const out: Record<string, SeedSchema> = {};
  for (const [name, s] of cfg.schemas) {
    const tables: Record<string, SeedTable> = {};
    for (const [tname, t] of s.tables) {
      const columns: NonNullable<SeedTable["columns"]> = {};
      for (const [cname, c] of t.columns) columns[cname] = columnFields(c);
      tables[tname] = {
        name_in_destination: t.nameInDestination,
        enabled: t.enabled,
        sync_mode: t.syncMode,
        ...(t.patchAllowed ? {} : { patch_allowed: false }),
        columns,
      };
    }
    out[name] = { name_in_destination: s.nameInDestination, enabled: s.enabled, tables };
  }
  return out;
}

function connectionSeed(state: SandboxState, c: ConnectionRecord): SeedConnection {
  state.settle(c);
  const syncState = state.syncState(c);
  const out: SeedConnection = {
    id: c.id,
    group_id: c.groupId,
    service: c.service,
    schema: c.schema,
    config: withoutSecrets("connections", c.service, c.config),
    paused: c.paused,
    pause_after_trial: c.pauseAfterTrial,
    sync_frequency: c.syncFrequency,
    schedule_type: c.scheduleType,
    data_delay_sensitivity: c.dataDelaySensitivity,
    data_delay_threshold: c.dataDelayThreshold,
    networking_method: c.networkingMethod,
    setup_state: c.setupState,
    created_at: iso(c.createdAt),
    connected_by: c.connectedBy,
    is_historical_sync: c.isHistoricalSync,
  };
  if (c.dailySyncTime !== undefined) out.daily_sync_time = c.dailySyncTime;
  if (c.brokenReason) out.broken_by = c.brokenReason;
  if (syncState === "syncing" || syncState === "rescheduled") out.sync_state = syncState;
  if (c.sync) out.sync_seconds = Math.max(1, Math.round((c.sync.endsAt - c.sync.startedAt) / 1000));
  if (c.rescheduledFor !== undefined) out.rescheduled_for = iso(c.rescheduledFor);
  if (c.failSyncs) out.fail_syncs = true;
  if (c.succeededAt !== undefined) out.succeeded_at = iso(c.succeededAt);
  if (c.failedAt !== undefined) out.failed_at = iso(c.failedAt);
  if (c.warnings.length) out.warnings = structuredClone(c.warnings);
  if (c.certificates.size) out.certificates = [...c.certificates.keys()];
  if (c.fingerprints.size) out.fingerprints = [...c.fingerprints.keys()];
  if (c.schemaConfig) {
    out.schemas = schemasSeed(c.schemaConfig);
    out.schema_change_handling = c.schemaConfig.schemaChangeHandling;
  }
  if (c.state !== undefined) out.state = structuredClone(c.state);
  return out;
}

function transformationsSeed(state: SandboxState): NonNullable<SandboxSeed["transformations"]> {
  return state.transformations.all().map((t) => {
    state.settleTransformation(t);
    const ids = t.schedule.connection_ids as string[] | undefined;
    const name = (t.config.name ?? t.config.package_name) as string | undefined;
    return {
      id: t.id,
      type: t.type,
      status: t.status,
      paused: t.paused,
      ...(t.failRuns ? { fail_runs: true } : {}),
      output_model_names: [...t.outputModelNames],
      ...(ids?.length ? { connection_ids: [...ids] } : {}),
      ...(name !== undefined ? { name } : {}),
    };
  });
}

/**
 * The account as a seed, secrets stripped; `startSandbox({ seed })` replays it.
 *
 * @example Save and replay
 * ```ts
 * import { SandboxState } from "./state.ts";
 * import { systemClock } from "./clock.ts";
 * import { snapshotSeed } from "./snapshot.ts";
 * const state = new SandboxState({ clock: systemClock, syncMs: 10_000, randomSeed: 1 });
 * state.load({ groups: [{ id: "g", name: "Prod" }] });
 * const seed = snapshotSeed(state); // { groups: [{ id: "g", name: "Prod", ... }], ... }
 * ```
 */
export function snapshotSeed(state: SandboxState): SandboxSeed {
  const members = (kind: MembershipKind, owner: string, key: string) => {
    const list = state.memberships.list(kind, owner).map((m) => ({ id: m.id, role: m.role }));
    return list.length ? { [key]: list } : {};
  };
  const groupUsers: NonNullable<SandboxSeed["group_users"]> = [];
  for (const g of state.groups.all()) {
    for (const [userId, m] of state.memberships.owners("user-group", g.id)) {
      if (state.users.get(userId)) groupUsers.push({ group_id: g.id, user_id: userId, role: m.role });
    }
  }
  return {
    account: { id: state.account.id, name: state.account.name, user_id: state.account.userId },
    groups: state.groups.all().map((g) => ({ id: g.id, name: g.name, created_at: iso(g.createdAt) })),
    destinations: state.destinations.all().map((d) => ({
      group_id: d.groupId,
      service: d.service,
      region: d.region,
      time_zone_offset: d.timeZoneOffset,
      setup_status: d.setupStatus,
      daylight_saving_time_enabled: d.daylightSavingTimeEnabled,
      networking_method: d.networkingMethod,
      config: withoutSecrets("destinations", d.service, d.config),
    })),
    users: state.users.all().map((u) => ({
      id: u.id,
      email: u.email,
      given_name: u.givenName,
      family_name: u.familyName,
      role: u.role,
      active: u.active,
      verified: u.verified,
      invited: u.invited,
      ...(u.phone !== undefined ? { phone: u.phone } : {}),
      ...(u.picture !== undefined ? { picture: u.picture } : {}),
      created_at: iso(u.createdAt),
      ...(u.loggedInAt !== undefined ? { logged_in_at: iso(u.loggedInAt) } : {}),
      ...members("user-connection", u.id, "connections"),
    })),
    group_users: groupUsers,
    connections: state.connections.all().map((c) => connectionSeed(state, c)),
    teams: state.teams.all().map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      role: t.role,
      ...members("team-user", t.id, "users"),
      ...members("team-group", t.id, "groups"),
      ...members("team-connection", t.id, "connections"),
    })),
    webhooks: state.webhooks.all().map((w) => ({
      id: w.id,
      type: w.type,
      ...(w.groupId !== undefined ? { group_id: w.groupId } : {}),
      url: w.url,
      events: [...w.events],
      active: w.active,
      created_at: iso(w.createdAt),
    })),
    platform: platformSnapshot(state),
    transformations: transformationsSeed(state),
  };
}
