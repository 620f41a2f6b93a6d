/**
 * What a group's destination uses to reach sources: the Google Cloud service
 * account (`GET /v1/groups/{groupId}/service-account`) and the SSH public key
 * to authorize on tunnel hosts (`GET /v1/groups/{groupId}/public-key`). Both
 * are fixed per group.
 *
 * @module
 */

import { type Handler, ok } from "../handler.ts";
import { hashString } from "../prng.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * The group's service account, in the form Fivetran gives it:
 * `g-<group id with - for _>@dulcet-yew-246109.iam.gserviceaccount.com`
 * (go-fivetran's end-to-end suite checks exactly this form).
 *
 * @example The demo's production group
 * ```ts
 * import { serviceAccount } from "./group_access.ts";
 * serviceAccount("rapid_harbor"); // "g-rapid-harbor@dulcet-yew-246109.iam.gserviceaccount.com"
 * ```
 */
export function serviceAccount(groupId: string): string {
  return `g-${groupId.replaceAll("_", "-")}@dulcet-yew-246109.iam.gserviceaccount.com`;
}

/**
 * The group's SSH public key (an RSA key in OpenSSH form, deterministic per group).
 *
 * @example Using `groupPublicKey`
 * ```ts
 * import { groupPublicKey } from "./group_access.ts";
 * groupPublicKey("rapid_harbor").startsWith("ssh-rsa AAAAB3NzaC1yc2E"); // true
 * ```
 */
export function groupPublicKey(groupId: string): string {
  let body = "";
  for (let i = 0; body.length < 340; i++) {
    let h = hashString(`ssh-key:${groupId}:${i}`);
    for (let k = 0; k < 5; k++, h >>>= 6) body += B64[h & 63];
  }
  return `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${body.slice(0, 340)}= fivetran user key`;
}

/** GET /v1/groups/{groupId}/service-account. */
export const groupServiceAccount: Handler = ({ state, params }) => {
  const g = state.group(params.groupId);
  return ok({ service_account: serviceAccount(g.id) }, "Group service account retrieved successfully");
};

/** GET /v1/groups/{groupId}/public-key. */
export const groupSshPublicKey: Handler = ({ state, params }) => {
  const g = state.group(params.groupId);
  return ok({ public_key: groupPublicKey(g.id) }, "Group SSH public key retrieved successfully");
};
