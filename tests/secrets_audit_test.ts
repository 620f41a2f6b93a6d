// Secrets audit: every recipe in recipes/*.ts, run with distinctive secret values — the API key and secret, connector
// and destination passwords in config, payload and secrets files, a webhook secret from a file and from the
// environment — and against an account whose stored configs hold secrets, prints none of them on stdout or stderr
// and writes none to the log. Each recipe runs in its ordinary form (exit code checked, so the run really got to its
// work), in its --json and --dry-run forms where it has them, and again under the fault mix (errors printed).
// The recipes folder is listed: a new recipe without an entry in RUNS fails the test.
import assert from "node:assert/strict";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { isSecretKey } from "../lib/mask.ts";
import { openLog } from "../lib/log.ts";
import type { RecipeDeps, RecipeMain } from "../lib/recipe.ts";
import { runRecipe, type RunResult } from "./_harness.ts";
import { ROOT, runDeno, tempDir } from "./_server.ts";
import { fastSleep, FAULT_SEED, FAULTS } from "./_scale.ts";

const RECIPES = new URL("../recipes/", import.meta.url);
const C_ID = DEMO.renamedConnectionId;

/** The distinctive values this audit plants. None may be printed or logged, whole or base64-encoded. */
const PLANTED = {
  apiKey: "apikey-AUDIT-22b7c0",
  apiSecret: "apisecret-AUDIT-7f3c9e1d",
  createPassword: "createpw-AUDIT-5521",
  createToken: "createtok-AUDIT-0931",
  destinationPassword: "destpw-AUDIT-9034",
  updatePassword: "updatepw-AUDIT-1187",
  copyPassword: "copypw-AUDIT-6402",
  webhookFile: "whsec-file-AUDIT-3310",
  webhookEnv: "whsec-env-AUDIT-8826",
};

interface Files {
  createConfig: string;
  destinationConfig: string;
  updatePayload: string;
  copySecrets: string;
  migrateSecrets: string;
  webhookSecret: string;
  team: string;
  user: string;
  sql: string;
}

/** One run of a recipe. */
interface Run {
  /** The arguments, given the files written for the audit. */
  args: (f: Files) => string[];
  /** Exit code of the clean run (default 0). */
  code?: number;
  /** Environment variables set for this run (restored afterwards). */
  env?: Record<string, string>;
  /** Planted secrets the clean run must have delivered to the account (proof it really used them). */
  delivers?: (keyof typeof PLANTED)[];
}

/**
 * Every recipe and how to run it. A recipe in recipes/ without an entry fails the audit: add its runs here.
 * `demo.ts` starts its own sandbox and is run as it is (its own secrets are audited instead).
 */
