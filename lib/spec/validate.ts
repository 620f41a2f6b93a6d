/**
 * Config checks before anything is sent: a connection's or destination's `config` (and a connection's `auth`)
 * against its service's schema from Fivetran's OpenAPI definition (`lib/spec/generated/*_configs.json`), with ajv.
 * One line per problem, naming the field: a field the service does not have (with a "did you mean"), a required
 * field missing, a value of the wrong type or outside its enum. An unknown service gets a "did you mean" from the
 * service list.
 *
 * Lenient where the live API is: numbers given as strings of digits (`"port": "5432"`) and booleans given as
 * `"true"`/`"false"` are accepted. Fivetran answers config values as strings (its Go client's live tests expect
 * `"port": "5432"`), and its Terraform provider reads and sends them so (`tunnel_port`, `is_private_key_encrypted`,
 * `create_external_tables` are strings in its destination schema), so a config read back and sent again must pass.
 *
 * This module and its data load on first use (`await import("./validate.ts")`): a script that never checks a
 * config never pays for ajv or the 0.5 MB of schemas.
 *
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "npm:ajv@^8.17.1";
import { isRecord } from "../client/envelope.ts";
import { isSecretKey } from "../mask.ts";

/** Which kind of service: connections (773 services in the definition) or destinations (37). */
export type ServiceKind = "connection" | "destination";

/** What is checked: the service, and its `config` (and a connection's `auth`), as a create or update body has them. */
export interface ServiceBody {
  /** The service, e.g. `postgres` or `snowflake`. */
  service: string;
  /** The config to check. */
  config?: unknown;
  /** A connection's auth to check. */
  auth?: unknown;
}

/** Options of {@link configProblems}. */
export interface ConfigCheckOptions {
  /**
   * An update (PATCH): required fields may be absent, only what is sent is checked.
   *
   * @default {false}
   */
  partial?: boolean;
  /**
   * Accept the fields only answers carry (a config read from GET and sent back, as a copy does).
   *
   * @default {false}
   */
  allowReadOnly?: boolean;
  /**
   * The destination schema name the caller sets afterwards: checked as `config.schema_prefix` or `config.schema`,
   * whichever the service requires, when the config lacks both.
   */
  schemaName?: string;
}

/**
 * A config that does not fit its service's schema; `problems` holds one line per problem.
 *
 * @example Print each problem
 * ```ts
 * import { checkServiceConfig, ConfigValidationError } from "./validate.ts";
 * try {
 *   await checkServiceConfig("connection", { service: "postgres", config: { hots: "db" } });
 * } catch (error) {
 *   if (error instanceof ConfigValidationError) for (const p of error.problems) console.log(p);
 * }
 * ```
 */
export class ConfigValidationError extends TypeError {
  /** One line per problem, each naming the field. */
  readonly problems: readonly string[];

  /**
   * Creates the error.
   *
   * @param service The service whose schema the config failed.
   * @param problems One line per problem.
   */
  constructor(service: string, problems: readonly string[]) {
    super(`Expected a config that fits ${service}'s schema: ${problems.join("; ")}`);
    this.name = "ConfigValidationError";
    this.problems = problems;
  }
}

interface ServiceSchema {
  config: Schema;
  auth?: Schema;
  readonly?: string[];
}
// deno-lint-ignore no-explicit-any
type Schema = Record<string, any>;

const data: Partial<Record<ServiceKind, Record<string, ServiceSchema>>> = {};

async function load(kind: ServiceKind): Promise<Record<string, ServiceSchema>> {
  if (data[kind]) return data[kind];
  const module = kind === "connection"
    ? await import("./generated/connection_configs.json", { with: { type: "json" } })
    : await import("./generated/destination_configs.json", { with: { type: "json" } });
  const { $comment: _, ...services } = module.default as Record<string, unknown>;
  return data[kind] = services as Record<string, ServiceSchema>;
}

