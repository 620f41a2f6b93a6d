/**
 * The built-in demo account: deterministic (same random seed, same account),
 * realistic, and big enough to need paging. The well-known ids are exported
 * as {@link DEMO} and described in README.md.
 *
 * @module
 */

import { demoConfig, demoDestinationConfig, getService } from "./catalog.ts";
import { createIdFactory } from "./ids.ts";
import { createPrng, type Prng } from "./prng.ts";
import type { SandboxSeed, SeedConnection } from "./types.ts";

/**
 * Well-known ids of the demo account, for docs, notebooks and tests.
 *
 * @example Sync the connection that always fails
 * ```ts
 * import { DEMO } from "./demo_account.ts";
 * const path = `/v1/connections/${DEMO.failingConnectionId}/sync`;
 * ```
 */
export const DEMO = {
  /** Account id (`GET /v1/account/info`). */
  accountId: "acme_corp",
  /** The API key's user, an Account Administrator. */
  userId: "grateful_owl",
  /** "Production" (Snowflake): the big group, ~70% of all connections (>200 by default). */
  bigGroupId: "rapid_harbor",
  /** "Marketing" (BigQuery). */
  marketingGroupId: "quiet_meadow",
  /** "Finance" (Redshift). */
  financeGroupId: "amber_falcon",
  /** "Data Science" (Databricks). */
  dataScienceGroupId: "brisk_lantern",
  /** "Sandbox" (Snowflake): a small group with exactly 3 connections. */
  smallGroupId: "hollow_cedar",
  /** postgres, broken: untrusted TLS certificate; passes `/test` with `trust_certificates: true`. */
  certBrokenConnectionId: "crimson_ledger",
  /** mysql over SSH, broken: untrusted host key; passes `/test` with `trust_fingerprints: true`. */
  fingerprintBrokenConnectionId: "silent_tunnel",
  /** sql_server, broken: bad password; keeps failing `/test` until `config.password` is patched. */
  credentialsBrokenConnectionId: "rusty_anchor",
  /** salesforce: last sync failed and every sync fails (`failed_at` newer than `succeeded_at`). */
  failingConnectionId: "stormy_beacon",
  /** hubspot: syncing at start-up, finishes after one sync duration. */
  syncingConnectionId: "swift_otter",
  /** postgres: long historical sync running at start-up (`is_historical_sync`). */
  historicalSyncConnectionId: "eager_badger",
  /** stripe: paused. */
  pausedConnectionId: "sleepy_walrus",
  /** google_ads: rescheduled (auto), resumes by itself 15 minutes after start-up. */
  rescheduledConnectionId: "patient_heron",
  /** zendesk: rescheduled with schedule_type manual: stays rescheduled until a sync is requested. */
  manualRescheduledConnectionId: "stuck_turtle",
  /** s3 in the small group: setup incomplete. */
  incompleteConnectionId: "blank_canvas",
  /** shopify in the small group: connected, with a warning. */
  warningConnectionId: "noisy_cricket",
  /** postgres `shop` in the small group: healthy; schema `sales` → `shop_sales`, `Orders.CustomerID` → `orders.customer_id`. */
  renamedConnectionId: "steady_orchard",
  /** Connector SDK connection (data science group) with a `/state` to read and patch. */
  sdkConnectionId: "nimble_gecko",
  /** dbt Core transformation whose runs succeed. */
  succeedingTransformationId: "bright_comet",
  /** dbt Core transformation whose runs fail. */
  failingTransformationId: "broken_compass",
  /** Account-level webhook. */
  webhookId: "loud_trumpet",
  /** The "Analytics Engineering" team. */
  teamId: "clever_guild",
} as const;

const GROUPS = [
  { id: DEMO.bigGroupId, name: "Production", service: "snowflake", region: "AWS_EU_CENTRAL_1", db: "PROD" },
  { id: DEMO.marketingGroupId, name: "Marketing", service: "big_query", region: "GCP_EUROPE_WEST3", db: "marketing" },
  { id: DEMO.financeGroupId, name: "Finance", service: "redshift", region: "AWS_EU_WEST_1", db: "FINANCE" },
  { id: DEMO.dataScienceGroupId, name: "Data Science", service: "databricks", region: "AZURE_WESTEUROPE", db: "ML" },
  { id: DEMO.smallGroupId, name: "Sandbox", service: "snowflake", region: "AWS_US_EAST_1", db: "SANDBOX" },
] as const;