const RUNS: Record<string, Run[]> = {
  "account_report.ts": [
    { args: (f) => ["--output", f.sql.replace(/orders\.sql$/, "report.html")] },
    { args: (f) => ["--group-id", DEMO.bigGroupId, "--output", f.sql.replace(/orders\.sql$/, "big.html"), "--json"] },
  ],
  "cert_mgmt.ts": [
    // Two of the big group's broken connections have bad credentials, which trusting cannot fix: exit 1.
    { args: () => ["--group-id", DEMO.bigGroupId, "--limit", "100"], code: 1 },
    { args: () => ["--group-id", DEMO.bigGroupId, "--dry-run", "--json"] },
  ],
  "connection_status.ts": [
    { args: () => ["--state", "broken"] },
    { args: () => ["--state", "connected", "--json"] },
  ],
  "connector_status.ts": [
    { args: () => ["--connection-id", DEMO.renamedConnectionId] },
    { args: () => ["--connection-id", DEMO.credentialsBrokenConnectionId, "--json"] },
  ],
  "copy_connector.ts": [
    {
      args: (f) => [
        "--connection-id",
        DEMO.renamedConnectionId,
        "--to-group",
        DEMO.marketingGroupId,
        "--secrets",
        f.copySecrets,
      ],
      delivers: ["copyPassword"],
    },
    {
      args: (f) => [
        "--connection-id",
        DEMO.renamedConnectionId,
        "--to-group",
        DEMO.financeGroupId,
        "--secrets",
        f.copySecrets,
        "--dry-run",
        "--json",
      ],
    },
  ],
  "create_connector.ts": [
    {
      args: (f) => ["--group-id", DEMO.smallGroupId, "--config", f.createConfig, "--schema", "audit_a"],
      delivers: ["createPassword", "createToken"],
    },
    {
      args: (f) => ["--group-id", DEMO.smallGroupId, "--config", f.createConfig, "--schema", "audit_b", "--json"],
    },
    { args: (f) => ["--group-id", DEMO.smallGroupId, "--config", f.createConfig, "--schema", "audit_c", "--dry-run"] },
  ],
  "delete_connector.ts": [
    { args: () => ["--connection-id", DEMO.warningConnectionId, "--dry-run"] },
    { args: () => ["--connection-id", DEMO.warningConnectionId, "--yes", "--json"] },
  ],
  "demo.ts": [{ args: () => ["--sync-seconds", "0.2", "--poll-interval", "0.05"] }],
  "new_group_destination.ts": [
    { args: (f) => ["--name", "audit_group", "--config", f.destinationConfig], delivers: ["destinationPassword"] },
    { args: (f) => ["--name", "audit_group_dry", "--config", f.destinationConfig, "--dry-run", "--json"] },
  ],
  "new_group_webhook.ts": [
    {
      args: (f) => [
        "--group-id",
        DEMO.smallGroupId,
        "--url",
        "https://hooks.example.com/audit",
        "--event",
        "sync_end",
        "--secret-file",
        f.webhookSecret,
      ],
      delivers: ["webhookFile"],
    },
    {
      args: () => ["--group-id", DEMO.financeGroupId, "--url", "https://hooks.example.com/env", "--event", "sync_end"],
      env: { FIVETRAN_WEBHOOK_SECRET: PLANTED.webhookEnv },
      delivers: ["webhookEnv"],
    },
    {
      args: (f) => [
        "--group-id",
        DEMO.marketingGroupId,
        "--url",
        "https://hooks.example.com/dry",
        "--event",
        "sync_start",
        "--secret-file",
        f.webhookSecret,
        "--dry-run",
        "--json",
      ],
    },
  ],
  "new_team.ts": [
    { args: (f) => ["--payload", f.team] },
    { args: () => ["--name", "audit_team_dry", "--role", "Account Reviewer", "--dry-run", "--json"] },
  ],
  "new_user.ts": [
    { args: (f) => ["--payload", f.user] },
    { args: (f) => ["--payload", f.user, "--email", "audit.dry@example.com", "--dry-run", "--json"] },
  ],
  "pause.ts": [
    { args: () => ["--connection-id", DEMO.renamedConnectionId] },
    { args: () => ["--group-id", DEMO.smallGroupId, "--resume", "--json"] },
    {
      args: () => [
        "--connection-id",
        DEMO.renamedConnectionId,
        "--sync",
        "--wait",
        "--poll-interval",
        "0.01",
        "--timeout",
        "60",
      ],
    },
  ],
  "run_transformation.ts": [
    { args: () => ["--transformation-id", DEMO.succeedingTransformationId] },
    { args: () => ["--transformation-id", DEMO.succeedingTransformationId, "--dry-run", "--json"] },
  ],
  "schema_edit.ts": [
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--schema", "sales", "--disable-table", "Orders"] },
    {
      args:
        () => ["--connection-id", DEMO.renamedConnectionId, "--schema", "sales", "--disable", "--dry-run", "--json"],
    },
  ],
  "sql_writer.ts": [
    { args: (f) => ["--connection-id", DEMO.renamedConnectionId, "--file", f.sql, "--check", "--json"], code: 1 },
    { args: (f) => ["--connection-id", DEMO.renamedConnectionId, "--file", f.sql] },
  ],
  "status_pagination.ts": [
    { args: () => ["--group-id", DEMO.smallGroupId, "--limit", "2"] },
    { args: () => ["--group-id", DEMO.bigGroupId, "--limit", "100", "--json"] },
  ],
  "table_sync.ts": [
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--table", "sales.Orders", "--yes"] },
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--table", "sales.Customers", "--dry-run", "--json"] },
  ],
  "update_connector.ts": [
    {
      args: (f) => ["--connection-id", DEMO.renamedConnectionId, "--payload", f.updatePayload],
      delivers: ["updatePassword"],
    },
    {
      args: (f) => [
        "--connection-id",
        DEMO.renamedConnectionId,
        "--payload",
        f.updatePayload,
        "--set",
        "sync_frequency=360",
        "--dry-run",
        "--json",
      ],
    },
  ],
  "migrate_group.ts": [
    {
      args: (
        f,
      ) => ["--from-group", DEMO.smallGroupId, "--to-group", DEMO.financeGroupId, "--secrets", f.migrateSecrets],
      delivers: ["copyPassword", "updatePassword"],
    },
    {
      args: (f) => [
        "--from-group",
        DEMO.smallGroupId,
        "--to-group",
        DEMO.marketingGroupId,
        "--secrets",
        f.migrateSecrets,
        "--dry-run",
        "--json",
      ],
    },
  ],
  "schema_export.ts": [
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--format", "terraform"] },
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--json"] },
  ],
  "setup_test.ts": [
    { args: () => ["--connection-id", DEMO.credentialsBrokenConnectionId], code: 1 },
    { args: () => ["--group-id", DEMO.bigGroupId, "--trust-certificates", "--json"], code: 1 },
    { args: () => ["--group-id", DEMO.bigGroupId, "--dry-run"] },
  ],
  "staged_load.ts": [
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--schema", "sales", "--batch", "1"] },
    { args: () => ["--connection-id", DEMO.renamedConnectionId, "--schema", "sales", "--dry-run", "--json"] },
  ],
  "sync_monitor.ts": [
    { args: () => ["--group-id", DEMO.smallGroupId, "--once"] },
    { args: () => ["--group-id", DEMO.smallGroupId, "--until", "idle", "--interval", "0.1", "--json"] },
  ],
  "webhook_listener.ts": [
    { args: (f) => ["--port", "0", "--secret-file", f.webhookSecret, "--duration", "1"] },
    { args: () => ["--port", "0", "--duration", "1", "--json"], env: { FIVETRAN_WEBHOOK_SECRET: PLANTED.webhookEnv } },
  ],
};

