/**
 * What an operation handler receives and returns, and helpers for the
 * success envelope `{ code: "Success", message, data }`.
 *
 * @module
 */

import type { Route } from "./routes.ts";
import type { SandboxState } from "./state.ts";
import type { WebhookRecord } from "./types.ts";
import type { DeliveryResult, SandboxEvent } from "./webhook_delivery.ts";

/** The request as a handler sees it. */
export interface HandlerContext {
  /** The account state. */
  state: SandboxState;
  /** Matched route. */
  route: Route;
  /** Decoded path parameters. */
  params: Record<string, string>;
  /** Query string. */
  query: URLSearchParams;
  /** Parsed JSON body; `undefined` when the request had none. */
  body: unknown;
  /** Sends one webhook event now and reports the receiver's answer (webhook tests). */
  deliver?: (webhook: WebhookRecord, event: SandboxEvent) => Promise<DeliveryResult>;
}

/** A handler's answer. */
export interface HandlerResult {
  /** HTTP status. */
  status: number;
  /** JSON body. */
  body: Record<string, unknown>;
}

/** An operation handler (throws `ApiError` for error answers); it may answer later (webhook tests). */
export type Handler = (ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

/**
 * 200 with data.
 *
 * @example Using `ok`
 * ```ts
 * import { ok } from "./handler.ts";
 * ok({ id: "rapid_harbor" });
 * ```
 */
export function ok(data: unknown, message?: string): HandlerResult {
  const body: Record<string, unknown> = { code: "Success" };
  if (message) body.message = message;
  body.data = data;
  return { status: 200, body };
}

/**
 * 201 with data (creates).
 *
 * @example Using `created`
 * ```ts
 * import { created } from "./handler.ts";
 * created({ id: "new_group" }, "Group has been created");
 * ```
 */
export function created(data: unknown, message: string): HandlerResult {
  return { status: 201, body: { code: "Success", message, data } };
}

/**
 * 200 with a message and no data (actions, deletes).
 *
 * @example Using `done`
 * ```ts
 * import { done } from "./handler.ts";
 * done("Sync has been successfully triggered for connection with id 'x'");
 * ```
 */
export function done(message: string): HandlerResult {
  return { status: 200, body: { code: "Success", message } };
}

/**
 * A list page: `{ items, next_cursor? }`.
 *
 * @example Using `list`
 * ```ts
 * import { list } from "./handler.ts";
 * list([{ id: "a" }], undefined);
 * ```
 */
export function list(items: unknown[], nextCursor: string | undefined, message?: string): HandlerResult {
  const data: Record<string, unknown> = { items };
  if (nextCursor !== undefined) data.next_cursor = nextCursor;
  return ok(data, message);
}
