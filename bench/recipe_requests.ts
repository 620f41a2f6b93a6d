// What the recipes of issue 13 send, counted in the sandbox's request journal: requests per run and per connection,
// so a run can be sized against the rate limit. Each recipe runs in-process on a fresh demo account.
//
//   deno run --allow-all bench/recipe_requests.ts          # a table
//   deno run --allow-all bench/recipe_requests.ts --json   # the same as JSON
import { parseArgs } from "node:util";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import type { RecipeMain } from "../lib/recipe.ts";
import { runRecipe } from "../tests/_harness.ts";
import { main as setupTest } from "../recipes/setup_test.ts";
import { main as schemaExport } from "../recipes/schema_export.ts";
import { main as schemaEdit } from "../recipes/schema_edit.ts";
import { main as syncMonitor } from "../recipes/sync_monitor.ts";
import { main as migrateGroup } from "../recipes/migrate_group.ts";
import { main as stagedLoad } from "../recipes/staged_load.ts";
import { main as accountReport } from "../recipes/account_report.ts";

const { values } = parseArgs({ args: Deno.args, options: { json: { type: "boolean" } } });
const dir = await Deno.makeTempDir({ prefix: "atlas_requests_" });

interface Case {
  recipe: string;
  args: string[];
  main: RecipeMain;
  /** How many connections the run is about. */
  connections: (sandbox: Sandbox) => number;
  /** Prepares the account (requests sent here are not counted). */
  before?: (sandbox: Sandbox) => Promise<void>;
  /** Real sleeps (for recipes that wait on the sandbox's clock). */
  sleep?: boolean;
}

const api = (sandbox: Sandbox, method: string, path: string, body?: unknown) =>
  fetch(`${sandbox.baseUrl}/${path}`, {
    method,
    headers: { authorization: sandbox.authorization, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).then((r) => r.body?.cancel());

const inGroup = (g: string) => (s: Sandbox) => s.state.connections.byKey(g).length;
const broken = (g: string) => (s: Sandbox) =>
  s.state.connections.byKey(g).filter((c) => c.setupState === "broken").length;

await Deno.writeTextFile(
  `${dir}/secrets.json`,
  JSON.stringify({ noisy_cricket: { api_access_token: "t" }, steady_orchard: { password: "p" } }),
);
await Deno.writeTextFile(
  `${dir}/schema.json`,
  JSON.stringify({
    schemas: {
      sales: { enabled: true, tables: { Orders: { enabled: false }, Customers: { enabled: false } } },
      public: { enabled: false },
    },
  }),
);

const CASES: Case[] = [
  {
    recipe: "setup_test.ts (one connection)",
    args: ["--connection-id", DEMO.certBrokenConnectionId],
    main: setupTest,
    connections: () => 1,
  },
  {
    recipe: "setup_test.ts (a group's broken ones)",
    args: ["--group-id", DEMO.bigGroupId],
    main: setupTest,
    connections: broken(DEMO.bigGroupId),
  },
  {
    recipe: "schema_export.ts",
    args: ["--connection-id", DEMO.renamedConnectionId, "--format", "terraform"],
    main: schemaExport,
    connections: () => 1,
  },
  {
    recipe: "schema_edit.ts --from (2 schemas changed)",
    args: ["--connection-id", DEMO.renamedConnectionId, "--from", `${dir}/schema.json`, "--yes"],
    main: schemaEdit,
    connections: () => 1,
  },
  {
    recipe: "sync_monitor.ts --once (the account)",
    args: ["--once"],
    main: syncMonitor,
    connections: (s) => s.state.connections.all().length,
  },
  {
    recipe: "migrate_group.ts",
    args: [
      "--from-group",
      DEMO.smallGroupId,
      "--to-group",
      DEMO.dataScienceGroupId,
      "--secrets",
      `${dir}/secrets.json`,
    ],
    main: migrateGroup,
    connections: inGroup(DEMO.smallGroupId),
  },
  {
    recipe: "staged_load.ts (4 tables, batches of 2)",
    args: ["--connection-id", DEMO.renamedConnectionId, "--schema", "sales", "--batch", "2", "--poll-interval", "0.05"],
    main: stagedLoad,
    connections: () => 1,
    before: (s) =>
      api(s, "PATCH", `connections/${DEMO.renamedConnectionId}/schemas/sales`, {
        enabled: true,
        tables: { Orders: { enabled: false }, OrderItems: { enabled: false }, Customers: { enabled: false } },
      }),
    sleep: true,
  },
  {
    recipe: "account_report.ts (the account)",
    args: ["--output", `${dir}/report.html`],
    main: accountReport,
    connections: (s) => s.state.connections.all().length,
  },
];

const rows: { recipe: string; requests: Record<string, number>; total: number; connections: number }[] = [];
try {
  for (const c of CASES) {
    await using sandbox = await startSandbox({ syncSeconds: 0.2 });
    await c.before?.(sandbox);
    const seq = sandbox.journal().at(-1)?.seq ?? 0;
    const run = await runRecipe(
      c.main,
      c.args,
      sandbox,
      c.sleep ? { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) } : {},
    );
    if (![0, 1].includes(run.code)) throw new Error(`${c.recipe}: exit ${run.code}: ${run.stderr.slice(-300)}`);
    const requests: Record<string, number> = {};
    for (const e of sandbox.journal(seq)) requests[e.method] = (requests[e.method] ?? 0) + 1;
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    rows.push({ recipe: c.recipe, requests, total, connections: c.connections(sandbox) });
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

if (values.json) console.log(JSON.stringify(rows, null, 2));
else {
  console.log("| recipe | requests | connections | per connection |");
  console.log("| --- | --- | --- | --- |");
  for (const r of rows) {
    const by = Object.entries(r.requests).map(([m, n]) => `${n} ${m}`).join(" + ");
    console.log(`| ${r.recipe} | ${r.total} (${by}) | ${r.connections} | ${(r.total / r.connections).toFixed(2)} |`);
  }
}
