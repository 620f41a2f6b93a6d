/**
 * The sandbox's route table, as data: every implemented operation of the
 * Fivetran REST API v1 with its spec path template, operationId and the
 * Accept version the spec documents for it. The contract test iterates over
 * it; the server matches requests against it.
 *
 * @module
 */

/** One implemented operation. */
export interface Route {
  /** HTTP method. */
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path template exactly as in the spec, e.g. `/v1/connections/{connectionId}`. */
  readonly path: string;
  /** The spec's operationId. */
  readonly operationId: string;
  /** Accept default in the spec: `v2` = `application/json;version=2`, `v1` = `application/json`. */
  readonly accept: "v1" | "v2";
  /** The request body is `multipart/form-data` (file uploads) instead of JSON. */
  readonly multipart?: boolean;
  /** The answer is a file (`application/octet-stream`), so such an Accept is fine too. */
  readonly binary?: boolean;
}

const r = (
  method: Route["method"],
  path: string,
  operationId: string,
  accept: Route["accept"] = "v1",
): Route => ({ method, path, operationId, accept });

const C = "/v1/connections/{connectionId}";
const S = `${C}/schemas`;
const T = "/v1/teams/{teamId}";
const U = "/v1/users/{userId}";
const D = "/v1/destinations/{destinationId}";

/**
 * Every operation the sandbox implements.
 *
 * @example Count the connection operations
 * ```ts
 * import { ROUTES } from "./routes.ts";
 * const n = ROUTES.filter((r) => r.path.startsWith("/v1/connections")).length;
 * ```
 */