const SERVICE_MIX: Record<string, readonly string[]> = {
  [DEMO.bigGroupId]: [
    "postgres",
    "postgres",
    "postgres_rds",
    "aurora_postgres",
    "mysql",
    "mysql_rds",
    "sql_server",
    "oracle",
    "mongo",
    "snowflake_db",
    "salesforce",
    "hubspot",
    "stripe",
    "shopify",
    "zendesk",
    "jira",
    "github",
    "intercom",
    "s3",
    "gcs",
    "sftp",
    "workday",
    "netsuite_suiteanalytics",
  ],
  [DEMO.marketingGroupId]: [
    "google_ads",
    "facebook_ads",
    "linkedin_ads",
    "google_analytics_4",
    "hubspot",
    "marketo",
    "salesforce",
  ],
  [DEMO.financeGroupId]: ["stripe", "netsuite_suiteanalytics", "postgres", "sql_server", "s3"],
  [DEMO.dataScienceGroupId]: ["postgres", "mysql", "mongo", "s3", "gcs", "snowflake_db"],
};

const SCHEMA_WORDS = [
  "orders",
  "billing",
  "crm",
  "erp",
  "emea",
  "apac",
  "us",
  "core",
  "legacy",
  "events",
  "app",
  "inventory",
  "payments",
  "support",
  "hr",
  "web",
  "mobile",
  "partners",
  "ledger",
  "catalog",
];

const SHORT: Record<string, string> = {
  postgres: "pg",
  postgres_rds: "pg_rds",
  aurora_postgres: "aurora",
  mysql: "mysql",
  mysql_rds: "mysql_rds",
  sql_server: "mssql",
  oracle: "oracle",
  mongo: "mongo",
  snowflake_db: "sf_source",
  netsuite_suiteanalytics: "netsuite",
  google_analytics_4: "ga4",
};

const USERS = [
  [DEMO.userId, "maya.chen@acme-corp.example", "Maya", "Chen", "Account Administrator"],
  ["jolly_puffin", "tom.becker@acme-corp.example", "Tom", "Becker", "Account Administrator"],
  ["keen_kestrel", "priya.natarajan@acme-corp.example", "Priya", "Natarajan", "Account Analyst"],
  ["mellow_marmot", "lucas.silva@acme-corp.example", "Lucas", "Silva", "Account Reviewer"],
  ["sunny_ibis", "amara.okafor@acme-corp.example", "Amara", "Okafor", "Account Analyst"],
  ["tidy_wombat", "jonas.berg@acme-corp.example", "Jonas", "Berg", "Account Reviewer"],
  ["witty_wren", "sofia.rossi@acme-corp.example", "Sofia", "Rossi", "Account Billing"],
  ["quiet_quail", "kenji.watanabe@acme-corp.example", "Kenji", "Watanabe", "Account Reviewer"],
] as const;

/** Options of the demo account. */
export interface DemoOptions {
  /** Total number of connections (default 300; at least the 14 well-known ones). */
  connections?: number;
  /** Seed of the generator (default 1). */
  randomSeed?: number;
}

/**
 * Generate the demo account as a fixture.
 *
 * @example Using `demoAccount`
 * ```ts
 * import { demoAccount } from "./demo_account.ts";
 * const seed = demoAccount({ connections: 1000, randomSeed: 7 });
 * ```
 */
