/**
 * `GET /public/connector-types`: the metadata of every connection service the
 * spec knows, without authentication. The live endpoint answers every service
 * at once with `data` a plain array (clients written against it iterate
 * `data` directly), not a page; the spec documents a single object.
 *
 * The spec has no display names or categories: names and types are the
 * catalog's (`catalog.ts`), which curates some services and derives the
 * others from the id and the schema format in `spec_services.ts`.
 *
 * @module
 */

import { getService, type ServiceInfo } from "../catalog.ts";
import { type Handler, ok } from "../handler.ts";
import { specServiceIds } from "../spec_catalog.ts";

function metadataJson({ id, name, type }: ServiceInfo): Record<string, unknown> {
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
  cached ??= specServiceIds("connections").map((id) => metadataJson(getService(id)!));
  return ok(cached, "Connector metadata retrieved successfully");
};
