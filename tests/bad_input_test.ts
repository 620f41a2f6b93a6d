// The bad-input matrix across the recipes and atlas(): missing and malformed credentials, empty and malformed IDs,
// invalid JSON and wrong-shape payload files, out-of-range limits, an endpoint pointing at another host, a non-JSON
// error body, an unreachable base URL (a closed loopback port) and a missing permission. Each gives a one-line
// reason and the documented exit code (2 bad usage or input, 1 API or network failure) — for atlas(), its documented
// outcome (null and one red line, or a thrown TypeError/RangeError/ConfigError) — and changes nothing: the sandbox
// journal shows no mutating request. In-process where it can be (fast retries), in subprocesses for the
// environment and permissions, several at once.
import assert from "node:assert/strict";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import type { RecipeMain } from "../lib/recipe.ts";
import { runRecipe, type RunResult, type Target } from "./_harness.ts";
import { type Received, ROOT, runDeno, startServer, tempDir, type TestServer } from "./_server.ts";
import { fastSleep, isMutating } from "./_scale.ts";

const RECIPES = new URL("../recipes/", import.meta.url);
const C = DEMO.renamedConnectionId;
const G = DEMO.smallGroupId;

interface Files {
  createConfig: string;
  destinationConfig: string;
  copySecrets: string;
  sql: string;
  dir: string;
}

/** Valid arguments of every recipe (the matrix varies one input at a time). A new recipe needs an entry. */
const BASE: Record<string, (f: Files) => string[]> = {
  "account_report.ts": (f) => ["--group-id", G, "--output", `${f.dir}/report.html`],
  "cert_mgmt.ts": () => ["--group-id", G],
  "connection_status.ts": () => ["--state", "broken", "--group-id", G],
  "connector_status.ts": () => ["--connection-id", C],
  "copy_connector.ts": (f) => ["--connection-id", C, "--to-group", DEMO.financeGroupId, "--secrets", f.copySecrets],
  "create_connector.ts": (f) => ["--group-id", G, "--config", f.createConfig, "--schema", "bad_input_a"],
  "delete_connector.ts": () => ["--connection-id", C, "--yes"],
  "demo.ts": () => ["--sync-seconds", "0.2", "--poll-interval", "0.05"],
  "new_group_destination.ts": (f) => ["--name", "bad_input_group", "--config", f.destinationConfig],
  "new_group_webhook.ts": () => ["--group-id", G, "--url", "https://hooks.example.com/x", "--event", "sync_end"],
  "new_team.ts": () => ["--name", "bad_input_team", "--role", "Account Reviewer"],
  "new_user.ts": () => ["--email", "bad.input@example.com", "--given-name", "Bad", "--family-name", "Input"],
  "pause.ts": () => ["--connection-id", C],
  "run_transformation.ts": () => ["--transformation-id", DEMO.succeedingTransformationId],
  "schema_edit.ts": () => ["--connection-id", C, "--schema", "sales", "--disable"],
  "sql_writer.ts": (f) => ["--connection-id", C, "--file", f.sql, "--check"],
  "status_pagination.ts": () => ["--group-id", G],
  "table_sync.ts": () => ["--connection-id", C, "--table", "sales.Orders", "--yes"],
  "update_connector.ts": () => ["--connection-id", C, "--set", "sync_frequency=360"],
  "migrate_group.ts": () => [
    "--from-group",
    G,
    "--to-group",
    DEMO.financeGroupId,
    "--secrets",
    new URL("examples/migrate_secrets.json", RECIPES).pathname,
  ],
  "schema_export.ts": () => ["--connection-id", C, "--format", "terraform"],
  "setup_test.ts": () => ["--connection-id", C],
  "staged_load.ts": () => ["--connection-id", C, "--schema", "sales"],
  "sync_monitor.ts": () => ["--group-id", G, "--once"],
  // Any non-empty file serves as a webhook secret.
  "webhook_listener.ts": (f) => ["--port", "0", "--secret-file", f.sql, "--duration", "1"],
};

const ID_FLAGS = ["--connection-id", "--group-id", "--to-group", "--transformation-id"];
const BAD_IDS = [
  "",
  "  ",
  "../x",
  "a/b",
  "x y",
  "%2e%2e",
  "//evil.example.com",
  "https://evil.example.com",
  "a".repeat(201),
];

async function writeFiles(dir: string): Promise<Files> {
  const write = async (name: string, value: unknown) => {
    const path = `${dir}/${name}`;
    await Deno.writeTextFile(path, typeof value === "string" ? value : JSON.stringify(value));
    return path;
  };
  return {
    dir,
    createConfig: await write("create.json", {
      service: "postgres",
      run_setup_tests: false,
      config: { host: "db.example.internal", port: 5432, database: "shop", user: "u", password: "pw-bad-input" },
    }),
    destinationConfig: await write("destination.json", {
      service: "snowflake",
      region: "AWS_US_EAST_1",
      time_zone_offset: "0",
      config: { host: "acme.snowflakecomputing.com", port: 443, database: "F", user: "L", password: "pw-dest" },
    }),
    copySecrets: await write("copy_secrets.json", { password: "pw-copy" }),
    sql: await write("orders.sql", "SELECT CustomerID FROM sales.Orders;\n"),
  };
}

async function recipes(): Promise<Map<string, RecipeMain>> {
  const names: string[] = [];
  for await (const e of Deno.readDir(RECIPES)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) names.push(e.name);
  }
  const map = new Map<string, RecipeMain>();
  for (const name of names.sort()) {
    map.set(name, (await import(new URL(name, RECIPES).href) as { main: RecipeMain }).main);
  }
  return map;
}

/** Lines of a stream, without blanks. */
function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

/**
 * The run ended with `code` and said why in one line: for bad input (2), stderr is exactly that line; for an API or
 * network failure (1), the reason is the last stderr line, once, and no stack trace shows anywhere.
 */
function assertReason(run: RunResult, code: number, reason: RegExp, what: string, before?: RegExp) {
  const err = lines(run.stderr).filter((l, i, all) => !(before && i < all.length - 1 && before.test(l)));
  const context = `${what}\n--- stderr:\n${run.stderr.slice(-600)}`;
  assert.equal(run.code, code, `exit ${run.code}, expected ${code}: ${context}`);
  assert.ok(err.length > 0, `no reason printed: ${context}`);
  if (code === 2) assert.equal(err.length, 1, `more than one line on stderr: ${context}`);
  assert.match(err.at(-1)!, reason, context);
  assert.equal(err.filter((l) => l === err.at(-1)).length, 1, `the reason repeats: ${context}`);
  assert.ok(!/^\s+at |Uncaught|Stack backtrace/m.test(run.stdout + run.stderr), `stack trace: ${context}`);
}

