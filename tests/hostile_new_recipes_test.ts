// The newer recipes and library parts against hostile input and hostile servers: names a connection only inherits
// (constructor, toString), 2xx answers that are not the answer, secrets inside URLs and Basic credentials, files
// behind symlinks or read-only, --exec programs that flood or do not exist. Each case fails without its fix.
import assert from "node:assert/strict";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { SIGNATURE_HEADER, signWebhook, verifyWebhook } from "../lib/webhook.ts";
import { checkSchemaConfig } from "../lib/schema_config.ts";
import { renderReport } from "../lib/report_html.ts";
import { renderBarChart } from "../lib/svg_chart.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import type { RecipeMain } from "../lib/recipe.ts";
import { main as accountReport } from "../recipes/account_report.ts";
import { main as migrateGroup } from "../recipes/migrate_group.ts";
import { main as schemaEdit } from "../recipes/schema_edit.ts";
import { main as schemaExport } from "../recipes/schema_export.ts";
import { main as setupTest } from "../recipes/setup_test.ts";
import { main as syncMonitor } from "../recipes/sync_monitor.ts";
import { main as stagedLoad } from "../recipes/staged_load.ts";
import { describeEvent, main as webhookListener } from "../recipes/webhook_listener.ts";
import { runEventCommand } from "../recipes/_webhook_exec.ts";
import { runRecipe } from "./_harness.ts";
import { startServer, tempDir } from "./_server.ts";
import { isMutating } from "./_scale.ts";

const C = DEMO.renamedConnectionId;
const SECRETS_EXAMPLE = new URL("../recipes/examples/migrate_secrets.json", import.meta.url).pathname;
const NO_API = { baseUrl: "http://127.0.0.1:9/v1", apiKey: "unused_key", apiSecret: "unused_secret" };

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

Deno.test("loadConfig(): a profile's credentials go to its own base_url or Fivetran's API, never to FIVETRAN_BASE_URL", () => {
  const file = JSON.stringify({
    profiles: {
      prod: { api_key: "prod_key", api_secret: "prod_secret" },
      local: { api_key: "sb_key", api_secret: "sb_secret", base_url: "http://127.0.0.1:8787/v1" },
    },
  });
  // The sandbox's exported address is in the environment, for the variables' account.
  const env = { FIVETRAN_CONFIG: "/cfg.json", FIVETRAN_BASE_URL: "http://127.0.0.1:8787/v1" };
  const prod = loadConfig({ env, profile: "prod", readTextFile: () => file });
  assert.deepEqual(prod, { apiKey: "prod_key", apiSecret: "prod_secret", baseUrl: "https://api.fivetran.com/v1" });
  assert.equal(loadConfig({ env, profile: "local", readTextFile: () => file }).baseUrl, "http://127.0.0.1:8787/v1");
});

Deno.test("loadConfig(): a bad base URL is named by where it came from and shown without its user:password", () => {
  const profile = (base_url: string) =>
    JSON.stringify({ profiles: { p: { api_key: "k", api_secret: "s", base_url } } });
  const cases: [Parameters<typeof loadConfig>[0], RegExp][] = [
    [
      {
        env: { FIVETRAN_CONFIG: "/c" },
        profile: "p",
        readTextFile: () => profile("https://pkey:psecret9@ex ample.com"),
      },
      /^Expected "base_url" of profile 'p' to be a URL like .*, got 'https:\/\/\*\*\*@ex ample\.com'$/,
    ],
    [
      { env: { FIVETRAN_CONFIG: "/c" }, profile: "p", readTextFile: () => profile("http://evil.example.com/v1") },
      /^Expected "base_url" of profile 'p' to use https for a non-loopback host/,
    ],
    [
      { env: { FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s", FIVETRAN_BASE_URL: "https://ekey:esecret9@a b/v1" } },
      /^Expected FIVETRAN_BASE_URL to be a URL like .*, got 'https:\/\/\*\*\*@a b\/v1'$/,
    ],
  ];
  for (const [options, reason] of cases) {
    const error = (() => {
      try {
        loadConfig(options);
      } catch (e) {
        return e as Error;
      }
    })();
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, reason);
    assert.doesNotMatch(error.message, /psecret9|esecret9/);
  }
});

Deno.test("a recipe never prints or logs the base64 key:secret, even when the server echoes it", async () => {
  await using server = startServer([], {
    fallback: (r) => ({
      status: 400,
      body: { code: "BadRequest", message: `saw ${r.headers.get("authorization")?.replace(/^Basic /, "")}` },
    }),
  });
  const basic = btoa("echo_key:echo_secret");
  const run = await runRecipe(schemaExport, ["--connection-id", "c1"], {
    baseUrl: server.baseUrl,
    apiKey: "echo_key",
    apiSecret: "echo_secret",
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /saw \*\*\*\*\*\*/);
  for (const text of [run.stdout, run.stderr, run.log]) assert.ok(!text.includes(basic), text);
});

Deno.test("webhook_listener.ts refuses an --exec program that cannot run before listening: exit 2, one line", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, "whsec-hostile-1");
  const notExecutable = `${dir.path}/script.sh`;
  await Deno.writeTextFile(notExecutable, "#!/bin/sh\n");
  await Deno.chmod(notExecutable, 0o644);
  const cases: [string, RegExp][] = [
    [
      "no_such_program_6610 --notify",
      /--exec to name a program that can run, got 'no_such_program_6610' is not on PATH/,
    ],
    [`${dir.path}/missing.sh`, /is not an executable file/],
    [notExecutable, /is not an executable file/],
    [dir.path, /is not an executable file/],
  ];
  for (const [exec, reason] of cases) {
    const run = await runRecipe(
      webhookListener,
      ["--port", "0", "--secret-file", secretFile, "--exec", exec, "--duration", "1"],
      NO_API,
    );
    assert.equal(run.code, 2, `${exec}: ${run.stderr}`);
    const lines = run.stderr.split("\n").filter(Boolean);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], reason);
  }
});

