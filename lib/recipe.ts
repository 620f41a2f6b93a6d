/**
 * The recipe runner: flags, `--help`, `--json`, `--dry-run`, `--yes`, exit codes and one-line errors, shared
 * by every script in `recipes/`.
 *
 * Exit codes: 0 done; 1 the API or the network failed, or a stated expectation was not met; 2 bad usage or
 * bad input (flags, credentials, files, permissions); 130 interrupted.
 *
 * @module
 */

import { ConfigError } from "./_config_error.ts";
import { parseFlags } from "./args.ts";
import type { Atlas, AtlasOptions } from "./client/client.ts";
import { RecipeClient, type RunDeps } from "./_recipe_client.ts";
import type { Envelope } from "./client/envelope.ts";
import { AtlasError, type HttpMethod } from "./client/errors.ts";
import type { RequestLog } from "./log.ts";
import { Output } from "./output.ts";
import { abortableSleep } from "./client/retry.ts";
import { readSmallTextFile } from "./_read_file.ts";
import { firstLine } from "./_text.ts";
import { type Column, renderTable, TableRows } from "./table.ts";

/**
 * Exit code: done.
 *
 * @example Use EXIT_OK
 * ```ts
 * import { EXIT_OK } from "./recipe.ts";
 * Deno.exitCode = EXIT_OK;
 * ```
 */
export const EXIT_OK = 0;
/**
 * Exit code: the API or the network failed, or an expectation was not met.
 *
 * @example Use EXIT_FAILED
 * ```ts
 * import { EXIT_FAILED } from "./recipe.ts";
 * Deno.exitCode = EXIT_FAILED;
 * ```
 */
export const EXIT_FAILED = 1;
/**
 * Exit code: bad usage or bad input.
 *
 * @example Use EXIT_USAGE
 * ```ts
 * import { EXIT_USAGE } from "./recipe.ts";
 * Deno.exitCode = EXIT_USAGE;
 * ```
 */
export const EXIT_USAGE = 2;
/**
 * Exit code: interrupted (Ctrl-C).
 *
 * @example Use EXIT_INTERRUPTED
 * ```ts
 * import { EXIT_INTERRUPTED } from "./recipe.ts";
 * Deno.exitCode = EXIT_INTERRUPTED;
 * ```
 */
export const EXIT_INTERRUPTED = 130;

/**
 * Bad usage or bad input; the runner prints its one-line message and exits 2.
 *
 * @example Reject a flag value
 * ```ts
 * import { UsageError } from "./recipe.ts";
 * throw new UsageError("Expected --limit to be from 1 to 1000, got 0");
 * ```
 */
