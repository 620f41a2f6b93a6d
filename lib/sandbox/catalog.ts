/**
 * The connector types the sandbox knows (`/v1/metadata/connector-types`):
 * their metadata, how their destination schema is named, realistic configs for
 * the demo account and the source tables their schema configs are made of.
 *
 * @module
 */

import type { Prng } from "./prng.ts";
import { specService, specServiceIds } from "./spec_catalog.ts";

/** How a service names its destination schema in `config`. */
export type SchemaFormat = "schema_prefix" | "schema" | "schema_table" | "schema_table_group";

/** One connector type. */
export interface ServiceInfo {
  /** Service id, e.g. `postgres`. */
  id: string;
  /** Display name. */
  name: string;
  /** Metadata type (`Database`, `Marketing`, ...). */
  type: string;
  /** How the destination schema is named. */
  schemaFormat: SchemaFormat;
  /** Title of the setup test that connects to the source. */
  connectTest: string;
  /** Whether the source has a TLS certificate / SSH tunnel to trust. */
  network: boolean;
  /** Source tables (`Table: Col1,Col2,...`; the first column is the primary key). */
  tables: readonly string[];
  /** Source schemas for database services (one per entry). */
  sourceSchemas?: readonly string[];
  /** Metadata description (default: generated from the name). */
  description?: string;
  /** Metadata `connector_class` (default `standard`). */
  connectorClass?: string;
}

const DB_TABLES = [
  "Orders: OrderID,CustomerID,OrderDate,ShipRegion,TotalAmount,Status",
  "OrderItems: OrderItemID,OrderID,ProductID,Quantity,UnitPrice",
  "Customers: CustomerID,FirstName,LastName,EmailAddress,CreatedAt",
  "Products: ProductID,ProductName,CategoryID,UnitPrice,IsDiscontinued",
  "Invoices: InvoiceID,OrderID,InvoiceDate,AmountDue,PaidAt",
  "Payments: PaymentID,InvoiceID,PaymentMethod,Amount,ReceivedAt",
  "Employees: EmployeeID,FullName,HireDate,DepartmentID,ManagerID",
  "Shipments: ShipmentID,OrderID,CarrierName,TrackingNumber,ShippedAt",
] as const;

const DB_SCHEMAS = ["public", "sales", "inventory", "billing", "hr"] as const;

