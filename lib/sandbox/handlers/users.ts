/**
 * User and team operations.
 *
 * @module
 */

import { conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { field, objectBody } from "../validate.ts";
import { teamJson, userJson } from "../views.ts";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** GET /v1/users (optional `active` filter). */
export const listUsers: Handler = ({ state, query }) => {
  const active = query.get("active");
  const page = paginate(
    state.users.all(),
    `users:${active ?? ""}`,
    query,
    active === null ? undefined : (u) => String(u.active) === active,
  );
  return list(page.items.map(userJson), page.nextCursor);
};

/** POST /v1/users (invites a user). */
export const createUser: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const email = field<string>(body, "email", "string", { required: true, nonEmpty: true })!;
  const given = field<string>(body, "given_name", "string", { required: true, nonEmpty: true })!;
  const family = field<string>(body, "family_name", "string", { required: true, nonEmpty: true })!;
  const phone = field<string>(body, "phone", "string");
  const picture = field<string>(body, "picture", "string");
  const role = field<string>(body, "role", "string");
  state.checkAccountRole(role);
  if (!EMAIL.test(email)) throw invalidInput(`Invalid email '${email}'`);
  if (state.users.all().some((u) => u.email.toLowerCase() === email.toLowerCase())) {
    throw conflict(`A user with email '${email}' already exists`, "AlreadyExists");
  }
  const now = state.now();
  const u = state.users.add({
    seq: state.nextSeq(),
    id: state.newId(),
    email,
    givenName: given,
    familyName: family,
    role: role ?? "Account Reviewer",
    active: true,
    verified: false,
    invited: true,
    phone,
    picture,
    createdAt: now,
    loggedInAt: undefined, // invited: never logged in
  });
  return created(userJson(u), "User has been invited to the account");
};

/** GET /v1/users/{userId}. */
export const userDetails: Handler = ({ state, params }) => ok(userJson(state.user(params.userId)));

/** PATCH /v1/users/{userId}. */
export const modifyUser: Handler = ({ state, params, body: raw }) => {
  const u = state.user(params.userId);
  const body = objectBody(raw);
  const given = field<string>(body, "given_name", "string", { nonEmpty: true });
  const family = field<string>(body, "family_name", "string", { nonEmpty: true });
  const phone = field<string>(body, "phone", "string");
  const picture = field<string>(body, "picture", "string");
  const role = field<string>(body, "role", "string");
  state.checkAccountRole(role);
  if (given !== undefined) u.givenName = given;
  if (family !== undefined) u.familyName = family;
  if (phone !== undefined) u.phone = phone;
  if (picture !== undefined) u.picture = picture;
  if (role !== undefined) u.role = role;
  return ok(userJson(u), "User has been updated");
};

/** DELETE /v1/users/{id}. */
export const deleteUser: Handler = ({ state, params }) => {
  state.deleteUser(params.id);
  return done(`User with id '${params.id}' has been deleted`);
};

/** GET /v1/teams. */
export const listTeams: Handler = ({ state, query }) => {
  const page = paginate(state.teams.all(), "teams", query);
  return list(page.items.map(teamJson), page.nextCursor);
};

/** POST /v1/teams. */
export const createTeam: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const name = field<string>(body, "name", "string", { required: true, nonEmpty: true })!;
  const description = field<string>(body, "description", "string") ?? "";
  const role = field<string>(body, "role", "string");
  state.checkAccountRole(role);
  if (state.teams.all().some((t) => t.name === name)) {
    throw conflict(`A team named '${name}' already exists`, "AlreadyExists");
  }
  const t = state.teams.add({
    seq: state.nextSeq(),
    id: state.newId(),
    name,
    description,
    role: role ?? "Account Reviewer",
  });
  return created(teamJson(t), "Team has been created");
};

/** GET /v1/teams/{teamId}. */
export const teamDetails: Handler = ({ state, params }) => ok(teamJson(state.team(params.teamId)));

/** PATCH /v1/teams/{teamId}. */
export const modifyTeam: Handler = ({ state, params, body: raw }) => {
  const t = state.team(params.teamId);
  const body = objectBody(raw);
  const name = field<string>(body, "name", "string", { nonEmpty: true });
  const description = field<string>(body, "description", "string");
  const role = field<string>(body, "role", "string");
  state.checkAccountRole(role);
  if (name !== undefined && name !== t.name) {
    if (state.teams.all().some((x) => x.name === name)) {
      throw conflict(`A team named '${name}' already exists`, "AlreadyExists");
    }
    t.name = name;
  }
  if (description !== undefined) t.description = description;
  if (role !== undefined) t.role = role;
  return ok(teamJson(t), "Team has been updated");
};

/** DELETE /v1/teams/{teamId}. */
export const deleteTeam: Handler = ({ state, params }) => {
  state.team(params.teamId);
  state.teams.remove(params.teamId);
  return done("Team has been deleted");
};
