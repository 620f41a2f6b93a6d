#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * staged_load.ts — load a large source a few tables at a time: enable a batch of tables, sync, wait for the sync
 * to end (`lib/sync_wait.ts`), then the next batch. The tables come from `--tables FILE` (one `SCHEMA.TABLE` a line)
 * or are every disabled table of `--schema`. It stops at the first batch whose sync fails, saying what is loaded and
 * how to continue; a rerun continues (with `--resume-from FILE` it also knows which enabled tables were loaded).
 *
 * ```sh
 * deno run -P recipes/staged_load.ts --connection-id steady_orchard --schema sales --batch 2 --resume-from logs/stage-steady_orchard.jsonl
 * ```
 *
 * @module
 */
import { isLoopback } from "../lib/config.ts";
import { openProgressFile, type ProgressFile } from "../lib/bulk.ts";
import { readSmallTextFile } from "../lib/_read_file.ts";
import { defineRecipe, ExpectationError, Interrupted, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { checkSchemaConfig, type SchemaConfigData } from "../lib/schema_config.ts";
import { schemaConfigOf } from "./_schema_answer.ts";
import { snapshotSync, type SyncOutcome, waitForSync } from "../lib/sync_wait.ts";

interface Table {
  schema: string;
  table: string;
}

const key = (t: Table) => `${t.schema}.${t.table}`;

function number(ctx: RecipeContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.string(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
    throw new UsageError(`Expected --${name} to be a number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** The `SCHEMA.TABLE` lines of a tables file (blank lines and `#` comments skipped), in order, each once. */
/** The largest --tables file: 16 MiB, some 400,000 lines. */
const MAX_TABLES_FILE_BYTES = 16 * 1024 * 1024;

function readTablesFile(path: string): Table[] {
  let text: string;
  try {
    // Capped and regular files only: /dev/zero or a FIFO would otherwise eat memory or block for ever.
    text = readSmallTextFile(path, MAX_TABLES_FILE_BYTES);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`Cannot read tables file '${path}': ${(error as Error).message.split("\n")[0]}`);
  }
  const out: Table[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const dot = line.indexOf(".");
    if (dot <= 0 || dot === line.length - 1) {
      throw new UsageError(
        `Expected line ${i + 1} of tables file '${path}' to be SCHEMA.TABLE, got '${line.slice(0, 80)}'`,
      );
    }
    const t = { schema: line.slice(0, dot), table: line.slice(dot + 1) };
    if (!seen.has(key(t))) out.push(t);
    seen.add(key(t));
  }
  if (out.length === 0) throw new UsageError(`Expected tables file '${path}' to list at least one SCHEMA.TABLE`);
  return out;
}

/**
 * Checks that the tables are enabled now, by the PATCH's answer or, when it holds no schema config, a fresh read: a
 * 2xx that left them disabled (a table Fivetran would not switch) must not lead to "loaded".
 */
async function checkEnabled(ctx: RecipeContext, id: string, schema: string, tables: string[], answer: unknown) {
  const path = `connections/${id}/schemas`;
  const config = checkSchemaConfig(answer) ??
    schemaConfigOf((await ctx.client.request("GET", path, undefined, { signal: ctx.signal })).data, path);
  const off = tables.filter((t) => config.schemas?.[schema]?.tables?.[t]?.enabled !== true);
  if (off.length > 0) {
    throw new ExpectationError(
      `Fivetran answered the PATCH of ${schema} but did not enable ${
        off.map((t) => `${schema}.${t}`).join(", ")
      }; no sync was started for this batch`,
    );
  }
}

/** Keys whose last record in the progress file says "enabled, sync not finished". */
function unconfirmed(file: ProgressFile | undefined): Set<string> {
  const out = new Set<string>();
  if (!file) return out;
  for (const line of Deno.readTextFileSync(file.path).split("\n")) {
    try {
      const r = JSON.parse(line) as { key?: string; status?: string };
      if (typeof r.key !== "string") continue;
      if (r.status === "failed") out.add(r.key);
      else out.delete(r.key);
    } catch {
      // a line cut short by a crash; openProgressFile counted it
    }
  }
  return out;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "staged_load.ts",
  summary: "Load a source a few tables at a time: enable a batch, sync, wait, next batch; resumable",
  description: [
    "Tables: --tables FILE (SCHEMA.TABLE per line, # comments) or every disabled table of --schema NAME.",
    "For each batch of --batch N tables (default 5): PATCH connections/{id}/schemas/{schema} enabling them (one",
    "request per schema in the batch), POST connections/{id}/sync, then poll until the sync ends (every",
    "--poll-interval s, default 15, up to --timeout s per batch, default 21600). Each sync also loads what was",
    "enabled before. The first batch whose sync fails or times out stops the run (exit 1) with a line saying what",
    "is loaded and how to continue. Ctrl-C stops at once (exit 130). A rerun continues where it stopped: disabled",
    "tables are still to do; --resume-from FILE also records which enabled tables were loaded, so a batch enabled",
    "but not synced is synced again first. --dry-run prints the batches and the requests; sends nothing.",
    "A PATCH answered without enabling its tables stops the run before that batch's sync.",
    "Requests: 1 GET (connection) + 1 GET (schema config), then per batch 1 GET + 1 PATCH per schema (+1 GET when",
    "its answer holds no schema config) + 1 POST + one GET per poll.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/staged_load.ts --connection-id steady_orchard --schema sales --batch 2",
    "deno run -P recipes/staged_load.ts --connection-id steady_orchard --tables tables.txt --resume-from logs/stage.jsonl",
  ],
  flags: {
    "connection-id": { type: "string", valueName: "ID", required: true, description: "The connection" },
    tables: { type: "string", valueName: "FILE", description: "SCHEMA.TABLE per line, in load order" },
    schema: { type: "string", valueName: "NAME", description: "Every disabled table of this schema" },
    batch: { type: "string", valueName: "N", description: "Tables per batch, 1..1000 (default 5)" },
    timeout: {
      type: "string",
      valueName: "S",
      description: "Give up on a batch's sync after S seconds (default 21600)",
    },
    "poll-interval": { type: "string", valueName: "S", description: "Poll every S seconds (default 15)" },
    "resume-from": { type: "string", valueName: "FILE", description: "JSON-lines progress file (created if missing)" },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs (and the --resume-from file)",
  async run(ctx) {
    const id = ctx.id("connection-id", { required: true })!;
    const tablesFile = ctx.string("tables");
    const schemaName = ctx.string("schema");
    if (!tablesFile === !schemaName) throw new UsageError("Expected one of --tables FILE or --schema NAME");
    const batchSize = number(ctx, "batch", 5, 1, 1000);
    if (!Number.isInteger(batchSize)) throw new UsageError(`Expected --batch to be a whole number, got ${batchSize}`);
    const timeoutMs = number(ctx, "timeout", 21_600, 1, 7 * 86_400) * 1000;
    const loopback = isLoopback(new URL(ctx.client.baseUrl).hostname);
    const pollMs = number(ctx, "poll-interval", 15, loopback ? 0.01 : 1, 3600) * 1000;
    const listed = tablesFile ? readTablesFile(tablesFile) : undefined;
    let resumeFrom = ctx.string("resume-from");
    if (resumeFrom && ctx.dryRun) {
      ctx.out.warn(`--dry-run: not reading or writing the progress file ${resumeFrom}`);
      resumeFrom = undefined;
    }
    const progress = resumeFrom ? openProgressFile(resumeFrom, { op: `staged_load:${id}`, now: ctx.now }) : undefined;

    // ---- what to load
    const connection = await ctx.call<{ paused?: boolean }>("GET", `connections/${id}`);
    if (connection.data?.paused === true) {
      throw new ExpectationError(`Connection ${id} is paused, so its syncs would not run; resume it first`);
    }
    const config = schemaConfigOf(
      (await ctx.call<SchemaConfigData>("GET", `connections/${id}/schemas`)).data,
      `connections/${id}/schemas`,
    );
    const schemas = config.schemas ?? {};
    const pendingSync = unconfirmed(progress);
    const done = progress?.succeeded ?? new Map<string, string | undefined>();
    let wanted: Table[];
    if (listed) {
      const unknown = listed.filter((t) => schemas[t.schema]?.tables?.[t.table] === undefined).map(key);
      if (unknown.length) {
        throw new UsageError(
          `Not in connection ${id}: ${unknown.slice(0, 10).join(", ")}${unknown.length > 10 ? ", ..." : ""}`,
        );
      }
      wanted = listed;
    } else {
      const schema = schemas[schemaName!];
      if (!schema) {
        throw new UsageError(
          `Unknown schema '${schemaName}' in connection ${id}; schemas: ${
            Object.keys(schemas).slice(0, 10).join(", ") || "none"
          }`,
        );
      }
      wanted = Object.entries(schema.tables ?? {})
        .filter(([t, cfg]) => cfg.enabled === false || pendingSync.has(`${schemaName}.${t}`))
        .map(([t]) => ({ schema: schemaName!, table: t }));
    }
    const isEnabled = (t: Table) => schemas[t.schema]?.tables?.[t.table]?.enabled !== false;
    const skipped = wanted.filter((t) => done.has(key(t)));
    const resync = wanted.filter((t) => !done.has(key(t)) && isEnabled(t) && pendingSync.has(key(t)));
    const alreadyOn = wanted.filter((t) => !done.has(key(t)) && isEnabled(t) && !pendingSync.has(key(t)));
    const toEnable = wanted.filter((t) => !done.has(key(t)) && !isEnabled(t));
    const locked = toEnable.filter((t) =>
      schemas[t.schema]?.tables?.[t.table]?.enabled_patch_settings?.allowed === false
    );
    if (locked.length) {
      throw new UsageError(`Fivetran does not let these tables be switched: ${locked.map(key).join(", ")}`);
    }
    if (skipped.length) {
      ctx.out.detail(`${skipped.length} table(s) loaded by an earlier run (per ${resumeFrom}): skipped`);
    }
    if (alreadyOn.length) {
      ctx.out.detail(
        `${alreadyOn.length} table(s) already enabled, left out (they load with every sync): ${
          alreadyOn.map(key).slice(0, 10).join(", ")
        }`,
      );
    }
    // Tables enabled by an interrupted run come first: they need only the sync.
    const batches = chunks(toEnable, batchSize);
    if (resync.length) batches.unshift(resync);
    if (batches.length === 0) {
      ctx.out.painted(
        "green",
        `Nothing to load: no ${listed ? "listed" : "disabled"} table of ${id} is left to enable`,
      );
      if (ctx.json) ctx.out.json({ connection_id: id, batches: [], loaded: [] });
      return 0;
    }
    ctx.out.detail(
      `${toEnable.length + resync.length} table(s) of ${id} in ${batches.length} batch(es) of up to ${batchSize}`,
    );
    const loaded: string[] = [];
    const results: { batch: number; tables: string[]; result: string; message?: string }[] = [];
    const report = () => {
      if (ctx.json) ctx.out.json({ connection_id: id, dry_run: ctx.dryRun, batches: results, loaded });
    };

    // ---- batch by batch
    for (const [i, batch] of batches.entries()) {
      const label = `Batch ${i + 1} of ${batches.length}`;
      const names = batch.map(key);
      ctx.out.painted("cyan", `${label}: ${names.join(", ")}`);
      for (
        const [schema, tables] of Object.entries(Object.groupBy(batch.filter((t) => !isEnabled(t)), (t) => t.schema))
      ) {
        const body = {
          enabled: true,
          tables: Object.fromEntries(tables!.map((t) => [t.table, { enabled: true }])),
        };
        const answer = await ctx.call("PATCH", `connections/${id}/schemas/${encodeURIComponent(schema)}`, body);
        if (!ctx.dryRun) await checkEnabled(ctx, id, schema, tables!.map((t) => t.table), answer.data);
      }
      if (ctx.dryRun) {
        ctx.out.call("POST", `connections/${id}/sync`, {});
        results.push({ batch: i + 1, tables: names, result: "planned" });
        continue;
      }
      for (const n of names) {
        progress?.append({ key: n, status: "failed", reason: "enabled; its sync has not finished" });
      }
      ctx.log.write("info", `staged_load: ${id}: ${label} enabled: ${names.join(", ")}`);
      let outcome: SyncOutcome;
      try {
        const before = await snapshotSync(ctx.client, id, { signal: ctx.signal });
        if (before.sync_state === "syncing") ctx.out.detail(`${id} is syncing already; that sync is waited for first`);
        const wait = (snap: typeof before) =>
          waitForSync(ctx.client, snap, {
            timeoutMs,
            pollIntervalMs: pollMs,
            sleep: (ms) => ctx.sleep(ms),
            now: ctx.now,
            signal: ctx.signal,
            onUpdate: (e) => {
              if (e.kind === "poll-error") {
                ctx.out.warn(`${label}: polling failed (${e.consecutive} in a row): ${e.error.message}`);
              }
              if (e.kind === "rescheduled") ctx.out.detail(`${label}: rescheduled until ${e.until}`);
            },
          });
        if (before.sync_state === "syncing") await wait(before);
        const snap = before.sync_state === "syncing"
          ? await snapshotSync(ctx.client, id, { signal: ctx.signal })
          : before;
        await ctx.call("POST", `connections/${id}/sync`, {});
        ctx.out.progress(
          `${label}: waiting for the sync (polling every ${pollMs / 1000} s, up to ${timeoutMs / 1000} s)`,
        );
        outcome = await wait(snap);
      } catch (error) {
        if (ctx.signal.aborted) {
          throw new Interrupted(
            `Interrupted in ${label.toLowerCase()} (${names.join(", ")} enabled, not confirmed loaded). Loaded: ${
              loaded.join(", ") || "none"
            }. To continue, run the same command again${resumeFrom ? ` with --resume-from ${resumeFrom}` : ""}`,
          );
        }
        throw error;
      }
      results.push({ batch: i + 1, tables: names, result: outcome.result, message: outcome.message });
      if (outcome.result !== "succeeded") {
        ctx.log.write("error", `staged_load: ${id}: ${label} failed: ${outcome.message}`);
        report();
        throw new ExpectationError(
          `Stopped at ${label.toLowerCase()}: ${outcome.message}. Loaded: ${
            loaded.join(", ") || "none"
          }; enabled but ` +
            `not loaded: ${names.join(", ")}; not started: ${
              batches.length - i - 1
            } batch(es). Fix the cause, then run ` +
            `the same command again${resumeFrom ? ` with --resume-from ${resumeFrom}` : " (add --resume-from FILE)"}`,
        );
      }
      for (const n of names) progress?.append({ key: n, status: "done", detail: `batch ${i + 1}` });
      loaded.push(...names);
      ctx.log.write("info", `staged_load: ${id}: ${label} loaded`);
      ctx.out.painted("green", `${label} loaded (sync succeeded at ${outcome.last.succeeded_at})`);
    }
    report();
    ctx.out.painted(
      "green",
      ctx.dryRun
        ? `Dry run: ${batches.length} batch(es) planned; nothing was sent`
        : `Loaded ${loaded.length} table(s) of ${id} in ${batches.length} batch(es)`,
    );
    return 0;
  },
});

if (import.meta.main) await runMain(main);
