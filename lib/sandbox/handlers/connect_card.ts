/**
 * `POST /v1/connections/{connectionId}/connect-card`: a Connect Card token
 * and the URI to send an end user to, with the config echoed back. The token
 * has the shape of a JWT (header, payload with the connection id and an
 * expiry one hour out, signature) but its signature is only a deterministic
 * digest: nothing outside the sandbox can use it.
 *
 * @module
 */

import { invalidInput } from "../errors.ts";
import { type Handler, ok } from "../handler.ts";
import { hashString } from "../prng.ts";
import { field, objectBody } from "../validate.ts";

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * A Connect Card token for a connection, issued at `now` (epoch ms).
 *
 * @example Using `connectCardToken`
 * ```ts
 * import { connectCardToken } from "./connect_card.ts";
 * connectCardToken("crimson_ledger", 0).split(".").length; // 3
 * ```
 */
export function connectCardToken(connectionId: string, now: number): string {
  const iat = Math.floor(now / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ sub: connectionId, aud: "connect-card", iat, exp: iat + 3600 }));
  let signature = "";
  for (let i = 0; signature.length < 43; i++) {
    signature += (hashString(`${header}.${payload}:${i}`) >>> 0).toString(36);
  }
  return `${header}.${payload}.${base64url(signature).slice(0, 43)}`;
}

/** POST /v1/connections/{connectionId}/connect-card. */
export const createConnectCard: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const body = objectBody(raw, true);
  const config = field<Record<string, unknown>>(body, "connect_card_config", "object", { required: true })!;
  const redirectUri = field<string>(config, "redirect_uri", "string", { required: true, nonEmpty: true })!;
  if (!/^https?:\/\/[^\s]+$/i.test(redirectUri)) {
    throw invalidInput(`Field 'redirect_uri' must be an http:// or https:// URI, got '${redirectUri}'`);
  }
  const hide = field<boolean>(config, "hide_setup_guide", "boolean");
  const allFields = field<boolean>(config, "all_fields", "boolean");
  const token = connectCardToken(c.id, state.now());
  const query = new URLSearchParams({ redirect_uri: redirectUri, auth: token });
  if (hide !== undefined) query.set("hide_setup_guide", String(hide));
  if (allFields !== undefined) query.set("all_fields", String(allFields));
  const echoed: Record<string, unknown> = { redirect_uri: redirectUri, hide_setup_guide: hide ?? false };
  if (allFields !== undefined) echoed.all_fields = allFields;
  return ok({
    connector_id: c.id,
    connect_card: { token, uri: `https://fivetran.com/connect-card/setup?${query}` },
    connect_card_config: echoed,
  }, "Connection Connect Card has been created");
};