/** The sandbox received nothing that changes state since `seq`. */
function assertNothingChanged(sandbox: Sandbox, seq: number, what: string) {
  const mutating = sandbox.journal(seq).filter(isMutating);
  assert.deepEqual(mutating.map((e) => `${e.method} ${e.path}`), [], `${what} changed state`);
}

function lastSeq(sandbox: Sandbox): number {
  return sandbox.journal().at(-1)?.seq ?? 0;
}

Deno.test("bad input: every recipe has a base case in the matrix, and the base case is accepted", async () => {
  const all = await recipes();
  const missing = [...all.keys()].filter((name) => !BASE[name]);
  assert.deepEqual(missing, [], `add these recipes to BASE in tests/bad_input_test.ts: ${missing.join(", ")}`);
});

Deno.test("bad input: empty and malformed IDs (and IDs that are URLs) exit 2 with one line and send nothing", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  await using sandbox = await startSandbox();
  const time = fastSleep();
  let cases = 0;
  for (const [name, main] of await recipes()) {
    const base = BASE[name]?.(files) ?? [];
    for (const [i, flag] of base.entries()) {
      if (!ID_FLAGS.includes(flag)) continue;
      for (const bad of BAD_IDS) {
        const args = base.with(i + 1, bad);
        const seq = lastSeq(sandbox);
        const run = await runRecipe(main, args, sandbox, { sleep: time.sleep });
        const what = `${name} ${flag} '${bad.slice(0, 30)}'`;
        assertReason(run, 2, new RegExp(`${flag}|ID`), what);
        assert.equal(sandbox.journal(seq).length, 0, `${what} sent a request`);
        cases++;
      }
    }
  }
  assert.ok(cases >= 100, `only ${cases} cases`);
});

Deno.test("bad input: unreadable, invalid-JSON and wrong-shape files exit 2 with one line and change nothing", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  await using sandbox = await startSandbox();
  const all = await recipes();
  const file = async (name: string, text: string) => {
    const path = `${dir.path}/${name}`;
    await Deno.writeTextFile(path, text);
    return path;
  };
  const variants: [string, string | null][] = [
    ["missing", null],
    ["empty", ""],
    ["invalid JSON", "{oops"],
    ["an array", "[1, 2]"],
    ["null", "null"],
    ["a string", '"text"'],
    ["a number", "42"],
  ];
  // recipe, the flag that takes the file, and the arguments around it (FILE marks its place).
  const targets: [string, string[]][] = [
    ["create_connector.ts", ["--group-id", G, "--schema", "bi_a", "--config", "FILE"]],
    ["new_group_destination.ts", ["--name", "bi_group", "--config", "FILE"]],
    ["update_connector.ts", ["--connection-id", C, "--payload", "FILE"]],
    ["new_team.ts", ["--payload", "FILE"]],
    ["new_user.ts", ["--payload", "FILE"]],
    ["copy_connector.ts", ["--connection-id", C, "--to-group", G, "--secrets", "FILE"]],
  ];
  // Wrong shapes: JSON objects that are not what the recipe takes.
  const shapes: [string, string, unknown][] = [
    ["create_connector.ts", "no service", { config: { host: "h" } }],
    ["create_connector.ts", "config not an object", { service: "postgres", config: "host=h" }],
    ["create_connector.ts", "unknown service", { service: "no_such_service", config: {} }],
    ["new_group_destination.ts", "no service", { config: {} }],
    ["update_connector.ts", "nothing to change", {}],
    ["update_connector.ts", "unknown field", { no_such_field: 1 }],
    ["new_team.ts", "no name", { description: "x" }],
    ["new_user.ts", "no email", { given_name: "A", family_name: "B" }],
    ["new_user.ts", "bad email", { email: "not-an-email", given_name: "A", family_name: "B" }],
    ["copy_connector.ts", "values not strings", { password: 42 }],
  ];
  const cases: [string, string, string[]][] = [];
  for (const [name, args] of targets) {
    for (const [label, text] of variants) {
      const path = text === null ? `${dir.path}/missing/${label}.json` : await file(`${name}-${label}.json`, text);
      cases.push([name, label, args.map((a) => a === "FILE" ? path : a)]);
    }
  }
  const bytes = async (name: string, content: number[]) => {
    await Deno.writeFile(`${dir.path}/${name}`, new Uint8Array(content));
    return `${dir.path}/${name}`;
  };
  const readOnly = async (name: string) => {
    const path = await file(name, "SELECT CustomerID FROM sales.Orders;\n");
    await Deno.chmod(path, 0o444);
    return path;
  };
  const sparse = async (name: string, size: number) => {
    const path = await file(name, "");
    await Deno.truncate(path, size);
    return path;
  };
  // Files that are not small regular files: reading them must neither hang (/dev/zero, a FIFO) nor eat memory.
  const fifo = `${dir.path}/pipe.json`;
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0, "mkfifo failed");
  const big = await file("big.json", JSON.stringify({ password: "x".repeat(1 << 21) }));
  for (const [name, args] of targets) {
    for (const [label, path] of [["/dev/zero", "/dev/zero"], ["a FIFO", fifo], ["a 2 MiB file", big]]) {
      cases.push([name, label, args.map((a) => a === "FILE" ? path : a)]);
    }
  }
  cases.push(["new_group_webhook.ts", "/dev/zero as secret file", [
    ...BASE["new_group_webhook.ts"](files),
    "--secret-file",
    "/dev/zero",
  ]]);
  for (const [name, label, value] of shapes) {
    const path = await file(`${name}-${label}.json`, JSON.stringify(value));
    const args = targets.find(([n]) => n === name)![1];
    cases.push([name, label, args.map((a) => a === "FILE" ? path : a)]);
  }
  cases.push(
    ["new_group_webhook.ts", "missing secret file", [
      ...BASE["new_group_webhook.ts"](files),
      "--secret-file",
      `${dir.path}/nope`,
    ]],
    ["new_group_webhook.ts", "empty secret file", [
      ...BASE["new_group_webhook.ts"](files),
      "--secret-file",
      await file("empty.txt", ""),
    ]],
    // The newer recipes' files: a tables list, a schema file, a secrets file, a webhook secret.
    ["staged_load.ts", "/dev/zero as tables file", ["--connection-id", C, "--tables", "/dev/zero"]],
    ["staged_load.ts", "a FIFO as tables file", ["--connection-id", C, "--tables", fifo]],
    ["staged_load.ts", "a folder as tables file", ["--connection-id", C, "--tables", dir.path]],
    ["staged_load.ts", "an empty tables file", ["--connection-id", C, "--tables", await file("tables.txt", "\n# x\n")]],
    ["schema_edit.ts", "/dev/zero as schema file", ["--connection-id", C, "--from", "/dev/zero", "--yes"]],
    ["schema_edit.ts", "a FIFO as schema file", ["--connection-id", C, "--from", fifo, "--yes"]],
    ["schema_edit.ts", "a schema file that is a list", ["--connection-id", C, "--from", await file("s.json", "[]")]],
    ["migrate_group.ts", "a FIFO as secrets file", [...BASE["migrate_group.ts"](files).slice(0, 4), "--secrets", fifo]],
    ["webhook_listener.ts", "/dev/zero as webhook secret", ["--port", "0", "--secret-file", "/dev/zero"]],
    ["webhook_listener.ts", "a FIFO as webhook secret", ["--port", "0", "--secret-file", fifo]],
    ["sql_writer.ts", "missing SQL file", ["--connection-id", C, "--file", `${dir.path}/nope.sql`]],
    ["sql_writer.ts", "a folder as SQL file", ["--connection-id", C, "--file", dir.path]],
    ["sql_writer.ts", "a FIFO as SQL file", ["--connection-id", C, "--file", fifo]],
    ["sql_writer.ts", "/dev/zero as SQL file", ["--connection-id", C, "--file", "/dev/zero"]],
    ["sql_writer.ts", "a SQL file that is not UTF-8", [
      "--connection-id",
      C,
      "--file",
      await bytes("latin1.sql", [0x2d, 0x2d, 0xe9, 0x0a]),
    ]],
    ["sql_writer.ts", "a read-only SQL file", ["--connection-id", C, "--file", await readOnly("ro.sql")]],
    ["sql_writer.ts", "a SQL file over 512 MiB", ["--connection-id", C, "--file", await sparse("huge.sql", 600 << 20)]],
    [
      "pause.ts",
      "progress file of another operation",
      [
        "--group-id",
        G,
        "--resume-from",
        await file("other.jsonl", '{"op":"cert_mgmt","key":"x","status":"done","at":"now"}\n'),
      ],
    ],
  );
  for (const [name, label, args] of cases) {
    const seq = lastSeq(sandbox);
    const run = await runRecipe(all.get(name)!, args, sandbox);
    // (pause.ts lists the group before it opens the progress file, and says how many it found.)
    const before = /^\d+ connections? in group /;
    assertReason(run, 2, /file|JSON|Expected|Unknown|Missing|progress|not|Cannot/i, `${name} with ${label}`, before);
    assertNothingChanged(sandbox, seq, `${name} with ${label}`);
  }
  assert.ok(cases.length >= 50, `only ${cases.length} cases`);
});

