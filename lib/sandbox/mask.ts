/**
 * Secret masking: the API shows every secret config field as `"******"`, and
 * the journal masks request bodies the same way.
 *
 * @module
 */

/** What a masked secret looks like. */
export const MASK = "******";

const SECRET_KEY =
  /password|secret|private_key|token|passphrase|pass_phrase|api_key|connection_string|^certificate|consumer_key|client_key|^pats$|role_arn|credentials|tde_|encoded_cert|^primary_key$/i;

/**
 * Whether a config field name holds a secret.
 *
 * @example Using `isSecretKey`
 * ```ts
 * import { isSecretKey } from "./mask.ts";
 * isSecretKey("password"); // true
 * isSecretKey("host"); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * A deep copy of `value` with every secret field replaced by `"******"`.
 *
 * @example Using `maskSecrets`
 * ```ts
 * import { maskSecrets } from "./mask.ts";
 * maskSecrets({ host: "db", password: "hunter2" }); // { host: "db", password: "******" }
 * ```
 */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== "" &&
          (typeof v === "string" || Array.isArray(v) || typeof v === "object")
        ? (Array.isArray(v) ? v.map(() => MASK) : MASK)
        : maskSecrets(v);
    }
    return out;
  }
  return value;
}
