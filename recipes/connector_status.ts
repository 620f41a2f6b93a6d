#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * connector_status.ts — show one connection's status (`GET /v1/connections/{id}`): setup, sync and update
 * state, paused, schedule, last success and last failure, warnings and tasks. With `--expect STATE` it is
 * a check for scripts and orchestrators: "Requirement met" (green, exit 0) or "Requirement not met: ..."
 * (exit 1).
 *
 * `--expect` takes a state of any status field — the three sets do not overlap —
 * `incomplete|connected|broken` (setup_state), `scheduled|syncing|rescheduled` (sync_state),
 * `on_schedule|delayed` (update_state); or `paused` / `active` (the `paused` flag), `running` (= syncing),
 * `succeeded` / `failed` (how the last sync ended); or the explicit `FIELD=VALUE` form
 * (`setup_state=connected`, `paused=false`). Repeat it to require several; all must hold.
 *
 * ```sh
 * deno run -P recipes/connector_status.ts --connection-id steady_orchard --expect connected --expect active
 * ```
 *
 * @module
 */
import { defineRecipe, ExpectationError, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import type { Connection as ConnectionAnswer, Read } from "../lib/spec/types.ts";
import { readState, SETUP_STATES, stateField, SYNC_STATES, type SyncState, UPDATE_STATES } from "../lib/sync_wait.ts";

/** The connection as read: every field of the definition's, any of them possibly missing. */
type Connection = Read<ConnectionAnswer>;

/** One `--expect` check, resolved. */
interface Expectation {
  /** As typed. */
  text: string;
  /** What it checks, e.g. `setup_state`. */
  field: string;
  /** The wanted value. */
  want: string;
}

const WORDS: Record<string, { field: string; want: string }> = {
  paused: { field: "paused", want: "true" },
  active: { field: "paused", want: "false" },
  unpaused: { field: "paused", want: "false" },
  running: { field: "sync_state", want: "syncing" },
  succeeded: { field: "last_sync", want: "succeeded" },
  failed: { field: "last_sync", want: "failed" },
};

const FIELD_VALUES: Record<string, readonly string[]> = {
  setup_state: SETUP_STATES,
  sync_state: SYNC_STATES,
  update_state: UPDATE_STATES,
  paused: ["true", "false"],
  last_sync: ["succeeded", "failed", "never"],
};

const ACCEPTED = [
  ...SETUP_STATES,
  ...SYNC_STATES.filter((s) => s !== "paused"),
  ...UPDATE_STATES,
  ...Object.keys(WORDS),
];

/** Turns an `--expect` value into a check; a {@link UsageError} for anything unknown. */
export function parseExpectation(text: string): Expectation {
  const value = text.trim();
  const eq = value.indexOf("=");
  if (eq !== -1) {
    const field = value.slice(0, eq).trim().toLowerCase();
    const want = value.slice(eq + 1).trim().toLowerCase();
    const allowed = FIELD_VALUES[field];
    if (!allowed) {
      throw new UsageError(
        `Expected --expect FIELD=VALUE with FIELD one of ${Object.keys(FIELD_VALUES).join(", ")}, got '${field}'`,
      );
    }
    if (!allowed.includes(want)) {
      throw new UsageError(`Expected --expect ${field}= to be one of ${allowed.join(", ")}, got '${want}'`);
    }
    return { text: value, field, want };
  }
  const word = value.toLowerCase();
  if (WORDS[word]) return { text: value, ...WORDS[word] };
  const field = stateField(word);
  if (field) return { text: value, field, want: word };
  throw new UsageError(`Expected --expect to be one of ${ACCEPTED.join(", ")} or FIELD=VALUE, got '${value}'`);
}

/** An expectation in words, e.g. `setup_state connected`, `paused`, `not paused`, `last sync failed`. */
function words(field: string, value: string): string {
  if (field === "paused") return value === "true" ? "paused" : "not paused";
  if (field === "last_sync") return `last sync ${value === "never" ? "never ran" : value}`;
  return `${field} ${value}`;
}

/** The actual value of an expectation's field on a connection. */
function actual(field: string, c: Connection, state: SyncState): string {
  switch (field) {
    case "paused":
      return String(c.paused === true);
    case "last_sync":
      return lastSync(state);
    default:
      return String((state as unknown as Record<string, unknown>)[field] ?? "unknown");
  }
}

function lastSync(state: SyncState): string {
  const s = state.succeeded_at ? Date.parse(state.succeeded_at) : NaN;
  const f = state.failed_at ? Date.parse(state.failed_at) : NaN;
  if (Number.isNaN(s) && Number.isNaN(f)) return "never";
  if (Number.isNaN(f)) return "succeeded";
  if (Number.isNaN(s)) return "failed";
  return f > s ? "failed" : "succeeded";
}

function describeFrequency(c: Connection): string {
  if (c.sync_frequency === undefined) return "unknown";
  const minutes = c.sync_frequency;
  const every = minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
  return `every ${every}${c.schedule_type ? ` (${c.schedule_type})` : ""}`;
}

function print(ctx: RecipeContext, c: Connection, state: SyncState) {
  const s = c.status ?? {};
  const rows: [string, string][] = [
    ["Connection", `${c.id} (${c.service ?? "?"}, schema ${c.schema ?? "?"}, group ${c.group_id ?? "?"})`],
    ["Setup state", state.setup_state ?? "unknown"],
    ["Sync state", state.sync_state ?? "unknown"],
    ["Update state", state.update_state ?? "unknown"],
    ["Paused", c.paused ? "yes" : "no"],
    ["Frequency", describeFrequency(c)],
    ["Last success", state.succeeded_at ?? "never"],
    ["Last failure", state.failed_at ?? "never"],
  ];
  if (state.rescheduled_for) rows.push(["Rescheduled for", state.rescheduled_for]);
  if (s.is_historical_sync) rows.push(["Historical sync", "yes (initial or re-sync running)"]);
  for (const w of s.warnings ?? []) rows.push(["Warning", `${w.code ?? "?"}: ${w.message ?? ""}`]);
  for (const t of s.tasks ?? []) rows.push(["Task", `${t.code ?? "?"}: ${t.message ?? ""}`]);
  for (const [label, value] of rows) ctx.out.detail(`${`${label}:`.padEnd(17)}${value}`);
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "connector_status.ts",
  summary: "Show a connection's status; --expect checks it (exit 1 when not met)",
  description: [
    "Shows setup, sync and update state, paused, schedule, last success and last failure, warnings and tasks.",
    "--expect STATE (repeatable, all must hold) accepts:",
    `  setup_state: ${SETUP_STATES.join(", ")}; sync_state: scheduled, syncing, rescheduled; update_state: ${
      UPDATE_STATES.join(", ")
    }`,
    "  paused / active (the paused flag), running (= syncing), succeeded / failed (how the last sync ended)",
    "  or FIELD=VALUE: setup_state=, sync_state=, update_state=, paused=true|false, last_sync=succeeded|failed|never",
    'Prints "Requirement met" when every expectation holds; otherwise "Requirement not met: ..." and exits 1.',
  ].join("\n"),
  examples: [
    "deno run -P recipes/connector_status.ts --connection-id steady_orchard",
    "deno run -P recipes/connector_status.ts --connection-id steady_orchard --expect connected --expect active",
  ],
  flags: {
    "connection-id": { type: "string", valueName: "ID", required: true, description: "The connection" },
    expect: {
      type: "string",
      multiple: true,
      valueName: "STATE",
      description: "Require a state (see above); exit 1 when not met",
    },
  },
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const id = ctx.id("connection-id", { required: true })!;
    const expectations = ctx.list("expect").map(parseExpectation);
    const response = await ctx.call<Connection>("GET", `connections/${id}`);
    const c: Connection = response.data ?? {};
    const state = readState(c);
    const checks = expectations.map((e) => {
      const got = actual(e.field, c, state);
      return { ...e, got, met: got === e.want };
    });
    const unmet = checks.filter((x) => !x.met);
    if (ctx.json) {
      ctx.out.json({
        connection: {
          id: c.id,
          group_id: c.group_id,
          service: c.service,
          schema: c.schema,
          paused: c.paused,
          sync_frequency: c.sync_frequency,
          schedule_type: c.schedule_type,
          succeeded_at: state.succeeded_at,
          failed_at: state.failed_at,
          status: c.status,
        },
        ...(checks.length
          ? {
            expectations: checks.map((x) => ({ expect: x.text, field: x.field, want: x.want, got: x.got, met: x.met })),
            requirement_met: unmet.length === 0,
          }
          : {}),
      });
    } else {
      print(ctx, c, state);
    }
    if (checks.length === 0) return 0;
    if (unmet.length > 0) {
      const what = unmet.map((x) => `expected ${words(x.field, x.want)}, got ${words(x.field, x.got)}`).join("; ");
      ctx.log.write("warn", `connector_status.ts: ${id}: requirement not met: ${what}`);
      throw new ExpectationError(`Requirement not met: ${what}`);
    }
    ctx.log.write("info", `connector_status.ts: ${id}: requirement met (${checks.map((x) => x.text).join(", ")})`);
    ctx.out.painted("green", `Requirement met: ${checks.map((x) => words(x.field, x.want)).join(", ")}`);
    return 0;
  },
});

if (import.meta.main) await runMain(main);