export class UsageError extends Error {
  /**
   * Creates the error.
   *
   * @param message One line saying what was expected and what was seen.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A stated expectation was not met (e.g. `--expect connected`); the runner prints it and exits 1.
 *
 * @example Fail an expectation
 * ```ts
 * import { ExpectationError } from "./recipe.ts";
 * throw new ExpectationError("Expected setup state connected, got broken");
 * ```
 */
export class ExpectationError extends Error {
  /**
   * Creates the error.
   *
   * @param message One line.
   */
  constructor(message: string) {
    super(message);
    this.name = "ExpectationError";
  }
}

/**
 * The run was interrupted (Ctrl-C); the runner prints where it stopped and exits 130.
 *
 * @example Stop on interrupt
 * ```ts
 * import { Interrupted } from "./recipe.ts";
 * throw new Interrupted("Interrupted after 10 of 20 connections");
 * ```
 */
export class Interrupted extends Error {
  /**
   * Creates the error.
   *
   * @param message Where the run stopped.
   */
  constructor(message = "Interrupted") {
    super(message);
    this.name = "Interrupted";
  }
}

/** One flag of a recipe. */
export interface FlagSpec {
  /** `string` takes a value; `boolean` does not. */
  type: "string" | "boolean";
  /** One line for `--help`. */
  description: string;
  /** May be repeated (values collected in a list). */
  multiple?: boolean;
  /** Must be given. */
  required?: boolean;
  /** Name of the value in `--help`, e.g. `ID`. */
  valueName?: string;
  /** One-letter alias. */
  short?: string;
}

/** The parsed flags: string, boolean or list of strings per flag name (kebab-case, as typed). */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** What a recipe's `run` receives. */
export interface RecipeContext {
  /** Parsed flags; `--connector-id` is already folded into `connection-id`. */
  readonly flags: Flags;
  /** The client (created on first use; missing credentials end the run with exit 2). In `--dry-run`, only GETs are sent. */
  readonly client: Atlas;
  /** Where lines go. */
  readonly out: Output;
  /** The rotating file log (requests are logged by the client; log actions here). */
  readonly log: RequestLog;
  /** `--dry-run` was given. */
  readonly dryRun: boolean;
  /** `--json` was given. */
  readonly json: boolean;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** Sleeps (injectable for tests). */
  sleep(ms: number): Promise<void>;
  /** The rate-limit budget the API last reported (`X-Rate-Limit`, `X-Rate-Limit-Remaining`); empty before any answer. */
  budget(): { limit?: number; remaining?: number };
  /** The clock in epoch milliseconds (injectable for tests). */
  now(): number;
  /** Reads an environment variable (undefined when unset or not permitted). */
  env(name: string): string | undefined;
  /** A string flag's value, checked non-empty. Throws {@link UsageError} when required and missing. */
  string(name: string, options?: { required?: boolean }): string | undefined;
  /** A repeatable flag's values (empty list when absent). */
  list(name: string): string[];
  /** A Fivetran ID flag, checked: letters, digits, `_`, `-`, `.` only. */
  id(name: string, options?: { required?: boolean }): string | undefined;
  /** A repeatable Fivetran ID flag's values, each checked like {@link RecipeContext.id}. */
  ids(name: string): string[];
  /** Reads and parses a JSON file; bad files are a {@link UsageError}. */
  readJson(path: string, what: string): unknown;
  /** Reads a secret from a file (trailing newline removed) and registers it for scrubbing. */
  readSecret(path: string, what: string): string;
  /** Registers strings that must never be printed or logged. */
  addSecrets(...secrets: (string | undefined)[]): void;
  /** Asks for consent to a destructive action: `--yes`, or a terminal prompt; otherwise a {@link UsageError}. */
  confirm(question: string): Promise<void>;
  /**
   * Prints rows as a table ({@link renderTable}), its header coloured as stdout is and fitted to the terminal's
   * width ({@link Output.width}; full width in `--json` or when stdout is not a terminal). Rows gathered page
   * by page come as a {@link TableRows}, which holds its columns.
   */
  table<T>(rows: readonly T[], columns: readonly Column<T>[]): void;
  /** Prints a {@link TableRows} as {@link RecipeContext.table} prints rows. */
  table<T>(rows: TableRows<T>): void;
  /** Prints `Call:`, sends (or, in `--dry-run`, only prints) the request, prints `Response:`; returns the envelope. */
  call<T = unknown>(method: HttpMethod, endpoint: string, payload?: unknown): Promise<Envelope<T>>;
}

/** Describes a recipe. */
export interface RecipeSpec {
  /** File name, e.g. `pause.ts`. */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** More lines for `--help`. */
  description?: string;
  /** Example command lines (at least one). */
  examples: string[];
  /** The recipe's own flags (common flags are added). */
  flags: Record<string, FlagSpec>;
  /** Changes state: adds `--dry-run`. */
  mutates?: boolean;
  /** Destructive: adds `--yes`. */
  destructive?: boolean;
  /** Environment variables beyond the common ones, with a description. */
  env?: Record<string, string>;
  /** Permissions the recipe needs, for `--help` (the shebang names them too). */
  permissions?: string;
  /** The work; resolves to an exit code (default 0). */
  run(ctx: RecipeContext): Promise<number | void>;
}

/** What tests (and `runMain`) can inject into a recipe run. */
export interface RecipeDeps {
  /** Receives stdout lines (default: console.log). */
  stdout?: (line: string) => void;
  /** Receives stderr lines (default: console.error). */
  stderr?: (line: string) => void;
  /** The log; default from `FIVETRAN_LOG_FILE`. */
  log?: RequestLog;
  /** Client options (credentials, base URL, fetch, retries, timeouts...); credentials here skip the environment. */
  clientOptions?: AtlasOptions;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** Sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock. */
  now?: () => number;
  /** The width tables must fit, as if stdout were a terminal this wide (default: the terminal's, if it is one). */
  columns?: number;
  /** Whether stdin is a terminal (for consent prompts). */
  isTerminal?: () => boolean;
  /** Asks a question on the terminal; `null` when there is no answer. */
  prompt?: (question: string) => string | null;
}

/** A recipe's entry point: resolves to its exit code. */
export type RecipeMain = (args: string[], deps?: RecipeDeps) => Promise<number>;

const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h", description: "Show this help and exit" },
  json: { type: "boolean", description: "Print only machine-readable JSON on stdout" },
  profile: {
    type: "string",
    valueName: "NAME",
    description: "Use the named account of the FIVETRAN_CONFIG file's profiles (default FIVETRAN_PROFILE)",
  },
};

