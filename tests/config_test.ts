// Configuration: environment variables, the FIVETRAN_CONFIG file, base URL checks.
import assert from "node:assert/strict";
import { ConfigError, createAtlas, DEFAULT_BASE_URL, loadConfig } from "../mod.ts";
import { basicCredentials } from "../lib/_base64.ts";
import { main as connectorStatus } from "../recipes/connector_status.ts";
import { runRecipe } from "./_harness.ts";
import { isLoopback } from "../lib/config.ts";
import { tempDir } from "./_server.ts";

Deno.test("loadConfig() reads credentials and base URL from the environment, trimmed", () => {
  const config = loadConfig({
    env: { FIVETRAN_API_KEY: " k ", FIVETRAN_API_SECRET: "s\n", FIVETRAN_BASE_URL: "http://127.0.0.1:9999/v1/" },
  });
  assert.deepEqual(config, { apiKey: "k", apiSecret: "s", baseUrl: "http://127.0.0.1:9999/v1" });
  assert.equal(loadConfig({ env: { FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s" } }).baseUrl, DEFAULT_BASE_URL);
  assert.equal(DEFAULT_BASE_URL, "https://api.fivetran.com/v1");
  const map = new Map([["FIVETRAN_API_KEY", "k2"], ["FIVETRAN_API_SECRET", "s2"]]);
  assert.equal(loadConfig({ env: { get: (name) => map.get(name) } }).apiKey, "k2");
});

Deno.test("loadConfig() with missing credentials throws a one-line ConfigError naming FIVETRAN_API_KEY and FIVETRAN_API_SECRET", () => {
  for (
    const [env, notSet] of [
      [{}, "FIVETRAN_API_KEY, FIVETRAN_API_SECRET"],
      [{ FIVETRAN_API_KEY: "k" }, "FIVETRAN_API_SECRET"],
      [{ FIVETRAN_API_SECRET: "s", FIVETRAN_API_KEY: "  " }, "FIVETRAN_API_KEY"],
    ] as const
  ) {
    const error = (() => {
      try {
        loadConfig({ env, readTextFile: () => assert.fail("no file should be read") });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ConfigError);
    assert.equal(error.name, "ConfigError");
    assert.ok(error.message.includes("FIVETRAN_API_KEY") && error.message.includes("FIVETRAN_API_SECRET"));
    assert.ok(error.message.includes(`(not set: ${notSet})`), error.message);
    assert.ok(!error.message.includes("\n"));
  }
});

Deno.test("loadConfig() reads the original framework's JSON file named by FIVETRAN_CONFIG", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/configuration.json`;
  await Deno.writeTextFile(path, JSON.stringify({ fivetran: { api_key: "file-key", api_secret: "file-secret" } }));
  assert.deepEqual(loadConfig({ env: { FIVETRAN_CONFIG: path } }), {
    apiKey: "file-key",
    apiSecret: "file-secret",
    baseUrl: DEFAULT_BASE_URL,
  });
  // Variables win over the file; a missing one is taken from it.
  assert.equal(loadConfig({ env: { FIVETRAN_CONFIG: path, FIVETRAN_API_KEY: "env-key" } }).apiKey, "env-key");
  assert.equal(loadConfig({ env: { FIVETRAN_CONFIG: path, FIVETRAN_API_KEY: "env-key" } }).apiSecret, "file-secret");
});

Deno.test("loadConfig() explains an unreadable, malformed or misshaped FIVETRAN_CONFIG file in one line", async () => {
  await using dir = await tempDir();
  const cases: [string, string | undefined, RegExp][] = [
    [`${dir.path}/missing.json`, undefined, /Cannot read FIVETRAN_CONFIG file/],
    [`${dir.path}/bad.json`, "{not json", /to hold JSON/],
    [`${dir.path}/shape.json`, '{"api_key": "k"}', /to look like \{"fivetran"/],
    [`${dir.path}/empty.json`, '{"fivetran": {"api_key": ""}}', /Missing Fivetran credentials/],
  ];
  for (const [path, content, pattern] of cases) {
    if (content !== undefined) await Deno.writeTextFile(path, content);
    assert.throws(() => loadConfig({ env: { FIVETRAN_CONFIG: path } }), (error: Error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("loadConfig() rejects a plain-http FIVETRAN_BASE_URL to a non-loopback host", () => {
  const creds = { FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s" };
  assert.throws(
    () => loadConfig({ env: { ...creds, FIVETRAN_BASE_URL: "http://api.fivetran.com/v1" } }),
    /Expected FIVETRAN_BASE_URL to use https for a non-loopback host/,
  );
  assert.throws(() => loadConfig({ env: { ...creds, FIVETRAN_BASE_URL: "not a url" } }), ConfigError);
  assert.equal(
    loadConfig({ env: { ...creds, FIVETRAN_BASE_URL: "http://localhost:1/v1" } }).baseUrl,
    "http://localhost:1/v1",
  );
});

Deno.test("loadConfig() refuses a FIVETRAN_CONFIG that is /dev/zero, a FIFO, a folder or over 1 MiB, in one line", async () => {
  await using dir = await tempDir();
  const fifo = `${dir.path}/config.fifo`;
  const mkfifo = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.equal(mkfifo.code, 0, "mkfifo failed");
  const big = `${dir.path}/big.json`;
  await Deno.writeTextFile(
    big,
    JSON.stringify({ fivetran: { api_key: "k", api_secret: "s", pad: "x".repeat(1 << 21) } }),
  );
  const cases: [string, RegExp][] = [
    ["/dev/zero", /Cannot read FIVETRAN_CONFIG file '\/dev\/zero': expected a regular file, got a character device/],
    [fifo, /expected a regular file, got a FIFO/],
    [dir.path, /expected a regular file, got a folder/],
    [big, /expected at most 1,048,576 bytes, got 2,097,\d{3}/],
  ];
  for (const [path, pattern] of cases) {
    assert.throws(() => loadConfig({ env: { FIVETRAN_CONFIG: path } }), (error: Error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("loadConfig() names the field of FIVETRAN_CONFIG that has the wrong type", async () => {
  await using dir = await tempDir();
  const cases: [unknown, RegExp][] = [
    [
      { api_key: 12345, api_secret: "s" },
      /Expected "api_key" in FIVETRAN_CONFIG file '.*' to be a string, got a number/,
    ],
    [{ api_key: "k", api_secret: true }, /Expected "api_secret" .* to be a string, got a boolean/],
    [{ api_key: ["k"], api_secret: "s" }, /Expected "api_key" .* to be a string, got a list/],
  ];
  for (const [i, [section, pattern]] of cases.entries()) {
    const path = `${dir.path}/c${i}.json`;
    await Deno.writeTextFile(path, JSON.stringify({ fivetran: section }));
    assert.throws(() => loadConfig({ env: { FIVETRAN_CONFIG: path } }), (error: Error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /Missing Fivetran credentials/);
      return true;
    });
  }
});

Deno.test("isLoopback() takes only the whole name of this machine: localhost, ::1, 127.x.y.z; not 127.0.0.1.nip.io", () => {
  for (const host of ["localhost", "[::1]", "::1", "127.0.0.1", "127.1.2.3"]) assert.ok(isLoopback(host), host);
  for (const host of ["127.0.0.1.nip.io", "127.example.com", "localhost.example.com", "api.fivetran.com", "0.0.0.0"]) {
    assert.ok(!isLoopback(host), host);
  }
  assert.ok(isLoopback(new URL("http://[::1]:8787/v1").hostname));
});

Deno.test("basicCredentials() is btoa of key:secret for every Latin-1 text", () => {
  for (let n = 0; n < 600; n++) {
    const text = Array.from({ length: n % 23 }, (_, i) => String.fromCharCode((i * 7919 + n * 31) % 256)).join("");
    const [key, secret] = [text.slice(0, n % 4), text.slice(n % 4)];
    assert.equal(basicCredentials(key, secret), btoa(`${key}:${secret}`), JSON.stringify(text));
  }
});

Deno.test("credentials outside Latin-1 are refused in one line that echoes neither: a TypeError, exit 2 in a recipe", async () => {
  const key = "ключ_api";
  const secret = "sécret\u2028";
  assert.throws(() => createAtlas({ apiKey: key, apiSecret: secret, baseUrl: "http://127.0.0.1:9/v1" }), (error) => {
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /^Expected the API key and secret to hold Latin-1 characters only/);
    assert.ok(!error.message.includes(key) && !error.message.includes("sécret"), error.message);
    return true;
  });
  const run = await runRecipe(connectorStatus, ["--connection-id", "any_connection"], {
    apiKey: key,
    apiSecret: "secret",
    baseUrl: "http://127.0.0.1:9/v1",
  });
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.ok(!run.stderr.includes(key), run.stderr);
});
