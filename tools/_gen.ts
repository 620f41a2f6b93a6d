// What `deno task gen` writes, computed in memory: the TypeScript types of Fivetran's OpenAPI definition (by
// openapi-typescript), the per-service config schemas, the `format: password` fields, the operation table, and a
// type test calling every operation once. Deterministic: same definition, same bytes.
import openapiTS, { astToString } from "npm:openapi-typescript@^7.13.0";
import { type Json, rewriteSpec, sha256 } from "./_spec_rewrite.ts";
import { isNamedSecret } from "../lib/mask.ts";

/** Where the definition is, relative to the project root. */
export const SPEC_PATH = "../shared/fivetran-openapi.json";
const GENERATOR = "openapi-typescript 7 (npm:openapi-typescript@^7.13.0)";
const OUT = "lib/spec/generated";
const METHODS = ["get", "post", "patch", "delete", "put"] as const;

function header(sha: string, what: string, comment = "//"): string {
  return [
    `GENERATED FILE — do not edit. ${what}`,
    `Source: Fivetran's OpenAPI definition of the REST API v1 (${SPEC_PATH}, sha-256 ${sha}),`,
    "published by Fivetran in the MIT-licensed repository github.com/fivetran/fivetran-mcp",
    "(fivetran-open-api-definition.json, commit ad8274c); MIT licence, (c) Fivetran Inc.",
    `Regenerate: deno task gen (tools/gen_types.ts; types by ${GENERATOR}). Checked by tests/spec_generated_test.ts.`,
  ].map((l) => `${comment} ${l}`).join("\n");
}

/** Every generated file: project-relative path → text. */
export async function generatedFiles(root: URL): Promise<Map<string, string>> {
  const text = Deno.readTextFileSync(new URL(SPEC_PATH, root));
  const sha = await sha256(text);
  const spec = rewriteSpec(JSON.parse(text));
  const files = new Map<string, string>();
  const types = astToString(await openapiTS(forTypes(spec)));
  files.set(
    `${OUT}/openapi.d.ts`,
    `${header(sha, "The types of every path, operation and schema.")}\n/* eslint-disable */\n\n${types}`,
  );
  const connections = serviceConfigs(spec, "NewConnectorRequestV1", "ConnectorResponseV1");
  const destinations = serviceConfigs(spec, "NewDestinationRequest");
  files.set(
    `${OUT}/connection_configs.json`,
    json(sha, "Each connection service's config (and auth) schema.", connections),
  );
  files.set(`${OUT}/destination_configs.json`, json(sha, "Each destination service's config schema.", destinations));
  const secrets = secretFields(spec, connections, destinations);
  files.set(
    `${OUT}/secret_fields.json`,
    json(sha, "Every format: password field of every service's config.", secrets.byService),
  );
  files.set(
    `${OUT}/secret_names.ts`,
    secretNamesModule(sha, secrets.names, byServiceNames(secrets.byService), enumExemptions(spec, secrets.names)),
  );
  files.set(`${OUT}/operations.ts`, operationsModule(sha, spec));
  files.set("tests/generated/all_operations_check.ts", allOperationsCheck(sha, spec));
  return files;
}

function json(sha: string, what: string, data: unknown): string {
  return `${
    JSON.stringify({ $comment: header(sha, what, "").replace(/^ /gm, "").split("\n"), ...(data as object) }, null, 1)
  }\n`;
}

// ---- the copy openapi-typescript reads ----

/**
 * Request bodies that the definition types as a polymorphic base (a `discriminator` mapping, no `oneOf`) become
 * the union of their mapped schemas, so a create's `config` is typed by its `service`; answers keep the base and
 * gain a `config` of unknown keys, since the service of an answer is not known before it arrives.
 */
function forTypes(spec: Json): Json {
  const copy = structuredClone(spec);
  const schemas = copy.components.schemas;
  for (const item of Object.values(copy.paths) as Json[]) {
    for (const method of METHODS) {
      const body = item[method]?.requestBody?.content?.["application/json"];
      const ref: string | undefined = body?.schema?.$ref;
      if (!ref) continue;
      const base = schemas[ref.split("/").pop()!];
      const mapping = base?.discriminator?.mapping;
      if (!mapping || base.oneOf) continue;
      const property = base.discriminator.propertyName;
      body.schema = base.properties?.[property]
        ? { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: base.discriminator }
        // A base without the discriminator (an update): the union of the mapped schemas' own parts.
        : {
          oneOf: Object.values(mapping).map(($ref) => ({
            allOf: (resolve(copy, { $ref }).allOf ?? []).filter((p: Json) => p.$ref !== ref),
          })),
        };
    }
  }
  for (const name of ["ConnectorResponseV1", "DestinationExtendedResponse"]) {
    const base = schemas[name];
    base.properties.config ??= {
      type: "object",
      description: "The service's configuration (secrets masked as ******); see the service's config type.",
      additionalProperties: true,
    };
  }
  return copy;
}

