// The README's recipe examples, run as written against the sandbox, and every request they send checked against the
// request schema of its operation in Fivetran's OpenAPI definition: the docs stay true, and the recipes speak the
// API the spec describes.
import assert from "node:assert/strict";
import { basename } from "node:path";
import type { RecipeMain } from "../lib/recipe.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { matchRoute } from "../lib/sandbox/routes.ts";
import { runRecipe } from "./_harness.ts";
import { createSpecAjv, readSpec, SPEC_URL, UNDER_CI } from "./_spec.ts";

const ROOT = new URL("../", import.meta.url);
const README = Deno.readTextFileSync(new URL("README.md", ROOT));

interface Example {
  recipe: string;
  args: string[];
}

/** The `| use case | recipe | example |` rows of the README's recipe table. */
function examples(): Example[] {
  const rows: Example[] = [];
  for (const line of README.split("\n")) {
    const m = line.match(/^\|[^|]+\|\s*`(\w+\.ts)`\s*\|\s*`deno run -P(?:=\w+)? recipes\/(\w+\.ts) (.*)`\s*\|$/);
    if (!m) continue;
    assert.equal(m[1], m[2], `the row of ${m[1]} runs ${m[2]}`);
    rows.push({ recipe: m[2], args: shellWords(m[3]) });
  }
  return rows;
}

/** Splits a command line the way a shell would for these examples: words, and "double-quoted" phrases. */
function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/**
 * What each example is expected to end with: 0, but for the SQL check (changes are needed) and the certificate
 * run on the big group (its connections broken by bad credentials stay broken: trusting certificates can't fix
 * those, and the recipe says so with exit 1).
 */
const EXPECTED_EXIT: Record<string, number> = { "sql_writer.ts": 1, "cert_mgmt.ts": 1 };

const specText = readSpec("README examples test", "The README's recipe examples were NOT run and checked.");

Deno.test("the README's recipe table has one example for each recipe", async () => {
  const recipes = (await Array.fromAsync(Deno.readDir(new URL("recipes/", ROOT))))
    .map((e) => e.name)
    .filter((n) => n.endsWith(".ts") && !n.startsWith("_") && n !== "demo.ts")
    .sort();
  assert.deepEqual(examples().map((e) => e.recipe).sort(), recipes);
});

Deno.test({
  name: "every README recipe example runs against the sandbox and sends only requests the spec allows",
  ignore: specText === undefined && !UNDER_CI,
  async fn() {
    if (specText === undefined) throw new Error(`CI=true but the spec is missing: ${SPEC_URL.pathname}`);
    const { spec, ajv } = createSpecAjv(specText);
    const dir = await Deno.makeTempDir({ prefix: "atlas_readme_" });
    const sql = `${dir}/orders.sql`;
    await Deno.writeTextFile(sql, "SELECT o.CustomerID FROM sales.Orders AS o -- the Orders table\n");
    const problems: string[] = [];
    let checked = 0;
    try {
      for (const example of examples()) {
        // Each example on a fresh account, so that one example's changes don't decide another's outcome.
        await using sandbox = await startSandbox({ syncSeconds: 0.05 });
        const main = (await import(new URL(`recipes/${example.recipe}`, ROOT).href)).main as RecipeMain;
        const args = example.args.map((a) => a === "models/orders.sql" ? sql : a)
          .map((a) => a.startsWith("recipes/") ? new URL(a, ROOT).pathname : a);
        const run = await runRecipe(main, args, sandbox);
        const expected = EXPECTED_EXIT[example.recipe] ?? 0;
        assert.equal(run.code, expected, `${example.recipe} ${example.args.join(" ")}\n${run.stderr.slice(-800)}`);
        for (const entry of sandbox.journal()) {
          const what = `${example.recipe}: ${entry.method} ${entry.path}`;
          const found = matchRoute(entry.method, entry.path);
          if (found.kind !== "found") {
            problems.push(`${what}: not an operation of the API`);
            continue;
          }
          if (entry.status >= 400) problems.push(`${what}: answered ${entry.status}`);
          if (entry.body === undefined) continue;
          const route = found.match.route;
          const schema = spec.paths[route.path]?.[route.method.toLowerCase()]?.requestBody?.content?.[
            "application/json"
          ]?.schema;
          if (!schema) {
            problems.push(`${what}: sent a body, but ${route.operationId} takes none`);
            continue;
          }
          const validate = ajv.compile(schema);
          checked++;
          if (!validate(entry.body)) {
            problems.push(`${what} (${route.operationId}): ${JSON.stringify(validate.errors?.slice(0, 3))}`);
          }
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    assert.deepEqual(problems, []);
    assert.ok(checked >= 10, `only ${checked} request bodies were checked`);
  },
});

Deno.test("the README's example files exist", () => {
  for (const example of examples()) {
    for (const arg of example.args.filter((a) => a.startsWith("recipes/examples/"))) {
      assert.ok(Deno.statSync(new URL(arg, ROOT)).isFile, `${basename(arg)} is missing`);
    }
  }
});
