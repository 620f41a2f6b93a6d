// Schema as code: schema_export.ts writes the live config as JSON or Terraform, choosing the items by the handling;
// schema_edit.ts --from applies such a file: the diff first, consent, one PATCH per changed schema, a check after,
// nothing with --dry-run, and a second run that finds nothing to do.
import assert from "node:assert/strict";
import { type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { main as schemaExport } from "../recipes/schema_export.ts";
import { main as schemaEdit } from "../recipes/schema_edit.ts";
import { exportSchemaFile, planSchemaFile, type SchemaFile, toTerraform } from "../lib/schema_file.ts";
import { runRecipe } from "./_harness.ts";
import { tempDir } from "./_server.ts";

const C = "steady_orchard";
const patches = (sandbox: Sandbox, seq = 0) =>
  sandbox.journal(seq).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
const lastSeq = (sandbox: Sandbox) => sandbox.journal().at(-1)?.seq ?? 0;

async function exported(sandbox: Sandbox, args: string[]): Promise<SchemaFile> {
  const run = await runRecipe(schemaExport, ["--connection-id", C, ...args], sandbox);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("schema_export.ts writes the items each handling does not imply (the live config has AuditLog disabled)", async () => {
  await using sandbox = await startSandbox();
  // ALLOW_ALL: only what is disabled.
  assert.deepEqual(await exported(sandbox, ["--handling", "ALLOW_ALL"]), {
    connection_id: C,
    schema_change_handling: "ALLOW_ALL",
    schemas: {
      sales: {
        enabled: true,
        tables: {
          AuditLog: { enabled: false },
          // Hashed columns are always written.
          Customers: { enabled: true, columns: { EmailAddress: { enabled: true, hashed: true } } },
        },
      },
    },
  });
  // ALLOW_COLUMNS (the connection's own, so the default): enabled schemas and tables, no disabled column.
  const allowColumns = await exported(sandbox, []);
  assert.equal(allowColumns.schema_change_handling, "ALLOW_COLUMNS");
  assert.deepEqual(Object.keys(allowColumns.schemas.sales.tables!).sort(), ["Customers", "OrderItems", "Orders"]);
  assert.deepEqual(allowColumns.schemas.public, { enabled: true, tables: { Products: { enabled: true } } });
  // BLOCK_ALL: enabled schemas, tables and their enabled columns.
  const blockAll = await exported(sandbox, ["--handling", "block_all"]);
  assert.equal(blockAll.schemas.sales.tables!.AuditLog, undefined);
  assert.equal(Object.keys(blockAll.schemas.sales.tables!.Orders.columns!).length, 5);
});

Deno.test("schema_export.ts --format terraform writes a fivetran_connector_schema_config resource in the schemas-map form", async () => {
  await using sandbox = await startSandbox();
  const run = await runRecipe(schemaExport, [
    "--connection-id",
    C,
    "--format",
    "terraform",
    "--handling",
    "ALLOW_ALL",
  ], sandbox);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    [
      'resource "fivetran_connector_schema_config" "steady_orchard" {',
      '  connector_id           = "steady_orchard"',
      '  schema_change_handling = "ALLOW_ALL"',
      "  schemas = {",
      '    "sales" = {',
      "      enabled = true",
      "      tables = {",
      '        "Customers" = {',
      "          enabled = true",
      "          columns = {",
      '            "EmailAddress" = { enabled = true, hashed = true }',
      "          }",
      "        }",
      '        "AuditLog" = {',
      "          enabled = false",
      "        }",
      "      }",
      "    }",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  assert.match(run.stderr, /Exported 1 schema, 2 tables and 1 column of steady_orchard as terraform \(ALLOW_ALL: /);
  assert.deepEqual(patches(sandbox), []);
  assert.equal(sandbox.journal().length, 1);
});

Deno.test("toTerraform() quotes names (and escapes template markers), hashed columns included", () => {
  const hcl = toTerraform({
    schema_change_handling: "ALLOW_COLUMNS",
    schemas: {
      'we"ird ${x}': {
        enabled: true,
        tables: { T: { enabled: true, columns: { Email: { enabled: true, hashed: true } } } },
      },
    },
  }, { connectionId: "9lives" });
  assert.match(hcl, /^resource "fivetran_connector_schema_config" "_9lives" \{/);
  assert.match(hcl, /"we\\"ird \$\$\{x\}" = \{/);
  assert.match(hcl, /"Email" = \{ enabled = true, hashed = true \}/);
  assert.equal([...hcl].filter((c) => c === "{").length, [...hcl].filter((c) => c === "}").length);
});

Deno.test("schema_edit.ts --from shows the diff, needs consent, sends one PATCH per changed schema, and a rerun sends none", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const file = await exported(sandbox, ["--handling", "ALLOW_ALL"]);
  // Edit the file: enable AuditLog again, disable Customers, hash a column, disable the public schema, change handling.
  file.schemas.sales.tables = {
    ...file.schemas.sales.tables,
    AuditLog: { enabled: true },
    Customers: { enabled: false },
    Orders: { enabled: true, columns: { CustomerID: { enabled: true, hashed: true } } },
  };
  file.schemas.public = { enabled: false };
  file.schema_change_handling = "BLOCK_ALL";
  const path = `${dir.path}/schema.json`;
  await Deno.writeTextFile(path, JSON.stringify(file));

  const dry = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path, "--dry-run", "--json"], sandbox);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout);
  assert.equal(plan.changes.length, 5);
  assert.equal(plan.requests, 3);
  assert.match(dry.stderr, /Call: PATCH connections\/steady_orchard\/schemas\/sales/);
  assert.deepEqual(patches(sandbox), []);

  const refused = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path], sandbox);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /Refusing without consent: Apply 5 changes in 2 schemas and the handling: 3 PATCH/);
  assert.match(refused.stdout, /sales\.Orders\.CustomerID\s*│ hashed\s*│ false\s*│ true/);
  assert.deepEqual(patches(sandbox), []);

  const applied = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path, "--yes"], sandbox);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Applied: 5 changes/);
  assert.deepEqual(patches(sandbox), [
    "PATCH /v1/connections/steady_orchard/schemas/sales",
    "PATCH /v1/connections/steady_orchard/schemas/public",
    "PATCH /v1/connections/steady_orchard/schemas",
  ]);
  const sales = sandbox.journal().find((e) => e.path.endsWith("/schemas/sales"))!.body;
  assert.deepEqual(sales, {
    enabled: true,
    tables: {
      AuditLog: { enabled: true },
      Customers: { enabled: false },
      Orders: { enabled: true, columns: { CustomerID: { enabled: true, hashed: true } } },
    },
  });
  const seq = lastSeq(sandbox);
  const again = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path, "--yes"], sandbox);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Nothing to change/);
  assert.deepEqual(patches(sandbox, seq), []);
  // And the export now reflects it.
  const now = await exported(sandbox, []);
  assert.equal(now.schema_change_handling, "BLOCK_ALL");
  assert.equal(now.schemas.public, undefined);
});

