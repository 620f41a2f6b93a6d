#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * sync_monitor.ts — watch the syncs of a group or the whole account: counts by sync and setup state, the
 * connections syncing now and for how long, those that failed or were rescheduled since the monitor started, and
 * the request budget left (`X-Rate-Limit-Remaining`). Refreshed in place every `--interval` seconds in a terminal;
 * plain lines otherwise; `--json` one JSON object per refresh; `--once` one snapshot; `--until idle` stops when
 * nothing syncs (exit 1 if anything failed meanwhile). Each refresh lists the connections: one GET per 1,000.
 *
 * ```sh
 * deno run -P recipes/sync_monitor.ts --group-id rapid_harbor --interval 30
 * deno run -P recipes/sync_monitor.ts --until idle --json
 * ```
 *
 * @module
 */
import { AtlasError } from "../lib/client/errors.ts";
import { isLoopback } from "../lib/config.ts";
import { defineRecipe, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { formatDuration } from "../lib/progress.ts";
import { isTransient, readState, SETUP_STATES, SYNC_STATES, type SyncState } from "../lib/sync_wait.ts";

interface Listed extends SyncState {
  id: string;
  service?: string;
  group_id?: string;
}

/** What the monitor remembers between refreshes. */
interface Memory {
  startedAt: number;
  /** When each connection was first seen syncing (epoch ms), and whether it was syncing at the first refresh. */
  syncingSince: Map<string, { since: number; atStart: boolean }>;
  /** The failed_at / rescheduled_for each connection had when first seen. */
  first: Map<string, { failed_at: string | null; rescheduled_for: string | null | undefined; sync_state?: string }>;
  failed: Map<string, { at: string; service?: string }>;
  rescheduled: Map<string, { until: string | null | undefined; service?: string }>;
  refreshes: number;
}

/** One refresh. */
export interface Snapshot {
  at: string;
  connections: number;
  sync_state: Record<string, number>;
  setup_state: Record<string, number>;
  syncing: { id: string; service?: string; seconds: number; at_least: boolean }[];
  failed_since_start: { id: string; service?: string; failed_at: string }[];
  rescheduled_since_start: { id: string; service?: string; rescheduled_for?: string | null }[];
  budget: { limit?: number; remaining?: number };
}

function observe(memory: Memory, listed: Listed[], now: number, budget: Snapshot["budget"]): Snapshot {
  const count = (field: "sync_state" | "setup_state", known: readonly string[]) => {
    const out: Record<string, number> = Object.fromEntries(known.map((k) => [k, 0]));
    for (const c of listed) {
      const v = (field === "sync_state" && c.paused) ? "paused" : c[field] ?? "unknown";
      // Own properties only: a state named "constructor" or "__proto__" counts like any other.
      const value = (Object.hasOwn(out, v) ? out[v] : 0) + 1;
      Object.defineProperty(out, v, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const first = memory.refreshes === 0;
  const seen = new Set<string>();
  for (const c of listed) {
    seen.add(c.id);
    const before = memory.first.get(c.id);
    if (!before) {
      memory.first.set(c.id, { failed_at: c.failed_at, rescheduled_for: c.rescheduled_for, sync_state: c.sync_state });
    }
    if (c.sync_state === "syncing") {
      if (!memory.syncingSince.has(c.id)) memory.syncingSince.set(c.id, { since: now, atStart: first });
    } else memory.syncingSince.delete(c.id);
    const base = memory.first.get(c.id)!;
    const failedAt = c.failed_at ? Date.parse(c.failed_at) : NaN;
    if (
      c.failed_at && c.failed_at !== base.failed_at &&
      !(failedAt < memory.startedAt - 1000) // a failure from before the monitor started is not news
    ) {
      memory.failed.set(c.id, { at: c.failed_at, service: c.service });
    }
    if (
      c.sync_state === "rescheduled" &&
      (base.sync_state !== "rescheduled" || c.rescheduled_for !== base.rescheduled_for)
    ) {
      memory.rescheduled.set(c.id, { until: c.rescheduled_for, service: c.service });
    }
  }
  for (const id of memory.syncingSince.keys()) if (!seen.has(id)) memory.syncingSince.delete(id);
  memory.refreshes++;
  const byId = new Map(listed.map((c) => [c.id, c]));
  return {
    at: new Date(now).toISOString(),
    connections: listed.length,
    sync_state: count("sync_state", SYNC_STATES),
    setup_state: count("setup_state", SETUP_STATES),
    syncing: [...memory.syncingSince.entries()].map(([id, s]) => ({
      id,
      service: byId.get(id)?.service,
      seconds: Math.round((now - s.since) / 1000),
      at_least: s.atStart,
    })).sort((a, b) => b.seconds - a.seconds),
    failed_since_start: [...memory.failed.entries()].map(([id, f]) => ({ id, service: f.service, failed_at: f.at })),
    rescheduled_since_start: [...memory.rescheduled.entries()].map(([id, r]) => ({
      id,
      service: r.service,
      rescheduled_for: r.until,
    })),
    budget,
  };
}

function counts(record: Record<string, number>): string {
  return Object.entries(record).map(([k, v]) => `${k} ${v}`).join(", ");
}

function budgetText(b: Snapshot["budget"]): string {
  return b.remaining === undefined ? "budget unknown" : `budget ${b.remaining}${b.limit ? `/${b.limit}` : ""} left`;
}

/** The full view, for a terminal. */
function view(s: Snapshot, scope: string, interval: number): string[] {
  const lines = [
    `Fivetran syncs — ${scope} — ${s.at.slice(11, 19)} UTC, every ${interval} s (Ctrl-C stops)`,
    "",
    `${s.connections} connections`,
    `  sync:  ${counts(s.sync_state)}`,
    `  setup: ${counts(s.setup_state)}`,
    `  ${budgetText(s.budget)}`,
    "",
    `Syncing now (${s.syncing.length}):`,
    ...s.syncing.slice(0, 20).map((c) =>
      `  ${c.id.padEnd(24)} ${(c.service ?? "").padEnd(20)} ${c.at_least ? "≥" : " "}${
        formatDuration(c.seconds * 1000)
      }`
    ),
    ...(s.syncing.length > 20 ? [`  ... ${s.syncing.length - 20} more`] : []),
    "",
    `Failed since start (${s.failed_since_start.length}):`,
    ...s.failed_since_start.slice(-10).map((c) =>
      `  ${c.id.padEnd(24)} ${(c.service ?? "").padEnd(20)} ${c.failed_at}`
    ),
    `Rescheduled since start (${s.rescheduled_since_start.length}):`,
    ...s.rescheduled_since_start.slice(-10).map((c) =>
      `  ${c.id.padEnd(24)} ${(c.service ?? "").padEnd(20)} until ${c.rescheduled_for ?? "?"}`
    ),
  ];
  return lines;
}

/** Text from the API as the terminal may show it: no control character but newlines (no escape sequences). */
function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, " ");
}

/** One line per refresh, for logs and pipes. */
function line(s: Snapshot): string {
  return `${s.at.slice(11, 19)} ${s.connections} connections: ${counts(s.sync_state)} | ${
    counts(s.setup_state)
  } | syncing now ${s.syncing.length}, failed since start ${s.failed_since_start.length}, rescheduled since start ${s.rescheduled_since_start.length} | ${
    budgetText(s.budget)
  }`;
}

async function list(ctx: RecipeContext, groupId: string | undefined): Promise<Listed[]> {
  const endpoint = groupId ? `groups/${groupId}/connections` : "connections";
  const out: Listed[] = [];
  for await (const c of ctx.client.paginate<Record<string, unknown>>(endpoint, { limit: 1000, signal: ctx.signal })) {
    out.push({
      id: String(c.id),
      service: typeof c.service === "string" ? c.service : undefined,
      group_id: typeof c.group_id === "string" ? c.group_id : undefined,
      ...readState(c),
    });
  }
  return out;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "sync_monitor.ts",
  summary: "Watch the syncs of a group or the account: states, syncing now, failures, the request budget",
  description: [
    "Lists the connections (--group-id, or the whole account) every --interval seconds (default 30; at least 15",
    "against a real account, so the monitor does not eat the rate limit: one GET per 1,000 connections a refresh)",
    "and shows counts by sync and setup state, the connections syncing now with how long (≥ when they were",
    "already syncing when the monitor started), those that failed or were rescheduled since it started, and the",
    "request budget left (X-Rate-Limit-Remaining). In a terminal (NO_COLOR unset) the view is redrawn in place;",
    "otherwise one line per refresh (and one per new failure). --json: one JSON object per refresh, one per line.",
    "--once: one snapshot.",
    "--until idle: stop when nothing is syncing — exit 0, or 1 if anything failed since the start. Ctrl-C: 130.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/sync_monitor.ts --group-id rapid_harbor --interval 30",
    "deno run -P recipes/sync_monitor.ts --until idle --json",
  ],
  flags: {
    "group-id": { type: "string", valueName: "ID", description: "Only this group (default: the whole account)" },
    interval: { type: "string", valueName: "S", description: "Seconds between refreshes (default 30)" },
    once: { type: "boolean", description: "Print one snapshot and exit" },
    until: { type: "string", valueName: "idle", description: "Stop when nothing is syncing (exit 1 if any failed)" },
  },
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const groupId = ctx.id("group-id");
    const until = ctx.string("until");
    if (until !== undefined && until !== "idle") throw new UsageError(`Expected --until idle, got '${until}'`);
    if (until && ctx.flags.once) throw new UsageError("Expected one of --once or --until, got both");
    const client = ctx.client; // made first: missing credentials end the run before anything is printed
    const loopback = isLoopback(new URL(client.baseUrl).hostname);
    const min = loopback ? 0.05 : 15;
    const raw = ctx.string("interval");
    const interval = raw === undefined ? 30 : Number(raw);
    if (raw !== undefined && (!/^\d+(\.\d+)?$/.test(raw) || interval < min || interval > 86_400)) {
      throw new UsageError(
        `Expected --interval to be seconds from ${min}${
          loopback ? "" : " (against a real account)"
        } to 86400, got '${raw}'`,
      );
    }
    const scope = groupId ? `group ${groupId}` : "the account";
    const redraw = !ctx.json && ctx.out.colour && !ctx.flags.once;
    const memory: Memory = {
      startedAt: ctx.now(),
      syncingSince: new Map(),
      first: new Map(),
      failed: new Map(),
      rescheduled: new Map(),
      refreshes: 0,
    };
    if (!ctx.flags.once) {
      ctx.out.progress(
        `Watching ${scope} every ${interval} s${until ? " until nothing is syncing" : ""}; Ctrl-C stops`,
      );
    }
    let reported = 0;
    let errors = 0;
    let last: Snapshot | undefined;
    const finish = (code: number, why: string) => {
      const text = `${why}: ${memory.refreshes} refresh${
        memory.refreshes === 1 ? "" : "es"
      }, ${memory.failed.size} failed and ${memory.rescheduled.size} rescheduled since start${
        last ? `; ${budgetText(last.budget)}` : ""
      }`;
      ctx.log.write(code === EXIT_OK ? "info" : "warn", `sync_monitor: ${scope}: ${text}`);
      if (!ctx.flags.once || code === EXIT_INTERRUPTED) ctx.out.progress(text);
      return code;
    };
    for (;;) {
      let listed: Listed[];
      try {
        listed = await list(ctx, groupId);
        errors = 0;
      } catch (error) {
        if (ctx.signal.aborted) return finish(EXIT_INTERRUPTED, "Interrupted");
        if (!(error instanceof AtlasError) || !isTransient(error) || ctx.flags.once || ++errors >= 5) throw error;
        ctx.out.warn(`Refresh failed (${errors} in a row; giving up at 5): ${error.message}`);
        listed = [];
      }
      if (listed.length > 0 || errors === 0) {
        const snap = observe(memory, listed, ctx.now(), ctx.budget());
        last = snap;
        if (ctx.json) ctx.out.jsonLine(snap);
        else if (redraw) ctx.out.line(`\x1b[H\x1b[2J${plain(view(snap, scope, interval).join("\n"))}`);
        else if (ctx.flags.once) ctx.out.line(plain(view(snap, scope, interval).slice(2).join("\n")));
        else {
          ctx.out.line(plain(line(snap)));
          for (const f of snap.failed_since_start.slice(reported)) {
            ctx.out.painted("red", plain(`  failed: ${f.id}${f.service ? ` (${f.service})` : ""} at ${f.failed_at}`));
          }
        }
        for (const f of snap.failed_since_start.slice(reported)) {
          ctx.log.write("warn", `sync_monitor: ${f.id} failed at ${f.failed_at}`);
        }
        reported = snap.failed_since_start.length;
        if (ctx.flags.once) return finish(EXIT_OK, "Done");
        if (until === "idle" && snap.syncing.length === 0) {
          return finish(memory.failed.size > 0 ? EXIT_FAILED : EXIT_OK, "Nothing is syncing");
        }
      }
      try {
        await ctx.sleep(interval * 1000);
      } catch {
        return finish(EXIT_INTERRUPTED, "Interrupted");
      }
      if (ctx.signal.aborted) return finish(EXIT_INTERRUPTED, "Interrupted");
    }
  },
});

if (import.meta.main) await runMain(main);
