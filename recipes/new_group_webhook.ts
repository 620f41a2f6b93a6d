#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR,FIVETRAN_WEBHOOK_SECRET --allow-read --allow-write=logs
/**
 * new_group_webhook.ts — create a webhook for a group (`POST /v1/webhooks/group/{groupId}`): Fivetran
 * sends the chosen events to an https URL, signed with a secret. The secret is read from `--secret-file`
 * or `FIVETRAN_WEBHOOK_SECRET` — never from a flag value — and is masked in every line printed or logged.
 *
 * ```sh
 * deno run -P recipes/new_group_webhook.ts --group-id hollow_cedar --url https://hooks.example.com/fivetran \
 *   --event sync_start --event sync_end --secret-file recipes/examples/webhook_secret.txt
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { Envelope } from "../lib/client/envelope.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { maskSecrets } from "../lib/mask.ts";
import type { Read, Webhook as WebhookAnswer } from "../lib/spec/types.ts";
import { curlCheck, isLostAnswer, settleLostCreate } from "./_lost_create.ts";

const EVENT = /^[a-z][a-z0-9_]{0,99}$/;

type Webhook = Read<WebhookAnswer>;

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "new_group_webhook.ts",
  summary: "Create a group webhook (POST webhooks/group/{groupId})",
  description: [
    "Fivetran POSTs the chosen events (e.g. sync_start, sync_end) to the https URL and signs each delivery",
    "with the secret. The secret comes from --secret-file FILE or else FIVETRAN_WEBHOOK_SECRET; there is no",
    "flag for the secret itself, so it never shows in the shell history or the process list. Without a",
    "secret the deliveries are not signed (a warning says so). --event may be repeated or comma-separated.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/new_group_webhook.ts --group-id hollow_cedar --url https://hooks.example.com/fivetran --event sync_start --event sync_end --secret-file recipes/examples/webhook_secret.txt",
  ],
  flags: {
    "group-id": { type: "string", required: true, valueName: "ID", description: "Group the webhook belongs to" },
    url: { type: "string", required: true, valueName: "URL", description: "https URL the events are sent to" },
    event: {
      type: "string",
      multiple: true,
      required: true,
      valueName: "EVENT",
      description: "Event that triggers the webhook, e.g. sync_end",
    },
    "secret-file": {
      type: "string",
      valueName: "FILE",
      description: "File holding the signing secret (else FIVETRAN_WEBHOOK_SECRET)",
    },
    inactive: { type: "boolean", description: "Create the webhook switched off (active: false)" },
  },
  mutates: true,
  env: { FIVETRAN_WEBHOOK_SECRET: "Webhook signing secret, when --secret-file is not given" },
  permissions:
    "--allow-net --allow-env=FIVETRAN_*,FIVETRAN_WEBHOOK_SECRET --allow-read (secret file) --allow-write=logs",
  async run(ctx) {
    const groupId = ctx.id("group-id", { required: true })!;
    const url = checkUrl(ctx.string("url", { required: true })!);
    const events = checkEvents(ctx);
    const secret = readSecret(ctx);
    const payload: Record<string, unknown> = { url, events, active: ctx.flags.inactive !== true };
    if (secret !== undefined) payload.secret = secret;

    const group = await ctx.client.request<{ id?: string; name?: string }>("GET", `groups/${groupId}`);
    ctx.out.detail(`Group: ${group.data?.name ?? "?"} (${groupId})`);
    let response: Envelope<Webhook>;
    try {
      response = await ctx.call<Webhook>("POST", `webhooks/group/${groupId}`, payload);
    } catch (error) {
      // No clear answer (5xx, network, timeout): look for a webhook of this group with this URL and these events.
      if (!isLostAnswer(error)) throw error;
      const wanted = [...events].sort().join(",");
      const found = await settleLostCreate(ctx, error, {
        request: `POST webhooks/group/${groupId}`,
        what: `webhook of group ${groupId} to ${url}`,
        lookup: "GET webhooks (by group, URL and events)",
        find: async () => {
          for await (const w of ctx.client.paginate<Webhook>("webhooks", { limit: 1000, signal: ctx.signal })) {
            if (w.group_id === groupId && w.url === url && [...(w.events ?? [])].sort().join(",") === wanted) return w;
          }
        },
        describe: (w) => `webhook ${w.id}${w.created_at ? ` (created ${w.created_at})` : ""} with this URL and events`,
        check: curlCheck(ctx, "webhooks"),
      });
      response = { code: "Success", data: found };
    }
    const shown = maskSecrets(payload);
    if (ctx.dryRun) {
      if (ctx.json) {
        ctx.out.json({
          dry_run: true,
          request: { method: "POST", endpoint: `webhooks/group/${groupId}`, payload: shown },
        });
      } else ctx.out.detail(`Dry run: would create a webhook for ${events.join(", ")} to ${url}; nothing was sent`);
      return 0;
    }
    const webhook = maskSecrets(response.data ?? {});
    ctx.log.write("info", `new_group_webhook.ts: created webhook ${webhook.id ?? "?"} for group ${groupId}`);
    if (ctx.json) {
      ctx.out.json({ webhook });
      return 0;
    }
    ctx.out.detail(`Created webhook ${webhook.id ?? "(no id returned)"} for group ${groupId}`);
    ctx.table([webhook], [
      { header: "ID", value: (w) => w.id },
      { header: "Group", value: (w) => w.group_id ?? groupId },
      { header: "URL", value: (w) => w.url },
      { header: "Events", value: (w) => (w.events ?? []).join(", ") },
      { header: "Active", value: (w) => w.active },
      { header: "Signed", value: () => (secret === undefined ? "no" : "yes") },
    ]);
    return 0;
  },
});

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `Expected --url to be an https URL like https://hooks.example.com/fivetran, got '${short(text)}'`,
    );
  }
  if (url.username || url.password) {
    throw new UsageError(
      "Expected --url without a user name or password in it (credentials do not belong in a flag value)",
    );
  }
  if (url.protocol !== "https:") {
    throw new UsageError(
      `Expected --url to use https (Fivetran only delivers to https), got '${url.protocol}//${url.host}'`,
    );
  }
  if (!url.hostname) throw new UsageError(`Expected --url to name a host, got '${short(text)}'`);
  return url.href;
}

function checkEvents(ctx: RecipeContext): string[] {
  const events: string[] = [];
  for (const value of ctx.list("event")) {
    for (const part of value.split(",").map((e) => e.trim()).filter(Boolean)) {
      if (!EVENT.test(part)) {
        throw new UsageError(
          `Expected --event to be an event name such as sync_end (a-z, 0-9, _), got '${short(part)}'`,
        );
      }
      if (events.includes(part)) ctx.out.warn(`--event ${part} given twice; sending it once`);
      else events.push(part);
    }
  }
  if (events.length === 0) throw new UsageError("Missing --event (see --help)");
  return events;
}

function readSecret(ctx: RecipeContext): string | undefined {
  const file = ctx.string("secret-file");
  if (file !== undefined) return ctx.readSecret(file, "webhook secret");
  const fromEnv = ctx.env("FIVETRAN_WEBHOOK_SECRET");
  if (fromEnv !== undefined) {
    ctx.addSecrets(fromEnv);
    return fromEnv;
  }
  ctx.out.warn("No --secret-file and no FIVETRAN_WEBHOOK_SECRET: the webhook's deliveries will not be signed");
  return undefined;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

if (import.meta.main) await runMain(main);
