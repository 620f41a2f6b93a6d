/**
 * Record and fixture types of the sandbox's in-memory Fivetran account.
 * Timestamps are epoch milliseconds inside the state; fixtures (`--seed FILE`)
 * may also write them as ISO strings or as `now-2h` / `now+15m` offsets.
 *
 * @module
 */

/** Setup state of a connection (`status.setup_state`). */
export type SetupState = "incomplete" | "connected" | "broken";
/** Sync state of a connection (`status.sync_state`). */
export type SyncState = "scheduled" | "syncing" | "paused" | "rescheduled";
/** Why a broken connection is broken; decides how its setup tests answer. */
export type BrokenReason = "certificate" | "fingerprint" | "credentials";

/** A TLS certificate or SSH host-key fingerprint a connection presents. */
export interface TrustItem {
  /** Hash the API uses as the item's id in paths. */
  hash: string;
  /** Base64 public key. */
  publicKey: string;
  /** Certificate name (certificates only). */
  name?: string;
  /** Certificate type, e.g. `TLS` (certificates only). */
  type?: string;
  /** SHA-1 digest (certificates only). */
  sha1?: string;
  /** SHA-256 digest (certificates only). */
  sha256?: string;
  /** When it was approved, once approved. */
  validatedDate?: number;
  /** Who approved it, once approved. */
  validatedBy?: string;
}

/** A column in a connection's schema config. */
export interface ColumnRecord {
  /** Name in the destination. */
  nameInDestination: string;
  /** Whether the column syncs. */
  enabled: boolean;
  /** Whether the column is hashed. */
  hashed: boolean;
  /** Whether the column is part of the primary key. */
  isPrimaryKey: boolean;
}

/** A table in a connection's schema config. */
export interface TableRecord {
  /** Name in the destination. */
  nameInDestination: string;
  /** Whether the table syncs. */
  enabled: boolean;
  /** `SOFT_DELETE` | `HISTORY` | `LIVE`. */
  syncMode: string;
  /** Whether Fivetran lets the user disable it (system tables: no). */
  patchAllowed: boolean;
  /** Columns by source name. */
  columns: Map<string, ColumnRecord>;
}

/** A source schema in a connection's schema config. */
export interface SchemaRecord {
  /** Name in the destination. */
  nameInDestination: string;
  /** Whether the schema syncs. */
  enabled: boolean;
  /** Tables by source name. */
  tables: Map<string, TableRecord>;
}

/** A connection's schema config (`GET /v1/connections/{id}/schemas`). */
export interface SchemaConfigRecord {
  /** `ALLOW_ALL` | `ALLOW_COLUMNS` | `BLOCK_ALL`. */
  schemaChangeHandling: string;
  /** Schemas by source name. */
  schemas: Map<string, SchemaRecord>;
}

/** A running sync. */
export interface SyncRun {
  /** When the sync started. */
  startedAt: number;
  /** When it will end. */
  endsAt: number;
  /** Whether it ends with `failed_at` instead of `succeeded_at`. */
  fails: boolean;
}

/** A connection (formerly "connector"). */
export interface ConnectionRecord {
  /** Creation order, used for stable paging. */
  seq: number;
  /** Id. */
  id: string;
  /** Id of the group. */
  groupId: string;
  /** Service id, e.g. `postgres`. */
  service: string;
  /** Destination schema (or prefix, or `schema.table` for file connectors). */
  schema: string;
  /** Creation time (epoch ms). */
  createdAt: number;
  /** Id of the user who created it. */
  connectedBy: string;
  /** Whether it is paused. */
  paused: boolean;
  /** Pause when the trial ends. */
  pauseAfterTrial: boolean;
  /** Minutes between syncs. */
  syncFrequency: number;
  /** `auto` or `manual`. */
  scheduleType: "auto" | "manual";
  /** Delay notification level. */
  dataDelaySensitivity: string;
  /** Custom delay threshold (minutes). */
  dataDelayThreshold: number;
  /** `HH:00` for daily syncs. */
  dailySyncTime?: string;
  /** How Fivetran connects. */
  networkingMethod: string;
  /** Connector version. */
  serviceVersion: number;
  /** Configuration (secrets unmasked in state). */
  config: Record<string, unknown>;
  /** Setup state. */
  setupState: SetupState;
  /** Broken reason. */
  brokenReason?: BrokenReason;
  /** Config fields still missing while `incomplete`. */
  missingFields: string[];
  /** Last successful sync end (epoch ms). */
  succeededAt?: number;
  /** Last failed sync end (epoch ms). */
  failedAt?: number;
  /** Whether syncs of this connection fail (seeded failure). */
  failSyncs: boolean;
  /** The running sync, if any. */
  sync?: SyncRun;
  /** When a rescheduled sync resumes (epoch ms). */
  rescheduledFor?: number;
  /** Whether a historical (full) sync is running. */
  isHistoricalSync: boolean;
  /** `on_schedule` or `delayed`. */
  updateState: "on_schedule" | "delayed";
  /** Warnings shown in status. */
  warnings: { code: string; message: string; details?: string }[];
  /** The certificate the source presents (cert-broken connections: untrusted). */
  presentedCertificate?: TrustItem;
  /** The SSH host key the tunnel presents (fingerprint-broken connections: untrusted). */
  presentedFingerprint?: TrustItem;
  /** Approved certificates by hash. */
  certificates: Map<string, TrustItem>;
  /** Approved fingerprints by hash. */
  fingerprints: Map<string, TrustItem>;
  /** Schema config; created lazily on first use. */
  schemaConfig?: SchemaConfigRecord;
  /** Seed for the lazily generated schema config. */
  schemaSeed: number;
  /** Connector SDK / function state (`/state`). */
  state?: Record<string, unknown>;
}