const SERVICES: readonly ServiceInfo[] = [
  db("postgres", "PostgreSQL", 5432),
  db("postgres_rds", "Amazon RDS for PostgreSQL", 5432),
  db("aurora_postgres", "Aurora PostgreSQL", 5432),
  db("mysql", "MySQL", 3306),
  db("mysql_rds", "Amazon RDS for MySQL", 3306),
  db("sql_server", "SQL Server", 1433),
  db("oracle", "Oracle", 1521),
  db("snowflake_db", "Snowflake", 443),
  db("mongo", "MongoDB", 27017),
  app("salesforce", "Salesforce", "Sales", [
    "Account: Id,Name,Industry,AnnualRevenue,OwnerId,IsDeleted,CreatedDate",
    "Opportunity: Id,AccountId,StageName,Amount,CloseDate,IsWon",
    "Contact: Id,AccountId,FirstName,LastName,Email,MailingCountry",
    "Lead: Id,Company,Status,LeadSource,ConvertedDate",
    "User: Id,Username,Email,IsActive,ProfileId",
  ]),
  app("hubspot", "HubSpot", "Marketing", [
    "Company: CompanyId,Name,Domain,LifecycleStage,CreatedAt",
    "Contact: ContactId,Email,FirstName,LastName,CompanyId",
    "Deal: DealId,DealName,DealStage,Amount,CloseDate,OwnerId",
    "EmailEvent: EventId,EmailCampaignId,EventType,OccurredAt",
  ]),
  app("stripe", "Stripe", "Finance", [
    "Charge: Id,CustomerId,Amount,Currency,Status,Created",
    "Customer: Id,Email,Name,Delinquent,Created",
    "Invoice: Id,CustomerId,AmountDue,AmountPaid,Status,DueDate",
    "Subscription: Id,CustomerId,PlanId,Status,CurrentPeriodEnd",
    "BalanceTransaction: Id,Amount,Fee,Net,Type,AvailableOn",
  ]),
  app("google_ads", "Google Ads", "Marketing", [
    "CampaignStats: CampaignId,Date,Impressions,Clicks,CostMicros,Conversions",
    "AdGroupStats: AdGroupId,CampaignId,Date,Impressions,Clicks",
    "Campaign: CampaignId,CampaignName,Status,BudgetMicros",
  ]),
  app("facebook_ads", "Facebook Ads", "Marketing", [
    "BasicAd: AdId,AdName,Date,Impressions,Reach,Spend",
    "AdSet: AdSetId,CampaignId,Name,DailyBudget,Status",
  ]),
  app("linkedin_ads", "LinkedIn Ad Analytics", "Marketing", [
    "AdAnalyticsByCampaign: CampaignId,Day,Impressions,Clicks,CostInUsd",
    "CampaignHistory: CampaignId,Name,Status,LastModifiedTime",
  ]),
  app("shopify", "Shopify", "Sales", [
    "Order: Id,CustomerId,TotalPrice,FinancialStatus,ProcessedAt",
    "OrderLine: Id,OrderId,ProductId,Quantity,Price",
    "Product: Id,Title,Vendor,ProductType,CreatedAt",
    "Customer: Id,Email,OrdersCount,TotalSpent,State",
  ]),
  app("zendesk", "Zendesk Support", "Support", [
    "Ticket: Id,RequesterId,AssigneeId,Status,Priority,CreatedAt",
    "TicketComment: Id,TicketId,AuthorId,Body,CreatedAt",
    "User: Id,Name,Email,Role,OrganizationId",
  ]),
  app("jira", "Jira", "Engineering", [
    "Issue: Id,IssueKey,ProjectId,IssueType,StatusId,AssigneeId,Created",
    "Project: Id,ProjectKey,Name,LeadId",
    "Sprint: Id,BoardId,Name,StartDate,EndDate,State",
  ]),
  app("netsuite_suiteanalytics", "NetSuite SuiteAnalytics", "Finance", [
    "Transaction: TransactionId,TranDate,EntityId,Amount,Status",
    "Account: AccountId,AccountNumber,FullName,AccountType",
    "Subsidiary: SubsidiaryId,Name,Currency",
  ]),
  app("marketo", "Marketo", "Marketing", [
    "Lead: Id,Email,FirstName,LastName,LeadScore,UpdatedAt",
    "Activity: ActivityId,LeadId,ActivityTypeId,ActivityDate",
  ]),
  app("github", "GitHub", "Engineering", [
    "PullRequest: Id,RepositoryId,Number,State,MergedAt,UserId",
    "Commit: Sha,RepositoryId,AuthorEmail,CommittedAt",
    "Repository: Id,FullName,IsPrivate,DefaultBranch",
  ]),
  app("google_analytics_4", "Google Analytics 4", "Marketing", [
    "DailyActiveUsers: PropertyId,Date,ActiveUsers,NewUsers",
    "EventsReport: PropertyId,Date,EventName,EventCount",
  ]),
  app("intercom", "Intercom", "Support", [
    "Conversation: Id,AssigneeId,State,CreatedAt,UpdatedAt",
    "Contact: Id,Email,Role,SignedUpAt",
  ]),
  {
    ...app("workday", "Workday HCM Reports", "HumanResources", [
      "WorkerReport: WorkerID,LegalName,HireDate,CostCenter,ManagerID",
    ]),
    schemaFormat: "schema_table_group",
  },
  {
    ...app("connector_sdk", "Connector SDK", "Function", [
      "Events: EventID,Kind,Payload,ReceivedAt",
    ]),
    connectTest: "Validating the connector package",
  },
  file("s3", "Amazon S3"),
  file("gcs", "Google Cloud Storage"),
  { ...file("sftp", "SFTP"), network: true },
];

function db(id: string, name: string, _port: number): ServiceInfo {
  return {
    id,
    name,
    type: "Database",
    schemaFormat: "schema_prefix",
    connectTest: "Connecting to database",
    network: true,
    tables: DB_TABLES,
    sourceSchemas: DB_SCHEMAS,
  };
}

function app(
  id: string,
  name: string,
  type: string,
  tables: readonly string[],
): ServiceInfo {
  return {
    id,
    name,
    type,
    schemaFormat: "schema",
    connectTest: "Validating API access",
    network: false,
    tables,
  };
}

