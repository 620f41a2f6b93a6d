// The recipe runner (lib/recipe.ts): flags, --help, exit codes, --dry-run, --yes, one-line errors.
import assert from "node:assert/strict";
import {
  defineRecipe,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  type Flags,
  permissionMessage,
  type RecipeDeps,
  type RecipeSpec,
} from "../lib/recipe.ts";
import { nullLog, openLog } from "../lib/log.ts";
import { runRecipe } from "./_harness.ts";
import { fakeTime, ROOT, runDeno, startServer, tempDir, type TestServer } from "./_server.ts";

const PASSWORD = "hunter2-pw";

/** A destructive recipe: reads a connection, asks for consent, then patches it with a secret in the payload. */
function pauseRecipe(seen: { flags?: Flags } = {}): RecipeSpec {
  return {
    name: "pause_test.ts",
    summary: "Pause a connection (test recipe)",
    examples: ["deno run -P recipes/pause_test.ts --connection-id ID --yes"],
    flags: {
      "connection-id": { type: "string", required: true, valueName: "ID", description: "The connection" },
      note: { type: "string", description: "A note" },
    },
    mutates: true,
    destructive: true,
    async run(ctx) {
      seen.flags = { ...ctx.flags };
      const id = ctx.id("connection-id", { required: true })!;
      await ctx.call("GET", `connections/${id}`);
      await ctx.confirm(`Pause ${id}?`);
      await ctx.call("PATCH", `connections/${id}`, { paused: true, config: { password: PASSWORD } });
      ctx.out.detail(`Paused ${id}`);
    },
  };
}

async function run(server: TestServer, spec: RecipeSpec, args: string[], deps: RecipeDeps = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const time = fakeTime();
  const code = await defineRecipe(spec)(args, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    log: nullLog(),
    isTerminal: () => false,
    sleep: time.sleep,
    now: time.now,
    ...deps,
    clientOptions: {
      apiKey: "key-1234abcd",
      apiSecret: "sec-5678efgh",
      baseUrl: server.baseUrl,
      sleep: time.sleep,
      now: time.now,
      ...deps.clientOptions,
    },
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), errLines: err };
}

const OK = { body: { code: "Success", data: { id: "abc", paused: false } } };

Deno.test("recipe --help prints the help and exits 0 without sending anything", async () => {
  await using server = startServer();
  const result = await run(server, pauseRecipe(), ["--help"]);
  assert.equal(result.code, EXIT_OK);
  for (
    const part of [
      "pause_test.ts — Pause a connection",
      "--connection-id ID",
      "--connector-id",
      "--dry-run",
      "--yes",
      "--json",
      "FIVETRAN_API_KEY",
      "Exit codes:",
    ]
  ) {
    assert.ok(result.stdout.includes(part), `help lacks ${part}`);
  }
  assert.equal(result.stderr, "");
  assert.equal(server.requests.length, 0);
  assert.equal((await run(server, pauseRecipe(), ["-h", "--bogus"])).code, EXIT_USAGE);
});

Deno.test("recipe with an unknown flag exits 2 with one line", async () => {
  await using server = startServer();
  const result = await run(server, pauseRecipe(), ["--connection-id", "abc", "--bogus"]);
  assert.equal(result.code, EXIT_USAGE);
  assert.equal(result.errLines.length, 1);
  assert.match(result.errLines[0], /--bogus.*\(see --help\)$/);
  assert.ok(!result.errLines[0].includes("\n"));
  assert.equal(server.requests.length, 0);
});

Deno.test("recipe without a required flag exits 2 naming it", async () => {
  await using server = startServer();
  const result = await run(server, pauseRecipe(), ["--yes"]);
  assert.equal(result.code, EXIT_USAGE);
  assert.deepEqual(result.errLines, ["Missing --connection-id (see --help)"]);
  const positional = await run(server, pauseRecipe(), ["abc"]);
  assert.equal(positional.code, EXIT_USAGE);
  assert.equal(positional.errLines.length, 1);
  assert.equal(server.requests.length, 0);
});

Deno.test("recipe folds --connector-id into --connection-id, and refuses both", async () => {
  await using server = startServer([OK, OK]);
  const seen: { flags?: Flags } = {};
  const result = await run(server, pauseRecipe(seen), ["--connector-id", "abc", "--yes"]);
  assert.equal(result.code, EXIT_OK, result.stderr);
  assert.equal(seen.flags?.["connection-id"], "abc");
  assert.ok(!("connector-id" in seen.flags!));
  assert.deepEqual(server.requests.map((r) => `${r.method} ${r.target}`), [
    "GET /v1/connections/abc",
    "PATCH /v1/connections/abc",
  ]);
  const both = await run(server, pauseRecipe(), ["--connector-id", "abc", "--connection-id", "abc"]);
  assert.equal(both.code, EXIT_USAGE);
  assert.deepEqual(both.errLines, ["Expected one of --connection-id or --connector-id, got both"]);
});

