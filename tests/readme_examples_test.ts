// The README's recipe examples, run as written against the sandbox, and every request they send checked against the
// request schema of its operation in Fivetran's OpenAPI definition: the docs stay true, and the recipes speak the
// API the spec describes.
import assert from "node:assert/strict";
import { basename } from "node:path";
import type { RecipeMain } from "../lib/recipe.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { matchRoute } from "../lib/sandbox/routes.ts";
import { runRecipe } from "./_harness.ts";
import { runDeno, tempDir } from "./_server.ts";
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
 * What each example is expected to end with: 0, but for the certificate run on the big group (its connections
 * broken by bad credentials stay broken: trusting certificates can't fix those, and the recipe says so with exit
 * 1 — as the README says).
 */
const EXPECTED_EXIT: Record<string, number> = { "cert_mgmt.ts": 1 };

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
    const problems: string[] = [];
    let checked = 0;
    {
      for (const example of examples()) {
        // Each example on a fresh account, so that one example's changes don't decide another's outcome.
        await using sandbox = await startSandbox({ syncSeconds: 0.05 });
        const main = (await import(new URL(`recipes/${example.recipe}`, ROOT).href)).main as RecipeMain;
        const args = example.args.map((a) => a.startsWith("recipes/") ? new URL(a, ROOT).pathname : a);
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

/** The README's `ts` code blocks, in order. */
function codeBlocks(): string[] {
  return [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

Deno.test({
  name: "the README followed top to bottom on ONE sandbox, as a reader would: every example exits as the README says",
  async fn() {
    // As `deno task sandbox` starts it (300 connections, 10 s syncs); between two examples a reader takes a
    // minute (the sandbox clock moves on), and a recipe's waits move the sandbox clock instead of the wall clock.
    await using sandbox = await startSandbox({ connections: 300 });
    await using dir = await tempDir("atlas_readme_order_");
    const time = {
      now: () => sandbox.now(),
      sleep: async (ms: number) => {
        sandbox.advance(ms);
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
    };
    const env = {
      FIVETRAN_API_KEY: sandbox.apiKey,
      FIVETRAN_API_SECRET: sandbox.apiSecret,
      FIVETRAN_BASE_URL: sandbox.baseUrl,
    };
    const ran: string[] = [];
    const recipe = async (name: string, args: string[], expected: number) => {
      const main = (await import(new URL(`recipes/${name}`, ROOT).href)).main as RecipeMain;
      const run = await runRecipe(
        main,
        args.map((a) => a.startsWith("recipes/") ? new URL(a, ROOT).pathname : a),
        sandbox,
        time,
      );
      const what = `${ran.length + 1}. ${name} ${args.join(" ")} (after: ${ran.join("; ")})`;
      assert.equal(run.code, expected, `${what}\n${run.stdout.slice(-600)}\n${run.stderr.slice(-800)}`);
      ran.push(`${name} ${args.join(" ")}`);
      sandbox.advance(60_000);
    };

    // 1. The introduction's recipe line.
    const intro = README.match(/\*\*Run a recipe\*\*: `deno run -P recipes\/(\w+\.ts) (.*?)`/)!;
    await recipe(intro[1], shellWords(intro[2]), 0);

    // 2. The code blocks, run as the README says ("deno run --allow-net --allow-env --allow-read
    // --allow-write=logs example.ts"), with the sandbox's export line in the environment.
    const flags = README.match(
      /Run it with `deno run (--allow-net --allow-env --allow-read --allow-write=logs) example\.ts`/,
    )!;
    for (const [i, block] of codeBlocks().entries()) {
      const file = `${dir.path}/example${i + 1}.ts`;
      await Deno.writeTextFile(file, block.replaceAll('"./mod.ts"', JSON.stringify(new URL("mod.ts", ROOT).href)));
      const run = await runDeno(["run", "--no-prompt", ...flags[1].split(" "), file], { env, cwd: dir.path });
      assert.equal(run.code, 0, `code block ${i + 1}:\n${block}\n${run.stderr.slice(-800)}`);
      ran.push(`code block ${i + 1}`);
      sandbox.advance(60_000);
    }
    assert.equal(sandbox.state.connections.get("steady_orchard")?.paused, false, "the first example leaves it paused");

    // 3. The recipe table, row by row.
    for (const example of examples()) {
      await recipe(example.recipe, example.args, EXPECTED_EXIT[example.recipe] ?? 0);
    }
    // The one that exits 1 is said to in the README, with the reason.
    assert.match(README, /Each exits 0 but `cert_mgmt\.ts --group-id rapid_harbor`, which exits 1 by design/);
    // Importing by URL (not run here: tests/url_import_test.ts does, with --allow-import) says what Deno needs.
    assert.match(README, /fivetran-atlas-deno\/mod\.ts"`\. Deno then also needs\s+`--allow-import=example\.com`/);
    assert.ok(codeBlocks().length >= 2, "the README's ts code blocks were not found");
    assert.equal(ran.length, 1 + codeBlocks().length + examples().length);
  },
});
