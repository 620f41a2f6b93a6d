/**
 * Memberships in an account fixture: a team's users, groups and connections,
 * a user's connections (a user's groups are `users[].groups`, loaded with the
 * users), each with a role of the right scope.
 *
 * @module
 */

import { roleNames, type RoleScope } from "./roles.ts";
import type { SandboxState } from "./state.ts";
import type { SandboxSeed, SeedMembership } from "./types.ts";

function role(owner: string, m: SeedMembership, scope: RoleScope, fallback?: string): string {
  const r = m.role ?? fallback;
  if (r === undefined || !roleNames(scope).includes(r)) {
    throw new Error(`Seed ${owner}: role '${r}' of the membership in '${m.id}' is not a ${scope.toLowerCase()} role`);
  }
  return r;
}

/**
 * Add the memberships a seed names; its users, teams, groups and connections
 * must be loaded already.
 *
 * @example Give a team a member
 * ```ts
 * // loadSeedMemberships(state, { teams: [{ id: "t", name: "T", users: [{ id: "grateful_owl" }] }] });
 * ```
 */
export function loadSeedMemberships(state: SandboxState, seed: SandboxSeed): void {
  const now = state.now();
  const add = (kind: Parameters<SandboxState["memberships"]["put"]>[0], owner: string, target: string, r: string) =>
    state.memberships.put(kind, owner, target, { seq: state.nextSeq(), role: r, createdAt: now - 30 * 86_400_000 });
  const exists = (what: string, ok: boolean, owner: string, id: string) => {
    if (!ok) throw new Error(`Seed ${owner} names unknown ${what} '${id}'`);
  };
  for (const u of seed.users ?? []) {
    for (const m of u.connections ?? []) {
      exists("connection", !!state.connections.get(m.id), `user '${u.id}'`, m.id);
      add("user-connection", u.id, m.id, role(`user '${u.id}'`, m, "CONNECTOR"));
    }
  }
  for (const t of seed.teams ?? []) {
    const owner = `team '${t.id}'`;
    for (const m of t.users ?? []) {
      exists("user", !!state.users.get(m.id), owner, m.id);
      add("team-user", t.id, m.id, role(owner, m, "TEAM", "Team Member"));
    }
    for (const m of t.groups ?? []) {
      exists("group", !!state.groups.get(m.id), owner, m.id);
      add("team-group", t.id, m.id, role(owner, m, "DESTINATION"));
    }
    for (const m of t.connections ?? []) {
      exists("connection", !!state.connections.get(m.id), owner, m.id);
      add("team-connection", t.id, m.id, role(owner, m, "CONNECTOR"));
    }
  }
}
