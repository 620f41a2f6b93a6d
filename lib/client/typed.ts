/**
 * Typed calls of every operation of Fivetran's OpenAPI definition, over the same client as `atlas()`: the path
 * template, its path and query parameters, the request body and the answer are typed from the generated
 * `lib/spec/generated/openapi.d.ts`, so a wrong path, a missing parameter or a misspelled body field is a type
 * error, and an editor (or the Jupyter kernel) completes them. Each call becomes one `client.request()`: retries,
 * the pacer, the guard, masking and the log are the client's, written once.
 *
 * @module
 */
import type { components, operations, paths } from "../spec/generated/openapi.d.ts";
import { type Atlas, type AtlasOptions, createAtlas, type RequestOptions } from "./client.ts";
import { type Envelope, isRecord } from "./envelope.ts";
import { AtlasError, type HttpMethod } from "./errors.ts";
import { OPERATIONS } from "../spec/generated/operations.ts";

/** The generated types of every path of the definition (`openapi-typescript`'s `paths`). */
export type FivetranPaths = paths;
/** The generated types of every operation of the definition, by operationId. */
export type FivetranOperations = operations;
/** The generated types of the definition's components. */
export type FivetranComponents = components;
/** The generated types of every schema of the definition, e.g. `FivetranSchemas["ConnectorResponseV1"]`. */
export type FivetranSchemas = FivetranComponents["schemas"];

/** The methods of the typed client, lower case as in the definition. */
export type OperationMethod = "get" | "post" | "patch" | "delete";

/** The path templates that have an operation for `M`, e.g. `"/v1/connections/{connectionId}"` for `"get"`. */
export type PathsWith<M extends OperationMethod> = {
  [P in keyof FivetranPaths]: FivetranPaths[P][M] extends { responses: unknown } ? P : never;
}[keyof FivetranPaths];

/** The generated operation type of `M` on path template `P`. */
export type OperationOf<P extends keyof FivetranPaths, M extends OperationMethod> = NonNullable<FivetranPaths[P][M]>;

/** `true` when `T` is `never`. */
export type IsNever<T> = [T] extends [never] ? true : false;
/** An operation's path parameters, `never` when its template has none. */
export type PathParamsOf<O> = O extends { parameters: { path: infer X } } ? X : never;
/** An operation's query parameters, `never` when it takes none. */
export type QueryOf<O> = O extends { parameters: { query?: infer X } } ? Exclude<X, undefined> : never;
/** An operation's JSON request body (or its only body's type), `never` when it takes none. */
export type BodyOf<O> = O extends { requestBody?: infer B } ? IsNever<Exclude<B, undefined>> extends true ? never
  : Exclude<B, undefined> extends { content: infer C } ? C extends { "application/json": infer J } ? J : C[keyof C]
  : never
  : never;
/**
 * `true` when the operation needs a body: the definition says so, or its body has required fields (the definition
 * leaves `requestBody.required` out of 66 operations, creates among them).
 */
export type IsBodyRequired<O> = O extends { requestBody: { content: unknown } } ? true
  // deno-lint-ignore ban-types
  : {} extends BodyOf<O> ? false
  : true;

/** The `params` of a call: the path parameters (required when the template has any) and the query. */
export type ParamsOf<O> =
  & (IsNever<PathParamsOf<O>> extends true ? { path?: never } : { path: PathParamsOf<O> })
  & (IsNever<QueryOf<O>> extends true ? { query?: never } : { query?: QueryOf<O> });

/** Options of a typed call, besides its parameters and body. */
export interface TypedCallOptions extends RequestOptions {
  /**
   * Whether the `config` of a create or update of a connection or destination (POST /v1/connections,
   * POST /v1/destinations, PATCH of either) is checked against its service's schema before it is sent; a config
   * that fails rejects with a `ConfigValidationError` and nothing is sent. An update's service is read first (one
   * GET), since its body does not name it.
   *
   * @default {true}
   */
  validate?: boolean;
}