Deno.test("an --exec command that floods stderr is quoted by its last line, in bounded memory", async () => {
  // 256 MiB of stderr, then a last line: only the tail is kept (the whole would be 256 MiB).
  const before = Deno.memoryUsage().rss;
  const result = await runEventCommand(
    {
      program: "sh",
      args: ["-c", "head -c 268435456 /dev/zero | tr '\\0' x >&2; echo >&2; echo 'the last line' >&2; exit 3"],
    },
    "{}",
    { env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" }, timeoutMs: 60_000, signal: new AbortController().signal },
  );
  const grown = Deno.memoryUsage().rss - before;
  assert.equal(result.ok, false);
  assert.equal(result.message, "exit 3: the last line");
  assert.ok(grown < 128 * 1024 * 1024, `memory grew by ${Math.round(grown / 1048576)} MiB`);
});

Deno.test("describeEvent() lets no control character of an event reach the terminal", () => {
  const line = describeEvent({
    event: "sync_end\x1b[2J",
    connector_id: "c1\x1b]0;owned\x07",
    data: { status: "SUCCESSFUL\r\n", reason: "a\x00b\x9bc" },
  }, new Date(0));
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(line, /[\x00-\x1f\x7f-\x9f]/);
  assert.match(line, /sync_end \[2J .* c1 \]0;owned /);
});

Deno.test("account_report.ts writes through a symlink, keeps the file's mode, refuses a read-only file or a folder, and never writes through a planted temporary file", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const args = (output: string) => ["--group-id", DEMO.smallGroupId, "--output", output];
  // A symlink: its target gets the report, the link stays a link.
  const target = `${dir.path}/served/report.html`;
  await Deno.mkdir(`${dir.path}/served`);
  await Deno.writeTextFile(target, "old");
  await Deno.chmod(target, 0o640);
  await Deno.symlink(target, `${dir.path}/link.html`);
  const linked = await runRecipe(accountReport, args(`${dir.path}/link.html`), sandbox);
  assert.equal(linked.code, 0, linked.stderr);
  assert.ok((await Deno.lstat(`${dir.path}/link.html`)).isSymlink, "the symlink was replaced by a file");
  assert.match(await Deno.readTextFile(target), /^<!DOCTYPE html>/);
  assert.equal((await Deno.stat(target)).mode! & 0o777, 0o640);
  // A read-only file and a folder are refused, one line, exit 2, unchanged.
  const readOnly = `${dir.path}/ro.html`;
  await Deno.writeTextFile(readOnly, "keep me");
  await Deno.chmod(readOnly, 0o444);
  await Deno.mkdir(`${dir.path}/folder.html`);
  for (
    const [output, reason] of [[readOnly, /read-only \(mode 444\)/], [
      `${dir.path}/folder.html`,
      /not a regular file/,
    ]] as const
  ) {
    const run = await runRecipe(accountReport, args(output), sandbox);
    assert.equal(run.code, 2, run.stderr);
    const lines = run.stderr.split("\n").filter(Boolean);
    assert.match(lines.at(-1)!, reason);
  }
  assert.equal(await Deno.readTextFile(readOnly), "keep me");
  // A folder where no file can be made: the reason, without the temporary file's name.
  const nowhere = await runRecipe(accountReport, args("/proc/report.html"), sandbox);
  assert.equal(nowhere.code, 2, nowhere.stderr);
  assert.match(nowhere.stderr, /Cannot write '\/proc\/report\.html': .*; nothing was changed$/);
  assert.doesNotMatch(nowhere.stderr, /\.tmp-/);
  // The old temporary name, planted as a symlink to a file of someone else's, is not written through.
  const victim = `${dir.path}/victim.txt`;
  await Deno.writeTextFile(victim, "untouched");
  const output = `${dir.path}/report.html`;
  await Deno.symlink(victim, `${output}.tmp-${Deno.pid}`);
  const planted = await runRecipe(accountReport, args(output), sandbox);
  assert.equal(planted.code, 0, planted.stderr);
  assert.equal(await Deno.readTextFile(victim), "untouched");
  assert.deepEqual((await Array.fromAsync(Deno.readDir(dir.path))).filter((e) => e.name.includes(".tmp-")).length, 1);
});

