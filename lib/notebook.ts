/**
 * Helpers for the notebooks in `notebooks/`: connect to Fivetran (or to the in-process sandbox when the
 * environment holds no credentials), the columns of a connections table, state counts for a chart, the
 * connections that need attention, and reading what a log file received. Sync-and-wait is in
 * `sync_wait.ts`.
 *
 * Nothing here prints: functions return values and strings, and the notebook displays them.
 *
 * @example Connect and list a group's connections
 * ```ts
 * import { connect, CONNECTION_COLUMNS, type Connection } from "./notebook.ts";
 * import { paginate } from "../mod.ts";
 * import { renderHtmlTable } from "./table.ts";
 *
 * const session = await connect();
 * const rows = await Array.fromAsync(paginate<Connection>("groups/my_group/connections"));
 * const html = renderHtmlTable(rows, CONNECTION_COLUMNS); // Deno.jupyter.html`${html}` in a cell
 * await session.close();
 * ```
 *
 * @module
 */

import { ConfigError, loadConfig } from "./config.ts";
import type { Column } from "./table.ts";
import type { Bar } from "./svg_chart.ts";
import { plotBarChart } from "./plot_chart.ts";
import { SETUP_STATES, SYNC_STATES } from "./sync_wait.ts";
// The sandbox itself (server, state, handlers) is imported only when a session starts one: a notebook on a
// real account never loads it. Its demo IDs are small.
import { DEMO } from "./sandbox/demo_account.ts";
import type {
  Connection as ConnectionAnswer,
  ConnectionStatus as ConnectionStatusAnswer,
  ConnectionWarning,
  Read,
} from "./spec/types.ts";

export type { Column } from "./table.ts";
/**
 * The well-known IDs of the sandbox's demo account (healthy, broken, failing, paused connections...), as
 * `DEMO` in `sandbox/mod.ts`.
 *
 * @example The healthy connection the pause notebook uses in the sandbox
 * ```ts
 * import { SANDBOX_IDS } from "./notebook.ts";
 * console.log(SANDBOX_IDS.renamedConnectionId); // "steady_orchard"
 * ```
 */
export { DEMO as SANDBOX_IDS };

/** A warning or task on a connection's status (the definition's `ConnectionWarning`). */
export type StatusAlert = ConnectionWarning;

/** The `status` object of a connection (the definition's `ConnectorStatusResponse`). */
export type ConnectionStatus = ConnectionStatusAnswer;

/**
 * A connection as the notebooks read it: the definition's `ConnectorResponseV1`, its identity, `paused` and the two
 * states required, every other field possibly missing, and the timestamps that are `null` before a first sync
 * allowed to be.
 */
export type Connection =
  & Read<ConnectionAnswer>
  & Pick<ConnectionAnswer, "id" | "group_id" | "service" | "schema" | "paused">
  & { status: Read<ConnectionStatusAnswer> & Pick<ConnectionStatusAnswer, "setup_state" | "sync_state"> };

/** Options of {@link connect}. */
export interface ConnectOptions {
  /**
   * Where credentials come from.
   *
   * @default {Deno.env}
   */
  env?: { get(name: string): string | undefined };
  /**
   * Put the session's credentials into `Deno.env` (`FIVETRAN_API_KEY`, `FIVETRAN_API_SECRET`,
   * `FIVETRAN_BASE_URL`) so `atlas()` and `paginate()` use them. Only done for the sandbox (an account's
   * credentials are already there), and undone by `close()`.
   *
   * @default {true}
   */
  exportEnv?: boolean;
  /**
   * Seconds a sync takes in the sandbox.
   *
   * @default {5}
   */
  syncSeconds?: number;
  /**
   * Number of connections of the sandbox's demo account.
   *
   * @default {300}
   */
  connections?: number;
  /**
   * Where the sandbox's simulated clock starts (epoch ms).
   *
   * @default {Date.parse("2026-01-05T12:00:00Z")}
   */
  start?: number;
  /**
   * Seed of the sandbox's random choices.
   *
   * @default {1}
   */
  randomSeed?: number;
}

/** Options for `createAtlas` (spread them in and add your own, such as `logger`). */
export interface SessionClientOptions {
  /** API key. */
  apiKey: string;
  /** API secret. */
  apiSecret: string;
  /** Base URL, e.g. `https://api.fivetran.com/v1`. */
  baseUrl: string;
  /** The clock for durations in the log: the sandbox's simulated clock, or absent for the wall clock. */
  now?: () => number;
}