export const ROUTES: readonly Route[] = [
  r("GET", "/v1/account/info", "get_account_info"),
  // groups
  r("GET", "/v1/groups", "list_all_groups"),
  r("POST", "/v1/groups", "create_group"),
  r("GET", "/v1/groups/{groupId}", "group_details"),
  r("PATCH", "/v1/groups/{groupId}", "modify_group"),
  r("DELETE", "/v1/groups/{groupId}", "delete_group"),
  r("GET", "/v1/groups/{groupId}/connections", "list_all_connections_in_group"),
  r("GET", "/v1/groups/{groupId}/users", "list_all_users_in_group"),
  r("POST", "/v1/groups/{groupId}/users", "add_user_to_group"),
  r("DELETE", "/v1/groups/{groupId}/users/{userId}", "delete_user_from_group"),
  // connections
  r("GET", "/v1/connections", "list_connections", "v2"),
  r("POST", "/v1/connections", "create_connection", "v2"),
  r("GET", C, "connection_details", "v2"),
  r("PATCH", C, "modify_connection", "v2"),
  r("DELETE", C, "delete_connection", "v2"),
  r("POST", `${C}/sync`, "sync_connection", "v2"),
  r("POST", `${C}/resync`, "resync_connection", "v2"),
  r("POST", `${C}/test`, "run_setup_tests", "v2"),
  r("GET", `${C}/state`, "connection_state", "v2"),
  r("PATCH", `${C}/state`, "modify_connection_state", "v2"),
  // schema config
  r("GET", S, "connection_schema_config"),
  r("POST", S, "pre_create_connection_schema_config"),
  r("PATCH", S, "modify_connection_schema_config"),
  r("POST", `${S}/reload`, "reload_connection_schema_config"),
  r("POST", `${S}/tables/resync`, "resync_tables"),
  r("POST", `${S}/drop-columns`, "delete_multiple_columns_connection_config"),
  r("PATCH", `${S}/{schemaName}`, "modify_connection_database_schema_config"),
  r("PATCH", `${S}/{schemaName}/tables/{tableName}`, "modify_connection_table_config"),
  r(
    "PATCH",
    `${S}/{schemaName}/tables/{tableName}/columns/{columnName}`,
    "modify_connection_column_config",
  ),
  r(
    "DELETE",
    `${S}/{schemaName}/tables/{tableName}/columns/{columnName}`,
    "delete_column_connection_config",
  ),
  r("GET", `${S}/{schema}/tables/{table}/columns`, "connection_column_config"),
  // certificates and fingerprints
  r("POST", "/v1/certificates", "approve_certificate"),
  r("GET", `${C}/certificates`, "get_connection_certificates_list"),
  r("POST", `${C}/certificates`, "approve_connection_certificate"),
  r("GET", `${C}/certificates/{hash}`, "get_connection_certificate_details"),
  r("DELETE", `${C}/certificates/{hash}`, "revoke_connection_certificate"),
  r("GET", `${C}/fingerprints`, "get_connection_fingerprints_list"),
  r("POST", `${C}/fingerprints`, "approve_connection_fingerprint"),
  r("GET", `${C}/fingerprints/{hash}`, "get_connection_fingerprint_details"),
  r("DELETE", `${C}/fingerprints/{hash}`, "revoke_connection_fingerprint"),
  // destinations
  r("GET", "/v1/destinations", "list_destinations", "v2"),
  r("POST", "/v1/destinations", "create_destination", "v2"),
  r("GET", "/v1/destinations/{destinationId}", "destination_details", "v2"),
  r("PATCH", "/v1/destinations/{destinationId}", "modify_destination", "v2"),
  r("DELETE", "/v1/destinations/{destinationId}", "delete_destination", "v2"),
  r("POST", "/v1/destinations/{destinationId}/test", "run_destination_setup_tests", "v2"),
  // users
  r("GET", "/v1/users", "list_all_users"),
  r("POST", "/v1/users", "create_user"),
  r("GET", "/v1/users/{userId}", "user_details"),
  r("PATCH", "/v1/users/{userId}", "modify_user"),
  r("DELETE", "/v1/users/{id}", "delete_user"),
  // teams
  r("GET", "/v1/teams", "list_all_teams"),
  r("POST", "/v1/teams", "create_team"),
  r("GET", "/v1/teams/{teamId}", "team_details"),
  r("PATCH", "/v1/teams/{teamId}", "modify_team"),
  r("DELETE", "/v1/teams/{teamId}", "delete_team"),
  // memberships, roles, certificates (sbres1)
  r("GET", `${T}/users`, "list_users_in_team"),
  r("POST", `${T}/users`, "add_user_to_team"),
  r("GET", `${T}/users/{userId}`, "get_user_in_team"),
  r("PATCH", `${T}/users/{userId}`, "update_user_membership"),
  r("DELETE", `${T}/users/{userId}`, "delete_user_from_team"),
  r("GET", `${T}/groups`, "get_team_memberships_in_groups"),
  r("POST", `${T}/groups`, "add_team_membership_in_group"),
  r("GET", `${T}/groups/{groupId}`, "get_team_membership_in_group"),
  r("PATCH", `${T}/groups/{groupId}`, "update_team_membership_in_group"),
  r("DELETE", `${T}/groups/{groupId}`, "delete_team_membership_in_group"),
  r("GET", `${T}/connections`, "get_team_memberships_in_connections"),
  r("POST", `${T}/connections`, "add_team_membership_in_connection"),
  r("GET", `${T}/connections/{connectionId}`, "get_team_membership_in_connection"),
  r("PATCH", `${T}/connections/{connectionId}`, "update_team_membership_in_connection"),
  r("DELETE", `${T}/connections/{connectionId}`, "delete_team_membership_in_connection"),
  r("DELETE", `${T}/role`, "delete_team_membership_in_account"),
  r("GET", `${U}/groups`, "get_user_memberships_in_groups"),
  r("POST", `${U}/groups`, "add_user_membership_in_group"),
  r("GET", `${U}/groups/{groupId}`, "get_user_membership_in_group"),
  r("PATCH", `${U}/groups/{groupId}`, "update_user_membership_in_group"),
  r("DELETE", `${U}/groups/{groupId}`, "delete_user_membership_in_group"),
  r("GET", `${U}/connections`, "get_user_memberships_in_connections"),
  r("POST", `${U}/connections`, "add_user_membership_in_connection"),
  r("GET", `${U}/connections/{connectionId}`, "get_user_membership_in_connections"),
  r("PATCH", `${U}/connections/{connectionId}`, "update_user_membership_in_connection"),
  r("DELETE", `${U}/connections/{connectionId}`, "delete_user_membership_in_connection"),
  r("DELETE", `${U}/role`, "delete_user_membership_in_account"),
  r("GET", `${D}/certificates`, "get_destination_certificates_list"),
  r("POST", `${D}/certificates`, "approve_destination_certificate"),
  r("GET", `${D}/certificates/{hash}`, "get_destination_certificate_details"),
  r("DELETE", `${D}/certificates/{hash}`, "revoke_destination_certificate"),
  r("GET", `${D}/fingerprints`, "get_destination_fingerprints_list"),
  r("POST", `${D}/fingerprints`, "approve_destination_fingerprint"),
  r("GET", `${D}/fingerprints/{hash}`, "get_destination_fingerprint_details"),
  r("DELETE", `${D}/fingerprints/{hash}`, "revoke_destination_fingerprint"),
  r("GET", "/v1/groups/{groupId}/service-account", "group_service_account"),
  r("GET", "/v1/groups/{groupId}/public-key", "group_ssh_public_key"),
  r("POST", `${C}/connect-card`, "connect_card", "v2"),
  r("GET", "/public/connector-types", "metadata_public_connectors"),
  // webhooks
  r("GET", "/v1/webhooks", "list_all_webhooks"),
  r("POST", "/v1/webhooks/account", "create_account_webhook"),
  r("POST", "/v1/webhooks/group/{groupId}", "create_group_webhook"),
  r("GET", "/v1/webhooks/{webhookId}", "webhook_details"),
  r("PATCH", "/v1/webhooks/{webhookId}", "modify_webhook"),
  r("DELETE", "/v1/webhooks/{webhookId}", "delete_webhook"),
  r("POST", "/v1/webhooks/{webhookId}/test", "test_webhook"),
  // transformations
  r("GET", "/v1/transformations", "transformations_list"),
  r("GET", "/v1/transformations/{transformationId}", "transformation_details"),
  r("PATCH", "/v1/transformations/{transformationId}", "update_transformation"),
  r("POST", "/v1/transformations/{transformationId}/run", "run_transformation"),
  r("POST", "/v1/transformations/{transformationId}/cancel", "cancel_transformation"),
  // roles and metadata
  r("GET", "/v1/roles", "list_all_roles"),
  r("GET", "/v1/metadata/connector-types", "metadata_connectors"),
  r("GET", "/v1/metadata/connector-types/{service}", "metadata_connector_config"),
  // platform resources (sbres2)
  r("GET", "/v1/external-logging", "list_log_services"),
  r("POST", "/v1/external-logging", "add_log_service"),
  r("GET", "/v1/external-logging/{logId}", "get_log_service_details"),
  r("PATCH", "/v1/external-logging/{logId}", "update_log_service"),
  r("DELETE", "/v1/external-logging/{logId}", "delete_log_service"),
  r("POST", "/v1/external-logging/{logId}/test", "run_setup_tests_log_service"),
  r("GET", "/v1/external-logging/account", "get_account_log_service_details"),
  r("POST", "/v1/external-logging/account", "add_account_log_service"),
  r("PATCH", "/v1/external-logging/account", "update_account_log_service"),
  r("DELETE", "/v1/external-logging/account", "delete_account_log_service"),
  r("POST", "/v1/external-logging/account/test", "run_setup_tests_account_log_service"),
  r("GET", "/v1/external-secrets-managers", "list_esms"),
  r("POST", "/v1/external-secrets-managers", "create_esm"),
  r("GET", "/v1/external-secrets-managers/{esmId}", "get_esm_details"),
  r("PATCH", "/v1/external-secrets-managers/{esmId}", "modify_esm"),
  r("DELETE", "/v1/external-secrets-managers/{esmId}", "delete_esm"),
  r("GET", "/v1/external-secrets-managers/{esmId}/entities", "get_esm_entities"),
  r("GET", "/v1/external-secrets-managers-entities", "list_esm_entities"),
  r("GET", "/v1/hybrid-deployment-agents", "get_hybrid_deployment_agent_list"),
  r("POST", "/v1/hybrid-deployment-agents", "create_hybrid_deployment_agent"),
  r("GET", "/v1/hybrid-deployment-agents/{agentId}", "get_hybrid_deployment_agent"),
  r("DELETE", "/v1/hybrid-deployment-agents/{agentId}", "delete_hybrid_deployment_agent"),
  r("PATCH", "/v1/hybrid-deployment-agents/{agentId}/re-auth", "re_auth_hybrid_deployment_agent"),
  r("POST", "/v1/hybrid-deployment-agents/{agentId}/reset-credentials", "reset_hybrid_deployment_agent_credentials"),
  r("GET", "/v1/proxy", "get_proxy_agent"),
  r("POST", "/v1/proxy", "create_proxy_agent"),
  r("GET", "/v1/proxy/{agentId}", "get_proxy_agent_details"),
  r("DELETE", "/v1/proxy/{agentId}", "delete_proxy_agent"),
  r("GET", "/v1/proxy/{agentId}/connections", "get_proxy_agent_connections"),
  r("POST", "/v1/proxy/{agentId}/regenerate-secrets", "regenerate_secrets_proxy_agent"),
  r("GET", "/v1/private-links", "get_private_links"),
  r("POST", "/v1/private-links", "create_private_link"),
  r("GET", "/v1/private-links/{privateLinkId}", "get_private_link_details"),
  r("PATCH", "/v1/private-links/{privateLinkId}", "modify_private_link"),
  r("DELETE", "/v1/private-links/{privateLinkId}", "delete_private_link"),
  r("GET", "/v1/system-keys", "get_system_keys"),
  r("POST", "/v1/system-keys", "create_system_key"),
  r("GET", "/v1/system-keys/{keyId}", "get_system_key_details"),
  r("PATCH", "/v1/system-keys/{keyId}", "update_system_key"),
  r("DELETE", "/v1/system-keys/{keyId}", "delete_system_key"),
  r("POST", "/v1/system-keys/{keyId}/rotate", "rotate_system_key"),
  r("GET", "/v1/connector-sdk/packages", "list_connector_sdk_packages"),
  { ...r("POST", "/v1/connector-sdk/packages", "create_connector_sdk_package"), multipart: true },
  r("GET", "/v1/connector-sdk/packages/{package_id}", "get_connector_sdk_package"),
  { ...r("PATCH", "/v1/connector-sdk/packages/{package_id}", "update_connector_sdk_package"), multipart: true },
  r("DELETE", "/v1/connector-sdk/packages/{package_id}", "delete_connector_sdk_package"),
  { ...r("GET", "/v1/connector-sdk/packages/{package_id}/download", "download_connector_sdk_package"), binary: true },
  r("POST", "/v1/hvr/register-hub", "hvr_register_hub"),
  r("GET", "/v1/transformation-projects", "list_all_transformation_projects"),
  r("POST", "/v1/transformation-projects", "create_transformation_project"),
  r("GET", "/v1/transformation-projects/{projectId}", "transformation_project_details"),
  r("PATCH", "/v1/transformation-projects/{projectId}", "modify_transformation_project"),
  r("DELETE", "/v1/transformation-projects/{projectId}", "delete_transformation_project"),
  r("POST", "/v1/transformation-projects/{projectId}/test", "test_transformation_project"),
  r("POST", "/v1/transformations", "create_transformation"),
  r("DELETE", "/v1/transformations/{transformationId}", "delete_transformation"),
  r("POST", "/v1/transformations/{transformationId}/upgrade", "upgrade_transformation_package"),
  r("GET", "/v1/transformations/package-metadata", "transformation_package_metadata_list"),
  r("GET", "/v1/transformations/package-metadata/{package_definition_id}", "transformation_package_metadata_details"),
];

