/**
 * A local, stateful simulator of the Fivetran REST API v1 for tests, notebooks
 * and demos. Start it in-process with {@link startSandbox}, or from a shell
 * with `deno task sandbox`.
 *
 * @example Start, call, close
 * ```ts
 * import { startSandbox } from "./mod.ts";
 * const sandbox = await startSandbox();
 * const res = await fetch(`${sandbox.baseUrl}/groups`, {
 *   headers: { Authorization: sandbox.authorization },
 * });
 * console.log((await res.json()).data.items.length);
 * await sandbox.close();
 * ```
 *
 * @module
 */

import { type Clock, createManualClock, createOffsetClock, systemClock } from "./clock.ts";
import { DEMO, demoAccount } from "./demo_account.ts";
import {
  FaultInjector,
  type FaultSettings,
  formatFaults,
  NO_FAULTS,
  parseFaultSpec,
  validateFaults,
} from "./faults.ts";
import { Journal, type JournalEntry } from "./journal.ts";
import { createPrng } from "./prng.ts";
import { startFrontProxy } from "./proxy.ts";
import { RateLimits } from "./rate_limit.ts";
import { ROUTES } from "./routes.ts";
import { createHandler } from "./server.ts";
import { snapshotSeed } from "./snapshot.ts";
import { SandboxState } from "./state.ts";
import type { SandboxSeed } from "./types.ts";
import { type WebhookDeliveryRecord, WebhookDispatcher } from "./webhook_delivery.ts";

export { createManualClock, DEMO, demoAccount, parseFaultSpec, ROUTES, SandboxState };
export type { Clock, ManualClock } from "./clock.ts";
export type { FaultSettings } from "./faults.ts";
export type { JournalEntry } from "./journal.ts";
export type { Route } from "./routes.ts";
export type * from "./types.ts";
export type { DemoOptions } from "./demo_account.ts";
export type { SetupTest } from "./setup_tests.ts";
export type { PlatformLinks, PlatformSeed, SystemKeyPermission } from "./platform_types.ts";
export { platformSnapshot } from "./platform_seed.ts";
export type { SandboxEvent, WebhookDeliveryRecord } from "./webhook_delivery.ts";

/**
 * Default API key of the sandbox.
 *
 * @example Use DEFAULT_API_KEY
 * ```ts
 * import { DEFAULT_API_KEY } from "./mod.ts";
 * console.log(DEFAULT_API_KEY); // "sandbox_api_key"
 * ```
 */
export const DEFAULT_API_KEY = "sandbox_api_key";
/**
 * Default API secret of the sandbox.
 *
 * @example Use DEFAULT_API_SECRET
 * ```ts
 * import { DEFAULT_API_SECRET } from "./mod.ts";
 * console.log(DEFAULT_API_SECRET); // "sandbox_api_secret"
 * ```
 */
export const DEFAULT_API_SECRET = "sandbox_api_secret";
/**
 * Default rate limit (requests per rolling minute): generous.
 *
 * @example Use DEFAULT_RATE_LIMIT
 * ```ts
 * import { DEFAULT_RATE_LIMIT } from "./mod.ts";
 * console.log(`${DEFAULT_RATE_LIMIT} requests per minute`);
 * ```
 */
export const DEFAULT_RATE_LIMIT = 10_000;
/**
 * Default sync duration in seconds.
 *
 * @example Use DEFAULT_SYNC_SECONDS
 * ```ts
 * import { DEFAULT_SYNC_SECONDS } from "./mod.ts";
 * console.log(`a sync takes ${DEFAULT_SYNC_SECONDS} s`);
 * ```
 */
export const DEFAULT_SYNC_SECONDS = 10;

/** How often time-based transitions are settled in the background (ms). */
const TICK_MS = 250;