Deno.test("sync_monitor.ts and staged_load.ts keep their floors for a host that only starts like a loopback address (127.0.0.1.example.com)", async () => {
  for (const baseUrl of ["https://127.0.0.1.nip.io/v1", "https://127.example.com/v1"]) {
    const run = await runRecipe(syncMonitor, ["--interval", "1"], { baseUrl, apiKey: "k_floor", apiSecret: "s_floor" });
    assert.equal(run.code, 2, `${baseUrl}: ${run.stderr}`);
    assert.match(run.stderr, /--interval to be seconds from 15 \(against a real account\)/);
    const staged = await runRecipe(stagedLoad, ["--connection-id", "c1", "--schema", "s", "--poll-interval", "0.05"], {
      baseUrl,
      apiKey: "k_floor",
      apiSecret: "s_floor",
    });
    assert.equal(staged.code, 2, `${baseUrl}: ${staged.stderr}`);
    assert.match(staged.stderr, /--poll-interval/);
  }
});

Deno.test("webhook_listener.ts acknowledges a delivery received again (a retry or a replay) but neither prints nor runs it twice", async () => {
  await using dir = await tempDir();
  const secret = "whsec-replay-42";
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, secret);
  const marks = `${dir.path}/marks`;
  await Deno.mkdir(marks);
  const script = `${dir.path}/mark.sh`;
  await Deno.writeTextFile(script, `#!/bin/sh\nmktemp "${marks}/run.XXXXXX" > /dev/null\n`);
  await Deno.chmod(script, 0o755);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const port = Promise.withResolvers<number>();
  const done = runRecipe(
    webhookListener,
    ["--port", "0", "--secret-file", secretFile, "--exec", script, "--max-events", "2", "--json"],
    NO_API,
    {
      stdout: (line) => stdout.push(line),
      stderr: (line) => {
        stderr.push(line);
        const m = line.match(/^Listening on http:\/\/[^:]+:(\d+)/);
        if (m) port.resolve(Number(m[1]));
      },
    },
  );
  const url = `http://127.0.0.1:${await port.promise}/fivetran`;
  const send = async (body: string, signature: string) => {
    const response = await fetch(url, { method: "POST", headers: { [SIGNATURE_HEADER]: signature }, body });
    await response.body?.cancel();
    return response.status;
  };
  const first = JSON.stringify({ event: "sync_end", connector_id: "c1", created: "2026-11-30T12:00:00Z" });
  const signature = await signWebhook(first, secret);
  assert.equal(await send(first, signature), 200);
  assert.equal(await send(first, signature.toLowerCase()), 200); // the same delivery again, in the other case
  assert.equal(await send(first, `sha256=${signature}`), 200);
  const second = JSON.stringify({ event: "sync_end", connector_id: "c1", created: "2026-11-30T12:05:00Z" });
  assert.equal(await send(second, await signWebhook(second, secret)), 200);
  const result = await done;
  assert.equal(result.code, 0, stderr.join("\n"));
  assert.equal(stdout.length, 2, stdout.join("\n"));
  assert.equal((await Array.fromAsync(Deno.readDir(marks))).length, 2);
  assert.match(stderr.join("\n"), /2 events received, 0 refused, 2 repeated \(ignored\); --exec ran 2, 0 failed/);
});

