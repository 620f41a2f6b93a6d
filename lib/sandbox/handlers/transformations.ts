/**
 * Transformation operations: list, details, update (pause/schedule), run and
 * cancel. Runs move RUNNING → SUCCEEDED (or FAILED for failing ones) after
 * the sync duration; cancel makes a running one CANCELED.
 *
 * @module
 */

import { conflict, invalidInput } from "../errors.ts";
import { done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { field, objectBody } from "../validate.ts";
import { transformationJson } from "../views.ts";

const SCHEDULE_TYPES = ["INTEGRATED", "TIME_OF_DAY", "INTERVAL", "CRON"];

/** GET /v1/transformations (optional `type`, `project_id` and `group_id` filters). */
export const listTransformations: Handler = ({ state, query }) => {
  const type = query.get("type");
  const projectId = query.get("project_id");
  const groupId = query.get("group_id");
  const projects = groupId === null
    ? undefined
    : new Set(state.platform.transformationProjects.byKey(groupId).map((p) => p.id));
  const filtered = type !== null || projectId !== null || projects !== undefined;
  const page = paginate(
    state.transformations.all(),
    `transformations:${type ?? ""}:${projectId ?? ""}:${groupId ?? ""}`,
    query,
    filtered
      ? (t) =>
        (type === null || t.type === type) &&
        (projectId === null || t.config.project_id === projectId) &&
        (projects === undefined || projects.has(t.config.project_id as string))
      : undefined,
  );
  return list(page.items.map((t) => transformationJson(state, t)), page.nextCursor);
};

/** GET /v1/transformations/{transformationId}. */
export const transformationDetails: Handler = ({ state, params }) =>
  ok(transformationJson(state, state.transformation(params.transformationId)));

/** PATCH /v1/transformations/{transformationId}. */
export const updateTransformation: Handler = ({ state, params, body: raw }) => {
  const t = state.transformation(params.transformationId);
  const body = objectBody(raw);
  const paused = field<boolean>(body, "paused", "boolean");
  const schedule = field<Record<string, unknown>>(body, "schedule", "object");
  if (schedule !== undefined) {
    if (!SCHEDULE_TYPES.includes(schedule.schedule_type as string)) {
      throw invalidInput(`schedule.schedule_type must be one of ${SCHEDULE_TYPES.join(", ")}`);
    }
    if (schedule.interval !== undefined && !Number.isInteger(schedule.interval)) {
      throw invalidInput("schedule.interval must be an integer (minutes)");
    }
    t.schedule = structuredClone(schedule);
  }
  if (paused !== undefined) t.paused = paused;
  return ok(transformationJson(state, t), "Transformation has been updated");
};

/** POST /v1/transformations/{transformationId}/run. */
export const runTransformation: Handler = ({ state, params, body: raw }) => {
  const t = state.transformation(params.transformationId);
  const body = objectBody(raw);
  field(body, "full_refresh", "boolean");
  if (t.status === "RUNNING") {
    throw conflict(`Transformation '${t.id}' is already running`);
  }
  state.runTransformation(t);
  return done(`Transformation run has been triggered for transformation with id '${t.id}'`);
};

/** POST /v1/transformations/{transformationId}/cancel. */
export const cancelTransformation: Handler = ({ state, params }) => {
  const t = state.transformation(params.transformationId);
  if (t.status !== "RUNNING") {
    throw conflict(`Transformation '${t.id}' is not running (status ${t.status})`);
  }
  t.status = "CANCELED";
  t.run = undefined;
  t.lastEndedAt = state.now();
  return done(`Transformation run has been canceled for transformation with id '${t.id}'`);
};
