#!/usr/bin/env -S deno run --allow-read --allow-write
/**
 * Generates `lib/sandbox/spec_services.ts`: a compact form of every service
 * the spec's discriminator mappings know (connections, destinations, log
 * services, private links) with each `config` field's type, enum values and
 * whether it is a secret (`format: password`), and the required fields.
 *
 * Run: deno run --allow-read --allow-write tools/gen_sandbox_services.ts [SPEC]
 * (SPEC defaults to ../shared/fivetran-openapi.json)
 *
 * @module
 */

type Json = Record<string, unknown>;

const specPath = Deno.args[0] ?? new URL("../../shared/fivetran-openapi.json", import.meta.url).pathname;
const spec = JSON.parse(await Deno.readTextFile(specPath)) as Json;
const schemas = (spec.components as Json).schemas as Record<string, Json>;
const deref = (ref: string) => schemas[ref.split("/").pop()!];

type Code = string | string[] | { a: Code } | { o: Record<string, Code> };

/**
 * Field code: s string, p password, i integer, n number, b boolean, a array, o object, enum values,
 * `{a: item}` for an array with typed items, `{o: {field: code}}` for an object with listed fields.
 */
function code(p: Json, depth = 0): Code {
  if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === "string")) return p.enum as string[];
  if (depth < 2 && p.type === "array" && p.items && typeof p.items === "object") {
    const item = code(p.items as Json, depth + 1);
    return item === "s" ? "a" : { a: item };
  }
  if (depth < 2 && p.type === "object" && p.properties && Object.keys(p.properties as Json).length) {
    const fields: Record<string, Code> = {};
    for (const [k, v] of Object.entries(p.properties as Record<string, Json>)) fields[k] = code(v, depth + 1);
    return { o: fields };
  }
  if (p.format === "password") return "p";
  switch (p.type) {
    case "integer":
      return "i";
    case "number":
      return "n";
    case "boolean":
      return "b";
    case "array":
      return "a";
    case "object":
      return "o";
    default:
      return "s";
  }
}

const FORMATS: Record<string, string> = {
  schema_format_schema: "S",
  schema_format_schema_table: "T",
  schema_format_schema_prefix: "P",
  schema_format_schema_table_group: "G",
};

function collect(
  schema: Json,
  into: { fields: Record<string, Code>; required: Set<string>; auth?: Record<string, Code> },
) {
  let format = "";
  for (const part of (schema.allOf ?? []) as Json[]) {
    const ref = part.$ref as string | undefined;
    if (!ref) continue;
    const name = ref.split("/").pop()!;
    if (FORMATS[name]) format = FORMATS[name];
    const auth = (deref(ref).properties as Json | undefined)?.auth as Json | undefined;
    for (const [k, v] of Object.entries((auth?.properties ?? {}) as Record<string, Json>)) {
      (into.auth ??= {})[k] = code(v);
    }
    const cfg = (deref(ref).properties as Json | undefined)?.config as Json | undefined;
    if (!cfg) continue;
    for (const [k, v] of Object.entries((cfg.properties ?? {}) as Record<string, Json>)) {
      const prev = into.fields[k];
      const next = code(v);
      // A secret stays a secret whichever schema says so.
      into.fields[k] = prev === "p" ? prev : next;
    }
    for (const r of (cfg.required ?? []) as string[]) into.required.add(r);
  }
  return format;
}

function group(request: string, response?: string) {
  const out: Record<
    string,
    [string, Record<string, Code>, string[]] | [string, Record<string, Code>, string[], Record<string, Code>]
  > = {};
  const mapping = (schemas[request].discriminator as Json).mapping as Record<string, string>;
  const respMapping = response ? (schemas[response].discriminator as Json).mapping as Record<string, string> : {};
  for (const id of Object.keys(mapping).sort()) {
    const acc = {
      fields: {} as Record<string, Code>,
      required: new Set<string>(),
      auth: undefined as Record<string, Code> | undefined,
    };
    const format = collect(deref(mapping[id]), acc);
    const req = new Set(acc.required);
    if (respMapping[id]) collect(deref(respMapping[id]), { fields: acc.fields, required: new Set() });
    out[id] = acc.auth ? [format, acc.fields, [...req].sort(), acc.auth] : [format, acc.fields, [...req].sort()];
  }
  return out;
}

/** Top-level property names a schema allows (through $ref, allOf, oneOf/anyOf and discriminator mappings). */
function topLevel(schema: Json | undefined, into: Set<string>, seen = new Set<Json>()): Set<string> {
  if (!schema || seen.has(schema)) return into;
  seen.add(schema);
  if (schema.$ref) return topLevel(deref(schema.$ref as string), into, seen);
  for (const k of Object.keys((schema.properties ?? {}) as Json)) into.add(k);
  for (const key of ["allOf", "oneOf", "anyOf"]) {
    for (const part of (schema[key] ?? []) as Json[]) topLevel(part, into, seen);
  }
  const mapping = (schema.discriminator as Json | undefined)?.mapping as Record<string, string> | undefined;
  for (const ref of Object.values(mapping ?? {})) topLevel(deref(ref), into, seen);
  return into;
}

/** Request body fields by operationId (operations whose body is a JSON object schema). */
function requestFields(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of Object.values(spec.paths as Record<string, Json>)) {
    for (const op of Object.values(item) as Json[]) {
      const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"] as
        | Json
        | undefined;
      if (!op.operationId || !body?.schema) continue;
      const fields = topLevel(body.schema as Json, new Set());
      if (fields.size) out[op.operationId as string] = [...fields].sort();
    }
  }
  return out;
}

const data = {
  requestFields: requestFields(),
  connections: group("NewConnectorRequestV1", "ConnectorResponseV1"),
  destinations: group("NewDestinationRequest", "DestinationExtendedResponse"),
  logs: group("AddLogRequest", "LogExtendedResponse"),
  privateLinks: group("PrivateLinkCreateRequest", "PrivateLinkResponse"),
};
const json = JSON.stringify(data);
const out = `// Generated by tools/gen_sandbox_services.ts from ../shared/fivetran-openapi.json; do not edit.
// Regenerate: deno run --allow-read --allow-write tools/gen_sandbox_services.ts && deno fmt lib/sandbox/spec_services.ts

/**
 * Every service of the spec's discriminator mappings, as JSON text (parsed on
 * first use, so start-up pays nothing): \`{requestFields, connections,
 * destinations, logs, privateLinks}\` (\`requestFields\`: operationId → top-level
 * body fields), each \`{service: [schemaFormat, {field: code}, required[], {authField: code}?]}\`.
 * Codes: s string, p secret (\`format: password\`), i integer, n number, b boolean,
 * a array (of strings), o object, the enum's values, \`{a: item}\` an array of typed
 * items, \`{o: {field: code}}\` an object with listed fields. Schema formats: S schema, T schema +
 * table, P schema prefix, G schema + table group, "" none.
 *
 * @module
 */

/** The services, as JSON text. */
export const SPEC_SERVICES_JSON: string = ${JSON.stringify(json)};
`;
const target = new URL("../lib/sandbox/spec_services.ts", import.meta.url);
await Deno.writeTextFile(target, out);
console.error(
  `wrote ${target.pathname}: ${Object.keys(data.connections).length} connection, ${
    Object.keys(data.destinations).length
  } destination, ${Object.keys(data.logs).length} log, ${
    Object.keys(data.privateLinks).length
  } private-link services (${(out.length / 1024).toFixed(0)} KiB)`,
);