async function writeFiles(dir: string): Promise<Files> {
  const write = async (name: string, value: unknown) => {
    const path = `${dir}/${name}`;
    await Deno.writeTextFile(path, typeof value === "string" ? value : JSON.stringify(value, null, 2));
    return path;
  };
  return {
    createConfig: await write("create.json", {
      service: "postgres",
      run_setup_tests: false,
      config: {
        host: "db.example.internal",
        port: 5432,
        database: "shop",
        user: "reader",
        password: PLANTED.createPassword,
        client_private_key: PLANTED.createToken,
      },
    }),
    destinationConfig: await write("destination.json", {
      service: "snowflake",
      region: "AWS_US_EAST_1",
      time_zone_offset: "0",
      config: {
        host: "acme.snowflakecomputing.com",
        port: 443,
        database: "FIVETRAN",
        auth: "PASSWORD",
        user: "LOADER",
        password: PLANTED.destinationPassword,
      },
    }),
    updatePayload: await write("update.json", { sync_frequency: 720, config: { password: PLANTED.updatePassword } }),
    copySecrets: await write("copy_secrets.json", { password: PLANTED.copyPassword }),
    migrateSecrets: await write("migrate_secrets.json", {
      steady_orchard: { password: PLANTED.copyPassword },
      noisy_cricket: { api_access_token: PLANTED.updatePassword },
    }),
    webhookSecret: await write("webhook_secret.txt", `${PLANTED.webhookFile}\n`),
    team: await write("team.json", { name: "audit_team", description: "Audit", role: "Account Analyst" }),
    user: await write("user.json", {
      email: "audit.user@example.com",
      given_name: "Audit",
      family_name: "User",
      role: "Account Reviewer",
    }),
    sql: await write("orders.sql", "SELECT CustomerID, total FROM sales.Orders WHERE total > 10;\n"),
  };
}

