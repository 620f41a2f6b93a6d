/**
 * Sync a connection and wait for that sync to finish — the way orchestrators need it and others got wrong:
 *
 * - `succeeded_at` and `failed_at` are read *before* the sync is triggered, and each is compared with its
 *   own earlier value (never one `max` of both, which hides a failure).
 * - Succeeded when `succeeded_at` is newer than before and `sync_state` is no longer `syncing`; failed
 *   when `failed_at` is newer (and newer than any new `succeeded_at`).
 * - Polls on an interval with an overall timeout; while `rescheduled`, sleeps until `rescheduled_for`
 *   (never past the timeout).
 * - Survives transient errors while waiting: the client retries each poll first; beyond that, only
 *   several failed polls in a row give up. A 4xx (say, the connection was deleted) gives up at once.
 * - Sleeps through an injectable, abortable `sleep` — never a blocking one.
 *
 * @example Sync a connection and wait up to ten minutes
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { syncAndWait } from "./sync_wait.ts";
 * const client = createAtlas();
 * const outcome = await syncAndWait(client, "my_connection", { timeoutMs: 600_000, pollIntervalMs: 10_000 });
 * console.log(outcome.result, outcome.message);
 * ```
 *
 * @module
 */

import type { Atlas } from "./client/client.ts";
import { AtlasError } from "./client/errors.ts";
import { abortableSleep } from "./client/retry.ts";

/**
 * The values of `status.setup_state`.
 *
 * @example Use SETUP_STATES
 * ```ts
 * import { SETUP_STATES } from "./sync_wait.ts";
 * SETUP_STATES.includes("broken"); // true
 * ```
 */
export const SETUP_STATES: readonly string[] = ["incomplete", "connected", "broken"];
/**
 * The values of `status.sync_state`.
 *
 * @example Use SYNC_STATES
 * ```ts
 * import { SYNC_STATES } from "./sync_wait.ts";
 * SYNC_STATES.includes("rescheduled"); // true
 * ```
 */
export const SYNC_STATES: readonly string[] = ["scheduled", "syncing", "paused", "rescheduled"];
/**
 * The values of `status.update_state`.
 *
 * @example Use UPDATE_STATES
 * ```ts
 * import { UPDATE_STATES } from "./sync_wait.ts";
 * UPDATE_STATES.includes("delayed"); // true
 * ```
 */
export const UPDATE_STATES: readonly string[] = ["on_schedule", "delayed"];

/**
 * Which status field a state value belongs to (the three sets do not overlap), or `undefined`.
 *
 * @example Find the field of a state
 * ```ts
 * import { stateField } from "./sync_wait.ts";
 * stateField("broken"); // "setup_state"
 * ```
 */
export function stateField(value: string): "setup_state" | "sync_state" | "update_state" | undefined {
  if (SETUP_STATES.includes(value)) return "setup_state";
  if (SYNC_STATES.includes(value)) return "sync_state";
  if (UPDATE_STATES.includes(value)) return "update_state";
  return undefined;
}

/** The parts of a connection the wait looks at. */
export interface SyncState {
  /** `scheduled`, `syncing`, `paused` or `rescheduled`. */
  sync_state?: string;
  /** `incomplete`, `connected` or `broken`. */
  setup_state?: string;
  /** `on_schedule` or `delayed`. */
  update_state?: string;
  /** When a sync last succeeded (ISO), or null. */
  succeeded_at: string | null;
  /** When a sync last failed (ISO), or null. */
  failed_at: string | null;
  /** While rescheduled: when the sync will run (ISO). */
  rescheduled_for?: string | null;
  /** Whether the connection is paused. */
  paused?: boolean;
}

/** What is known before the sync is triggered; see {@link snapshotSync}. */
export interface SyncSnapshot extends SyncState {
  /** The connection. */
  connectionId: string;
}

/** Progress reports of the wait, for printing. */
export type SyncWaitEvent =
  | { kind: "state"; state: SyncState; waitedMs: number }
  | { kind: "rescheduled"; until: string; waitMs: number; beyondTimeout: boolean }
  | { kind: "poll-error"; error: AtlasError; consecutive: number; max: number };

/** Options of {@link waitForSync} and {@link syncAndWait}. */
export interface SyncWaitOptions {
  /**
   * Overall limit on the wait, in milliseconds.
   *
   * @default {3600000}
   */
  timeoutMs?: number;
  /**
   * Milliseconds between two polls.
   *
   * @default {15000}
   */
  pollIntervalMs?: number;
  /**
   * Failed polls in a row (after the client's own retries) before giving up.
   *
   * @default {5}
   */
  maxConsecutiveErrors?: number;
  /**
   * `syncAndWait` only: send `{"force": true}`, which restarts a sync that is already running.
   *
   * @default {false}
   */
  force?: boolean;
  /**
   * Sleeps; tests inject a fake. Rejects when `signal` aborts.
   *
   * @default {a cancellable timer}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The clock in epoch milliseconds.
   *
   * @default {Date.now}
   */
  now?: () => number;
  /** Aborts the wait (the sleep and the poll in flight). */
  signal?: AbortSignal;
  /** Receives state changes, rescheduling and poll errors. */
  onUpdate?: (event: SyncWaitEvent) => void;
}

