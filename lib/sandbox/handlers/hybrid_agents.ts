/**
 * Hybrid deployment agents: created in a group, with credentials issued as
 * files (`auth_type: AUTO`, the default) or as a token (`MANUAL`); re-auth and
 * reset issue new ones. An agent that connections or destinations use can't
 * be deleted (409); deleting its group deletes it.
 *
 * @module
 */

import { conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { token } from "../platform_state.ts";
import type { HybridAgentRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { field, objectBody } from "../validate.ts";
import { iso } from "../views.ts";

const ENV_TYPES = ["DOCKER", "PODMAN", "KUBERNETES", "SNOWPARK"];
const AUTH_TYPES = ["AUTO", "MANUAL"];
const VERSION = "1.2.0";

function b64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

function baseJson(a: HybridAgentRecord): Record<string, unknown> {
  return {
    id: a.id,
    display_name: a.displayName,
    group_id: a.groupId,
    version: VERSION,
    enabled: true,
    online: false,
    registered_at: iso(a.registeredAt),
    created_by: a.createdBy,
    deployment_type: a.deploymentType,
    updated_at: iso(a.updatedAt),
    last_used_at: iso(a.updatedAt),
  };
}

function usage(
  state: SandboxState,
  a: HybridAgentRecord,
): { connection_id: string; schema: string; service: string }[] {
  return state.platform.dependents("hybridDeploymentAgentId", a.id)
    .filter((d) => d.connection)
    .map((d) => ({ connection_id: d.connection!.id, schema: d.connection!.schema, service: d.connection!.service }));
}

/** The agent with freshly issued credentials (files for AUTO, a token for MANUAL). */
function credentialsJson(a: HybridAgentRecord): Record<string, unknown> {
  const out = baseJson(a);
  const secret = token(`hda:${a.id}:${a.credentialsVersion}`, 40);
  if (a.authType === "MANUAL") {
    out.token = b64(`${a.id}:${secret}`);
    return out;
  }
  const config = { agent_id: a.id, group_id: a.groupId, deployment_type: a.deploymentType, version: VERSION };
  out.files = {
    config_json: b64(JSON.stringify(config, null, 2)),
    auth_json: b64(JSON.stringify({ agent_id: a.id, client_secret: secret }, null, 2)),
    docker_compose_yaml: b64(
      `services:\n  hybrid-deployment-agent:\n    image: fivetran/hybrid-deployment-agent:${VERSION}\n` +
        `    volumes:\n      - ./config.json:/conf/config.json\n      - ./auth.json:/conf/auth.json\n`,
    ),
  };
  return out;
}

/** GET /v1/hybrid-deployment-agents (optional `groupId` filter). */
export const listHybridAgents: Handler = ({ state, query }) => {
  const groupId = query.get("groupId");
  const items = groupId ? state.platform.hybridAgents.byKey(groupId) : state.platform.hybridAgents.all();
  const page = paginate(items, groupId ? `hda:${groupId}` : "hda", query);
  return list(
    page.items.map((a) => ({ ...baseJson(a), usage: usage(state, a) })),
    page.nextCursor,
    "Hybrid deployment agents retrieved successfully",
  );
};

/** POST /v1/hybrid-deployment-agents (`accept_terms` must be true). */
export const createHybridAgent: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const displayName = field<string>(body, "display_name", "string", { required: true, nonEmpty: true })!;
  const envType = field<string>(body, "env_type", "string", { required: true, oneOf: ENV_TYPES })!;
  const acceptTerms = field<boolean>(body, "accept_terms", "boolean", { required: true })!;
  const authType = body.auth_type === null
    ? undefined
    : field<"AUTO" | "MANUAL">(body, "auth_type", "string", { oneOf: AUTH_TYPES });
  const groupId = field<string>(body, "group_id", "string", { required: true, nonEmpty: true })!;
  if (!acceptTerms) throw invalidInput("Field 'accept_terms' must be true: accept the terms to create an agent");
  state.group(groupId);
  if (state.platform.hybridAgents.byKey(groupId).some((a) => a.displayName === displayName)) {
    throw conflict(`An agent named '${displayName}' already exists in group '${groupId}'`, "AlreadyExists");
  }
  const now = state.now();
  const a = state.platform.hybridAgents.add({
    seq: state.nextSeq(),
    id: state.newId(),
    displayName,
    groupId,
    deploymentType: envType,
    authType: authType ?? "AUTO",
    version: VERSION,
    registeredAt: now,
    updatedAt: now,
    createdBy: state.account.userId,
    credentialsVersion: 1,
  });
  return created(credentialsJson(a), "Hybrid deployment agent has been created");
};

/** GET /v1/hybrid-deployment-agents/{agentId}. */
export const hybridAgentDetails: Handler = ({ state, params }) => {
  const a = state.platform.hybridAgent(params.agentId);
  return ok({ ...baseJson(a), usage: usage(state, a) }, "Hybrid deployment agent retrieved successfully");
};

/** DELETE /v1/hybrid-deployment-agents/{agentId} (409 while connections or destinations use it). */
export const deleteHybridAgent: Handler = ({ state, params }) => {
  const a = state.platform.hybridAgent(params.agentId);
  const users = state.platform.dependents("hybridDeploymentAgentId", a.id);
  if (users.length) {
    throw conflict(
      `Hybrid deployment agent '${a.id}' is used by ${users.length} connection(s) or destination(s); move them to another agent first`,
    );
  }
  state.platform.hybridAgents.remove(a.id);
  return done(`Hybrid deployment agent with id '${a.id}' has been deleted`);
};

/** PATCH /v1/hybrid-deployment-agents/{agentId}/re-auth (new credentials; `auth_type` may change). */
export const reAuthHybridAgent: Handler = ({ state, params, body: raw }) => {
  const a = state.platform.hybridAgent(params.agentId);
  const body = objectBody(raw);
  const authType = body.auth_type === null
    ? undefined
    : field<"AUTO" | "MANUAL">(body, "auth_type", "string", { oneOf: AUTH_TYPES });
  if (authType !== undefined) a.authType = authType;
  a.credentialsVersion++;
  a.updatedAt = state.now();
  return ok(credentialsJson(a), "Hybrid deployment agent has been re-authenticated");
};

/** POST /v1/hybrid-deployment-agents/{agentId}/reset-credentials. */
export const resetHybridAgentCredentials: Handler = ({ state, params, body }) => {
  objectBody(body);
  const a = state.platform.hybridAgent(params.agentId);
  a.credentialsVersion++;
  a.updatedAt = state.now();
  return done(`Credentials of hybrid deployment agent with id '${a.id}' have been reset`);
};