// ---- per-service config schemas ----

type Schema = Record<string, Json>;

function resolve(spec: Json, node: Json): Json {
  let out = node;
  while (out?.$ref) out = spec.components.schemas[out.$ref.split("/").pop()];
  return out;
}

/** A schema with its $refs inlined and the prose (description, example, title) left out. */
function inline(spec: Json, node: Json, depth = 0): Json {
  if (depth > 40) throw new Error("Expected the config schemas to nest less than 40 levels");
  if (Array.isArray(node)) return node.map((n) => inline(spec, n, depth + 1));
  if (node === null || typeof node !== "object") return node;
  if (node.$ref) return inline(spec, resolve(spec, node), depth + 1);
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (["description", "example", "examples", "title", "externalDocs"].includes(k)) continue;
    if (k === "properties") {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, inline(spec, s, depth + 1)]));
    } else out[k] = inline(spec, v, depth + 1);
  }
  return out;
}

/** Merges the `properties.<field>` object schemas of a service's allOf parts. */
function mergeField(spec: Json, parts: Json[], field: string): Schema | undefined {
  let merged: Schema | undefined;
  for (const part of parts) {
    const schema = resolve(spec, part)?.properties?.[field];
    if (!schema) continue;
    const s = inline(spec, schema);
    if (!merged) {
      merged = { ...s, properties: { ...s.properties } };
      continue;
    }
    Object.assign(merged.properties, s.properties ?? {});
    const required = [...new Set([...(merged.required ?? []), ...(s.required ?? [])])];
    if (required.length) merged.required = required;
  }
  if (merged) merged.type = "object";
  return merged;
}

/**
 * service → { config, auth?, readonly? } from the discriminator mapping of a create request; `readonly` lists the
 * config fields only answers carry (from `answer`'s mapping), which a copy of a read config may hold.
 */
function serviceConfigs(spec: Json, base: string, answer?: string): Record<string, Schema> {
  const mapping: Record<string, string> = spec.components.schemas[base].discriminator.mapping;
  const out: Record<string, Schema> = {};
  for (const service of Object.keys(mapping).sort()) {
    const parts: Json[] = (resolve(spec, { $ref: mapping[service] }).allOf ?? []).filter(
      (p: Json) => p.$ref !== `#/components/schemas/${base}`,
    );
    const entry: Schema = { config: mergeField(spec, parts, "config") ?? { type: "object", properties: {} } };
    const auth = mergeField(spec, parts, "auth");
    if (auth) entry.auth = auth;
    const answerRef = answer && spec.components.schemas[answer].discriminator.mapping[service];
    if (answerRef) {
      const answerParts: Json[] = resolve(spec, { $ref: answerRef }).allOf ?? [];
      const read = Object.keys(mergeField(spec, answerParts, "config")?.properties ?? {});
      const readonly = read.filter((k) => !(k in entry.config.properties)).sort();
      if (readonly.length) entry.readonly = readonly;
    }
    out[service] = entry;
  }
  return out;
}

// ---- format: password ----

function passwordPaths(node: Json, prefix: string, out: string[]): string[] {
  if (node === null || typeof node !== "object") return out;
  for (const [name, prop] of Object.entries(node.properties ?? {}) as [string, Json][]) {
    const here = `${prefix}.${name}`;
    if (prop.format === "password") out.push(here);
    passwordPaths(prop, here, out);
    if (prop.items) passwordPaths(prop.items, `${here}[]`, out);
    if (typeof prop.additionalProperties === "object") passwordPaths(prop.additionalProperties, `${here}.*`, out);
  }
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    for (const sub of node[key] ?? []) passwordPaths(sub, prefix, out);
  }
  return out;
}