/** How the wait ended. */
export interface SyncOutcome {
  /** `succeeded`, `failed` (the sync failed), `timeout`, or `error` (polling failed for good). */
  result: "succeeded" | "failed" | "timeout" | "error";
  /** The connection. */
  connectionId: string;
  /** One line saying what happened, with the last state for failures and timeouts. */
  message: string;
  /** Milliseconds waited. */
  waitedMs: number;
  /** Successful polls. */
  polls: number;
  /** Failed polls (each after the client's retries). */
  errors: number;
  /** The last state seen (the snapshot when no poll succeeded). */
  last: SyncState;
}

/** Options of {@link snapshotSync}. */
export interface SnapshotOptions {
  /** Aborts the read. */
  signal?: AbortSignal;
}

/**
 * Reads the connection's sync timestamps and state before a sync is triggered.
 *
 * @example Snapshot, trigger, wait
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { snapshotSync, waitForSync } from "./sync_wait.ts";
 * const client = createAtlas();
 * const before = await snapshotSync(client, "my_connection");
 * await client.request("POST", "connections/my_connection/sync", {});
 * const outcome = await waitForSync(client, before, { timeoutMs: 600_000 });
 * ```
 */
export async function snapshotSync(
  client: Atlas,
  connectionId: string,
  options: SnapshotOptions = {},
): Promise<SyncSnapshot> {
  const { signal } = options;
  const envelope = await client.request<Record<string, unknown>>(
    "GET",
    `connections/${encodeURIComponent(connectionId)}`,
    undefined,
    signal ? { signal } : {},
  );
  return { connectionId, ...readState(envelope.data) };
}

/**
 * Triggers a sync (`POST connections/{id}/sync`, with `force` only when asked) and waits for it; see
 * {@link waitForSync}. Rejects with {@link AtlasError} when the snapshot or the trigger fails.
 *
 * @example Force a sync and wait
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { syncAndWait } from "./sync_wait.ts";
 * const outcome = await syncAndWait(createAtlas(), "my_connection", { force: true, timeoutMs: 1_800_000 });
 * if (outcome.result !== "succeeded") throw new Error(outcome.message);
 * ```
 */
export async function syncAndWait(
  client: Atlas,
  connectionId: string,
  options: SyncWaitOptions = {},
): Promise<SyncOutcome> {
  const snapshot = await snapshotSync(client, connectionId, options.signal ? { signal: options.signal } : {});
  await client.request(
    "POST",
    `connections/${encodeURIComponent(connectionId)}/sync`,
    options.force ? { force: true } : {},
    options.signal ? { signal: options.signal } : {},
  );
  return waitForSync(client, snapshot, options);
}

/**
 * Polls the connection until the sync triggered after `snapshot` succeeds or fails, the timeout passes,
 * or polling fails too often. Never rejects for those; rejects only when `signal` aborts.
 *
 * @example Wait for a sync someone else triggered
 * ```ts
 * import { createAtlas } from "../mod.ts";
 * import { snapshotSync, waitForSync } from "./sync_wait.ts";
 * const client = createAtlas();
 * const before = await snapshotSync(client, "my_connection");
 * // ... the sync is triggered elsewhere ...
 * const outcome = await waitForSync(client, before, {
 *   pollIntervalMs: 5_000,
 *   onUpdate: (e) => e.kind === "state" && console.log(e.state.sync_state),
 * });
 * ```
 */