function file(id: string, name: string): ServiceInfo {
  return {
    id,
    name,
    type: "File",
    schemaFormat: "schema_table_group",
    connectTest: "Listing files",
    network: false,
    tables: ["Sales_Export: RowID,Region,ProductCode,UnitsSold,SaleDate"],
  };
}

const BY_ID = new Map(SERVICES.map((s) => [s.id, s]));

/** Metadata the live API reports for services outside the curated list (go-fivetran's e2e assertions). */
const KNOWN_METADATA: Record<string, Partial<ServiceInfo>> = {
  "15five": {
    name: "15Five",
    type: "HumanResources",
    description: "15Five is an employee performance management platform.",
    connectorClass: "lite",
  },
};

const FORMAT_NAMES: Record<string, SchemaFormat> = {
  S: "schema",
  T: "schema_table",
  P: "schema_prefix",
  G: "schema_table_group",
};

/** Display name from a service id: `sql_server_rds` → `Sql Server Rds`. */
function displayName(id: string): string {
  return id.split("_").map((w) => w ? w[0].toUpperCase() + w.slice(1) : w).join(" ");
}

const FROM_SPEC = new Map<string, ServiceInfo | null>();

/** A connection service the spec knows but the curated list doesn't, with generic tables. */
function fromSpec(id: string): ServiceInfo | undefined {
  let info = FROM_SPEC.get(id);
  if (info === undefined) {
    const spec = specService("connections", id);
    const format = FORMAT_NAMES[spec?.format ?? ""] ?? "schema";
    const database = format === "schema_prefix";
    const files = format === "schema_table_group" || format === "schema_table";
    info = spec
      ? {
        id,
        name: displayName(id),
        type: database ? "Database" : files ? "File" : "API",
        schemaFormat: format,
        connectTest: database ? "Connecting to database" : files ? "Listing files" : "Validating API access",
        network: database,
        tables: database
          ? DB_TABLES
          : files
          ? ["Records: RowID,Payload,ModifiedAt"]
          : ["Account: Id,Name,CreatedAt,UpdatedAt", "Event: Id,AccountId,Kind,OccurredAt", "User: Id,Email,Name"],
        sourceSchemas: database ? DB_SCHEMAS : undefined,
        ...KNOWN_METADATA[id],
      }
      : null;
    FROM_SPEC.set(id, info);
  }
  return info ?? undefined;
}

let ALL: readonly ServiceInfo[] | undefined;

/**
 * All connector types (the curated ones and every service of the spec), sorted by id as the live API lists them.
 *
 * @example List service ids
 * ```ts
 * import { listServices } from "./catalog.ts";
 * const ids = listServices().map((s) => s.id);
 * ```
 */
export function listServices(): readonly ServiceInfo[] {
  if (!ALL) {
    const ids = new Set([...specServiceIds("connections"), ...BY_ID.keys()]);
    ALL = [...ids].sort().map((id) => getService(id)!);
  }
  return ALL;
}

/**
 * One connector type, or undefined for an unknown service.
 *
 * @example Look up postgres
 * ```ts
 * import { getService } from "./catalog.ts";
 * const pg = getService("postgres");
 * ```
 */
export function getService(id: string): ServiceInfo | undefined {
  return BY_ID.get(id) ?? fromSpec(id);
}

/**
 * The destination schema a connection config names, or undefined when the
 * config lacks the field(s) its service needs.
 *
 * @example Database prefix
 * ```ts
 * import { getService, schemaNameFromConfig } from "./catalog.ts";
 * schemaNameFromConfig(getService("postgres")!, { schema_prefix: "shop" }); // "shop"
 * ```
 */
export function schemaNameFromConfig(
  service: ServiceInfo,
  config: Record<string, unknown>,
): string | undefined {
  const str = (k: string) => typeof config[k] === "string" && config[k] !== "" ? config[k] as string : undefined;
  switch (service.schemaFormat) {
    case "schema_prefix":
      return str("schema_prefix");
    case "schema":
      return str("schema");
    case "schema_table_group":
    case "schema_table": {
      const schema = str("schema");
      const table = service.schemaFormat === "schema_table" ? str("table") : str("table_group_name") ?? str("table");
      return schema && table ? `${schema}.${table}` : undefined;
    }
  }
}

