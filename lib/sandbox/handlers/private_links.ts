/**
 * Private links for the 13 services of the spec's discriminator mapping, each
 * with the config fields its schema requires. A new link is `CREATING` for a
 * minute of sandbox time (then `OK`); while it is being created or updated it
 * refuses changes and deletion with 409 `IllegalState`, as go-fivetran's
 * end-to-end test shows the live API does. A link used by connections or
 * destinations can't be deleted (409).
 *
 * @module
 */

import { ApiError, conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { PRIVATE_LINK_PROVISION_MS } from "../platform_state.ts";
import type { PrivateLinkRecord } from "../platform_types.ts";
import { specService } from "../spec_catalog.ts";
import type { SandboxState } from "../state.ts";
import { field, objectBody, REGIONS } from "../validate.ts";
import { iso } from "../views.ts";

/**
 * The private-link services, as the spec's discriminator lists them; their config fields (all strings) and which
 * are required are the spec's `*_private_link_config_V1`, from `spec_services.ts`.
 */
export const PRIVATE_LINK_SERVICES: readonly string[] = [
  "DATABRICKS_AWS",
  "SNOWFLAKE_AWS",
  "REDSHIFT_AWS",
  "SOURCE_AWS",
  "DATABRICKS_AZURE",
  "SNOWFLAKE_AZURE",
  "ONELAKE_AZURE",
  "POSTGRES_WAREHOUSE_AZURE",
  "SQL_DATA_WAREHOUSE_AZURE",
  "SOURCE_AZURE",
  "SNOWFLAKE_GCP",
  "SOURCE_GCP",
  "DATABRICKS_GCP",
];

function cloudOf(service: string): string {
  return service.slice(service.lastIndexOf("_") + 1);
}

function checkConfig(service: string, config: Record<string, unknown>, partial: boolean): Record<string, unknown> {
  const spec = specService("privateLinks", service)!;
  const known = Object.keys(spec.fields);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!known.includes(k)) {
      throw invalidInput(`Unknown field 'config.${k}' for private link service '${service}'`);
    }
    if (v === null) continue;
    if (typeof v !== "string" || v.trim() === "") {
      throw invalidInput(`Field 'config.${k}' must be a non-empty string`);
    }
    out[k] = v;
  }
  if (!partial) {
    const missing = spec.required.filter((f) => out[f] === undefined);
    if (missing.length) {
      throw invalidInput(`Missing required field(s) ${missing.map((m) => `config.${m}`).join(", ")} for '${service}'`);
    }
  }
  return out;
}

function linkJson(state: SandboxState, l: PrivateLinkRecord): Record<string, unknown> {
  const s = state.platform.privateLinkState(l);
  const out: Record<string, unknown> = {
    id: l.id,
    name: l.name,
    region: l.region,
    service: l.service,
    account_id: state.account.id,
    cloud_provider: cloudOf(l.service),
    state: s,
    state_summary: s === "OK"
      ? "Private link is ready"
      : `Private link is being ${s === "CREATING" ? "created" : "updated"}`,
    created_at: iso(l.createdAt),
    created_by: l.createdBy,
    config: { ...l.config },
  };
  if (s === "OK") {
    out.host = `${l.id.replace(/_/g, "-")}.privatelink.${cloudOf(l.service).toLowerCase()}.fivetran.example`;
  }
  return out;
}

function checkIdle(state: SandboxState, l: PrivateLinkRecord): void {
  const s = state.platform.privateLinkState(l);
  if (s !== "OK") {
    throw new ApiError(
      409,
      "IllegalState",
      `Private link '${l.id}' is in state ${s}: no operation is allowed until it is OK`,
    );
  }
}

/** GET /v1/private-links. */
export const listPrivateLinks: Handler = ({ state, query }) => {
  const page = paginate(state.platform.privateLinks.all(), "private-links", query);
  return list(page.items.map((l) => linkJson(state, l)), page.nextCursor, "Private links retrieved successfully");
};

/** POST /v1/private-links (the link is CREATING for a minute of sandbox time). */
export const createPrivateLink: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const name = field<string>(body, "name", "string", { required: true, nonEmpty: true })!;
  const region = field<string>(body, "region", "string", { required: true, oneOf: REGIONS })!;
  const service = field<string>(body, "service", "string", { required: true, oneOf: PRIVATE_LINK_SERVICES })!;
  const config = field<Record<string, unknown>>(body, "config", "object", { required: true })!;
  if (cloudOf(service) !== region.split("_")[0]) {
    throw invalidInput(`Service '${service}' is not available in region '${region}'`);
  }
  const checked = checkConfig(service, config, false);
  if (state.platform.privateLinks.all().some((l) => l.name === name)) {
    throw conflict(`A private link named '${name}' already exists`, "AlreadyExists");
  }
  const now = state.now();
  const l = state.platform.privateLinks.add({
    seq: state.nextSeq(),
    id: state.newId(),
    name,
    region,
    service,
    config: checked,
    createdAt: now,
    createdBy: state.account.userId,
    busyUntil: now + PRIVATE_LINK_PROVISION_MS,
    busyState: "CREATING",
  });
  return created(linkJson(state, l), "Private link has been created");
};

/** GET /v1/private-links/{privateLinkId}. */
export const privateLinkDetails: Handler = ({ state, params }) =>
  ok(linkJson(state, state.platform.privateLink(params.privateLinkId)), "Private link retrieved successfully");

/** PATCH /v1/private-links/{privateLinkId} (config only; 409 IllegalState unless OK). */
export const modifyPrivateLink: Handler = ({ state, params, body: raw }) => {
  const l = state.platform.privateLink(params.privateLinkId);
  const body = objectBody(raw, true);
  const config = field<Record<string, unknown>>(body, "config", "object", { required: true })!;
  checkIdle(state, l);
  const next = { ...l.config, ...checkConfig(l.service, config, true) };
  for (const [k, v] of Object.entries(config)) if (v === null) delete next[k];
  checkConfig(l.service, next, false);
  l.config = next;
  l.busyUntil = state.now() + PRIVATE_LINK_PROVISION_MS;
  l.busyState = "UPDATING";
  return ok(linkJson(state, l), "Private link has been updated");
};

/** DELETE /v1/private-links/{privateLinkId} (409 while busy or in use). */
export const deletePrivateLink: Handler = ({ state, params }) => {
  const l = state.platform.privateLink(params.privateLinkId);
  checkIdle(state, l);
  const users = state.platform.dependents("privateLinkId", l.id);
  if (users.length) {
    throw conflict(`Private link '${l.id}' is used by ${users.length} connection(s) or destination(s)`);
  }
  state.platform.privateLinks.remove(l.id);
  return done(`Private link with id '${l.id}' has been deleted`);
};
