/**
 * The one error class for failed API calls, {@link AtlasError}, and the HTTP methods it names.
 *
 * @module
 */

/** The HTTP methods the Fivetran API uses. */
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * What went wrong: an HTTP error answer, a network failure, a timeout, an answer that is not the JSON
 * expected, or a caller's abort.
 */
export type AtlasErrorKind = "http" | "network" | "timeout" | "invalid-response" | "aborted";

/** Fields of an {@link AtlasError}. */
export interface AtlasErrorInit {
  /** What went wrong. */
  kind: AtlasErrorKind;
  /** HTTP status, or 0 when no answer arrived. */
  status: number;
  /** Fivetran's `code` (e.g. `NotFound_Connection`), or a word of ours when there is none. */
  code: string;
  /** Fivetran's `message`, or a description of the failure. */
  fivetranMessage: string;
  /** HTTP method. */
  method: HttpMethod;
  /** Endpoint path relative to the base URL, without the query string. */
  path: string;
  /** How many attempts were made. */
  attempts: number;
  /** Seconds the server asked to wait (429), when it said. */
  retryAfter?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class for failed API calls. Its message is one line, e.g.
 * `GET connections/abc failed: HTTP 404 NotFound_Connection: Connection not found`.
 *
 * @example Tell a missing connection from a network failure
 * ```ts
 * import { AtlasError, createAtlas } from "../../mod.ts";
 * const client = createAtlas({ apiKey: "key", apiSecret: "secret" });
 * try {
 *   await client.request("GET", "connections/abc");
 * } catch (error) {
 *   if (error instanceof AtlasError && error.status === 404) console.log("no such connection");
 *   else if (error instanceof AtlasError && error.kind === "network") console.log("network down");
 *   else throw error;
 * }
 * ```
 */
export class AtlasError extends Error {
  /** What went wrong. */
  readonly kind: AtlasErrorKind;
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** Fivetran's `code`, or a word of ours (`NetworkError`, `Timeout`, `InvalidResponse`, `Aborted`). */
  readonly code: string;
  /** Fivetran's `message`, or a description of the failure. */
  readonly fivetranMessage: string;
  /** HTTP method of the failed request. */
  readonly method: HttpMethod;
  /** Endpoint path of the failed request, relative to the base URL. */
  readonly path: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** Seconds the server asked to wait, for a 429. */
  readonly retryAfter?: number;

  /**
   * Creates the error from its fields.
   *
   * @param init The error's fields.
   */
  constructor(init: AtlasErrorInit) {
    const what = init.status ? `HTTP ${init.status} ${oneLine(init.code, 100)}` : oneLine(init.code, 100);
    super(`${init.method} ${oneLine(init.path, 200)} failed: ${what}: ${oneLine(init.fivetranMessage, 500)}`, {
      cause: init.cause,
    });
    this.name = "AtlasError";
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.fivetranMessage = init.fivetranMessage;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
}

/** Options of {@link invalidAnswer}. */
export interface InvalidAnswerOptions {
  /**
   * The error's `code`.
   *
   * @default {"InvalidResponse"}
   */
  code?: string;
  /**
   * The request's method.
   *
   * @default {"GET"}
   */
  method?: HttpMethod;
}

/**
 * The {@link AtlasError} for an answer that came back 2xx but is not what the request needs — a page without
 * items, a cursor already seen, a listed ID that is not one: kind `invalid-response`, status 200, one attempt.
 *
 * @example Refuse a connection read without its config
 * ```ts
 * import { invalidAnswer } from "./errors.ts";
 * throw invalidAnswer("connections/abc", "Expected a connection with service and config");
 * ```
 */
export function invalidAnswer(path: string, message: string, options: InvalidAnswerOptions = {}): AtlasError {
  const { code = "InvalidResponse", method = "GET" } = options;
  return new AtlasError({
    kind: "invalid-response",
    status: 200,
    code,
    fivetranMessage: message,
    method,
    path,
    attempts: 1,
  });
}

/** `text` on one line (line breaks and control characters as spaces), cut to `max` characters. */
function oneLine(text: string, max: number): string {
  // deno-lint-ignore no-control-regex
  const flat = String(text).replace(/[\u0000-\u001f\u007f]+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