/** The second argument of a typed call: `params`, `body` and options, each required when the operation needs it. */
export type CallInit<O> =
  & (IsNever<PathParamsOf<O>> extends true ? { params?: ParamsOf<O> } : { params: ParamsOf<O> })
  & (IsNever<BodyOf<O>> extends true ? { body?: never }
    : IsBodyRequired<O> extends true ? { body: BodyOf<O> }
    : { body?: BodyOf<O> })
  & TypedCallOptions;

/** `true` when a call of the operation needs its second argument (path parameters or a required body). */
export type NeedsInit<O> = IsNever<PathParamsOf<O>> extends false ? true
  : IsNever<BodyOf<O>> extends false ? IsBodyRequired<O>
  : false;

/** The argument list after the path: `[init]` when the operation needs parameters or a body, else `[init?]`. */
export type InitArgs<O> = NeedsInit<O> extends true ? [init: CallInit<O>] : [init?: CallInit<O>];

/** The statuses of a success. */
export type SuccessStatus = 200 | 201 | 202 | 204;

/** The answer of an operation: the envelope `{code, message, data}` its 2xx response declares. */
export type AnswerOf<O> = O extends { responses: infer R }
  ? { [S in keyof R & SuccessStatus]: R[S] extends { content: { "application/json": infer J } } ? J : Envelope<never> }[
    keyof R & SuccessStatus
  ]
  : never;

/** The `data` of an operation's answer. */
export type DataOf<O> = AnswerOf<O> extends { data?: infer D } ? D : never;

/** The item type of a list operation's `data.items`. */
export type ItemOf<O> = DataOf<O> extends { items?: (infer I)[] } ? I : never;

/** The GET path templates that answer a page of items with a `next_cursor`. */
export type ListPaths = {
  [P in PathsWith<"get">]: IsNever<ItemOf<OperationOf<P, "get">>> extends true ? never
    : OperationOf<P, "get"> extends { parameters: { query?: { cursor?: unknown } } } ? P
    : never;
}[PathsWith<"get">];

/** The error statuses (4xx, 5xx) an operation declares. */
export type ErrorStatusOf<O> = O extends { responses: infer R } ? Extract<keyof R, number> & ErrorStatus : never;
/** The error statuses an operation may declare. */
export type ErrorStatus =
  | 400
  | 401
  | 403
  | 404
  | 405
  | 406
  | 409
  | 415
  | 422
  | 429
  | 500
  | 502
  | 503;

/**
 * The body of an error answer as Fivetran sends it (the definition declares none, only examples such as
 * `{"code": "NotFound_Connection", "message": "..."}`); an {@link AtlasError} carries it as `code` and
 * `fivetranMessage`.
 */
export interface ErrorBody {
  /** A word such as `NotFound_Connection` or `InvalidInput`. */
  code: string;
  /** What went wrong, for a person. */
  message: string;
}

/** An {@link AtlasError} of one operation whose status is one the definition declares for it. */
export type OperationError<O> = AtlasError & { readonly status: ErrorStatusOf<O> };

/** Options of {@link TypedAtlas.paginate}: the path and query parameters, page size and signal. */
export type TypedPaginateInit<O> =
  & (IsNever<PathParamsOf<O>> extends true ? { params?: ParamsOf<O> } : { params: ParamsOf<O> })
  & {
    /**
     * Page size, 1..1000.
     *
     * @default {100}
     */
    limit?: number;
    /** Aborts the iteration. */
    signal?: AbortSignal;
  };

/**
 * The typed client. Each method takes a path template of the definition and, when the operation needs them, its
 * `params` (`path`, `query`) and `body`; it resolves to the typed envelope and rejects with {@link AtlasError}.
 */