/**
 * What a Fivetran ID may look like: letters, digits, `_`, `-` and `.` (so it can never climb a path).
 *
 * @example Use ID_PATTERN
 * ```ts
 * import { ID_PATTERN } from "./recipe.ts";
 * ID_PATTERN.test("decent_dropsy"); // true
 * ID_PATTERN.test("../x"); // false
 * ```
 */
export const ID_PATTERN: RegExp = /^[A-Za-z0-9_.-]{1,200}$/;

function checkId(flag: string, value: string): string {
  if (!ID_PATTERN.test(value)) {
    throw new UsageError(
      `Expected --${flag} to be a Fivetran ID (letters, digits, _ - .), got '${value.slice(0, 60)}'`,
    );
  }
  return value;
}

function allFlags(spec: RecipeSpec): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = { ...spec.flags, ...COMMON_FLAGS };
  if (spec.mutates) {
    flags["dry-run"] = {
      type: "boolean",
      description: "Print the requests it would send (secrets masked); send nothing",
    };
  }
  if (spec.destructive) flags.yes = { type: "boolean", short: "y", description: "Do it without asking" };
  if (spec.flags["connection-id"]) {
    flags["connector-id"] = { ...spec.flags["connection-id"], description: "Same as --connection-id", required: false };
  }
  return flags;
}

/**
 * The `--help` text of a recipe.
 *
 * @example Show a recipe's help
 * ```ts
 * import { formatHelp } from "./recipe.ts";
 * console.log(formatHelp({ name: "x.ts", summary: "Does x", examples: ["deno run -P recipes/x.ts"], flags: {}, run: async () => {} }));
 * ```
 */
