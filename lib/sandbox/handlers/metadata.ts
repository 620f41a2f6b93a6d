/**
 * Account info, roles and connector types.
 *
 * @module
 */

import { getService, listServices, type ServiceInfo } from "../catalog.ts";
import { ApiError } from "../errors.ts";
import { type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { roleJson } from "../views.ts";

/** GET /v1/account/info. */
export const accountInfo: Handler = ({ state }) =>
  ok({
    account_id: state.account.id,
    account_name: state.account.name,
    user_id: state.account.userId,
  }, "Account information retrieved successfully");

/** GET /v1/roles. */
export const listRoles: Handler = ({ state, query }) => {
  const page = paginate(state.roles.map((r, i) => ({ seq: i + 1, r })), "roles", query);
  return list(page.items.map((x) => roleJson(x.r)), page.nextCursor);
};

function shortJson(s: ServiceInfo): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    description: `${s.name} connector (sandbox)`,
    icon_url: `https://fivetran.com/integrations/${s.id}/resources/${s.id}.svg`,
    icons: [`https://fivetran.com/integrations/${s.id}/resources/${s.id}.svg`],
    link_to_docs: `https://fivetran.com/docs/connectors/${s.id}`,
    connector_class: "standard",
    service_status: "general_availability",
    supported_features: [
      { id: "RE_SYNC" },
      { id: "COLUMN_HASHING" },
      { id: "DATA_BLOCKING" },
      { id: "API_CONFIGURABLE" },
      ...(s.type === "Database" ? [{ id: "CAPTURE_DELETES" }, { id: "HISTORY" }] : []),
    ],
  };
}

/** GET /v1/metadata/connector-types. */
export const listConnectorTypes: Handler = ({ query }) => {
  const page = paginate(listServices().map((s, i) => ({ seq: i + 1, s })), "connector-types", query);
  return list(page.items.map((x) => shortJson(x.s)), page.nextCursor);
};

/** GET /v1/metadata/connector-types/{service}. */
export const connectorTypeDetails: Handler = ({ params }) => {
  const s = getService(params.service);
  if (!s) {
    throw new ApiError(404, "NotFound_Service", `Connector type '${params.service}' doesn't exist`);
  }
  const schemaField = s.schemaFormat === "schema_prefix"
    ? { schema_prefix: { type: "string", description: "Destination schema prefix" } }
    : s.schemaFormat === "schema"
    ? { schema: { type: "string", description: "Destination schema name" } }
    : {
      schema: { type: "string", description: "Destination schema name" },
      table_group_name: { type: "string", description: "Destination table group" },
    };
  return ok({
    ...shortJson(s),
    config: { type: "object", properties: schemaField },
    auth: { type: "object", properties: {} },
  });
};