Deno.test({
  name: "bad input: a --resume-from file that is not a progress file (e.g. a JSON config) is refused, not appended to",
  async fn() {
    await using dir = await tempDir();
    await using sandbox = await startSandbox();
    const path = `${dir.path}/connector_postgres.json`;
    const text = JSON.stringify({ service: "postgres", config: { host: "h", password: "p" } }, null, 2);
    await Deno.writeTextFile(path, text);
    const run = await runRecipe((await recipes()).get("pause.ts")!, ["--group-id", G, "--resume-from", path], sandbox);
    assertReason(run, 2, /progress file/, "pause.ts --resume-from a JSON config");
    assertNothingChanged(sandbox, 0, "pause.ts --resume-from a JSON config");
    assert.equal(await Deno.readTextFile(path), text);
  },
});

Deno.test("bad input: out-of-range limits, counts and durations exit 2 with one line and send nothing", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  await using sandbox = await startSandbox();
  const all = await recipes();
  const cases: [string, string[]][] = [];
  for (const v of ["0", "1001", "-1", "1.5", "abc", "", "1e3"]) {
    cases.push(["status_pagination.ts", [...BASE["status_pagination.ts"](files), "--limit", v]]);
    cases.push(["status_pagination.ts", [...BASE["status_pagination.ts"](files), `--limit=${v}`]]);
    cases.push(["cert_mgmt.ts", [...BASE["cert_mgmt.ts"](files), "--limit", v]]);
  }
  for (const v of ["0", "65", "-2", "x", "2.5"]) {
    cases.push(["pause.ts", ["--group-id", G, "--concurrency", v]]);
    cases.push(["cert_mgmt.ts", ["--group-id", G, "--concurrency", v]]);
    cases.push(["connection_status.ts", ["--state", "paused", "--concurrency", v]]);
    cases.push(["copy_connector.ts", [...BASE["copy_connector.ts"](files), "--concurrency", v]]);
  }
  for (const v of ["0", "-5", "abc", "99999999999"]) {
    cases.push(["pause.ts", ["--connection-id", C, "--sync", "--wait", "--timeout", v]]);
    cases.push(["run_transformation.ts", [...BASE["run_transformation.ts"](files), "--wait", "--timeout", v]]);
  }
  for (const v of ["0", "-1", "soon"]) {
    cases.push(["pause.ts", ["--connection-id", C, "--sync", "--wait", "--poll-interval", v]]);
    cases.push(["run_transformation.ts", [...BASE["run_transformation.ts"](files), "--wait", "--poll-interval", v]]);
    cases.push(["demo.ts", ["--sync-seconds", v]]);
  }
  cases.push(
    ["connection_status.ts", ["--state", "sleeping"]],
    ["update_connector.ts", ["--connection-id", C, "--set", "sync_frequency"]],
    ["new_user.ts", [...BASE["new_user.ts"](files), "--role", "Emperor"]],
    ["new_group_webhook.ts", ["--group-id", G, "--url", "http://hooks.example.com/x", "--event", "sync_end"]],
    ["demo.ts", ["--poll-interval", "1000"]],
  );
  for (const [name, args] of cases) {
    const seq = lastSeq(sandbox);
    const run = await runRecipe(all.get(name)!, args, sandbox);
    assertReason(run, 2, /Expected|Unknown|must|Invalid|not|ambiguous/i, `${name} ${args.join(" ")}`);
    assertNothingChanged(sandbox, seq, `${name} ${args.join(" ")}`);
  }
});