/**
 * The services of a kind the pinned definition knows, sorted.
 *
 * @example List the destination services
 * ```ts
 * import { serviceNames } from "./validate.ts";
 * console.log((await serviceNames("destination")).length); // 37
 * ```
 */
export async function serviceNames(kind: ServiceKind): Promise<string[]> {
  return Object.keys(await load(kind)).sort();
}

/**
 * The closest of `candidates` to `word` (edit distance at most a third of its length, and 3), if any.
 *
 * @example Suggest a service
 * ```ts
 * import { didYouMean } from "./validate.ts";
 * didYouMean("postgress", ["postgres", "mysql"]); // "postgres"
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  // Optimal string alignment: insertions, deletions, substitutions and swaps of neighbours cost 1 each.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], before[j - 2] + 1);
      }
    }
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * The problems of `body.config` (and `body.auth`) against `body.service`'s schema, one line each; empty when it
 * fits.
 * An unknown service is one problem, with a "did you mean".
 *
 * @example Check a Postgres config
 * ```ts
 * import { configProblems } from "./validate.ts";
 * await configProblems("connection", { service: "postgres", config: { host: "db", port: "x", schema_prefix: "s" } });
 * // ["config.port: expected an integer, got 'x'", ...]
 * ```
 */
export async function configProblems(
  kind: ServiceKind,
  body: ServiceBody,
  options: ConfigCheckOptions = {},
): Promise<string[]> {
  const { service } = body;
  const { partial = false, allowReadOnly = false, schemaName } = options;
  const services = await load(kind);
  const entry = Object.hasOwn(services, service) ? services[service] : undefined;
  if (entry && schemaName !== undefined && isRecord(body.config ?? {})) {
    const config = { ...(body.config ?? {}) as Record<string, unknown> };
    const required: string[] = entry.config.required ?? [];
    const field = ["schema_prefix", "schema"].find((f) => required.includes(f));
    if (field && config[field] === undefined) config[field] = schemaName;
    body = { ...body, config };
  }
  if (!entry) {
    const guess = didYouMean(service, Object.keys(services));
    return [
      `service: Unknown service '${service}' (not a ${kind} service of the pinned OpenAPI definition${
        guess ? `; did you mean ${guess}?` : ""
      }); --no-validate sends it unchecked, for a service newer than the definition`,
    ];
  }
  const problems: string[] = [];
  for (const field of ["config", "auth"] as const) {
    const value = body[field];
    if (value === undefined) {
      if (field === "config" && !partial && (entry.config.required ?? []).length) {
        problems.push(`config: required by ${service}, missing (${entry.config.required.join(", ")})`);
      }
      continue;
    }
    const schema = entry[field];
    if (!schema) {
      problems.push(`${field}: ${service} takes no ${field}`);
      continue;
    }
    const validate = compile(`${kind}:${service}:${field}:${partial}:${allowReadOnly}`, () =>
      lenient(schema, {
        partial,
        extra: field === "config" && allowReadOnly ? entry.readonly ?? [] : [],
      }));
    if (!validate(value)) problems.push(...describe(field, validate.errors ?? [], value, service));
  }
  return [...new Set(problems)];
}

/**
 * Throws a {@link ConfigValidationError} listing every problem of the config, as {@link configProblems} finds them.
 *
 * @throws {ConfigValidationError} when the config does not fit or the service is unknown.
 *
 * @example Stop before sending
 * ```ts
 * import { checkServiceConfig } from "./validate.ts";
 * await checkServiceConfig("destination", { service: "snowflake", config: { host: "x.snowflakecomputing.com" } });
 * ```
 */
export async function checkServiceConfig(
  kind: ServiceKind,
  body: ServiceBody,
  options: ConfigCheckOptions = {},
): Promise<void> {
  const problems = await configProblems(kind, body, options);
  if (problems.length) throw new ConfigValidationError(body.service, problems);
}

