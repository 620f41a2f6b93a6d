/**
 * The sandbox's in-memory Fivetran account: collections of groups,
 * destinations, connections, users, teams, webhooks and transformations, and
 * the time-based behaviour of syncs and transformation runs. Time-based state
 * is settled lazily from the clock whenever a record is read, so nothing runs
 * in the background.
 *
 * @module
 */

import { getService, schemaNameFromConfig } from "./catalog.ts";
import { type Clock, MAX_CLOCK_MS } from "./clock.ts";
import { Collection, type Keyed } from "./collection.ts";
import { invalidInput, notFound } from "./errors.ts";
import { type MembershipKind, MembershipStore } from "./memberships.ts";
import { createIdFactory, type IdFactory } from "./ids.ts";
import { toDestinationName } from "./names.ts";
import { loadPlatformSeed } from "./platform_seed.ts";
import { PlatformState } from "./platform_state.ts";
import { createPrng, hashString } from "./prng.ts";
import { roleNames, STANDARD_ROLES } from "./roles.ts";
import { generateSchemaConfig, schemaConfigFromSeed } from "./schema_config.ts";
import { loadSeedMemberships } from "./seed_memberships.ts";
import { checkSeed } from "./seed_check.ts";
import type { SandboxEvent } from "./webhook_delivery.ts";
import type {
  ConnectionRecord,
  DestinationRecord,
  GroupRecord,
  RoleRecord,
  SandboxSeed,
  SchemaConfigRecord,
  SeedTime,
  SyncState,
  TeamRecord,
  TransformationRecord,
  TrustItem,
  UserRecord,
  WebhookRecord,
} from "./types.ts";

/** Options of a state. */
export interface StateOptions {
  /** Time source. */
  clock: Clock;
  /** How long a sync (and a transformation run) takes, in ms. */
  syncMs: number;
  /** Seed for ids of records created through the API. */
  randomSeed: number;
  /** Receives account events (sync_start, sync_end, ...) as they happen. */
  onEvent?: (event: SandboxEvent) => void;
}

const CONNECTION_MEMBERSHIPS: readonly MembershipKind[] = ["user-connection", "team-connection"];

/** Account-level role names accepted for users and teams. */
export const ACCOUNT_ROLES: readonly string[] = roleNames("ACCOUNT");

/**
 * Parse a fixture time: epoch ms, an ISO string, or `now`, `now-2h`,
 * `now+15m`, `now-30s`, `now-3d`.
 *
 * @example Using `parseSeedTime`
 * ```ts
 * import { parseSeedTime } from "./state.ts";
 * parseSeedTime("now-1h", 7_200_000); // 3_600_000
 * ```
 */
export function parseSeedTime(value: SeedTime, now: number): number {
  return inClockRange(seedTime(value, now), value);
}