export function demoAccount(options: DemoOptions = {}): SandboxSeed {
  const total = Math.max(options.connections ?? 300, 0);
  const rng = createPrng(options.randomSeed ?? 1);
  const ids = createIdFactory(rng.fork("ids"));
  for (const v of Object.values(DEMO)) ids.reserve(v);
  for (const u of USERS) ids.reserve(u[0]);

  const seed: SandboxSeed = {
    account: { id: DEMO.accountId, name: "Acme Corp", user_id: DEMO.userId },
    groups: GROUPS.map((g, i) => ({ id: g.id, name: g.name, created_at: `now-${700 - i * 90}d` })),
    destinations: GROUPS.map((g) => ({
      group_id: g.id,
      service: g.service,
      region: g.region,
      time_zone_offset: g.service === "big_query" ? "+1" : "0",
      setup_status: "CONNECTED" as const,
      config: demoDestinationConfig(g.service, g.db),
    })),
    users: USERS.map(([id, email, given, family, role], i) => ({
      id,
      email,
      given_name: given,
      family_name: family,
      role,
      active: i !== USERS.length - 1,
      groups: i < 3 ? [DEMO.bigGroupId, DEMO.smallGroupId] : [GROUPS[i % 4].id],
    })),
    teams: [
      {
        id: DEMO.teamId,
        name: "Analytics Engineering",
        description: "Owns dbt and the warehouse",
        role: "Account Analyst",
        users: [{ id: "keen_kestrel", role: "Team Manager" }, { id: "sunny_ibis" }, { id: "tidy_wombat" }],
        groups: [{ id: DEMO.bigGroupId, role: "Manage Destination" }, {
          id: DEMO.dataScienceGroupId,
          role: "View Destination",
        }],
        connections: [{ id: DEMO.failingConnectionId, role: "Manage Connection" }],
      },
      {
        id: "plucky_heron",
        name: "Marketing Ops",
        description: "Ads and CRM pipelines",
        role: "Account Reviewer",
        users: [{ id: "mellow_marmot" }],
        groups: [{ id: DEMO.marketingGroupId, role: "Edit Destination" }],
      },
      { id: "frugal_ledger", name: "Finance Data", description: "Finance reporting", role: "Account Reviewer" },
    ],
    webhooks: [
      {
        id: DEMO.webhookId,
        type: "account",
        url: "https://hooks.acme-corp.example/fivetran",
        events: ["sync_start", "sync_end", "connection_failure"],
        active: true,
        secret: "whsec-demo-3141",
      },
      {
        id: "brave_bison",
        type: "group",
        group_id: DEMO.bigGroupId,
        url: "https://alerts.acme-corp.example/prod-syncs",
        events: ["sync_end"],
        active: true,
      },
    ],
    transformations: [
      {
        id: DEMO.succeedingTransformationId,
        type: "DBT_CORE",
        name: "daily_revenue",
        output_model_names: ["fct_orders", "dim_customers", "daily_revenue"],
        connection_ids: [DEMO.renamedConnectionId],
      },
      {
        id: DEMO.failingTransformationId,
        type: "DBT_CORE",
        name: "marketing_attribution",
        status: "FAILED",
        fail_runs: true,
        output_model_names: ["attribution_touches", "campaign_roi"],
      },
      {
        id: "calm_quokka",
        type: "QUICKSTART",
        name: "salesforce",
        output_model_names: ["salesforce__opportunity_enhanced"],
        connection_ids: [DEMO.failingConnectionId],
      },
    ],
    connections: [],
  };

  const used = new Map<string, Set<string> & { counts: Map<string, number> }>(
    GROUPS.map((g) => [g.id, Object.assign(new Set<string>(), { counts: new Map<string, number>() })]),
  );
  const notable = notableConnections();
  for (const c of notable) used.get(c.group_id)!.add(c.schema!);

  const generated = Math.max(total - notable.length, 0);
  const others = [DEMO.marketingGroupId, DEMO.financeGroupId, DEMO.dataScienceGroupId];
  const bigShare = Math.round(total * 0.7) -
    notable.filter((c) => c.group_id === DEMO.bigGroupId).length;
  const conns: SeedConnection[] = [];
  for (let i = 0; i < generated; i++) {
    const groupId = i < bigShare ? DEMO.bigGroupId : others[i % others.length];
    conns.push(generateConnection(rng, ids.next(), groupId, used.get(groupId)!));
  }
  // Interleave the well-known connections so they don't all sit on page one.
  const step = Math.max(Math.floor(conns.length / (notable.length + 1)), 1);
  notable.forEach((c, i) => conns.splice(Math.min((i + 1) * step + i, conns.length), 0, c));
  seed.connections = conns;
  return seed;
}

