/**
 * The atlas client: the Fivetran REST API from Deno in one call.
 *
 * `atlas(method, endpoint, payload)` keeps the original Python framework's contract — it resolves to the
 * response envelope `{code, message, data}`, or prints one red line and resolves to `null` on failure —
 * and adds what it lacked: HTTP Basic auth, the Accept header each operation expects, retries that honour
 * `Retry-After` and never repeat a create, timeouts, pagination, masking of secrets, a guard that keeps
 * credentials on the configured host, and the connectors → connections rename.
 *
 * For scripts that want exceptions, {@link createAtlas} returns a client whose failures reject with
 * {@link AtlasError}.
 *
 * @example Read a group's connections, page by page
 * ```ts
 * import { atlas, paginate } from "./mod.ts";
 *
 * const response = await atlas("GET", "groups");
 * if (response) console.log(response.data);
 *
 * for await (const connection of paginate("groups/my_group/connections")) {
 *   console.log(connection.id);
 * }
 * ```
 *
 * @module
 */

import { type Atlas, createAtlas, type PaginateOptions } from "./lib/client/client.ts";
import type { Envelope } from "./lib/client/envelope.ts";
import { AtlasError, type HttpMethod } from "./lib/client/errors.ts";
import { noticePrinter } from "./lib/client/notice.ts";
import { loadConfig } from "./lib/config.ts";
import { nullLog, openLogFromEnv, type RequestLog } from "./lib/log.ts";
import { Output } from "./lib/output.ts";

export {
  type Atlas,
  type AtlasOptions,
  createAtlas,
  type PaginateOptions,
  type RequestOptions,
} from "./lib/client/client.ts";
export { type Envelope, type ListData } from "./lib/client/envelope.ts";
export { AtlasError, type AtlasErrorInit, type AtlasErrorKind, type HttpMethod } from "./lib/client/errors.ts";
export { type AtlasLogEntry, type AtlasLogger } from "./lib/client/log_entry.ts";
export { type RetryNotice } from "./lib/client/notice.ts";
export { type AtlasConfig, ConfigError, DEFAULT_BASE_URL, loadConfig, type LoadConfigOptions } from "./lib/config.ts";
export { type PacerOptions, RateLimitPacer, type SpacingChange } from "./lib/client/pacer.ts";
export {
  type AnswerOf,
  type BodyOf,
  type CallInit,
  createTypedAtlas,
  type DataOf,
  endpointOf,
  type ErrorBody,
  type ErrorStatus,
  type ErrorStatusOf,
  type FivetranComponents,
  type FivetranOperations,
  type FivetranPaths,
  type FivetranSchemas,
  type InitArgs,
  type IsBodyRequired,
  type IsNever,
  isOperationError,
  type ItemOf,
  type ListPaths,
  type NeedsInit,
  type OperationError,
  type OperationKey,
  type OperationMethod,
  type OperationOf,
  type OperationOfKey,
  type ParamsOf,
  type PathParamsOf,
  type PathsWith,
  type QueryOf,
  type SuccessStatus,
  type TypedAtlas,
  type TypedAtlasOptions,
  type TypedCallOptions,
  type TypedPaginateInit,
} from "./lib/client/typed.ts";
export { VERSION } from "./lib/_version.ts";
export {
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  type VerifyWebhookOptions,
  type WebhookVerification,
} from "./lib/webhook.ts";

interface DefaultClient {
  key: string;
  client: Atlas;
  log: RequestLog;
}

let current: DefaultClient | undefined;
let output: Output | undefined;