/** What {@link connect} returns. */
export interface NotebookSession {
  /** `sandbox` when the in-process simulator answers, `account` for a real Fivetran account. */
  readonly mode: "sandbox" | "account";
  /** Options for `createAtlas`: credentials, base URL, and in the sandbox its clock. */
  readonly clientOptions: SessionClientOptions;
  /** The current time in epoch ms: the sandbox's simulated clock, or the wall clock. */
  now(): number;
  /**
   * Waits `ms` milliseconds: in the sandbox, moves its clock forward by `ms` (no real waiting); otherwise a
   * timer.
   */
  sleep(ms: number): Promise<void>;
  /** A Markdown paragraph saying what this session talks to (no secrets, no port numbers). */
  describe(): string;
  /** Stops the sandbox (if any) and restores the environment. */
  close(): Promise<void>;
}

/**
 * Where the sandbox's simulated clock starts by default.
 *
 * @example Use SANDBOX_START
 * ```ts
 * import { SANDBOX_START } from "./notebook.ts";
 * console.log(new Date(SANDBOX_START).toISOString()); // "2026-01-05T12:00:00.000Z"
 * ```
 */
export const SANDBOX_START: number = Date.parse("2026-01-05T12:00:00Z");

const ENV_KEYS = ["FIVETRAN_API_KEY", "FIVETRAN_API_SECRET", "FIVETRAN_BASE_URL"] as const;

/**
 * Connects a notebook to Fivetran. With credentials in the environment (`FIVETRAN_API_KEY` and
 * `FIVETRAN_API_SECRET`, or `FIVETRAN_CONFIG`), it talks to that account. Without, it starts the sandbox
 * in-process with its demo account, a fixed random seed and a simulated clock that only moves when the
 * session sleeps, so every run shows the same IDs and timestamps; and it exports the sandbox's credentials to
 * `Deno.env` so `atlas()` and `paginate()` find them.
 *
 * @throws {ConfigError} when the environment's configuration is present but invalid.
 *
 * @example Use the session's credentials with your own client
 * ```ts
 * import { connect } from "./notebook.ts";
 * import { createAtlas } from "../mod.ts";
 * const session = await connect();
 * const client = createAtlas(session.clientOptions);
 * const groups = await client.request("GET", "groups");
 * await session.close();
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<NotebookSession> {
  const { env = Deno.env, exportEnv = true } = options;
  const credentials = readCredentials(env);
  if (credentials) {
    const host = new URL(credentials.baseUrl).host;
    return {
      mode: "account",
      clientOptions: { ...credentials },
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      describe: () =>
        `**Fivetran account** at \`${host}\`, with the credentials from the environment ` +
        "(`FIVETRAN_API_KEY` / `FIVETRAN_API_SECRET` or `FIVETRAN_CONFIG`).",
      close: () => Promise.resolve(),
    };
  }

  const {
    syncSeconds = 5,
    connections = 300,
    start = SANDBOX_START,
    randomSeed = 1,
  } = options;
  const { createManualClock, startSandbox } = await import("./sandbox/mod.ts");
  const sandbox = await startSandbox({ syncSeconds, connections, randomSeed, clock: createManualClock(start) });
  const saved = new Map<string, string | undefined>();
  if (exportEnv) {
    const values = {
      FIVETRAN_API_KEY: sandbox.apiKey,
      FIVETRAN_API_SECRET: sandbox.apiSecret,
      FIVETRAN_BASE_URL: sandbox.baseUrl,
    };
    for (const key of ENV_KEYS) {
      saved.set(key, Deno.env.get(key));
      Deno.env.set(key, values[key]);
    }
  }
  let closed = false;
  return {
    mode: "sandbox",
    clientOptions: {
      apiKey: sandbox.apiKey,
      apiSecret: sandbox.apiSecret,
      baseUrl: sandbox.baseUrl,
      now: () => sandbox.now(),
    },
    now: () => sandbox.now(),
    sleep: async (ms) => {
      sandbox.advance(Math.max(0, ms));
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    describe: () =>
      `**Sandbox**: the environment holds no Fivetran credentials (\`FIVETRAN_API_KEY\` / \`FIVETRAN_API_SECRET\`), ` +
      `so this notebook started the local Fivetran simulator in-process, on a loopback port, with its demo ` +
      `account (${connections} connections, random seed ${randomSeed}; a sync takes ${syncSeconds} s). Its clock ` +
      `is simulated: it starts at ${new Date(start).toISOString()} and moves only when the notebook waits, so ` +
      `waiting takes no real time and every run shows the same IDs and timestamps. Set the credentials and ` +
      `restart the kernel to use your own account.`,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [key, value] of saved) {
        if (value === undefined) Deno.env.delete(key);
        else Deno.env.set(key, value);
      }
      await sandbox.close();
    },
  };
}

function readCredentials(env: { get(name: string): string | undefined }): SessionClientOptions | null {
  try {
    const config = loadConfig({ env });
    return { apiKey: config.apiKey, apiSecret: config.apiSecret, baseUrl: config.baseUrl };
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith("Missing Fivetran credentials")) return null;
    throw error;
  }
}

/**
 * Columns for `renderHtmlTable` / `renderTable`: ID, schema, service, setup and sync state, paused, and the
 * last success and failure.
 *
 * @example A table of connections
 * ```ts
 * import { CONNECTION_COLUMNS, type Connection } from "./notebook.ts";
 * import { renderHtmlTable } from "./table.ts";
 * const rows: Connection[] = [];
 * const html = renderHtmlTable(rows, CONNECTION_COLUMNS);
 * ```
 */
