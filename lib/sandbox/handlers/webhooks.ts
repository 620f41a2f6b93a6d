/**
 * Webhook operations (account and group webhooks). URLs must be https.
 *
 * @module
 */

import { invalidInput } from "../errors.ts";
import { done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import type { WebhookRecord } from "../types.ts";
import { type Body, field, objectBody } from "../validate.ts";
import { webhookJson } from "../views.ts";
import { isLoopbackUrl } from "../webhook_delivery.ts";

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput(`Invalid webhook url '${url}'`);
  }
  // The live API requires https; the sandbox also takes plain http for loopback receivers.
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopbackUrl(url))) {
    throw invalidInput(`Webhook url must use https (or http to a loopback address), got '${url}'`);
  }
}

function checkEvents(events: string[]): void {
  if (events.length === 0) throw invalidInput("Field 'events' must list at least one event");
  for (const e of events) {
    if (!/^[a-z][a-z0-9_]*$/.test(e)) throw invalidInput(`Invalid webhook event '${e}'`);
  }
}

function create(
  state: Parameters<typeof listWebhooks>[0]["state"],
  body: Body,
  type: "account" | "group",
  groupId?: string,
): WebhookRecord {
  const url = field<string>(body, "url", "string", { required: true, nonEmpty: true })!;
  const events = field<string[]>(body, "events", "string[]", { required: true })!;
  const active = field<boolean>(body, "active", "boolean");
  const secret = field<string>(body, "secret", "string");
  checkUrl(url);
  checkEvents(events);
  return state.webhooks.add({
    seq: state.nextSeq(),
    id: state.newId(),
    type,
    groupId,
    url,
    events: [...events],
    active: active ?? true,
    secret,
    createdAt: state.now(),
    createdBy: state.account.userId,
  });
}

/** GET /v1/webhooks. */
export const listWebhooks: Handler = ({ state, query }) => {
  const page = paginate(state.webhooks.all(), "webhooks", query);
  return list(page.items.map(webhookJson), page.nextCursor);
};

/** POST /v1/webhooks/account (answers 200, as the spec documents). */
export const createAccountWebhook: Handler = ({ state, body }) =>
  ok(webhookJson(create(state, objectBody(body, true), "account")), "Webhook has been created");

/** POST /v1/webhooks/group/{groupId} (answers 200, as the spec documents). */
export const createGroupWebhook: Handler = ({ state, params, body }) => {
  const b = objectBody(body, true);
  state.group(params.groupId);
  return ok(webhookJson(create(state, b, "group", params.groupId)), "Webhook has been created");
};

/** GET /v1/webhooks/{webhookId}. */
export const webhookDetails: Handler = ({ state, params }) => ok(webhookJson(state.webhook(params.webhookId)));

/** PATCH /v1/webhooks/{webhookId}. */
export const modifyWebhook: Handler = ({ state, params, body: raw }) => {
  const w = state.webhook(params.webhookId);
  const body = objectBody(raw);
  const url = field<string>(body, "url", "string", { nonEmpty: true });
  const events = field<string[]>(body, "events", "string[]");
  const active = field<boolean>(body, "active", "boolean");
  const secret = field<string>(body, "secret", "string");
  if (url !== undefined) checkUrl(url);
  if (events !== undefined) checkEvents(events);
  if (url !== undefined) w.url = url;
  if (events !== undefined) w.events = [...events];
  if (active !== undefined) w.active = active;
  if (secret !== undefined) w.secret = secret;
  return ok(webhookJson(w), "Webhook has been updated");
};

/** DELETE /v1/webhooks/{webhookId}. */
export const deleteWebhook: Handler = ({ state, params }) => {
  state.webhook(params.webhookId);
  state.webhooks.remove(params.webhookId);
  return done(`Webhook with id '${params.webhookId}' has been deleted`);
};

/** POST /v1/webhooks/{webhookId}/test: sends one event for the dummy connection `_connection_1` now. */
export const testWebhook: Handler = async ({ state, params, body: raw, deliver }) => {
  const w = state.webhook(params.webhookId);
  const body = objectBody(raw, true);
  const event = field<string>(body, "event", "string", { required: true, nonEmpty: true })!;
  if (!w.active) {
    return ok({ succeed: false, status: 0, message: "The webhook is inactive" }, "Webhook test has been completed");
  }
  const sample = {
    event,
    created: state.now(),
    groupId: w.groupId ?? "_destination_1",
    connection: { id: "_connection_1", service: "_connection_type", schema: "_connection_1" },
    data: event === "sync_end" ? { status: "SUCCESSFUL" } : {},
  };
  const result = deliver
    ? await deliver(w, sample)
    : { succeed: false, status: 0, message: "Not delivered: no dispatcher" };
  return ok(result, "Webhook test has been completed");
};
