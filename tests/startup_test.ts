// Start-up: what a recipe loads before it runs. The first `node:` import starts Deno's Node-compatibility layer
// and an `npm:` package adds npm resolution (tens of milliseconds each, bench/startup.ts), so the modules a recipe
// imports statically use neither; what only some runs need is loaded with `import()`.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Every module reached from `entry` through static imports and re-exports (not `import()`), with its specifiers. */
function staticGraph(entry: URL): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const url = todo.pop()!;
    if (graph.has(url.href)) continue;
    const source = Deno.readTextFileSync(url);
    // `import ... from "x"`, `import "x"`, `export ... from "x"`; type-only imports load nothing at run time.
    const specifiers = [
      ...source.matchAll(/^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm),
    ].map((m) => m[2]);
    graph.set(url.href, specifiers);
    for (const s of specifiers) if (s.startsWith(".")) todo.push(new URL(s, url));
  }
  return graph;
}

const RUN_DEPS = new URL("lib/_run_deps.ts", ROOT);

/** Recipes allowed a `node:` or `npm:` import, and why (each an item to remove, not a pattern to copy). */
const ALLOWED: Record<string, string> = {
  // Starts the whole sandbox in-process (its CLI module is not imported); the demo is not an everyday run.
  "demo.ts": "the sandbox",
};

Deno.test("recipes load no node: or npm: module before they run (only lazy import() may)", () => {
  const recipes = [...Deno.readDirSync(new URL("recipes/", ROOT))]
    .filter((e) => e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_"))
    .map((e) => e.name)
    .sort();
  assert.ok(recipes.length >= 15, recipes.join(", "));
  const offenders: string[] = [];
  for (const name of recipes) {
    if (name in ALLOWED) continue;
    // Every run (not --help) also loads what the runner defers to lib/_run_deps.ts.
    const graph = new Map([...staticGraph(new URL(`recipes/${name}`, ROOT)), ...staticGraph(RUN_DEPS)]);
    for (const [module, specifiers] of graph) {
      for (const s of specifiers) {
        if (/^(node|npm):/.test(s)) offenders.push(`${name}: ${module.replace(ROOT.href, "")} imports ${s}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("mod.ts loads no node: or npm: module", () => {
  const offenders = [...staticGraph(new URL("mod.ts", ROOT))]
    .flatMap(([module, specifiers]) => specifiers.filter((s) => /^(node|npm):/.test(s)).map((s) => `${module}: ${s}`));
  assert.deepEqual(offenders, []);
});

Deno.test("--help and usage errors load neither the client nor the log: the runner imports them once flags are read", () => {
  const runner = Deno.readTextFileSync(new URL("lib/recipe.ts", ROOT));
  assert.match(runner, /await import\("\.\/_run_deps\.ts"\)/);
  for (const name of ["connector_status.ts", "status_pagination.ts", "pause.ts"]) {
    const loaded = [...staticGraph(new URL(`recipes/${name}`, ROOT)).keys()].map((u) => u.replace(ROOT.href, ""));
    for (const deferred of ["lib/client/client.ts", "lib/client/send.ts", "lib/client/transport.ts", "lib/log.ts"]) {
      assert.ok(!loaded.includes(deferred), `${name} loads ${deferred} before its flags are read`);
    }
  }
});