/** A request path matched against the table. */
export interface RouteMatch {
  /** The matched route. */
  route: Route;
  /** Path parameters (decoded). */
  params: Record<string, string>;
}

/** Result of matching a method and path. */
export type MatchResult =
  | { kind: "found"; match: RouteMatch }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

interface Compiled {
  route: Route;
  segments: string[];
  statics: number;
}

const COMPILED: Compiled[] = ROUTES.map((route) => {
  const segments = route.path.split("/").filter(Boolean);
  return { route, segments, statics: segments.filter((s) => !s.startsWith("{")).length };
}).sort((a, b) => b.statics - a.statics);

function matchSegments(c: Compiled, parts: string[]): Record<string, string> | undefined {
  if (c.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = c.segments[i];
    if (seg.startsWith("{")) {
      let value: string;
      try {
        value = decodeURIComponent(parts[i]);
      } catch {
        return undefined;
      }
      params[seg.slice(1, -1)] = value;
    } else if (seg !== parts[i]) return undefined;
  }
  return params;
}

/**
 * Match a method and path (`/v1/...`) against the route table.
 *
 * @example Using `matchRoute`
 * ```ts
 * import { matchRoute } from "./routes.ts";
 * const m = matchRoute("GET", "/v1/groups/rapid_harbor");
 * ```
 */