Deno.test("renderReport() takes states named like Object's properties (constructor, toString) and escapes hostile names", () => {
  const evil = `x"'><script>document.title="PWNED"</script></style><img src=x onerror=alert(1)>`;
  const html = renderReport([
    { id: "c1", service: "__proto__", setup_state: "constructor", sync_state: "toString", update_state: "valueOf" },
    { id: evil, group_name: evil, service: evil, schema: evil, setup_state: "broken", sync_state: evil },
  ], { title: evil, scope: evil, generatedAt: "2026-11-30T12:00:00Z" });
  assert.match(html, /constructor: 1/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.doesNotMatch(html, /<img|<\/style><img|onerror=alert\(1\)>/);
});

Deno.test("sync_monitor.ts counts states named like Object's properties (constructor, __proto__) as numbers", async () => {
  const item = (id: string, setup: string, sync: string) => ({
    id,
    service: "postgres",
    paused: false,
    status: { setup_state: setup, sync_state: sync, update_state: "on_schedule" },
  });
  await using server = startServer([], {
    fallback: {
      body: {
        code: "Success",
        data: {
          items: [
            item("a", "constructor", "__proto__"),
            item("b", "constructor", "toString"),
            item("c", "__proto__", "x"),
          ],
          next_cursor: null,
        },
      },
    },
  });
  const run = await runRecipe(syncMonitor, ["--group-id", "g1", "--once", "--json"], {
    baseUrl: server.baseUrl,
    apiKey: "k_states",
    apiSecret: "s_states",
  });
  assert.equal(run.code, 0, run.stderr);
  const snapshot = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  const setup = JSON.stringify(snapshot).match(/"constructor":(\d+|"[^"]*")/g);
  assert.deepEqual(setup, ['"constructor":2'], run.stdout);
  assert.match(JSON.stringify(snapshot), /"__proto__":1/);
  assert.match(JSON.stringify(snapshot), /"toString":1/);
});

Deno.test("sync_monitor.ts shows no control character from the API (terminal escape sequences in IDs or services)", async () => {
  await using server = startServer([], {
    fallback: {
      body: {
        code: "Success",
        data: {
          items: [{
            id: "c1\x1b]0;owned\x07",
            service: "pg\x1b[2J\x9b31m",
            paused: false,
            status: { setup_state: "connected\x1b[1m", sync_state: "syncing", update_state: "on_schedule" },
            succeeded_at: "2026-11-30T11:00:00Z",
          }],
          next_cursor: null,
        },
      },
    },
  });
  for (const args of [["--once"], ["--until", "idle", "--interval", "0.05"]]) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 300);
    const run = await runRecipe(syncMonitor, args, { baseUrl: server.baseUrl, apiKey: "k_esc", apiSecret: "s_esc" }, {
      signal: controller.signal,
    });
    clearTimeout(timer);
    if (args[0] === "--once") assert.match(run.stdout, /c1 \]0;owned/, run.stdout);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(run.stdout + run.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, args.join(" "));
  }
});