Deno.test("bad input: --poll-interval under 1 s against a real account, or under 0.01 s against the sandbox, exits 2 and sends nothing", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  await using sandbox = await startSandbox();
  const all = await recipes();
  // A host that is not loopback: the floor is checked before any request, so nothing is sent (nor resolved).
  const real: Target = { apiKey: "k", apiSecret: "s", baseUrl: "https://atlas-poll-floor.invalid/v1" };
  const waits: [string, string[]][] = [
    ["pause.ts", ["--connection-id", C, "--sync", "--wait"]],
    ["run_transformation.ts", [...BASE["run_transformation.ts"](files), "--wait"]],
  ];
  for (const [name, args] of waits) {
    for (const v of ["0.001", "0.5", "0.999"]) {
      const run = await runRecipe(all.get(name)!, [...args, "--poll-interval", v], real);
      assertReason(
        run,
        2,
        /^Expected --poll-interval to be at least 1 s against atlas-poll-floor\.invalid \(shorter only against a loopback sandbox\)/,
        `${name} --poll-interval ${v} against a real account`,
      );
    }
    const seq = lastSeq(sandbox);
    const run = await runRecipe(all.get(name)!, [...args, "--poll-interval", "0.001"], sandbox);
    assertReason(run, 2, /^Expected --poll-interval to be at least 0\.01 s/, `${name} --poll-interval 0.001`);
    assert.equal(sandbox.journal(seq).length, 0, `${name} sent a request`);
  }
});

