/**
 * Proxy agents: names are unique (409), the region must be one the spec
 * lists (400 "Group region not supported."), secrets are shown only when
 * created or regenerated, and an agent with connections can't be deleted
 * (409). Codes and messages follow the spec's examples.
 *
 * @module
 */

import { ApiError, conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { token } from "../platform_state.ts";
import type { ProxyAgentRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { field, objectBody, REGIONS } from "../validate.ts";
import { iso } from "../views.ts";

/** Regions of `ProxyParamRequest.group_region`: the destination regions and a few more. */
const PROXY_REGIONS: readonly string[] = [
  ...REGIONS,
  "GCP_ASIA_NORTHEAST3",
  "GCP_ME_CENTRAL2",
  "AWS_AP_NORTHEAST_2",
  "AWS_EU_NORTH_1",
  "AZURE_GERMANYWESTCENTRAL",
  "AZURE_WESTUS3",
  "AZURE_SWITZERLANDNORTH",
  "AZURE_KOREACENTRAL",
];

function baseJson(state: SandboxState, a: ProxyAgentRecord): Record<string, unknown> {
  return {
    id: a.id,
    account_id: state.account.id,
    registered_at: iso(a.registeredAt),
    region: a.region,
    created_by: a.createdBy,
    display_name: a.displayName,
    version: "1.0.0",
    status: "NOT_CONNECTED",
  };
}

function secretsJson(state: SandboxState, a: ProxyAgentRecord): Record<string, unknown> {
  const seed = `proxy:${a.id}:${a.secretsVersion}`;
  const cloud = a.region.split("_")[0].toLowerCase();
  return {
    agent_id: a.id,
    auth_token: token(seed + ":token", 48),
    client_cert: `-----BEGIN CERTIFICATE-----\nMIIC${token(seed + ":cert", 60)}\n-----END CERTIFICATE-----\n`,
    client_private_key: `-----BEGIN PRIVATE KEY-----\nMIIE${token(seed + ":key", 60)}\n-----END PRIVATE KEY-----\n`,
    orchestrator_host: `proxy-orchestrator.${cloud}.${state.account.id.replace(/_/g, "-")}.fivetran.example`,
    orchestrator_port: 443,
  };
}

function connectionsOf(state: SandboxState, a: ProxyAgentRecord) {
  return state.platform.dependents("proxyAgentId", a.id);
}

/** GET /v1/proxy. */
export const listProxyAgents: Handler = ({ state, query }) => {
  const page = paginate(state.platform.proxyAgents.all(), "proxy", query);
  return list(
    page.items.map((a) => {
      const users = connectionsOf(state, a);
      return {
        ...baseJson(state, a),
        connector_count: users.filter((u) => u.type === "SOURCE").length,
        destination_count: users.filter((u) => u.type === "DESTINATION").length,
      };
    }),
    page.nextCursor,
    "Proxy agents retrieved successfully",
  );
};

/** POST /v1/proxy. */
export const createProxyAgent: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const displayName = field<string>(body, "display_name", "string", { required: true, nonEmpty: true })!;
  const region = field<string>(body, "group_region", "string", { required: true, nonEmpty: true })!;
  if (!PROXY_REGIONS.includes(region)) throw invalidInput("Group region not supported.");
  if (state.platform.proxyAgents.all().some((a) => a.displayName === displayName)) {
    throw conflict("Proxy agent with same name already exists.");
  }
  const a = state.platform.proxyAgents.add({
    seq: state.nextSeq(),
    id: state.newId(),
    displayName,
    region,
    registeredAt: state.now(),
    createdBy: state.account.userId,
    secretsVersion: 1,
  });
  return created(secretsJson(state, a), "Proxy agent has been created");
};

/** GET /v1/proxy/{agentId}. */
export const proxyAgentDetails: Handler = ({ state, params }) => {
  const a = state.platform.proxyAgent(params.agentId);
  const usage = connectionsOf(state, a).filter((u) => u.connection).map((u) => ({
    id: u.connection!.id,
    schema: u.connection!.schema,
    service: u.connection!.service,
  }));
  return ok({ ...baseJson(state, a), usage }, "Proxy agent retrieved successfully");
};

/** DELETE /v1/proxy/{agentId} (409 while connections or destinations use it). */
export const deleteProxyAgent: Handler = ({ state, params }) => {
  const a = state.platform.proxyAgent(params.agentId);
  if (connectionsOf(state, a).length) throw new ApiError(409, "Conflict", "Proxy agent have attached connections.");
  state.platform.proxyAgents.remove(a.id);
  return done(`Agent ${a.id} successfully deleted.`);
};

/** GET /v1/proxy/{agentId}/connections. */
export const proxyAgentConnections: Handler = ({ state, params, query }) => {
  const a = state.platform.proxyAgent(params.agentId);
  const items = connectionsOf(state, a).filter((u) => u.connection).map((u) => u.connection!);
  const page = paginate(items, `proxy-connections:${a.id}`, query);
  return list(
    page.items.map((c) => ({ connection_id: c.id })),
    page.nextCursor,
    "Proxy agent connections retrieved successfully",
  );
};

/** POST /v1/proxy/{agentId}/regenerate-secrets. */
export const regenerateProxyAgentSecrets: Handler = ({ state, params, body }) => {
  objectBody(body);
  const a = state.platform.proxyAgent(params.agentId);
  a.secretsVersion++;
  return ok(secretsJson(state, a), "Proxy agent secrets have been regenerated");
};