Deno.test("an --exec command is done when it exits, even when a background process it left holds its stdin and stderr", async () => {
  // Without this, the listener's slot (and Ctrl-C, and --exec-timeout) waited for the background `sleep`.
  const started = Date.now();
  const result = await runEventCommand(
    { program: "sh", args: ["-c", "sleep 8 & echo left a sleeper >&2; exit 5"] },
    "x".repeat(1_000_000), // more than a pipe holds: the write blocks while nothing reads
    { env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" }, timeoutMs: 60_000, signal: new AbortController().signal },
  );
  assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  assert.deepEqual(result, { ok: false, message: "exit 5: left a sleeper" });
});

Deno.test("Ctrl-C while a read hangs stops setup_test.ts, schema_edit.ts --from, staged_load.ts and sync_monitor.ts --once at once (exit 130, a line)", async () => {
  await using dir = await tempDir();
  const tables = `${dir.path}/tables.txt`;
  await Deno.writeTextFile(tables, "sales.Orders\n");
  const file = `${dir.path}/schema.json`;
  await Deno.writeTextFile(file, JSON.stringify({ schemas: { sales: { enabled: false } } }));
  const runs: [string, RecipeMain, string[]][] = [
    ["setup_test.ts", setupTest, ["--connection-id", "c1"]],
    ["schema_edit.ts", schemaEdit, ["--connection-id", "c1", "--from", file, "--yes"]],
    ["staged_load.ts", stagedLoad, ["--connection-id", "c1", "--tables", tables]],
    ["sync_monitor.ts", syncMonitor, ["--once"]],
  ];
  for (const [name, main, args] of runs) {
    await using server = startServer([], { fallback: { hang: true } });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const run = await runRecipe(main, args, { baseUrl: server.baseUrl, apiKey: "k_hang", apiSecret: "s_hang" }, {
      signal: controller.signal,
      clientOptions: { timeout: 15_000, maxRetries: 0 },
    });
    clearTimeout(timer);
    assert.ok(Date.now() - started < 5_000, `${name} took ${Date.now() - started} ms`);
    assert.equal(run.code, 130, `${name}: ${run.stderr}`);
    assert.match(run.stderr, /Interrupted/, name);
  }
});

Deno.test("verifyWebhook() answers 400, not a throw, when the sender hangs up in the middle of the body", async () => {
  const outcome = Promise.withResolvers<string>();
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    try {
      outcome.resolve(JSON.stringify(await verifyWebhook(request, "whsec-cut-off")));
    } catch (error) {
      outcome.resolve(`threw ${(error as Error).name}`);
    }
    return new Response("done");
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  await conn.write(
    new TextEncoder().encode(
      `POST /fivetran HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n${SIGNATURE_HEADER}: ${
        "a".repeat(64)
      }\r\n\r\n{"a":`,
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  conn.close();
  const result = JSON.parse(await outcome.promise);
  assert.equal(result.valid, false);
  assert.equal(result.status, 400);
  assert.match(result.reason, /ended early/);
});

Deno.test("webhook_listener.ts refuses a --path with . or .. segments (no request could match it) or an empty one: exit 2, one line", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, "whsec-path-1");
  for (const path of ["/../x", "/a/./b", "//x", "/a/..", "/a//b"]) {
    const run = await runRecipe(
      webhookListener,
      ["--port", "0", "--secret-file", secretFile, "--path", path, "--duration", "1"],
      NO_API,
    );
    assert.equal(run.code, 2, `${path}: ${run.stderr}`);
    assert.match(run.stderr, /^Expected --path without '\.', '\.\.' or empty segments/, path);
  }
});

Deno.test("setup_test.ts --group-id and migrate_group.ts send nothing with a listed ID that is not one (a/b, x?y=1, ../x): exit 1", async () => {
  for (const evil of ["a/b", "x?y=1", "../../groups/x", "c\u0000d", ".."]) {
    await using server = startServer([], {
      fallback: (r) => {
        if (/\/connections$/.test(r.url.pathname)) {
          const item = (id: string) => ({
            id,
            service: "postgres",
            group_id: "g1",
            schema: `s_${id.length}`,
            status: { setup_state: "broken", sync_state: "scheduled", update_state: "on_schedule" },
          });
          return { body: { code: "Success", data: { items: [item("fine_one"), item(evil)], next_cursor: null } } };
        }
        if (/^\/v1\/groups\/[^/]+$/.test(r.url.pathname)) return { body: { code: "Success", data: { id: "g1" } } };
        return { body: { code: "Success", data: { id: "fine_one", service: "postgres", config: { host: "h" } } } };
      },
    });
    const target = { baseUrl: server.baseUrl, apiKey: "k_ids", apiSecret: "s_ids" };
    const runs: [string, RecipeMain, string[]][] = [
      ["setup_test.ts", setupTest, ["--group-id", "g1"]],
      ["migrate_group.ts", migrateGroup, ["--from-group", "g1", "--to-group", "g2", "--secrets", SECRETS_EXAMPLE]],
    ];
    for (const [name, main, args] of runs) {
      const before = server.requests.length;
      const run = await runRecipe(main, args, target);
      assert.equal(run.code, 1, `${name} with ${JSON.stringify(evil)}: ${run.stderr}`);
      assert.match(run.stderr, /InvalidResponse: Expected each listed item to have an ID/);
      const sent = server.requests.slice(before).map((q) => `${q.method} ${q.url.pathname}`);
      assert.ok(sent.every((s) => /^GET \/v1\/groups\/g[12](\/connections)?$/.test(s)), sent.join(", "));
    }
  }
});

Deno.test("migrate_group.ts creates nothing when a connection's details come back empty (a 2xx without service and config)", async () => {
  await using server = startServer([], {
    fallback: (r) => {
      if (/\/connections$/.test(r.url.pathname)) {
        const items = r.url.pathname.includes("/g1/")
          ? [{ id: "c1", service: "postgres", group_id: "g1", schema: "shop", status: { setup_state: "connected" } }]
          : [];
        return { body: { code: "Success", data: { items, next_cursor: null } } };
      }
      if (/^\/v1\/groups\/[^/]+$/.test(r.url.pathname)) return { body: { code: "Success", data: { id: "g" } } };
      return { body: "" }; // GET connections/c1: an empty 200
    },
  });
  const run = await runRecipe(
    migrateGroup,
    ["--from-group", "g1", "--to-group", "g2", "--secrets", SECRETS_EXAMPLE],
    { baseUrl: server.baseUrl, apiKey: "k_empty", apiSecret: "s_empty" },
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /GET connections\/c1 failed: .*InvalidResponse/);
  assert.ok(!server.requests.some((q) => q.method !== "GET"), "something was created");
});

Deno.test("staged_load.ts stops, starting no sync, when Fivetran answers the PATCH but leaves the batch's tables disabled", async () => {
  await using dir = await tempDir();
  const tables = `${dir.path}/tables.txt`;
  await Deno.writeTextFile(tables, "sales.Orders\n");
  const config = {
    schema_change_handling: "ALLOW_ALL",
    schemas: { sales: { enabled: true, tables: { Orders: { enabled: false } } } },
  };
  // A PATCH answer that leaves the table disabled is caught by the recipe's check; one with no data at all is
  // no answer for the client (invalid-response): either way, no sync.
  const answers: [unknown, RegExp][] = [
    [{ code: "Success", data: config }, /did not enable sales\.Orders; no sync was started/],
    [{ code: "Success" }, /PATCH connections\/c1\/schemas\/sales failed: HTTP 200 InvalidResponse/],
  ];
  for (const [patchAnswer, said] of answers) {
    await using server = startServer([], {
      fallback: (r) => {
        if (r.method === "PATCH") return { body: patchAnswer };
        if (r.url.pathname.endsWith("/schemas")) return { body: { code: "Success", data: config } };
        if (r.method === "GET") {
          return { body: { code: "Success", data: { id: "c1", paused: false, status: { sync_state: "scheduled" } } } };
        }
        return { body: { code: "Success" } };
      },
    });
    const run = await runRecipe(stagedLoad, [
      "--connection-id",
      "c1",
      "--tables",
      tables,
      "--poll-interval",
      "0.05",
      "--timeout",
      "1",
    ], {
      baseUrl: server.baseUrl,
      apiKey: "k_patch",
      apiSecret: "s_patch",
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, said);
    assert.ok(!server.requests.some((q) => q.method === "POST"), "a sync was started");
    assert.doesNotMatch(run.stdout, /loaded \(sync succeeded/);
  }
});

Deno.test("renderReport() and renderBarChart() take 200,000 distinct states without overflowing the call stack", () => {
  const connections = Array.from({ length: 200_000 }, (_, i) => ({ id: `c${i}`, setup_state: `state_${i}` }));
  const html = renderReport(connections, { title: "t", scope: "s", generatedAt: "2026-11-30T12:00:00Z" });
  assert.match(html, /199989 others/);
  const bars = Array.from({ length: 200_000 }, (_, i) => ({ label: `b${i}`, value: i }));
  assert.match(renderBarChart({ title: "many", bars }), /^<svg/);
});

Deno.test("schema_edit.ts --from reads a schema file over 1 MiB (a large source's export), and still refuses /dev/zero", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const path = `${dir.path}/big.json`;
  // As schema_export.ts would write it for a source with tens of thousands of tables: here, 2 MiB of indentation.
  await Deno.writeTextFile(path, `{"schemas": {"sales": {"enabled": true}}}${" ".repeat(2 << 20)}\n`);
  const run = await runRecipe(schemaEdit, ["--connection-id", C, "--from", path, "--dry-run"], sandbox);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Nothing to change|Dry run/);
  const zero = await runRecipe(schemaEdit, ["--connection-id", C, "--from", "/dev/zero", "--dry-run"], sandbox);
  assert.equal(zero.code, 2, zero.stderr);
  assert.match(zero.stderr, /Cannot read schema file '\/dev\/zero': expected a regular file/);
});