function defaultClient(): DefaultClient {
  const config = loadConfig();
  const key = `${config.baseUrl}\n${config.apiKey}\n${config.apiSecret}`;
  if (current?.key === key) return current;
  current?.log.close();
  let log: RequestLog;
  try {
    log = openLogFromEnv({
      secrets: [config.apiKey, config.apiSecret],
      onError: (m) => (output ??= new Output()).warn(m),
    });
  } catch (error) {
    log = nullWithWarning(error);
  }
  output ??= new Output();
  const out = output;
  const client = createAtlas({
    ...config,
    logger: log.logger,
    onWarning: (m) => out.warn(m),
    onRetry: noticePrinter((m) => out.warn(m)),
  });
  current = { key, client, log };
  return current;
}

function nullWithWarning(error: unknown): RequestLog {
  (output ??= new Output()).warn(`File log off: ${(error as Error).message.split("\n")[0]}`);
  return nullLog();
}

/**
 * Sends one request to the Fivetran API with the credentials from the environment and resolves to the
 * parsed envelope `{code, message, data}`. On failure — an HTTP error, the network, a timeout — it prints
 * one red line with the HTTP status, Fivetran's `code` and `message`, logs it, and resolves to `null`.
 *
 * The endpoint is relative to the base URL (leading slash optional, query string allowed); `payload` is
 * sent as JSON for POST and PATCH. Old `connectors/...` endpoints are sent as `connections/...`.
 *
 * @param method `GET`, `POST`, `PATCH` or `DELETE`; anything else throws a `TypeError`.
 * @param endpoint For example `groups/my_group/connections` or `connections/my_connection`.
 * @param payload The JSON body for POST and PATCH.
 * @throws {TypeError} for an unknown method or an endpoint outside the base URL.
 * @throws {ConfigError} when credentials are missing (before any request).
 * @throws {Deno.errors.NotCapable} when the script lacks `--allow-net` for the API host (or `--allow-env`
 * for the variables); the message names the flag to add.
 *
 * @example Pause a connection, the original way
 * ```ts
 * import { atlas } from "./mod.ts";
 * const response = await atlas("PATCH", "connections/my_connection", { paused: true });
 * if (response !== null) console.log(response.code); // "Success"
 * ```
 */
export async function atlas<T = unknown>(
  method: HttpMethod,
  endpoint: string,
  payload?: unknown,
): Promise<Envelope<T> | null> {
  const { client, log } = defaultClient();
  try {
    return await client.request<T>(method, endpoint, payload);
  } catch (error) {
    if (!(error instanceof AtlasError)) throw error;
    log.write("error", error.message);
    (output ??= new Output()).error(error.message);
    return null;
  }
}

/** Options of {@link paginate}. */
export interface PaginateAllOptions extends PaginateOptions {
  /**
   * The client to use.
   *
   * @default {a client configured from the environment, logging to the rotating file log}
   */
  client?: Atlas;
}

/**
 * Iterates over every item of a list endpoint, following `next_cursor` until the last page. Rejects with
 * {@link AtlasError} on failure (including a cursor that repeats, rather than looping forever).
 *
 * @param endpoint A list endpoint such as `groups/my_group/connections` (a query string is kept).
 * @param options Page size (1..1000, default 100), abort signal and client.
 * @throws {RangeError} when `limit` is not an integer from 1 to 1000.
 *
 * @example Count a group's broken connections
 * ```ts
 * import { paginate } from "./mod.ts";
 * let broken = 0;
 * for await (const c of paginate<{ status: { setup_state: string } }>("groups/my_group/connections", { limit: 1000 })) {
 *   if (c.status.setup_state === "broken") broken++;
 * }
 * console.log(broken);
 * ```
 */
export function paginate<T = Record<string, unknown>>(
  endpoint: string,
  options: PaginateAllOptions = {},
): AsyncGenerator<T> {
  const { client, ...rest } = options;
  if (rest.limit !== undefined && (!Number.isInteger(rest.limit) || rest.limit < 1 || rest.limit > 1000)) {
    throw new RangeError(`Expected limit to be an integer from 1 to 1000, got ${rest.limit}`);
  }
  return (client ?? defaultClient().client).paginate<T>(endpoint, rest);
}