function compile(key: string, schema: () => Schema): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    ajv ??= new Ajv({
      strict: false,
      allErrors: true,
      verbose: true,
      validateFormats: false,
      logger: false,
      code: { optimize: false, lines: false, source: false }, // compiles in about half the time; it runs once
    });
    fn = ajv.compile(schema());
    compiled.set(key, fn);
  }
  return fn;
}

/**
 * The schema as the live API applies it: objects with known properties take no others (a misspelled field is a
 * problem, not silently dropped), numbers may come as strings of digits and booleans as "true"/"false", and an
 * update needs no required field at the top.
 */
function lenient(node: Schema, how: { partial: boolean; extra: string[] }, depth = 0): Schema {
  if (Array.isArray(node)) return node.map((n) => lenient(n, how, depth + 1));
  if (node === null || typeof node !== "object") return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "properties") {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, lenient(s, how, depth + 1)]));
    } else if (k === "enum" || k === "required") out[k] = v;
    else out[k] = lenient(v, how, depth + 1);
  }
  if (out.type === "boolean") {
    out.type = ["boolean", "string"];
    out.pattern = "^(true|false)$";
  }
  if (out.type === "integer" || out.type === "number") {
    out.type = [out.type, "string"];
    out.pattern = out.type[0] === "integer" ? "^-?[0-9]+$" : "^-?[0-9]+(\\.[0-9]+)?$";
    if (Array.isArray(out.enum)) out.enum = [...out.enum, ...out.enum.map(String)];
  }
  if (out.properties && Object.keys(out.properties).length && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (depth === 0) {
    if (how.partial) delete out.required;
    for (const name of how.extra) (out.properties ??= {})[name] ??= {};
  }
  return out;
}

function describe(field: string, errors: ErrorObject[], value: unknown, service: string): string[] {
  const lines: string[] = [];
  for (const e of errors) {
    const at = [field, ...pointerParts(e.instancePath)].join(".");
    switch (e.keyword) {
      case "additionalProperties": {
        const name = String(e.params.additionalProperty);
        const known = Object.keys((e.parentSchema as Schema)?.properties ?? {});
        const other = { schema: "schema_prefix", schema_prefix: "schema" }[name];
        const hint = other && known.includes(other)
          ? `${service} names its destination schema with ${at}.${other}; remove ${at}.${name}`
          : didYouMean(name, known) && `did you mean ${didYouMean(name, known)}?`;
        lines.push(`${at}.${name}: not a field of ${service}'s ${field}${hint ? ` (${hint})` : ""}`);
        break;
      }
      case "required":
        lines.push(`${at}.${e.params.missingProperty}: required by ${service}, missing`);
        break;
      case "type":
      case "pattern": {
        const types = e.keyword === "pattern" ? (e.parentSchema as Schema).type : e.params.type;
        const expected = (Array.isArray(types) ? types : String(types).split(","))
          .filter((t: string) => t !== "string" || e.keyword === "type" && !/integer|number/.test(String(types)))
          .join(" or ");
        lines.push(`${at}: expected ${article(expected)}, got ${shown(pick(value, e.instancePath), at)}`);
        break;
      }
      case "enum":
        lines.push(
          `${at}: expected one of ${[...new Set((e.params.allowedValues as unknown[]).map(String))].join(", ")}, got ${
            shown(pick(value, e.instancePath), at)
          }`,
        );
        break;
      default:
        lines.push(`${at}: ${e.message ?? e.keyword}`);
    }
  }
  return lines;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The keys a JSON pointer (`/config/a~1b`) names, unescaped (`config`, `a/b`). */
function pointerParts(pointer: string): string[] {
  return pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function pick(value: unknown, pointer: string): unknown {
  let v = value;
  for (const part of pointerParts(pointer)) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

/** A short description of a value; for a secret field (by name or by the definition) only its type. */
function shown(value: unknown, at: string): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const secret = at.split(".").some(isSecretKey);
  if (typeof value === "string") {
    return secret || value.length > 40 ? `a string of ${value.length} characters` : `'${value}'`;
  }
  return secret ? typeof value : `${typeof value} ${String(value)}`;
}