function secretFields(spec: Json, connections: Record<string, Schema>, destinations: Record<string, Schema>) {
  const byKind = (configs: Record<string, Schema>) => {
    const out: Record<string, string[]> = {};
    for (const [service, entry] of Object.entries(configs)) {
      const paths: string[] = [];
      for (const [field, schema] of Object.entries(entry)) passwordPaths(schema, field, paths);
      out[service] = [...new Set(paths)].sort();
    }
    return out;
  };
  const names = new Set<string>();
  const walk = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    if (node.properties && typeof node.properties === "object") {
      for (const [name, prop] of Object.entries(node.properties) as [string, Json][]) {
        if (prop?.format === "password") names.add(name);
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(spec);
  return {
    byService: { connections: byKind(connections), destinations: byKind(destinations) },
    names: [...names].sort(),
  };
}

/** For each key that masking matches (by name or by the spec), the enum values it may take: those are not secret. */
function enumExemptions(spec: Json, specNames: string[]): Record<string, string[]> {
  const secret = new Set(specNames);
  const out: Record<string, Set<string>> = {};
  const walk = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    if (node.properties && typeof node.properties === "object") {
      for (const [name, prop] of Object.entries(node.properties) as [string, Json][]) {
        const values = prop?.enum ?? prop?.items?.enum;
        if (!Array.isArray(values) || !(secret.has(name) || isNamedSecret(name))) continue;
        for (const v of values) if (typeof v === "string") (out[name] ??= new Set()).add(v);
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(spec);
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, [...out[k]].sort()]));
}

/** service → the names (last path segments) of its config's password fields; connections and destinations. */
function byServiceNames(byService: Record<string, Record<string, string[]>>): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const services of Object.values(byService)) {
    for (const [service, paths] of Object.entries(services)) {
      const names = (out[service] ??= new Set());
      for (const p of paths) names.add(p.split(".").pop()!.replace(/\[\]$/, ""));
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, [...out[k]].sort()]));
}

/** `service:name,name;service:name`, checking that no name holds a separator. */
function serviceNamesText(byService: Record<string, string[]>): string {
  const word = /^[A-Za-z0-9_.-]+$/;
  return Object.entries(byService).map(([service, names]) => {
    for (const name of [service, ...names]) {
      if (!word.test(name)) throw new Error(`Unexpected character in the service or field name '${name}'`);
    }
    return `${service}:${names.join(",")}`;
  }).join(";");
}

function secretNamesModule(
  sha: string,
  names: string[],
  byService: Record<string, string[]>,
  exemptions: Record<string, string[]>,
): string {
  return `${header(sha, "The names of the format: password fields, and enum values that are not secrets.")}

/** Every property name the definition marks \`format: password\`, in any schema. */
export const SPEC_SECRET_NAMES: readonly string[] = ${JSON.stringify(names)};

/**
 * For each connection and destination service, the names of its config's \`format: password\` fields, as one
 * string \`service:name,name;service:name\` (read per service on first use: an object of 800 services costs
 * every recipe's start-up about 0.3 ms to load; one string costs nothing).
 */
export const SPEC_SERVICE_SECRET_NAMES_TEXT: string = ${JSON.stringify(serviceNamesText(byService))};

/** Keys masking matches whose values include enum members (\`"auth": "PASSWORD"\` names a method, not a secret). */
export const SPEC_ENUM_VALUES: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(exemptions)};
`;
}

// ---- the operation table ----

interface Op {
  path: string;
  method: string;
  id: string;
  op: Json;
}

function operations(spec: Json): Op[] {
  const out: Op[] = [];
  for (const path of Object.keys(spec.paths).sort()) {
    for (const method of METHODS) {
      const op = spec.paths[path][method];
      if (op) out.push({ path, method, id: op.operationId, op });
    }
  }
  return out;
}

function operationsModule(sha: string, spec: Json): string {
  const rows = operations(spec).map(({ path, method, id, op }) => {
    const errors = Object.keys(op.responses ?? {}).filter((c) => /^[45]\d\d$/.test(c)).map(Number);
    const content = Object.keys(op.requestBody?.content ?? {});
    const body = content.length === 0 ? "" : content.includes("application/json") ? "json" : content[0];
    const list = isList(spec, op);
    return `  ${JSON.stringify(`${method.toUpperCase()} ${path}`)}: { id: ${JSON.stringify(id)}, errors: ${
      JSON.stringify(errors)
    }${body ? `, body: ${JSON.stringify(body)}` : ""}${list ? ", list: true" : ""} },`;
  });
  return `${header(sha, "Every operation: its id, the error statuses it declares, its body type, whether it lists.")}

/** What the definition says of one operation. */
export interface OperationInfo {
  /** The operationId. */
  readonly id: string;
  /** The 4xx/5xx statuses the operation declares. */
  readonly errors: readonly number[];
  /** The request body's media type: "json", another media type, or absent when there is none. */
  readonly body?: string;
  /** Whether the answer is a page of items with a next_cursor. */
  readonly list?: boolean;
}

/** Every operation by "METHOD /path". */
export const OPERATIONS: Readonly<Record<string, OperationInfo>> = {
${rows.join("\n")}
};
`;
}

