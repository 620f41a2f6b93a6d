// atlas() and paginate() with the default client from the environment, and the once-per-process legacy
// warning. Each runs in a subprocess so the environment and module state are exactly what the test sets.
import assert from "node:assert/strict";
import { ROOT, runDeno, startServer, tempDir } from "./_server.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const KEY = "key-1234abcd";
const SECRET = "sec-5678efgh";

async function runScript(dir: string, code: string, env: Record<string, string | undefined>, port: number) {
  const path = `${dir}/script.ts`;
  await Deno.writeTextFile(path, code);
  return await runDeno(
    [
      "run",
      "--no-lock",
      "--no-config",
      `--allow-net=127.0.0.1:${port}`,
      "--allow-env",
      `--allow-read=${dir},${ROOT}`,
      `--allow-write=${dir}`,
      path,
    ],
    { cwd: dir, env },
  );
}

Deno.test("atlas() resolves to the envelope, and on failure prints one line with status, code and message and resolves null", async () => {
  await using dir = await tempDir();
  const envelope = { code: "Success", message: "Groups", data: { items: [{ id: "g1" }], next_cursor: null } };
  await using server = startServer([
    { body: envelope },
    { status: 400, body: { code: "InvalidInput", message: `Name is taken (secret ${SECRET})` } },
    { body: { code: "Success", data: { items: [{ id: "a" }], next_cursor: "n 2" } } },
    { body: { code: "Success", data: { items: [{ id: "b" }] } } },
  ]);
  const run = await runScript(
    dir.path,
    `import { atlas, paginate } from "${MOD}";
const results = [];
results.push(await atlas("GET", "groups"));
results.push(await atlas("POST", "groups", { name: "x", password: "hunter2" }));
const ids = [];
for await (const g of paginate("groups", { limit: 1 })) ids.push(g.id);
let thrown = "";
try {
  await atlas("PUT", "groups");
} catch (error) {
  thrown = error.name;
}
console.log(JSON.stringify({ results, ids, thrown }));
`,
    {
      FIVETRAN_API_KEY: KEY,
      FIVETRAN_API_SECRET: SECRET,
      FIVETRAN_BASE_URL: server.baseUrl,
      FIVETRAN_LOG_FILE: `${dir.path}/logs/nested/fivetran.log`,
    },
    server.port,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { results: [envelope, null], ids: ["a", "b"], thrown: "TypeError" });
  assert.equal(run.stderr, "POST groups failed: HTTP 400 InvalidInput: Name is taken (secret ******)\n");
  assert.equal(server.requests.length, 4);
  assert.equal(server.requests[0].headers.get("authorization"), `Basic ${btoa(`${KEY}:${SECRET}`)}`);
  assert.equal(server.requests[3].url.searchParams.get("cursor"), "n 2");

  const log = await Deno.readTextFile(`${dir.path}/logs/nested/fivetran.log`);
  const lines = log.trimEnd().split("\n");
  assert.equal(lines.length, 5, log);
  assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}GET groups 200 \d+ms attempt=1$/);
  assert.match(lines[1], /ERROR POST groups 400 \d+ms attempt=1 InvalidInput$/);
  assert.match(lines[2], /ERROR POST groups failed: HTTP 400 InvalidInput: Name is taken \(secret \*{6}\)$/);
  assert.match(lines[3], /INFO {2}GET groups\?limit=1 200 \d+ms attempt=1$/);
  for (const secret of [SECRET, KEY, "hunter2", btoa(`${KEY}:${SECRET}`)]) {
    assert.ok(!log.includes(secret), `log leaks ${secret}`);
    assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), `output leaks ${secret}`);
  }
});

