#!/usr/bin/env -S deno run --allow-read --allow-write=lib/spec/generated,tests/generated --allow-env
/**
 * `deno task gen`: regenerates `lib/spec/generated/` (and the all-operations type test) from Fivetran's OpenAPI
 * definition at `../shared/fivetran-openapi.json`. `--check` regenerates in memory and exits 1, naming the files,
 * when a committed file differs (stale against the definition, or edited by hand).
 *
 * Steps: read the definition, rewrite a copy where it contradicts itself (`tools/_spec_rewrite.ts`), run
 * `openapi-typescript` on the copy for the TypeScript types, and derive the data files (service config schemas,
 * `format: password` fields, the operation table) from the same copy. Same input, same output, byte for byte.
 *
 * @module
 */
import { generatedFiles } from "./_gen.ts";

const ROOT = new URL("../", import.meta.url);

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const unknown = Deno.args.filter((a) => a !== "--check");
  if (unknown.length) {
    console.error(`Usage: deno task gen [--check]; unknown argument '${unknown[0]}'`);
    Deno.exit(2);
  }
  const files = await generatedFiles(ROOT);
  const stale: string[] = [];
  for (const [path, text] of files) {
    const url = new URL(path, ROOT);
    let current: string | undefined;
    try {
      current = Deno.readTextFileSync(url);
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    if (check) stale.push(path);
    else {
      Deno.mkdirSync(new URL(".", url), { recursive: true });
      Deno.writeTextFileSync(url, text);
      console.error(`wrote ${path} (${text.length.toLocaleString("en")} bytes)`);
    }
  }
  if (check && stale.length) {
    console.error(`Generated files are stale against ../shared/fivetran-openapi.json: ${stale.join(", ")}`);
    console.error("Run 'deno task gen' and commit the result.");
    Deno.exit(1);
  }
  if (check) console.error(`${files.size} generated files are up to date`);
}