export function formatHelp(spec: RecipeSpec): string {
  const flags = allFlags(spec);
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${
      f.type === "string" ? ` ${f.valueName ?? "VALUE"}` : ""
    }`;
    const notes = [f.required ? "required" : "", f.multiple ? "repeatable" : ""].filter(Boolean).join(", ");
    return `  ${left.padEnd(34)} ${f.description}${notes ? ` (${notes})` : ""}`;
  });
  const env = {
    FIVETRAN_API_KEY: "API key (required, or FIVETRAN_CONFIG)",
    FIVETRAN_API_SECRET: "API secret (required, or FIVETRAN_CONFIG)",
    FIVETRAN_BASE_URL: "API base URL (default https://api.fivetran.com/v1; the sandbox prints its own)",
    FIVETRAN_CONFIG: 'JSON file {"fivetran": {"api_key": "...", "api_secret": "..."}, "profiles": {"NAME": {...}}}',
    FIVETRAN_PROFILE: "Profile of the FIVETRAN_CONFIG file to use (as --profile)",
    FIVETRAN_LOG_FILE: "Rotating log file (default logs/fivetran.log; 'off' to disable)",
    NO_COLOR: "Plain output when set",
    ...spec.env,
  };
  const envRows = Object.entries(env).map(([k, v]) => `  ${k.padEnd(34)} ${v}`);
  return [
    `${spec.name} — ${spec.summary}`,
    ...(spec.description ? ["", spec.description] : []),
    "",
    "Flags:",
    ...rows,
    "",
    "Example:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    "Environment:",
    ...envRows,
    "",
    `Exit codes: 0 done, 1 API/network failure or expectation not met, 2 bad usage or input, 130 interrupted.${
      spec.permissions ? `\nPermissions: ${spec.permissions}` : ""
    }`,
  ].join("\n");
}

/**
 * Defines a recipe and returns its `main(args, deps?)`, which never throws: it prints one line on failure
 * and resolves to the exit code.
 *
 * @example A minimal recipe
 * ```ts
 * import { defineRecipe } from "./recipe.ts";
 * export const main = defineRecipe({
 *   name: "account.ts",
 *   summary: "Show the account",
 *   examples: ["deno run -P recipes/account.ts"],
 *   flags: {},
 *   async run(ctx) {
 *     const response = await ctx.call("GET", "account/info");
 *     ctx.out.detail(JSON.stringify(response.data));
 *   },
 * });
 * ```
 */
export function defineRecipe(spec: RecipeSpec): RecipeMain {
  return async (args: string[], deps: RecipeDeps = {}): Promise<number> => {
    const wantsJson = args.includes("--json");
    const out = new Output({
      json: wantsJson,
      ...(deps.columns !== undefined && !wantsJson ? { width: deps.columns } : {}),
      ...(deps.stdout ? { stdout: deps.stdout } : {}),
      ...(deps.stderr ? { stderr: deps.stderr } : {}),
    });
    let log: RequestLog | undefined;
    let clients: RecipeClient | undefined;
    try {
      const flags = readFlags(spec, args);
      if (flags.help) {
        out.line(formatHelp(spec));
        return EXIT_OK;
      }
      // The client, its config and the log load only now: --help and usage errors start without them.
      const runDeps = await import("./_run_deps.ts");
      // A log that cannot be written (a folder, a full disk) is reported once; the work goes on.
      log = deps.log ?? runDeps.openLogFromEnv({ onError: (m) => out.warn(m) });
      const run = recipeContext({ flags, deps, out, log, runDeps });
      clients = run.clients;
      const code = await spec.run(run.ctx);
      return code ?? EXIT_OK;
    } catch (error) {
      const { code, message } = classify(error);
      out.error(message);
      log?.write(code === EXIT_USAGE ? "warn" : "error", `${spec.name}: ${message}`);
      return code;
    } finally {
      clients?.close();
      if (!deps.log) log?.close();
    }
  };
}

/** The flags of a run, checked: unknown flags, `--connector-id` folded into `--connection-id`, required ones. */
function readFlags(spec: RecipeSpec, args: string[]): Flags {
  const known = Object.entries(allFlags(spec)).map(([name, f]) => [
    name,
    { type: f.type, multiple: f.multiple ?? false, ...(f.short ? { short: f.short } : {}) },
  ]);
  let parsed;
  try {
    parsed = parseFlags(args, Object.fromEntries(known));
  } catch (error) {
    // One line that names the flag; parseFlags never repeats a stray value (it may be a misplaced secret).
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  const flags: Flags = { ...parsed.values } as Flags;
  if (flags.help) return flags;
  if (flags["connector-id"] !== undefined) {
    if (flags["connection-id"] !== undefined) {
      throw new UsageError("Expected one of --connection-id or --connector-id, got both");
    }
    flags["connection-id"] = flags["connector-id"];
    delete flags["connector-id"];
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.required && (flags[name] === undefined || (Array.isArray(flags[name]) && flags[name].length === 0))) {
      throw new UsageError(`Missing --${name} (see --help)`);
    }
  }
  return flags;
}

/** What {@link recipeContext} builds a run's context from. */
interface ContextParts {
  flags: Flags;
  deps: RecipeDeps;
  out: Output;
  log: RequestLog;
  runDeps: RunDeps;
}

/** The context a recipe's `run` receives, and the run's client (closed when the run ends). */
function recipeContext(
  { flags, deps, out, log, runDeps }: ContextParts,
): { ctx: RecipeContext; clients: RecipeClient } {
  const dryRun = flags["dry-run"] === true;
  const signal = deps.signal ?? new AbortController().signal;
  const sleep = deps.sleep ?? abortableSleep;
  const now = deps.now ?? Date.now;
  const read = flagReaders(flags);
  const clients = new RecipeClient({
    runDeps,
    options: deps.clientOptions ?? {},
    profile: () => read.string("profile"),
    out,
    log,
    signal,
    now,
    dryRun,
  });
  const addSecrets = (...more: (string | undefined)[]) => {
    out.addSecrets(...more);
    log.addSecrets(...more);
  };
  const ctx: RecipeContext = {
    flags,
    get client() {
      return clients.client;
    },
    out,
    log,
    dryRun,
    json: flags.json === true,
    signal,
    sleep: (ms) => sleep(ms, signal),
    budget: () => clients.budget(),
    now,
    env: readEnv,
    ...read,
    readJson: (path, what) => readJsonFile(path, what),
    readSecret: (path, what) => {
      const secret = readText(path, what).replace(/\r?\n$/, "");
      if (secret.trim() === "") throw new UsageError(`Expected ${what} file '${path}' to hold a value, it is empty`);
      addSecrets(secret);
      return secret;
    },
    addSecrets,
    confirm: (question) => confirm(question, { given: flags.yes === true || dryRun, deps }),
    table<T>(rows: readonly T[] | TableRows<T>, columns?: readonly Column<T>[]) {
      const options = { colour: out.colour, maxWidth: out.width };
      // A long table is printed as it is drawn, in pieces, rather than held whole.
      if (rows instanceof TableRows) rows.write((text) => out.line(text), options);
      else out.line(renderTable(rows, columns ?? [], options));
    },
    call: async <T>(method: HttpMethod, endpoint: string, payload?: unknown) => {
      const client = ctx.client; // created first: no Call: line for a request that cannot be sent
      out.call(method, endpoint, payload);
      const response = await client.request<T>(method, endpoint, payload);
      out.response(response.code);
      return response;
    },
  };
  return { ctx, clients };
}

/** The flag readers of {@link RecipeContext}: `string`, `list`, `id` and `ids`. */
function flagReaders(flags: Flags): Pick<RecipeContext, "string" | "list" | "id" | "ids"> {
  const string = (name: string, options: { required?: boolean } = {}) => {
    const v = flags[name];
    if (v === undefined) {
      if (options.required) throw new UsageError(`Missing --${name} (see --help)`);
      return undefined;
    }
    if (typeof v !== "string" || v.trim() === "") {
      throw new UsageError(`Expected --${name} to have a value, got '${String(v)}'`);
    }
    return v.trim();
  };
  const list = (name: string) => {
    const v = flags[name];
    const values = v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
    for (const value of values) {
      if (value.trim() === "") throw new UsageError(`Expected --${name} to have a value, got ''`);
    }
    return values.map((value) => value.trim());
  };
  return {
    string,
    list,
    id: (name, options = {}) => {
      const v = string(name, options);
      if (v !== undefined) checkId(name, v);
      return v;
    },
    ids: (name) => list(name).map((v) => checkId(name, v)),
  };
}

/** An environment variable; `undefined` when unset, empty or not permitted. */
function readEnv(name: string): string | undefined {
  try {
    const v = Deno.env.get(name);
    return v === undefined || v === "" ? undefined : v;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    throw error;
  }
}

/** Consent: given (`--yes`, or `--dry-run`, which changes nothing), or asked on a terminal; else a UsageError. */
async function confirm(question: string, { given, deps }: { given: boolean; deps: RecipeDeps }): Promise<void> {
  if (given) return;
  const isTerminal = deps.isTerminal ?? (() => Deno.stdin.isTerminal());
  if (!isTerminal()) {
    throw new UsageError(`Refusing without consent: ${question} Add --yes (stdin is not a terminal)`);
  }
  const ask = deps.prompt ?? ((q: string) => prompt(q));
  const answer = await Promise.resolve(ask(`${question} [y/N]`));
  if (!answer || !/^y(es)?$/i.test(answer.trim())) throw new UsageError("Not confirmed; nothing was changed");
}

function classify(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError || error instanceof ConfigError) return { code: EXIT_USAGE, message: error.message };
  if (error instanceof ExpectationError) return { code: EXIT_FAILED, message: error.message };
  if (error instanceof Interrupted) return { code: EXIT_INTERRUPTED, message: error.message };
  if (error instanceof AtlasError) {
    if (error.kind === "aborted") return { code: EXIT_INTERRUPTED, message: "Interrupted" };
    return { code: EXIT_FAILED, message: error.message };
  }
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return { code: EXIT_USAGE, message: permissionMessage(error) };
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    return { code: EXIT_USAGE, message: firstLine(error) };
  }
  return { code: EXIT_FAILED, message: `Unexpected error: ${firstLine(error)}` };
}

/**
 * One line for a missing permission, naming the flag to add.
 *
 * @example Explain a missing permission
 * ```ts
 * import { permissionMessage } from "./recipe.ts";
 * permissionMessage(new Deno.errors.NotCapable('Requires net access to "api.fivetran.com:443", run again with the --allow-net flag'));
 * ```
 */
export function permissionMessage(error: Error): string {
  const text = firstLine(error);
  const flag = text.match(/--allow-[a-z-]+/)?.[0];
  const what = text.match(/Requires (\w+) access(?: to "?([^",]+)"?)?/);
  const target = what ? `${what[1]} access${what[2] ? ` to ${what[2]}` : ""}` : text;
  return `Missing permission: ${target}. Run again with ${
    flag ?? "the matching --allow-* flag"
  } (or use the shebang / deno run -P)`;
}

function readText(path: string, what: string): string {
  if (!path) throw new UsageError(`Expected a path for the ${what} file, got ''`);
  try {
    return readSmallTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`Cannot read ${what} file '${path}': ${firstLine(error)}`);
  }
}

function readJsonFile(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Expected ${what} file '${path}' to hold JSON: ${firstLine(error)}`);
  }
}

