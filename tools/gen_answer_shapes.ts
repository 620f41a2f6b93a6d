// Generates lib/client/_answer_shapes.ts: for each operation of Fivetran's OpenAPI definition, the shape of the
// `data` its 2xx answer carries (an object, a list page, nothing in particular, or an empty body), so the client can
// refuse a 2xx that is not the answer it claims to be.
//
//   deno run --allow-read --allow-write=lib/client tools/gen_answer_shapes.ts [path/to/fivetran-openapi.json]
//
// With --check it writes nothing and exits 1 when the committed file differs from what the definition gives.
import { answerShapesSource } from "./_answer_shapes_gen.ts";

const args = Deno.args.filter((a) => a !== "--check");
const specPath = args[0] ?? new URL("../../shared/fivetran-openapi.json", import.meta.url).pathname;
const outPath = new URL("../lib/client/_answer_shapes.ts", import.meta.url).pathname;
const source = answerShapesSource(JSON.parse(await Deno.readTextFile(specPath)));
if (Deno.args.includes("--check")) {
  const current = await Deno.readTextFile(outPath).catch(() => "");
  if (current !== source) {
    console.error(`${outPath} is stale against ${specPath}; run tools/gen_answer_shapes.ts`);
    Deno.exit(1);
  }
} else {
  await Deno.writeTextFile(outPath, source);
  console.error(`Wrote ${outPath}`);
}
