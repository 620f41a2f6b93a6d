/**
 * Configuration from the environment: credentials and base URL.
 *
 * `FIVETRAN_API_KEY` and `FIVETRAN_API_SECRET` win; otherwise `FIVETRAN_CONFIG` may name a JSON file shaped
 * like the original framework's `{"fivetran": {"api_key": "...", "api_secret": "..."}}`. `FIVETRAN_BASE_URL`
 * defaults to `https://api.fivetran.com/v1`.
 *
 * Several accounts: the same file may hold a `profiles` map next to (or instead of) the `fivetran` section,
 * `{"profiles": {"prod": {"api_key": "...", "api_secret": "..."}, "sandbox": {..., "base_url": "http://127.0.0.1:8787/v1"}}}`;
 * `--profile NAME` or `FIVETRAN_PROFILE` picks one, and then it wins over the credential variables (its credentials
 * go to its own `base_url`, or else to Fivetran's API, never to `FIVETRAN_BASE_URL`). And
 * `FIVETRAN_API_KEY` (or `api_key`) may hold the base64 `key:secret` form that Fivetran's UI offers, with no secret.
 *
 * @module
 */

import { ConfigError } from "./_config_error.ts";
import { readSmallTextFile } from "./_read_file.ts";

export { ConfigError };

/**
 * The real API's base URL.
 *
 * @example Use DEFAULT_BASE_URL
 * ```ts
 * import { DEFAULT_BASE_URL } from "./config.ts";
 * console.log(DEFAULT_BASE_URL); // "https://api.fivetran.com/v1"
 * ```
 */
export const DEFAULT_BASE_URL = "https://api.fivetran.com/v1";

/**
 * The environment variables the toolkit reads.
 *
 * @example Use ENV_VARS
 * ```ts
 * import { ENV_VARS } from "./config.ts";
 * const flag = `--allow-env=${ENV_VARS.join(",")}`;
 * ```
 */
export const ENV_VARS = [
  "FIVETRAN_API_KEY",
  "FIVETRAN_API_SECRET",
  "FIVETRAN_BASE_URL",
  "FIVETRAN_CONFIG",
  "FIVETRAN_PROFILE",
  "FIVETRAN_LOG_FILE",
  "NO_COLOR",
] as const;

/** Resolved connection settings. */
export interface AtlasConfig {
  /** Fivetran API key. */
  apiKey: string;
  /** Fivetran API secret. */
  apiSecret: string;
  /** Base URL, e.g. `https://api.fivetran.com/v1`. */
  baseUrl: string;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Where variables come from; tests pass a plain object.
   *
   * @default {Deno.env}
   */
  env?: Record<string, string | undefined> | { get(name: string): string | undefined };
  /**
   * Reads the `FIVETRAN_CONFIG` file.
   *
   * @default {a reader that refuses anything but a regular file of at most 1 MiB}
   */
  readTextFile?: (path: string) => string;
  /**
   * A named account of the `FIVETRAN_CONFIG` file's `profiles` map (what `--profile NAME` gives).
   *
   * @default {the FIVETRAN_PROFILE variable; unset: no profile}
   */
  profile?: string;
}