const lastWords = new Set<() => string>();

/**
 * Registers a line that {@link runMain} prints if a second Ctrl-C ends the process at once (the first one
 * stops the work and lets it print its summary; the second does not wait for that). A bulk run registers its
 * one-line count here while it runs. Returns the function that unregisters it.
 *
 * @example Say how far a long loop got, even on a second Ctrl-C
 * ```ts
 * import { atForcedExit } from "./recipe.ts";
 * let done = 0;
 * const unregister = atForcedExit(() => `Stopped at once: ${done} of 10 done`);
 * for (; done < 10; done++) {
 *   // ... work ...
 * }
 * unregister();
 * ```
 */
export function atForcedExit(line: () => string): () => void {
  lastWords.add(line);
  return () => lastWords.delete(line);
}

/**
 * Runs a recipe as a program: wires Ctrl-C to an abort signal (a second Ctrl-C exits at once, printing the lines
 * registered with {@link atForcedExit}) and exits with the recipe's code.
 *
 * @example The last line of a recipe
 * ```ts
 * import { defineRecipe, runMain } from "./recipe.ts";
 * export const main = defineRecipe({ name: "x.ts", summary: "x", examples: [], flags: {}, run: async () => {} });
 * if (import.meta.main) await runMain(main);
 * ```
 */
export async function runMain(main: RecipeMain): Promise<never> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) {
      // The second Ctrl-C: no waiting for anything, but still one line saying what was done.
      const out = new Output();
      for (const line of lastWords) {
        try {
          out.warn(line());
        } catch {
          // a line that cannot be made is not worth a stack trace at exit
        }
      }
      Deno.exit(EXIT_INTERRUPTED);
    }
    controller.abort(new Interrupted());
  };
  try {
    Deno.addSignalListener("SIGINT", onInterrupt);
  } catch {
    // Signals are not available (e.g. on some platforms); Ctrl-C then ends the process at once.
  }
  const code = await main(Deno.args, { signal: controller.signal });
  Deno.exit(code);
}
