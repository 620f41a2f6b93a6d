/**
 * Destination operations. A destination's id is its group's id.
 *
 * @module
 */

import { conflict, invalidInput } from "../errors.ts";
import { checkConfig, specService, specServiceIds } from "../spec_catalog.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { MASK } from "../mask.ts";
import { paginate } from "../pagination.ts";
import { destinationTests } from "../setup_tests.ts";
import { field, NETWORKING_METHODS, objectBody, REGIONS, TIME_ZONE_OFFSETS } from "../validate.ts";
import { destinationJson } from "../views.ts";

const SERVICES = [
  "snowflake",
  "big_query",
  "redshift",
  "databricks",
  "postgres_warehouse",
  "sql_server_warehouse",
  "managed_big_query",
  "s3_datalake",
];

/** GET /v1/destinations. */
export const listDestinations: Handler = ({ state, query }) => {
  const page = paginate(state.destinations.all(), "destinations", query);
  return list(
    page.items.map((d) => destinationJson(d, false)),
    page.nextCursor,
    "Destinations list retrieved successfully",
  );
};

/** POST /v1/destinations. */
export const createDestination: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const groupId = field<string>(body, "group_id", "string", { required: true, nonEmpty: true })!;
  const service = field<string>(body, "service", "string", { required: true, nonEmpty: true })!;
  if (!SERVICES.includes(service) && !specService("destinations", service)) {
    throw invalidInput(
      `Unsupported destination service '${service}': expected one of ${specServiceIds("destinations").join(", ")}`,
    );
  }
  const tz = field<string>(body, "time_zone_offset", "string", {
    required: true,
    oneOf: TIME_ZONE_OFFSETS,
  })!;
  const region = field<string>(body, "region", "string", { oneOf: REGIONS });
  const config = checkConfig("destinations", service, body.config ?? {}, { mode: "create" });
  const dst = field<boolean>(body, "daylight_saving_time_enabled", "boolean");
  const networking = field<string>(body, "networking_method", "string", {
    oneOf: NETWORKING_METHODS,
  });
  field(body, "trust_certificates", "boolean");
  field(body, "trust_fingerprints", "boolean");
  const runTests = field<boolean>(body, "run_setup_tests", "boolean");
  const group = state.group(groupId);
  if (state.destinations.get(groupId)) {
    throw conflict(`Group '${groupId}' already has a destination`, "AlreadyExists");
  }
  const d = state.destinations.add({
    seq: state.nextSeq(),
    id: group.id,
    groupId: group.id,
    service,
    region: region ?? "GCP_US_EAST4", // the live API's default (go-fivetran's e2e suite)
    timeZoneOffset: tz,
    setupStatus: runTests === false ? "INCOMPLETE" : "CONNECTED",
    daylightSavingTimeEnabled: dst ?? true,
    networkingMethod: networking ?? "Directly",
    config: { ...config },
    createdAt: state.now(),
  });
  const data = destinationJson(d, true);
  if (runTests !== false) data.setup_tests = destinationTests(service);
  return created(data, "Destination has been created");
};

/** GET /v1/destinations/{destinationId}. */
export const destinationDetails: Handler = ({ state, params }) =>
  ok(destinationJson(state.destination(params.destinationId), true));

/** PATCH /v1/destinations/{destinationId} (the spec requires `time_zone_offset`). */
export const modifyDestination: Handler = ({ state, params, body: raw }) => {
  const d = state.destination(params.destinationId);
  const body = objectBody(raw, true);
  const tz = field<string>(body, "time_zone_offset", "string", {
    required: true,
    oneOf: TIME_ZONE_OFFSETS,
  })!;
  const region = field<string>(body, "region", "string", { oneOf: REGIONS });
  const config = body.config === undefined
    ? undefined
    : checkConfig("destinations", d.service, body.config, { mode: "patch" });
  const dst = field<boolean>(body, "daylight_saving_time_enabled", "boolean");
  const networking = field<string>(body, "networking_method", "string", {
    oneOf: NETWORKING_METHODS,
  });
  field(body, "trust_certificates", "boolean");
  field(body, "trust_fingerprints", "boolean");
  const runTests = field<boolean>(body, "run_setup_tests", "boolean");
  d.timeZoneOffset = tz;
  if (region !== undefined) d.region = region;
  if (dst !== undefined) d.daylightSavingTimeEnabled = dst;
  if (networking !== undefined) d.networkingMethod = networking;
  for (const [k, v] of Object.entries(config ?? {})) if (v !== MASK) d.config[k] = v;
  const data = destinationJson(d, true);
  if (runTests === true) {
    d.setupStatus = "CONNECTED";
    data.setup_status = d.setupStatus;
    data.setup_tests = destinationTests(d.service);
  }
  return ok(data, "Destination has been updated");
};

/** DELETE /v1/destinations/{destinationId} (409 while the group has connections). */
export const deleteDestination: Handler = ({ state, params }) => {
  const d = state.destination(params.destinationId);
  const n = state.connections.byKey(d.groupId).length;
  if (n > 0) {
    throw conflict(
      `Destination '${d.id}' still has ${n} connection(s); delete them (or the group) first`,
    );
  }
  state.destinations.remove(d.id);
  return done(`Destination with id '${d.id}' has been deleted`);
};

/** POST /v1/destinations/{destinationId}/test. */
export const runDestinationTests: Handler = ({ state, params, body: raw }) => {
  const d = state.destination(params.destinationId);
  const body = objectBody(raw);
  field(body, "trust_certificates", "boolean");
  field(body, "trust_fingerprints", "boolean");
  d.setupStatus = "CONNECTED";
  const data = destinationJson(d, true);
  data.setup_tests = destinationTests(d.service);
  return ok(data, "Setup tests have been completed");
};