/**
 * Reads credentials and base URL from the environment (and the optional `FIVETRAN_CONFIG` file).
 *
 * @throws {ConfigError} when credentials are missing, the config file is unreadable or malformed, or the base
 * URL is not an http(s) URL (plain http only to a loopback host, so secrets never cross a network in clear).
 *
 * @example Load from the environment
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const config = loadConfig({ env: { FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s" } });
 * console.log(config.baseUrl); // https://api.fivetran.com/v1
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): AtlasConfig {
  const { env = Deno.env, readTextFile = readSmallTextFile } = options;
  const get = (name: string): string | undefined => {
    const value = typeof env.get === "function"
      ? (env as { get(name: string): string | undefined }).get(name)
      : (env as Record<string, string | undefined>)[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  let apiKey = get("FIVETRAN_API_KEY");
  let apiSecret = get("FIVETRAN_API_SECRET");
  const file = get("FIVETRAN_CONFIG");
  const profile = options.profile ?? readOptional(get, "FIVETRAN_PROFILE");
  if (profile !== undefined) {
    // A named account wins over the credential variables: it was asked for by name.
    // Its credentials go only to its own base_url, or Fivetran's API: never to a FIVETRAN_BASE_URL meant for the
    // variables' account (a sandbox's exported address, say).
    const chosen = readProfile(profile, file, readTextFile);
    const baseUrl = chosen.baseUrl === undefined
      ? DEFAULT_BASE_URL
      : checkUrl(chosen.baseUrl, `"base_url" of profile '${profile}'`);
    return { apiKey: chosen.apiKey, apiSecret: chosen.apiSecret, baseUrl };
  }
  [apiKey, apiSecret] = splitCombinedKey(apiKey, apiSecret);
  if ((!apiKey || !apiSecret) && file) {
    const fromFile = readConfigFile(file, readTextFile);
    [fromFile.apiKey, fromFile.apiSecret] = splitCombinedKey(fromFile.apiKey, fromFile.apiSecret);
    apiKey ??= fromFile.apiKey;
    apiSecret ??= fromFile.apiSecret;
  }
  if (!apiKey || !apiSecret) {
    const missing = [!apiKey && "FIVETRAN_API_KEY", !apiSecret && "FIVETRAN_API_SECRET"].filter(Boolean);
    throw new ConfigError(
      `Missing Fivetran credentials: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET (not set: ${
        missing.join(", ")
      }), FIVETRAN_API_KEY alone to the base64 key:secret form, or FIVETRAN_CONFIG to a JSON file`,
    );
  }
  return { apiKey, apiSecret, baseUrl: checkBaseUrl(get("FIVETRAN_BASE_URL") ?? DEFAULT_BASE_URL) };
}

/**
 * Checks a base URL: http(s), no credentials or query in it, plain http only to a loopback host.
 *
 * @example Normalise a base URL
 * ```ts
 * import { checkBaseUrl } from "./config.ts";
 * checkBaseUrl("https://api.fivetran.com/v1/"); // "https://api.fivetran.com/v1"
 * ```
 */
export function checkBaseUrl(value: string): string {
  return checkUrl(value, "FIVETRAN_BASE_URL");
}

