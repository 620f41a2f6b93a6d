/**
 * Bulk operations over many connections (or groups, or anything with an ID): bounded concurrency, a
 * summary that accounts for every input, a JSON-lines progress file so an interrupted or partly failed
 * run can continue without redoing what succeeded, a clean stop on Ctrl-C, and a progress bar on stderr.
 *
 * What it does not do, on purpose:
 * - Pacing and 429s: the client does that (`createAtlas({ pacer })`, one {@link RateLimitPacer} per
 *   client by default). Give every worker the same client and they stay inside the account's budget
 *   together, and a 429 holds all of them at once.
 * - Retries: the client retries what is safe to retry (5xx and network errors on idempotent requests) and
 *   waits out 429s. A failure that still reaches the bulk helper for a transient cause (429, 5xx, network,
 *   timeout, a lost answer) gets one more pass after the rest of the run (`retryFailed`, the final sweep);
 *   one for a permanent cause (another 4xx, a validation) is final at once. A final failure is reported
 *   (status `failed`, with the reason) and left for a rerun with the same progress file.
 *
 * Statuses of an item: `done` (changed now), `already` (already in the wanted state), `failed` (with its
 * reason), `skipped` (done in an earlier run, per the progress file), `interrupted` (was running when
 * Ctrl-C aborted it), `not-started` (never started because of Ctrl-C).
 *
 * @example Pause a list of connections, eight at a time, resumable
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { bulkExitCode, formatBulkSummary, runBulk } from "./bulk.ts";
 *
 * const client = createAtlas();
 * const ids = ["conn_a", "conn_b", "conn_c"];
 * const summary = await runBulk(ids, {
 *   op: "pause",
 *   key: (id) => id,
 *   concurrency: 8,
 *   resumeFrom: "logs/pause-progress.jsonl",
 *   async run(id) {
 *     const { data } = await client.request<{ paused: boolean }>("GET", `connections/${id}`);
 *     if (data?.paused) return { status: "already", detail: "already paused" };
 *     await client.request("PATCH", `connections/${id}`, { paused: true });
 *     return { status: "done", detail: "paused" };
 *   },
 * });
 * console.log(formatBulkSummary(summary, { noun: "connection", done: "paused", already: "already paused" }).join("\n"));
 * Deno.exitCode = bulkExitCode(summary);
 * ```
 *
 * @module
 */

import { dirname, ensureDir } from "./_path.ts";
import { firstLine } from "./_text.ts";
import { AtlasError } from "./client/errors.ts";
import { ConfigError } from "./_config_error.ts";
import { createProgress, formatDuration, type Progress, type ProgressOptions } from "./progress.ts";
import {
  atForcedExit,
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  type FlagSpec,
  type RecipeContext,
  UsageError,
} from "./recipe.ts";

/** How every progress record starts: `JSON.stringify` of an object whose first key is `op`. */
const RECORD_START = '{"op":"';

/** What became of one input. */
export type BulkStatus = "done" | "already" | "failed" | "skipped" | "interrupted" | "not-started";

/**
 * Every status, in the order summaries list them.
 *
 * @example Use BULK_STATUSES
 * ```ts
 * import { BULK_STATUSES } from "./bulk.ts";
 * for (const status of BULK_STATUSES) console.log(status);
 * ```
 */
export const BULK_STATUSES: readonly BulkStatus[] = [
  "done",
  "already",
  "skipped",
  "failed",
  "interrupted",
  "not-started",
];

/** What a successful `run` resolves to. A failure is a thrown error (its message becomes the reason). */
export interface BulkStep<R = unknown> {
  /** `done` when the item was changed now, `already` when it was already as wanted. */
  status: "done" | "already";
  /** A few words for the per-item line and the progress file, e.g. `paused`. */
  detail?: string;
  /** Anything the caller wants back in the results (e.g. the connections of a group). */
  value?: R;
}

/** The outcome of one input. */
export interface BulkItemResult<T, R = unknown> {
  /** The input. */
  item: T;
  /** Its key (usually an ID). */
  key: string;
  /** What became of it. */
  status: BulkStatus;
  /** The step's detail (done/already), or for `skipped` the earlier run's detail. */
  detail?: string;
  /** One line saying why it failed (failed/interrupted). */
  reason?: string;
  /** The step's value (done/already). */
  value?: R;
  /** Milliseconds the step took (done/already/failed/interrupted). */
  ms?: number;
  /** How many final sweeps ran it again (absent when none did). */
  sweeps?: number;
}

