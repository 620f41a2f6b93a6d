/**
 * Platform resources in account fixtures: load `SandboxSeed.platform` into a
 * state, and write a state's platform resources back as such a fixture
 * (secrets left out), so a saved state can be replayed.
 *
 * @module
 */

import { LOG_SERVICE_NAMES } from "./handlers/external_logging.ts";
import { PRIVATE_LINK_SERVICES } from "./handlers/private_links.ts";
import { isSecretKey } from "./mask.ts";
import { token } from "./platform_state.ts";
import type { PlatformLinks, PlatformSeed } from "./platform_types.ts";
import type { SandboxState } from "./state.ts";

const LINK_FIELDS: readonly [keyof PlatformLinks, keyof NonNullable<PlatformSeed["links"]>[number]][] = [
  ["proxyAgentId", "proxy_agent_id"],
  ["privateLinkId", "private_link_id"],
  ["hybridDeploymentAgentId", "hybrid_deployment_agent_id"],
  ["externalSecretsManagerId", "external_secrets_manager_id"],
];

function need(ok: unknown, message: string): void {
  if (!ok) throw new Error(message);
}

/**
 * Load the platform part of a fixture (after groups, connections and
 * destinations); throws on references to unknown records.
 *
 * @example Seed a proxy agent
 * ```ts
 * import { loadPlatformSeed } from "./platform_seed.ts";
 * // loadPlatformSeed(state, { proxy_agents: [{ id: "office_proxy", display_name: "Office", region: "GCP_US_EAST4" }] });
 * ```
 */
export function loadPlatformSeed(state: SandboxState, seed: PlatformSeed): void {
  const p = state.platform;
  const now = state.now();
  const past = now - 30 * 86_400_000;
  for (const l of seed.log_services ?? []) {
    need(LOG_SERVICE_NAMES.includes(l.service), `Seed log service has unknown service '${l.service}'`);
    if (l.group_id !== undefined) {
      need(state.groups.get(l.group_id), `Seed log service refers to unknown group '${l.group_id}'`);
    }
    p.logServices.add({
      seq: state.nextSeq(),
      id: l.group_id ?? state.account.id,
      scope: l.group_id === undefined ? "account" : "group",
      service: l.service,
      enabled: l.enabled ?? true,
      config: structuredClone(l.config ?? {}),
      setupState: "connected",
    });
  }
  for (const m of seed.secrets_managers ?? []) {
    state.addSeeded(p.secretsManagers, {
      id: m.id,
      type: m.type,
      name: m.name,
      config: structuredClone(m.config ?? {}),
      isHybridDeployment: m.is_hybrid_deployment ?? false,
      createdAt: past,
      updatedAt: past,
    });
  }
  for (const a of seed.hybrid_deployment_agents ?? []) {
    need(
      state.groups.get(a.group_id),
      `Seed hybrid deployment agent '${a.id}' refers to unknown group '${a.group_id}'`,
    );
    state.addSeeded(p.hybridAgents, {
      id: a.id,
      displayName: a.display_name,
      groupId: a.group_id,
      deploymentType: a.env_type ?? "DOCKER",
      authType: a.auth_type ?? "AUTO",
      version: "1.2.0",
      registeredAt: past,
      updatedAt: past,
      createdBy: state.account.userId,
      credentialsVersion: 1,
    });
  }
  for (const a of seed.proxy_agents ?? []) {
    state.addSeeded(p.proxyAgents, {
      id: a.id,
      displayName: a.display_name,
      region: a.region,
      registeredAt: past,
      createdBy: state.account.userId,
      secretsVersion: 1,
    });
  }
  for (const l of seed.private_links ?? []) {
    need(PRIVATE_LINK_SERVICES.includes(l.service), `Seed private link '${l.id}' has unknown service '${l.service}'`);
    state.addSeeded(p.privateLinks, {
      id: l.id,
      name: l.name,
      region: l.region,
      service: l.service,
      config: structuredClone(l.config ?? {}),
      createdAt: past,
      createdBy: state.account.userId,
      busyUntil: past,
      busyState: "CREATING",
    });
  }
  for (const k of seed.system_keys ?? []) {
    state.addSeeded(p.systemKeys, {
      id: k.id,
      name: k.name,
      key: token(`syskey:${k.id}:0:key`, 16),
      secret: "",
      permissions: structuredClone(k.permissions ?? []),
      createdAt: past,
      updatedAt: past,
      rotations: 0,
    });
  }
  for (const t of seed.transformation_projects ?? []) {
    need(state.groups.get(t.group_id), `Seed transformation project '${t.id}' refers to unknown group '${t.group_id}'`);
    state.addSeeded(p.transformationProjects, {
      id: t.id,
      groupId: t.group_id,
      type: t.type ?? "DBT_CORE",
      status: t.status ?? "READY",
      errors: [],
      config: structuredClone(t.project_config),
      createdAt: past,
      createdById: state.account.userId,
    });
  }
  for (const link of seed.links ?? []) loadLink(state, link);
}

