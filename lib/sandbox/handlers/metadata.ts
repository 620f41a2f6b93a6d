/**
 * Account info, roles and connector types.
 *
 * @module
 */

import { getService, listServices, schemaFields, type ServiceInfo } from "../catalog.ts";
import { type FieldCode, specService } from "../spec_catalog.ts";
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

const SERVICE_STATUS_UPDATED_AT = "2024-01-15T00:00:00.000Z";

function shortJson(s: ServiceInfo): Record<string, unknown> {
  const icon = `https://fivetran.com/integrations/${s.id}/resources/${s.id}.svg`;
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    description: s.description ?? `${s.name} connector (sandbox)`,
    icon_url: icon,
    icons: [icon, `https://fivetran.com/integrations/${s.id}/resources/${s.id}.png`],
    link_to_docs: `https://fivetran.com/docs/connectors/${s.id}`,
    link_to_erd: `https://fivetran.com/docs/connectors/${s.id}#schemainformation`,
    connector_class: s.connectorClass ?? "standard",
    service_status: "general_availability",
    service_status_updated_at: SERVICE_STATUS_UPDATED_AT,
    supported_features: [
      { id: "RE_SYNC" },
      { id: "COLUMN_HASHING" },
      { id: "DATA_BLOCKING" },
      { id: "API_CONFIGURABLE" },
      ...(s.type === "Database" ? [{ id: "CAPTURE_DELETES" }, { id: "HISTORY" }] : []),
    ],
  };
}

/** A JSON schema (as the metadata endpoint shows it) from a field code of the spec. */
function propertySchema(code: FieldCode, name: string): Record<string, unknown> {
  const base = { description: name, readonly: false };
  if (Array.isArray(code)) return { type: "string", ...base, enum: [...code] };
  if (typeof code === "object") {
    if ("a" in code) return { type: "array", ...base, items: { ...propertySchema(code.a, ""), description: "" } };
    return { type: "object", ...base, properties: configProperties(code.o) };
  }
  switch (code) {
    case "p":
      return { type: "string", ...base, format: "password" };
    case "i":
      return { type: "integer", ...base };
    case "n":
      return { type: "number", ...base };
    case "b":
      return { type: "boolean", ...base };
    case "a":
      return { type: "array", ...base, items: { type: "string", description: "", readonly: false } };
    case "o":
      return { type: "object", ...base, properties: {} };
    default:
      return { type: "string", ...base };
  }
}

function configProperties(fields: Record<string, FieldCode>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, code] of Object.entries(fields)) out[k] = propertySchema(code, k);
  return out;
}

/** GET /v1/metadata/connector-types. */
export const listConnectorTypes: Handler = ({ query }) => {
  const page = paginate(listServices().map((s, i) => ({ seq: i + 1, s })), "connector-types", query);
  return list(page.items.map((x) => shortJson(x.s)), page.nextCursor);
};

/** GET /v1/metadata/connector-types/{service}: the service's config schema as the spec describes it. */
export const connectorTypeDetails: Handler = ({ params }) => {
  const s = getService(params.service);
  if (!s) {
    throw new ApiError(404, "NotFound_Service", `Connector type '${params.service}' doesn't exist`);
  }
  const spec = specService("connections", s.id);
  const fields: Record<string, FieldCode> = spec?.fields ?? Object.fromEntries(schemaFields(s).map((f) => [f, "s"]));
  return ok({
    ...shortJson(s),
    config: {
      type: "object",
      title: `${s.name} config object`,
      description: "",
      readonly: false,
      required: spec?.required ?? schemaFields(s),
      properties: configProperties(fields),
    },
    auth: {
      type: "object",
      title: `${s.name} auth object`,
      description: "",
      readonly: false,
      properties: configProperties(spec?.auth ?? {}),
    },
  });
};