/** A URL as an error message may show it: no user or password part, at most 200 characters. */
function shownUrl(value: string): string {
  const text = value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/.*@/s, "$1//***@");
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function checkUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`Expected ${source} to be a URL like ${DEFAULT_BASE_URL}, got '${shownUrl(value)}'`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`Expected ${source} to use https, got '${url.protocol}'`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(`Expected ${source} without credentials, query or fragment`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new ConfigError(`Expected ${source} to use https for a non-loopback host, got '${url.origin}'`);
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * The base URL from `FIVETRAN_BASE_URL`, or the default when it is unset or the environment cannot be read.
 *
 * @example Read the base URL
 * ```ts
 * import { baseUrlFromEnv } from "./config.ts";
 * console.log(baseUrlFromEnv());
 * ```
 */
export function baseUrlFromEnv(): string {
  let value: string | undefined;
  try {
    value = Deno.env.get("FIVETRAN_BASE_URL")?.trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
  }
  return checkBaseUrl(value || DEFAULT_BASE_URL);
}

/**
 * Whether a host name is this machine: `localhost`, `::1` (bracketed or not, as in a URL's `hostname`) or an
 * address `127.x.y.z`. The whole name must match: `127.0.0.1.nip.io` is another machine.
 *
 * @param host A host name, e.g. `new URL(baseUrl).hostname`, or an address to listen on.
 * @returns `true` for a loopback host.
 *
 * @example Tell the sandbox from a real account
 * ```ts
 * import { isLoopback } from "./config.ts";
 * console.log(isLoopback(new URL("http://127.0.0.1:8787/v1").hostname)); // true
 * console.log(isLoopback("127.0.0.1.nip.io")); // false
 * ```
 */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function readConfigFile(
  path: string,
  readTextFile: (path: string) => string,
): { apiKey?: string; apiSecret?: string } {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(`Cannot read FIVETRAN_CONFIG file '${path}': ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`Expected FIVETRAN_CONFIG file '${path}' to hold JSON, it does not parse`);
  }
  const section = (parsed as { fivetran?: Record<string, unknown> })?.fivetran;
  if (!section || typeof section !== "object") {
    throw new ConfigError(
      `Expected FIVETRAN_CONFIG file '${path}' to look like {"fivetran": {"api_key": "...", "api_secret": "..."}}`,
    );
  }
  const pick = (field: string) => {
    const v = section[field];
    if (v !== undefined && v !== null && typeof v !== "string") {
      throw new ConfigError(
        `Expected "${field}" in FIVETRAN_CONFIG file '${path}' to be a string, got ${
          Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`
        }`,
      );
    }
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  return { apiKey: pick("api_key"), apiSecret: pick("api_secret") };
}

/** Reads an optional variable; a missing `--allow-env` permission for it reads as unset. */
function readOptional(get: (name: string) => string | undefined, name: string): string | undefined {
  try {
    return get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    throw error;
  }
}

/**
 * The key and secret, given the base64 `key:secret` form in the key and no secret (as Fivetran's UI and official
 * CLI offer it); anything else as it is.
 */
function splitCombinedKey(
  key: string | undefined,
  secret: string | undefined,
): [string | undefined, string | undefined] {
  if (key === undefined || secret !== undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return [key, secret];
  let decoded: string;
  try {
    decoded = atob(key);
  } catch {
    return [key, secret];
  }
  const m = decoded.match(/^([\x21-\x39\x3b-\x7e]+):([\x21-\x7e]+)$/);
  return m ? [m[1], m[2]] : [key, secret];
}

/** A profile name: letters, digits, `_`, `-` and `.`. */
const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function readProfile(
  name: string,
  file: string | undefined,
  readTextFile: (path: string) => string,
): { apiKey: string; apiSecret: string; baseUrl?: string } {
  if (!PROFILE_NAME.test(name)) {
    throw new ConfigError(`Expected the profile name to be letters, digits, _ - . only, got '${name.slice(0, 60)}'`);
  }
  if (!file) {
    throw new ConfigError(`Profile '${name}' asked for, but FIVETRAN_CONFIG does not name a config file`);
  }
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(`Cannot read FIVETRAN_CONFIG file '${file}': ${(error as Error).message.split("\n")[0]}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`Expected FIVETRAN_CONFIG file '${file}' to hold JSON, it does not parse`);
  }
  const profiles = (parsed as { profiles?: unknown })?.profiles;
  if (!profiles || typeof profiles !== "object" || Array.isArray(profiles)) {
    throw new ConfigError(
      `Profile '${name}' asked for, but FIVETRAN_CONFIG file '${file}' has no "profiles" map ({"profiles": {"${name}": {"api_key": "...", "api_secret": "..."}}})`,
    );
  }
  const entry = Object.hasOwn(profiles, name) ? (profiles as Record<string, unknown>)[name] : undefined;
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
    const names = Object.keys(profiles).filter((n) => PROFILE_NAME.test(n));
    throw new ConfigError(
      `No profile '${name}' in FIVETRAN_CONFIG file '${file}'; profiles: ${names.slice(0, 20).join(", ") || "none"}`,
    );
  }
  const field = (key: string): string | undefined => {
    const v = (entry as Record<string, unknown>)[key];
    if (v !== undefined && v !== null && typeof v !== "string") {
      throw new ConfigError(`Expected "${key}" of profile '${name}' to be a string, got ${typeof v}`);
    }
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const [apiKey, apiSecret] = splitCombinedKey(field("api_key"), field("api_secret"));
  if (!apiKey || !apiSecret) {
    const missing = [!apiKey && "api_key", !apiSecret && "api_secret"].filter(Boolean).join(", ");
    throw new ConfigError(`Profile '${name}' in FIVETRAN_CONFIG file '${file}' lacks ${missing}`);
  }
  const baseUrl = field("base_url");
  return { apiKey, apiSecret, ...(baseUrl ? { baseUrl } : {}) };
}