/** A group (one destination, many connections). */
export interface GroupRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Name. */
  name: string;
  /** Creation time (epoch ms). */
  createdAt: number;
}

/** A destination; its id is its group's id, as in Fivetran. */
export interface DestinationRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Id of the group. */
  groupId: string;
  /** Service id, e.g. `postgres`. */
  service: string;
  /** Region. */
  region: string;
  /** Time zone offset, e.g. `+1`. */
  timeZoneOffset: string;
  /** Setup status. */
  setupStatus: "INCOMPLETE" | "CONNECTED" | "BROKEN";
  /** Whether DST applies. */
  daylightSavingTimeEnabled: boolean;
  /** How Fivetran connects. */
  networkingMethod: string;
  /** Configuration (secrets unmasked in state). */
  config: Record<string, unknown>;
  /** Creation time (epoch ms). */
  createdAt: number;
}

/** A user of the account. */
export interface UserRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Email address. */
  email: string;
  /** Given name. */
  givenName: string;
  /** Family name. */
  familyName: string;
  /** Role name. */
  role: string;
  /** Whether the user is active. */
  active: boolean;
  /** Whether the email is verified. */
  verified: boolean;
  /** Whether the user is only invited. */
  invited: boolean;
  /** Phone number. */
  phone?: string;
  /** Picture URL. */
  picture?: string;
  /** Creation time (epoch ms). */
  createdAt: number;
  /** Last login (epoch ms); none for an invited user. */
  loggedInAt?: number;
}

/** A team. */
export interface TeamRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** Role name. */
  role: string;
}

/** A webhook (account- or group-level). */
export interface WebhookRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Type. */
  type: "account" | "group";
  /** Id of the group. */
  groupId?: string;
  /** Target URL (https). */
  url: string;
  /** Event names. */
  events: string[];
  /** Whether the user is active. */
  active: boolean;
  /** Signing secret. */
  secret?: string;
  /** Creation time (epoch ms). */
  createdAt: number;
  /** Id of the creating user. */
  createdBy: string;
}

/** A transformation (dbt Core or Quickstart). */
export interface TransformationRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Type. */
  type: "DBT_CORE" | "QUICKSTART";
  /** Status, e.g. `SUCCEEDED`. */
  status: string;
  /** Whether it is paused. */
  paused: boolean;
  /** Schedule object as the API shows it. */
  schedule: Record<string, unknown>;
  /** Creation time (epoch ms). */
  createdAt: number;
  /** Id of the creating user. */
  createdById: string;
  /** Last run start (epoch ms). */
  lastStartedAt?: number;
  /** Last run end (epoch ms). */
  lastEndedAt?: number;
  /** dbt models it builds. */
  outputModelNames: string[];
  /** Whether runs of this transformation fail. */
  failRuns: boolean;
  /** The running run, if any. */
  run?: { startedAt: number; endsAt: number };
  /** Configuration (secrets unmasked in state). */
  config: Record<string, unknown>;
}

/** A role (read-only). */
export interface RoleRecord {
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** Resources the role manages. */
  scope: string[];
  /** Whether it is a custom role. */
  isCustom: boolean;
  /** Whether it is deprecated. */
  isDeprecated: boolean;
  /** Role replacing a deprecated one. */
  replacementRoleName?: string;
}

/** A time in a fixture: epoch ms, ISO string, or `now`, `now-2h`, `now+15m`. */
export type SeedTime = number | string;

/** Column of a fixture schema config. */
export interface SeedColumn {
  /** Name in the destination (default: snake_case of the source name). */
  name_in_destination?: string;
  /** Whether it syncs (default true). */
  enabled?: boolean;
  /** Whether the column is hashed. */
  hashed?: boolean;
  /** Whether the column is part of the primary key. */
  is_primary_key?: boolean;
}

/** Table of a fixture schema config. */
export interface SeedTable {
  /** Name in the destination (default: snake_case of the source name). */
  name_in_destination?: string;
  /** Whether it syncs (default true). */
  enabled?: boolean;
  /** `SOFT_DELETE`, `HISTORY` or `LIVE`. */
  sync_mode?: string;
  /** Whether the table may be disabled (default true; false for system tables). */
  patch_allowed?: boolean;
  /** Columns by source name. */
  columns?: Record<string, SeedColumn>;
}

