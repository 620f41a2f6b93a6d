/**
 * Group operations and group membership of users.
 *
 * @module
 */

import { conflict, notFound } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { field, objectBody } from "../validate.ts";
import { groupJson, userJson } from "../views.ts";

/** GET /v1/groups. */
export const listGroups: Handler = ({ state, query }) => {
  const page = paginate(state.groups.all(), "groups", query);
  return list(page.items.map(groupJson), page.nextCursor, "Groups retrieved successfully");
};

/** POST /v1/groups. */
export const createGroup: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const name = field<string>(body, "name", "string", { required: true, nonEmpty: true })!;
  if (state.groups.all().some((g) => g.name === name)) {
    throw conflict(`A group named '${name}' already exists`, "AlreadyExists");
  }
  const g = state.groups.add({
    seq: state.nextSeq(),
    id: state.newId(),
    name,
    createdAt: state.now(),
  });
  return created(groupJson(g), "Group has been created");
};

/** GET /v1/groups/{groupId}. */
export const groupDetails: Handler = ({ state, params }) => ok(groupJson(state.group(params.groupId)));

/** PATCH /v1/groups/{groupId}. */
export const modifyGroup: Handler = ({ state, params, body: raw }) => {
  const g = state.group(params.groupId);
  const body = objectBody(raw);
  const name = field<string>(body, "name", "string", { nonEmpty: true });
  if (name !== undefined && name !== g.name) {
    if (state.groups.all().some((x) => x.name === name)) {
      throw conflict(`A group named '${name}' already exists`, "AlreadyExists");
    }
    g.name = name;
  }
  return ok(groupJson(g), "Group has been updated");
};

/** DELETE /v1/groups/{groupId} (with its destination, connections and webhooks). */
export const deleteGroup: Handler = ({ state, params }) => {
  state.deleteGroup(params.groupId);
  return done(`Group with id '${params.groupId}' has been deleted`);
};

/** GET /v1/groups/{groupId}/users. */
export const listGroupUsers: Handler = ({ state, params, query }) => {
  state.group(params.groupId);
  const members = state.groupUsers.get(params.groupId) ?? new Map<string, string>();
  const active = query.get("active");
  const users = state.users.all().filter((u) => members.has(u.id) && (active === null || String(u.active) === active));
  const page = paginate(users, `group-users:${params.groupId}`, query);
  return list(page.items.map(userJson), page.nextCursor);
};

/** POST /v1/groups/{groupId}/users. */
export const addGroupUser: Handler = ({ state, params, body: raw }) => {
  state.group(params.groupId);
  const body = objectBody(raw, true);
  const email = field<string>(body, "email", "string", { required: true, nonEmpty: true })!;
  const role = field<string>(body, "role", "string", {
    oneOf: ["Destination Administrator", "Destination Analyst", "Destination Reviewer"],
  }) ?? "Destination Reviewer";
  const user = state.users.all().find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (!user) throw notFound("User", email);
  state.addGroupUser(params.groupId, user.id, role);
  return done(`User with id '${user.id}' has been added to the group`);
};

/** DELETE /v1/groups/{groupId}/users/{userId}. */
export const removeGroupUser: Handler = ({ state, params }) => {
  state.group(params.groupId);
  const members = state.groupUsers.get(params.groupId);
  if (!members?.delete(params.userId)) throw notFound("User", params.userId);
  return done(`User with id '${params.userId}' has been removed from the group`);
};
