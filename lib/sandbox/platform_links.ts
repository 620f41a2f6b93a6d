/**
 * The fields by which a connection or destination uses a platform resource:
 * `proxy_agent_id`, `private_link_id`, `hybrid_deployment_agent_id` and
 * `external_secrets_manager_id`. Reading them checks that the resource exists
 * (404 otherwise) and, for a hybrid deployment agent, that it belongs to the
 * same group; explicit `null` means "not set" (on a PATCH: remove the link), and
 * so does a `networking_method` other than `ProxyAgent` / `PrivateLink`.
 *
 * @module
 */

import { conflict, invalidInput } from "./errors.ts";
import type { PlatformLinks } from "./platform_types.ts";
import type { SandboxState } from "./state.ts";
import type { Body } from "./validate.ts";

const FIELDS: readonly [keyof PlatformLinks, string][] = [
  ["proxyAgentId", "proxy_agent_id"],
  ["privateLinkId", "private_link_id"],
  ["hybridDeploymentAgentId", "hybrid_deployment_agent_id"],
  ["externalSecretsManagerId", "external_secrets_manager_id"],
];

/**
 * Read and check the link fields of a create/PATCH body; returns the links
 * after the change (`current` updated), or undefined when none is set.
 *
 * @example Using `readLinks`
 * ```ts
 * import { readLinks } from "./platform_links.ts";
 * // const links = readLinks(state, body, groupId, connection.links);
 * ```
 */
export function readLinks(
  state: SandboxState,
  body: Body,
  groupId: string,
  current?: PlatformLinks,
): PlatformLinks | undefined {
  const out: PlatformLinks = { ...current };
  for (const [key, name] of FIELDS) {
    const v = body[name];
    if (v === undefined) continue;
    if (v === null) {
      delete out[key];
      continue;
    }
    if (typeof v !== "string" || v.trim() === "") {
      throw invalidInput(`Field '${name}' must be a non-empty string`);
    }
    if (key === "proxyAgentId") state.platform.proxyAgent(v);
    if (key === "privateLinkId") state.platform.privateLink(v);
    if (key === "externalSecretsManagerId") state.platform.secretsManager(v);
    if (key === "hybridDeploymentAgentId") {
      const agent = state.platform.hybridAgent(v);
      if (agent.groupId !== groupId) {
        throw invalidInput(
          `Hybrid deployment agent '${v}' belongs to group '${agent.groupId}', not to group '${groupId}'`,
        );
      }
    }
    out[key] = v;
  }
  // Switching networking_method away from a proxy agent or private link drops that link.
  const method = body.networking_method;
  if (typeof method === "string") {
    if (method !== "ProxyAgent" && body.proxy_agent_id === undefined) delete out.proxyAgentId;
    if (method !== "PrivateLink" && body.private_link_id === undefined) delete out.privateLinkId;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The link fields as API JSON (only those that are set).
 *
 * @example Using `linksJson`
 * ```ts
 * import { linksJson } from "./platform_links.ts";
 * linksJson({ proxyAgentId: "brisk_otter" }); // { proxy_agent_id: "brisk_otter" }
 * ```
 */
export function linksJson(links: PlatformLinks | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!links) return out;
  for (const [key, name] of FIELDS) {
    const v = links[key];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * A Connector SDK package serves one connection at a time (the spec's note):
 * 409 when `packageId` names a package another connection already uses.
 *
 * @example Using `checkPackageUse`
 * ```ts
 * import { checkPackageUse } from "./platform_links.ts";
 * // checkPackageUse(state, "connector_sdk", body.config?.package_id);
 * ```
 */
export function checkPackageUse(state: SandboxState, service: string, packageId: unknown, connectionId?: string): void {
  if (service !== "connector_sdk" || typeof packageId !== "string" || !state.platform.sdkPackages.get(packageId)) {
    return;
  }
  const user = state.platform.packageConnection(packageId);
  if (user && user.id !== connectionId) {
    throw conflict(
      `Package '${packageId}' is already used by connection '${user.id}': a package serves one connection`,
    );
  }
}