Deno.test("recipe with an invalid ID exits 2 and sends nothing", async () => {
  await using server = startServer();
  for (const id of ["../x", "a/b", "a b", "", "%2e"]) {
    const result = await run(server, pauseRecipe(), ["--connection-id", id, "--yes"]);
    assert.equal(result.code, EXIT_USAGE, id);
    assert.equal(result.errLines.length, 1);
    assert.match(result.errLines[0], /^Expected --connection-id to (be a Fivetran ID|have a value)/);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("recipe --dry-run sends only GETs and prints the rest with secrets masked", async () => {
  await using server = startServer([OK]);
  const result = await run(server, pauseRecipe(), ["--connection-id", "abc", "--dry-run"]);
  assert.equal(result.code, EXIT_OK, result.stderr);
  assert.deepEqual(server.requests.map((r) => r.method), ["GET"]);
  assert.equal(
    result.stdout,
    [
      "Call: GET connections/abc",
      "Response: Success",
      'Call: PATCH connections/abc {"paused":true,"config":{"password":"******"}}',
      "Response: DryRun",
      "Paused abc",
    ].join("\n"),
  );
  assert.ok(!result.stdout.includes(PASSWORD) && !result.stderr.includes(PASSWORD));
});

Deno.test("recipe needs --yes when stdin is not a terminal (exit 2), and goes ahead with it", async () => {
  await using server = startServer([OK, OK, OK]);
  const refused = await run(server, pauseRecipe(), ["--connection-id", "abc"]);
  assert.equal(refused.code, EXIT_USAGE);
  assert.equal(refused.errLines.length, 1);
  assert.match(refused.errLines[0], /^Refusing without consent: Pause abc\? Add --yes/);
  assert.deepEqual(server.requests.map((r) => r.method), ["GET"]);

  const done = await run(server, pauseRecipe(), ["--connection-id", "abc", "-y"]);
  assert.equal(done.code, EXIT_OK, done.stderr);
  assert.deepEqual(server.requests.map((r) => r.method), ["GET", "GET", "PATCH"]);
  assert.equal(JSON.parse(server.requests[2].body).config.password, PASSWORD, "the real value is sent");
  assert.ok(!done.stdout.includes(PASSWORD));
});

Deno.test("recipe asks on a terminal: 'y' goes ahead, anything else exits 2", async () => {
  await using server = startServer([OK, OK, OK]);
  const questions: string[] = [];
  const yes = await run(server, pauseRecipe(), ["--connection-id", "abc"], {
    isTerminal: () => true,
    prompt: (q) => (questions.push(q), "y"),
  });
  assert.equal(yes.code, EXIT_OK, yes.stderr);
  assert.deepEqual(questions, ["Pause abc? [y/N]"]);
  const no = await run(server, pauseRecipe(), ["--connection-id", "abc"], {
    isTerminal: () => true,
    prompt: () => "n",
  });
  assert.equal(no.code, EXIT_USAGE);
  assert.deepEqual(no.errLines, ["Not confirmed; nothing was changed"]);
  assert.deepEqual(server.requests.map((r) => r.method), ["GET", "PATCH", "GET"]);
});

Deno.test("recipe exits 1 with one line when the API answers an error", async () => {
  await using server = startServer([{
    status: 404,
    body: { code: "NotFound_Connection", message: "No such connection" },
  }]);
  const result = await run(server, pauseRecipe(), ["--connection-id", "abc", "--yes"]);
  assert.equal(result.code, EXIT_FAILED);
  assert.deepEqual(result.errLines, ["GET connections/abc failed: HTTP 404 NotFound_Connection: No such connection"]);
  assert.equal(result.stdout, "Call: GET connections/abc");
});

Deno.test("recipe logs its failure to the file log, masked", async () => {
  await using dir = await tempDir();
  await using server = startServer([{ status: 500, body: { code: "E", message: "boom sec-5678efgh" } }], {
    fallback: { status: 500, body: { code: "E", message: "boom sec-5678efgh" } },
  });
  const log = openLog({ path: `${dir.path}/fivetran.log` });
  const result = await run(server, pauseRecipe(), ["--connection-id", "abc", "--yes"], {
    log,
    clientOptions: { maxRetries: 1 },
  });
  log.close();
  assert.equal(result.code, EXIT_FAILED);
  assert.deepEqual(result.errLines, ["GET connections/abc failed: HTTP 500 E: boom ******"]);
  const text = Deno.readTextFileSync(`${dir.path}/fivetran.log`);
  assert.match(text, /WARN {2}GET connections\/abc 500 \d+ms attempt=1 E\n/);
  assert.match(text, /WARN {2}GET connections\/abc 500 \d+ms attempt=2 E\n/);
  assert.match(text, /ERROR pause_test\.ts: GET connections\/abc failed: HTTP 500 E: boom \*{6}\n$/);
  assert.ok(!text.includes("sec-5678efgh"));
});

Deno.test("permissionMessage() names the flag to add", () => {
  assert.equal(
    permissionMessage(
      new Deno.errors.NotCapable('Requires net access to "api.fivetran.com:443", run again with the --allow-net flag'),
    ),
    "Missing permission: net access to api.fivetran.com:443. Run again with --allow-net (or use the shebang / deno run -P)",
  );
});

Deno.test("recipe without a needed permission exits 2 with one line naming the flag", async () => {
  await using dir = await tempDir();
  await using server = startServer([], { fallback: OK });
  const script = `${dir.path}/recipe.ts`;
  await Deno.writeTextFile(
    script,
    `import { defineRecipe, runMain } from "${new URL("../lib/recipe.ts", import.meta.url).href}";
const main = defineRecipe({
  name: "probe.ts",
  summary: "Probe",
  examples: ["deno run recipe.ts"],
  flags: { "connection-id": { type: "string", required: true, description: "ID" } },
  async run(ctx) {
    await ctx.call("GET", "connections/" + ctx.id("connection-id"));
  },
});
await runMain(main);
`,
  );
  const env = {
    FIVETRAN_API_KEY: "k",
    FIVETRAN_API_SECRET: "s",
    FIVETRAN_BASE_URL: server.baseUrl,
    FIVETRAN_LOG_FILE: "off",
  };
  const base = ["run", "--no-lock", "--no-config", "--allow-env", `--allow-read=${dir.path},${ROOT}`];
  // No --allow-net: the request cannot be sent.
  const noNet = await runDeno([...base, script, "--connection-id", "abc"], { cwd: dir.path, env });
  assert.equal(noNet.code, EXIT_USAGE, noNet.stderr);
  assert.equal(noNet.stdout, "Call: GET connections/abc\n");
  const lines = noNet.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, noNet.stderr);
  assert.match(lines[0], /^Missing permission: net access to 127\.0\.0\.1:\d+\. Run again with --allow-net/);
  assert.equal(server.requests.length, 0);

  // No --allow-write for the default log folder.
  const noWrite = await runDeno([...base, `--allow-net=127.0.0.1:${server.port}`, script, "--connection-id", "abc"], {
    cwd: dir.path,
    env: { ...env, FIVETRAN_LOG_FILE: undefined },
  });
  assert.equal(noWrite.code, EXIT_USAGE, noWrite.stderr);
  assert.match(noWrite.stderr, /^Missing permission: write access to logs\. Run again with --allow-write.*\n$/);

  // With the permissions it needs, it works.
  const ok = await runDeno([...base, `--allow-net=127.0.0.1:${server.port}`, script, "--connection-id", "abc"], {
    cwd: dir.path,
    env,
  });
  assert.equal(ok.code, EXIT_OK, ok.stderr);
  assert.equal(ok.stdout, "Call: GET connections/abc\nResponse: Success\n");
});

Deno.test("a recipe's reads stop at once on Ctrl-C, even through ctx.client and paginate(), not after the timeout", async () => {
  await using server = startServer([{ hang: true }, { hang: true }]);
  for (const read of ["request", "paginate"] as const) {
    const main = defineRecipe({
      name: "reader.ts",
      summary: "Reads",
      examples: ["deno run reader.ts"],
      flags: {},
      async run(ctx) {
        if (read === "request") await ctx.client.request("GET", "groups");
        else for await (const _ of ctx.client.paginate("groups")) { /* reads */ }
      },
    });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    const r = await runRecipe(main, [], { apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl }, {
      signal: controller.signal,
    });
    assert.equal(r.code, 130, `${read}: ${r.stderr}`);
    assert.ok(performance.now() - started < 5_000, `${read} waited out the timeout`);
  }
});

Deno.test("a recipe says on stderr, once, when a low rate-limit budget makes it space its requests", async () => {
  const low = { "x-rate-limit": "120", "x-rate-limit-remaining": "5" };
  const page = (items: number[], next?: string) => ({
    headers: low,
    body: { code: "Success", data: { items, ...(next ? { next_cursor: next } : {}) } },
  });
  await using server = startServer([page([1], "p2"), page([2], "p3"), page([3])]);
  const main = defineRecipe({
    name: "lister.ts",
    summary: "Lists",
    examples: ["deno run lister.ts"],
    flags: {},
    async run(ctx) {
      for await (const _ of ctx.client.paginate("groups")) { /* reads */ }
    },
  });
  const waits: number[] = [];
  const r = await runRecipe(main, [], { apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl }, {
    clientOptions: { sleep: (ms) => (waits.push(ms), Promise.resolve()) },
  });
  assert.equal(r.code, 0, r.stderr);
  const said = r.stderr.split("\n").filter((l) => l.startsWith("Rate limit:"));
  assert.deepEqual(said, [
    "Rate limit: 5 of 120 requests left in this window; spacing requests 0.5 s apart until it refills",
  ]);
  assert.ok(waits.some((ms) => ms > 0), "the requests were spaced");
});