Deno.test("schema_edit.ts --from refuses a bad file or unknown names with exit 2 and sends nothing", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const write = async (name: string, value: unknown) => {
    await Deno.writeTextFile(`${dir.path}/${name}`, typeof value === "string" ? value : JSON.stringify(value));
    return `${dir.path}/${name}`;
  };
  const cases: [string[], RegExp][] = [
    [["--from", await write("a.json", { schemas: { nope: { enabled: false } } })], /schema 'nope' is not in/],
    [
      ["--from", await write("b.json", { schemas: { sales: { tables: { Nope: { enabled: false } } } } })],
      /'sales\.Nope'/,
    ],
    [["--from", await write("c.json", { schemas: [] })], /"schemas" object/],
    [["--from", await write("d.json", { schemas: { sales: { enabled: "yes" } } })], /schemas\.sales\.enabled must be/],
    [["--from", await write("e.json", { schema_change_handling: "SOME", schemas: {} })], /schema_change_handling must/],
    [["--from", await write("f.json", "{oops")], /to hold JSON/],
    [["--from", `${dir.path}/missing.json`], /Cannot read schema file/],
    [["--from", await write("g.json", { schemas: {} }), "--schema", "sales"], /--from goes alone/],
    [["--schema", "sales", "--disable", "--yes"], /--yes only goes with --from/],
    [
      [
        "--from",
        await write("h.json", {
          schemas: { sales: { tables: { Orders: { columns: { OrderID: { enabled: false } } } } } },
        }),
      ],
      /sales\.Orders\.OrderID cannot be switched \(Primary key columns can't be disabled\)/,
    ],
  ];
  for (const [args, reason] of cases) {
    const run = await runRecipe(schemaEdit, ["--connection-id", C, ...args], sandbox);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, reason, args.join(" "));
  }
  assert.deepEqual(patches(sandbox), []);
  const badExport: [string[], RegExp][] = [
    [["--format", "yaml"], /--format to be json or terraform/],
    [["--handling", "SOME"], /--handling to be one of/],
    [["--resource-name", "x"], /only goes with --format terraform/],
  ];
  for (const [args, reason] of badExport) {
    const run = await runRecipe(schemaExport, ["--connection-id", C, ...args], sandbox);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, reason);
  }
});

Deno.test("planSchemaFile() sends a column the API does not list, and leaves unlisted items alone", () => {
  const live = {
    schema_change_handling: "ALLOW_ALL" as const,
    schemas: { s: { enabled: true, tables: { t: { enabled: true, columns: {} }, u: { enabled: false } } } },
  };
  const plan = planSchemaFile(live, { schemas: { s: { tables: { t: { columns: { c: { enabled: false } } } } } } });
  assert.deepEqual(plan.schemaPatches, [{
    schema: "s",
    body: { enabled: true, tables: { t: { enabled: true, columns: { c: { enabled: false } } } } },
  }]);
  assert.equal(plan.changes[0].live, undefined);
  assert.deepEqual(exportSchemaFile(live, { handling: "ALLOW_ALL" }).schemas, {
    s: { enabled: true, tables: { u: { enabled: false } } },
  });
  assert.throws(() => exportSchemaFile(live, { handling: "NOPE" }), RangeError);
});

Deno.test("schema_edit.ts --from says what was applied when a request fails half way (exit 1), and a rerun finishes", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const path = `${dir.path}/schema.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ schemas: { sales: { tables: { Orders: { enabled: false } } }, public: { enabled: false } } }),
  );
  const failing = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path, "--yes"], sandbox, {
    clientOptions: {
      fetch: (input, init) =>
        init?.method === "PATCH" && String(input).endsWith("/schemas/public")
          ? Promise.resolve(new Response('{"code":"ServerError","message":"down"}', { status: 503 }))
          : fetch(input, init),
    },
  });
  assert.equal(failing.code, 1, failing.stderr);
  assert.match(failing.stderr, /Applied 1 of 2 requests \(sales\); 1 not applied\. Run the same command again/);
  assert.deepEqual(patches(sandbox), ["PATCH /v1/connections/steady_orchard/schemas/sales"]);
  const rerun = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path, "--yes"], sandbox);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stdout, /Applied: 1 change in 1 schema: 1 PATCH request/);
  assert.equal(patches(sandbox).at(-1), "PATCH /v1/connections/steady_orchard/schemas/public");
});