function isList(spec: Json, op: Json): boolean {
  const ok = Object.entries(op.responses ?? {}).find(([c]) => c.startsWith("2"))?.[1] as Json;
  const schema = resolve(spec, ok?.content?.["application/json"]?.schema);
  const data = resolve(spec, schema?.properties?.data);
  const props = data?.properties ?? {};
  const hasParam = (op.parameters ?? []).some((p: Json) => resolve(spec, p)?.name === "cursor");
  return hasParam && "items" in props;
}

// ---- a correct call of every operation ----

function sample(spec: Json, node: Json, depth = 0): Json {
  if (depth > 30) return {};
  if (node?.$ref) return sample(spec, resolve(spec, node), depth + 1);
  if (!node || typeof node !== "object") return {};
  if (node.oneOf || node.anyOf) {
    const options = node.oneOf ?? node.anyOf;
    const mapping = node.discriminator?.mapping;
    if (mapping) {
      const [key, ref] = Object.entries(mapping)[0] as [string, string];
      return { ...sample(spec, { $ref: ref }, depth + 1), [node.discriminator.propertyName]: key };
    }
    return sample(spec, options[0], depth + 1);
  }
  if (node.allOf) {
    // One object schema of all parts: properties merged (a property in two parts must fit both), required united.
    const merged: Json = { type: "object", properties: {}, required: [] };
    for (const part of node.allOf.map((p: Json) => resolve(spec, p))) {
      if (part.allOf || part.oneOf) {
        return deepMerge(
          sample(spec, part, depth + 1),
          sample(spec, { ...node, allOf: node.allOf.filter((p: Json) => resolve(spec, p) !== part) }, depth + 1),
        );
      }
      for (const [k, v] of Object.entries(part.properties ?? {})) {
        merged.properties[k] = merged.properties[k] ? { allOf: [merged.properties[k], v] } : v;
      }
      merged.required.push(...(part.required ?? []));
    }
    return sample(spec, merged, depth + 1);
  }
  if (Array.isArray(node.enum)) return node.enum[0];
  switch (node.type) {
    case "string":
      return "x";
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
  }
  const out: Json = {};
  for (const name of node.required ?? []) out[name] = sample(spec, node.properties?.[name] ?? {}, depth + 1);
  return out;
}

function deepMerge(a: Json, b: Json): Json {
  if (!isObject(a) || !isObject(b)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

function isObject(v: Json): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function allOperationsCheck(sha: string, spec: Json): string {
  const typed = forTypes(spec);
  const calls = operations(typed).map(({ path, method, op }) => {
    const params: Record<string, Record<string, Json>> = {};
    for (const p of (op.parameters ?? []).map((x: Json) => resolve(typed, x))) {
      if (!p.required || !["path", "query"].includes(p.in)) continue;
      (params[p.in] ??= {})[p.name] = sample(typed, p.schema ?? { type: "string" });
    }
    const init: Json = {};
    if (Object.keys(params).length) init.params = params;
    const content: Json[] = Object.values(op.requestBody?.content ?? {});
    const body = op.requestBody?.content?.["application/json"]?.schema ?? content[0]?.schema;
    if (body && op.requestBody?.required !== false) init.body = sample(typed, body);
    const args = Object.keys(init).length ? `, ${JSON.stringify(init)}` : "";
    return `  await api.${method.toUpperCase()}(${JSON.stringify(path)}${args});`;
  });
  return `${header(sha, "A correct call of each of the definition's operations; deno check proves each type-checks.")}
import type { TypedAtlas } from "../../lib/client/typed.ts";

/** Never called: \`deno check tests\` type-checks these ${calls.length} calls. */
export async function callEveryOperation(api: TypedAtlas): Promise<void> {
${calls.join("\n")}
}
`;
}
