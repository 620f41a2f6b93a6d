/**
 * State of the sandbox's platform resources (external logging, secrets
 * managers, agents, private links, system keys, Connector SDK packages, HVR
 * hubs, transformation projects) and how they hang on the account's groups,
 * connections and destinations. Owned by `SandboxState` as `state.platform`.
 *
 * @module
 */

import { Collection } from "./collection.ts";
import { ApiError, notFound } from "./errors.ts";
import { hashString } from "./prng.ts";
import type {
  HvrHubRecord,
  HybridAgentRecord,
  LogServiceRecord,
  PrivateLinkRecord,
  ProxyAgentRecord,
  SdkPackageRecord,
  SecretsManagerRecord,
  SystemKeyRecord,
  TransformationProjectRecord,
} from "./platform_types.ts";
import type { SandboxState } from "./state.ts";
import type { ConnectionRecord, DestinationRecord } from "./types.ts";

/** How long a private link takes to provision (or to apply an update), in ms. */
export const PRIVATE_LINK_PROVISION_MS = 60_000;

/** A connection or destination that uses a platform resource. */
export interface Dependent {
  /** `SOURCE` (a connection) or `DESTINATION`. */
  type: "SOURCE" | "DESTINATION";
  /** The connection, when `SOURCE`. */
  connection?: ConnectionRecord;
  /** The destination, when `DESTINATION`. */
  destination?: DestinationRecord;
}

/** Which link field of a connection/destination points at a resource kind. */
export type LinkKind = "proxyAgentId" | "privateLinkId" | "hybridDeploymentAgentId" | "externalSecretsManagerId";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A deterministic token of `length` characters derived from `seed`.
 *
 * @example Using `token`
 * ```ts
 * import { token } from "./platform_state.ts";
 * token("proxy:brisk_otter:1", 32); // 32 letters and digits, the same every time
 * ```
 */
export function token(seed: string, length: number, alphabet = ALPHANUMERIC): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    let h = hashString(`${seed}#${i}`);
    for (let k = 0; k < 4 && out.length < length; k++, h = Math.floor(h / alphabet.length)) {
      out += alphabet[h % alphabet.length];
    }
  }
  return out;
}

/**
 * The platform resources of one sandbox account.
 *
 * @example Using `PlatformState`
 * ```ts
 * import { SandboxState } from "./state.ts";
 * import { systemClock } from "./clock.ts";
 * const state = new SandboxState({ clock: systemClock, syncMs: 10_000, randomSeed: 1 });
 * state.platform.proxyAgents.size; // 0
 * ```
 */
export class PlatformState {
  /** Log services (per group: id = group id; the account's: id = account id). */
  readonly logServices = new Collection<LogServiceRecord>();
  /** External secrets managers. */
  readonly secretsManagers = new Collection<SecretsManagerRecord>();
  /** Hybrid deployment agents, indexed by group. */
  readonly hybridAgents = new Collection<HybridAgentRecord>((a) => a.groupId);
  /** Proxy agents. */
  readonly proxyAgents = new Collection<ProxyAgentRecord>();
  /** Private links. */
  readonly privateLinks = new Collection<PrivateLinkRecord>();
  /** System keys. */
  readonly systemKeys = new Collection<SystemKeyRecord>();
  /** Connector SDK packages. */
  readonly sdkPackages = new Collection<SdkPackageRecord>();
  /** HVR hub registrations by hub server URL and port. */
  readonly hvrHubs = new Map<string, HvrHubRecord>();
  /** Transformation projects, indexed by group. */
  readonly transformationProjects = new Collection<TransformationProjectRecord>((p) => p.groupId);
  readonly #root: SandboxState;

  /** Platform state of `root`. */
  constructor(root: SandboxState) {
    this.#root = root;
  }

  /** A log service or 404. */
  logService(id: string): LogServiceRecord {
    const s = this.logServices.get(id);
    if (!s) throw new ApiError(404, "NotFound_LogService", `Log service with id '${id}' doesn't exist`);
    return s;
  }