/** Schema of a fixture schema config. */
export interface SeedSchema {
  /** Name in the destination (default: snake_case of the source name). */
  name_in_destination?: string;
  /** Whether it syncs (default true). */
  enabled?: boolean;
  /** Tables by source name. */
  tables?: Record<string, SeedTable>;
}

/** A connection in a fixture. Only `id`, `group_id` and `service` are required. */
export interface SeedConnection {
  /** Id. */
  id: string;
  /** Id of the group. */
  group_id: string;
  /** Service id, e.g. `postgres`. */
  service: string;
  /** Destination schema name. */
  schema?: string;
  /** Configuration (secrets unmasked in state). */
  config?: Record<string, unknown>;
  /** Whether it is paused. */
  paused?: boolean;
  /** Minutes between syncs (default 360). */
  sync_frequency?: number;
  /** `auto` (default) or `manual`. */
  schedule_type?: "auto" | "manual";
  /** Setup state (default `connected`). */
  setup_state?: SetupState;
  /** For `broken` connections: what is wrong (default `credentials`). */
  broken_by?: BrokenReason;
  /** `syncing` starts a sync at load time; `rescheduled` needs `rescheduled_for`. */
  sync_state?: SyncState;
  /** Make every sync of this connection fail. */
  fail_syncs?: boolean;
  /** Last successful sync. */
  succeeded_at?: SeedTime;
  /** Last failed sync. */
  failed_at?: SeedTime;
  /** When the rescheduled sync resumes. */
  rescheduled_for?: SeedTime;
  /** Creation time. */
  created_at?: SeedTime;
  /** Id of the creating user. */
  connected_by?: string;
  /** Whether the running sync is historical. */
  is_historical_sync?: boolean;
  /** Length of the running sync for `sync_state: syncing` (seconds). */
  sync_seconds?: number;
  /** Warnings shown in status. */
  warnings?: { code: string; message: string; details?: string }[];
  /** Explicit schema config; generated from the service otherwise. */
  schemas?: Record<string, SeedSchema>;
  /** `ALLOW_ALL`, `ALLOW_COLUMNS` (default) or `BLOCK_ALL`, with `schemas`. */
  schema_change_handling?: string;
  /** Pause when the trial ends. */
  pause_after_trial?: boolean;
  /** `LOW`, `NORMAL` (default), `HIGH`, `CUSTOM` or `SYNC_FREQUENCY`. */
  data_delay_sensitivity?: string;
  /** Custom delay threshold (minutes). */
  data_delay_threshold?: number;
  /** `HH:00` for daily syncs. */
  daily_sync_time?: string;
  /** How Fivetran connects (default `Directly`). */
  networking_method?: string;
  /** Connector SDK state (`GET /v1/connections/{id}/state`); SDK connections only. */
  state?: Record<string, unknown>;
  /** Approved certificates/fingerprints, by hash. */
  certificates?: string[];
  /** Approved fingerprints by hash. */
  fingerprints?: string[];
}

/** An account fixture for `--seed FILE` / `startSandbox({ seed })`. */
export interface SandboxSeed {
  /** Account info. */
  account?: { id?: string; name?: string; user_id?: string };
  /** Groups. */
  groups?: { id: string; name: string; created_at?: SeedTime }[];
  /** Destinations (one per group). */
  destinations?: {
    group_id: string;
    service: string;
    region?: string;
    time_zone_offset?: string;
    setup_status?: "INCOMPLETE" | "CONNECTED" | "BROKEN";
    daylight_saving_time_enabled?: boolean;
    networking_method?: string;
    config?: Record<string, unknown>;
  }[];
  /** Connections. */
  connections?: SeedConnection[];
  /** Users. */
  users?: {
    id: string;
    email: string;
    given_name?: string;
    family_name?: string;
    role?: string;
    active?: boolean;
    /** Groups the user belongs to as Destination Administrator (see `group_users` for other roles). */
    groups?: string[];
    phone?: string;
    picture?: string;
    /** Invited, not yet logged in (no `logged_in_at`). */
    invited?: boolean;
    verified?: boolean;
    created_at?: SeedTime;
    logged_in_at?: SeedTime;
  }[];
  /** Group memberships with a role. */
  group_users?: { group_id: string; user_id: string; role: string }[];
  /** Teams. */
  teams?: { id: string; name: string; description?: string; role?: string }[];
  /** Webhooks. */
  webhooks?: {
    id: string;
    type: "account" | "group";
    group_id?: string;
    url: string;
    events: string[];
    active?: boolean;
    secret?: string;
    created_at?: SeedTime;
  }[];
  /** Transformations. */
  transformations?: {
    id: string;
    type?: "DBT_CORE" | "QUICKSTART";
    status?: string;
    paused?: boolean;
    fail_runs?: boolean;
    output_model_names?: string[];
    connection_ids?: string[];
    name?: string;
  }[];
}
