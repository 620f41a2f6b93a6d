/**
 * Every service the spec knows (773 connection, 37 destination, 8 log and 13
 * private-link services), read from the generated `spec_services.ts` on first
 * use: which services exist, how each names its destination schema, the type
 * of every `config` field, and which fields are secrets (`format: password`).
 * `checkConfig` validates a request's `config` against its service, the way
 * the live API does (400 naming the field), with the live API's leniency:
 * `null` means "not set", and scalars are coerced like Fivetran's JSON reader
 * does (`"true"` for a boolean, `"5432"` for an integer, `5432` for a string).
 *
 * @module
 */

import { invalidInput } from "./errors.ts";
import { MASK, maskSecrets } from "./mask.ts";
import { SPEC_SERVICES_JSON } from "./spec_services.ts";

/** Which discriminator mapping a service belongs to. */
export type ServiceKind = "connections" | "destinations" | "logs" | "privateLinks";

/** A field's type code (see `spec_services.ts`): a letter, enum values, a typed array or an object's fields. */
export type FieldCode = string | string[] | { a: FieldCode } | { o: Record<string, FieldCode> };

/** One service of the spec. */
export interface SpecService {
  /** Schema format: `S` schema, `T` schema + table, `P` prefix, `G` schema + table group, `""` none. */
  format: string;
  /** Config fields by name. */
  fields: Record<string, FieldCode>;
  /** Required config fields. */
  required: string[];
  /** Fields of the request's `auth` object (OAuth services). */
  auth: Record<string, FieldCode>;
}

type Raw =
  & Record<ServiceKind, Record<string, [string, Record<string, FieldCode>, string[], Record<string, FieldCode>?]>>
  & {
    requestFields: Record<string, string[]>;
  };
let raw: Raw | undefined;
const cache = new Map<string, SpecService | null>();

function data(): Raw {
  return raw ??= JSON.parse(SPEC_SERVICES_JSON) as Raw;
}

/** Operations whose body is a map (`{schema: [tables]}`): any key goes. */
const MAP_BODIES = new Set(["resync_tables"]);

/**
 * The top-level fields an operation's request body may have, or undefined
 * when any go (no JSON object schema in the spec, or a map-shaped body).
 *
 * @example Using `requestFields`
 * ```ts
 * import { requestFields } from "./spec_catalog.ts";
 * requestFields("create_group"); // ["name"]
 * ```
 */
export function requestFields(operationId: string): readonly string[] | undefined {
  if (MAP_BODIES.has(operationId)) return undefined;
  return Object.hasOwn(data().requestFields, operationId) ? data().requestFields[operationId] : undefined;
}

/**
 * The ids of a kind's services, sorted.
 *
 * @example Count the connection services
 * ```ts
 * import { specServiceIds } from "./spec_catalog.ts";
 * specServiceIds("connections").length; // 773
 * ```
 */
export function specServiceIds(kind: ServiceKind): string[] {
  return Object.keys(data()[kind]).sort();
}

/**
 * One service of the spec, or undefined.
 *
 * @example Look up a destination
 * ```ts
 * import { specService } from "./spec_catalog.ts";
 * specService("destinations", "snowflake")?.fields.port; // "i"
 * ```
 */
export function specService(kind: ServiceKind, id: string): SpecService | undefined {
  const key = `${kind}:${id}`;
  let s = cache.get(key);
  if (s === undefined) {
    const r = Object.hasOwn(data()[kind], id) ? data()[kind][id] : undefined;
    s = r ? { format: r[0], fields: r[1], required: r[2], auth: r[3] ?? {} } : null;
    cache.set(key, s);
  }
  return s ?? undefined;
}

function kindName(code: FieldCode): string {
  if (Array.isArray(code)) return "one of the listed values";
  if (typeof code === "object") return "a" in code ? "an array" : "an object";
  return {
    s: "a string",
    p: "a string",
    i: "an integer",
    n: "a number",
    b: "a boolean",
    a: "an array",
    o: "an object",
  }[
    code
  ] ?? "a value";
}

function got(v: unknown): string {
  return Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
}

/** Coerce one value to its field's type, as the live API's JSON reader does; undefined when it can't. */
function coerce(v: unknown, code: FieldCode): { ok: true; value: unknown } | { ok: false } {
  if (Array.isArray(code)) {
    return typeof v === "string" && code.includes(v) ? { ok: true, value: v } : { ok: false };
  }
  if (typeof code === "object") code = "a" in code ? "a" : "o"; // nested fields are not checked
  switch (code) {
    case "s":
    case "p":
      if (typeof v === "string") return { ok: true, value: v };
      if (typeof v === "number" || typeof v === "boolean") return { ok: true, value: String(v) };
      return { ok: false };
    case "i":
      if (typeof v === "number" && Number.isInteger(v)) return { ok: true, value: v };
      if (typeof v === "string" && /^-?\d{1,15}$/.test(v.trim())) return { ok: true, value: Number(v) };
      return { ok: false };
    case "n":
      if (typeof v === "number" && Number.isFinite(v)) return { ok: true, value: v };
      if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return { ok: true, value: Number(v) };
      return { ok: false };
    case "b":
      if (typeof v === "boolean") return { ok: true, value: v };
      if (v === "true" || v === "false") return { ok: true, value: v === "true" };
      return { ok: false };
    case "a":
      return Array.isArray(v) ? { ok: true, value: v } : { ok: false };
    case "o":
      // Some enum-like fields are typed object in the spec; take objects and strings.
      return typeof v === "object" && v !== null && !Array.isArray(v) || typeof v === "string"
        ? { ok: true, value: v }
        : { ok: false };
    default:
      return { ok: true, value: v };
  }
}

