/**
 * dbt transformation projects. A project needs a group whose destination is
 * connected (the live API refuses otherwise: go-fivetran skips its project
 * tests with "Destination must be CONNECTED"). Setup tests (`run_tests` or
 * `POST .../test`) make it READY when its git URL and dbt version look right,
 * ERROR otherwise. A project whose transformations still exist can't be
 * deleted (409); deleting its group deletes it with them.
 *
 * @module
 */

import { conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { token } from "../platform_state.ts";
import type { TransformationProjectRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { type Body, field, objectBody } from "../validate.ts";
import { iso } from "../views.ts";

/** `DBT_CORE` is the spec's type; go-fivetran (and so the live API) also uses `DBT_GIT`. */
const TYPES = ["DBT_CORE", "DBT_GIT"];
const UPDATABLE = ["folder_path", "git_branch", "threads", "target_name", "environment_vars"];
const CREATABLE = ["dbt_version", "default_schema", "git_remote_url", ...UPDATABLE];

function checkProjectConfig(config: Record<string, unknown>, allowed: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!allowed.includes(k)) throw invalidInput(`Field 'project_config.${k}' can't be set here`);
    if (v === null) continue;
    if (k === "threads") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
        throw invalidInput("Field 'project_config.threads' must be a positive integer");
      }
    } else if (k === "environment_vars") {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(x))) {
        throw invalidInput("Field 'project_config.environment_vars' must be an array of 'NAME=value' strings");
      }
    } else if (typeof v !== "string") {
      throw invalidInput(`Field 'project_config.${k}' must be a string`);
    }
    out[k] = structuredClone(v);
  }
  return out;
}

function projectJson(p: TransformationProjectRecord, tests?: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    type: p.type,
    status: p.status,
    errors: [...p.errors],
    created_at: iso(p.createdAt),
    created_by_id: p.createdById,
    group_id: p.groupId,
    project_config: {
      ...structuredClone(p.config),
      public_key: `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${token(`dbt:${p.id}`, 64)} fivetran-dbt-${p.id}`,
    },
  };
  if (tests) out.setup_tests = tests;
  return out;
}

/** Run the setup tests of a project: READY when its git URL and dbt version look right. */
function runTests(p: TransformationProjectRecord): Record<string, unknown>[] {
  const url = String(p.config.git_remote_url ?? "");
  const gitOk = /^(git@[^:\s]+[:/]\S+|https:\/\/\S+|ssh:\/\/\S+)$/.test(url);
  const dbtOk = /^\d+\.\d+(\.\d+)?$/.test(String(p.config.dbt_version ?? ""));
  p.errors = [];
  if (!gitOk) p.errors.push(`Git remote URL '${url}' is not a git SSH or HTTPS URL`);
  if (!dbtOk) p.errors.push(`dbt version '${p.config.dbt_version}' is not a version number`);
  p.status = p.errors.length ? "ERROR" : "READY";
  return [
    {
      title: "Validating git repository access",
      status: gitOk ? "PASSED" : "FAILED",
      message: gitOk ? "Cloned the repository with the project's deploy key" : p.errors[0],
    },
    gitOk
      ? {
        title: "Validating dbt project",
        status: dbtOk ? "PASSED" : "FAILED",
        message: dbtOk ? "dbt_project.yml found and parsed" : p.errors[p.errors.length - 1],
      }
      : { title: "Validating dbt project", status: "SKIPPED", message: "Skipped because an earlier test failed" },
  ];
}

function runTestsFlag(body: Body): boolean | undefined {
  return body.run_tests === null ? undefined : field<boolean>(body, "run_tests", "boolean");
}

function checkDestination(state: SandboxState, groupId: string): void {
  const d = state.destinations.get(groupId);
  if (!d || d.setupStatus.toUpperCase() !== "CONNECTED") {
    throw invalidInput(
      `Destination must be CONNECTED: group '${groupId}' ${
        d ? `has a ${d.setupStatus} destination` : "has no destination"
      }`,
    );
  }
}

/** GET /v1/transformation-projects. */
export const listTransformationProjects: Handler = ({ state, query }) => {
  const page = paginate(state.platform.transformationProjects.all(), "transformation-projects", query);
  return list(
    page.items.map((p) => ({
      id: p.id,
      type: p.type,
      created_at: iso(p.createdAt),
      created_by_id: p.createdById,
      group_id: p.groupId,
    })),
    page.nextCursor,
    "Transformation projects retrieved successfully",
  );
};

/** POST /v1/transformation-projects. */
export const createTransformationProject: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const groupId = field<string>(body, "group_id", "string", { required: true, nonEmpty: true })!;
  const type = field<string>(body, "type", "string", { required: true, oneOf: TYPES })!;
  const runTestsNow = runTestsFlag(body);
  const rawConfig = field<Record<string, unknown>>(body, "project_config", "object", { required: true })!;
  const config = checkProjectConfig(rawConfig, CREATABLE);
  for (const f of ["dbt_version", "git_remote_url"]) {
    if (!config[f]) throw invalidInput(`Missing required field 'project_config.${f}'`);
  }
  state.group(groupId);
  checkDestination(state, groupId);
  if (state.platform.transformationProjects.byKey(groupId).length) {
    throw conflict(`Group '${groupId}' already has a transformation project`, "AlreadyExists");
  }
  const p = state.platform.transformationProjects.add({
    seq: state.nextSeq(),
    id: state.newId(),
    groupId,
    type,
    status: "NOT_READY",
    errors: [],
    config,
    createdAt: state.now(),
    createdById: state.account.userId,
  });
  return created(projectJson(p, runTestsNow ? runTests(p) : undefined), "Transformation project has been created");
};

/** GET /v1/transformation-projects/{projectId}. */
export const transformationProjectDetails: Handler = ({ state, params }) =>
  ok(
    projectJson(state.platform.transformationProject(params.projectId)),
    "Transformation project retrieved successfully",
  );

/** PATCH /v1/transformation-projects/{projectId} (folder, branch, threads, target, environment). */
export const modifyTransformationProject: Handler = ({ state, params, body: raw }) => {
  const p = state.platform.transformationProject(params.projectId);
  const body = objectBody(raw);
  const runTestsNow = runTestsFlag(body);
  const rawConfig = body.project_config === null
    ? undefined
    : field<Record<string, unknown>>(body, "project_config", "object");
  if (rawConfig) {
    const checked = checkProjectConfig(rawConfig, UPDATABLE);
    for (const [k, v] of Object.entries(rawConfig)) {
      if (v === null) delete p.config[k];
      else p.config[k] = checked[k];
    }
  }
  return ok(projectJson(p, runTestsNow ? runTests(p) : undefined), "Transformation project has been updated");
};

/** DELETE /v1/transformation-projects/{projectId} (409 while transformations of it exist). */
export const deleteTransformationProject: Handler = ({ state, params }) => {
  const p = state.platform.transformationProject(params.projectId);
  const used = state.platform.projectTransformationIds(p.id);
  if (used.length) {
    throw conflict(
      `Transformation project '${p.id}' still has ${used.length} transformation(s) (${
        used.join(", ")
      }); delete them first`,
    );
  }
  state.platform.transformationProjects.remove(p.id);
  return done(`Transformation project with id '${p.id}' has been deleted`);
};

/** POST /v1/transformation-projects/{projectId}/test. */
export const testTransformationProject: Handler = ({ state, params, body }) => {
  objectBody(body);
  const p = state.platform.transformationProject(params.projectId);
  const tests = runTests(p);
  return ok(projectJson(p, tests), "Setup tests have been completed");
};