export async function waitForSync(
  client: Atlas,
  snapshot: SyncSnapshot,
  options: SyncWaitOptions = {},
): Promise<SyncOutcome> {
  const { connectionId } = snapshot;
  const {
    timeoutMs = 3_600_000,
    pollIntervalMs = 15_000,
    maxConsecutiveErrors = 5,
    sleep = abortableSleep,
    now = Date.now,
    signal,
    onUpdate,
  } = options;
  if (!(timeoutMs > 0)) throw new RangeError(`Expected timeoutMs to be positive, got ${timeoutMs}`);
  if (!(pollIntervalMs > 0)) throw new RangeError(`Expected pollIntervalMs to be positive, got ${pollIntervalMs}`);
  if (!Number.isInteger(maxConsecutiveErrors) || maxConsecutiveErrors < 1) {
    throw new RangeError(`Expected maxConsecutiveErrors to be a positive integer, got ${maxConsecutiveErrors}`);
  }
  const endpoint = `connections/${encodeURIComponent(connectionId)}`;
  const started = now();
  const deadline = started + timeoutMs;
  let last: SyncState = { ...snapshot };
  let polls = 0;
  let errors = 0;
  let consecutive = 0;
  let lastError: AtlasError | undefined;
  let reportedState = "";
  let reportedReschedule = "";
  const end = (result: SyncOutcome["result"], message: string): SyncOutcome => ({
    result,
    connectionId,
    message,
    waitedMs: now() - started,
    polls,
    errors,
    last,
  });

  for (;;) {
    const t = now();
    if (t >= deadline) {
      const why = lastError && consecutive > 0 ? `; the last poll failed: ${lastError.message}` : "";
      return end(
        "timeout",
        `Timed out after ${seconds(t - started)} waiting for the sync of ${connectionId}; last state: ${
          describe(last)
        }${why}`,
      );
    }
    let wait = pollIntervalMs;
    if (last.sync_state === "rescheduled" && last.rescheduled_for && polls > 0) {
      const until = Date.parse(last.rescheduled_for);
      if (Number.isFinite(until) && until > t) {
        wait = Math.max(until - t, 1);
        if (reportedReschedule !== last.rescheduled_for) {
          reportedReschedule = last.rescheduled_for;
          onUpdate?.({
            kind: "rescheduled",
            until: last.rescheduled_for,
            waitMs: Math.min(wait, deadline - t),
            beyondTimeout: until > deadline,
          });
        }
      }
    }
    await sleep(Math.min(wait, deadline - t), signal);

    let data: unknown;
    try {
      data = (await client.request<Record<string, unknown>>("GET", endpoint, undefined, signal ? { signal } : {}))
        .data;
    } catch (error) {
      if (!(error instanceof AtlasError) || error.kind === "aborted" || signal?.aborted) throw error;
      errors++;
      lastError = error;
      if (!isTransient(error)) {
        return end("error", `Stopped waiting for the sync of ${connectionId}: ${error.message}`);
      }
      consecutive++;
      onUpdate?.({ kind: "poll-error", error, consecutive, max: maxConsecutiveErrors });
      if (consecutive >= maxConsecutiveErrors) {
        return end(
          "error",
          `Stopped waiting for the sync of ${connectionId} after ${consecutive} failed polls in a row: ${error.message}`,
        );
      }
      continue;
    }
    consecutive = 0;
    polls++;
    last = readState(data);
    const key = `${last.sync_state}|${last.succeeded_at}|${last.failed_at}`;
    if (key !== reportedState) {
      reportedState = key;
      onUpdate?.({ kind: "state", state: last, waitedMs: now() - started });
    }

    const succeeded = newer(last.succeeded_at, snapshot.succeeded_at);
    const failed = newer(last.failed_at, snapshot.failed_at);
    if (failed && (!succeeded || time(last.failed_at) >= time(last.succeeded_at))) {
      return end("failed", `The sync of ${connectionId} failed at ${last.failed_at}; state: ${describe(last)}`);
    }
    if (succeeded && last.sync_state !== "syncing") {
      return end(
        "succeeded",
        `The sync of ${connectionId} succeeded at ${last.succeeded_at} (waited ${seconds(now() - started)})`,
      );
    }
  }
}

/**
 * Reads a connection object (as returned by `GET connections/{id}`) into a {@link SyncState}.
 *
 * @example Read a connection's state
 * ```ts
 * import { readState } from "./sync_wait.ts";
 * readState({ paused: false, succeeded_at: null, failed_at: null, status: { sync_state: "scheduled" } });
 * ```
 */
export function readState(data: unknown): SyncState {
  const c = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const status = (typeof c.status === "object" && c.status !== null ? c.status : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const state: SyncState = { succeeded_at: str(c.succeeded_at), failed_at: str(c.failed_at) };
  if (typeof status.sync_state === "string") state.sync_state = status.sync_state;
  if (typeof status.setup_state === "string") state.setup_state = status.setup_state;
  if (typeof status.update_state === "string") state.update_state = status.update_state;
  if (str(status.rescheduled_for)) state.rescheduled_for = str(status.rescheduled_for);
  if (typeof c.paused === "boolean") state.paused = c.paused;
  return state;
}

/**
 * Whether a polling error may go away by itself: network errors, timeouts, unreadable answers, 429 and 5xx.
 *
 * @example Decide whether to keep polling
 * ```ts
 * import { AtlasError } from "../mod.ts";
 * import { isTransient } from "./sync_wait.ts";
 * isTransient(new AtlasError({ kind: "network", status: 0, code: "NetworkError", fivetranMessage: "reset", method: "GET", path: "connections/x", attempts: 5 })); // true
 * ```
 */
export function isTransient(error: AtlasError): boolean {
  if (error.kind === "network" || error.kind === "timeout" || error.kind === "invalid-response") return true;
  return error.status === 429 || error.status >= 500;
}

function newer(value: string | null, before: string | null): boolean {
  if (value === null) return false;
  if (before === null) return true;
  return time(value) > time(before);
}

function time(value: string | null): number {
  if (value === null) return -Infinity;
  const t = Date.parse(value);
  return Number.isNaN(t) ? -Infinity : t;
}

function describe(state: SyncState): string {
  const parts = [`sync_state=${state.sync_state ?? "?"}`];
  if (state.rescheduled_for) parts.push(`rescheduled_for=${state.rescheduled_for}`);
  parts.push(`succeeded_at=${state.succeeded_at ?? "never"}`, `failed_at=${state.failed_at ?? "never"}`);
  return parts.join(", ");
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