/** Options of {@link runBulk}. */
export interface BulkOptions<T, R = unknown> {
  /**
   * Names the operation, e.g. `pause`, `resume`, `sync`, `cert_mgmt`; recorded in the progress file so a
   * file written by one operation is never taken as progress of another.
   */
  op: string;
  /** The key of an item (its ID); inputs with the same key are done once. */
  key: (item: T) => string;
  /**
   * Does one item. Resolve to {@link BulkStep}; throw to fail it (the reason is the error's first line).
   * `signal` aborts on Ctrl-C only when `onInterrupt` is `"abort"`; pass it to requests and sleeps.
   */
  run: (item: T, signal: AbortSignal) => Promise<BulkStep<R>>;
  /**
   * How many items run at once, 1..64.
   *
   * @default {8}
   */
  concurrency?: number;
  /** Ctrl-C: no new item starts once it aborts. */
  signal?: AbortSignal;
  /**
   * What Ctrl-C does to items already running: `"finish"` lets them finish (right for one-request steps
   * such as a PATCH); `"abort"` aborts their signal (right for long waits such as sync-and-wait).
   *
   * @default {"finish"}
   */
  onInterrupt?: "finish" | "abort";
  /**
   * A JSON-lines progress file: read first (items recorded as done or already are `skipped`), then
   * appended as each item finishes. Created (with its folder) when missing. Or an opened {@link ProgressFile}.
   *
   * @default {no file}
   */
  resumeFrom?: string | ProgressFile;
  /**
   * The progress bar: options for {@link createProgress} (tests inject `isTerminal`/`write`), or `false`.
   *
   * @default {a bar on stderr when it is a terminal}
   */
  progress?: Partial<ProgressOptions> | false;
  /**
   * Final sweeps: how many more passes, after the rest of the run, items get that failed for a transient
   * cause (an {@link AtlasError} — or one in an error's `cause` — for a 429, a 5xx, the network, a timeout or
   * a lost answer). Permanent failures are never swept. 0 turns the sweep off.
   *
   * @default {1}
   */
  retryFailed?: number;
  /** Called as each item finishes (and for each skipped one, first); print per-item lines here. */
  onResult?: (result: BulkItemResult<T, R>) => void;
  /**
   * The clock, in milliseconds.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/** The outcome of a whole run: every input accounted for. */
export interface BulkSummary<T, R = unknown> {
  /** The operation. */
  op: string;
  /** Distinct inputs. */
  total: number;
  /** Inputs dropped because their key repeated an earlier one. */
  duplicates: number;
  /** How many inputs ended in each status. */
  counts: Record<BulkStatus, number>;
  /** One result per distinct input, in input order. */
  results: BulkItemResult<T, R>[];
  /** Whether Ctrl-C stopped the run. */
  interrupted: boolean;
  /** Items the final sweep ran again (failed for a transient cause in the main pass). */
  swept: number;
  /** Of those, how many the sweep recovered (done or already in the end). */
  recovered: number;
  /** Wall time of the run in milliseconds. */
  elapsedMs: number;
  /** The progress file, when one was used. */
  resumeFrom?: string;
}

/** One line of a progress file. */
export interface ProgressRecord {
  /** The operation. */
  op: string;
  /** The item's key. */
  key: string;
  /** `done`, `already` or `failed`. */
  status: "done" | "already" | "failed";
  /** The step's detail. */
  detail?: string;
  /** Why it failed. */
  reason?: string;
  /** When it finished (ISO time). */
  at: string;
}

/** An opened progress file; see {@link openProgressFile}. */
export interface ProgressFile {
  /** Its path. */
  readonly path: string;
  /** The operation it records. */
  readonly op: string;
  /** Keys recorded as done or already, with their detail. */
  readonly succeeded: ReadonlyMap<string, string | undefined>;
  /** Lines that could not be read (e.g. cut short by a crash); they are ignored. */
  readonly unreadable: number;
  /** Appends one record (synchronously, so a crash loses at most the line being written). */
  append(record: Omit<ProgressRecord, "op" | "at">): void;
}

/** Options of {@link openProgressFile}. */
export interface ProgressFileOptions {
  /** The operation the file records (`pause`, `resume`, ...); a file of another operation is refused. */
  op: string;
  /**
   * The clock for the records' `at` field.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/**
 * Opens (creating when missing, folder included) a JSON-lines progress file for `op` and reads what it
 * already records. A file recording another operation is refused, so a pause file is never mistaken for
 * a resume file.
 *
 * @throws {UsageError} when the file is not a progress file, or records another operation.
 * @throws {Deno.errors.NotCapable} when `--allow-write` does not cover the path.
 *
 * @example Read what an earlier run finished
 * ```ts
 * import { openProgressFile } from "./bulk.ts";
 * const file = openProgressFile("logs/pause-progress.jsonl", { op: "pause" });
 * console.log(`${file.succeeded.size} connections were already paused by an earlier run`);
 * ```
 */
export function openProgressFile(path: string, options: ProgressFileOptions): ProgressFile {
  const { op, now = Date.now } = options;
  if (!path || path.trim() === "") throw new UsageError("Expected --resume-from to name a file, got ''");
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      throw new UsageError(`Cannot read progress file '${path}': ${firstLine(error)}`);
    }
  }
  const succeeded = new Map<string, string | undefined>();
  let unreadable = 0;
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let record: Partial<ProgressRecord> | undefined;
    try {
      record = JSON.parse(line);
    } catch {
      record = undefined;
    }
    if (typeof record !== "object" || record === null || typeof record.key !== "string") {
      // Records are written as {"op":"...",...}: a line cut short by a crash is a prefix of one. Anything else
      // means the file is not one of ours, and appending to it would damage it.
      if (!line.startsWith(RECORD_START) && !RECORD_START.startsWith(line)) {
        throw new UsageError(
          `Expected '${path}' to be a JSON-lines progress file, line ${index + 1} is not a progress record`,
        );
      }
      unreadable++;
      continue;
    }
    if (record.op !== op) {
      throw new UsageError(
        `Progress file '${path}' records the operation '${record.op}', not '${op}'; use another file`,
      );
    }
    if (record.status === "done" || record.status === "already") succeeded.set(record.key, record.detail);
    else if (record.status === "failed") succeeded.delete(record.key);
  }
  const dir = dirname(path);
  if (dir && dir !== "." && !isDirectory(dir)) {
    try {
      ensureDir(dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      throw new UsageError(`Cannot create the folder of progress file '${path}': ${firstLine(error)}`);
    }
  }
  const write = (line: string) => {
    try {
      Deno.writeTextFileSync(path, line, { append: true, create: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      throw new UsageError(`Cannot write progress file '${path}': ${firstLine(error)}`);
    }
  };
  // A partial last line (a crash mid-write) would glue onto the next record: start on a fresh line.
  write(text !== "" && !text.endsWith("\n") ? "\n" : "");
  return {
    path,
    op,
    succeeded,
    unreadable,
    append(record) {
      const full: ProgressRecord = { op, ...record, at: new Date(now()).toISOString() };
      write(`${JSON.stringify(full)}\n`);
    },
  };
}

/**
 * Runs `options.run` over every item with bounded concurrency and resolves to a summary accounting for
 * every input. It never rejects for an item's failure; it rejects only when the progress file cannot be
 * opened or written (before or while recording), so nothing is done that could not be recorded.
 *
 * @example Check every group, four at a time
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { runBulk } from "./bulk.ts";
 * const client = createAtlas();
 * const groups = ["g1", "g2"];
 * const summary = await runBulk(groups, {
 *   op: "list",
 *   key: (g) => g,
 *   concurrency: 4,
 *   run: async (g, signal) => {
 *     const connections = await Array.fromAsync(client.paginate(`groups/${g}/connections`, { signal }));
 *     return { status: "done", value: connections };
 *   },
 * });
 * console.log(summary.counts);
 * ```
 */
export async function runBulk<T, R = unknown>(
  items: readonly T[],
  options: BulkOptions<T, R>,
): Promise<BulkSummary<T, R>> {
  const { op, key, run, concurrency = 8, signal, onInterrupt = "finish", onResult, now = Date.now } = options;
  const { retryFailed = 1 } = options;
  checkInteger("concurrency", concurrency, [1, 64]);
  checkInteger("retryFailed", retryFailed, [0, 10]);
  const started = now();
  const file = typeof options.resumeFrom === "string"
    ? openProgressFile(options.resumeFrom, { op, now })
    : options.resumeFrom;
  if (file && file.op !== op) {
    throw new UsageError(`Progress file '${file.path}' records the operation '${file.op}', not '${op}'`);
  }

  const results: BulkItemResult<T, R>[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) {
      duplicates++;
      continue;
    }
    seen.add(k);
    results.push({ item, key: k, status: "not-started" });
  }

  let pending: BulkItemResult<T, R>[] = [];
  for (const result of results) {
    if (file?.succeeded.has(result.key)) {
      result.status = "skipped";
      const detail = file.succeeded.get(result.key);
      if (detail !== undefined) result.detail = detail;
      onResult?.(result);
    } else {
      pending.push(result);
    }
  }

  const progress: Progress | undefined = options.progress === false ? undefined : createProgress({
    total: results.length,
    label: op,
    now,
    ...options.progress,
  });
  progress?.tick(results.length - pending.length);

  // Items see a signal that aborts on Ctrl-C only when asked to; otherwise they finish what they started.
  const itemSignal = onInterrupt === "abort" && signal ? signal : new AbortController().signal;
  // A problem that is not the item's (missing credentials or permission, bad usage) would fail every item
  // the same way: stop the run and let the recipe report it once.
  let fatal: { error: unknown } | undefined;
  const report = (result: BulkItemResult<T, R>) => {
    if (result.status !== "interrupted") {
      file?.append({
        key: result.key,
        status: result.status as "done" | "already" | "failed",
        ...(result.detail !== undefined ? { detail: result.detail } : {}),
        ...(result.reason !== undefined ? { reason: result.reason } : {}),
      });
    }
    if (onResult) {
      if (progress) progress.note(() => onResult(result));
      else onResult(result);
    }
    progress?.tick(1, result.status === "failed");
  };
  // One pass over `queue`; items that fail for a transient cause go to `again` unreported when `sweepable`.
  const pass = async (queue: BulkItemResult<T, R>[], sweepable: boolean, again: BulkItemResult<T, R>[]) => {
    let next = 0;
    const worker = async () => {
      while (!signal?.aborted && !fatal && next < queue.length) {
        const result = queue[next++];
        const t0 = now();
        try {
          const step = await run(result.item, itemSignal);
          result.status = step.status;
          delete result.reason;
          if (step.detail !== undefined) result.detail = step.detail;
          if (step.value !== undefined) result.value = step.value;
        } catch (error) {
          if (isFatal(error)) {
            fatal ??= { error };
            break;
          }
          const aborted = signal?.aborted && (isAbort(error) || itemSignal.aborted);
          // A sweep's retry that fails again keeps what the first pass learnt (e.g. a create's unknown outcome).
          const earlier = result.sweeps ? result.reason : undefined;
          result.status = aborted ? "interrupted" : "failed";
          result.reason = aborted ? "aborted by Ctrl-C before it finished" : firstLine(error);
          if (earlier && !aborted && earlier !== result.reason) {
            result.reason = `${earlier} (the final sweep's retry failed too: ${result.reason})`;
          }
          if (!aborted && sweepable && isTransient(error)) {
            result.ms = now() - t0;
            again.push(result);
            continue;
          }
        }
        result.ms = now() - t0;
        report(result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    // A sweep stopped early (Ctrl-C): the items it never reached failed in an earlier pass; report them so.
    for (const r of queue.slice(next)) if (r.sweeps) report(r);
  };

  // A second Ctrl-C ends the process without waiting for the summary: it still says what was done.
  const unregister = atForcedExit(() => {
    const n = (status: BulkStatus) => results.filter((r) => r.status === status).length;
    return `Stopped at once by a second Ctrl-C: ${op}: ${n("done")} done, ${n("already")} already done, ${
      n("skipped")
    } skipped, ${n("failed")} failed, ${n("not-started") + n("interrupted")} not finished, of ${results.length}${
      file ? ` (progress recorded in ${file.path})` : ""
    }`;
  });
  try {
    for (let sweep = 0; pending.length > 0; sweep++) {
      const again: BulkItemResult<T, R>[] = [];
      if (sweep > 0) { for (const r of pending) r.sweeps = sweep; }
      await pass(pending, sweep < retryFailed, again);
      // Ctrl-C (or a fatal error) before the sweep: what waited for it is reported as it stands.
      if (signal?.aborted || fatal) {
        for (const r of again) report(r);
        break;
      }
      pending = again;
    }
  } finally {
    unregister();
    progress?.finish();
  }
  if (fatal) throw fatal.error;

  const counts = Object.fromEntries(BULK_STATUSES.map((s) => [s, 0])) as Record<BulkStatus, number>;
  for (const r of results) counts[r.status]++;
  // Swept: every item a sweep ran again (sweep 1 takes them all; later sweeps, those that failed again).
  const swept = results.filter((r) => r.sweeps);
  return {
    op,
    total: results.length,
    duplicates,
    counts,
    results,
    interrupted: counts["not-started"] + counts.interrupted > 0 && signal?.aborted === true,
    swept: swept.length,
    recovered: swept.filter((r) => r.status === "done" || r.status === "already").length,
    elapsedMs: now() - started,
    ...(file ? { resumeFrom: file.path } : {}),
  };
}

/**
 * The exit code a summary calls for: 130 when interrupted, 1 when anything failed, else 0.
 *
 * @example Exit with the run's code
 * ```ts
 * import { bulkExitCode, type BulkSummary } from "./bulk.ts";
 * declare const summary: BulkSummary<string>;
 * Deno.exitCode = bulkExitCode(summary);
 * ```
 */
export function bulkExitCode(summary: BulkSummary<unknown, unknown>): number {
  if (summary.interrupted) return EXIT_INTERRUPTED;
  if (summary.counts.failed > 0) return EXIT_FAILED;
  return EXIT_OK;
}

/** Words for {@link formatBulkSummary}. */
export interface SummaryWords {
  /** What an item is, singular, e.g. `connection`. */
  noun: string;
  /** What `done` means, e.g. `paused`. */
  done?: string;
  /** What `already` means, e.g. `already paused`. */
  already?: string;
  /** The command to rerun, when known, for the "how to resume" line. */
  command?: string;
  /**
   * Whether the recipe takes `--resume-from` (read-only recipes do not; their advice is to rerun).
   *
   * @default {true}
   */
  resumable?: boolean;
  /**
   * At most this many failed and not-started keys are listed (the JSON summary lists all).
   *
   * @default {50}
   */
  listLimit?: number;
}

/**
 * The human summary of a run, as lines: the counts, each failure with its reason, what was not started,
 * and — when interrupted or failed — how to continue.
 *
 * @example Print a summary
 * ```ts
 * import { formatBulkSummary, type BulkSummary } from "./bulk.ts";
 * declare const summary: BulkSummary<string>;
 * for (const line of formatBulkSummary(summary, { noun: "connection", done: "paused", already: "already paused" })) {
 *   console.log(line);
 * }
 * ```
 */
export function formatBulkSummary(summary: BulkSummary<unknown, unknown>, words: SummaryWords): string[] {
  const { noun, done = "done", already = "already done", listLimit = 50, resumable = true } = words;
  const c = summary.counts;
  const plural = (n: number) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const parts = [
    `${c.done} ${done}`,
    `${c.already} ${already}`,
    ...(c.skipped ? [`${c.skipped} skipped (finished in an earlier run)`] : []),
    `${c.failed} failed`,
    ...(c.interrupted ? [`${c.interrupted} interrupted`] : []),
    ...(c["not-started"] ? [`${c["not-started"]} not started`] : []),
  ];
  if (summary.swept > 0) {
    parts.push(`the final sweep recovered ${summary.recovered} of ${summary.swept} retried`);
  }
  const lines = [
    `Summary: ${plural(summary.total)} in ${formatDuration(summary.elapsedMs)}: ${parts.join(", ")}${
      summary.duplicates ? ` (${summary.duplicates} repeated input${summary.duplicates === 1 ? "" : "s"} ignored)` : ""
    }`,
  ];
  const failed = summary.results.filter((r) => r.status === "failed");
  for (const r of failed.slice(0, listLimit)) lines.push(`  failed ${r.key}: ${r.reason}`);
  if (failed.length > listLimit) lines.push(`  ... and ${failed.length - listLimit} more failed (see --json)`);
  const unfinished = summary.results.filter((r) => r.status === "interrupted" || r.status === "not-started");
  if (unfinished.length > 0) {
    const shown = unfinished.slice(0, listLimit).map((r) => r.key).join(", ");
    lines.push(
      `  not finished: ${shown}${unfinished.length > listLimit ? `, ... ${unfinished.length - listLimit} more` : ""}`,
    );
  }
  const finished = summary.total - unfinished.length;
  const rerun = words.command ? `'${words.command}'` : "the same command";
  if (summary.interrupted) {
    lines.push(
      `Interrupted after ${finished} of ${plural(summary.total)}. ${
        summary.resumeFrom
          ? `To continue, run ${rerun} again with --resume-from ${summary.resumeFrom}: what succeeded is skipped.`
          : resumable
          ? `To continue, run ${rerun} again (add --resume-from FILE to record progress and skip what succeeded).`
          : `To continue, run ${rerun} again.`
      }`,
    );
  } else if (c.failed > 0) {
    lines.push(
      summary.resumeFrom
        ? `To retry the failed ones only, run ${rerun} again with --resume-from ${summary.resumeFrom}.`
        : resumable
        ? `To retry, run ${rerun} again (with --resume-from FILE, what succeeded is recorded and skipped).`
        : `To retry, run ${rerun} again.`,
    );
  }
  return lines;
}

/**
 * A machine-readable summary (for `--json`): the counts, and every failed and unfinished key.
 *
 * @example Print a summary as JSON
 * ```ts
 * import { summaryJson, type BulkSummary } from "./bulk.ts";
 * declare const summary: BulkSummary<string>;
 * console.log(JSON.stringify(summaryJson(summary)));
 * ```
 */
export function summaryJson(summary: BulkSummary<unknown, unknown>): Record<string, unknown> {
  return {
    op: summary.op,
    total: summary.total,
    duplicates: summary.duplicates,
    counts: summary.counts,
    interrupted: summary.interrupted,
    swept: summary.swept,
    recovered: summary.recovered,
    elapsed_ms: summary.elapsedMs,
    ...(summary.resumeFrom ? { resume_from: summary.resumeFrom } : {}),
    items: summary.results.map((r) => ({
      key: r.key,
      status: r.status,
      ...(r.detail !== undefined ? { detail: r.detail } : {}),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    })),
  };
}

/**
 * The flags every bulk recipe takes; spread them into a recipe's `flags`.
 *
 * @example Add the bulk flags to a recipe
 * ```ts
 * import { BULK_FLAGS } from "./bulk.ts";
 * const flags = { "group-id": { type: "string" as const, description: "Group", valueName: "ID" }, ...BULK_FLAGS };
 * ```
 */
export const BULK_FLAGS: Record<string, FlagSpec> = {
  concurrency: {
    type: "string",
    valueName: "N",
    description: "How many at once, 1..64 (default 8); the client paces requests to the rate limit",
  },
  "resume-from": {
    type: "string",
    valueName: "FILE",
    description:
      "JSON-lines progress file (created if missing, appended as items finish); a rerun skips what succeeded",
  },
  "retry-failed": {
    type: "string",
    valueName: "N",
    description:
      "Passes at the end for items that failed for a transient cause (429, 5xx, network, timeout); default 1, 0 off",
  },
};

/** The bulk flags, read and checked. */
export interface BulkFlagValues {
  /** `--concurrency`, default 8. */
  concurrency: number;
  /** `--resume-from`, if given. */
  resumeFrom?: string;
  /** `--retry-failed`, default 1. */
  retryFailed: number;
}

/**
 * Reads `--concurrency` (1..64, default 8), `--retry-failed` (0..10, default 1) and `--resume-from` from a
 * recipe's flags.
 *
 * @throws {UsageError} when `--concurrency` is not an integer from 1 to 64, or `--retry-failed` not from 0 to 10.
 *
 * @example Read the bulk flags in a recipe
 * ```ts
 * import { bulkFlags } from "./bulk.ts";
 * import type { RecipeContext } from "./recipe.ts";
 * declare const ctx: RecipeContext;
 * const { concurrency, retryFailed, resumeFrom } = bulkFlags(ctx);
 * ```
 */
export function bulkFlags(ctx: Pick<RecipeContext, "string">): BulkFlagValues {
  const concurrency = integerFlag(ctx, "concurrency", [1, 64], 8);
  const retryFailed = integerFlag(ctx, "retry-failed", [0, 10], 1);
  const resumeFrom = ctx.string("resume-from");
  return { concurrency, retryFailed, ...(resumeFrom !== undefined ? { resumeFrom } : {}) };
}

/** Reads `--name`, an integer from `min` to `max` written in digits; `fallback` when it is not given. */
function integerFlag(
  ctx: Pick<RecipeContext, "string">,
  name: string,
  [min, max]: [number, number],
  fallback: number,
): number {
  const raw = ctx.string(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`Expected --${name} to be an integer from ${min} to ${max}, got '${raw.slice(0, 40)}'`);
  }
  return Number(raw);
}

/** Options of {@link reportBulk}: the summary's words, and extra fields for the `--json` output. */
export interface ReportOptions extends SummaryWords {
  /**
   * Fields printed next to `summary` in the JSON output.
   *
   * @default {{}}
   */
  json?: Record<string, unknown>;
}

/**
 * Prints a run's summary the recipe way (stdout lines, or the JSON summary with `--json`), writes it to
 * the log, and returns the exit code ({@link bulkExitCode}).
 *
 * @example End a bulk recipe
 * ```ts
 * import { reportBulk, type BulkSummary } from "./bulk.ts";
 * import type { RecipeContext } from "./recipe.ts";
 * declare const ctx: RecipeContext;
 * declare const summary: BulkSummary<string>;
 * const code = reportBulk(ctx, summary, { noun: "connection", done: "paused", already: "already paused" });
 * // With --json, extra fields go next to the summary: { noun: "connection", json: { action: "pause" } }
 * ```
 */
export function reportBulk(
  ctx: Pick<RecipeContext, "out" | "log" | "json">,
  summary: BulkSummary<unknown, unknown>,
  options: ReportOptions,
): number {
  const { json: extraJson = {}, ...words } = options;
  const lines = formatBulkSummary(summary, words);
  const code = bulkExitCode(summary);
  for (const [i, line] of lines.entries()) {
    if (i === 0) ctx.out.painted(code === EXIT_OK ? "green" : code === EXIT_FAILED ? "red" : "yellow", line);
    else if (line.startsWith("  ")) ctx.out.line(line);
    else ctx.out.warn(line);
  }
  ctx.log.write(code === EXIT_OK ? "info" : "warn", `${summary.op}: ${lines[0]}`);
  if (ctx.json) ctx.out.json({ ...extraJson, summary: summaryJson(summary) });
  return code;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Throws a `RangeError` unless the option `name` is an integer from `min` to `max`. */
function checkInteger(name: string, value: number, [min, max]: [number, number]) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected ${name} to be an integer from ${min} to ${max}, got ${value}`);
  }
}

function isAbort(error: unknown): boolean {
  if (error instanceof AtlasError) return error.kind === "aborted";
  const name = (error as { name?: string })?.name;
  return name === "AbortError" || name === "Interrupted";
}

/**
 * Whether an item's failure may pass if tried again later: an {@link AtlasError} (the error itself or one in
 * its `cause` chain) for a 429, a 5xx, the network, a timeout or a lost answer. Other 4xx, invalid answers and
 * errors of the step's own are permanent.
 *
 * @example Tell a transient failure from a permanent one
 * ```ts
 * import { AtlasError } from "./client/errors.ts";
 * import { isTransient } from "./bulk.ts";
 * const busy = new AtlasError({ kind: "http", status: 503, code: "Unavailable", fivetranMessage: "", method: "GET", path: "groups", attempts: 5 });
 * isTransient(busy); // true
 * isTransient(new Error("copy failed", { cause: busy })); // true
 * ```
 */
export function isTransient(error: unknown): boolean {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof AtlasError) {
      return e.kind === "network" || e.kind === "timeout" || e.status === 429 || e.status >= 500;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function isFatal(error: unknown): boolean {
  return error instanceof ConfigError || error instanceof UsageError || error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied;
}
