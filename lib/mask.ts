/**
 * Masking of secrets before anything is printed or logged.
 *
 * Two rules, either one masks: the key's name (password, secret, token, ...), and Fivetran's OpenAPI definition,
 * which marks 156 property names `format: password` across its services' configs. Inside an object that names
 * its `service` (a create body, a connection or destination read back), the definition's names of that service
 * apply; elsewhere (an update's config, a bare config) the names of every service do. A value that is one of the
 * definition's enum members for its key (`"auth": "PASSWORD"`, an authentication method) is not a secret.
 *
 * @module
 */
import { SPEC_ENUM_VALUES, SPEC_SECRET_NAMES, SPEC_SERVICE_SECRET_NAMES_TEXT } from "./spec/generated/secret_names.ts";

/**
 * What a masked value is replaced with (the same string Fivetran uses on GET).
 *
 * @example Use MASK
 * ```ts
 * import { MASK } from "./mask.ts";
 * const shown = { password: MASK };
 * ```
 */
export const MASK = "******";

const SPEC_NAMES: ReadonlySet<string> = new Set(SPEC_SECRET_NAMES);
let serviceNames: Map<string, ReadonlySet<string>> | undefined;

/** The spec's password names of `service`'s config, or every service's when the service is not known. */
function specNamesFor(service: string | undefined): ReadonlySet<string> {
  if (service === undefined) return SPEC_NAMES;
  serviceNames ??= new Map(
    SPEC_SERVICE_SECRET_NAMES_TEXT.split(";").map((entry) => {
      const [name, fields] = entry.split(":");
      return [name, new Set(fields.split(","))] as const;
    }),
  );
  return serviceNames.get(service) ?? SPEC_NAMES;
}

const SECRET_KEY =
  /(pass(word|wd|phrase)?$|^pwd$|secret|private[_-]?key|token|api[_-]?key|access[_-]?key|credential|authorization|^auth$|signing[_-]?key|client[_-]?secret|ssh[_-]?key|service[_-]?account[_-]?key|^key$)/i;

/**
 * Whether a key names a secret by today's name rules alone (password, secret, private_key, token, api_key, ...),
 * without the definition's `format: password` fields; {@link isSecretKey} adds those.
 *
 * @example Check a key by name
 * ```ts
 * import { isNamedSecret } from "./mask.ts";
 * isNamedSecret("password"); // true
 * isNamedSecret("pgp_pass_phrase"); // false: only the spec marks it
 * ```
 */
export function isNamedSecret(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Whether a payload key names a secret: by name (password, secret, private_key, token, api_key, ...) or because
 * Fivetran's OpenAPI definition marks a property of that name `format: password` in some service's config
 * (`connection_string`, `pgp_pass_phrase`, `storage_account_key`, ...).
 *
 * @example Check keys
 * ```ts
 * import { isSecretKey } from "./mask.ts";
 * isSecretKey("password"); // true
 * isSecretKey("primary_key"); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SPEC_NAMES.has(key);
}

function secretIn(key: string, names: ReadonlySet<string>): boolean {
  return SECRET_KEY.test(key) || names.has(key);
}

/** The names that apply to the children of `value`: its own service's when it names one. */
function namesWithin(value: Record<string, unknown>, names: ReadonlySet<string>): ReadonlySet<string> {
  return typeof value.service === "string" && ("config" in value || "auth" in value)
    ? specNamesFor(value.service)
    : names;
}

/** Whether `value` under `key` is a secret to hide: not empty, not a flag, not one of the key's enum values. */
function isSecretValue(key: string, value: unknown): boolean {
  if (value === null || value === undefined || value === "" || typeof value === "boolean") return false;
  return !(typeof value === "string" && SPEC_ENUM_VALUES[key]?.includes(value));
}

/**
 * A deep copy of `value` with every secret-looking key's value replaced by {@link MASK}.
 *
 * @example Mask a connection config
 * ```ts
 * import { maskSecrets } from "./mask.ts";
 * maskSecrets({ config: { user: "etl", password: "hunter2" } });
 * // { config: { user: "etl", password: "******" } }
 * ```
 */
export function maskSecrets<T>(value: T): T {
  return walk(value, 0, SPEC_NAMES) as T;
}

function walk(value: unknown, depth: number, names: ReadonlySet<string>): unknown {
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, names));
  const record = value as Record<string, unknown>;
  const inner = namesWithin(record, names);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    out[k] = secretIn(k, inner) && isSecretValue(k, v) ? MASK : walk(v, depth + 1, inner);
  }
  return out;
}

/**
 * Replaces known secret strings (an API secret, a webhook secret) anywhere inside `text`.
 *
 * @example Scrub a message
 * ```ts
 * import { scrubText } from "./mask.ts";
 * scrubText("failed with key abc", ["abc"]); // "failed with key ******"
 * ```
 */
export function scrubText(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/**
 * Every string or number value under a secret-looking key, at any depth: the values to scrub from output
 * once a file holding them has been read.
 *
 * @example Collect a config's secrets
 * ```ts
 * import { secretValues } from "./mask.ts";
 * secretValues({ config: { user: "etl", password: "hunter2" } }); // ["hunter2"]
 * ```
 */
export function secretValues(value: unknown, out: string[] = []): string[] {
  collect(value, SPEC_NAMES, out);
  return out;
}

function collect(value: unknown, names: ReadonlySet<string>, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, names, out);
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const inner = namesWithin(record, names);
    for (const [k, v] of Object.entries(record)) {
      if (secretIn(k, inner) && (typeof v === "string" || typeof v === "number") && isSecretValue(k, v)) {
        out.push(String(v));
      } else if (secretIn(k, inner) && v !== null && typeof v === "object") secretLeaves(v, out);
      else collect(v, inner, out);
    }
  }
}

function secretLeaves(value: unknown, out: string[]): void {
  if (typeof value === "string" || typeof value === "number") {
    if (value !== "") out.push(String(value));
  } else if (Array.isArray(value)) { for (const v of value) secretLeaves(v, out); }
  else if (value !== null && typeof value === "object") { for (const v of Object.values(value)) secretLeaves(v, out); }
}