export interface TypedAtlas {
  /** The untyped client every call goes through. */
  readonly client: Atlas;
  /** Sends a GET. */
  GET<P extends PathsWith<"get">>(path: P, ...init: InitArgs<OperationOf<P, "get">>): Promise<
    AnswerOf<OperationOf<P, "get">>
  >;
  /** Sends a POST. */
  POST<P extends PathsWith<"post">>(path: P, ...init: InitArgs<OperationOf<P, "post">>): Promise<
    AnswerOf<OperationOf<P, "post">>
  >;
  /** Sends a PATCH. */
  PATCH<P extends PathsWith<"patch">>(path: P, ...init: InitArgs<OperationOf<P, "patch">>): Promise<
    AnswerOf<OperationOf<P, "patch">>
  >;
  /** Sends a DELETE. */
  DELETE<P extends PathsWith<"delete">>(path: P, ...init: InitArgs<OperationOf<P, "delete">>): Promise<
    AnswerOf<OperationOf<P, "delete">>
  >;
  /** Iterates over every item of a list operation, following `next_cursor` to the last page. */
  paginate<P extends ListPaths>(
    path: P,
    ...init: IsNever<PathParamsOf<OperationOf<P, "get">>> extends true
      ? [init?: TypedPaginateInit<OperationOf<P, "get">>]
      : [init: TypedPaginateInit<OperationOf<P, "get">>]
  ): AsyncGenerator<ItemOf<OperationOf<P, "get">>>;
}

/** Options of {@link createTypedAtlas}: a client to call through, or the options to create one. */
export interface TypedAtlasOptions extends AtlasOptions {
  /**
   * The client every call goes through (its retries, pacer, guard, masking and log).
   *
   * @default {createAtlas(options)}
   */
  client?: Atlas;
}

/**
 * Creates the typed client over `options.client` (or a new {@link createAtlas} client from the same options).
 *
 * @throws {ConfigError} when no client is given and credentials are missing.
 *
 * @example Read a connection, typed
 * ```ts
 * import { createTypedAtlas } from "../../mod.ts";
 * const api = createTypedAtlas();
 * const { data } = await api.GET("/v1/connections/{connectionId}", {
 *   params: { path: { connectionId: "my_connection" } },
 * });
 * console.log(data?.status.setup_state, data?.paused);
 * for await (const c of api.paginate("/v1/groups/{groupId}/connections", { params: { path: { groupId: "g" } } })) {
 *   console.log(c.id, c.service);
 * }
 * ```
 */
export function createTypedAtlas(options: TypedAtlasOptions = {}): TypedAtlas {
  const { client: given, ...rest } = options;
  const client = given ?? createAtlas(rest);
  const call = (method: HttpMethod) => (path: string, init?: AnyInit) => send(client, method, path, init);
  return {
    client,
    GET: call("GET"),
    POST: call("POST"),
    PATCH: call("PATCH"),
    DELETE: call("DELETE"),
    paginate: (path: string, init?: AnyInit & { limit?: number }) =>
      client.paginate(endpointOf(path, init?.params), { limit: init?.limit, signal: init?.signal }),
  } as unknown as TypedAtlas;
}

interface AnyInit extends TypedCallOptions {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown> };
  body?: unknown;
}

const CREATES: Record<string, "connection" | "destination"> = {
  "POST /v1/connections": "connection",
  "POST /v1/destinations": "destination",
};

const UPDATES: Record<string, "connection" | "destination"> = {
  "PATCH /v1/connections/{connectionId}": "connection",
  "PATCH /v1/destinations/{destinationId}": "destination",
};

async function send(client: Atlas, method: HttpMethod, path: string, init: AnyInit = {}): Promise<unknown> {
  const { params, body, validate = true, ...options } = init;
  const endpoint = endpointOf(path, params);
  if (validate && isRecord(body)) await checkConfigOf(client, `${method} ${path}`, endpoint, body, options);
  return client.request(method, endpoint, body, options);
}

/**
 * Checks the config a create or update sends against its service's schema. A create names its service; an update
 * does not, so its service is read first (one GET, only when the update carries a `config` or `auth`).
 */