  /** The account-level log service or 404. */
  accountLogService(): LogServiceRecord {
    const s = this.logServices.all().find((x) => x.scope === "account");
    if (!s) {
      throw new ApiError(404, "NotFound_LogService", "The account has no account-level log service");
    }
    return s;
  }

  /** An external secrets manager or 404 (code and message as the spec's example). */
  secretsManager(id: string): SecretsManagerRecord {
    const m = this.secretsManagers.get(id);
    if (!m) throw new ApiError(404, "NotFound", `External Secrets Manager with '${id}' id is not found.`);
    return m;
  }

  /** A hybrid deployment agent or 404. */
  hybridAgent(id: string): HybridAgentRecord {
    const a = this.hybridAgents.get(id);
    if (!a) throw notFound("HybridDeploymentAgent", id);
    return a;
  }

  /** A proxy agent or 404 (code and message as the spec's example). */
  proxyAgent(id: string): ProxyAgentRecord {
    const a = this.proxyAgents.get(id);
    if (!a) throw new ApiError(404, "NotFound", "Proxy Agent not found.");
    return a;
  }

  /** A private link or 404. */
  privateLink(id: string): PrivateLinkRecord {
    const l = this.privateLinks.get(id);
    if (!l) throw notFound("PrivateLink", id);
    return l;
  }

  /** A private link's state now: `CREATING`/`UPDATING` until provisioned, then `OK`. */
  privateLinkState(l: PrivateLinkRecord): "CREATING" | "UPDATING" | "OK" {
    return this.#root.now() < l.busyUntil ? l.busyState : "OK";
  }

  /** A system key or 404. */
  systemKey(id: string): SystemKeyRecord {
    const k = this.systemKeys.get(id);
    if (!k) throw notFound("SystemKey", id);
    return k;
  }

  /** A Connector SDK package or 404. */
  sdkPackage(id: string): SdkPackageRecord {
    const p = this.sdkPackages.get(id);
    if (!p) throw notFound("ConnectorSdkPackage", id);
    return p;
  }

  /** The connection that uses a package (`config.package_id`), if any. */
  packageConnection(id: string): ConnectionRecord | undefined {
    return this.#root.connections.all().find((c) => c.service === "connector_sdk" && c.config.package_id === id);
  }

  /** A transformation project or 404. */
  transformationProject(id: string): TransformationProjectRecord {
    const p = this.transformationProjects.get(id);
    if (!p) throw notFound("TransformationProject", id);
    return p;
  }

  /** Connections and destinations whose `kind` link points at `id`, connections first. */
  dependents(kind: LinkKind, id: string): Dependent[] {
    const out: Dependent[] = [];
    for (const c of this.#root.connections.all()) {
      if (c.links?.[kind] === id) out.push({ type: "SOURCE", connection: c });
    }
    for (const d of this.#root.destinations.all()) {
      if (d.links?.[kind] === id) out.push({ type: "DESTINATION", destination: d });
    }
    return out;
  }

  /** Transformations that belong to a project (`transformation_config.project_id`). */
  projectTransformationIds(projectId: string): string[] {
    return this.#root.transformations.all().filter((t) => t.config.project_id === projectId).map((t) => t.id);
  }

  /**
   * Remove what hangs on a group that is being deleted: its log service, its
   * hybrid deployment agents, its transformation projects and their
   * transformations.
   */
  deleteGroup(groupId: string): void {
    this.logServices.remove(groupId);
    for (const a of [...this.hybridAgents.byKey(groupId)]) this.hybridAgents.remove(a.id);
    for (const p of [...this.transformationProjects.byKey(groupId)]) {
      for (const t of this.projectTransformationIds(p.id)) this.#root.transformations.remove(t);
      this.transformationProjects.remove(p.id);
    }
  }
}
