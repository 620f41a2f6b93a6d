// The generated files (lib/spec/generated/, tests/generated/) match what `deno task gen` makes from the pinned
// definition: a changed ../shared/fivetran-openapi.json or a hand edit fails here until regenerated and committed.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { generatedFiles } from "../tools/_gen.ts";
import { readSpec } from "./_spec.ts";

const ROOT = new URL("../", import.meta.url);
const spec = readSpec("the generated-files check", "Stale generated types or config schemas would go unnoticed.");

Deno.test({
  name: "generated files are up to date with the pinned OpenAPI definition (deno task gen)",
  ignore: spec === undefined,
  async fn() {
    const files = await generatedFiles(ROOT);
    const stale: string[] = [];
    for (const [path, text] of files) {
      let committed: string | undefined;
      try {
        committed = Deno.readTextFileSync(new URL(path, ROOT));
      } catch {
        committed = undefined;
      }
      if (committed !== text) stale.push(path);
    }
    assertEquals(stale, [], `stale generated files; run 'deno task gen' and commit: ${stale.join(", ")}`);
  },
});

Deno.test({
  name: "the generated header pins the definition's sha-256",
  ignore: spec === undefined,
  async fn() {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(spec));
    const sha = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    const head = Deno.readTextFileSync(new URL("lib/spec/generated/openapi.d.ts", ROOT)).slice(0, 600);
    assertEquals(head.includes(`sha-256 ${sha}`), true, `openapi.d.ts does not name sha-256 ${sha}`);
  },
});
