// Accounts as people hold them: named profiles in the FIVETRAN_CONFIG file (--profile / FIVETRAN_PROFILE), and the
// base64 key:secret form in FIVETRAN_API_KEY. loadConfig() directly, then a recipe against the sandbox, in-process
// and in a real process with the -P permission set.
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { ROOT, runDeno, tempDir } from "./_server.ts";

const FILE = JSON.stringify({
  fivetran: { api_key: "default_key", api_secret: "default_secret" },
  profiles: {
    prod: { api_key: "prod_key", api_secret: "prod_secret" },
    sandbox: { api_key: "sb_key", api_secret: "sb_secret", base_url: "http://127.0.0.1:8787/v1" },
    combined: { api_key: btoa("combo_key:combo_secret") },
    broken: { api_key: "only_key" },
    odd: { api_key: 42, api_secret: "s" },
  },
});
const read = (text: string) => () => text;

Deno.test("loadConfig() picks a named profile from FIVETRAN_CONFIG, by option or FIVETRAN_PROFILE, over the variables", () => {
  const env = { FIVETRAN_CONFIG: "/cfg.json", FIVETRAN_API_KEY: "env_key", FIVETRAN_API_SECRET: "env_secret" };
  assert.deepEqual(loadConfig({ env, readTextFile: read(FILE), profile: "prod" }), {
    apiKey: "prod_key",
    apiSecret: "prod_secret",
    baseUrl: "https://api.fivetran.com/v1",
  });
  assert.deepEqual(loadConfig({ env: { ...env, FIVETRAN_PROFILE: "sandbox" }, readTextFile: read(FILE) }), {
    apiKey: "sb_key",
    apiSecret: "sb_secret",
    baseUrl: "http://127.0.0.1:8787/v1",
  });
  // The option wins over the variable; without either, the variables and then the "fivetran" section as before.
  assert.equal(
    loadConfig({ env: { ...env, FIVETRAN_PROFILE: "sandbox" }, readTextFile: read(FILE), profile: "prod" }).apiKey,
    "prod_key",
  );
  assert.equal(loadConfig({ env, readTextFile: read(FILE) }).apiKey, "env_key");
  assert.equal(loadConfig({ env: { FIVETRAN_CONFIG: "/cfg.json" }, readTextFile: read(FILE) }).apiKey, "default_key");
  // A profile in the combined form.
  const combined = loadConfig({ env, readTextFile: read(FILE), profile: "combined" });
  assert.deepEqual([combined.apiKey, combined.apiSecret], ["combo_key", "combo_secret"]);
});

Deno.test("loadConfig() refuses an unknown or incomplete profile in one line naming what is there", () => {
  const env = { FIVETRAN_CONFIG: "/cfg.json" };
  const cases: [string, Parameters<typeof loadConfig>[0], RegExp][] = [
    [
      "unknown",
      { env, readTextFile: read(FILE), profile: "staging" },
      /No profile 'staging' .*profiles: prod, sandbox/,
    ],
    ["incomplete", { env, readTextFile: read(FILE), profile: "broken" }, /Profile 'broken' .* lacks api_secret/],
    ["wrong type", { env, readTextFile: read(FILE), profile: "odd" }, /"api_key" of profile 'odd' to be a string/],
    ["no file", { env: {}, profile: "prod" }, /FIVETRAN_CONFIG does not name a config file/],
    ["no map", { env, readTextFile: read('{"fivetran": {}}'), profile: "prod" }, /has no "profiles" map/],
    ["bad name", { env, readTextFile: read(FILE), profile: "../x" }, /profile name/],
    ["inherited", { env, readTextFile: read(FILE), profile: "constructor" }, /No profile 'constructor'/],
    ["bad JSON", { env, readTextFile: read("{"), profile: "prod" }, /to hold JSON/],
  ];
  for (const [what, options, reason] of cases) {
    assert.throws(() => loadConfig(options), (e: Error) => e instanceof ConfigError && reason.test(e.message), what);
    try {
      loadConfig(options);
    } catch (e) {
      assert.ok(!(e as Error).message.includes("\n"), what);
      assert.ok(!/prod_secret|sb_secret/.test((e as Error).message), what);
    }
  }
});

Deno.test("loadConfig() takes FIVETRAN_API_KEY in the base64 key:secret form when no secret is set", () => {
  const config = loadConfig({ env: { FIVETRAN_API_KEY: btoa("abcKEY123:s3cr3t/+=") } });
  assert.deepEqual([config.apiKey, config.apiSecret], ["abcKEY123", "s3cr3t/+="]);
  // With a secret set, the key is taken as it is, even when it happens to decode.
  const both = loadConfig({ env: { FIVETRAN_API_KEY: btoa("a:b"), FIVETRAN_API_SECRET: "real" } });
  assert.deepEqual([both.apiKey, both.apiSecret], [btoa("a:b"), "real"]);
  // A plain key with no secret is still missing its secret, and the message names the combined form.
  assert.throws(
    () => loadConfig({ env: { FIVETRAN_API_KEY: "plainkey" } }),
    /not set: FIVETRAN_API_SECRET\), FIVETRAN_API_KEY alone to the base64 key:secret form/,
  );
  assert.throws(() => loadConfig({ env: { FIVETRAN_API_KEY: btoa("no colon here") } }), /FIVETRAN_API_SECRET/);
});

Deno.test("a recipe in a real process takes --profile, FIVETRAN_PROFILE and the combined key (-P permission set)", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const config = `${dir.path}/fivetran.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      fivetran: { api_key: "wrong", api_secret: "wrong" },
      profiles: {
        local: { api_key: sandbox.apiKey, api_secret: sandbox.apiSecret, base_url: sandbox.baseUrl },
        stale: { api_key: "stale_key", api_secret: "stale_secret", base_url: sandbox.baseUrl },
      },
    }),
  );
  const recipe = [
    "run",
    "-P",
    "--no-prompt",
    `${ROOT}/recipes/connector_status.ts`,
    "--connection-id",
    "steady_orchard",
  ];
  const base = { FIVETRAN_CONFIG: config, FIVETRAN_LOG_FILE: "off" };
  const byFlag = await runDeno([...recipe, "--profile", "local"], { env: base });
  assert.equal(byFlag.code, 0, byFlag.stderr);
  assert.match(byFlag.stdout, /Setup state:\s+connected/);
  const byEnv = await runDeno(recipe, { env: { ...base, FIVETRAN_PROFILE: "local" } });
  assert.equal(byEnv.code, 0, byEnv.stderr);
  const stale = await runDeno(recipe, { env: { ...base, FIVETRAN_PROFILE: "stale" } });
  assert.equal(stale.code, 1, stale.stderr); // the sandbox refuses those credentials
  const unknown = await runDeno([...recipe, "--profile", "nope"], { env: base });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No profile 'nope' .*profiles: local, stale/);
  const combined = await runDeno(recipe, {
    env: {
      FIVETRAN_API_KEY: btoa(`${sandbox.apiKey}:${sandbox.apiSecret}`),
      FIVETRAN_BASE_URL: sandbox.baseUrl,
      FIVETRAN_LOG_FILE: "off",
    },
  });
  assert.equal(combined.code, 0, combined.stderr);
  for (const run of [byFlag, byEnv, stale, unknown, combined]) {
    assert.ok(!(run.stdout + run.stderr).includes(sandbox.apiSecret));
  }
});
