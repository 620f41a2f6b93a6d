/**
 * The standard roles of a Fivetran account (`GET /v1/roles`) and the checks
 * that membership and account roles name one of the right scope.
 *
 * The names are those Fivetran's clients use against the live API: the
 * current role model (Manage/Edit/View Destination, Create Connection,
 * Manage/Edit/View Connection), the names before it (Destination
 * Administrator/Analyst/Reviewer, Connector Administrator/Collaborator/
 * Reviewer, Connector Creator) and the short-lived "Connection ..." names,
 * both still accepted (go-fivetran's end-to-end suite creates memberships with
 * "Destination Administrator" and "Connector Administrator"), plus the team
 * roles "Team Manager" and "Team Member".
 *
 * @module
 */

import { invalidInput } from "./errors.ts";
import type { RoleRecord } from "./types.ts";

/** A role scope as `GET /v1/roles` names it. */
export type RoleScope = "ACCOUNT" | "DESTINATION" | "CONNECTOR" | "TEAM";

function role(name: string, description: string, scope: RoleScope, replacement?: string): RoleRecord {
  return {
    name,
    description,
    scope: [scope],
    isCustom: false,
    isDeprecated: replacement !== undefined,
    replacementRoleName: replacement,
  };
}

/**
 * Every standard role, account roles first (the first is Account
 * Administrator, with no replacement).
 *
 * @example Names of the team roles
 * ```ts
 * import { STANDARD_ROLES } from "./roles.ts";
 * const names = STANDARD_ROLES.filter((r) => r.scope.includes("TEAM")).map((r) => r.name);
 * ```
 */
export const STANDARD_ROLES: readonly RoleRecord[] = [
  role(
    "Account Administrator",
    "Can view and change account information, including billing, users, roles, API access and security settings. " +
      "Can create, manage and delete destinations and connections.",
    "ACCOUNT",
  ),
  role("Account Billing", "Can view billing and usage information and edit billing details.", "ACCOUNT"),
  role("Account Analyst", "Can view the account and manage its destinations and connections.", "ACCOUNT"),
  role("Account Reviewer", "Can view the account, its destinations and connections; cannot change them.", "ACCOUNT"),
  role("Destination Creator", "Can create destinations and manage the ones they created.", "ACCOUNT"),
  role("Manage Destination", "Can view, edit and delete the destination and manage its connections.", "DESTINATION"),
  role("Edit Destination", "Can view and edit the destination and its connections.", "DESTINATION"),
  role("View Destination", "Can view the destination and its connections.", "DESTINATION"),
  role("Create Connection", "Can create connections in the destination.", "DESTINATION"),
  role("Destination Administrator", "Legacy name of Manage Destination.", "DESTINATION", "Manage Destination"),
  role("Destination Analyst", "Legacy name of Edit Destination.", "DESTINATION", "Edit Destination"),
  role("Destination Reviewer", "Legacy name of View Destination.", "DESTINATION", "View Destination"),
  role("Connector Creator", "Legacy name of Create Connection.", "DESTINATION", "Create Connection"),
  role("Manage Connection", "Can view, edit, pause and delete the connection.", "CONNECTOR"),
  role("Edit Connection", "Can view and edit the connection.", "CONNECTOR"),
  role("View Connection", "Can view the connection.", "CONNECTOR"),
  role("Connector Administrator", "Legacy name of Manage Connection.", "CONNECTOR", "Manage Connection"),
  role("Connector Collaborator", "Legacy name of Edit Connection.", "CONNECTOR", "Edit Connection"),
  role("Connector Reviewer", "Legacy name of View Connection.", "CONNECTOR", "View Connection"),
  role("Connection Administrator", "Former name of Manage Connection.", "CONNECTOR", "Manage Connection"),
  role("Connection Collaborator", "Former name of Edit Connection.", "CONNECTOR", "Edit Connection"),
  role("Connection Reviewer", "Former name of View Connection.", "CONNECTOR", "View Connection"),
  role("Team Manager", "Can manage the team's members and their roles.", "TEAM"),
  role("Team Member", "Has the team's roles.", "TEAM"),
];

/**
 * Names of the roles of one scope.
 *
 * @example Destination roles
 * ```ts
 * import { roleNames } from "./roles.ts";
 * roleNames("DESTINATION").includes("Manage Destination"); // true
 * ```
 */
export function roleNames(scope: RoleScope): string[] {
  return STANDARD_ROLES.filter((r) => r.scope.includes(scope)).map((r) => r.name);
}

/**
 * Throw 400 `InvalidInput` unless `role` (when given) names a role of `scope`.
 *
 * @example Check a team role
 * ```ts
 * import { checkRole } from "./roles.ts";
 * checkRole("Team Member", "TEAM");
 * ```
 */
export function checkRole(role: unknown, scope: RoleScope, field = "role"): void {
  if (role === undefined) return;
  const names = roleNames(scope);
  if (typeof role !== "string" || !names.includes(role)) {
    const what = scope === "CONNECTOR" ? "connection" : scope.toLowerCase();
    throw invalidInput(`Invalid ${field} '${String(role)}': expected a ${what} role, one of ${names.join(", ")}`);
  }
}
