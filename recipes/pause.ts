#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * pause.ts — pause (the default), `--resume` or `--sync` connections, one, a list, or a whole group, and
 * log every action to the rotating log. Connections already in the wanted state are skipped and reported
 * ("already paused"). `--sync --wait` triggers a sync and follows it to the end: exit 0 when it succeeded,
 * 1 when it failed, timed out, or the API could not be read for too long.
 *
 * Many connections run several at a time (`--concurrency`, default 8) inside the account's rate limit
 * (the client paces every request); `--resume-from FILE` records progress so a rerun after Ctrl-C or
 * failures skips what already succeeded. The summary accounts for every connection.
 *
 * ```sh
 * deno run -P recipes/pause.ts --connection-id steady_orchard
 * deno run -P recipes/pause.ts --connection-id steady_orchard --sync --wait --timeout 600
 * deno run -P recipes/pause.ts --group-id rapid_harbor --resume-from logs/pause-rapid_harbor.jsonl
 * ```
 *
 * @module
 */
import {
  BULK_FLAGS,
  bulkExitCode,
  bulkFlags,
  type BulkItemResult,
  formatBulkSummary,
  openProgressFile,
  reportBulk,
  runBulk,
} from "../lib/bulk.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { readState, snapshotSync, type SyncState, type SyncWaitEvent, waitForSync } from "../lib/sync_wait.ts";
import { checkPollFloor } from "./_shared.ts";

type Action = "pause" | "resume" | "sync";

interface Target {
  id: string;
  /** The connection as listed (group mode); undefined when only the ID is known. */
  known?: SyncState;
}

const WORDS: Record<Action, { done: string; already: string; verb: string }> = {
  pause: { done: "paused", already: "already paused", verb: "pause" },
  resume: { done: "resumed", already: "already running (not paused)", verb: "resume" },
  sync: { done: "synced", already: "already syncing", verb: "sync" },
};

function seconds(ctx: RecipeContext, name: string, fallback: number, max: number): number {
  const raw = ctx.string(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0) || value > max) {
    throw new UsageError(`Expected --${name} to be a number of seconds above 0 and at most ${max}, got '${raw}'`);
  }
  return value;
}

