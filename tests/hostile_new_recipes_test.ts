// The newer recipes and library parts against hostile input and hostile servers: names a connection only inherits
// (constructor, toString), 2xx answers that are not the answer, secrets inside URLs and Basic credentials, files
// behind symlinks or read-only, --exec programs that flood or do not exist. Each case fails without its fix.
import assert from "node:assert/strict";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { checkSchemaConfig } from "../lib/schema_config.ts";
import type { RecipeMain } from "../lib/recipe.ts";
import { main as schemaEdit } from "../recipes/schema_edit.ts";
import { main as schemaExport } from "../recipes/schema_export.ts";
import { main as setupTest } from "../recipes/setup_test.ts";
import { main as stagedLoad } from "../recipes/staged_load.ts";
import { runRecipe } from "./_harness.ts";
import { startServer, tempDir } from "./_server.ts";
import { isMutating } from "./_scale.ts";

const C = DEMO.renamedConnectionId;

Deno.test("checkSchemaConfig() refuses what is not a schema config and finds only names the connection has", () => {
  for (
    const bad of [undefined, null, "x", [], {}, { schemas: "x" }, { schemas: { s: 1 } }, {
      schemas: { s: { tables: [] } },
    }]
  ) {
    assert.equal(checkSchemaConfig(bad), undefined, JSON.stringify(bad));
  }
  const config = checkSchemaConfig({
    schema_change_handling: "ALLOW_ALL",
    schemas: { sales: { enabled: true, tables: { Orders: { enabled: false, columns: { id: { enabled: true } } } } } },
  });
  assert.ok(config);
  assert.equal(config.schemas?.["constructor"], undefined);
  assert.equal(config.schemas?.sales?.tables?.["toString"], undefined);
  assert.equal(config.schemas?.sales?.tables?.Orders?.columns?.["valueOf"], undefined);
  assert.equal(config.schemas?.sales?.tables?.Orders?.enabled, false);
  assert.equal(
    JSON.stringify(config.schemas),
    '{"sales":{"enabled":true,"tables":{"Orders":{"enabled":false,"columns":{"id":{"enabled":true}}}}}}',
  );
});

Deno.test("schema_edit.ts --from and staged_load.ts refuse a schema or table the connection only inherits (constructor): exit 2, nothing sent", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const write = async (name: string, text: string) => {
    await Deno.writeTextFile(`${dir.path}/${name}`, text);
    return `${dir.path}/${name}`;
  };
  const cases: [RecipeMain, string[], RegExp][] = [
    [
      schemaEdit,
      ["--from", await write("a.json", '{"schemas": {"constructor": {"enabled": false}}}'), "--yes"],
      /schema 'constructor' is not in the connection; nothing was sent/,
    ],
    [
      schemaEdit,
      [
        "--from",
        await write("b.json", '{"schemas": {"sales": {"tables": {"toString": {"enabled": false}}}}}'),
        "--yes",
      ],
      /table 'sales\.toString' is not in the connection/,
    ],
    [schemaEdit, ["--schema", "constructor", "--disable"], /Unknown schema 'constructor'/],
    [stagedLoad, ["--schema", "constructor"], /Unknown schema 'constructor'/],
    [stagedLoad, ["--tables", await write("t.txt", "sales.constructor\n")], /Not in connection .*: sales\.constructor/],
  ];
  for (const [main, args, reason] of cases) {
    const seq = sandbox.journal().at(-1)?.seq ?? 0;
    const run = await runRecipe(main, ["--connection-id", C, ...args], sandbox);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    const lines = run.stderr.split("\n").filter(Boolean);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], reason);
    assert.deepEqual(sandbox.journal(seq).filter(isMutating), [], `${args.join(" ")} sent a change`);
  }
});

Deno.test("schema_export.ts, staged_load.ts and setup_test.ts call a 2xx that is not the answer a failure (exit 1), never success", async () => {
  await using dir = await tempDir();
  const tables = `${dir.path}/tables.txt`;
  await Deno.writeTextFile(tables, "sales.Orders\n");
  const answers: [string, (() => Response)][] = [
    ["an empty body", () => new Response("", { status: 200 })],
    ['"data": "x"', () => Response.json({ code: "Success", data: "x" })],
    ["no data", () => Response.json({ code: "Success" })],
    ["data without schemas or status", () => Response.json({ code: "Success", data: {} })],
  ];
  for (const [what, answer] of answers) {
    await using server = startServer([], { fallback: () => answer() });
    const target = { baseUrl: server.baseUrl, apiKey: "hostile_key", apiSecret: "hostile_secret" };
    const runs: [string, RecipeMain, string[], RegExp][] = [
      ["schema_export.ts", schemaExport, ["--connection-id", "c1"], /InvalidResponse/],
      ["staged_load.ts", stagedLoad, ["--connection-id", "c1", "--tables", tables, "--dry-run"], /InvalidResponse/],
      ["setup_test.ts", setupTest, ["--connection-id", "c1"], /1 failed/],
    ];
    for (const [name, main, args, reason] of runs) {
      const run = await runRecipe(main, args, target);
      assert.equal(run.code, 1, `${name} with ${what}: ${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout + run.stderr, reason, `${name} with ${what}`);
      assert.doesNotMatch(run.stdout + run.stderr, /Exported|Nothing to load|1 passing/, `${name} with ${what}`);
    }
  }
});