Deno.test("atlas() with missing credentials throws a ConfigError naming both variables before any request", async () => {
  await using dir = await tempDir();
  await using server = startServer();
  const code = `import { atlas } from "${MOD}";
try {
  await atlas("GET", "groups");
  console.log("resolved");
} catch (error) {
  console.log(error.name + ": " + error.message);
}
`;
  for (const env of [{}, { FIVETRAN_API_KEY: KEY }, { FIVETRAN_API_SECRET: " " }]) {
    const run = await runScript(dir.path, code, { FIVETRAN_BASE_URL: server.baseUrl, ...env }, server.port);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stdout);
    assert.match(lines[0], /^ConfigError: Missing Fivetran credentials: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET/);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("atlas() reads credentials from the FIVETRAN_CONFIG file", async () => {
  await using dir = await tempDir();
  await using server = startServer([{ body: { code: "Success", data: { items: [] } } }]);
  await Deno.writeTextFile(
    `${dir.path}/config.json`,
    JSON.stringify({ fivetran: { api_key: "file-key", api_secret: "file-secret" } }),
  );
  const run = await runScript(
    dir.path,
    `import { atlas } from "${MOD}";\nconsole.log(JSON.stringify(await atlas("GET", "groups")));\n`,
    { FIVETRAN_CONFIG: `${dir.path}/config.json`, FIVETRAN_BASE_URL: server.baseUrl, FIVETRAN_LOG_FILE: "off" },
    server.port,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), '{"code":"Success","data":{"items":[]}}');
  assert.equal(server.requests[0].headers.get("authorization"), `Basic ${btoa("file-key:file-secret")}`);
});

Deno.test("legacy connectors endpoints are sent as connections with exactly one warning per process", async () => {
  await using dir = await tempDir();
  const list = { body: { code: "Success", data: { items: [] } } };
  // The first legacy use is a request in one process and a paginate() in the other: both warn once.
  for (const order of ["request first", "paginate first"]) {
    await using server = startServer([], { fallback: list });
    const run = await runScript(
      dir.path,
      `import { createAtlas } from "${MOD}";
const warnings = [];
const logged = [];
const options = {
  apiKey: "k", apiSecret: "s", baseUrl: "${server.baseUrl}",
  onWarning: (m) => warnings.push(m),
  logger: (e) => { if (e.level === "warn") logged.push(e.message); },
};
const a = createAtlas(options);
const b = createAtlas(options);
if (${order === "paginate first"}) for await (const _ of b.paginate("connectors")) {}
await a.request("GET", "connectors/abc");
await b.request("GET", "groups/g1/connectors?limit=2");
await a.request("PATCH", "/connectors/abc", { paused: true });
for await (const _ of b.paginate("groups/g1/connectors")) {}
console.log(JSON.stringify({ warnings, logged }));
`,
      {},
      server.port,
    );
    assert.equal(run.code, 0, run.stderr);
    const { warnings, logged } = JSON.parse(run.stdout);
    assert.equal(warnings.length, 1, `${order}: ${run.stdout}`);
    assert.match(warnings[0], /^Deprecated: 'connectors' endpoints were renamed 'connections'/);
    assert.deepEqual(logged, warnings);
    const targets = server.requests.map((r) => `${r.method} ${r.target}`);
    const expected = [
      "GET /v1/connections/abc",
      "GET /v1/groups/g1/connections?limit=2",
      "PATCH /v1/connections/abc",
      "GET /v1/groups/g1/connections?limit=100",
    ];
    assert.deepEqual(targets, order === "request first" ? expected : ["GET /v1/connections?limit=100", ...expected]);
    const single = server.requests.find((r) => r.target === "/v1/connections/abc");
    assert.equal(single?.headers.get("accept"), "application/json;version=2");
  }
});

const SCRIPT = "/usr/bin/script"; // util-linux: runs a command on a pseudo-terminal
const hasScript = (() => {
  try {
    return Deno.statSync(SCRIPT).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "atlas() prints its one failure line in red on a terminal, and plain with NO_COLOR",
  ignore: !hasScript,
  async fn() {
    await using dir = await tempDir();
    await using server = startServer([], {
      fallback: { status: 404, body: { code: "NotFound_Group", message: "Group not found" } },
    });
    await Deno.writeTextFile(
      `${dir.path}/script.ts`,
      `import { atlas } from "${MOD}";\nconsole.log(JSON.stringify(await atlas("GET", "groups/nope")));\n`,
    );
    const command = `${Deno.execPath()} run --no-lock --no-config --allow-net=127.0.0.1:${server.port} --allow-env ` +
      `--allow-read=${dir.path},${ROOT} script.ts`;
    const env: Record<string, string> = {
      HOME: Deno.env.get("HOME") ?? "/root",
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      TERM: "xterm",
      FIVETRAN_API_KEY: "k",
      FIVETRAN_API_SECRET: "s",
      FIVETRAN_BASE_URL: server.baseUrl,
      FIVETRAN_LOG_FILE: "off",
    };
    const runOnTerminal = async (extra: Record<string, string>) => {
      const output = await new Deno.Command(SCRIPT, {
        args: ["-qec", command, "/dev/null"],
        cwd: dir.path,
        clearEnv: true,
        env: { ...env, ...extra },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      return new TextDecoder().decode(output.stdout).replaceAll("\r\n", "\n");
    };
    const expected = "GET groups/nope failed: HTTP 404 NotFound_Group: Group not found";
    assert.equal(await runOnTerminal({}), `\x1b[31m${expected}\x1b[39m\nnull\n`);
    assert.equal(await runOnTerminal({ NO_COLOR: "1" }), `${expected}\nnull\n`);
  },
});

Deno.test("atlas() scrubs what an error body echoes of the request's secrets from its red line and its log entry", async () => {
  await using dir = await tempDir();
  const password = 'source-pw-"q"-9731';
  // A server that echoes the request body in its 400, as some validation layers do.
  await using server = startServer([], {
    fallback: (request) => ({ status: 400, body: { code: "InvalidInput", message: `Bad config: ${request.body}` } }),
  });
  const run = await runScript(
    dir.path,
    `import { atlas } from "${MOD}";
const body = { service: "postgres", config: { host: "db", password: ${
      JSON.stringify(password)
    }, client_secret: "cs-4242-xyz" } };
console.log(JSON.stringify([await atlas("POST", "connections", body), await atlas("PATCH", "connections/c1", JSON.stringify(body))]));
`,
    {
      FIVETRAN_API_KEY: KEY,
      FIVETRAN_API_SECRET: SECRET,
      FIVETRAN_BASE_URL: server.baseUrl,
      FIVETRAN_LOG_FILE: `${dir.path}/fivetran.log`,
    },
    server.port,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), "[null,null]");
  assert.equal(server.requests.length, 2);
  assert.ok(server.requests[0].body.includes("cs-4242-xyz"), "the secret was sent");
  const log = await Deno.readTextFile(`${dir.path}/fivetran.log`);
  const red = run.stderr.trim().split("\n");
  assert.equal(red.length, 2, run.stderr);
  assert.match(red[0], /^POST connections failed: HTTP 400 InvalidInput: Bad config: .*"password":"\*{6}"/);
  assert.match(red[1], /^PATCH connections\/c1 failed: HTTP 400 InvalidInput: Bad config: /);
  for (const secret of [password, JSON.stringify(password).slice(1, -1), "cs-4242-xyz"]) {
    assert.ok(!run.stderr.includes(secret), `the red line leaks ${secret}: ${run.stderr}`);
    assert.ok(!log.includes(secret), `the log leaks ${secret}`);
  }
});
