#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * connection_status.ts — the connections in a given state: a sync state (`scheduled`, `syncing`, `paused`,
 * `rescheduled`), a setup state (`incomplete`, `connected`, `broken`) or an update state (`on_schedule`,
 * `delayed`). In one group with `--group-id`, or in every group of the account: the groups are listed
 * (all pages), then each group's connections (all pages), several groups at once (`--concurrency`).
 *
 * ```sh
 * deno run -P recipes/connection_status.ts --state broken
 * ```
 *
 * @module
 */
import { BULK_FLAGS, bulkExitCode, bulkFlags, formatBulkSummary, runBulk, summaryJson } from "../lib/bulk.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import { SETUP_STATES, stateField, SYNC_STATES, UPDATE_STATES } from "../lib/sync_wait.ts";
import type { Connection as ConnectionAnswer, Group as GroupAnswer, Read } from "../lib/spec/types.ts";

type Connection = Read<ConnectionAnswer> & { id: string };
type Group = Read<GroupAnswer> & { id: string };

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "connection_status.ts",
  summary: "List the connections in a given sync, setup or update state, in one group or all groups",
  description: [
    `STATE is a sync state (${SYNC_STATES.join(", ")}), a setup state (${SETUP_STATES.join(", ")})`,
    `or an update state (${UPDATE_STATES.join(", ")}).`,
    "Without --group-id every group is searched, several at once (--concurrency); a group that cannot be",
    "read is reported and the run exits 1, after listing what the other groups hold.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/connection_status.ts --state broken",
    "deno run -P recipes/connection_status.ts --state paused --group-id rapid_harbor",
  ],
  flags: {
    state: { type: "string", valueName: "STATE", required: true, description: "The state to look for" },
    "group-id": { type: "string", valueName: "ID", description: "Only this group (default: every group)" },
    concurrency: BULK_FLAGS.concurrency,
  },
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const state = ctx.string("state", { required: true })!.toLowerCase();
    const field = stateField(state);
    if (!field) {
      throw new UsageError(
        `Expected --state to be one of ${[...SYNC_STATES, ...SETUP_STATES, ...UPDATE_STATES].join(", ")}, got '${
          state.slice(0, 40)
        }'`,
      );
    }
    const groupId = ctx.id("group-id");
    const { concurrency, retryFailed } = bulkFlags(ctx);

    let groups: Group[];
    if (groupId) {
      groups = [{ id: groupId }];
    } else {
      const client = ctx.client; // made first: missing credentials end the run before any Call: line
      ctx.out.call("GET", "groups (all pages)");
      groups = await Array.fromAsync(client.paginate<Group>("groups", { limit: 1000, signal: ctx.signal }));
      ctx.out.response("Success");
      ctx.out.progress(`${groups.length} group${groups.length === 1 ? "" : "s"} to search`);
    }

    const summary = await runBulk(groups, {
      op: "connection_status",
      key: (g) => g.id,
      concurrency,
      retryFailed,
      signal: ctx.signal,
      onInterrupt: "abort",
      async run(group, signal) {
        const all = await Array.fromAsync(
          ctx.client.paginate<Connection>(`groups/${encodeURIComponent(group.id)}/connections`, {
            limit: 1000,
            signal,
          }),
        );
        const matches = all.filter((c) => c.status?.[field] === state).map((c) => ({ ...c, group_id: group.id }));
        return { status: "done", detail: `${matches.length} of ${all.length}`, value: { matches, total: all.length } };
      },
      onResult: (r) => {
        if (r.status === "failed") ctx.out.warn(`Could not read group ${r.key}: ${r.reason}`);
      },
    });

    const found: Connection[] = [];
    let searched = 0;
    for (const r of summary.results) {
      if (r.value) {
        for (const match of r.value.matches) found.push(match);
        searched += r.value.total;
      }
    }
    const names = new Map(groups.map((g) => [g.id, g.name ?? g.id]));
    const code = bulkExitCode(summary);
    const headline = `${found.length} connection${
      found.length === 1 ? "" : "s"
    } with ${field} ${state}, of ${searched} in ${summary.counts.done} group${summary.counts.done === 1 ? "" : "s"}`;
    if (ctx.json) {
      ctx.out.json({
        state,
        field,
        count: found.length,
        searched,
        connections: found.map((c) => ({
          id: c.id,
          group_id: c.group_id,
          service: c.service,
          schema: c.schema,
          paused: c.paused,
          status: c.status,
          succeeded_at: c.succeeded_at ?? null,
          failed_at: c.failed_at ?? null,
        })),
        ...(code !== 0 ? { groups: summaryJson(summary) } : {}),
      });
    } else if (found.length > 0) {
      ctx.table(found, [
        { header: "ID", value: (c) => c.id },
        { header: "Group", value: (c) => names.get(c.group_id ?? "") ?? c.group_id },
        { header: "Service", value: (c) => c.service },
        { header: "Schema", value: (c) => c.schema },
        { header: "Sync state", value: (c) => c.status?.sync_state },
        { header: "Setup state", value: (c) => c.status?.setup_state },
        { header: "Update state", value: (c) => c.status?.update_state },
        { header: "Last success", value: (c) => c.succeeded_at ?? "never" },
        { header: "Last failure", value: (c) => c.failed_at ?? "never" },
      ]);
    }
    if (!ctx.json) ctx.out.detail(headline);
    else ctx.out.progress(headline);
    if (code !== 0) {
      for (
        const line of formatBulkSummary(summary, {
          noun: "group",
          done: "searched",
          already: "unchanged",
          resumable: false,
        })
      ) {
        ctx.out.warn(line);
      }
    }
    return code;
  },
});

if (import.meta.main) await runMain(main);
