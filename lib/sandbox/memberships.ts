/**
 * Memberships with a role: a user in a group or connection, a user in a team,
 * a team in a group or connection. One store for all of them, so that
 * `/v1/groups/{id}/users` and `/v1/users/{id}/groups` see the same records and
 * deleting a user, team, group or connection can drop every membership that
 * names it.
 *
 * @module
 */

/** What is a member of what: `owner` → `target`. */
export type MembershipKind =
  | "user-group"
  | "user-connection"
  | "team-user"
  | "team-group"
  | "team-connection";

/** One membership. */
export interface MembershipRecord {
  /** Creation order (stable paging). */
  seq: number;
  /** Id of the target (group, connection, or user for team-user). */
  id: string;
  /** Role within the target. */
  role: string;
  /** Creation time (epoch ms). */
  createdAt: number;
}

const KINDS: readonly MembershipKind[] = [
  "user-group",
  "user-connection",
  "team-user",
  "team-group",
  "team-connection",
];

/**
 * Memberships by kind, owner and target, each owner's in creation order.
 *
 * @example Add a user to a group
 * ```ts
 * import { MembershipStore } from "./memberships.ts";
 * const store = new MembershipStore();
 * store.put("user-group", "grateful_owl", "rapid_harbor", { seq: 1, role: "Manage Destination", createdAt: 0 });
 * store.list("user-group", "grateful_owl").length; // 1
 * ```
 */
export class MembershipStore {
  readonly #byKind = new Map<MembershipKind, Map<string, Map<string, MembershipRecord>>>(
    KINDS.map((k) => [k, new Map()]),
  );

  /** The membership of `owner` in `target`, if any. */
  get(kind: MembershipKind, owner: string, target: string): MembershipRecord | undefined {
    return this.#byKind.get(kind)!.get(owner)?.get(target);
  }

  /** Create the membership, or change the role of an existing one (keeping its seq and time). */
  put(
    kind: MembershipKind,
    owner: string,
    target: string,
    fresh: { seq: number; role: string; createdAt: number },
  ): MembershipRecord {
    const owners = this.#byKind.get(kind)!;
    let targets = owners.get(owner);
    if (!targets) owners.set(owner, targets = new Map());
    const existing = targets.get(target);
    if (existing) {
      existing.role = fresh.role;
      return existing;
    }
    const record = { id: target, ...fresh };
    targets.set(target, record);
    return record;
  }

  /** Remove one membership; returns it, or undefined when there was none. */
  remove(kind: MembershipKind, owner: string, target: string): MembershipRecord | undefined {
    const targets = this.#byKind.get(kind)!.get(owner);
    const record = targets?.get(target);
    if (record) targets!.delete(target);
    return record;
  }

  /** The owner's memberships of a kind, in creation order. */
  list(kind: MembershipKind, owner: string): MembershipRecord[] {
    const targets = this.#byKind.get(kind)!.get(owner);
    return targets ? [...targets.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  /** Owners that have a membership of this kind in `target`. */
  owners(kind: MembershipKind, target: string): Map<string, MembershipRecord> {
    const out = new Map<string, MembershipRecord>();
    for (const [owner, targets] of this.#byKind.get(kind)!) {
      const record = targets.get(target);
      if (record) out.set(owner, record);
    }
    return out;
  }

  /** Drop every membership `owner` holds in these kinds. */
  dropOwner(kinds: readonly MembershipKind[], owner: string): void {
    for (const kind of kinds) this.#byKind.get(kind)!.delete(owner);
  }

  /** Drop every membership in `target` of these kinds. */
  dropTarget(kinds: readonly MembershipKind[], target: string): void {
    for (const kind of kinds) {
      for (const targets of this.#byKind.get(kind)!.values()) targets.delete(target);
    }
  }
}
