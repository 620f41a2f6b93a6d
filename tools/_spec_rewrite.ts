// The rewrites that make Fivetran's OpenAPI definition usable by openapi-typescript and a JSON Schema validator.
// Each fixes a place where the definition contradicts itself; all are deterministic (same input, same output).

// deno-lint-ignore no-explicit-any
export type Json = any;

/** A copy of the definition with the generator-breaking contradictions fixed. */
export function rewriteSpec(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteSpec);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewriteSpec(v);
  // 684 enums of strings declared `type: object` (e.g. auth_method: ["PASSWORD", ...]).
  if (out.type === "object" && Array.isArray(out.enum) && out.enum.every((e: unknown) => typeof e === "string")) {
    out.type = "string";
  }
  // `type: integer` with string enum values ("1", "5", ... for sync_frequency).
  if (out.type === "integer" && Array.isArray(out.enum)) out.enum = out.enum.map(Number);
  // An enum put on an array instead of on its items.
  if (out.type === "array" && Array.isArray(out.enum) && out.items) {
    out.items = { ...out.items, enum: out.enum };
    delete out.enum;
  }
  // Maps modelled as one placeholder property named schema/table/column (a schema config's schemas, tables, columns).
  if (out.properties && !out.additionalProperties) {
    const keys = Object.keys(out.properties);
    if (
      keys.length === 1 && ["schema", "table", "column"].includes(keys[0]) &&
      !(out.required ?? []).includes(keys[0])
    ) {
      out.additionalProperties = out.properties[keys[0]];
      delete out.properties;
    }
  }
  return out;
}

/** The sha-256 of a text, hex. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