/** Every secret the sandbox account stores (connection and destination configs, webhook secrets). */
function storedSecrets(sandbox: Sandbox): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, secret: boolean) => {
    if (typeof value === "string") {
      // Only values that cannot also be ordinary words (e.g. `auth: "PASSWORD"` names a method, not a secret).
      if (secret && value.length >= 8 && /\d/.test(value)) found.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, secret);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, secret || isSecretKey(k));
    }
  };
  for (const c of sandbox.state.connections.all()) walk(c.config, false);
  for (const d of sandbox.state.destinations.all()) walk(d.config, false);
  for (const w of sandbox.state.webhooks.all()) walk({ secret: w.secret }, false);
  return [...found];
}

/** The forbidden strings: what was planted, the credentials (also as the Basic header) and the account's secrets. */
function forbidden(sandbox: Sandbox): string[] {
  return [
    ...Object.values(PLANTED),
    sandbox.apiKey,
    sandbox.apiSecret,
    btoa(`${sandbox.apiKey}:${sandbox.apiSecret}`),
    ...storedSecrets(sandbox),
  ];
}

function leaks(run: RunResult, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of [["stdout", run.stdout], ["stderr", run.stderr], ["log", run.log]] as const) {
    for (const s of secrets) if (text.includes(s)) found.push(`${where} holds '${s}'`);
  }
  return found;
}

async function withEnv<T>(env: Record<string, string> | undefined, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env ?? {}).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(env ?? {})) Deno.env.set(k, v);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}

/** demo.ts starts its own sandbox: run it as is, capturing what it prints and logs. */
async function runDemo(main: RecipeMain, args: string[]): Promise<RunResult> {
  await using dir = await tempDir("atlas_audit_demo_");
  const out: string[] = [];
  const err: string[] = [];
  const log = openLog({ path: `${dir.path}/fivetran.log` });
  let code: number;
  try {
    code = await main(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), log, isTerminal: () => false });
  } finally {
    log.close();
  }
  const logText = [...Deno.readDirSync(dir.path)].map((e) => Deno.readTextFileSync(`${dir.path}/${e.name}`)).join("");
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), log: logText };
}

async function recipeFiles(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(RECIPES)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) names.push(e.name);
  }
  return names.sort();
}

Deno.test("every recipe in recipes/ has an entry in the secrets audit", async () => {
  const files = await recipeFiles();
  const missing = files.filter((f) => !RUNS[f]);
  assert.deepEqual(missing, [], `add these recipes to RUNS in tests/secrets_audit_test.ts: ${missing.join(", ")}`);
  const stale = Object.keys(RUNS).filter((f) => !files.includes(f));
  assert.deepEqual(stale, [], `RUNS names recipes that no longer exist: ${stale.join(", ")}`);
});

for (const mode of ["clean", "faults"] as const) {
  Deno.test(`secrets audit (${mode}): no recipe prints or logs an API secret, a password or a webhook secret`, async (t) => {
    await using dir = await tempDir("atlas_audit_");
    const files = await writeFiles(dir.path);
    for (const name of await recipeFiles()) {
      const runs = RUNS[name];
      if (!runs) continue; // reported by the test above
      const { main } = await import(new URL(name, RECIPES).href) as { main: RecipeMain };
      await t.step(name, async () => {
        for (const run of runs) {
          const args = run.args(files);
          if (name === "demo.ts") {
            if (mode === "faults") continue; // its sandbox is its own, without faults
            const result = await runDemo(main, args);
            assert.equal(result.code, 0, result.stderr.slice(-300));
            assert.deepEqual(leaks(result, ["sandbox_api_secret", "whsec-demo-3141", "loader-pass-8841"]), []);
            assert.ok(!/s3cr3t-\d{6}-\d{4}/.test(result.stdout + result.stderr + result.log), "demo leaks a password");
            continue;
          }
          await using sandbox = await startSandbox({
            apiKey: PLANTED.apiKey,
            apiSecret: PLANTED.apiSecret,
            syncSeconds: 0.05,
            ...(mode === "faults" ? { faults: FAULTS, randomSeed: FAULT_SEED } : {}),
          });
          const time = fastSleep();
          const deps: RecipeDeps = {
            sleep: time.sleep,
            clientOptions: { sleep: time.sleep, ...(mode === "faults" ? { maxRetries: 1 } : {}) },
          };
          const result = await withEnv(run.env, () => runRecipe(main, args, sandbox, deps));
          const what = `${name} ${args.join(" ")}`;
          if (mode === "clean") {
            assert.equal(result.code, run.code ?? 0, `${what}: ${result.stderr.slice(-300)}`);
            const stored = storedSecrets(sandbox);
            for (const k of run.delivers ?? []) {
              assert.ok(stored.includes(PLANTED[k]), `${what}: ${k} never reached the API`);
            }
          } else assert.ok([0, 1].includes(result.code), `${what} exit ${result.code}: ${result.stderr.slice(-300)}`);
          assert.deepEqual(leaks(result, forbidden(sandbox)), [], what);
        }
      });
    }
  });
}

