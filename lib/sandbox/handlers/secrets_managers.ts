/**
 * External secrets managers and the entities (connections and destinations)
 * that read their secrets from one (`external_secrets_manager_id`). A manager
 * still in use can't be deleted (400, as the spec's example says); codes and
 * messages follow the spec's examples.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { MASK, maskSecrets } from "../mask.ts";
import { paginate } from "../pagination.ts";
import type { Dependent } from "../platform_state.ts";
import type { SecretsManagerRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { field, objectBody } from "../validate.ts";
import { iso } from "../views.ts";

const TYPES = ["AWS_SECRET_MANAGER", "AZURE_KEY_VAULT", "HASHICORP_VAULT"];
const ENTITY_TYPES = ["SOURCE", "DESTINATION"];

function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** Secrets masked; a role ARN is an identifier here, shown as the spec's example shows it. */
function maskedConfig(config: Record<string, unknown>): Record<string, unknown> {
  const { role_arn: roleArn, ...rest } = config;
  const out = maskSecrets(rest) as Record<string, unknown>;
  return roleArn === undefined ? out : { role_arn: roleArn, ...out };
}

function esmJson(m: SecretsManagerRecord): Record<string, unknown> {
  return {
    id: m.id,
    type: m.type,
    name: m.name,
    config: maskedConfig(m.config),
    is_hybrid_deployment: m.isHybridDeployment,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
  };
}

function readConfig(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) throw badRequest("ESM config is required.");
  if (typeof raw !== "object" || Array.isArray(raw)) throw badRequest("ESM config must be a JSON object.");
  return raw as Record<string, unknown>;
}

function entityJson(state: SandboxState, esmId: string, d: Dependent): Record<string, unknown> {
  if (d.connection) {
    const c = state.settle(d.connection);
    return {
      id: c.id,
      name: c.schema,
      enabled: !c.paused,
      type: "SOURCE",
      secret_manager_id: esmId,
      created_at: iso(c.createdAt),
    };
  }
  const dest = d.destination!;
  return {
    id: dest.id,
    name: state.groups.get(dest.groupId)?.name ?? dest.id,
    enabled: dest.setupStatus.toUpperCase() === "CONNECTED",
    type: "DESTINATION",
    secret_manager_id: esmId,
    created_at: iso(dest.createdAt),
  };
}

function entityType(query: URLSearchParams): string | undefined {
  const type = query.get("type");
  if (type === null || type === "") return undefined;
  if (!ENTITY_TYPES.includes(type)) {
    throw badRequest(`Invalid type '${type}': expected one of ${ENTITY_TYPES.join(", ")}`);
  }
  return type;
}

function entities(state: SandboxState, m: SecretsManagerRecord, type?: string): Record<string, unknown>[] {
  return state.platform.dependents("externalSecretsManagerId", m.id)
    .filter((d) => type === undefined || d.type === type)
    .map((d) => entityJson(state, m.id, d));
}

/** GET /v1/external-secrets-managers. */
export const listSecretsManagers: Handler = ({ state, query }) => {
  const page = paginate(state.platform.secretsManagers.all(), "esms", query);
  return list(page.items.map(esmJson), page.nextCursor, "External Secrets Managers retrieved successfully");
};

/** POST /v1/external-secrets-managers. */
export const createSecretsManager: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const type = field<string>(body, "type", "string", { required: true, oneOf: TYPES })!;
  const name = field<string>(body, "name", "string", { required: true, nonEmpty: true })!;
  const config = readConfig(body.config);
  const hybrid = body.is_hybrid_deployment === null
    ? undefined
    : field<boolean>(body, "is_hybrid_deployment", "boolean");
  const now = state.now();
  const m = state.platform.secretsManagers.add({
    seq: state.nextSeq(),
    id: state.newId(),
    type,
    name,
    config: structuredClone(config),
    isHybridDeployment: hybrid ?? false,
    createdAt: now,
    updatedAt: now,
  });
  return created(esmJson(m), "External Secrets Manager has been created");
};

/** GET /v1/external-secrets-managers/{esmId}. */
export const secretsManagerDetails: Handler = ({ state, params }) =>
  ok(esmJson(state.platform.secretsManager(params.esmId)), "External Secrets Manager retrieved successfully");

/** PATCH /v1/external-secrets-managers/{esmId} (config values sent as `******` stay unchanged). */
export const modifySecretsManager: Handler = ({ state, params, body: raw }) => {
  const m = state.platform.secretsManager(params.esmId);
  const config = readConfig(objectBody(raw, true).config);
  for (const [k, v] of Object.entries(config)) {
    if (v === MASK) continue;
    if (v === null) delete m.config[k];
    else m.config[k] = structuredClone(v);
  }
  m.updatedAt = state.now();
  return ok(esmJson(m), "External Secrets Manager has been updated");
};

/** DELETE /v1/external-secrets-managers/{esmId} (400 while connections or destinations use it). */
export const deleteSecretsManager: Handler = ({ state, params }) => {
  const m = state.platform.secretsManager(params.esmId);
  const users = state.platform.dependents("externalSecretsManagerId", m.id);
  if (users.length) {
    const sources = users.filter((u) => u.type === "SOURCE").length;
    throw badRequest(
      `Failed to delete External Secrets Manager with '${m.id}' id, because it is used by ${sources} connection(s) and ${
        users.length - sources
      } destination(s).`,
    );
  }
  state.platform.secretsManagers.remove(m.id);
  return done(`External Secrets Manager '${m.id}' has been deleted.`);
};

/** GET /v1/external-secrets-managers/{esmId}/entities (optional `type` SOURCE or DESTINATION). */
export const secretsManagerEntities: Handler = ({ state, params, query }) => {
  const m = state.platform.secretsManager(params.esmId);
  return list(
    entities(state, m, entityType(query)),
    undefined,
    "External Secrets Manager entities retrieved successfully",
  );
};

/** GET /v1/external-secrets-managers-entities (optional `esm_id` and `type` filters). */
export const listSecretsManagerEntities: Handler = ({ state, query }) => {
  const type = entityType(query);
  const esmId = query.get("esm_id");
  const managers = esmId ? [state.platform.secretsManager(esmId)] : state.platform.secretsManagers.all();
  return list(
    managers.flatMap((m) => entities(state, m, type)),
    undefined,
    "External Secrets Manager entities retrieved successfully",
  );
};