Deno.test("bad input: a non-JSON error body, an HTML 200 and an unreachable base URL exit 1 with one line", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  const all = await recipes();
  const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
  await using proxy = startServer([], {
    fallback: { status: 502, body: html, headers: { "content-type": "text/html" } },
  });
  await using portal = startServer([], {
    fallback: { status: 200, body: "<html>Sign in to the Wi-Fi</html>", headers: { "content-type": "text/html" } },
  });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const creds = { apiKey: "bad_input_key", apiSecret: "bad_input_secret" };
  const targets: [string, Target, RegExp][] = [
    [
      "a 502 with an HTML body",
      { ...creds, baseUrl: proxy.baseUrl },
      /HTTP 502 .*Non-JSON answer: text\/html '502 Bad Gateway/,
    ],
    [
      "a 200 with an HTML body",
      { ...creds, baseUrl: portal.baseUrl },
      /InvalidResponse: Expected a JSON envelope, got text\/html/,
    ],
    [
      "a closed port",
      { ...creds, baseUrl: `http://127.0.0.1:${closedPort}/v1` },
      /NetworkError: Network error: 127\.0\.0\.1:\d+: connection refused/,
    ],
  ];
  const time = fastSleep();
  const single = ["connector_status.ts", "status_pagination.ts", "cert_mgmt.ts"];
  for (const [label, target, reason] of targets) {
    for (const name of single) {
      const run = await runRecipe(all.get(name)!, BASE[name](files), target, {
        sleep: time.sleep,
        clientOptions: { sleep: time.sleep },
      });
      assertReason(run, 1, reason, `${name} against ${label}`);
    }
    // A bulk recipe reports the group it could not read in its summary (and exits 1); a mutating recipe stops at
    // its first read: nothing is sent that could change anything.
    for (
      const name of [
        "connection_status.ts",
        "pause.ts",
        "update_connector.ts",
        "delete_connector.ts",
        "create_connector.ts",
      ]
    ) {
      const args = name === "pause.ts" ? ["--group-id", G] : BASE[name](files);
      const run = await runRecipe(all.get(name)!, args, target, { clientOptions: { sleep: time.sleep } });
      assert.equal(run.code, 1, `${name} against ${label}: ${run.stderr}`);
      assert.ok(lines(run.stderr).some((l) => reason.test(l)), `${name} against ${label}: ${run.stderr}`);
      assert.ok(!/^\s+at |Uncaught/m.test(run.stdout + run.stderr), `${name} against ${label}: stack trace`);
    }
  }
  for (const server of [proxy, portal]) {
    assert.deepEqual(server.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.target}`), []);
  }
  // Retries were made (the 502 is retried as the client defines), then the one line.
  assert.ok(proxy.requests.length > single.length * 2);
});

/**
 * A hostile front for a sandbox: it forwards every request, except that the `lose`-th create (POST) gets no
 * answer (held until the test ends, so the client times out). `before`: the POST is never forwarded (nothing is
 * created); `after`: it is forwarded, then its answer is held (the item exists); `all`: never forwarded, and
 * every later request hangs too (the lookup fails: the outcome is unknown).
 */
function losingFront(sandbox: Sandbox, mode: "before" | "after" | "all", lose = 1) {
  let posts = 0;
  let lost = false;
  const forward = async (r: Received) => {
    const answer = await fetch(`${sandbox.baseUrl.replace(/\/v1$/, "")}${r.target}`, {
      method: r.method,
      headers: r.headers,
      ...(r.body ? { body: r.body } : {}),
    });
    return new Response(await answer.text(), { status: answer.status, headers: answer.headers });
  };
  return startServer([], {
    fallback: async (r) => {
      if (lost && mode === "all") return { hang: true };
      if (r.method === "POST" && !/\/(sync|test|reload|cancel)$/.test(r.url.pathname) && ++posts === lose) {
        lost = true;
        if (mode === "after") await (await forward(r)).text();
        return { hang: true };
      }
      return await forward(r);
    },
  });
}

Deno.test("a create whose answer is lost says so, what it checked, and what to run: created, not created or unknown", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  const all = await recipes();
  // recipe, arguments, which create loses its answer, and what each outcome says (last stderr line or a line).
  const creates: {
    name: string;
    args: string[];
    lose?: number;
    absent: RegExp;
    absentExit?: number;
    exists: RegExp;
    unknown: RegExp;
  }[] = [
    {
      name: "new_team.ts",
      args: ["--name", "lost_team"],
      absent:
        /^Not created: the answer to POST teams was lost \(it timed out\), and GET teams \(by name\) shows no team named lost_team; nothing was created, so running the same command again is safe$/,
      exists: /^Created after all: GET teams \(by name\) shows team \w+ named lost_team, so POST teams went through/,
      unknown:
        /^Outcome unknown: the answer to POST teams was lost \(it timed out\) and the check \(GET teams \(by name\)\) failed too \(.*\); the team named lost_team may or may not exist\. Check with: curl -u "\$FIVETRAN_API_KEY:\$FIVETRAN_API_SECRET" http:\/\/127\.0\.0\.1:\d+\/v1\/teams — before running this again$/,
    },
    {
      name: "new_user.ts",
      args: ["--email", "lost@example.com", "--given-name", "Lost", "--family-name", "Answer"],
      absent: /^Not created: .*GET users \(by email\) shows no user with email lost@example\.com/,
      exists: /^Created after all: GET users \(by email\) shows user \w+ with email lost@example\.com/,
      unknown: /^Outcome unknown: the answer to POST users was lost .*Check with: curl .*\/v1\/users — /,
    },
    {
      name: "new_group_webhook.ts",
      args: ["--group-id", G, "--url", "https://hooks.example.com/lost", "--event", "sync_end"],
      absent: /^Not created: the answer to POST webhooks\/group\/hollow_cedar was lost .*shows no webhook of group/,
      exists: /^Created after all: GET webhooks \(by group, URL and events\) shows webhook \w+/,
      unknown: /^Outcome unknown: .*Check with: curl .*\/v1\/webhooks — /,
    },
    {
      name: "new_group_destination.ts",
      args: ["--name", "lost_group", "--config", files.destinationConfig],
      absent: /^Not created: the answer to POST groups was lost .*shows no group named lost_group/,
      exists: /^Created after all: GET groups \(by name\) shows group \w+ named lost_group/,
      unknown: /^Outcome unknown: the answer to POST groups was lost .*Check with: curl .*\/v1\/groups — /,
    },
    {
      name: "new_group_destination.ts",
      args: ["--name", "lost_dest", "--config", files.destinationConfig],
      lose: 2,
      absent: /^Not created: the answer to POST destinations was lost .*shows no destination of group \w+/,
      exists: /^Created after all: GET destinations\/\w+ shows the snowflake destination of group/,
      unknown:
        /^Outcome unknown: the answer to POST destinations was lost .*Check with: curl .*\/v1\/destinations\/\w+ — /,
    },
    {
      name: "create_connector.ts",
      args: ["--group-id", G, "--config", files.createConfig, "--schema", "lost_a"],
      absent:
        /^Not created: the answer to POST connections \(schema lost_a\) was lost, and GET groups\/hollow_cedar\/connections shows no connection with schema lost_a; running the same command again is safe$/,
      exists: /^Created after all: GET groups\/hollow_cedar\/connections shows connection \w+ \(schema lost_a\)/,
      unknown:
        /^Outcome unknown: the answer to POST connections \(schema lost_a\) was lost .*Check with: curl .*\/v1\/groups\/hollow_cedar\/connections — /,
    },
    {
      name: "copy_connector.ts",
      args: BASE["copy_connector.ts"](files),
      // The lookup shows no copy, so a rerun is safe: the bulk runner's final sweep is that rerun, and creates it.
      absent: /^Summary: 1 group in .*: 1 copied, .*, the final sweep recovered 1 of 1 retried$/,
      absentExit: 0,
      exists: /^Created after all: GET groups\/amber_falcon\/connections shows connection \w+/,
      unknown:
        /^amber_falcon: failed — outcome unknown: the answer to POST connections was lost and the check \(GET groups\/amber_falcon\/connections\) failed too; run the same command again: it looks for the copy first and never creates it twice \(the final sweep's retry failed too: GET groups\/amber_falcon\/connections failed: Timeout: .*\)$/,
    },
  ];
  const runs = creates.flatMap((c) =>
    (["before", "after", "all"] as const).map(async (mode) => {
      await using sandbox = await startSandbox();
      await using front = losingFront(sandbox, mode, c.lose);
      const target = { apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, baseUrl: front.baseUrl };
      const run = await runRecipe(all.get(c.name)!, c.args, target, {
        clientOptions: { timeout: 250, maxRetries: 1 },
      });
      const output = `${c.name} (${mode}, create ${
        c.lose ?? 1
      } lost)\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`;
      // Said plainly, at once: the answer was lost and the item may or may not exist (before the lookup).
      assert.match(
        run.stderr,
        /(The answer to POST \S+ (\(.*\) )?was lost \(it timed out.*may or may not exist; checking with )/,
        output,
      );
      const expected = mode === "before" ? c.absent : mode === "after" ? c.exists : c.unknown;
      assert.ok(
        lines(`${run.stdout}\n${run.stderr}`).some((l) => expected.test(l)),
        `${output}\n--- expected: ${expected}`,
      );
      assert.equal(run.code, mode === "after" ? 0 : mode === "before" ? c.absentExit ?? 1 : 1, output);
      // A create is never sent twice.
      const posts = sandbox.journal().filter((e) => e.method === "POST");
      assert.equal(new Set(posts.map((e) => e.path)).size, posts.length, `${output}\na create was repeated`);
    })
  );
  await Promise.all(runs);
});

Deno.test("bad input: an empty 200, or a 200 whose data is not what the operation returns, exits 1 and claims nothing", async () => {
  await using dir = await tempDir();
  const files = await writeFiles(dir.path);
  const all = await recipes();
  const json = { "content-type": "application/json" };
  await using empty = startServer([], { fallback: { status: 200, body: "", headers: json } });
  await using wrong = startServer([], { fallback: { status: 200, body: { code: "Success", data: "x" } } });
  const creds = { apiKey: "bad_input_key", apiSecret: "bad_input_secret" };
  const targets: [string, TestServer, RegExp][] = [
    ["an empty 200", empty, /InvalidResponse: Expected a JSON envelope, got an empty body$/],
    ["data 'x'", wrong, /InvalidResponse: Expected data to be an object, got a string 'x'$/],
  ];
  for (const [label, server, reason] of targets) {
    for (const name of ["connector_status.ts", "delete_connector.ts", "new_group_webhook.ts"]) {
      const run = await runRecipe(all.get(name)!, BASE[name](files), { ...creds, baseUrl: server.baseUrl });
      assertReason(run, 1, reason, `${name} against ${label}`);
      assert.doesNotMatch(
        run.stdout,
        /undefined|Deleted connection|Created webhook|\(\?, schema \?\)/,
        `${name}: ${run.stdout}`,
      );
    }
    // A list answered without a list is no page either.
    const run = await runRecipe(all.get("status_pagination.ts")!, BASE["status_pagination.ts"](files), {
      ...creds,
      baseUrl: server.baseUrl,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(lines(run.stderr).at(-1)!, /InvalidResponse: Expected (a JSON envelope|data\.items to be a list)/);
    // Nothing was changed on the strength of a non-answer: delete_connector stopped at its GET.
    assert.deepEqual(server.requests.filter((r) => r.method === "DELETE").length, 0);
  }
});

Deno.test("bad input: a server that hangs gets one line on stderr before the first retry, saying what, why and when", async () => {
  await using server = startServer([{ hang: true }, { hang: true }]);
  // A clock that moves 20 s each time it is read stands in for the default 30 s timeout.
  let clock = Date.UTC(2026, 0, 1);
  const run = await runRecipe(
    (await recipes()).get("connector_status.ts")!,
    ["--connection-id", C],
    { apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl },
    { now: () => clock, clientOptions: { timeout: 50, maxRetries: 1, now: () => (clock += 20_000) } },
  );
  assert.equal(run.code, 1, run.stderr);
  const said = lines(run.stderr);
  assert.equal(said.length, 2, run.stderr);
  assert.match(
    said[0],
    new RegExp(`^GET connections/${C}: no complete answer within 50 ms; trying again in [\\d.]+ s \\(retry 1 of 1\\)$`),
  );
  assert.match(said[1], new RegExp(`^GET connections/${C} failed: Timeout: No complete answer within 50 ms$`));
});

Deno.test("bad input: a page of 400,000 connections is listed, not a 'Maximum call stack size exceeded'", async () => {
  const items = Array.from({ length: 400_000 }, (_, i) => ({ id: `c${i}`, service: "s", schema: "x", paused: false }));
  const page = JSON.stringify({ code: "Success", data: { items, next_cursor: null } });
  await using server = startServer([], { fallback: { body: page, headers: { "content-type": "application/json" } } });
  const run = await runRecipe((await recipes()).get("status_pagination.ts")!, ["--group-id", G, "--json"], {
    apiKey: "k",
    apiSecret: "s",
    baseUrl: server.baseUrl,
  });
  assert.equal(run.code, 0, run.stderr.slice(-400));
  assert.equal(JSON.parse(run.stdout).connections.length, 400_000);
});

Deno.test("bad input in a real process: credentials, base URL and permissions give one line and exit 2", async () => {
  await using dir = await tempDir();
  await using sandbox = await startSandbox();
  const seq = lastSeq(sandbox);
  const config = async (name: string, text: string) => {
    await Deno.writeTextFile(`${dir.path}/${name}`, text);
    return `${dir.path}/${name}`;
  };
  const creds = {
    FIVETRAN_API_KEY: sandbox.apiKey,
    FIVETRAN_API_SECRET: sandbox.apiSecret,
    FIVETRAN_BASE_URL: sandbox.baseUrl,
    FIVETRAN_LOG_FILE: `${dir.path}/logs/fivetran.log`,
  };
  const none = {
    FIVETRAN_API_KEY: undefined,
    FIVETRAN_API_SECRET: undefined,
    FIVETRAN_BASE_URL: sandbox.baseUrl,
    FIVETRAN_LOG_FILE: creds.FIVETRAN_LOG_FILE,
  };
  const all = `--allow-read,--allow-net=127.0.0.1,--allow-env,--allow-write=${dir.path}`.split(",");
  const status = [`${ROOT}/recipes/connector_status.ts`, "--connection-id", C];
  // (pause.ts with --connection-id: see the ignored test below.)
  const pause = [`${ROOT}/recipes/pause.ts`, "--group-id", G];
  const cases: {
    what: string;
    flags: string[];
    args: string[];
    env: Record<string, string | undefined>;
    code: number;
    reason: RegExp;
  }[] = [
    {
      what: "no credentials",
      flags: all,
      args: status,
      env: none,
      code: 2,
      reason: /^Missing Fivetran credentials: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET/,
    },
    {
      what: "only a key",
      flags: all,
      args: pause,
      env: { ...none, FIVETRAN_API_KEY: "k" },
      code: 2,
      reason: /not set: FIVETRAN_API_SECRET/,
    },
    {
      what: "a blank secret",
      flags: all,
      args: pause,
      env: { ...creds, FIVETRAN_API_SECRET: "   " },
      code: 2,
      reason: /not set: FIVETRAN_API_SECRET/,
    },
    {
      what: "a FIVETRAN_CONFIG of invalid JSON",
      flags: all,
      args: status,
      env: { ...none, FIVETRAN_CONFIG: await config("bad.json", "{oops") },
      code: 2,
      reason: /^Expected FIVETRAN_CONFIG file .* to hold JSON/,
    },
    {
      what: "a FIVETRAN_CONFIG of the wrong shape",
      flags: all,
      args: status,
      env: { ...none, FIVETRAN_CONFIG: await config("shape.json", '{"api_key": "k", "api_secret": "s"}') },
      code: 2,
      reason: /^Expected FIVETRAN_CONFIG file .* to look like \{"fivetran"/,
    },
    {
      what: "FIVETRAN_CONFIG=/dev/zero",
      flags: all,
      args: status,
      env: { ...none, FIVETRAN_CONFIG: "/dev/zero" },
      code: 2,
      reason: /^Cannot read FIVETRAN_CONFIG file '\/dev\/zero': expected a regular file, got a character device$/,
    },
    {
      what: "a FIVETRAN_CONFIG with a numeric api_key",
      flags: all,
      args: status,
      env: {
        ...none,
        FIVETRAN_CONFIG: await config("numeric.json", '{"fivetran": {"api_key": 42, "api_secret": "s"}}'),
      },
      code: 2,
      reason: /^Expected "api_key" in FIVETRAN_CONFIG file .* to be a string, got a number$/,
    },
    {
      what: "a missing FIVETRAN_CONFIG file",
      flags: all,
      args: status,
      env: { ...none, FIVETRAN_CONFIG: `${dir.path}/nope.json` },
      code: 2,
      reason: /^Cannot read FIVETRAN_CONFIG file/,
    },
    {
      what: "a wrong secret",
      flags: all,
      args: status,
      env: { ...creds, FIVETRAN_API_SECRET: "wrong-secret" },
      code: 1,
      reason: /HTTP 401 AuthFailed/,
    },
    {
      what: "a base URL that is no URL",
      flags: all,
      args: pause,
      env: { ...creds, FIVETRAN_BASE_URL: "not a url" },
      code: 2,
      reason: /^Expected FIVETRAN_BASE_URL to be a URL/,
    },
    {
      what: "a base URL on another host over http",
      flags: all,
      args: pause,
      env: { ...creds, FIVETRAN_BASE_URL: "http://evil.example.com/v1" },
      code: 2,
      reason: /^Expected FIVETRAN_BASE_URL to use https for a non-loopback host/,
    },
    {
      what: "a base URL with credentials",
      flags: all,
      args: pause,
      env: { ...creds, FIVETRAN_BASE_URL: "https://u:p@api.fivetran.com/v1" },
      code: 2,
      reason: /without credentials/,
    },
    {
      what: "no --allow-net",
      flags: all.filter((f) => !f.startsWith("--allow-net")),
      args: pause,
      env: creds,
      code: 2,
      reason: /^Missing permission: net access to 127\.0\.0\.1:\d+\. Run again with --allow-net/,
    },
    {
      what: "no --allow-env",
      flags: all.filter((f) => f !== "--allow-env"),
      args: status,
      env: creds,
      code: 2,
      reason: /^Missing permission: env access to FIVETRAN_\w+\. Run again with --allow-env/,
    },
    {
      what: "no --allow-write for the log",
      flags: all.filter((f) => !f.startsWith("--allow-write")),
      args: pause,
      env: creds,
      code: 2,
      reason:
        /^Missing permission: write access to .*fivetran\.log.*--allow-write|^Missing permission: write access to .*logs.*--allow-write/,
    },
    {
      what: "no --allow-write for the progress file",
      flags: all,
      args: [...pause, "--resume-from", "/tmp/atlas-bad-input-elsewhere/progress.jsonl"],
      env: creds,
      code: 2,
      reason: /^Missing permission: write access to \/tmp\/atlas-bad-input-elsewhere.*--allow-write/,
    },
  ];
  const runs = await Promise.all(
    // In the temporary folder, so that a log path that cannot be read from the environment (logs/) is inside it.
    cases.map((c) => runDeno(["run", "--no-prompt", ...c.flags, ...c.args], { env: c.env, cwd: dir.path })),
  );
  for (const [i, c] of cases.entries()) {
    const run = runs[i];
    assertReason({ ...run, log: "" }, c.code, c.reason, c.what, /^\d+ connections? in group /);
    assert.ok(!run.stderr.includes(sandbox.apiSecret) && !run.stdout.includes(sandbox.apiSecret), `${c.what} leaks`);
    if (/credentials|FIVETRAN_/.test(c.reason.source)) {
      // The client could not be made, so no request went out: no Call: line may suggest one did.
      assert.ok(
        !run.stdout.includes("Call:"),
        `${c.what} printed a Call: line for a request never sent: ${run.stdout}`,
      );
    }
  }
  assertNothingChanged(sandbox, seq, "the subprocess cases");
});

Deno.test({
  name:
    "bad input: bulk steps (pause.ts --connection-id, connection_status.ts) without credentials or --allow-net exit 2",
  async fn() {
    await using dir = await tempDir();
    await using sandbox = await startSandbox();
    const env = { FIVETRAN_BASE_URL: sandbox.baseUrl, FIVETRAN_LOG_FILE: `${dir.path}/fivetran.log` };
    const args = ["recipes/pause.ts", "--connection-id", C, "--connection-id", DEMO.warningConnectionId];
    const flags = ["--allow-read", "--allow-env", `--allow-write=${dir.path}`];
    const status = ["recipes/connection_status.ts", "--state", "broken", "--group-id", G];
    const [noCreds, noNet, statusNoCreds] = await Promise.all([
      runDeno(["run", "--no-prompt", ...flags, "--allow-net=127.0.0.1", ...args], { env }),
      runDeno(["run", "--no-prompt", ...flags, ...args], {
        env: { ...env, FIVETRAN_API_KEY: sandbox.apiKey, FIVETRAN_API_SECRET: sandbox.apiSecret },
      }),
      runDeno(["run", "--no-prompt", ...flags, "--allow-net=127.0.0.1", ...status], { env }),
    ]);
    assertReason(
      { ...noCreds, log: "" },
      2,
      /^Missing Fivetran credentials/,
      "pause.ts --connection-id, no credentials",
    );
    assertReason(
      { ...noNet, log: "" },
      2,
      /^Missing permission: net access/,
      "pause.ts --connection-id, no --allow-net",
    );
    assertReason({ ...statusNoCreds, log: "" }, 2, /^Missing Fivetran credentials/, "connection_status.ts --group-id");
  },
});

Deno.test("bad input to atlas(): null and one line for API and network failures, a thrown error for bad usage, nothing sent", async () => {
  await using dir = await tempDir();
  await using sandbox = await startSandbox();
  await using other = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  // A non-JSON error body that is not retried (a 5xx would be, with real backoff: seconds).
  await using proxy = startServer([], {
    fallback: {
      status: 404,
      body: "<html><body>Not Found on this server</body></html>",
      headers: { "content-type": "text/html" },
    },
  });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const configFile = `${dir.path}/bad.json`;
  await Deno.writeTextFile(configFile, "{oops");
  const good = {
    FIVETRAN_API_KEY: sandbox.apiKey,
    FIVETRAN_API_SECRET: sandbox.apiSecret,
    FIVETRAN_BASE_URL: sandbox.baseUrl,
  };
  // Each case: environment, then what to call. The script prints one JSON line per case on stdout, and a marker on
  // stderr before each case so the lines atlas() prints can be told apart.
  const cases: { name: string; env: Record<string, string | null>; call: string; expect: "null" | string }[] = [
    {
      name: "no credentials",
      env: { FIVETRAN_API_KEY: null, FIVETRAN_API_SECRET: null },
      call: `atlas("GET", "groups")`,
      expect: "ConfigError",
    },
    {
      name: "FIVETRAN_CONFIG invalid",
      env: { FIVETRAN_API_KEY: null, FIVETRAN_API_SECRET: null, FIVETRAN_CONFIG: configFile },
      call: `atlas("GET", "groups")`,
      expect: "ConfigError",
    },
    {
      name: "base URL on another host over http",
      env: { ...good, FIVETRAN_BASE_URL: "http://evil.example.com/v1" },
      call: `atlas("GET", "groups")`,
      expect: "ConfigError",
    },
    {
      name: "wrong secret",
      env: { ...good, FIVETRAN_API_SECRET: "wrong-secret" },
      call: `atlas("GET", "groups")`,
      expect: "null",
    },
    { name: "empty endpoint", env: good, call: `atlas("GET", "")`, expect: "TypeError" },
    { name: "empty ID", env: good, call: `atlas("PATCH", "connections/", { paused: true })`, expect: "null" },
    { name: "ID climbing out", env: good, call: `atlas("GET", "connections/../../admin")`, expect: "TypeError" },
    { name: "encoded climb", env: good, call: `atlas("GET", "connections/%2e%2e/%2e%2e/admin")`, expect: "TypeError" },
    {
      name: "endpoint on another host",
      env: good,
      call: `atlas("GET", "${other.baseUrl}/groups")`,
      expect: "TypeError",
    },
    {
      name: "protocol-relative endpoint",
      env: good,
      call: `atlas("GET", "//127.0.0.1:${other.port}/v1/groups")`,
      expect: "TypeError",
    },
    { name: "unknown method", env: good, call: `atlas("PUT", "groups")`, expect: "TypeError" },
    { name: "payload not JSON", env: good, call: `atlas("POST", "groups", "{not json")`, expect: "TypeError" },
    { name: "payload on a GET", env: good, call: `atlas("GET", "groups", { name: "x" })`, expect: "TypeError" },
    { name: "wrong-shape payload", env: good, call: `atlas("POST", "groups", { name: 42 })`, expect: "null" },
    {
      name: "limit out of range",
      env: good,
      call: `Array.fromAsync(paginate("groups", { limit: 1001 }))`,
      expect: "RangeError",
    },
    { name: "limit zero", env: good, call: `Array.fromAsync(paginate("groups", { limit: 0 }))`, expect: "RangeError" },
    {
      name: "non-JSON error body",
      env: { ...good, FIVETRAN_BASE_URL: proxy.baseUrl },
      call: `atlas("GET", "groups")`,
      expect: "null",
    },
    {
      name: "unreachable, a create",
      env: { ...good, FIVETRAN_BASE_URL: `http://127.0.0.1:${closedPort}/v1` },
      call: `atlas("POST", "groups", { name: "x" })`,
      expect: "null",
    },
    // Last: a GET is retried with real backoff (4 retries, about 4 s), so it runs in a process of its own.
    {
      name: "unreachable",
      env: { ...good, FIVETRAN_BASE_URL: `http://127.0.0.1:${closedPort}/v1` },
      call: `atlas("GET", "groups")`,
      expect: "null",
    },
  ];
  const source = `import { atlas, paginate } from "${new URL("../mod.ts", import.meta.url).href}";
const cases = ${JSON.stringify(cases.map(({ name, env }) => ({ name, env })))};
const calls = [${cases.map((c) => `() => ${c.call}`).join(",\n")}];
const only = Deno.args.map(Number);
for (const [i, c] of cases.entries()) {
  if (!only.includes(i)) continue;
  for (const [k, v] of Object.entries(c.env)) v === null ? Deno.env.delete(k) : Deno.env.set(k, v);
  console.error("@@ " + c.name);
  let outcome;
  try {
    const r = await calls[i]();
    outcome = { result: r === null ? "null" : "envelope" };
  } catch (error) {
    outcome = { thrown: error.name, message: String(error.message) };
  }
  console.log(JSON.stringify({ name: c.name, ...outcome }));
}
`;
  await Deno.writeTextFile(`${dir.path}/atlas_cases.ts`, source);
  const permission = `${dir.path}/atlas_no_net.ts`;
  await Deno.writeTextFile(
    permission,
    `import { atlas } from "${new URL("../mod.ts", import.meta.url).href}";
try { console.log(JSON.stringify(await atlas("GET", "groups"))); } catch (error) { console.log(JSON.stringify({ thrown: error.name, message: error.message })); }
`,
  );
  const base = [
    "run",
    "--no-prompt",
    "--no-lock",
    "--no-config",
    `--allow-read=${dir.path},${ROOT}`,
    `--allow-write=${dir.path}`,
  ];
  const env = { FIVETRAN_LOG_FILE: `${dir.path}/logs/fivetran.log`, ...good };
  const script = [...base, "--allow-env", "--allow-net=127.0.0.1", `${dir.path}/atlas_cases.ts`];
  const indices = cases.map((_, i) => String(i));
  const [fast, slow, noNet] = await Promise.all([
    runDeno([...script, ...indices.slice(0, -1)], { env, cwd: dir.path }),
    runDeno([...script, indices.at(-1)!], { env, cwd: dir.path }),
    runDeno([...base, "--allow-env", permission], { env, cwd: dir.path }),
  ]);
  assert.equal(fast.code, 0, fast.stderr.slice(-800));
  assert.equal(slow.code, 0, slow.stderr.slice(-800));
  const run = { stdout: fast.stdout + slow.stdout, stderr: fast.stderr + slow.stderr };
  const outcomes = lines(run.stdout).map((l) => JSON.parse(l));
  const printed = new Map<string, string[]>();
  let current = "";
  for (const line of lines(run.stderr)) {
    if (line.startsWith("@@ ")) printed.set(current = line.slice(3), []);
    else printed.get(current)?.push(line);
  }
  assert.equal(outcomes.length, cases.length);
  for (const [i, c] of cases.entries()) {
    const o = outcomes[i];
    const said = printed.get(c.name) ?? [];
    if (c.expect === "null") {
      assert.equal(o.result, "null", `${c.name}: ${JSON.stringify(o)}`);
      // One line for the failure, after the notices of retries that made the caller wait (at most one per 2 s: the
      // unreachable GET's jittered backoff over 4 retries is about 4 s).
      const notices = said.filter((l) => /; trying again in [\d.]+ s \(retry \d of \d\)$/.test(l));
      assert.ok(notices.length <= 3, `${c.name}: ${JSON.stringify(said)}`);
      assert.equal(said.length - notices.length, 1, `${c.name}: expected one line, got ${JSON.stringify(said)}`);
      assert.match(said.at(-1)!, /^(GET|POST|PATCH) \S+ failed: /, c.name);
    } else {
      assert.equal(o.thrown, c.expect, `${c.name}: ${JSON.stringify(o)}`);
      assert.ok(!o.message.includes("\n"), `${c.name}: a message of more than one line`);
      assert.deepEqual(said, [], `${c.name}: printed ${JSON.stringify(said)}`);
    }
  }
  const reason = (name: string) => printed.get(name)?.at(-1) ?? "";
  // The GET that took seconds of retries said so once, before it waited (what, why, when the next try is) — when
  // the jittered backoff came to 2 s or more, as it nearly always does over 4 retries.
  const unreachable = printed.get("unreachable") ?? [];
  if (unreachable.length > 1) {
    assert.match(unreachable[0], /^GET groups: network error.*; trying again in [\d.]+ s \(retry \d of 4\)$/);
  }
  assert.match(reason("wrong secret"), /HTTP 401 AuthFailed/);
  assert.match(reason("non-JSON error body"), /HTTP 404 .*Non-JSON answer: text\/html 'Not Found on this server'/);
  assert.match(reason("unreachable"), /NetworkError: Network error: 127\.0\.0\.1:\d+: connection refused/);
  assert.match(reason("unreachable, a create"), /NetworkError: Network error.*\(not retried: not safe to repeat\)/);
  assert.match(reason("wrong-shape payload"), /HTTP 400 InvalidInput/);
  // Nothing reached the other host; nothing changed in the sandbox.
  assert.equal(other.requests.length, 0);
  assert.ok(!sandbox.journal().some((e) => isMutating(e) && e.status < 400), "a request changed state");
  // Without --allow-net, atlas() lets Deno's permission error through, naming the flag.
  const missing = JSON.parse(lines(noNet.stdout)[0]);
  assert.equal(missing.thrown, "NotCapable");
  assert.match(missing.message, /Requires net access to "127\.0\.0\.1:\d+", run again with the --allow-net flag/);
});
