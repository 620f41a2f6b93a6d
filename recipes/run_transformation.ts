#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * run_transformation.ts — run a dbt transformation (`POST /v1/transformations/{id}/run`, body
 * `{"full_refresh": true}` only with `--full-refresh`), and with `--wait` follow it (`GET /v1/transformations/{id}`)
 * to a final status. Only `SUCCEEDED` counts as success (`--allow-partial` accepts `PARTIALLY_SUCCEEDED` too);
 * `FAILED`, `CANCELED`, `BLOCKED` and a timeout exit 1. Transient errors while waiting (network, 429, 5xx) are
 * reported and polling goes on until the timeout.
 *
 * ```sh
 * deno run -P recipes/run_transformation.ts --transformation-id bright_comet --wait --timeout 1800
 * ```
 *
 * @module
 */
import { AtlasError } from "../lib/client/errors.ts";
import { defineRecipe, ExpectationError, type RecipeContext, runMain, UsageError } from "../lib/recipe.ts";
import { isTransient } from "../lib/sync_wait.ts";
import type { FivetranSchemas } from "../lib/client/typed.ts";
import type { Read } from "../lib/spec/types.ts";
import { checkPollFloor } from "./_shared.ts";

type Transformation = Read<FivetranSchemas["TransformationResponse"]>;

/** Statuses of a run that is still going. */
export const ACTIVE_STATUSES: readonly string[] = ["NEW", "SCHEDULING", "RUNNING", "TERMINATING"];
/** Statuses a run ends in. Only SUCCEEDED (and, with --allow-partial, PARTIALLY_SUCCEEDED) is success. */
export const FINAL_STATUSES: readonly string[] = ["SUCCEEDED", "PARTIALLY_SUCCEEDED", "FAILED", "CANCELED", "BLOCKED"];

/** Polls in a row that show a final status but no sign of a new run before it is believed anyway. */
const STALE_POLLS = 3;