async function checkConfigOf(
  client: Atlas,
  operation: string,
  endpoint: string,
  body: Record<string, unknown>,
  options: TypedCallOptions,
): Promise<void> {
  const created = CREATES[operation];
  const updated = UPDATES[operation];
  if (created && typeof body.service === "string") {
    const { checkServiceConfig } = await import("../spec/validate.ts");
    await checkServiceConfig(created, body as { service: string });
  } else if (updated && (body.config !== undefined || body.auth !== undefined)) {
    const current = await client.request<{ service?: unknown }>("GET", endpoint, undefined, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const service = current.data?.service;
    if (typeof service !== "string") return;
    const { checkServiceConfig } = await import("../spec/validate.ts");
    await checkServiceConfig(updated, { service, config: body.config, auth: body.auth }, { partial: true });
  }
}

/**
 * The endpoint (relative to the base URL, with its query string) of a path template filled with its parameters,
 * each percent-encoded.
 *
 * @throws {TypeError} for a path outside `/v1/`, a missing path parameter, or an empty one.
 *
 * @example Fill a template
 * ```ts
 * import { endpointOf } from "./typed.ts";
 * endpointOf("/v1/groups/{groupId}/connections", { path: { groupId: "g 1" }, query: { limit: 5 } });
 * // "groups/g%201/connections?limit=5"
 * ```
 */
export function endpointOf(
  template: string,
  params: { path?: Record<string, unknown>; query?: Record<string, unknown> } = {},
): string {
  if (typeof template !== "string" || !template.startsWith("/v1/")) {
    throw new TypeError(
      `Expected a path template of the REST API v1 such as '/v1/groups/{groupId}', got '${
        String(template).slice(0, 80)
      }'${template === "/public/connector-types" ? " (served outside the API's base path; fetch it directly)" : ""}`,
    );
  }
  const filled = template.slice(4).replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params.path?.[name];
    if (value === undefined || value === null || String(value) === "") {
      throw new TypeError(`Expected path parameter '${name}' for ${template}, got ${String(value)}`);
    }
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params.query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  const q = query.toString();
  return q ? `${filled}?${q}` : filled;
}

/** An operation named as `"METHOD /path/template"`, e.g. `"GET /v1/connections/{connectionId}"`. */
export type OperationKey = { [M in OperationMethod]: `${Uppercase<M>} ${PathsWith<M>}` }[OperationMethod];

/** The generated operation type of an {@link OperationKey}. */
export type OperationOfKey<K extends OperationKey> = K extends `${infer M} ${infer P}`
  ? Lowercase<M> extends OperationMethod ? P extends PathsWith<Lowercase<M>> ? OperationOf<P, Lowercase<M>> : never
  : never
  : never;

/**
 * Whether `error` is an {@link AtlasError} of `operation` (`"GET /v1/connections/{connectionId}"`) with a status
 * the definition declares for it, such as that operation's 404; narrows `error.status` to those statuses.
 *
 * @example Tell a missing connection apart
 * ```ts
 * import { createTypedAtlas, isOperationError } from "../../mod.ts";
 * const api = createTypedAtlas();
 * try {
 *   await api.GET("/v1/connections/{connectionId}", { params: { path: { connectionId: "nope" } } });
 * } catch (error) {
 *   if (isOperationError(error, "GET /v1/connections/{connectionId}") && error.status === 404) {
 *     console.log("no such connection:", error.code);
 *   } else throw error;
 * }
 * ```
 */
export function isOperationError<K extends OperationKey>(
  error: unknown,
  operation: K,
): error is OperationError<OperationOfKey<K>> {
  const space = operation.indexOf(" ");
  const method = operation.slice(0, space);
  const path = operation.slice(space + 1);
  if (!(error instanceof AtlasError) || error.kind !== "http" || error.method !== method) return false;
  const pattern = new RegExp(`^${path.slice(4).replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
  return pattern.test(error.path) && declaredErrors(method, path).includes(error.status);
}

function declaredErrors(method: string, path: string): readonly number[] {
  return OPERATIONS[`${method.toUpperCase()} ${path}`]?.errors ?? [];
}