/**
 * The config fields a service needs to name its destination schema.
 *
 * @example Using `schemaFields`
 * ```ts
 * import { getService, schemaFields } from "./catalog.ts";
 * schemaFields(getService("s3")!); // ["schema", "table_group_name"]
 * ```
 */
export function schemaFields(service: ServiceInfo): string[] {
  switch (service.schemaFormat) {
    case "schema_prefix":
      return ["schema_prefix"];
    case "schema":
      return ["schema"];
    case "schema_table_group":
      return ["schema", "table_group_name"];
    case "schema_table":
      return ["schema", "table"];
  }
}

/**
 * A realistic config for a demo connection of `service` (secrets included; the
 * API masks them on the way out).
 *
 * @example A postgres config
 * ```ts
 * import { demoConfig, getService } from "./catalog.ts";
 * import { createPrng } from "./prng.ts";
 * const cfg = demoConfig(getService("postgres")!, "shop", createPrng(1));
 * ```
 */
export function demoConfig(
  service: ServiceInfo,
  schema: string,
  rng: Prng,
): Record<string, unknown> {
  const word = schema.replace(/[^a-z0-9]+/g, "-");
  const secret = () => `s3cr3t-${rng.int(100000, 999999)}-${rng.int(1000, 9999)}`;
  const dbBase = (port: number, extra: Record<string, unknown>) => ({
    schema_prefix: schema,
    host: `${word}.db.acme-corp.internal`,
    port,
    database: rng.pick(["shop", "erp", "analytics", "core", "billing"]),
    user: "fivetran_reader",
    password: secret(),
    connection_type: "Directly",
    ...extra,
  });
  switch (service.id) {
    case "postgres":
    case "postgres_rds":
    case "aurora_postgres":
      return dbBase(5432, {
        update_method: "WAL_PGOUTPUT",
        replication_slot: `fivetran_${schema}_slot`,
        publication_name: `fivetran_${schema}_pub`,
        auth_method: "PASSWORD",
      });
    case "mysql":
    case "mysql_rds":
      return dbBase(3306, { update_method: "BINLOG", auth_method: "PASSWORD" });
    case "sql_server":
      return dbBase(1433, { update_method: "NATIVE_UPDATE" });
    case "oracle":
      return dbBase(1521, { update_method: "LOGMINER", pdb_name: "ORCLPDB1" });
    case "snowflake_db":
      return {
        schema_prefix: schema,
        host: `acme-${word}.snowflakecomputing.com`,
        port: 443,
        database: "RAW",
        user: "FIVETRAN_READER",
        role: "FIVETRAN_ROLE",
        auth: "KEY_PAIR",
        private_key: `-----BEGIN PRIVATE KEY-----${secret()}-----END PRIVATE KEY-----`,
        is_private_key_encrypted: false,
        connection_type: "Directly",
      };
    case "mongo":
      return {
        schema_prefix: schema,
        hosts: [`${word}-0.mongo.acme-corp.internal:27017`],
        user: "fivetran",
        password: secret(),
        connection_type: "Directly",
        packing_mode: "UseUnpackedModeOnly",
      };
    case "salesforce":
      return {
        schema,
        authentication_method: "STANDARD",
        api_usage_limit: 80,
        sync_formula_fields: true,
        private_key: secret(),
      };
    case "hubspot":
      return { schema, historical_sync_time_frame: "ALL_TIME", client_secret: secret() };
    case "stripe":
      return { schema, historical_sync_time_frame: "ALL_TIME", api_key: `sk_live_${secret()}` };
    case "google_ads":
      return {
        schema,
        customer_id: `${rng.int(100, 999)}-${rng.int(100, 999)}-${rng.int(1000, 9999)}`,
        sync_mode: "AllAccounts",
        timeframe_months: "TWELVE",
        conversion_window_size: 30,
      };
    case "facebook_ads":
    case "linkedin_ads":
      return { schema, sync_mode: "AllAccounts", timeframe_months: "TWELVE" };
    case "shopify":
      return {
        schema,
        shop: `acme-${word}`,
        api_access_token: `shpat_${secret()}`,
        historical_sync_time_frame: "ALL_TIME",
      };
    case "zendesk":
      return {
        schema,
        domain: "acme",
        email: "support-ops@acme-corp.example",
        api_token: secret(),
        historical_sync_time_frame: "ALL_TIME",
      };
    case "jira":
      return {
        schema,
        host: "acme.atlassian.net",
        port: 443,
        user: "data-team@acme-corp.example",
        password: secret(),
        auth_type: "BASIC",
        sync_mode: "ALL",
      };
    case "netsuite_suiteanalytics":
      return {
        schema,
        account: `${rng.int(1000000, 9999999)}`,
        host: "acme.connect.api.netsuite.com",
        port: 1708,
        role: "Data Warehouse Integrator",
        datasource: "NetSuite2.com",
        consumer_key: secret(),
        consumer_secret: secret(),
        token_key: secret(),
        token_secret: secret(),
      };
    case "marketo":
      return {
        schema,
        endpoint: "https://123-ABC-456.mktorest.com/rest",
        identity: "https://123-ABC-456.mktorest.com/identity",
        client_id: `mk-${rng.int(10000, 99999)}`,
        client_secret: secret(),
      };
    case "connector_sdk":
      return { schema, package_id: `pkg_${rng.int(100000, 999999)}`, python_version: "3.12" };
    case "github":
      return { schema, auth_mode: "OAuth", sync_mode: "AllRepositories" };
    case "google_analytics_4":
      return { schema, sync_mode: "ALL_ACCOUNTS", timeframe_months: "TWELVE" };
    case "intercom":
      return { schema, data_region: "eu" };
    case "workday": {
      const [s, t] = schema.split(".");
      return {
        schema: s,
        table_group_name: t,
        domain_host_name: "wd5-services1.myworkday.com",
        tenant: "acme",
        user_name: "ISU_Fivetran",
        password: secret(),
        auth_mode: "BASIC",
      };
    }
    case "s3":
    case "gcs":
    case "sftp": {
      const [s, t] = schema.split(".");
      const base: Record<string, unknown> = {
        schema: s,
        table_group_name: t,
        prefix: `exports/${t}/`,
        pattern: ".*\\.csv",
        file_type: "csv",
        compression: "infer",
        on_error: "fail",
        append_file_option: "upsert_file",
      };
      if (service.id === "s3") {
        return {
          ...base,
          bucket: `acme-${word.replace(/\./g, "-")}-exports`,
          auth_type: "IAM_ROLE",
          role_arn: `arn:aws:iam::${rng.int(100000000000, 999999999999)}:role/fivetran-s3`,
          connection_type: "Directly",
        };
      }
      if (service.id === "gcs") {
        return { ...base, bucket: `acme-${t}-exports`, auth_type: "FIVETRAN_SERVICE_ACCOUNT" };
      }
      return {
        ...base,
        host: "sftp.partner.example.com",
        port: 22,
        user: "acme",
        password: secret(),
        connection_method: "DIRECT",
      };
    }
    default:
      return { schema };
  }
}