function seedTime(value: SeedTime, now: number): number {
  if (typeof value === "number") return value;
  const m = /^now(?:([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d))?$/.exec(value.trim());
  if (m) {
    if (!m[1]) return now;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[3]]!;
    return now + (m[1] === "-" ? -1 : 1) * Number(m[2]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`Invalid time '${value}' in seed`);
  return t;
}

function inClockRange(t: number, value: SeedTime): number {
  if (!Number.isFinite(t) || Math.abs(t) > MAX_CLOCK_MS) {
    throw new RangeError(`Invalid time '${value}' in seed: expected a time before year 10000`);
  }
  return t;
}

/**
 * The account's state.
 *
 * @example Using `SandboxState`
 * ```ts
 * import { SandboxState } from "./state.ts";
 * import { systemClock } from "./clock.ts";
 * const state = new SandboxState({ clock: systemClock, syncMs: 10_000, randomSeed: 1 });
 * state.load({ groups: [{ id: "rapid_harbor", name: "Production" }] });
 * ```
 */
export class SandboxState {
  /** Account info. */
  account = { id: "sandbox_account", name: "Sandbox Account", userId: "" };
  /** Groups. */
  readonly groups = new Collection<GroupRecord>();
  /** Destinations (id = group id). */
  readonly destinations = new Collection<DestinationRecord>();
  /** Connections, indexed by group. */
  readonly connections = new Collection<ConnectionRecord>((c) => c.groupId);
  /** Users. */
  readonly users = new Collection<UserRecord>();
  /** Teams. */
  readonly teams = new Collection<TeamRecord>();
  /** Webhooks. */
  readonly webhooks = new Collection<WebhookRecord>();
  /** Transformations. */
  readonly transformations = new Collection<TransformationRecord>();
  /** Roles (read-only). */
  readonly roles: readonly RoleRecord[] = STANDARD_ROLES;
  /** Memberships (user/team in group/connection, user in team), each with a role. */
  readonly memberships = new MembershipStore();
  /** Approved certificates and fingerprints of destinations, by destination id. */
  readonly destinationTrust = new Map<
    string,
    { certificates: Map<string, TrustItem>; fingerprints: Map<string, TrustItem> }
  >();
  /** Platform resources: logging, secrets managers, agents, private links, keys, packages, projects. */
  readonly platform: PlatformState = new PlatformState(this);
  /** Explicit schemas of seeded connections, by source (service, host, port, database): what that database holds. */
  readonly #sourceSchemas = new Map<number, NonNullable<SandboxSeed["connections"]>[number]["schemas"] & object>();
  /** Time source. */
  readonly clock: Clock;
  /** Sync duration in ms. */
  readonly syncMs: number;
  #seq = 0;
  readonly #ids: IdFactory;
  readonly #onEvent?: (event: SandboxEvent) => void;
  /** Connections and transformations with a time-based transition ahead. */
  readonly #moving = new Set<ConnectionRecord>();
  readonly #running = new Set<TransformationRecord>();

  /** Create an empty state. */
  constructor(options: StateOptions) {
    this.clock = options.clock;
    this.syncMs = options.syncMs;
    this.#ids = createIdFactory(createPrng(options.randomSeed).fork("api-ids"));
    this.#onEvent = options.onEvent;
  }

  /** Report an account event (webhooks). */
  emit(event: SandboxEvent): void {
    this.#onEvent?.(event);
  }

  /** Report an event about a connection, at `at` (default now). */
  emitConnection(
    event: string,
    c: ConnectionRecord,
    data: Record<string, unknown> = {},
    at = this.now(),
    syncId?: string,
  ): void {
    if (!this.#onEvent) return;
    this.#onEvent({
      event,
      created: at,
      groupId: c.groupId,
      connection: { id: c.id, service: c.service, schema: c.schema },
      syncId,
      data,
    });
  }

  /** Settle every connection and transformation whose clock has moved on (fires their events). */
  tick(): void {
    for (const c of [...this.#moving]) {
      if (!this.connections.get(c.id)) {
        this.#moving.delete(c);
        continue;
      }
      this.settle(c);
      if (!c.sync && c.rescheduledFor === undefined) this.#moving.delete(c);
    }
    for (const t of [...this.#running]) {
      if (!this.transformations.get(t.id)) {
        this.#running.delete(t); // deleted while running: no run-end event for something that is gone
        continue;
      }
      this.settleTransformation(t);
      if (!t.run) this.#running.delete(t);
    }
  }

  /** Track a connection whose state will change with time. */
  watch(c: ConnectionRecord): void {
    if (c.sync || c.rescheduledFor !== undefined) this.#moving.add(c);
  }

  /** Current time (epoch ms). */
  now(): number {
    return this.clock.now();
  }

  /** Next creation sequence number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** A new unused readable id. */
  newId(): string {
    return this.#ids.next();
  }

  /** Reserve an id used by a record loaded from a seed. */
  reserveId(id: string): void {
    this.#ids.reserve(id);
  }

  /** Add a fixture's record under its own id, reserved so that generated ids never collide with it. */
  addSeeded<T extends Keyed>(into: Collection<T>, record: Omit<T, "seq"> & { id: string }): T {
    this.reserveId(record.id);
    return into.add({ seq: this.nextSeq(), ...record } as T);
  }

  /** Load an account fixture. */
  load(seed: SandboxSeed): void {
    checkSeed(seed);
    const now = this.now();
    const t = (v: SeedTime | undefined, fallback: number) => v === undefined ? fallback : parseSeedTime(v, now);
    if (seed.account) {
      this.account = {
        id: seed.account.id ?? this.account.id,
        name: seed.account.name ?? this.account.name,
        userId: seed.account.user_id ?? this.account.userId,
      };
    }
    for (const g of seed.groups ?? []) {
      this.addSeeded(this.groups, {
        id: g.id,
        name: g.name,
        createdAt: t(g.created_at, now - 400 * 86_400_000),
      });
    }
    for (const d of seed.destinations ?? []) {
      if (!this.groups.get(d.group_id)) {
        throw new Error(`Seed destination refers to unknown group '${d.group_id}'`);
      }
      this.destinations.add({
        seq: this.nextSeq(),
        id: d.group_id,
        groupId: d.group_id,
        service: d.service,
        region: d.region ?? "AWS_US_EAST_1",
        timeZoneOffset: d.time_zone_offset ?? "0",
        setupStatus: d.setup_status ?? "CONNECTED",
        daylightSavingTimeEnabled: d.daylight_saving_time_enabled ?? true,
        networkingMethod: d.networking_method ?? "Directly",
        config: d.config ?? {},
        createdAt: this.groups.get(d.group_id)!.createdAt,
      });
    }
    for (const u of seed.users ?? []) {
      this.addSeeded(this.users, {
        id: u.id,
        email: u.email,
        givenName: u.given_name ?? u.email.split("@")[0],
        familyName: u.family_name ?? "",
        role: u.role ?? "Account Administrator",
        active: u.active ?? true,
        verified: u.verified ?? true,
        invited: u.invited ?? false,
        phone: u.phone,
        picture: u.picture,
        createdAt: t(u.created_at, now - 300 * 86_400_000),
        loggedInAt: u.invited ? undefined : t(u.logged_in_at, now - 3_600_000),
      });
      for (const g of u.groups ?? []) this.addGroupUser(g, u.id, "Destination Administrator");
    }
    for (const m of seed.group_users ?? []) {
      if (!this.groups.get(m.group_id) || !this.users.get(m.user_id)) {
        throw new Error(`Seed group_users refers to unknown group '${m.group_id}' or user '${m.user_id}'`);
      }
      this.addGroupUser(m.group_id, m.user_id, m.role);
    }
    if (!this.account.userId) this.account.userId = this.users.all()[0]?.id ?? "";
    for (const c of seed.connections ?? []) this.#loadConnection(c, now, t);
    for (const team of seed.teams ?? []) {
      this.addSeeded(this.teams, {
        id: team.id,
        name: team.name,
        description: team.description ?? "",
        role: team.role ?? "Account Reviewer",
      });
    }
    loadSeedMemberships(this, seed);
    for (const w of seed.webhooks ?? []) {
      this.addSeeded(this.webhooks, {
        id: w.id,
        type: w.type,
        groupId: w.group_id,
        url: w.url,
        events: [...w.events],
        active: w.active ?? true,
        secret: w.secret,
        createdAt: t(w.created_at, now - 30 * 86_400_000),
        createdBy: this.account.userId,
      });
    }
    for (const tr of seed.transformations ?? []) {
      const type = tr.type ?? "DBT_CORE";
      this.addSeeded(this.transformations, {
        id: tr.id,
        type,
        status: tr.status ?? "SUCCEEDED",
        paused: tr.paused ?? false,
        schedule: tr.connection_ids?.length
          ? { schedule_type: "INTEGRATED", connection_ids: tr.connection_ids }
          : { schedule_type: "INTERVAL", interval: 60 },
        createdAt: now - 90 * 86_400_000,
        createdById: this.account.userId,
        lastStartedAt: now - 2 * 3_600_000,
        lastEndedAt: now - 2 * 3_600_000 + 95_000,
        outputModelNames: tr.output_model_names ?? [],
        failRuns: tr.fail_runs ?? false,
        config: type === "DBT_CORE"
          ? {
            project_id: "dbt_project",
            name: tr.name ?? tr.id,
            steps: [{ name: "run models", command: "dbt run" }],
          }
          : { package_name: tr.name ?? tr.id, connection_ids: tr.connection_ids ?? [] },
      });
    }
    if (seed.platform) loadPlatformSeed(this, seed.platform);
  }

  #loadConnection(
    c: NonNullable<SandboxSeed["connections"]>[number],
    now: number,
    t: (v: SeedTime | undefined, fallback: number) => number,
  ): void {
    if (!this.groups.get(c.group_id)) {
      throw new Error(`Seed connection '${c.id}' refers to unknown group '${c.group_id}'`);
    }
    this.reserveId(c.id);
    const service = getService(c.service);
    const config = c.config ?? {};
    const schema = c.schema ?? (service ? schemaNameFromConfig(service, config) : undefined) ??
      c.id;
    const setupState = c.setup_state ?? "connected";
    const conn: ConnectionRecord = {
      seq: this.nextSeq(),
      id: c.id,
      groupId: c.group_id,
      service: c.service,
      schema,
      createdAt: t(c.created_at, now - 200 * 86_400_000),
      connectedBy: c.connected_by ?? this.account.userId,
      paused: c.paused ?? c.sync_state === "paused",
      pauseAfterTrial: c.pause_after_trial ?? false,
      syncFrequency: c.sync_frequency ?? 360,
      scheduleType: c.schedule_type ?? "auto",
      dataDelaySensitivity: c.data_delay_sensitivity ?? "NORMAL",
      dataDelayThreshold: c.data_delay_threshold ?? 0,
      dailySyncTime: c.daily_sync_time,
      networkingMethod: c.networking_method ?? "Directly",
      serviceVersion: 1,
      config,
      setupState,
      brokenReason: setupState === "broken" ? (c.broken_by ?? "credentials") : undefined,
      missingFields: setupState === "incomplete" ? missingFieldsFor(c.service, config) : [],
      succeededAt: c.succeeded_at === undefined ? undefined : t(c.succeeded_at, now),
      failedAt: c.failed_at === undefined ? undefined : t(c.failed_at, now),
      failSyncs: c.fail_syncs ?? false,
      isHistoricalSync: c.is_historical_sync ?? false,
      updateState: "on_schedule",
      warnings: c.warnings ?? [],
      certificates: new Map(),
      fingerprints: new Map(),
      schemaSeed: sourceSeed(c.service, config, c.id),
    };
    if (conn.brokenReason === "certificate") conn.presentedCertificate = makeCertificate(conn.id);
    if (conn.brokenReason === "fingerprint") conn.presentedFingerprint = makeFingerprint(conn.id);
    for (const hash of c.certificates ?? []) {
      const cert = { ...makeCertificate(conn.id + hash), hash };
      cert.validatedDate = now - 100 * 86_400_000;
      cert.validatedBy = this.approverName();
      conn.certificates.set(hash, cert);
    }
    for (const hash of c.fingerprints ?? []) {
      const fp = { ...makeFingerprint(conn.id + hash), hash };
      fp.validatedDate = now - 100 * 86_400_000;
      fp.validatedBy = this.approverName();
      conn.fingerprints.set(hash, fp);
    }
    if (c.sync_state === "syncing") {
      const length = (c.sync_seconds ?? this.syncMs / 1000) * 1000;
      conn.sync = {
        startedAt: now - Math.floor(length / 3),
        endsAt: now - Math.floor(length / 3) + length,
        fails: conn.failSyncs || setupState !== "connected",
      };
    }
    if (c.sync_state === "rescheduled") {
      conn.rescheduledFor = t(c.rescheduled_for, now + 15 * 60_000);
    }
    if (c.schemas) {
      conn.schemaConfig = schemaConfigFromSeed(
        c.schemas,
        service?.schemaFormat === "schema_prefix" ? (name) => `${schema}_${toDestinationName(name)}` : undefined,
      );
      if (c.schema_change_handling) conn.schemaConfig.schemaChangeHandling = c.schema_change_handling;
      // The seeded schemas are what that source database holds: a new connection to the same source sees them too.
      this.#sourceSchemas.set(conn.schemaSeed, c.schemas);
    }
    if (c.service === "connector_sdk") conn.state = structuredClone(c.state ?? {});
    if (conn.failedAt !== undefined && (conn.succeededAt ?? 0) < conn.failedAt) {
      conn.updateState = "delayed";
    }
    this.connections.add(conn);
    this.watch(conn);
  }

  /** Add a user to a group. */
  addGroupUser(groupId: string, userId: string, role: string): void {
    this.memberships.put("user-group", userId, groupId, { seq: this.nextSeq(), role, createdAt: this.now() });
  }

  /** A destination's approved certificates and fingerprints (created empty on first use). */
  trustOf(destinationId: string): { certificates: Map<string, TrustItem>; fingerprints: Map<string, TrustItem> } {
    let trust = this.destinationTrust.get(destinationId);
    if (!trust) this.destinationTrust.set(destinationId, trust = { certificates: new Map(), fingerprints: new Map() });
    return trust;
  }

  /** How `validated_by` names the user who approves a certificate or fingerprint: their full name, as Fivetran does. */
  approverName(): string {
    const u = this.users.get(this.account.userId);
    return u ? `${u.givenName} ${u.familyName}`.trim() : this.account.userId;
  }

  // ---- groups -------------------------------------------------------------

  /** A group or 404. */
  group(id: string): GroupRecord {
    const g = this.groups.get(id);
    if (!g) throw notFound("Group", id);
    return g;
  }

  /** Delete a group with its destination, connections, webhooks, memberships and platform resources. */
  deleteGroup(id: string): void {
    this.group(id);
    for (const c of [...this.connections.byKey(id)]) this.#forgetConnection(c.id);
    this.destinations.remove(id);
    this.destinationTrust.delete(id);
    for (const w of [...this.webhooks.all()]) if (w.groupId === id) this.webhooks.remove(w.id);
    this.memberships.dropTarget(["user-group", "team-group"], id);
    this.platform.deleteGroup(id);
    this.groups.remove(id);
  }

  // ---- connections --------------------------------------------------------

  /** A connection (settled to the current time) or 404. */
  connection(id: string): ConnectionRecord {
    const c = this.connections.get(id);
    if (!c) throw notFound("Connection", id);
    return this.settle(c);
  }

  /** The connection's schema config, generated on first use. */
  schemaConfig(c: ConnectionRecord): SchemaConfigRecord {
    if (!c.schemaConfig) {
      const seeded = this.#sourceSchemas.get(c.schemaSeed);
      c.schemaConfig = seeded
        ? schemaConfigFromSeed(
          seeded,
          getService(c.service)?.schemaFormat === "schema_prefix"
            ? (name) => `${c.schema}_${toDestinationName(name)}`
            : undefined,
        )
        : generateSchemaConfig(c);
    }
    return c.schemaConfig;
  }

  /** Apply every time-based transition that is due. */
  settle(c: ConnectionRecord): ConnectionRecord {
    const now = this.now();
    for (let guard = 0; guard < 4; guard++) {
      if (c.sync && now >= c.sync.endsAt) {
        if (c.sync.fails) {
          c.failedAt = c.sync.endsAt;
          c.updateState = "delayed";
        } else {
          c.succeededAt = c.sync.endsAt;
          c.updateState = "on_schedule";
        }
        this.emitConnection(
          "sync_end",
          c,
          { status: c.sync.fails ? "FAILURE_WITH_TASK" : "SUCCESSFUL" },
          c.sync.endsAt,
          syncId(c.id, c.sync.startedAt),
        );
        c.sync = undefined;
        c.isHistoricalSync = false;
        continue;
      }
      if (
        !c.sync && c.rescheduledFor !== undefined && c.scheduleType === "auto" && !c.paused &&
        now >= c.rescheduledFor
      ) {
        const start = c.rescheduledFor;
        c.rescheduledFor = undefined;
        c.sync = { startedAt: start, endsAt: start + this.syncMs, fails: this.#syncFails(c) };
        this.emitConnection("sync_start", c, {}, start, syncId(c.id, start));
        continue;
      }
      break;
    }
    return c;
  }

  /** The connection's `status.sync_state`. */
  syncState(c: ConnectionRecord): SyncState {
    if (c.sync) return "syncing";
    if (c.paused) return "paused";
    if (c.rescheduledFor !== undefined) return "rescheduled";
    return "scheduled";
  }

  #syncFails(c: ConnectionRecord): boolean {
    return c.failSyncs || c.setupState !== "connected";
  }

  /** Start (or with `force`, restart) a sync; returns whether one was started. */
  startSync(c: ConnectionRecord, options: { force?: boolean; historical?: boolean } = {}): boolean {
    if (c.sync && !options.force) return false;
    const now = this.now();
    const length = options.historical ? this.syncMs * 3 : this.syncMs;
    c.rescheduledFor = undefined;
    c.sync = { startedAt: now, endsAt: now + length, fails: this.#syncFails(c) };
    if (options.historical) c.isHistoricalSync = true;
    this.#moving.add(c);
    this.emitConnection("sync_start", c, {}, now, syncId(c.id, now));
    return true;
  }

  /** Delete a connection. */
  deleteConnection(id: string): void {
    this.connection(id);
    this.#forgetConnection(id);
  }

  /**
   * Remove a connection and every reference to it: its memberships, and its place in transformations'
   * `connection_ids` (a Quickstart transformation left without connections is deleted: it models their data).
   */
  #forgetConnection(id: string): void {
    this.memberships.dropTarget(CONNECTION_MEMBERSHIPS, id);
    this.connections.remove(id);
    const drop = (holder: Record<string, unknown>): boolean => {
      const ids = holder.connection_ids;
      if (!Array.isArray(ids) || !ids.includes(id)) return false;
      holder.connection_ids = ids.filter((x) => x !== id);
      return true;
    };
    for (const t of [...this.transformations.all()]) {
      const inSchedule = drop(t.schedule);
      const inConfig = drop(t.config);
      if (
        (inSchedule || inConfig) && t.type === "QUICKSTART" &&
        (t.config.connection_ids as unknown[] | undefined)?.length === 0
      ) {
        this.transformations.remove(t.id);
      }
    }
  }

  // ---- transformations ----------------------------------------------------

  /** A transformation (settled) or 404. */
  transformation(id: string): TransformationRecord {
    const t = this.transformations.get(id);
    if (!t) throw notFound("Transformation", id);
    return this.settleTransformation(t);
  }

  /** Finish a due transformation run. */
  settleTransformation(t: TransformationRecord): TransformationRecord {
    if (t.run && this.now() >= t.run.endsAt) {
      t.status = t.failRuns ? "FAILED" : "SUCCEEDED";
      t.lastEndedAt = t.run.endsAt;
      this.#emitTransformation(
        t,
        t.failRuns ? "transformation_run_failed" : "transformation_run_succeeded",
        t.run.endsAt,
      );
      t.run = undefined;
    }
    return t;
  }

  /** Start a transformation run. */
  runTransformation(t: TransformationRecord): void {
    const now = this.now();
    t.status = "RUNNING";
    t.lastStartedAt = now;
    t.run = { startedAt: now, endsAt: now + this.syncMs };
    this.#running.add(t);
    this.#emitTransformation(t, "transformation_run_start", now);
  }

  #emitTransformation(t: TransformationRecord, event: string, at: number): void {
    const first = (t.schedule.connection_ids as string[] | undefined)?.[0];
    const groupId = first ? this.connections.get(first)?.groupId : undefined;
    this.emit({
      event,
      created: at,
      groupId,
      data: { transformation_id: t.id, status: t.status },
    });
  }

  // ---- others -------------------------------------------------------------

  /** A destination or 404. */
  destination(id: string): DestinationRecord {
    const d = this.destinations.get(id);
    if (!d) throw notFound("Destination", id);
    return d;
  }

  /** A user or 404. */
  user(id: string): UserRecord {
    const u = this.users.get(id);
    if (!u) throw notFound("User", id);
    return u;
  }

  /** A team or 404. */
  team(id: string): TeamRecord {
    const t = this.teams.get(id);
    if (!t) throw notFound("Team", id);
    return t;
  }

  /** A webhook or 404. */
  webhook(id: string): WebhookRecord {
    const w = this.webhooks.get(id);
    if (!w) throw notFound("Webhook", id);
    return w;
  }

  /** Delete a user and their memberships. */
  deleteUser(id: string): void {
    const user = this.user(id);
    // Fivetran: "You will be unable to delete an account owner user if there is only one remaining."
    const owner = "Account Administrator";
    if (user.role === owner && !this.users.all().some((u) => u.id !== id && u.role === owner)) {
      throw invalidInput(`User '${id}' is the account's last ${owner} and can't be deleted`);
    }
    this.memberships.dropOwner(["user-group", "user-connection"], id);
    this.memberships.dropTarget(["team-user"], id);
    this.users.remove(id);
  }

  /** Delete a team and its memberships. */
  deleteTeam(id: string): void {
    this.team(id);
    this.memberships.dropOwner(["team-user", "team-group", "team-connection"], id);
    this.teams.remove(id);
  }

  /** Throw 400 unless `role` is an account role. */
  checkAccountRole(role: unknown, field = "role"): void {
    if (role === undefined) return;
    if (typeof role !== "string" || !ACCOUNT_ROLES.includes(role)) {
      throw invalidInput(
        `Invalid ${field} '${String(role)}': expected one of ${ACCOUNT_ROLES.join(", ")}`,
      );
    }
  }
}

