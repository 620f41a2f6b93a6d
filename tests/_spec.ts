// Shared by the tests that check traffic against Fivetran's OpenAPI definition: where the spec is, a loud skip
// when it is missing outside CI, and an ajv instance holding a copy of the spec fixed where it contradicts itself.
import { Ajv } from "npm:ajv@^8.17.1";
import addFormatsModule from "npm:ajv-formats@^3.0.1";
import { type Json, rewriteSpec } from "../tools/_spec_rewrite.ts";

/** `../shared/fivetran-openapi.json`, relative to the project root. */
export const SPEC_URL: URL = new URL("../../shared/fivetran-openapi.json", import.meta.url);
/** Under CI the spec is always there, so a missing spec is a failure, not a skip. */
export const UNDER_CI: boolean = Deno.env.get("CI") === "true";

export type { Json };

/** The spec's text, or `undefined` (with a loud message outside CI) when it is not there. */
export function readSpec(test: string, consequence: string): string | undefined {
  try {
    return Deno.readTextFileSync(SPEC_URL);
  } catch {
    if (!UNDER_CI) {
      console.error(
        "\n" + "!".repeat(78) +
          `\n!! SKIPPED: ${test} — ${SPEC_URL.pathname} not found.` +
          `\n!! ${consequence}` +
          "\n" + "!".repeat(78) + "\n",
      );
    }
    return undefined;
  }
}

/** The prepared spec, and an ajv that knows it as the schema `spec` (refer to `spec#/components/...`). */
export function createSpecAjv(text: string): { spec: Json; ajv: Ajv } {
  const spec = prepareSpec(JSON.parse(text));
  applyFidelity(spec);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  // deno-lint-ignore no-explicit-any
  const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (a: Ajv) => void;
  addFormats(ajv);
  ajv.addSchema(spec, "spec");
  return { spec, ajv };
}

/**
 * A copy of the spec fixed where it contradicts itself (`tools/_spec_rewrite.ts`, shared with the type generator;
 * see lib/sandbox/README.md, "Spec notes"), made nullable where OpenAPI 3.0 says so, with local $refs pointed at
 * the "spec" schema id.
 */
function prepareSpec(spec: Json): Json {
  return forAjv(rewriteSpec(spec));
}

function forAjv(node: Json): Json {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith("#/")) out[k] = `spec${v}`;
    else out[k] = forAjv(v);
  }
  // OpenAPI 3.0 nullable
  if (out.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  // fidelity (lib/sandbox/README.md): a destination's setup_status comes back lowercase from the live API
  if (out.description === "Destination setup status" && Array.isArray(out.enum)) {
    out.enum = [...out.enum, ...out.enum.map((e: string) => e.toLowerCase())];
  }
  return out;
}

/**
 * Where the sandbox follows the live API over the spec (the fidelity table in
 * lib/sandbox/README.md): destination config numbers come back as strings, and
 * an invited user has no `logged_in_at`.
 */
function applyFidelity(spec: Json): void {
  const schemas = spec.components.schemas;
  const name = (ref: string) => ref.split("/").pop()!;
  for (const ref of Object.values(schemas.DestinationExtendedResponse.discriminator.mapping) as string[]) {
    for (const part of schemas[name(ref)].allOf ?? []) {
      const props = part.$ref ? schemas[name(part.$ref)]?.properties?.config?.properties : undefined;
      for (const p of Object.values(props ?? {}) as Json[]) {
        if (p.type === "integer" || p.type === "number") p.type = [p.type, "string"];
      }
    }
  }
  for (const s of Object.values(schemas) as Json[]) {
    if (Array.isArray(s?.required) && s.required.includes("logged_in_at") && s.properties?.invited) {
      s.required = s.required.filter((r: string) => r !== "logged_in_at");
    }
  }
}