/** Options of {@link startSandbox} (the CLI flags map onto these). */
export interface SandboxOptions {
  /** Port to listen on (default 0: any free port; the CLI defaults to 8787). */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** An account fixture, or the path of a JSON file holding one, instead of the demo account. */
  seed?: SandboxSeed | string;
  /** Number of connections of the demo account (default 300). */
  connections?: number;
  /** How long a sync or transformation run takes, in seconds (default 10). */
  syncSeconds?: number;
  /** Requests per rolling minute before 429s (default, or 0: 10,000). */
  rateLimit?: number;
  /** A trial account's limits: 500 requests per hour instead of 20,000 (default false). */
  trial?: boolean;
  /** Fault injection: a spec such as `5xx=0.1,429=0.1,drop=0.05,latency=20`, or settings. */
  faults?: string | Partial<FaultSettings>;
  /** Seed of the demo account and of the fault sequence (default 1). */
  randomSeed?: number;
  /** Serve the retired `/v1/connectors` paths as aliases (default false: 404). */
  legacyConnectors?: boolean;
  /** Time source (default the wall clock); see `createManualClock`. */
  clock?: Clock;
  /** API key clients must send (default `sandbox_api_key`). */
  apiKey?: string;
  /** API secret clients must send (default `sandbox_api_secret`). */
  apiSecret?: string;
  /** Journal size (default 10,000 entries). */
  journalSize?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://HOST:PORT/v1`, the value for `FIVETRAN_BASE_URL`. */
  readonly baseUrl: string;
  /** `http://HOST:PORT/_sandbox`, the admin endpoints. */
  readonly adminUrl: string;
  /** API key. */
  readonly apiKey: string;
  /** API secret. */
  readonly apiSecret: string;
  /** `Basic base64(key:secret)`, ready for an Authorization header. */
  readonly authorization: string;
  /** Port. */
  readonly port: number;
  /** The account state (read it in tests; mutate through the API). */
  readonly state: SandboxState;
  /** The current fault spec. */
  readonly faults: string;
  /** Journal entries, oldest first (optionally only those after `sinceSeq`). */
  journal(sinceSeq?: number): JournalEntry[];
  /** Forget the journal. */
  clearJournal(): void;
  /** Rebuild the account from its seed and forget the journal and rate-limit window. */
  reset(): void;
  /** Move the sandbox clock forward by `ms`. */
  advance(ms: number): void;
  /** Current sandbox time (epoch ms). */
  now(): number;
  /** Webhook deliveries so far (oldest first, the last 1,000), optionally after `sinceSeq`. */
  webhookDeliveries(sinceSeq?: number): WebhookDeliveryRecord[];
  /** Resolves once no webhook delivery is in flight. */
  webhooksIdle(): Promise<void>;
  /** The current account as a seed, secrets stripped (replay it with `startSandbox({ seed })`). */
  snapshot(): SandboxSeed;
  /** Replace the fault settings (e.g. `"none"` to turn faults off). */
  setFaults(faults: string | Partial<FaultSettings>): void;
  /** The `eval`-able shell line with the three FIVETRAN_ variables. */
  exportLine(): string;
  /** Stop serving and release every resource. */
  close(): Promise<void>;
  /** Resolves once the sandbox is closed (by `close()` or `POST /_sandbox/shutdown`). */
  readonly finished: Promise<void>;
  /** Same as close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

function toFaults(f: string | Partial<FaultSettings> | undefined): FaultSettings {
  if (f === undefined) return { ...NO_FAULTS };
  if (typeof f === "string") return parseFaultSpec(f);
  return validateFaults({ ...NO_FAULTS, ...f });
}

function checkInt(name: string, v: number | undefined, min: number, max = Infinity): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max}, got ${v}`);
  }
}

async function loadSeed(options: SandboxOptions): Promise<() => SandboxSeed> {
  if (typeof options.seed === "string") {
    const text = await Deno.readTextFile(options.seed);
    let parsed: SandboxSeed;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`Seed file ${options.seed} is not valid JSON: ${(e as Error).message}`);
    }
    return () => structuredClone(parsed);
  }
  if (options.seed) {
    const seed = structuredClone(options.seed);
    return () => structuredClone(seed);
  }
  return () => demoAccount({ connections: options.connections, randomSeed: options.randomSeed ?? 1 });
}

/**
 * Start a sandbox. Resolves once it is listening.
 *
 * @example A sandbox for a test, with a manual clock and fast 429 retries
 * ```ts
 * import { createManualClock, startSandbox } from "./mod.ts";
 * const clock = createManualClock();
 * await using sandbox = await startSandbox({ clock, faults: "429=0.2,retry-after=0" });
 * sandbox.advance(60_000);
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  checkInt("port", options.port, 0, 65535);
  checkInt("connections", options.connections, 0, 1_000_000);
  checkInt("rateLimit", options.rateLimit, 0);
  checkInt("randomSeed", options.randomSeed, 0, 2 ** 32 - 1);
  if (
    options.syncSeconds !== undefined &&
    !(Number.isFinite(options.syncSeconds) && options.syncSeconds >= 0)
  ) {
    throw new RangeError(`syncSeconds must be a non-negative number, got ${options.syncSeconds}`);
  }
  const faultSettings = toFaults(options.faults);
  const makeSeed = await loadSeed(options);
  const randomSeed = options.randomSeed ?? 1;
  const clock = createOffsetClock(options.clock ?? systemClock);
  const syncMs = (options.syncSeconds ?? DEFAULT_SYNC_SECONDS) * 1000;
  const dispatcher = new WebhookDispatcher();
  const build = () => {
    const s: SandboxState = new SandboxState({
      clock,
      syncMs,
      randomSeed,
      onEvent: (e) => dispatcher.dispatch(s.webhooks.all(), e),
    });
    s.load(makeSeed());
    return s;
  };
  let state = build();
  // Time-based transitions (and their webhook events) happen as the clock moves, read or not.
  const ticker = setInterval(() => state.tick(), TICK_MS);
  const advance = (ms: number) => {
    clock.advance(ms);
    state.tick();
  };
  const journal = new Journal(options.journalSize ?? 10_000);
  const limiter = new RateLimits({
    perMinute: options.rateLimit || DEFAULT_RATE_LIMIT,
    trial: options.trial,
    explicit: (options.rateLimit ?? 0) > 0,
  }, clock);
  const newInjector = () => new FaultInjector(faultSettings, createPrng(randomSeed).fork("faults"));
  let injector = newInjector();
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const apiSecret = options.apiSecret ?? DEFAULT_API_SECRET;
  const abort = new AbortController();
  let markFinished = () => {};
  const finished = new Promise<void>((resolve) => markFinished = resolve);
  let shutdownTimer: ReturnType<typeof setTimeout> | undefined;

  const reset = () => {
    state = build();
    journal.clear();
    limiter.reset();
    const settings = injector.settings;
    injector = newInjector();
    injector.settings = settings;
  };
  let front: ReturnType<typeof startFrontProxy>;
  const handler = createHandler({
    state: () => state,
    journal,
    get limiter() {
      return limiter;
    },
    get faults() {
      return injector;
    },
    apiKey,
    apiSecret,
    legacyConnectors: options.legacyConnectors ?? false,
    drop: (info) => front.drop((info.remoteAddr as Deno.NetAddr).port),
    reset,
    advance,
    deliver: (w, e) => dispatcher.send(w, e),
    deliveries: (since) => dispatcher.deliveries(since),
    shutdown: () => {
      // Let the answer get out first.
      shutdownTimer ??= setTimeout(() => void close(), 50);
    },
    signal: abort.signal,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, signal: abort.signal },
    handler,
  );
  try {
    front = startFrontProxy({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      upstreamPort: server.addr.port,
    });
  } catch (e) {
    clearInterval(ticker);
    abort.abort();
    await server.finished;
    throw e;
  }
  dispatcher.refusePorts([server.addr.port, front.port]);
  const listenHost = options.hostname ?? "127.0.0.1";
  const host = listenHost === "0.0.0.0" || listenHost === "::" ? "127.0.0.1" : listenHost;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${front.port}`;
  const baseUrl = `${origin}/v1`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      if (shutdownTimer !== undefined) clearTimeout(shutdownTimer);
      clearInterval(ticker);
      abort.abort();
      await front.close();
      await server.finished;
      await dispatcher.close();
      markFinished();
    })();
    return closed;
  };
  const sandbox: Sandbox = {
    baseUrl,
    adminUrl: `${origin}/_sandbox`,
    apiKey,
    apiSecret,
    authorization: `Basic ${btoa(`${apiKey}:${apiSecret}`)}`,
    port: front.port,
    get state() {
      return state;
    },
    get faults() {
      return formatFaults(injector.settings);
    },
    journal: (since) => journal.entries(since),
    clearJournal: () => journal.clear(),
    reset,
    advance,
    now: () => clock.now(),
    webhookDeliveries: (since) => dispatcher.deliveries(since),
    webhooksIdle: () => dispatcher.idle(),
    snapshot: () => snapshotSeed(state),
    setFaults: (f) => {
      injector.settings = toFaults(f);
    },
    exportLine: () => `export FIVETRAN_BASE_URL=${baseUrl} FIVETRAN_API_KEY=${apiKey} FIVETRAN_API_SECRET=${apiSecret}`,
    close,
    finished,
    [Symbol.asyncDispose]: close,
  };
  return sandbox;
}