Deno.test("secrets audit in a real process: credentials from the environment or FIVETRAN_CONFIG never show", async () => {
  await using dir = await tempDir("atlas_audit_proc_");
  await using sandbox = await startSandbox({ apiKey: PLANTED.apiKey, apiSecret: PLANTED.apiSecret });
  const config = `${dir.path}/fivetran.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({ fivetran: { api_key: PLANTED.apiKey, api_secret: PLANTED.apiSecret } }),
  );
  const flags = [
    "run",
    "--no-prompt",
    "--allow-read",
    "--allow-net=127.0.0.1",
    "--allow-env",
    `--allow-write=${dir.path}`,
  ];
  const recipe = (name: string, ...args: string[]) => [...flags, `${ROOT}/recipes/${name}`, ...args];
  const env = (name: string, extra: Record<string, string | undefined>) => ({
    FIVETRAN_BASE_URL: sandbox.baseUrl,
    FIVETRAN_LOG_FILE: `${dir.path}/${name}/fivetran.log`,
    ...extra,
  });
  const fromEnv = { FIVETRAN_API_KEY: PLANTED.apiKey, FIVETRAN_API_SECRET: PLANTED.apiSecret };
  const cases: [string, string[], Record<string, string | undefined>, number][] = [
    ["env", recipe("connector_status.ts", "--connection-id", DEMO.renamedConnectionId), fromEnv, 0],
    [
      "config",
      recipe("status_pagination.ts", "--group-id", DEMO.smallGroupId, "--json"),
      { FIVETRAN_CONFIG: config },
      0,
    ],
    ["wrong-key", recipe("connector_status.ts", "--connection-id", C_ID), { ...fromEnv, FIVETRAN_API_KEY: "wrong" }, 1],
    [
      "dry-run",
      recipe("update_connector.ts", "--connection-id", C_ID, "--set", "sync_frequency=60", "--dry-run"),
      fromEnv,
      0,
    ],
    [
      "webhook",
      recipe(
        "new_group_webhook.ts",
        "--group-id",
        DEMO.smallGroupId,
        "--url",
        "https://h.example.com/a",
        "--event",
        "sync_end",
      ),
      { ...fromEnv, FIVETRAN_WEBHOOK_SECRET: PLANTED.webhookEnv },
      0,
    ],
  ];
  const runs = await Promise.all(
    cases.map(([name, args, extra]) => runDeno(args, { env: env(name, extra), cwd: dir.path })),
  );
  const secrets = [...forbidden(sandbox), PLANTED.webhookEnv];
  for (const [i, [name, args, , code]] of cases.entries()) {
    const run = runs[i];
    assert.equal(run.code, code, `${name}: ${run.stderr.slice(-300)}`);
    let log = "";
    for (const e of Deno.readDirSync(`${dir.path}/${name}`)) {
      log += Deno.readTextFileSync(`${dir.path}/${name}/${e.name}`);
    }
    assert.ok(log.length > 0, `${name}: nothing logged`);
    assert.deepEqual(leaks({ ...run, log }, secrets), [], `${name}: ${args.slice(-4).join(" ")}`);
  }
});
