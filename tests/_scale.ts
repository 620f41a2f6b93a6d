// Shared helpers of the account-scale tests (tests/scale_*_test.ts, secrets_audit_test.ts, bad_input_test.ts)
// and bench/scale.ts: big seeded accounts, the fault spec of issue 6, a fast recording sleep, and journal checks.
import type { JournalEntry, SandboxSeed, SeedConnection } from "../lib/sandbox/mod.ts";

/**
 * The fault mix, per request: 10% 5xx (half before the work, half after it with the answer lost),
 * 10% 429 with a short Retry-After (1 s), 5% dropped connections (half before, half after the work), and
 * 20 ms of added latency on one request in ten.
 */
export const FAULTS =
  "5xx=0.05,5xx-after=0.05,429=0.1,drop=0.025,drop-after=0.025,latency=20,latency-share=0.1,retry-after=1";

/**
 * The sandbox's `randomSeed` for {@link FAULTS}: its fault sequence has every kind of fault within the first 36
 * requests (seed 1 has its first dropped connection only at request 135), so even a short run meets them all.
 */
export const FAULT_SEED = 7;

/** The Retry-After of {@link FAULTS}, in milliseconds. */
export const FAULT_RETRY_AFTER_MS = 1000;

/** Options of {@link scaleSeed}. */
export interface ScaleSeedOptions {
  /** The big group's id. */
  group: string;
  /** How many connections it holds. */
  count: number;
  /** Which of them start paused (by index). */
  paused?: (index: number) => boolean;
  /** A password put in every connection's config (to check it never leaks). */
  password?: string;
  /** Small extra groups: id → number of connections. */
  extraGroups?: Record<string, number>;
}

/** The id of the `index`-th connection of `group` in a {@link scaleSeed} account. */
export function connectionId(group: string, index: number): string {
  return `${group}_c${String(index).padStart(5, "0")}`;
}

/** An account with one big group (and optionally a few small ones) of connected postgres connections. */
export function scaleSeed(options: ScaleSeedOptions): SandboxSeed {
  const { group, count, paused = () => false, password = "seed-password", extraGroups = {} } = options;
  const groups = [group, ...Object.keys(extraGroups)];
  const connections: SeedConnection[] = [];
  for (const [g, n] of [[group, count], ...Object.entries(extraGroups)] as [string, number][]) {
    for (let i = 0; i < n; i++) {
      connections.push({
        id: connectionId(g, i),
        group_id: g,
        service: "postgres",
        schema: `${g}_s${i}`,
        setup_state: "connected",
        paused: g === group ? paused(i) : false,
        config: { host: `db${i}.example.internal`, port: 5432, database: "shop", user: "reader", password },
      });
    }
  }
  return {
    groups: groups.map((id) => ({ id, name: `Group ${id}` })),
    destinations: groups.map((id) => ({ group_id: id, service: "snowflake", config: { password } })),
    connections,
  };
}

/** A sleep that records each requested wait and resolves after at most 1 ms, so tests never really wait. */
export function fastSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      waits.push(ms);
      return new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(ms, 0), 1)));
    },
  };
}

/** How many journal entries carry each injected fault (`none` for clean answers). */
export function faultCounts(entries: readonly JournalEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[e.fault ?? "none"] = (counts[e.fault ?? "none"] ?? 0) + 1;
  return counts;
}

/** Whether a journal entry changes state (anything but a GET; the admin endpoints are never journalled). */
export function isMutating(entry: JournalEntry): boolean {
  return entry.method !== "GET" && entry.method !== "HEAD";
}

/** POST paths that may be repeated after a lost answer (they start or test something already there). */
const ACTION_POST = /\/(sync|test|reload|cancel)$/;

/**
 * Non-idempotent calls (creates and other POSTs that are not actions) that the sandbox processed more than once
 * with the same path and body. Requests refused by a "before" fault (429, 5xx, drop) did no work and are not
 * counted. One line per repeat.
 */
export function repeatedNonIdempotent(entries: readonly JournalEntry[]): string[] {
  const processed = new Map<string, number>();
  for (const e of entries) {
    if (e.method !== "POST" || ACTION_POST.test(e.path) || e.body === undefined) continue;
    // Refused before any work (the sandbox journals their bodies too): not processed.
    if (e.fault === "429" || e.fault === "5xx" || e.fault === "drop") continue;
    const key = `${e.method} ${e.path} ${JSON.stringify(e.body)}`;
    processed.set(key, (processed.get(key) ?? 0) + 1);
  }
  return [...processed].filter(([, n]) => n > 1).map(([key, n]) => `${key} processed ${n} times`);
}

/** One request as the client sent it, and what came back. */
export interface Sent {
  method: string;
  url: string;
  body: string | undefined;
  /** HTTP status, or 0 when no answer arrived (dropped connection). */
  status: number;
}

/**
 * A fetch that passes every request to the real one (nothing is stubbed) and records what was sent and what came
 * back, to check the client's side of the retry rules.
 */
export function recordingFetch(): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const recording: typeof fetch = async (input, init) => {
    const record: Sent = {
      method: init?.method ?? "GET",
      url: String(input instanceof Request ? input.url : input),
      body: typeof init?.body === "string" ? init.body : undefined,
      status: 0,
    };
    sent.push(record);
    const response = await fetch(input, init);
    record.status = response.status;
    return response;
  };
  return { fetch: recording, sent };
}

/**
 * Non-idempotent requests the client sent again after an answer that did not say "nothing was done" — anything but
 * a 429 (a 5xx, a dropped connection, a timeout). One line per resend.
 */
export function resentAfterAmbiguous(sent: readonly Sent[]): string[] {
  const last = new Map<string, Sent>();
  const problems: string[] = [];
  for (const s of sent) {
    if (s.method !== "POST" || ACTION_POST.test(new URL(s.url).pathname)) continue;
    const key = `${s.method} ${s.url} ${s.body}`;
    const before = last.get(key);
    if (before && before.status !== 429) problems.push(`${key} resent after status ${before.status}`);
    last.set(key, s);
  }
  return problems;
}
