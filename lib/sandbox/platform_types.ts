/**
 * Record types of the sandbox's platform resources: external logging, external
 * secrets managers, hybrid deployment and proxy agents, private links, system
 * keys, Connector SDK packages, HVR hub registrations and transformation
 * projects. Timestamps are epoch milliseconds; secrets are kept unmasked in
 * state and masked (or left out) by the views.
 *
 * @module
 */

/** A log service (external logging), per group or for the account. */
export interface LogServiceRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id: the group's id, or the account's id for the account-level service. */
  id: string;
  /** `group` or `account`. */
  scope: "group" | "account";
  /** One of the 8 log services, e.g. `datadog_log`. */
  service: string;
  /** Whether logs are forwarded. */
  enabled: boolean;
  /** Configuration (secrets unmasked in state). */
  config: Record<string, unknown>;
  /** `connected` once a setup test passed, `incomplete` before, `broken` after a failed one. */
  setupState: "connected" | "broken" | "incomplete";
}

/** An external secrets manager. */
export interface SecretsManagerRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** `AWS_SECRET_MANAGER`, `AZURE_KEY_VAULT` or `HASHICORP_VAULT`. */
  type: string;
  /** Name. */
  name: string;
  /** Configuration (secrets unmasked in state). */
  config: Record<string, unknown>;
  /** Whether it is reached through a hybrid deployment agent. */
  isHybridDeployment: boolean;
  /** Creation time. */
  createdAt: number;
  /** Last change. */
  updatedAt: number;
}

/** A hybrid deployment agent. */
export interface HybridAgentRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Display name. */
  displayName: string;
  /** Id of the group it belongs to. */
  groupId: string;
  /** `DOCKER`, `PODMAN`, `KUBERNETES` or `SNOWPARK`. */
  deploymentType: string;
  /** `AUTO` (files with credentials) or `MANUAL` (a token). */
  authType: "AUTO" | "MANUAL";
  /** Agent version. */
  version: string;
  /** Registration time. */
  registeredAt: number;
  /** Last change. */
  updatedAt: number;
  /** Id of the creating user. */
  createdBy: string;
  /** Counter of issued credentials (each re-auth or reset issues new ones). */
  credentialsVersion: number;
}

/** A proxy agent. */
export interface ProxyAgentRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Display name (unique in the account). */
  displayName: string;
  /** Region. */
  region: string;
  /** Registration time. */
  registeredAt: number;
  /** Id of the creating user. */
  createdBy: string;
  /** Counter of issued secrets (regenerate-secrets issues new ones). */
  secretsVersion: number;
}

/** A private link. */
export interface PrivateLinkRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Name (unique in the account). */
  name: string;
  /** Region. */
  region: string;
  /** One of the 13 private-link services, e.g. `SOURCE_GCP`. */
  service: string;
  /** Configuration. */
  config: Record<string, unknown>;
  /** Creation time. */
  createdAt: number;
  /** Id of the creating user. */
  createdBy: string;
  /** When provisioning (state `CREATING`) or an update (`UPDATING`) finishes. */
  busyUntil: number;
  /** `CREATING` until the first provisioning finished, then `UPDATING` while an update runs. */
  busyState: "CREATING" | "UPDATING";
}

/** A permission of a system key. */
export interface SystemKeyPermission {
  /** Resource type, e.g. `CONNECTOR`. */
  resource_type: string;
  /** `NONE`, `READ` or `MANAGE`. */
  access_level: string;
  /** Optional filter by ids or group ids. */
  resource_filter?: { ids?: string[]; group_ids?: string[] };
}

/** A system key (an API key not tied to a user). */
export interface SystemKeyRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Name. */
  name: string;
  /** The key (public part of the credentials). */
  key: string;
  /** The secret; shown only when created or rotated. */
  secret: string;
  /** Permissions. */
  permissions: SystemKeyPermission[];
  /** Creation time. */
  createdAt: number;
  /** Last change. */
  updatedAt: number;
  /** Expiry, absent for `INFINITE`. */
  expiredAt?: number;
  /** Counter of issued secrets. */
  rotations: number;
}

/** A Connector SDK package (an uploaded code.zip). */
export interface SdkPackageRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** The uploaded file. */
  file: Uint8Array<ArrayBuffer>;
  /** File name as uploaded. */
  fileName: string;
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** Id of the creating user. */
  createdBy: string;
  /** Id of the last updating user. */
  lastUpdatedBy: string;
  /** Creation time. */
  createdAt: number;
  /** Last upload. */
  updatedAt: number;
}

/** An HVR hub registration. */
export interface HvrHubRecord {
  /** Registration id. */
  id: string;
  /** Hub server URL. */
  hubServerUrl: string;
  /** Port. */
  port: number;
  /** Certificate fingerprint of the hub. */
  fingerprint: string;
  /** Counter of issued access tokens. */
  tokens: number;
}

/** A dbt transformation project. */
export interface TransformationProjectRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id. */
  id: string;
  /** Id of the group (its destination runs the models). */
  groupId: string;
  /** Project type as sent (`DBT_CORE`; go-fivetran sends `DBT_GIT`). */
  type: string;
  /** `NOT_READY`, `READY` or `ERROR`. */
  status: "NOT_READY" | "READY" | "ERROR";
  /** Errors of the last setup test. */
  errors: string[];
  /** Project configuration. */
  config: Record<string, unknown>;
  /** Creation time. */
  createdAt: number;
  /** Id of the creating user. */
  createdById: string;
}

/** Platform resources a connection or destination uses (the ids it was created or patched with). */
export interface PlatformLinks {
  /** `proxy_agent_id`. */
  proxyAgentId?: string;
  /** `private_link_id`. */
  privateLinkId?: string;
  /** `hybrid_deployment_agent_id`. */
  hybridDeploymentAgentId?: string;
  /** `external_secrets_manager_id`. */
  externalSecretsManagerId?: string;
}

/**
 * Platform resources in an account fixture (`SandboxSeed.platform`). Secrets
 * (agent credentials, key secrets) are issued at load time, never read from
 * the fixture.
 */
export interface PlatformSeed {
  /** Log services; without `group_id` the account-level one. */
  log_services?: { group_id?: string; service: string; enabled?: boolean; config?: Record<string, unknown> }[];
  /** External secrets managers. */
  secrets_managers?: {
    id: string;
    type: string;
    name: string;
    config?: Record<string, unknown>;
    is_hybrid_deployment?: boolean;
  }[];
  /** Hybrid deployment agents. */
  hybrid_deployment_agents?: {
    id: string;
    group_id: string;
    display_name: string;
    env_type?: string;
    auth_type?: "AUTO" | "MANUAL";
  }[];
  /** Proxy agents. */
  proxy_agents?: { id: string; display_name: string; region: string }[];
  /** Private links (provisioned: state `OK`). */
  private_links?: { id: string; name: string; region: string; service: string; config?: Record<string, unknown> }[];
  /** System keys. */
  system_keys?: { id: string; name: string; permissions?: SystemKeyPermission[] }[];
  /** dbt transformation projects. */
  transformation_projects?: {
    id: string;
    group_id: string;
    type?: string;
    status?: "NOT_READY" | "READY" | "ERROR";
    project_config: Record<string, unknown>;
  }[];
  /** Which connection or destination uses which resource. */
  links?: {
    connection_id?: string;
    destination_id?: string;
    proxy_agent_id?: string;
    private_link_id?: string;
    hybrid_deployment_agent_id?: string;
    external_secrets_manager_id?: string;
  }[];
}