export const CONNECTION_COLUMNS: readonly Column<Connection>[] = [
  { header: "ID", value: (c) => c.id },
  { header: "Schema", value: (c) => c.schema },
  { header: "Service", value: (c) => c.service },
  { header: "Setup", value: (c) => c.status?.setup_state },
  { header: "Sync", value: (c) => c.status?.sync_state },
  { header: "Paused", value: (c) => (c.paused ? "yes" : "") },
  { header: "Succeeded at", value: (c) => c.succeeded_at ?? "" },
  { header: "Failed at", value: (c) => c.failed_at ?? "" },
];

/**
 * A colour per state: green for healthy, red for broken, orange for rescheduled...
 *
 * @example Colour a state
 * ```ts
 * import { STATE_COLOURS } from "./notebook.ts";
 * console.log(STATE_COLOURS.broken); // "#e15759"
 * ```
 */
export const STATE_COLOURS: Readonly<Record<string, string>> = {
  connected: "#59a14f",
  incomplete: "#edc948",
  broken: "#e15759",
  scheduled: "#4e79a7",
  syncing: "#76b7b2",
  paused: "#9c9c9c",
  rescheduled: "#f28e2b",
};

/**
 * Counts connections per state, as bars: the documented states first (also when 0), then any other value
 * seen, alphabetically.
 *
 * @param connections The connections.
 * @param field `setup_state` or `sync_state`.
 *
 * @example Count sync states
 * ```ts
 * import { stateBars } from "./notebook.ts";
 * const bars = stateBars([], "sync_state");
 * console.log(bars.map((b) => `${b.label}=${b.value}`).join(" ")); // "scheduled=0 syncing=0 paused=0 rescheduled=0"
 * ```
 */
export function stateBars(connections: readonly Connection[], field: "setup_state" | "sync_state"): Bar[] {
  const known = field === "setup_state" ? SETUP_STATES : SYNC_STATES;
  const counts = new Map<string, number>(known.map((s) => [s, 0]));
  for (const c of connections) {
    const state = String(c.status?.[field] ?? "unknown");
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const extra = [...counts.keys()].filter((s) => !known.includes(s)).sort();
  return [...known, ...extra].map((label) => ({ label, value: counts.get(label)!, colour: STATE_COLOURS[label] }));
}

/**
 * An SVG bar chart of the setup and sync states of connections (two panels on one scale), drawn by Observable Plot
 * (see `plot_chart.ts`).
 *
 * @param connections The connections.
 * @param title The chart's title.
 *
 * @example Chart a group's states in a notebook
 * ```ts
 * import { stateChart } from "./notebook.ts";
 * const svg = stateChart([], "Connections by state");
 * // Deno.jupyter.svg`${svg}`
 * ```
 */
export function stateChart(connections: readonly Connection[], title = "Connections by state"): string {
  return plotBarChart([
    { title: "Setup state", bars: stateBars(connections, "setup_state") },
    { title: "Sync state", bars: stateBars(connections, "sync_state") },
  ], { title });
}

/** A connection that needs attention, and why. */
export interface Attention {
  /** The connection. */
  connection: Connection;
  /** Why, e.g. `setup broken`, `last sync failed`, `rescheduled until ...`. */
  reasons: string[];
}

/**
 * The connections that need attention: setup broken, last sync failed (`failed_at` newer than
 * `succeeded_at`), or sync rescheduled. Broken ones first, then failed, then rescheduled; the input order
 * within each.
 *
 * @example Find broken and failing connections
 * ```ts
 * import { needsAttention, type Connection } from "./notebook.ts";
 * const found = needsAttention([
 *   { id: "a", group_id: "g", service: "s3", schema: "s3", paused: false, status: { setup_state: "broken", sync_state: "scheduled" } },
 * ] as Connection[]);
 * console.log(found[0].reasons); // ["setup broken"]
 * ```
 */
export function needsAttention(connections: readonly Connection[]): Attention[] {
  const found: (Attention & { rank: number; index: number })[] = [];
  connections.forEach((connection, index) => {
    const reasons: string[] = [];
    let rank = 3;
    if (connection.status?.setup_state === "broken") {
      reasons.push("setup broken");
      rank = Math.min(rank, 0);
    }
    if (lastSyncFailed(connection)) {
      reasons.push("last sync failed");
      rank = Math.min(rank, 1);
    }
    if (connection.status?.sync_state === "rescheduled") {
      const until = connection.status.rescheduled_for;
      reasons.push(until ? `rescheduled until ${until}` : "rescheduled");
      rank = Math.min(rank, 2);
    }
    if (reasons.length) found.push({ connection, reasons, rank, index });
  });
  found.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return found.map(({ connection, reasons }) => ({ connection, reasons }));
}

/**
 * Whether a connection's last sync failed: `failed_at` is set and newer than `succeeded_at` (or there is no
 * success at all).
 *
 * @example Check a connection
 * ```ts
 * import { lastSyncFailed } from "./notebook.ts";
 * lastSyncFailed({ succeeded_at: "2026-01-01T00:00:00Z", failed_at: "2026-01-02T00:00:00Z" }); // true
 * ```
 */
export function lastSyncFailed(connection: Pick<Connection, "succeeded_at" | "failed_at">): boolean {
  return isNewer(connection.failed_at, connection.succeeded_at);
}

/**
 * Columns for a table of {@link Attention} rows.
 *
 * @example A table of connections that need attention
 * ```ts
 * import { ATTENTION_COLUMNS, needsAttention } from "./notebook.ts";
 * import { renderHtmlTable } from "./table.ts";
 * const html = renderHtmlTable(needsAttention([]), ATTENTION_COLUMNS);
 * ```
 */
export const ATTENTION_COLUMNS: readonly Column<Attention>[] = [
  { header: "ID", value: (a) => a.connection.id },
  { header: "Schema", value: (a) => a.connection.schema },
  { header: "Service", value: (a) => a.connection.service },
  { header: "Why", value: (a) => a.reasons.join("; ") },
  { header: "Succeeded at", value: (a) => a.connection.succeeded_at ?? "" },
  { header: "Failed at", value: (a) => a.connection.failed_at ?? "" },
];

function isNewer(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a) return false;
  const ta = Date.parse(a);
  if (!Number.isFinite(ta)) return false;
  if (!b) return true;
  const tb = Date.parse(b);
  return !Number.isFinite(tb) || ta > tb;
}