/** Options of {@link checkConfig}. */
export interface CheckConfigOptions {
  /** Create (required fields enforced) or patch (only the fields sent). */
  mode: "create" | "patch";
  /** Name of the body field in messages (default `config`). */
  field?: string;
}

/**
 * Validate and normalize a request's `config` for a service: `null` values
 * dropped, scalars coerced, wrong types and values outside an enum answered
 * 400 naming the field; fields the spec doesn't list are kept, as the live API
 * does. Services the spec doesn't know are
 * passed through (the caller decides whether they exist).
 *
 * @example Coerce a port
 * ```ts
 * import { checkConfig } from "./spec_catalog.ts";
 * checkConfig("connections", "postgres", { schema_prefix: "pg", port: "5432" }, { mode: "create" }); // port: 5432
 * ```
 */
export function checkConfig(
  kind: ServiceKind,
  service: string,
  config: unknown,
  { mode, field = "config" }: CheckConfigOptions,
): Record<string, unknown> {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw invalidInput(`Field '${field}' must be an object, got ${got(config)}`);
  }
  const spec = specService(kind, service);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null || v === undefined) continue; // explicit null: not set
    if (!spec) {
      out[k] = v;
      continue;
    }
    const code = Object.hasOwn(spec.fields, k) ? spec.fields[k] : undefined;
    if (code === undefined) {
      // The live API keeps config fields its schema doesn't list (go-fivetran's e2e suite creates
      // itunes_connect with username/password, which the spec lacks), so the sandbox does too.
      out[k] = v;
      continue;
    }
    if (v === MASK && (code === "p" || mode === "patch")) {
      out[k] = v; // a masked secret sent back: the caller keeps the stored value
      continue;
    }
    const c = coerce(v, code);
    if (!c.ok) {
      throw invalidInput(
        Array.isArray(code)
          ? `Invalid value ${JSON.stringify(v)} for '${field}.${k}': expected one of ${code.join(", ")}`
          : `Field '${field}.${k}' must be ${kindName(code)}, got ${got(v)}`,
      );
    }
    out[k] = c.value;
  }
  if (spec && mode === "create") {
    const missing = spec.required.filter((r) => out[r] === undefined || out[r] === "");
    if (missing.length) {
      throw invalidInput(
        `Missing required field(s) ${missing.map((m) => `${field}.${m}`).join(", ")} for service '${service}'`,
      );
    }
  }
  return out;
}

/**
 * Config defaults the live API fills in on create, for the fields the spec
 * lists: `timeframe_months` → `TWELVE`, and a `*sync_mode` field → its `All...`
 * value (go-fivetran's e2e suite reads `TWELVE` and `AllApps` back from an
 * itunes_connect connection created without them).
 *
 * @example Using `withDefaults`
 * ```ts
 * import { withDefaults } from "./spec_catalog.ts";
 * withDefaults("itunes_connect", { schema: "x" }); // { schema: "x", app_sync_mode: "AllApps", timeframe_months: "TWELVE" }
 * ```
 */
export function withDefaults(service: string, config: Record<string, unknown>): Record<string, unknown> {
  const spec = specService("connections", service);
  if (!spec) return config;
  const out = { ...config };
  for (const [k, code] of Object.entries(spec.fields)) {
    if (out[k] !== undefined || !Array.isArray(code)) continue;
    if (k === "timeframe_months" && code.includes("TWELVE")) out[k] = "TWELVE";
    else if (k.endsWith("sync_mode")) {
      const all = code.find((v) => v.startsWith("All"));
      if (all) out[k] = all;
    }
  }
  return out;
}

/**
 * Whether a config field of a service is a secret (spec `format: password`).
 *
 * @example Using `isSpecSecret`
 * ```ts
 * import { isSpecSecret } from "./spec_catalog.ts";
 * isSpecSecret("connections", "15five", "api_key"); // true
 * ```
 */
export function isSpecSecret(kind: ServiceKind, service: string, key: string): boolean {
  return specService(kind, service)?.fields[key] === "p";
}

/**
 * A service's config as the API shows it: every secret masked (the spec's
 * password fields and anything that looks like a secret).
 *
 * @example Using `maskConfig`
 * ```ts
 * import { maskConfig } from "./spec_catalog.ts";
 * maskConfig("connections", "15five", { api_key: "k", schema: "five" }); // api_key: "******"
 * ```
 */
export function maskConfig(
  kind: ServiceKind,
  service: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const out = maskSecrets(config) as Record<string, unknown>;
  const spec = specService(kind, service);
  if (!spec) return out;
  for (const [k, v] of Object.entries(out)) {
    if (spec.fields[k] === "p" && v !== "" && v !== null && v !== undefined) out[k] = MASK;
  }
  return out;
}