function loadLink(state: SandboxState, link: NonNullable<PlatformSeed["links"]>[number]): void {
  const target = link.connection_id !== undefined
    ? state.connections.get(link.connection_id)
    : link.destination_id !== undefined
    ? state.destinations.get(link.destination_id)
    : undefined;
  need(target, `Seed link refers to unknown connection or destination '${link.connection_id ?? link.destination_id}'`);
  const links: PlatformLinks = { ...target!.links };
  for (const [key, name] of LINK_FIELDS) {
    const id = link[name];
    if (id === undefined) continue;
    const exists = key === "proxyAgentId"
      ? state.platform.proxyAgents.get(id)
      : key === "privateLinkId"
      ? state.platform.privateLinks.get(id)
      : key === "hybridDeploymentAgentId"
      ? state.platform.hybridAgents.get(id)
      : state.platform.secretsManagers.get(id);
    need(exists, `Seed link refers to unknown ${name.replace(/_id$/, "").replace(/_/g, " ")} '${id}'`);
    links[key] = id;
  }
  target!.links = links;
}

function withoutSecrets(config: Record<string, unknown>, secrets: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).filter(([k]) => !isSecretKey(k) && !secrets.includes(k)).map(([k, v]) => [
      k,
      structuredClone(v),
    ]),
  );
}

/**
 * The platform resources of a state as a fixture, secrets left out.
 *
 * @example Save and replay
 * ```ts
 * import { platformSnapshot } from "./platform_seed.ts";
 * // const seed = { ...accountSeed, platform: platformSnapshot(state) };
 * ```
 */
export function platformSnapshot(state: SandboxState): PlatformSeed {
  const p = state.platform;
  const links: NonNullable<PlatformSeed["links"]> = [];
  const linkOf = (l: PlatformLinks | undefined) =>
    Object.fromEntries(LINK_FIELDS.filter(([k]) => l?.[k] !== undefined).map(([k, name]) => [name, l![k]!]));
  for (const c of state.connections.all()) if (c.links) links.push({ connection_id: c.id, ...linkOf(c.links) });
  for (const d of state.destinations.all()) if (d.links) links.push({ destination_id: d.id, ...linkOf(d.links) });
  const logSecrets = ["primary_key", "tenant_id", "service_account_key"];
  return {
    log_services: p.logServices.all().map((l) => ({
      ...(l.scope === "group" ? { group_id: l.id } : {}),
      service: l.service,
      enabled: l.enabled,
      config: withoutSecrets(l.config, logSecrets),
    })),
    secrets_managers: p.secretsManagers.all().map((m) => ({
      id: m.id,
      type: m.type,
      name: m.name,
      config: withoutSecrets(m.config),
      is_hybrid_deployment: m.isHybridDeployment,
    })),
    hybrid_deployment_agents: p.hybridAgents.all().map((a) => ({
      id: a.id,
      group_id: a.groupId,
      display_name: a.displayName,
      env_type: a.deploymentType,
      auth_type: a.authType,
    })),
    proxy_agents: p.proxyAgents.all().map((a) => ({ id: a.id, display_name: a.displayName, region: a.region })),
    private_links: p.privateLinks.all().map((l) => ({
      id: l.id,
      name: l.name,
      region: l.region,
      service: l.service,
      config: structuredClone(l.config),
    })),
    system_keys: p.systemKeys.all().map((k) => ({
      id: k.id,
      name: k.name,
      permissions: structuredClone(k.permissions),
    })),
    transformation_projects: p.transformationProjects.all().map((t) => ({
      id: t.id,
      group_id: t.groupId,
      type: t.type,
      status: t.status,
      project_config: structuredClone(t.config),
    })),
    links,
  };
}