/**
 * Seed of a connection's generated schema config: its source (service, host,
 * port, database) when the config names one, so copies of one database see
 * the same schemas, else its id.
 *
 * @example Two copies of one source
 * ```ts
 * import { sourceSeed } from "./state.ts";
 * const cfg = { host: "db", port: 5432, database: "shop" };
 * sourceSeed("postgres", cfg, "a") === sourceSeed("postgres", cfg, "b"); // true
 * ```
 */
export function sourceSeed(service: string, config: Record<string, unknown>, id: string): number {
  const host = config.host ?? config.tunnel_host;
  if (typeof host !== "string" || host === "") return hashString(id);
  return hashString(`source:${service}:${host}:${config.port ?? ""}:${config.database ?? ""}`);
}

/**
 * A sync's id: stable for one connection and start time, shaped like a UUID.
 *
 * @example Using `syncId`
 * ```ts
 * import { syncId } from "./state.ts";
 * syncId("crimson_ledger", 0); // "xxxxxxxx-xxxx-4xxx-axxx-xxxxxxxxxxxx"
 * ```
 */
export function syncId(connectionId: string, startedAt: number): string {
  const h = hex(hashString(`sync:${connectionId}:${startedAt}`), 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Config fields an incomplete connection still lacks. */
export function missingFieldsFor(service: string, config: Record<string, unknown>): string[] {
  const info = getService(service);
  const wanted = info?.schemaFormat === "schema_prefix"
    ? ["host", "user", "password"]
    : info?.id === "s3"
    ? ["bucket"]
    : [];
  const missing = wanted.filter((f) => config[f] === undefined || config[f] === "");
  return missing.length ? missing : ["credentials"];
}

function hex(seed: number, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += (hashString(`${seed}:${i}`) >>> 0).toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

function b64(seed: number, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let out = "";
  for (let i = 0; out.length < length; i++) {
    let h = hashString(`${seed}/${i}`);
    for (let k = 0; k < 5; k++, h >>>= 6) out += alphabet[h & 63];
  }
  return out.slice(0, length);
}

/**
 * The TLS certificate a connection's source presents (deterministic per id).
 *
 * @example Using `makeCertificate`
 * ```ts
 * import { makeCertificate } from "./state.ts";
 * const cert = makeCertificate("crimson_ledger");
 * ```
 */
export function makeCertificate(id: string): TrustItem {
  const seed = hashString(`cert:${id}`);
  return {
    hash: hex(seed, 32),
    name: `CN=${id.replace(/_/g, "-")}.db.acme-corp.internal, O=Acme Corp`,
    type: "TLS",
    sha1: hex(seed + 1, 40),
    sha256: hex(seed + 2, 64),
    publicKey: `MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${b64(seed + 3, 48)}`,
  };
}

/**
 * The SSH host-key fingerprint a connection's tunnel presents.
 *
 * @example Using `makeFingerprint`
 * ```ts
 * import { makeFingerprint } from "./state.ts";
 * const fp = makeFingerprint("silent_tunnel");
 * ```
 */
export function makeFingerprint(id: string): TrustItem {
  const seed = hashString(`fp:${id}`);
  return {
    hash: hex(seed, 32),
    publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${b64(seed + 1, 43)} bastion@acme`,
  };
}