/**
 * The size of a file in bytes, 0 when it does not exist: remember it before an action, then read what was
 * appended with {@link readLogSince}.
 *
 * @example Mark a log before some requests
 * ```ts
 * import { logMark } from "./notebook.ts";
 * const mark = logMark("logs/pause.log");
 * ```
 */
export function logMark(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/**
 * The lines appended to a log file since `mark` (a {@link logMark}); all lines when the file is now smaller
 * than the mark (it rotated).
 *
 * @example Show what a pause wrote to the log
 * ```ts
 * import { logMark, readLogSince } from "./notebook.ts";
 * const mark = logMark("logs/pause.log");
 * // ... requests ...
 * console.log(readLogSince("logs/pause.log", mark).join("\n"));
 * ```
 */
export function readLogSince(path: string, mark = 0): string[] {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const start = bytes.length >= mark ? mark : 0;
  return new TextDecoder().decode(bytes.subarray(start)).split("\n").filter((line) => line !== "");
}

/**
 * A Markdown table of a connection's status: states, paused, schedule, last success and failure, warnings.
 *
 * @example Show a connection's status in a notebook
 * ```ts
 * import { statusMarkdown, type Connection } from "./notebook.ts";
 * const connection = { id: "a", group_id: "g", service: "s3", schema: "s3", paused: false,
 *   status: { setup_state: "connected", sync_state: "scheduled" } } as Connection;
 * const md = statusMarkdown(connection); // Deno.jupyter.md`${md}`
 * ```
 */
export function statusMarkdown(connection: Connection): string {
  const status = connection.status ?? { setup_state: "?", sync_state: "?" };
  const rows: [string, unknown][] = [
    ["id", connection.id],
    ["service / schema", `${connection.service} / ${connection.schema}`],
    ["paused", connection.paused],
    ["setup_state", status.setup_state],
    ["sync_state", status.sync_state],
    ["update_state", status.update_state],
    [
      "schedule",
      connection.sync_frequency
        ? `every ${connection.sync_frequency} min (${connection.schedule_type ?? "auto"})`
        : undefined,
    ],
    ["succeeded_at", connection.succeeded_at],
    ["failed_at", connection.failed_at],
    ["rescheduled_for", status.rescheduled_for],
    ["warnings", status.warnings?.map((w) => w.code).join(", ")],
  ];
  const lines = ["| field | value |", "| --- | --- |"];
  for (const [field, value] of rows) {
    if (value === undefined || value === null || value === "") continue;
    lines.push(`| ${field} | ${escapeMarkdown(String(value))} |`);
  }
  return lines.join("\n");
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`);
}
