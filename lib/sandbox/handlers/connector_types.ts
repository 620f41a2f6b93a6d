/**
 * `GET /public/connector-types`: the metadata of every connection service the
 * spec knows, without authentication. The live endpoint answers every service
 * at once with `data` a plain array (clients written against it iterate
 * `data` directly), not a page; the spec documents a single object.
 *
 * The spec has no display names or categories: services the sandbox's catalog
 * knows use its names and types; the others get a name made from the id and a
 * type guessed from the id and schema format.
 *
 * @module
 */

import { getService } from "../catalog.ts";
import { SPEC_SERVICES, type SpecSchemaFormat } from "../connector_types_data.ts";
import { type Handler, ok } from "../handler.ts";

const UPPER = new Set([
  "ads",
  "ai",
  "api",
  "aws",
  "crm",
  "db",
  "dsp",
  "erp",
  "ftp",
  "gcs",
  "hr",
  "hcm",
  "io",
  "lms",
  "msk",
  "rds",
  "s3",
  "sdk",
  "sftp",
  "sql",
  "ssh",
  "uk",
  "us",
]);

/**
 * A display name made from a service id, e.g. `google_ads` → `Google Ads`.
 *
 * @example Using `displayName`
 * ```ts
 * import { displayName } from "./connector_types.ts";
 * displayName("aws_cloudtrail"); // "AWS Cloudtrail"
 * ```
 */
export function displayName(id: string): string {
  const known = getService(id);
  if (known) return known.name;
  return id.split("_").filter(Boolean).map((w) =>
    w === "ads" ? "Ads" : UPPER.has(w) ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1)
  ).join(" ");
}

const TYPE_HINTS: readonly [RegExp, string][] = [
  [/ads|adwords|advert|campaign|marketing|mail|analytics|seo|social|tiktok|facebook|instagram|twitter/, "Marketing"],
  [/salesforce|crm|sales|shop|commerce|hubspot|pipedrive/, "Sales"],
  [/stripe|pay|billing|invoice|account|finance|netsuite|quickbooks|xero|expense/, "Finance"],
  [/hr|hcm|workday|bamboo|payroll|recruit|greenhouse|lever|people/, "HumanResources"],
  [/zendesk|support|intercom|freshdesk|helpdesk|ticket/, "Support"],
  [/github|gitlab|jira|jenkins|circleci|sentry|pagerduty|datadog/, "Engineering"],
  [/log|trail|audit/, "Log"],
  [/webhook|event|segment|snowplow|kafka|kinesis|pubsub/, "Events"],
  [/function|lambda|sdk/, "Function"],
];

/**
 * The metadata `type` of a service: the catalog's, or a guess.
 *
 * @example Using `serviceType`
 * ```ts
 * import { serviceType } from "./connector_types.ts";
 * serviceType("mysql_azure", "schema_prefix"); // "Database"
 * ```
 */
export function serviceType(id: string, format: SpecSchemaFormat): string {
  const known = getService(id);
  if (known) return known.type;
  if (format === "schema_prefix") return "Database";
  if (format === "schema_table" || format === "schema_table_group") return "File";
  return TYPE_HINTS.find(([re]) => re.test(id))?.[1] ?? "API";
}

function metadataJson(id: string, format: SpecSchemaFormat): Record<string, unknown> {
  const name = displayName(id);
  const type = serviceType(id, format);
  const icon = `https://fivetran.com/integrations/${id}/resources/${id}.svg`;
  return {
    id,
    name,
    type,
    description: `${name} ${type === "Database" ? "database" : "connector"} (sandbox metadata)`,
    icon_url: icon,
    icons: [icon, icon.replace(/\.svg$/, ".png")],
    link_to_docs: `https://fivetran.com/docs/connectors/${id}`,
    link_to_erd: `https://fivetran.com/docs/connectors/${id}#schemainformation`,
    connector_class: "standard",
    service_status: "general_availability",
    service_status_updated_at: "2024-01-01T00:00:00Z",
    supported_features: [
      { id: "API_CONFIGURABLE" },
      { id: "COLUMN_HASHING" },
      { id: "DATA_BLOCKING" },
      { id: "RE_SYNC" },
      ...(type === "Database" ? [{ id: "CAPTURE_DELETES" }, { id: "HISTORY" }, { id: "PRIVATE_NETWORKING" }] : []),
    ],
  };
}

let cached: Record<string, unknown>[] | undefined;

/** GET /public/connector-types (no authentication). */
export const publicConnectorTypes: Handler = () => {
  cached ??= SPEC_SERVICES.map(([id, format]) => metadataJson(id, format));
  return ok(cached, "Connector metadata retrieved successfully");
};
