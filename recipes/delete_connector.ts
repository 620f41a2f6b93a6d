#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * delete_connector.ts — delete a connection (`DELETE /v1/connections/{id}`). It first shows what is about
 * to go (id, service, schema, group, state), then asks: `--yes` answers for scripts; without it a terminal
 * is asked and anything else exits 2 having changed nothing. `--dry-run` shows the request without sending it.
 *
 * ```sh
 * deno run -P recipes/delete_connector.ts --connection-id sleepy_walrus --yes
 * ```
 *
 * @module
 */
import { defineRecipe, runMain } from "../lib/recipe.ts";
import { AtlasError } from "../lib/client/errors.ts";
import type { Connection as ConnectionAnswer, Read } from "../lib/spec/types.ts";

type Connection = Read<ConnectionAnswer>;

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "delete_connector.ts",
  summary: "Delete a connection (DELETE connections/{id}) after showing what it is",
  description: [
    "Shows the connection (id, service, schema, group, state) and asks before deleting it. Deleting removes",
    "the connection and its sync state in Fivetran; the data already in the destination stays.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/delete_connector.ts --connection-id sleepy_walrus --yes",
    "deno run -P recipes/delete_connector.ts --connection-id sleepy_walrus --dry-run",
  ],
  flags: {
    "connection-id": { type: "string", required: true, valueName: "ID", description: "Connection to delete" },
  },
  mutates: true,
  destructive: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const id = ctx.id("connection-id", { required: true })!;
    const connection = (await ctx.client.request<Connection>("GET", `connections/${id}`)).data ?? { id };
    let groupName: string | undefined;
    if (connection.group_id) {
      try {
        groupName = (await ctx.client.request<{ name?: string }>("GET", `groups/${connection.group_id}`)).data?.name;
      } catch (error) {
        if (!(error instanceof AtlasError) || error.kind === "aborted") throw error;
      }
    }
    const group = `${groupName ?? "?"} (${connection.group_id ?? "?"})`;
    const what = `connection ${id} (${connection.service ?? "?"}, schema ${
      connection.schema ?? "?"
    }) in group ${group}`;
    const row = {
      id,
      service: connection.service ?? "",
      schema: connection.schema ?? "",
      group,
      setup: connection.status?.setup_state ?? "",
      sync: connection.status?.sync_state ?? "",
      paused: connection.paused,
      last_success: connection.succeeded_at ?? "",
    };
    if (!ctx.json) {
      ctx.out.detail("About to delete:");
      ctx.table([row], [
        { header: "ID", value: (r) => r.id },
        { header: "Service", value: (r) => r.service },
        { header: "Schema", value: (r) => r.schema },
        { header: "Group", value: (r) => r.group },
        { header: "Setup", value: (r) => r.setup },
        { header: "Sync", value: (r) => r.sync },
        { header: "Paused", value: (r) => r.paused },
        { header: "Last success", value: (r) => r.last_success },
      ]);
    }
    await ctx.confirm(`Delete ${what}?`);
    let note = "";
    try {
      await ctx.call("DELETE", `connections/${id}`);
    } catch (error) {
      // A retried DELETE whose first attempt went through answers 404: the connection is gone, as asked.
      if (!(error instanceof AtlasError && error.status === 404 && error.attempts > 1)) throw error;
      note = " (the first attempt went through; the retry found it gone)";
    }
    if (ctx.dryRun) {
      if (ctx.json) {
        ctx.out.json({ dry_run: true, connection: row, request: { method: "DELETE", endpoint: `connections/${id}` } });
      } else ctx.out.detail(`Dry run: would delete ${what}; nothing was sent`);
      return 0;
    }
    ctx.log.write("info", `delete_connector.ts: deleted ${what}`);
    if (ctx.json) ctx.out.json({ deleted: true, connection: row });
    else ctx.out.detail(`Deleted ${what}${note}`);
    return 0;
  },
});

if (import.meta.main) await runMain(main);