function generateConnection(
  rng: Prng,
  id: string,
  groupId: string,
  used: Set<string> & { counts: Map<string, number> },
): SeedConnection {
  const service = getService(rng.pick(SERVICE_MIX[groupId]))!;
  const short = SHORT[service.id] ?? service.id;
  const word = rng.pick(SCHEMA_WORDS);
  const base = service.schemaFormat === "schema_table_group" ? `${short}.${word}_exports` : `${short}_${word}`;
  let schema = base;
  if (used.has(schema)) {
    const n = (used.counts.get(base) ?? 1) + 1;
    used.counts.set(base, n);
    schema = `${base}_${n}`;
    for (let k = n + 1; used.has(schema); k++) schema = `${base}_${k}`;
  }
  used.add(schema);
  const freq = rng.pick([15, 30, 60, 60, 180, 360, 360, 720, 1440]);
  const c: SeedConnection = {
    id,
    group_id: groupId,
    service: service.id,
    schema,
    config: demoConfig(service, schema, rng),
    sync_frequency: freq,
    created_at: `now-${rng.int(20, 700)}d`,
    succeeded_at: `now-${rng.int(2, freq)}m`,
  };
  const roll = rng.next();
  if (roll < 0.06) {
    c.paused = true;
    c.sync_state = "paused";
    c.succeeded_at = `now-${rng.int(3, 60)}d`;
  } else if (roll < 0.09) {
    c.sync_state = "syncing";
  } else if (roll < 0.11) {
    c.sync_state = "rescheduled";
    c.rescheduled_for = `now+${rng.int(5, 55)}m`;
  } else if (roll < 0.14) {
    c.setup_state = "broken";
    c.broken_by = service.network && rng.chance(0.6) ? "certificate" : "credentials";
    c.failed_at = `now-${rng.int(1, 48)}h`;
    c.succeeded_at = `now-${rng.int(3, 10)}d`;
  } else if (roll < 0.16) {
    c.setup_state = "incomplete";
    delete c.succeeded_at;
    c.paused = true;
  } else if (roll < 0.2) {
    c.fail_syncs = true;
    c.failed_at = `now-${rng.int(5, 120)}m`;
    c.succeeded_at = `now-${rng.int(1, 3)}d`;
  }
  if (rng.chance(0.05)) {
    c.warnings = [{
      code: "schema_change",
      message: "New columns were detected in the source and are not synced (ALLOW_COLUMNS off)",
    }];
  }
  if (service.network && c.setup_state !== "broken" && rng.chance(0.4)) {
    c.certificates = [`${id.replace(/_/g, "")}cafe`.slice(0, 16)];
  }
  return c;
}