function seconds(ctx: RecipeContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.string(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value >= min && value <= max)) {
    throw new UsageError(
      `Expected --${name} to be a number of seconds from ${min} to ${max}, got '${raw.slice(0, 40)}'`,
    );
  }
  return value;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "run_transformation.ts",
  summary: "Run a dbt transformation; with --wait, follow it to a final status",
  description: [
    'POST transformations/{id}/run (with {"full_refresh": true} only when --full-refresh is given).',
    "--wait polls GET transformations/{id} every --poll-interval seconds until a final status or --timeout:",
    "  SUCCEEDED exits 0; PARTIALLY_SUCCEEDED exits 1 unless --allow-partial; FAILED, CANCELED, BLOCKED and",
    "  a timeout exit 1. Network errors, 429 and 5xx while waiting are reported and polling goes on.",
    "  A new run is recognised by an active status (NEW, SCHEDULING, RUNNING, TERMINATING) or a changed",
    "  last_started_at / last_ended_at, so the previous run's final status is not taken for this one's.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/run_transformation.ts --transformation-id bright_comet --wait --timeout 1800",
    "deno run -P recipes/run_transformation.ts --transformation-id bright_comet --full-refresh",
  ],
  flags: {
    "transformation-id": { type: "string", valueName: "ID", required: true, description: "The transformation" },
    "full-refresh": { type: "boolean", description: "Rebuild incremental models from scratch" },
    wait: { type: "boolean", description: "Wait for a final status; exit 1 unless it succeeded" },
    timeout: { type: "string", valueName: "S", description: "With --wait: give up after S seconds (default 3600)" },
    "poll-interval": {
      type: "string",
      valueName: "S",
      description: "With --wait: seconds between polls (default 10; at least 1 unless the API is a loopback sandbox)",
    },
    "allow-partial": { type: "boolean", description: "With --wait: PARTIALLY_SUCCEEDED counts as success" },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const id = ctx.id("transformation-id", { required: true })!;
    const wait = ctx.flags.wait === true;
    for (const name of ["timeout", "poll-interval", "allow-partial"]) {
      if (!wait && ctx.flags[name] !== undefined) throw new UsageError(`--${name} needs --wait (see --help)`);
    }
    const timeoutS = seconds(ctx, "timeout", 3600, 1, 7 * 24 * 3600);
    const pollS = seconds(ctx, "poll-interval", 10, 0.001, 3600);
    checkPollFloor(ctx, pollS);
    const fullRefresh = ctx.flags["full-refresh"] === true;
    const allowPartial = ctx.flags["allow-partial"] === true;

    let before: Transformation | undefined;
    if (wait) {
      before = (await ctx.call<Transformation>("GET", `transformations/${id}`)).data ?? {};
      ctx.out.detail(
        `Transformation ${id}: status ${before.status ?? "?"}, last started ${before.last_started_at ?? "never"}${
          before.paused ? " (paused: this run is manual)" : ""
        }`,
      );
    }
    const run = await ctx.call("POST", `transformations/${id}/run`, fullRefresh ? { full_refresh: true } : undefined);
    if (ctx.dryRun) {
      ctx.out.detail(
        `Dry run: would run transformation ${id}${fullRefresh ? " (full refresh)" : ""}${wait ? " and wait" : ""}`,
      );
      if (ctx.json) ctx.out.json({ transformation_id: id, full_refresh: fullRefresh, dry_run: true, wait });
      return 0;
    }
    ctx.log.write(
      "info",
      `run_transformation: started a run of transformation ${id}${fullRefresh ? " (full refresh)" : ""}`,
    );
    ctx.out.detail(`Run of transformation ${id} started${run.message ? `: ${run.message}` : ""}`);
    if (!wait) {
      if (ctx.json) {
        ctx.out.json({
          transformation_id: id,
          full_refresh: fullRefresh,
          run: { code: run.code, message: run.message },
        });
      }
      return 0;
    }

    const started = ctx.now();
    const deadline = started + timeoutS * 1000;
    let sawActive = false;
    let stale = 0;
    let polls = 0;
    let errorsInRow = 0;
    let last: Transformation = before ?? {};
    let lastStatus: string | undefined;
    const elapsed = () => Math.round((ctx.now() - started) / 1000);
    const warnedUnknown = new Set<string>();
    let final: string | undefined;
    while (final === undefined) {
      const remaining = deadline - ctx.now();
      if (remaining <= 0) break;
      await ctx.sleep(Math.min(pollS * 1000, remaining));
      polls++;
      try {
        last = (await ctx.client.request<Transformation>("GET", `transformations/${id}`, undefined, {
          signal: ctx.signal,
        })).data ?? {};
        errorsInRow = 0;
      } catch (error) {
        if (error instanceof AtlasError && isTransient(error)) {
          errorsInRow++;
          ctx.out.warn(`Poll ${polls} failed (${errorsInRow} in a row), still waiting: ${error.message}`);
          ctx.log.write("warn", `run_transformation: poll of ${id} failed: ${error.message}`);
          continue;
        }
        throw error;
      }
      const status = last.status ?? "?";
      if (status !== lastStatus) {
        ctx.out.progress(`${id}: ${status} (${elapsed()} s)`);
        lastStatus = status;
      }
      if (ACTIVE_STATUSES.includes(status)) {
        sawActive = true;
        continue;
      }
      if (!FINAL_STATUSES.includes(status)) {
        if (!warnedUnknown.has(status)) ctx.out.warn(`Unknown status '${status}'; still waiting`);
        warnedUnknown.add(status);
        continue;
      }
      const timestamps = last.last_started_at != null || last.last_ended_at != null;
      const changed = (last.last_started_at ?? null) !== (before?.last_started_at ?? null) ||
        (last.last_ended_at ?? null) !== (before?.last_ended_at ?? null);
      if (sawActive || changed) {
        final = status;
      } else if (++stale >= STALE_POLLS && !timestamps) {
        ctx.out.warn(`No sign of a new run (no active status, no timestamps); taking the status ${status} as final`);
        final = status;
      }
    }

    const waited = elapsed();
    const succeeded = final === "SUCCEEDED" || (allowPartial && final === "PARTIALLY_SUCCEEDED");
    const line = final === undefined
      ? `Timed out after ${timeoutS} s waiting for transformation ${id} (last status ${last.status ?? "unknown"})`
      : `Transformation ${id} ended ${final} after ${waited} s`;
    ctx.log.write(succeeded ? "info" : "warn", `run_transformation: ${line}`);
    if (ctx.json) {
      ctx.out.json({
        transformation_id: id,
        full_refresh: fullRefresh,
        run: { code: run.code, message: run.message },
        status: final ?? last.status ?? null,
        final: final !== undefined,
        succeeded,
        timed_out: final === undefined,
        waited_seconds: waited,
        polls,
        last_started_at: last.last_started_at ?? null,
        last_ended_at: last.last_ended_at ?? null,
      });
    }
    if (!succeeded) {
      throw new ExpectationError(
        final === "PARTIALLY_SUCCEEDED" ? `${line} (some models failed; --allow-partial accepts this)` : line,
      );
    }
    ctx.out.painted("green", line);
    return 0;
  },
});

if (import.meta.main) await runMain(main);
