/**
 * HVR hub registration: registering a hub (by server URL and port) answers a
 * registration id and an access token; registering the same hub again keeps
 * its registration id and issues a new token.
 *
 * @module
 */

import { invalidInput } from "../errors.ts";
import { type Handler, ok } from "../handler.ts";
import { token } from "../platform_state.ts";
import { field, objectBody } from "../validate.ts";

/** POST /v1/hvr/register-hub. */
export const registerHvrHub: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const url = field<string>(body, "hub_server_url", "string", { required: true, nonEmpty: true })!;
  const port = field<number>(body, "port", "integer", { required: true })!;
  const fingerprint = field<string>(body, "fingerprint", "string", { required: true, nonEmpty: true })!;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput(`Invalid hub_server_url '${url}': expected an absolute URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw invalidInput(`Invalid hub_server_url '${url}': expected http or https`);
  }
  if (port < 1 || port > 65_535) throw invalidInput(`Invalid port ${port}: expected 1 to 65535`);
  const key = `${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, "")}:${port}`;
  let hub = state.platform.hvrHubs.get(key);
  if (!hub) {
    hub = { id: state.newId(), hubServerUrl: url, port, fingerprint, tokens: 0 };
    state.platform.hvrHubs.set(key, hub);
  }
  hub.fingerprint = fingerprint;
  hub.tokens++;
  return ok(
    { registration_id: hub.id, access_token: token(`hvr:${hub.id}:${hub.tokens}`, 40) },
    "HVR hub has been registered",
  );
};