function notableConnections(): SeedConnection[] {
  const rng = createPrng(20260105);
  const conf = (service: string, schema: string, extra: Record<string, unknown> = {}) => ({
    ...demoConfig(getService(service)!, schema, rng),
    ...extra,
  });
  return [
    {
      id: DEMO.certBrokenConnectionId,
      group_id: DEMO.bigGroupId,
      service: "postgres",
      schema: "pg_ledger",
      config: conf("postgres", "pg_ledger", { host: "ledger.db.acme-corp.internal" }),
      setup_state: "broken",
      broken_by: "certificate",
      succeeded_at: "now-3d",
      failed_at: "now-40m",
      warnings: [{
        code: "certificate_untrusted",
        message: "The server presented a certificate that has not been approved",
      }],
    },
    {
      id: DEMO.fingerprintBrokenConnectionId,
      group_id: DEMO.bigGroupId,
      service: "mysql",
      schema: "mysql_tunnel",
      config: conf("mysql", "mysql_tunnel", {
        connection_type: "SshTunnel",
        tunnel_host: "bastion.acme-corp.example",
        tunnel_port: 22,
        tunnel_user: "fivetran",
      }),
      setup_state: "broken",
      broken_by: "fingerprint",
      succeeded_at: "now-5d",
      failed_at: "now-2h",
    },
    {
      id: DEMO.credentialsBrokenConnectionId,
      group_id: DEMO.financeGroupId,
      service: "sql_server",
      schema: "mssql_gl",
      config: conf("sql_server", "mssql_gl"),
      setup_state: "broken",
      broken_by: "credentials",
      succeeded_at: "now-8d",
      failed_at: "now-1h",
    },
    {
      id: DEMO.failingConnectionId,
      group_id: DEMO.bigGroupId,
      service: "salesforce",
      schema: "salesforce",
      config: conf("salesforce", "salesforce"),
      fail_syncs: true,
      succeeded_at: "now-2d",
      failed_at: "now-25m",
      warnings: [{
        code: "api_limit",
        message: "Salesforce API usage limit reached; the last sync was interrupted",
      }],
    },
    {
      id: DEMO.syncingConnectionId,
      group_id: DEMO.bigGroupId,
      service: "hubspot",
      schema: "hubspot",
      config: conf("hubspot", "hubspot"),
      sync_state: "syncing",
      succeeded_at: "now-6h",
    },
    {
      id: DEMO.historicalSyncConnectionId,
      group_id: DEMO.dataScienceGroupId,
      service: "postgres",
      schema: "pg_events",
      config: conf("postgres", "pg_events"),
      sync_state: "syncing",
      is_historical_sync: true,
      sync_seconds: 6 * 3600,
      created_at: "now-1h",
    },
    {
      id: DEMO.sdkConnectionId,
      group_id: DEMO.dataScienceGroupId,
      service: "connector_sdk",
      schema: "sdk_events",
      config: conf("connector_sdk", "sdk_events"),
      succeeded_at: "now-20m",
      state: { cursor: "2026-01-04T00:00:00Z", pages_synced: 1240 },
    },
    {
      id: DEMO.pausedConnectionId,
      group_id: DEMO.bigGroupId,
      service: "stripe",
      schema: "stripe",
      config: conf("stripe", "stripe"),
      paused: true,
      sync_state: "paused",
      succeeded_at: "now-12d",
    },
    {
      id: DEMO.rescheduledConnectionId,
      group_id: DEMO.marketingGroupId,
      service: "google_ads",
      schema: "google_ads",
      config: conf("google_ads", "google_ads"),
      sync_state: "rescheduled",
      rescheduled_for: "now+15m",
      succeeded_at: "now-7h",
    },
    {
      id: DEMO.manualRescheduledConnectionId,
      group_id: DEMO.bigGroupId,
      service: "zendesk",
      schema: "zendesk",
      config: conf("zendesk", "zendesk"),
      schedule_type: "manual",
      sync_state: "rescheduled",
      rescheduled_for: "now+5m",
      succeeded_at: "now-1d",
    },
    {
      id: DEMO.incompleteConnectionId,
      group_id: DEMO.smallGroupId,
      service: "s3",
      schema: "files.partner_drop",
      config: {
        schema: "files",
        table_group_name: "partner_drop",
        auth_type: "IAM_ROLE",
        file_type: "csv",
      },
      setup_state: "incomplete",
      paused: true,
    },
    {
      id: DEMO.warningConnectionId,
      group_id: DEMO.smallGroupId,
      service: "shopify",
      schema: "shopify",
      config: conf("shopify", "shopify"),
      succeeded_at: "now-35m",
      warnings: [{
        code: "permissions",
        message: "Fivetran lacks read_customers scope; the Customer table is skipped",
        details: "Re-authorize the app with the read_customers scope",
      }],
    },
    {
      id: DEMO.renamedConnectionId,
      group_id: DEMO.smallGroupId,
      service: "postgres",
      schema: "shop",
      config: conf("postgres", "shop", { host: "shop.db.acme-corp.internal", database: "shop" }),
      sync_frequency: 60,
      succeeded_at: "now-12m",
      certificates: ["5f1d0c3a9b7e2f44"],
      schemas: {
        sales: {
          tables: {
            Orders: {
              columns: {
                OrderID: { is_primary_key: true },
                CustomerID: {},
                OrderDate: {},
                ShipRegion: {},
                TotalAmount: {},
              },
            },
            OrderItems: {
              columns: {
                OrderItemID: { is_primary_key: true },
                OrderID: {},
                ProductID: {},
                Quantity: {},
                UnitPrice: {},
              },
            },
            Customers: {
              columns: {
                CustomerID: { is_primary_key: true },
                FirstName: {},
                LastName: {},
                EmailAddress: { hashed: true },
                CreatedAt: {},
              },
            },
            AuditLog: {
              enabled: false,
              columns: { AuditLogID: { is_primary_key: true }, ChangedAt: {}, Payload: {} },
            },
          },
        },
        public: {
          tables: {
            Products: {
              columns: {
                ProductID: { is_primary_key: true },
                ProductName: {},
                UnitPrice: {},
                IsDiscontinued: {},
              },
            },
          },
        },
      },
    },
  ];
}