/**
 * A demo destination config for a warehouse service.
 *
 * @example Using `demoDestinationConfig`
 * ```ts
 * import { demoDestinationConfig } from "./catalog.ts";
 * const cfg = demoDestinationConfig("snowflake", "PROD");
 * ```
 */
export function demoDestinationConfig(
  service: string,
  database: string,
): Record<string, unknown> {
  switch (service) {
    case "snowflake":
      return {
        host: "acme.eu-central-1.snowflakecomputing.com",
        port: 443,
        database,
        auth: "PASSWORD",
        user: "FIVETRAN_LOADER",
        password: "loader-pass-8841",
        role: "FIVETRAN_ROLE",
      };
    case "big_query":
      return {
        project_id: "acme-analytics",
        data_set_location: "EU",
        secret_key: '{"type":"service_account","private_key":"-----BEGIN..."}',
      };
    case "redshift":
      return {
        host: "acme-finance.abc123xyz.eu-west-1.redshift.amazonaws.com",
        port: 5439,
        database: database.toLowerCase(),
        user: "fivetran",
        password: "rs-pass-1207",
        connection_type: "Directly",
      };
    case "databricks":
      return {
        server_host_name: "adb-1234567890123456.7.azuredatabricks.net",
        port: 443,
        http_path: "/sql/1.0/warehouses/abc123def456",
        catalog: database.toLowerCase(),
        auth_type: "PERSONAL_ACCESS_TOKEN",
        personal_access_token: "dapi-0123456789abcdef",
      };
    default:
      return { database };
  }
}
