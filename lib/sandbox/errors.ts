/**
 * The error type handlers throw; the server turns it into Fivetran's error
 * body `{ code, message }` with the right HTTP status.
 *
 * @module
 */

/**
 * An API error answer.
 *
 * @example Answer 404
 * ```ts
 * import { ApiError } from "./errors.ts";
 * throw new ApiError(404, "NotFound_Connection", "Connection with id 'x' doesn't exist");
 * ```
 */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Fivetran error code word, e.g. `NotFound_Connection`. */
  readonly code: string;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  /** Create an error answer. */
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * 400 `InvalidInput` with a message.
 *
 * @example Using `invalidInput`
 * ```ts
 * import { invalidInput } from "./errors.ts";
 * throw invalidInput("Field 'name' is required");
 * ```
 */
export function invalidInput(message: string): ApiError {
  return new ApiError(400, "InvalidInput", message);
}

/**
 * 404 `NotFound_<Kind>`.
 *
 * @example Using `notFound`
 * ```ts
 * import { notFound } from "./errors.ts";
 * throw notFound("Group", "rapid_harbor");
 * ```
 */
export function notFound(kind: string, id: string): ApiError {
  const label = kind.replace(/([a-z])([A-Z])/g, "$1 $2");
  return new ApiError(
    404,
    `NotFound_${kind}`,
    `${label} with id '${id}' doesn't exist`,
  );
}

/**
 * 409 `Conflict` (or another code) with a message.
 *
 * @example Using `conflict`
 * ```ts
 * import { conflict } from "./errors.ts";
 * throw conflict("Connection is paused");
 * ```
 */
export function conflict(message: string, code = "Conflict"): ApiError {
  return new ApiError(409, code, message);
}
