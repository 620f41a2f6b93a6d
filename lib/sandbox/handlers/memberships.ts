/**
 * Team and user memberships: a user in a team; a team or user in a group or
 * connection, each with a role of the right scope; and removing a team's or
 * user's account role.
 *
 * @module
 */

import { ApiError, conflict } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import type { MembershipKind, MembershipRecord } from "../memberships.ts";
import { paginate } from "../pagination.ts";
import { checkRole, type RoleScope } from "../roles.ts";
import type { SandboxState } from "../state.ts";
import { field, objectBody } from "../validate.ts";
import { iso } from "../views.ts";

/** `MembershipResponse`: the group or connection id, role and time. */
function membershipJson(m: MembershipRecord): Record<string, unknown> {
  return { id: m.id, role: m.role, created_at: iso(m.createdAt) };
}

/** `TeamMembershipResponse`: a user in a team. */
function teamUserJson(m: MembershipRecord): Record<string, unknown> {
  return { user_id: m.id, role: m.role, created_at: iso(m.createdAt) };
}

/** What differs between the group and connection membership operations. */
interface Target {
  kind: "group" | "connection";
  scope: RoleScope;
  /** 404 unless the target exists. */
  check(state: SandboxState, id: string): void;
  /** `NotFound_<label>` for a missing membership. */
  label: "Group" | "Connection";
}

const GROUP: Target = {
  kind: "group",
  scope: "DESTINATION",
  check: (state, id) => void state.group(id),
  label: "Group",
};
const CONNECTION: Target = {
  kind: "connection",
  scope: "CONNECTOR",
  check: (state, id) => void state.connection(id),
  label: "Connection",
};

function membership(
  state: SandboxState,
  kind: MembershipKind,
  owner: { what: string; id: string },
  target: { label: string; id: string },
): MembershipRecord {
  const m = state.memberships.get(kind, owner.id, target.id);
  if (!m) {
    throw new ApiError(
      404,
      `NotFound_${target.label}`,
      `${owner.what} with id '${owner.id}' has no membership in ${target.label.toLowerCase()} '${target.id}'`,
    );
  }
  return m;
}

function addMembership(
  state: SandboxState,
  kind: MembershipKind,
  ownerId: string,
  targetId: string,
  role: string,
): MembershipRecord {
  if (state.memberships.get(kind, ownerId, targetId)) {
    throw conflict(`A membership of '${ownerId}' in '${targetId}' already exists; PATCH it to change its role`);
  }
  return state.memberships.put(kind, ownerId, targetId, { seq: state.nextSeq(), role, createdAt: state.now() });
}

// ---- teams ----------------------------------------------------------------

/** GET /v1/teams/{teamId}/users (optional `active` filter). */
export const listTeamUsers: Handler = ({ state, params, query }) => {
  state.team(params.teamId);
  const active = query.get("active");
  const items = state.memberships.list("team-user", params.teamId)
    .filter((m) => active === null || String(state.users.get(m.id)?.active) === active);
  const p = paginate(items, `team-users:${params.teamId}:${active ?? ""}`, query);
  return list(p.items.map(teamUserJson), p.nextCursor, "Team users retrieved successfully");
};

/** POST /v1/teams/{teamId}/users. */
export const addTeamUser: Handler = ({ state, params, body: raw }) => {
  state.team(params.teamId);
  const body = objectBody(raw, true);
  const userId = field<string>(body, "user_id", "string", { required: true, nonEmpty: true })!;
  const role = field<string>(body, "role", "string") ?? "Team Member";
  checkRole(role, "TEAM");
  state.user(userId);
  const m = addMembership(state, "team-user", params.teamId, userId, role);
  return created(teamUserJson(m), "User has been added to the team");
};

function teamUser(state: SandboxState, teamId: string, userId: string): MembershipRecord {
  state.team(teamId);
  const m = state.memberships.get("team-user", teamId, userId);
  if (!m) throw new ApiError(404, "NotFound_User", `User with id '${userId}' is not a member of team '${teamId}'`);
  return m;
}

/** GET /v1/teams/{teamId}/users/{userId}. */
export const teamUserDetails: Handler = ({ state, params }) =>
  ok(teamUserJson(teamUser(state, params.teamId, params.userId)), "Team user details retrieved successfully");

/** PATCH /v1/teams/{teamId}/users/{userId}. */
export const modifyTeamUser: Handler = ({ state, params, body: raw }) => {
  const m = teamUser(state, params.teamId, params.userId);
  const role = field<string>(objectBody(raw, true), "role", "string", { required: true })!;
  checkRole(role, "TEAM");
  m.role = role;
  return ok(teamUserJson(m), "User role has been updated");
};

