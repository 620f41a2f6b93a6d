/**
 * Masking of secrets before anything is printed or logged.
 *
 * @module
 */

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

const SECRET_KEY =
  /(pass(word|wd|phrase)?$|^pwd$|secret|private[_-]?key|token|api[_-]?key|access[_-]?key|credential|authorization|^auth$|signing[_-]?key|client[_-]?secret|ssh[_-]?key|service[_-]?account[_-]?key|^key$)/i;

/**
 * Whether a payload key names a secret (password, secret, private_key, token, api_key, ...).
 *
 * @example Check keys
 * ```ts
 * import { isSecretKey } from "./mask.ts";
 * isSecretKey("password"); // true
 * isSecretKey("primary_key"); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
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
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== "" && typeof v !== "boolean"
      ? MASK
      : walk(v, depth + 1);
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
    if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
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
  if (Array.isArray(value)) {
    for (const v of value) secretValues(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretKey(k) && (typeof v === "string" || typeof v === "number")) out.push(String(v));
      else secretValues(v, out);
    }
  }
  return out;
}
