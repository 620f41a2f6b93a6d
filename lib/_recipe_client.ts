/**
 * A recipe's client, made on first use: the real one (credentials from the recipe's options or the environment,
 * the pacer, the log, the notices on stderr) or, under `--dry-run`, one that sends only reads.
 *
 * @module
 */

import type { Http1Agent } from "./client/_http1.ts";
import type { Atlas, AtlasOptions } from "./client/client.ts";
import type { HttpMethod } from "./client/errors.ts";
import type { RateLimitPacer, SpacingChange } from "./client/pacer.ts";
import { abortableSleep } from "./client/retry.ts";
import type { RequestLog } from "./log.ts";
import { maskSecrets } from "./mask.ts";
import type { Output } from "./output.ts";

/** The modules the runner loads once a run's flags are read (`lib/_run_deps.ts`). */
export type RunDeps = typeof import("./_run_deps.ts");

/** What {@link RecipeClient} needs. */
export interface RecipeClientInit {
  /** The client, config and pacer modules. */
  runDeps: RunDeps;
  /** The recipe's client options (tests give credentials here; they then skip the environment). */
  options: AtlasOptions;
  /** The `--profile` flag, read only when the client is made (a bad value then ends the run). */
  profile: () => string | undefined;
  /** Where notices go (and the secrets to scrub from them). */
  out: Output;
  /** The request log. */
  log: RequestLog;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The clock, for the notices. */
  now: () => number;
  /** `--dry-run`: only reads are sent. */
  dryRun: boolean;
}

/**
 * The client of one recipe run, made when first asked for, so that a run that sends nothing needs no
 * credentials.
 *
 * @example Make the client of a run
 * ```ts
 * import { RecipeClient } from "./_recipe_client.ts";
 * import { Output } from "./output.ts";
 * import { nullLog } from "./log.ts";
 * const clients = new RecipeClient({
 *   runDeps: await import("./_run_deps.ts"),
 *   options: { apiKey: "key", apiSecret: "secret" },
 *   profile: () => undefined,
 *   out: new Output(),
 *   log: nullLog(),
 *   signal: new AbortController().signal,
 *   now: Date.now,
 *   dryRun: false,
 * });
 * console.log(clients.client.baseUrl);
 * clients.close();
 * ```
 */
export class RecipeClient {
  #init: RecipeClientInit;
  #real: Atlas | undefined;
  #dry: Atlas | undefined;
  #pacer: RateLimitPacer | undefined;
  #agent: Http1Agent | undefined;

  /**
   * Creates the holder; nothing is made until {@link RecipeClient.client} is read.
   *
   * @param init The run's options, output, log and signal.
   */
  constructor(init: RecipeClientInit) {
    this.#init = init;
  }

  /** The client: the real one, or under `--dry-run` one that sends only reads and answers changes `DryRun`. */
  get client(): Atlas {
    return this.#init.dryRun ? (this.#dry ??= this.#dryClient()) : this.#realClient();
  }

  /** Closes the run's connections (its end). */
  close(): void {
    this.#agent?.close();
  }

  /** The rate-limit budget the API last reported; empty before any answer. */
  budget(): { limit?: number; remaining?: number } {
    const { limit, remaining } = this.#pacer?.budget ?? {};
    return { ...(limit !== undefined ? { limit } : {}), ...(remaining !== undefined ? { remaining } : {}) };
  }

  #realClient(): Atlas {
    if (this.#real) return this.#real;
    const { runDeps, options: given, out, log, signal, now } = this.#init;
    const profile = this.#init.profile();
    const config = given.apiKey && given.apiSecret
      ? { apiKey: given.apiKey, apiSecret: given.apiSecret, baseUrl: String(given.baseUrl ?? runDeps.baseUrlFromEnv()) }
      : runDeps.loadConfig(profile !== undefined ? { profile } : {});
    // The base64 key:secret (the Basic credential, and the form FIVETRAN_API_KEY may hold) is the secret too.
    const basic = runDeps.basicCredentials(config.apiKey, config.apiSecret);
    log.addSecrets(config.apiKey, config.apiSecret, basic);
    out.addSecrets(config.apiKey, config.apiSecret, basic);
    // The client's pacer, made here so that budget() can read what the API reports.
    this.#pacer = given.pacer === false ? undefined : given.pacer ??
      new runDeps.RateLimitPacer({
        sleep: given.sleep ?? abortableSleep,
        now: given.now ?? Date.now,
        onSpacing: (change) => out.warn(spacingLine(change)),
      });
    // The run's own HTTP/1.1 connections, closed when it ends (lib/client/_http1.ts): unless a proxy may be set.
    if (given.fetch === undefined) this.#agent = runDeps.Http1Agent.whenDirect();
    const client = runDeps.createAtlasOver(this.#agent, {
      logger: log.logger,
      onWarning: (m) => out.warn(m),
      onRetry: runDeps.noticePrinter((m) => out.warn(m), { now }),
      signal,
      ...given,
      ...(this.#pacer ? { pacer: this.#pacer } : {}),
      ...config,
    });
    return this.#real = readsStopAtOnce(client, signal);
  }

  #dryClient(): Atlas {
    const real = () => this.#realClient();
    const log = this.#init.log;
    return {
      get baseUrl() {
        return real().baseUrl;
      },
      request<T>(method: HttpMethod, endpoint: string, payload?: unknown, options?: object) {
        if (method === "GET") return real().request<T>(method, endpoint, payload, options);
        log.write("info", `dry-run: would send ${method} ${endpoint}`);
        return Promise.resolve({ code: "DryRun", message: "Not sent (--dry-run)", data: maskSecrets(payload) as T });
      },
      paginate: (endpoint, options) => real().paginate(endpoint, options),
    };
  }
}

/** One line saying why requests slow down (or that they no longer do). */
function spacingLine({ spacing, intervalMs, limit, remaining }: SpacingChange): string {
  if (!spacing) return `Rate limit: ${remaining} of ${limit} requests left again; requests go at full speed`;
  const apart = `${(intervalMs / 1000).toFixed(intervalMs < 10_000 ? 1 : 0)} s`;
  return `Rate limit: ${remaining} of ${limit} requests left in this window; spacing requests ${apart} apart until it refills`;
}

/**
 * The client with its reads ended by `signal` (Ctrl-C) even while on the wire, unless a request gives a signal
 * of its own. A change already sent is let finish: its outcome would be unknown (the client's own `signal`
 * still ends its waits).
 */
function readsStopAtOnce(client: Atlas, signal: AbortSignal): Atlas {
  return {
    baseUrl: client.baseUrl,
    request: (method, endpoint, payload, options = {}) =>
      client.request(method, endpoint, payload, method === "GET" && !options.signal ? { ...options, signal } : options),
    paginate: (endpoint, options = {}) => client.paginate(endpoint, options.signal ? options : { ...options, signal }),
  };
}