/** DELETE /v1/teams/{teamId}/users/{userId}. */
export const removeTeamUser: Handler = ({ state, params }) => {
  teamUser(state, params.teamId, params.userId);
  state.memberships.remove("team-user", params.teamId, params.userId);
  return done("User has been removed from the team");
};

/** DELETE /v1/teams/{teamId}/role. */
export const removeTeamRole: Handler = ({ state, params }) => {
  state.team(params.teamId).role = "";
  return done("Team role in account has been removed");
};

// ---- group and connection memberships, of teams and of users --------------

interface Owner {
  what: "Team" | "User";
  param: "teamId" | "userId";
  check(state: SandboxState, id: string): void;
  kind(t: Target): MembershipKind;
}

const TEAM: Owner = {
  what: "Team",
  param: "teamId",
  check: (state, id) => void state.team(id),
  kind: (t) => t.kind === "group" ? "team-group" : "team-connection",
};
const USER: Owner = {
  what: "User",
  param: "userId",
  check: (state, id) => void state.user(id),
  kind: (t) => t.kind === "group" ? "user-group" : "user-connection",
};

/** The five operations of one owner/target pair. */
interface MembershipOps {
  list: Handler;
  add: Handler;
  details: Handler;
  modify: Handler;
  remove: Handler;
}

/** The owner's id from the path (404 unless the team or user exists). */
function ownerOf(owner: Owner, state: SandboxState, params: Record<string, string>): string {
  const ownerId = params[owner.param];
  owner.check(state, ownerId);
  return ownerId;
}

function lookup(owner: Owner, target: Target, state: SandboxState, params: Record<string, string>) {
  const ownerId = ownerOf(owner, state, params);
  const targetId = params[target.kind === "group" ? "groupId" : "connectionId"];
  const m = membership(state, owner.kind(target), { what: owner.what, id: ownerId }, {
    label: target.label,
    id: targetId,
  });
  return { ownerId, targetId, m };
}

function membershipOps(owner: Owner, target: Target, messages: { list: string; details: string }): MembershipOps {
  const noun = target.kind === "group" ? "Group" : "Connection";
  const kind = owner.kind(target);
  return {
    list: ({ state, params, query }) => {
      const ownerId = ownerOf(owner, state, params);
      const p = paginate(state.memberships.list(kind, ownerId), `${kind}:${ownerId}`, query);
      return list(p.items.map(membershipJson), p.nextCursor, messages.list);
    },
    add: ({ state, params, body: raw }) => {
      const ownerId = ownerOf(owner, state, params);
      const body = objectBody(raw, true);
      const id = field<string>(body, "id", "string", { required: true, nonEmpty: true })!;
      const role = field<string>(body, "role", "string", { required: true })!;
      checkRole(role, target.scope);
      target.check(state, id);
      const m = addMembership(state, kind, ownerId, id, role);
      return created(membershipJson(m), `${noun} membership has been created`);
    },
    details: ({ state, params }) => ok(membershipJson(lookup(owner, target, state, params).m), messages.details),
    modify: ({ state, params, body: raw }) => {
      const { m } = lookup(owner, target, state, params);
      const role = field<string>(objectBody(raw, true), "role", "string", { required: true })!;
      checkRole(role, target.scope);
      m.role = role;
      return ok(membershipJson(m), `${noun} membership has been updated`);
    },
    remove: ({ state, params }) => {
      const { ownerId, targetId, m } = lookup(owner, target, state, params);
      state.memberships.remove(kind, ownerId, targetId);
      return ok(membershipJson(m), `${noun} membership has been deleted`);
    },
  };
}

/** `/v1/teams/{teamId}/groups[/{groupId}]`. */
export const teamGroups: MembershipOps = membershipOps(TEAM, GROUP, {
  list: "Team group memberships retrieved successfully",
  details: "Team group membership retrieved successfully",
});

/** `/v1/teams/{teamId}/connections[/{connectionId}]`. */
export const teamConnections: MembershipOps = membershipOps(TEAM, CONNECTION, {
  list: "Team connection memberships retrieved successfully",
  details: "Team connection membership retrieved successfully",
});

/** `/v1/users/{userId}/groups[/{groupId}]`. */
export const userGroups: MembershipOps = membershipOps(USER, GROUP, {
  list: "User memberships in groups retrieved successfully",
  details: "User membership in group retrieved successfully",
});

/** `/v1/users/{userId}/connections[/{connectionId}]`. */
export const userConnections: MembershipOps = membershipOps(USER, CONNECTION, {
  list: "User memberships in connections retrieved successfully",
  details: "User membership in connection retrieved successfully",
});

/** DELETE /v1/users/{userId}/role. */
export const removeUserRole: Handler = ({ state, params }) => {
  state.user(params.userId).role = "";
  return done("User role in account has been removed");
};
