// Recipe tables in a terminal: they fit its width (the widest columns cut with …), are printed page by page when
// the rows come a page at a time, and stay full width with --json or when stdout is not a terminal.
import assert from "node:assert/strict";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { runRecipe } from "./_harness.ts";
import { main as statusPagination } from "../recipes/status_pagination.ts";
import { main as connectionStatus } from "../recipes/connection_status.ts";
import { main as schemaEdit } from "../recipes/schema_edit.ts";
import { main as migrateGroup } from "../recipes/migrate_group.ts";
import { tempDir } from "./_server.ts";

const tableLines = (text: string) => text.split("\n").filter((l) => /^[┌│├└]/.test(l));
const width = (line: string) => [...line].length;

Deno.test("recipe tables fit a 100-column terminal, and are full width with --json or when not a terminal", async () => {
  await using sb = await startSandbox({ connections: 2400 });
  const args = ["--group-id", DEMO.bigGroupId, "--limit", "1000"];
  const piped = await runRecipe(statusPagination, args, sb);
  assert.equal(piped.code, 0, piped.stderr);
  const full = tableLines(piped.stdout);
  assert.equal(full.length, 1680 + 4);
  const fullWidth = Math.max(...full.map(width));
  assert.ok(fullWidth > 100, `the demo table is ${fullWidth} wide`);

  const terminal = await runRecipe(statusPagination, args, sb, { columns: 100 });
  assert.equal(terminal.code, 0, terminal.stderr);
  const fitted = tableLines(terminal.stdout);
  assert.equal(fitted.length, 1680 + 4);
  assert.ok(fitted.every((l) => width(l) === 100), fitted.find((l) => width(l) !== 100));
  assert.ok(fitted.some((l) => l.includes("…")));
  assert.match(terminal.stdout, /^1680 connections in group rapid_harbor, 2 pages of up to 1000$/m);

  const json = await runRecipe(statusPagination, [...args, "--json"], sb, { columns: 100 });
  assert.equal(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout).connections as { id: string; service: string }[];
  assert.equal(listed.length, 1680);
  const longest = Math.max(...listed.map((c) => c.service.length));
  assert.ok(listed.some((c) => c.service.length === longest && piped.stdout.includes(c.service)));

  const many = await runRecipe(connectionStatus, ["--state", "paused"], sb, { columns: 100 });
  assert.equal(many.code, 0, many.stderr);
  const manyLines = tableLines(many.stdout);
  assert.ok(manyLines.length > 4);
  assert.ok(manyLines.every((l) => width(l) <= 100), manyLines.find((l) => width(l) > 100));
});

Deno.test("status_pagination.ts in a terminal prints the first page's rows before it asks for the next page", async () => {
  await using sb = await startSandbox({});
  const firstRowAfter: number[] = [];
  const lines: string[] = [];
  const r = await runRecipe(statusPagination, ["--group-id", DEMO.bigGroupId, "--limit", "100"], sb, {
    columns: 200,
    stdout: (line) => {
      if (/^│ /.test(line) && lines.filter((l) => /^│ /.test(l)).length === 1) {
        firstRowAfter.push(sb.journal().filter((e) => e.path.endsWith("/connections")).length);
      }
      lines.push(line);
    },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(firstRowAfter, [1], "the first row was printed after one page had been fetched");
  const rows = lines.filter((l) => /^│ /.test(l));
  assert.equal(rows.length, 1 + 210, "header and every connection");
  assert.equal(new Set(tableLines(lines.join("\n")).map(width)).size, 1, "one table, all lines equal");
  assert.equal(lines.filter((l) => l.startsWith("Call: ")).length, 1, "one Call: line: the others would cut the table");
  assert.equal(sb.journal().filter((e) => e.path.endsWith("/connections")).length, 3);
});

Deno.test("schema_edit.ts --from fits its table of changes to the terminal's width", async () => {
  await using sb = await startSandbox({});
  await using dir = await tempDir();
  const path = `${dir.path}/schema.json`;
  const file = {
    schemas: { sales: { enabled: true, tables: { Orders: { columns: { CustomerID: { hashed: true } } } } } },
  };
  await Deno.writeTextFile(path, JSON.stringify(file));
  const args = ["--connection-id", "steady_orchard", "--from", path, "--dry-run"];
  const piped = await runRecipe(schemaEdit, args, sb);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(tableLines(piped.stdout).every((l) => width(l) > 40), piped.stdout);
  const terminal = await runRecipe(schemaEdit, args, sb, { columns: 40 });
  assert.equal(terminal.code, 0, terminal.stderr);
  const fitted = tableLines(terminal.stdout);
  assert.ok(fitted.length >= 5, terminal.stdout);
  assert.ok(fitted.every((l) => width(l) === 40), fitted.find((l) => width(l) !== 40));
  assert.ok(fitted.some((l) => l.includes("…")));
});

Deno.test("migrate_group.ts fits its plan table to the terminal's width, as every recipe table does", async () => {
  await using sb = await startSandbox({});
  await using dir = await tempDir();
  const secrets = `${dir.path}/secrets.json`;
  const values = {
    noisy_cricket: { api_access_token: "shpat-WIDTH-4411" },
    steady_orchard: { password: "pg-WIDTH-7720" },
  };
  await Deno.writeTextFile(secrets, JSON.stringify(values));
  const args = [
    "--from-group",
    DEMO.smallGroupId,
    "--to-group",
    DEMO.dataScienceGroupId,
    "--secrets",
    secrets,
    "--dry-run",
  ];
  const piped = await runRecipe(migrateGroup, args, sb);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(tableLines(piped.stdout).every((l) => width(l) > 60), piped.stdout);
  const terminal = await runRecipe(migrateGroup, args, sb, { columns: 60 });
  assert.equal(terminal.code, 0, terminal.stderr);
  const fitted = tableLines(terminal.stdout);
  assert.equal(fitted.length, 3 + 4, terminal.stdout);
  assert.ok(fitted.every((l) => width(l) === 60), fitted.find((l) => width(l) !== 60));
  assert.ok(fitted.some((l) => l.includes("…")));
});