export function matchRoute(method: string, path: string): MatchResult {
  const parts = path.split("/").filter(Boolean);
  const allowed = new Set<string>();
  for (const c of COMPILED) {
    const params = matchSegments(c, parts);
    if (!params) continue;
    if (c.route.method === method) return { kind: "found", match: { route: c.route, params } };
    allowed.add(c.route.method);
  }
  return allowed.size ? { kind: "method-not-allowed", allowed: [...allowed].sort() } : { kind: "not-found" };
}

/**
 * Map a retired `/v1/connectors` path to today's `/v1/connections` path, or
 * undefined when the path is not a legacy one.
 *
 * @example Using `legacyAlias`
 * ```ts
 * import { legacyAlias } from "./routes.ts";
 * legacyAlias("/v1/connectors/abc/sync"); // "/v1/connections/abc/sync"
 * ```
 */
export function legacyAlias(path: string): string | undefined {
  if (path === "/v1/connectors" || path.startsWith("/v1/connectors/")) {
    return "/v1/connections" + path.slice("/v1/connectors".length);
  }
  const m = /^\/v1\/groups\/([^/]+)\/connectors$/.exec(path);
  if (m) return `/v1/groups/${m[1]}/connections`;
  if (path === "/v1/metadata/connectors" || path.startsWith("/v1/metadata/connectors/")) {
    return "/v1/metadata/connector-types" + path.slice("/v1/metadata/connectors".length);
  }
  return undefined;
}