function describeEvent(id: string, event: SyncWaitEvent): string {
  switch (event.kind) {
    case "state":
      return `${id}: sync_state ${event.state.sync_state ?? "?"} after ${Math.round(event.waitedMs / 1000)} s`;
    case "rescheduled":
      return `${id}: rescheduled for ${event.until}; waiting ${Math.round(event.waitMs / 1000)} s${
        event.beyondTimeout ? " (that is past --timeout: the wait will time out first)" : ""
      }`;
    case "poll-error":
      return `${id}: polling failed (${event.consecutive} in a row; giving up at ${event.max}): ${event.error.message}`;
  }
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "pause.ts",
  summary: "Pause (default), resume or sync connections — one, a list or a group — and log every action",
  description: [
    "Targets: --connection-id ID (repeatable) or --group-id ID (all its connections, all pages).",
    "Action: pause (default), --resume, or --sync (with --force to restart a running sync).",
    "Connections already in the wanted state are reported and left alone. Pausing is not destructive",
    "and needs no --yes. --sync --wait follows each sync to its end: it reads succeeded_at/failed_at",
    "before triggering, polls every --poll-interval seconds (default 15) up to --timeout seconds",
    "(default 3600), waits out a rescheduled sync, and keeps going through passing network errors.",
    "Exit 1 when any connection failed (or its sync failed or timed out), 130 on Ctrl-C. With",
    "--resume-from FILE (keep it under logs/ for the default permissions) a rerun skips what succeeded.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/pause.ts --connection-id steady_orchard",
    "deno run -P recipes/pause.ts --connection-id steady_orchard --resume",
    "deno run -P recipes/pause.ts --connection-id steady_orchard --sync --wait --timeout 600 --poll-interval 10",
    "deno run -P recipes/pause.ts --group-id rapid_harbor --resume-from logs/pause-rapid_harbor.jsonl",
  ],
  flags: {
    "connection-id": { type: "string", multiple: true, valueName: "ID", description: "A connection" },
    "group-id": { type: "string", valueName: "ID", description: "Every connection of this group" },
    resume: { type: "boolean", description: "Resume (unpause) instead of pausing" },
    sync: { type: "boolean", description: "Trigger a sync instead of pausing" },
    force: { type: "boolean", description: "With --sync: restart a sync that is already running" },
    wait: { type: "boolean", description: "With --sync: wait for each sync to finish" },
    timeout: { type: "string", valueName: "S", description: "With --wait: give up after S seconds (default 3600)" },
    "poll-interval": {
      type: "string",
      valueName: "S",
      description: "With --wait: poll every S seconds (default 15; at least 1 unless the API is a loopback sandbox)",
    },
    ...BULK_FLAGS,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs (and the --resume-from file)",
  async run(ctx) {
    // ---- flags
    const ids = ctx.ids("connection-id");
    const groupId = ctx.id("group-id");
    if (ids.length === 0 && !groupId) throw new UsageError("Missing --connection-id or --group-id (see --help)");
    if (ids.length > 0 && groupId) throw new UsageError("Expected --connection-id or --group-id, got both");
    if (ctx.flags.resume && ctx.flags.sync) throw new UsageError("Expected one of --resume or --sync, got both");
    const action: Action = ctx.flags.sync ? "sync" : ctx.flags.resume ? "resume" : "pause";
    for (const name of ["force", "wait"]) {
      if (ctx.flags[name] && action !== "sync") throw new UsageError(`--${name} only goes with --sync`);
    }
    for (const name of ["timeout", "poll-interval"]) {
      if (ctx.flags[name] !== undefined && !ctx.flags.wait) throw new UsageError(`--${name} only goes with --wait`);
    }
    const wait = ctx.flags.wait === true;
    const force = ctx.flags.force === true;
    const timeoutMs = seconds(ctx, "timeout", 3600, 7 * 24 * 3600) * 1000;
    const pollMs = seconds(ctx, "poll-interval", 15, 3600) * 1000;
    if (ctx.flags["poll-interval"] !== undefined) checkPollFloor(ctx, pollMs / 1000);
    const { concurrency, retryFailed } = bulkFlags(ctx);
    let { resumeFrom } = bulkFlags(ctx);
    if (resumeFrom && ctx.dryRun) {
      ctx.out.warn(`--dry-run: not reading or writing the progress file ${resumeFrom}`);
      resumeFrom = undefined;
    }
    const words = WORDS[action];
    const op = action === "sync" && wait ? "sync-wait" : action;
    // Open the progress file before listing anything, so a wrong file or path is reported at once.
    const progressFile = resumeFrom ? openProgressFile(resumeFrom, { op }) : undefined;

    // ---- targets
    let targets: Target[];
    if (groupId) {
      const client = ctx.client; // made first: missing credentials end the run before any Call: line
      ctx.out.call("GET", `groups/${groupId}/connections (all pages)`);
      const listed = await Array.fromAsync(
        client.paginate<Record<string, unknown>>(`groups/${groupId}/connections`, {
          limit: 1000,
          signal: ctx.signal,
        }),
      );
      ctx.out.response("Success");
      targets = listed.map((c) => ({ id: String(c.id), known: readState(c) }));
      ctx.out.progress(`${targets.length} connection${targets.length === 1 ? "" : "s"} in group ${groupId}`);
    } else {
      targets = ids.map((id) => ({ id }));
    }
    const single = targets.length === 1;

    // ---- one connection
    const send = async (method: "PATCH" | "POST", endpoint: string, payload: unknown) => {
      if (single) return await ctx.call(method, endpoint, payload);
      return await ctx.client.request(method, endpoint, payload);
    };
    const current = async (t: Target, signal: AbortSignal): Promise<SyncState> => {
      if (t.known && !(action === "sync" && wait)) return t.known;
      return await snapshotSync(ctx.client, t.id, { signal });
    };

    const runOne = async (t: Target, signal: AbortSignal) => {
      const state = await current(t, signal);
      const endpoint = `connections/${t.id}`;
      if (action === "pause" || action === "resume") {
        const want = action === "pause";
        if (state.paused === want) {
          ctx.log.write("info", `pause.ts: ${t.id} ${words.already}; nothing sent`);
          return { status: "already" as const, detail: words.already };
        }
        const response = await send("PATCH", endpoint, { paused: want });
        if (response.code === "DryRun") return { status: "done" as const, detail: `would be ${words.done} (dry run)` };
        ctx.log.write("info", `pause.ts: ${words.done} connection ${t.id}`);
        return { status: "done" as const, detail: words.done };
      }
      // sync
      if (state.paused) {
        throw new Error(`${t.id} is paused, so a sync would not run; resume it first (--resume)`);
      }
      const running = state.sync_state === "syncing";
      if (running && !force && !wait) {
        ctx.log.write("info", `pause.ts: ${t.id} already syncing; nothing sent (--force restarts it)`);
        return { status: "already" as const, detail: "already syncing (--force restarts it)" };
      }
      if (!running || force) {
        const response = await send("POST", `${endpoint}/sync`, force ? { force: true } : {});
        if (response.code === "DryRun") {
          return { status: "done" as const, detail: `would ${force ? "force a " : ""}sync (dry run)` };
        }
        ctx.log.write("info", `pause.ts: triggered a ${force ? "forced " : ""}sync of ${t.id}`);
        if (!wait) return { status: "done" as const, detail: "sync requested" };
      } else {
        if (ctx.dryRun) return { status: "already" as const, detail: "already syncing; would wait for it (dry run)" };
        ctx.log.write("info", `pause.ts: ${t.id} already syncing; waiting for that sync`);
        if (single) ctx.out.detail(`${t.id} is already syncing; waiting for that sync to finish (--force restarts it)`);
      }
      if (single) {
        ctx.out.detail(
          `Waiting for the sync of ${t.id} (polling every ${pollMs / 1000} s, up to ${timeoutMs / 1000} s)`,
        );
      }
      const outcome = await waitForSync(ctx.client, { connectionId: t.id, ...state }, {
        timeoutMs,
        pollIntervalMs: pollMs,
        sleep: (ms) => ctx.sleep(ms),
        now: ctx.now,
        signal,
        onUpdate: (event) => {
          const line = describeEvent(t.id, event);
          ctx.log.write(event.kind === "poll-error" ? "warn" : "info", `pause.ts: ${line}`);
          if (single) event.kind === "poll-error" ? ctx.out.warn(line) : ctx.out.detail(line);
        },
      });
      ctx.log.write(outcome.result === "succeeded" ? "info" : "warn", `pause.ts: ${outcome.message}`);
      if (outcome.result !== "succeeded") throw new Error(outcome.message);
      return {
        status: running && !force ? "already" as const : "done" as const,
        detail: `${running && !force ? "running sync finished" : "synced"}: succeeded at ${outcome.last.succeeded_at}`,
      };
    };

    const summary = await runBulk(targets, {
      op,
      key: (t) => t.id,
      concurrency,
      retryFailed,
      signal: ctx.signal,
      onInterrupt: op === "sync-wait" ? "abort" : "finish",
      ...(progressFile ? { resumeFrom: progressFile } : {}),
      run: runOne,
      onResult: (r: BulkItemResult<Target>) => {
        if (r.status === "failed") {
          ctx.log.write("error", `pause.ts: could not ${words.verb} ${r.key}: ${r.reason}`);
          ctx.out.error(`failed  ${r.key}: ${r.reason}`);
        } else if (r.status === "skipped") {
          if (single || targets.length <= 20) ctx.out.detail(`skipped ${r.key}: done in an earlier run`);
        } else if (r.status === "done" || r.status === "already") {
          ctx.out.detail(`${r.status === "done" ? "done   " : "already"} ${r.key}: ${r.detail}`);
        }
      },
    });
    const command = `pause.ts ${
      groupId
        ? `--group-id ${groupId}`
        : ids.length > 3
        ? "--connection-id ..."
        : ids.map((i) => `--connection-id ${i}`).join(" ")
    }${action === "pause" ? "" : ` --${action}`}${wait ? " --wait" : ""}`;
    const summaryWords = {
      noun: "connection",
      done: ctx.dryRun ? `would be ${words.done}` : words.done,
      already: words.already,
      command,
    };
    if (single && !ctx.json && bulkExitCode(summary) === 0) {
      // One connection that went fine: its line above says it all; the summary goes to the log only.
      ctx.log.write("info", `${op}: ${formatBulkSummary(summary, summaryWords)[0]}`);
      return 0;
    }
    return reportBulk(ctx, summary, {
      ...summaryWords,
      json: { action, dry_run: ctx.dryRun, ...(groupId ? { group_id: groupId } : {}) },
    });
  },
});

if (import.meta.main) await runMain(main);
