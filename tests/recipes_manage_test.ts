// Tests of the recipes that create, copy, change and delete things (new_user, new_team, new_group_webhook,
// create_connector, copy_connector, new_group_destination, update_connector, delete_connector), end to end
// against the in-process sandbox: exit codes, key output lines, the sandbox's state and request journal,
// --help, --json, --dry-run, bad input (exit 2, one line) and that no secret is ever printed or logged.
import assert from "node:assert/strict";
import { DEMO, type JournalEntry, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { runRecipe, type RunResult, type Target } from "./_harness.ts";
import { startServer, tempDir } from "./_server.ts";
import type { RecipeMain } from "../lib/recipe.ts";
import { main as newUser } from "../recipes/new_user.ts";
import { main as newTeam } from "../recipes/new_team.ts";
import { main as newGroupWebhook } from "../recipes/new_group_webhook.ts";
import { main as createConnector } from "../recipes/create_connector.ts";
import { main as copyConnector } from "../recipes/copy_connector.ts";
import { main as newGroupDestination } from "../recipes/new_group_destination.ts";
import { main as updateConnector } from "../recipes/update_connector.ts";
import { main as deleteConnector } from "../recipes/delete_connector.ts";

// Distinctive secrets: none of them may appear in stdout, stderr or the log.
const API_SECRET = "API_SECRET_zq9x7kLM";
const DB_PASSWORD = "PW_DISTINCT_aa11bb22";
const WEBHOOK_SECRET = "WEBHOOK_SECRET_k3k3k3q";
const STRIPE_KEY = "sk_live_COPY_DISTINCT_55ee";
const NEW_PASSWORD = "NEWPW_DISTINCT_77cc";

const ROOT = new URL("../", import.meta.url);
const MUTATING = new Set(["POST", "PATCH", "DELETE"]);

async function sandbox(): Promise<Sandbox> {
  return await startSandbox({ connections: 30, apiSecret: API_SECRET, randomSeed: 7 });
}

function assertNoSecrets(r: RunResult, ...secrets: string[]): void {
  for (const secret of [API_SECRET, ...secrets]) {
    for (const [where, text] of [["stdout", r.stdout], ["stderr", r.stderr], ["log", r.log]] as const) {
      assert.ok(!text.includes(secret), `${where} leaks a secret (${secret.slice(0, 6)}...):\n${text}`);
    }
  }
}

/** A one-line usage failure: exit 2, one stderr line, and nothing mutating sent. */
function assertUsage(r: RunResult, sb: Sandbox, pattern: RegExp, since = 0): void {
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}\n${r.stdout}\n${r.stderr}`);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.deepEqual(mutations(sb, since), []);
}

function mutations(sb: Sandbox, since = 0): JournalEntry[] {
  return sb.journal(since).filter((e) => MUTATING.has(e.method));
}

function lastSeq(sb: Sandbox): number {
  return sb.journal().at(-1)?.seq ?? 0;
}

async function api<T = Record<string, unknown>>(sb: Sandbox, path: string): Promise<T> {
  const res = await fetch(`${sb.baseUrl}/${path}`, {
    headers: { Authorization: sb.authorization, Accept: "application/json;version=2" },
  });
  const body = await res.json();
  assert.equal(res.status, 200, `GET ${path}: ${JSON.stringify(body)}`);
  return body.data as T;
}

async function tempJson(value: unknown, raw?: string): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "atlas_manage_", suffix: ".json" });
  await Deno.writeTextFile(path, raw ?? JSON.stringify(value));
  return path;
}

/**
 * A loopback proxy in front of the sandbox that answers scripted faults for chosen requests: `after` forwards
 * the request and then answers 502 (the work was done, the answer lost); `before` answers 503 without
 * forwarding. It counts what it received per method and path.
 */
function faultProxy(sb: Sandbox, plan: (method: string, path: string, n: number) => "pass" | "before" | "after") {
  const seen = new Map<string, number>();
  const upstream = new URL(sb.baseUrl);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const key = `${req.method} ${url.pathname}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const action = plan(req.method, url.pathname, n);
    if (action === "before") {
      return new Response("<html><body>503 Service Unavailable</body></html>", {
        status: 503,
        headers: { "content-type": "text/html" },
      });
    }
    const body = req.method === "GET" || req.method === "DELETE" ? undefined : await req.text();
    const res = await fetch(`${upstream.origin}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      body,
    });
    const text = await res.text();
    if (action === "after") {
      return new Response("<html><body>502 Bad Gateway</body></html>", {
        status: 502,
        headers: { "content-type": "text/html" },
      });
    }
    return new Response(text, { status: res.status, headers: res.headers });
  });
  const target: Target = {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    apiKey: sb.apiKey,
    apiSecret: sb.apiSecret,
  };
  return { target, seen, close: () => server.shutdown() };
}

// ------------------------------------------------------------------------------------------------ --help

const RECIPES: [string, RecipeMain, string[]][] = [
  ["new_user.ts", newUser, ["--email", "--given-name", "--family-name", "--phone", "--picture", "--role", "--payload"]],
  ["new_team.ts", newTeam, ["--name", "--description", "--role", "--payload"]],
  ["new_group_webhook.ts", newGroupWebhook, [
    "--group-id",
    "--url",
    "--event",
    "--secret-file",
    "FIVETRAN_WEBHOOK_SECRET",
  ]],
  ["create_connector.ts", createConnector, ["--group-id", "--config", "--schema"]],
  ["copy_connector.ts", copyConnector, ["--connection-id", "--to-group", "--secrets", "--connector-id"]],
  ["new_group_destination.ts", newGroupDestination, ["--name", "--config", "--group-id", "--rollback"]],
  ["update_connector.ts", updateConnector, ["--connection-id", "--set", "--payload"]],
  ["delete_connector.ts", deleteConnector, ["--connection-id", "--yes"]],
];

Deno.test("manage recipes: --help shows the flags, an example that exists and the environment", async () => {
  for (const [name, main, flags] of RECIPES) {
    const r = await runRecipe(main, ["--help"], { baseUrl: "http://127.0.0.1:9/v1", apiKey: "k", apiSecret: "s" });
    assert.equal(r.code, 0, name);
    for (const flag of [...flags, "--dry-run", "--json", "FIVETRAN_API_KEY", "FIVETRAN_API_SECRET", "Example:"]) {
      assert.ok(r.stdout.includes(flag), `${name} --help lacks ${flag}`);
    }
    assert.match(r.stdout, new RegExp(`deno run -P recipes/${name.replace(".", "\\.")} `));
    // Every example input file a help text names exists.
    for (const file of r.stdout.match(/recipes\/examples\/[\w.]+/g) ?? []) {
      await Deno.stat(new URL(file, ROOT));
    }
  }
});

// ------------------------------------------------------------------------------------------------ new_user.ts

Deno.test("new_user.ts invites a user from flags and sends exactly the spec's fields", async () => {
  const sb = await sandbox();
  try {
    const r = await runRecipe(newUser, [
      "--email",
      "ada@example.com",
      "--given-name",
      "Ada",
      "--family-name",
      "Lovelace",
      "--role",
      "Account Analyst",
      "--phone",
      "+14155550100",
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Call: POST users \{"email":"ada@example\.com",/m);
    assert.match(r.stdout, /^Response: Success$/m);
    assert.match(r.stdout, /Invited ada@example\.com as user \w+/);
    const posts = mutations(sb);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].path, "/v1/users");
    assert.deepEqual(posts[0].body, {
      email: "ada@example.com",
      given_name: "Ada",
      family_name: "Lovelace",
      phone: "+14155550100",
      role: "Account Analyst",
    });
    const user = sb.state.users.all().find((u) => u.email === "ada@example.com");
    assert.equal(user?.role, "Account Analyst");
    assert.equal(user?.invited, true);
    assert.match(r.log, /POST users 201/);
    assertNoSecrets(r);
  } finally {
    await sb.close();
  }
});

Deno.test("new_user.ts takes a payload file, --json parses and --dry-run sends nothing", async () => {
  const sb = await sandbox();
  try {
    const payload = new URL("recipes/examples/user.json", ROOT).pathname;
    const dry = await runRecipe(newUser, ["--payload", payload, "--dry-run", "--json"], sb);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(JSON.parse(dry.stdout).dry_run, true);
    assert.match(dry.stderr, /^Call: POST users /m);
    assert.deepEqual(mutations(sb), []);

    const r = await runRecipe(newUser, ["--payload", payload, "--given-name", "Janet", "--json"], sb);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.user.email, "jane.doe@example.com");
    assert.equal(out.user.given_name, "Janet");
    assert.equal(mutations(sb).length, 1);
  } finally {
    await sb.close();
  }
});

Deno.test("new_user.ts rejects bad input with exit 2 and one line, sending nothing", async () => {
  const sb = await sandbox();
  try {
    const base = ["--given-name", "A", "--family-name", "B"];
    assertUsage(await runRecipe(newUser, base, sb), sb, /Missing --email/);
    assertUsage(
      await runRecipe(newUser, ["--email", "not-an-email", ...base], sb),
      sb,
      /Expected --email to be an email address.*'not-an-email'/,
    );
    assertUsage(
      await runRecipe(newUser, ["--email", "a@example.com", ...base, "--role", "Emperor"], sb),
      sb,
      /Expected --role to be an account role \(Account Administrator, .*got 'Emperor'/,
    );
    const wrongShape = await tempJson(["a"]);
    const unknownKey = await tempJson({ email: "a@example.com", given_name: "A", family_name: "B", admin: true });
    const invalid = await tempJson(null, "{ not json");
    try {
      assertUsage(await runRecipe(newUser, ["--payload", wrongShape], sb), sb, /to hold a JSON object/);
      assertUsage(await runRecipe(newUser, ["--payload", unknownKey], sb), sb, /to have only email, .*got admin/);
      assertUsage(await runRecipe(newUser, ["--payload", invalid], sb), sb, /to hold JSON/);
      assertUsage(await runRecipe(newUser, ["--payload", "/nonexistent/user.json"], sb), sb, /Cannot read payload/);
    } finally {
      for (const f of [wrongShape, unknownKey, invalid]) await Deno.remove(f);
    }
    assertUsage(await runRecipe(newUser, ["--email", "a@example.com", "--bogus"], sb), sb, /Unknown option '--bogus'/);
  } finally {
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ new_team.ts

Deno.test("new_team.ts creates a team; --dry-run sends nothing; a bad role is exit 2", async () => {
  const sb = await sandbox();
  try {
    const dry = await runRecipe(newTeam, ["--name", "platform", "--role", "Account Reviewer", "--dry-run"], sb);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Call: POST teams \{"name":"platform","role":"Account Reviewer"\}$/m);
    assert.match(dry.stdout, /Dry run: would create team platform; nothing was sent/);
    assert.deepEqual(mutations(sb), []);

    const r = await runRecipe(newTeam, [
      "--payload",
      new URL("recipes/examples/team.json", ROOT).pathname,
      "--description",
      "Pipelines",
      "--json",
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.team.name, "data_engineers");
    assert.deepEqual(mutations(sb).map((e) => e.body), [{
      name: "data_engineers",
      description: "Pipelines",
      role: "Account Analyst",
    }]);
    const team = sb.state.teams.all().find((t) => t.name === "data_engineers");
    assert.equal(team?.description, "Pipelines");
  } finally {
    await sb.close();
  }
});

Deno.test("new_team.ts rejects an unknown role and a wrong-shape payload with exit 2", async () => {
  const sb = await sandbox();
  try {
    assertUsage(await runRecipe(newTeam, ["--name", "x", "--role", "Boss"], sb), sb, /account role .*got 'Boss'/);
    assertUsage(await runRecipe(newTeam, ["--description", "x"], sb), sb, /Missing --name/);
    const bad = await tempJson({ name: 42 });
    try {
      assertUsage(await runRecipe(newTeam, ["--payload", bad], sb), sb, /'name' in payload file .* non-empty string/);
    } finally {
      await Deno.remove(bad);
    }
  } finally {
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ new_group_webhook.ts

Deno.test("new_group_webhook.ts creates a signed webhook; the secret is sent but never printed or logged", async () => {
  const sb = await sandbox();
  const secretFile = await Deno.makeTempFile();
  await Deno.writeTextFile(secretFile, `${WEBHOOK_SECRET}\n`);
  try {
    const r = await runRecipe(newGroupWebhook, [
      "--group-id",
      DEMO.smallGroupId,
      "--url",
      "https://hooks.example.com/fivetran",
      "--event",
      "sync_start,sync_end",
      "--event",
      "status",
      "--secret-file",
      secretFile,
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Call: POST webhooks\/group\/hollow_cedar \{.*"secret":"\*\*\*\*\*\*"\}$/m);
    assert.match(r.stdout, /Created webhook \w+ for group hollow_cedar/);
    const webhook = sb.state.webhooks.all().find((w) => w.groupId === DEMO.smallGroupId);
    assert.equal(webhook?.secret, WEBHOOK_SECRET);
    assert.deepEqual(webhook?.events, ["sync_start", "sync_end", "status"]);
    assert.equal(webhook?.url, "https://hooks.example.com/fivetran");
    const [post] = mutations(sb);
    assert.equal(post.path, "/v1/webhooks/group/hollow_cedar");
    assert.deepEqual(Object.keys(post.body as object).sort(), ["active", "events", "secret", "url"]);
    assertNoSecrets(r, WEBHOOK_SECRET);
  } finally {
    await Deno.remove(secretFile);
    await sb.close();
  }
});

Deno.test("new_group_webhook.ts reads FIVETRAN_WEBHOOK_SECRET; --dry-run and --json mask it", async () => {
  const sb = await sandbox();
  Deno.env.set("FIVETRAN_WEBHOOK_SECRET", WEBHOOK_SECRET);
  try {
    const args = ["--group-id", DEMO.smallGroupId, "--url", "https://hooks.example.com/x", "--event", "sync_end"];
    const dry = await runRecipe(newGroupWebhook, [...args, "--dry-run", "--json"], sb);
    assert.equal(dry.code, 0, dry.stderr);
    const out = JSON.parse(dry.stdout);
    assert.equal(out.request.payload.secret, "******");
    assert.match(dry.stderr, /^Call: POST webhooks\/group\/hollow_cedar .*"secret":"\*\*\*\*\*\*"/m);
    assert.deepEqual(mutations(sb), []);
    assertNoSecrets(dry, WEBHOOK_SECRET);

    const r = await runRecipe(newGroupWebhook, [...args, "--json", "--inactive"], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).webhook.active, false);
    assert.equal(sb.state.webhooks.all().find((w) => w.url === "https://hooks.example.com/x")?.secret, WEBHOOK_SECRET);
    assertNoSecrets(r, WEBHOOK_SECRET);
  } finally {
    Deno.env.delete("FIVETRAN_WEBHOOK_SECRET");
    await sb.close();
  }
});

Deno.test("new_group_webhook.ts refuses http URLs, secrets in flags and bad events with exit 2", async () => {
  const sb = await sandbox();
  try {
    const ok = ["--group-id", DEMO.smallGroupId, "--event", "sync_end"];
    assertUsage(
      await runRecipe(newGroupWebhook, [...ok, "--url", "http://hooks.example.com/x"], sb),
      sb,
      /Expected --url to use https .*got 'http:\/\/hooks\.example\.com'/,
    );
    // There is no flag for the secret: a value given on the command line is refused and not echoed.
    for (const args of [["--secret", WEBHOOK_SECRET], [`--secret=${WEBHOOK_SECRET}`]]) {
      const r = await runRecipe(newGroupWebhook, [...ok, "--url", "https://h.example.com", ...args], sb);
      assertUsage(r, sb, /Unknown option '--secret'/);
      assertNoSecrets(r, WEBHOOK_SECRET);
    }
    const withPassword = await runRecipe(
      newGroupWebhook,
      [...ok, "--url", `https://user:${WEBHOOK_SECRET}@h.example.com/`],
      sb,
    );
    assertUsage(withPassword, sb, /without a user name or password/);
    assertNoSecrets(withPassword, WEBHOOK_SECRET);
    assertUsage(
      await runRecipe(newGroupWebhook, [...ok, "--url", "https://h.example.com", "--event", "Sync End"], sb),
      sb,
      /Expected --event to be an event name .*'Sync End'/,
    );
    assertUsage(
      await runRecipe(newGroupWebhook, ["--group-id", "../x", "--url", "https://h.example.com", "--event", "a"], sb),
      sb,
      /Expected --group-id to be a Fivetran ID/,
    );
    assertUsage(
      await runRecipe(newGroupWebhook, [...ok, "--url", "https://h.example.com", "--secret-file", "/nonexistent"], sb),
      sb,
      /Cannot read webhook secret file '\/nonexistent'/,
    );
    assertUsage(
      await runRecipe(newGroupWebhook, ["--group-id", DEMO.smallGroupId, "--url", "https://h.example.com"], sb),
      sb,
      /Missing --event/,
    );
  } finally {
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ create_connector.ts

async function postgresFile(extra: Record<string, unknown> = {}): Promise<string> {
  const example = JSON.parse(await Deno.readTextFile(new URL("recipes/examples/connector_postgres.json", ROOT)));
  example.config.password = DB_PASSWORD;
  return await tempJson({ ...example, ...extra });
}

Deno.test("create_connector.ts creates one connection per schema with the password, reports existing ones", async () => {
  const sb = await sandbox();
  const file = await postgresFile();
  try {
    const r = await runRecipe(createConnector, [
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      file,
      "--schema",
      "shop_eu",
      "--schema",
      "shop_us",
      "--schema",
      "shop", // the demo's steady_orchard already uses it
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"password":"\*\*\*\*\*\*"/);
    assert.match(r.stdout, /│ shop_eu +│ created +│ \w+/);
    assert.match(r.stdout, /│ shop +│ exists +│ steady_orchard/);
    assert.match(r.stdout, /2 created, 1 already there, 0 not created \(of 3\)/);
    const posts = mutations(sb);
    assert.deepEqual(posts.map((e) => e.path), ["/v1/connections", "/v1/connections"]);
    for (const [i, schema] of ["shop_eu", "shop_us"].entries()) {
      const body = posts[i].body as Record<string, Record<string, unknown>>;
      assert.equal(body.group_id, DEMO.smallGroupId);
      assert.equal(body.service, "postgres");
      assert.equal(body.config.schema_prefix, schema);
      assert.equal(body.config.password, "******"); // the journal masks; the state has the real value
      const c = sb.state.connections.byKey(DEMO.smallGroupId).find((x) => x.schema === schema);
      assert.equal(c?.config.password, DB_PASSWORD);
      assert.equal(c?.paused, true);
      assert.equal(c?.syncFrequency, 360);
    }
    assert.match(r.log, /create_connector\.ts: created connection \w+ schema shop_eu in hollow_cedar/);
    assertNoSecrets(r, DB_PASSWORD);
  } finally {
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("create_connector.ts --dry-run and --json: nothing sent, JSON parses, password masked", async () => {
  const sb = await sandbox();
  const file = await postgresFile();
  try {
    const r = await runRecipe(createConnector, [
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      file,
      "--schema",
      "new_one",
      "--dry-run",
      "--json",
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.schema_field, "config.schema_prefix");
    assert.deepEqual(out.results, [{ schema: "new_one", status: "dry-run", detail: "not sent" }]);
    assert.match(r.stderr, /^Call: POST connections .*"password":"\*\*\*\*\*\*".*"schema_prefix":"new_one"/m);
    assert.deepEqual(mutations(sb), []);
    assertNoSecrets(r, DB_PASSWORD);
  } finally {
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("create_connector.ts sends each create once under 5xx faults, continues, and tells what exists", async () => {
  const sb = await sandbox();
  const file = await postgresFile();
  // First create: done upstream, answer lost (502). Second: 503 before reaching the API. Third: fine.
  const proxy = faultProxy(
    sb,
    (method, path, n) =>
      method === "POST" && path === "/v1/connections" ? (n === 1 ? "after" : n === 2 ? "before" : "pass") : "pass",
  );
  try {
    const r = await runRecipe(createConnector, [
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      file,
      "--schema",
      "lost_answer",
      "--schema",
      "never_arrived",
      "--schema",
      "fine",
      "--json",
    ], proxy.target);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(proxy.seen.get("POST /v1/connections"), 3, "each create is sent exactly once");
    const byPrefix = (s: string) =>
      mutations(sb).filter((e) => (e.body as { config: { schema_prefix: string } }).config.schema_prefix === s);
    assert.equal(byPrefix("lost_answer").length, 1);
    assert.equal(byPrefix("never_arrived").length, 0);
    assert.equal(byPrefix("fine").length, 1);
    const results = JSON.parse(r.stdout).results;
    assert.equal(results[0].status, "created");
    assert.match(results[0].detail, /created after all/);
    assert.match(
      r.stderr,
      /Created after all: GET groups\/hollow_cedar\/connections shows connection \w+ \(schema lost_answer\)/,
    );
    assert.match(r.stderr, /Not created: the answer to POST connections \(schema never_arrived\) was lost, .*safe$/m);
    assert.equal(results[1].status, "failed");
    assert.match(results[1].detail, /HTTP 503 .*; not created/);
    assert.equal(results[2].status, "created");
    const schemas = sb.state.connections.byKey(DEMO.smallGroupId).map((c) => c.schema);
    assert.ok(schemas.includes("lost_answer") && schemas.includes("fine") && !schemas.includes("never_arrived"));
    assertNoSecrets(r, DB_PASSWORD);
  } finally {
    await proxy.close();
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("create_connector.ts under the sandbox's random 5xx faults never sends a create twice", async () => {
  const sb = await startSandbox({
    connections: 30,
    apiSecret: API_SECRET,
    randomSeed: 11,
    faults: "5xx=0.2,5xx-after=0.2",
  });
  const file = await postgresFile();
  try {
    const names = ["f1", "f2", "f3", "f4", "f5", "f6"];
    const r = await runRecipe(createConnector, [
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      file,
      ...names.flatMap((n) => ["--schema", n]),
      "--json",
    ], sb);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const posts = sb.journal().filter((e) => e.method === "POST" && e.path === "/v1/connections");
    assert.ok(posts.some((e) => e.fault), "the seed gives at least one faulted create");
    assert.ok(posts.length <= names.length, `${posts.length} creates sent for ${names.length} schemas`);
    for (const n of names) {
      // A request answered 5xx before it was read has no body in the journal; those that have one name their schema.
      const sent = posts.filter((e) =>
        (e.body as { config?: { schema_prefix?: string } })?.config?.schema_prefix === n
      );
      assert.ok(sent.length <= 1, `${n} was sent ${sent.length} times`);
    }
    // What the recipe reports as created is exactly what exists.
    if (r.stdout) {
      const created = JSON.parse(r.stdout).results.filter((x: { status: string }) => x.status === "created");
      sb.setFaults("none");
      const exists = sb.state.connections.byKey(DEMO.smallGroupId).map((c) => c.schema);
      for (const c of created) assert.ok(exists.includes(c.schema), c.schema);
      assert.equal(created.length, names.filter((n) => exists.includes(n)).length);
    }
  } finally {
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("create_connector.ts stops between creates on Ctrl-C (exit 130) and a rerun creates only the rest", async () => {
  const sb = await sandbox();
  const file = await postgresFile();
  const controller = new AbortController();
  // "Ctrl-C" while the first create is on its way.
  const proxy = faultProxy(sb, (method) => {
    if (method === "POST") controller.abort();
    return "pass";
  });
  try {
    const args = [
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      file,
      "--schema",
      "c1",
      "--schema",
      "c2",
      "--schema",
      "c3",
    ];
    const r = await runRecipe(createConnector, args, proxy.target, { signal: controller.signal });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /│ c1 +│ created/);
    assert.match(r.stdout, /│ c2 +│ not-started/);
    assert.match(r.stderr, /^Interrupted after 1 of 3 schemas; re-run to create the rest$/m);
    assert.equal(proxy.seen.get("POST /v1/connections"), 1);

    const again = await runRecipe(createConnector, [...args, "--json"], sb);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).results.map((x: { status: string }) => x.status), [
      "exists",
      "created",
      "created",
    ]);
    assert.equal(mutations(sb).length, 3);
  } finally {
    await proxy.close();
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("create_connector.ts reports an API failure per schema, goes on, and exits 1", async () => {
  const sb = await sandbox();
  const file = await postgresFile();
  const proxy = faultProxy(sb, () => "pass");
  try {
    // A schema used in the group by another service is a conflict, reported and not sent.
    const r = await runRecipe(createConnector, [
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      file,
      "--schema",
      "shopify",
      "--schema",
      "ok_one",
    ], proxy.target);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /│ shopify +│ conflict +│ noisy_cricket +│ schema used by a shopify connection/);
    assert.match(r.stdout, /│ ok_one +│ created/);
    assert.equal(proxy.seen.get("POST /v1/connections"), 1);
  } finally {
    await proxy.close();
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("create_connector.ts rejects bad input with exit 2 and one line", async () => {
  const sb = await sandbox();
  const good = await postgresFile();
  const files: string[] = [good];
  const make = async (value: unknown, raw?: string) => {
    const f = await tempJson(value, raw);
    files.push(f);
    return f;
  };
  try {
    const g = ["--group-id", DEMO.smallGroupId];
    assertUsage(await runRecipe(createConnector, [...g, "--config", good], sb), sb, /Missing --schema/);
    assertUsage(
      await runRecipe(createConnector, ["--group-id", "../etc", "--config", good, "--schema", "a"], sb),
      sb,
      /Expected --group-id to be a Fivetran ID/,
    );
    assertUsage(
      await runRecipe(createConnector, [...g, "--config", good, "--schema", "9lives"], sb),
      sb,
      /Expected --schema to be a schema name/,
    );
    assertUsage(
      await runRecipe(createConnector, [...g, "--config", good, "--schema", "a", "--schema", "a"], sb),
      sb,
      /got 'a' twice/,
    );
    assertUsage(
      await runRecipe(createConnector, [...g, "--config", "/nonexistent.json", "--schema", "a"], sb),
      sb,
      /Cannot read config file '\/nonexistent\.json'/,
    );
    assertUsage(
      await runRecipe(createConnector, [...g, "--config", await make(null, "{oops"), "--schema", "a"], sb),
      sb,
      /to hold JSON/,
    );
    assertUsage(
      await runRecipe(createConnector, [...g, "--config", await make([1]), "--schema", "a"], sb),
      sb,
      /to hold a JSON object with service and config/,
    );
    assertUsage(
      await runRecipe(createConnector, [
        ...g,
        "--config",
        await make({ service: "postgres", cfg: {} }),
        "--schema",
        "a",
      ], sb),
      sb,
      /unknown: cfg/,
    );
    assertUsage(
      await runRecipe(createConnector, [...g, "--config", await make({ config: {} }), "--schema", "a"], sb),
      sb,
      /'service' .* service id/,
    );
    assertUsage(
      await runRecipe(
        createConnector,
        [...g, "--config", await make({ service: "postgres", config: {}, sync_frequency: 7 }), "--schema", "a"],
        sb,
      ),
      sb,
      /'sync_frequency' .* one of 1, 5, 15/,
    );
    assertUsage(
      await runRecipe(createConnector, [
        ...g,
        "--config",
        await make({ service: "no_such_thing", config: {} }),
        "--schema",
        "a",
      ], sb),
      sb,
      /Unknown service 'no_such_thing'/,
    );
    assertUsage(
      await runRecipe(
        createConnector,
        [...g, "--config", await make({ service: "stripe", config: { schema_prefix: "x" } }), "--schema", "a"],
        sb,
      ),
      sb,
      /stripe names its destination schema with config\.schema; remove config\.schema_prefix/,
    );
  } finally {
    for (const f of files) await Deno.remove(f);
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ copy_connector.ts

Deno.test("copy_connector.ts copies service, settings, secrets and schema config into two groups", async () => {
  const sb = await sandbox();
  const secrets = await tempJson({ api_key: STRIPE_KEY });
  try {
    const source = DEMO.pausedConnectionId; // stripe, paused, in the big group
    const targets = [DEMO.smallGroupId, DEMO.financeGroupId];
    const before = await api<{ schemas: Record<string, { tables: Record<string, { enabled: boolean }> }> }>(
      sb,
      `connections/${source}/schemas`,
    );
    const r = await runRecipe(copyConnector, [
      "--connection-id",
      source,
      ...targets.flatMap((g) => ["--to-group", g]),
      "--secrets",
      secrets,
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Summary: 2 groups in \d+:\d\d: 2 copied, 0 already had a copy, 0 failed/);
    assert.match(r.stdout, /"api_key":"\*\*\*\*\*\*"/);
    const src = sb.state.connections.get(source)!;
    for (const g of targets) {
      const copy = sb.state.connections.byKey(g).find((c) => c.service === "stripe" && c.schema === src.schema);
      assert.ok(copy, `no copy in ${g}`);
      assert.equal(copy.config.api_key, STRIPE_KEY);
      assert.equal(copy.config.historical_sync_time_frame, src.config.historical_sync_time_frame);
      assert.equal(copy.paused, src.paused);
      assert.equal(copy.syncFrequency, src.syncFrequency);
      const schemas = await api<typeof before>(sb, `connections/${copy.id}/schemas`);
      for (const [name, schema] of Object.entries(before.schemas)) {
        for (const [table, t] of Object.entries(schema.tables)) {
          assert.equal(schemas.schemas[name].tables[table].enabled, t.enabled, `${g} ${name}.${table}`);
        }
      }
    }
    const sent = mutations(sb).map((e) =>
      `${e.method} ${e.path.replace(/connections\/\w+\/schemas/, "connections/NEW/schemas")}`
    );
    assert.deepEqual(sent, [
      "POST /v1/connections",
      "PATCH /v1/connections/NEW/schemas",
      "POST /v1/connections",
      "PATCH /v1/connections/NEW/schemas",
    ]);
    assertNoSecrets(r, STRIPE_KEY);

    // A rerun finds the copies and creates nothing.
    const since = lastSeq(sb);
    const again = await runRecipe(copyConnector, [
      "--connection-id",
      source,
      ...targets.flatMap((g) => ["--to-group", g]),
      "--secrets",
      secrets,
      "--json",
    ], sb);
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.deepEqual(out.results.map((x: { status: string }) => x.status), ["already", "already"]);
    assert.equal(out.summary.counts.already, 2);
    assert.deepEqual(mutations(sb, since), []);
  } finally {
    await Deno.remove(secrets);
    await sb.close();
  }
});

/** The README's copy_connector.ts example: the renamed connection into the marketing group. */
function copyReadmeExample(sb: Sandbox) {
  return runRecipe(copyConnector, [
    "--connection-id",
    DEMO.renamedConnectionId,
    "--to-group",
    DEMO.marketingGroupId,
    "--secrets",
    new URL("../recipes/examples/copy_secrets.json", import.meta.url).pathname,
  ], sb);
}

Deno.test("copy_connector.ts reports what of the schema config was copied, not 'copied' after sending no schemas", async () => {
  const sb = await startSandbox(); // the demo account, as the README's readers have it
  try {
    // The README's example: the copy reads the same database, so it has every schema item of the source and the
    // whole config is sent; the report counts what the PATCH carried.
    const r = await copyReadmeExample(sb);
    assert.equal(r.code, 0, r.stderr);
    const patch = mutations(sb).find((e) => e.method === "PATCH")!;
    const sent = (patch.body as { schemas?: Record<string, { tables?: object }> }).schemas ?? {};
    const tables = Object.values(sent).reduce((n, s) => n + Object.keys(s.tables ?? {}).length, 0);
    assert.equal(Object.keys(sent).length, 2);
    assert.match(r.stderr, new RegExp(`done — created \\w+, schema config copied \\(2 schemas, ${tables} tables\\)`));
    assert.doesNotMatch(r.stderr, /left as they are/);
  } finally {
    await sb.close();
  }
  // Where the copy has only some of them (the source gained a schema the copy's database does not show), what was
  // applied is counted and what was not is named.
  const seeded = await sandbox();
  try {
    const source = seeded.state.connections.get(DEMO.renamedConnectionId)!;
    const config = seeded.state.schemaConfig(source);
    config.schemas.set("archive", { ...config.schemas.get("public")!, nameInDestination: "shop_archive" });
    const r = await copyReadmeExample(seeded);
    assert.equal(r.code, 0, r.stderr);
    const patch = mutations(seeded).find((e) => e.method === "PATCH")!;
    const schemas = (patch.body as { schemas: Record<string, { tables?: object }> }).schemas;
    const tables = Object.values(schemas).reduce((n, s) => n + Object.keys(s.tables ?? {}).length, 0);
    const n = Object.keys(schemas).length;
    assert.ok(n > 0);
    assert.match(
      r.stderr,
      new RegExp(`schema config partly copied \\(${n} schemas?, ${tables} tables?\\); \\d+ items? left as they are`),
    );
    assert.match(r.stderr, /left as they are: archive/);
  } finally {
    await seeded.close();
  }
});

Deno.test("copy_connector.ts refuses when a masked secret is not supplied, naming the key, not a value", async () => {
  const sb = await sandbox();
  const wrong = await tempJson({ password: DB_PASSWORD });
  try {
    const args = ["--connection-id", DEMO.pausedConnectionId, "--to-group", DEMO.smallGroupId];
    assertUsage(
      await runRecipe(copyConnector, args, sb),
      sb,
      /masked secrets \(api_key\); give their values with --secrets FILE/,
    );
    const r = await runRecipe(copyConnector, [...args, "--secrets", wrong], sb);
    assertUsage(r, sb, /Secrets file '.*' lacks values for the masked config keys: api_key$/);
    assertNoSecrets(r, DB_PASSWORD, "sk_live_");
  } finally {
    await Deno.remove(wrong);
    await sb.close();
  }
});

Deno.test("copy_connector.ts --dry-run sends nothing; nested secrets, unknown groups and bad input are exit 2", async () => {
  const sb = await sandbox();
  const nested = await tempJson({ config_extra: { token: "NESTED_TOKEN_1234" }, "api_key": STRIPE_KEY });
  const plain = await tempJson({ api_key: STRIPE_KEY });
  const invalid = await tempJson(null, "[");
  try {
    const args = ["--connection-id", DEMO.pausedConnectionId, "--secrets", plain];
    const dry = await runRecipe(copyConnector, [
      "--connection-id",
      DEMO.pausedConnectionId,
      "--secrets",
      nested,
      "--to-group",
      DEMO.smallGroupId,
      "--dry-run",
      "--json",
      "--no-validate", // config_extra is not a stripe field: only unchecked can it reach the API
    ], sb);
    assert.equal(dry.code, 0, dry.stderr);
    const out = JSON.parse(dry.stdout);
    assert.equal(out.dry_run, true);
    assert.equal(out.summary.counts.done, 1);
    assert.match(dry.stderr, /^Call: POST connections .*"api_key":"\*\*\*\*\*\*"/m);
    assert.match(dry.stderr, /^Call: PATCH connections\/NEW_CONNECTION_ID\/schemas /m);
    assert.match(dry.stderr, /not masked in the source config, applied as given: config_extra\.token/);
    assert.deepEqual(mutations(sb), []);
    assertNoSecrets(dry, STRIPE_KEY, "NESTED_TOKEN_1234");

    assertUsage(
      await runRecipe(copyConnector, [...args, "--to-group", "no_such_group", "--to-group", DEMO.smallGroupId], sb),
      sb,
      /Group\(s\) not found: no_such_group; nothing was created/,
    );
    assertUsage(
      await runRecipe(copyConnector, [...args, "--to-group", DEMO.bigGroupId], sb),
      sb,
      /the source's own group 'rapid_harbor'/,
    );
    assertUsage(
      await runRecipe(copyConnector, [...args, "--to-group", "a/b"], sb),
      sb,
      /Expected --to-group to be a Fivetran ID/,
    );
    assertUsage(
      await runRecipe(copyConnector, ["--connection-id", DEMO.pausedConnectionId], sb),
      sb,
      /Missing --to-group/,
    );
    assertUsage(
      await runRecipe(copyConnector, [...args.slice(0, 2), "--secrets", invalid, "--to-group", DEMO.smallGroupId], sb),
      sb,
      /secrets file .* to hold JSON/,
    );
    assertUsage(
      await runRecipe(copyConnector, ["--connector-id", "x", "--connection-id", "y", "--to-group", "g"], sb),
      sb,
      /got both/,
    );
    // A missing source connection is the API's answer: exit 1.
    const gone = await runRecipe(
      copyConnector,
      ["--connector-id", "no_such_conn", "--to-group", DEMO.smallGroupId],
      sb,
    );
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /GET connections\/no_such_conn failed: HTTP 404/);
  } finally {
    for (const f of [nested, plain, invalid]) await Deno.remove(f);
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ new_group_destination.ts

async function snowflakeFile(extra: Record<string, unknown> = {}): Promise<string> {
  const example = JSON.parse(await Deno.readTextFile(new URL("recipes/examples/destination_snowflake.json", ROOT)));
  example.config.password = DB_PASSWORD;
  return await tempJson({ ...example, ...extra });
}

Deno.test("new_group_destination.ts creates a group and its destination; --json parses", async () => {
  const sb = await sandbox();
  const file = await snowflakeFile();
  try {
    const r = await runRecipe(newGroupDestination, ["--name", "analytics_eu", "--config", file, "--json"], sb);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const id = out.group.id;
    assert.equal(out.destination.service, "snowflake");
    assert.equal(out.destination.config.password, "******");
    assert.equal(sb.state.groups.get(id)?.name, "analytics_eu");
    assert.equal(sb.state.destinations.get(id)?.config.password, DB_PASSWORD);
    const sent = mutations(sb);
    assert.deepEqual(sent.map((e) => `${e.method} ${e.path}`), ["POST /v1/groups", "POST /v1/destinations"]);
    assert.deepEqual(sent[0].body, { name: "analytics_eu" });
    const body = sent[1].body as Record<string, unknown>;
    assert.equal(body.group_id, id);
    assert.equal(body.time_zone_offset, "0");
    assertNoSecrets(r, DB_PASSWORD);
  } finally {
    await Deno.remove(file);
    await sb.close();
  }
});

Deno.test("new_group_destination.ts reports an empty group after a failed destination, then --group-id finishes it", async () => {
  const sb = await sandbox();
  const bad = await snowflakeFile({ service: "no_such_warehouse" }); // the API refuses this service
  const good = await snowflakeFile();
  try {
    // --no-validate: a snowflake config for oracle_warehouse would otherwise stop before anything is sent.
    const r = await runRecipe(newGroupDestination, ["--name", "half_done", "--config", bad, "--no-validate"], sb);
    assert.equal(r.code, 1);
    const group = sb.state.groups.all().find((g) => g.name === "half_done")!;
    assert.ok(group, "the group stays");
    assert.equal(sb.state.destinations.get(group.id), undefined);
    assert.match(r.stderr, /POST destinations failed: HTTP 400/);
    assert.match(r.stdout, new RegExp(`Group half_done \\(${group.id}\\) was created but has no destination\\.`));
    assert.match(
      r.stdout,
      new RegExp(`To finish it: deno run -P recipes/new_group_destination\\.ts --group-id ${group.id} `),
    );
    assert.match(r.stdout, /To delete it: .*DELETE .*--rollback/);
    assertNoSecrets(r, DB_PASSWORD);

    const fix = await runRecipe(newGroupDestination, ["--group-id", group.id, "--config", good], sb);
    assert.equal(fix.code, 0, fix.stderr);
    assert.equal(sb.state.destinations.get(group.id)?.service, "snowflake");
    assert.match(fix.stdout, /│ half_done \(\w+\) │ snowflake/);
    assert.equal(sb.state.groups.all().filter((g) => g.name === "half_done").length, 1);

    // Once it has a destination, --group-id refuses before sending anything.
    const since = lastSeq(sb);
    const again = await runRecipe(newGroupDestination, ["--group-id", group.id, "--config", good], sb);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already has a destination \(snowflake\)/);
    assert.deepEqual(mutations(sb, since), []);
  } finally {
    await Deno.remove(bad);
    await Deno.remove(good);
    await sb.close();
  }
});

Deno.test("new_group_destination.ts --rollback deletes the empty group; --dry-run sends nothing", async () => {
  const sb = await sandbox();
  const bad = await snowflakeFile({ service: "no_such_warehouse" });
  const good = await snowflakeFile();
  try {
    const groups = sb.state.groups.all().length;
    const r = await runRecipe(newGroupDestination, [
      "--name",
      "rolled",
      "--config",
      bad,
      "--rollback",
      "--no-validate",
    ], sb);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Rolled back: deleted the empty group rolled \(\w+\)/);
    assert.equal(sb.state.groups.all().length, groups);
    assert.deepEqual(mutations(sb).map((e) => e.method + " " + e.path.replace(/groups\/\w+/, "groups/ID")), [
      "POST /v1/groups",
      "POST /v1/destinations",
      "DELETE /v1/groups/ID",
    ]);

    const since = lastSeq(sb);
    const dry = await runRecipe(newGroupDestination, ["--name", "dry", "--config", good, "--dry-run"], sb);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Call: POST groups \{"name":"dry"\}$/m);
    assert.match(dry.stdout, /^Call: POST destinations \{"group_id":"NEW_GROUP_ID",.*"password":"\*\*\*\*\*\*"/m);
    assert.deepEqual(mutations(sb, since), []);
    assertNoSecrets(dry, DB_PASSWORD);
  } finally {
    await Deno.remove(bad);
    await Deno.remove(good);
    await sb.close();
  }
});

Deno.test("new_group_destination.ts and new_user.ts settle a lost answer by looking the resource up", async () => {
  const sb = await sandbox();
  const good = await snowflakeFile();
  // Every create is done upstream but its answer is lost (502) — except user creates after the first.
  const proxy = faultProxy(
    sb,
    (method, path, n) =>
      method === "POST" && (path !== "/v1/users" || n === 1) ? "after" : method === "POST" ? "before" : "pass",
  );
  try {
    const r = await runRecipe(newGroupDestination, ["--name", "lossy", "--config", good], proxy.target);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /The answer to POST groups was lost \(the server answered HTTP 502: POST groups failed: HTTP 502 /,
    );
    assert.match(
      r.stderr,
      /Created after all: GET groups \(by name\) shows group \w+ named lossy, so POST groups went through/,
    );
    assert.match(r.stderr, /Created after all: GET destinations\/\w+ shows the snowflake destination of group \w+/);
    const group = sb.state.groups.all().find((g) => g.name === "lossy")!;
    assert.equal(sb.state.destinations.get(group.id)?.service, "snowflake");
    assert.equal(proxy.seen.get("POST /v1/groups"), 1);
    assert.equal(proxy.seen.get("POST /v1/destinations"), 1);
    assertNoSecrets(r, DB_PASSWORD);

    const user = ["--given-name", "A", "--family-name", "B"];
    const lost = await runRecipe(newUser, ["--email", "lost@example.com", ...user], proxy.target);
    assert.equal(lost.code, 0, lost.stderr);
    assert.match(lost.stderr, /Created after all: GET users \(by email\) shows user \w+ with email lost@example\.com/);
    const never = await runRecipe(newUser, ["--email", "never@example.com", ...user], proxy.target);
    assert.equal(never.code, 1);
    assert.match(
      never.stderr,
      /^Not created: the answer to POST users was lost \(the server answered HTTP 503\), and GET users \(by email\) shows no user with email never@example\.com; .* safe$/m,
    );
    assert.equal(proxy.seen.get("POST /v1/users"), 2);

    const taken = await runRecipe(newGroupDestination, ["--name", "lossy", "--config", good], sb);
    assert.equal(taken.code, 2);
    assert.match(
      taken.stderr,
      new RegExp(`^A group named 'lossy' already exists \\(${group.id}\\); .*--group-id ${group.id}$`),
    );
  } finally {
    await proxy.close();
    await Deno.remove(good);
    await sb.close();
  }
});

Deno.test("new_group_destination.ts rejects bad input with exit 2 and one line", async () => {
  const sb = await sandbox();
  const files: string[] = [];
  const make = async (value: unknown) => {
    const f = await tempJson(value);
    files.push(f);
    return f;
  };
  try {
    const good = await snowflakeFile();
    files.push(good);
    assertUsage(await runRecipe(newGroupDestination, ["--config", good], sb), sb, /Missing --name \(or --group-id/);
    assertUsage(
      await runRecipe(newGroupDestination, ["--name", "a", "--group-id", "b", "--config", good], sb),
      sb,
      /--name or --group-id, not both/,
    );
    assertUsage(
      await runRecipe(newGroupDestination, ["--group-id", DEMO.smallGroupId, "--config", good, "--rollback"], sb),
      sb,
      /--rollback only deletes a group this run creates/,
    );
    assertUsage(await runRecipe(newGroupDestination, ["--name", "a"], sb), sb, /Missing --config/);
    assertUsage(
      await runRecipe(newGroupDestination, [
        "--name",
        "a",
        "--config",
        await make({ service: "snowflake", config: {} }),
      ], sb),
      sb,
      /'time_zone_offset' .* from "-11" to "\+12"/,
    );
    assertUsage(
      await runRecipe(newGroupDestination, [
        "--name",
        "a",
        "--config",
        await make({ service: "snowflake", time_zone_offset: "0", group_id: "x" }),
      ], sb),
      sb,
      /without group_id/,
    );
    assertUsage(
      await runRecipe(newGroupDestination, [
        "--name",
        "a",
        "--config",
        await make({ service: "snowflake", time_zone_offset: "0", colour: 1 }),
      ], sb),
      sb,
      /unknown: colour/,
    );
    assertUsage(
      await runRecipe(newGroupDestination, ["--name", "a", "--config", "/nonexistent.json"], sb),
      sb,
      /Cannot read config file/,
    );
  } finally {
    for (const f of files) await Deno.remove(f);
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ update_connector.ts

Deno.test("update_connector.ts PATCHes --set values (JSON-typed, dotted keys) and shows before/after", async () => {
  const sb = await sandbox();
  try {
    const id = DEMO.renamedConnectionId; // postgres, port 5432, sync every 60 minutes, not paused
    const r = await runRecipe(updateConnector, [
      "--connector-id",
      id,
      "--set",
      "sync_frequency=360",
      "--set",
      "config.port=5433",
      "--set",
      'config.database="007"',
      "--set",
      "paused=true",
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    const [patch] = mutations(sb);
    assert.equal(patch.path, `/v1/connections/${id}`);
    assert.deepEqual(patch.body, { sync_frequency: 360, config: { port: 5433, database: "007" }, paused: true });
    const c = sb.state.connections.get(id)!;
    assert.equal(c.syncFrequency, 360);
    assert.equal(c.config.port, 5433);
    assert.equal(c.config.database, "007");
    assert.equal(c.paused, true);
    assert.match(r.stdout, /│ config\.port +│ 5432 +│ 5433 +│/);
    assert.match(r.stdout, /│ paused +│ false +│ true +│/);
    assert.match(r.stdout, /│ status\.sync_state +│ scheduled +│ paused +│/);
    assert.match(r.stdout, /Updated connection steady_orchard: \d+ key\(s\) changed/);
    assert.match(r.log, /update_connector\.ts: updated connection steady_orchard: .*config\.port/);

    const again = await runRecipe(updateConnector, ["--connection-id", id, "--set", "paused=true", "--json"], sb);
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.deepEqual(out.changes, []);
    assert.deepEqual(out.unchanged, ["paused"]);
  } finally {
    await sb.close();
  }
});

Deno.test("update_connector.ts takes secrets from --payload only, masks them, and --dry-run sends nothing", async () => {
  const sb = await sandbox();
  const payload = await tempJson({ config: { password: NEW_PASSWORD }, sync_frequency: 720 });
  try {
    const id = DEMO.credentialsBrokenConnectionId; // sql_server with a bad password
    const dry = await runRecipe(
      updateConnector,
      ["--connection-id", id, "--payload", payload, "--dry-run", "--json"],
      sb,
    );
    assert.equal(dry.code, 0, dry.stderr);
    const out = JSON.parse(dry.stdout);
    assert.equal(out.dry_run, true);
    assert.deepEqual(out.request, { config: { password: "******" }, sync_frequency: 720 });
    assert.deepEqual(out.changes.find((c: { key: string }) => c.key === "config.password"), {
      key: "config.password",
      before: "******",
      after: "******",
      secret: true,
    });
    assert.deepEqual(mutations(sb), []);
    assertNoSecrets(dry, NEW_PASSWORD);

    const r = await runRecipe(updateConnector, [
      "--connection-id",
      id,
      "--payload",
      payload,
      "--set",
      "config.port=1444",
    ], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sb.state.connections.get(id)?.config.password, NEW_PASSWORD);
    assert.equal(sb.state.connections.get(id)?.config.port, 1444);
    assert.match(r.stdout, /│ config\.password +│ \*{6} +│ \*{6} \(updated\) +│/);
    assert.match(r.stdout, /"password":"\*\*\*\*\*\*"/);
    assertNoSecrets(r, NEW_PASSWORD);

    const inFlag = await runRecipe(
      updateConnector,
      ["--connection-id", id, "--set", `config.password=${NEW_PASSWORD}`],
      sb,
    );
    assert.equal(inFlag.code, 2);
    assert.match(
      inFlag.stderr,
      /^Refusing a secret on the command line \(--set config\.password=\.\.\.\); put it in a --payload FILE/,
    );
    assertNoSecrets(inFlag, NEW_PASSWORD);
  } finally {
    await Deno.remove(payload);
    await sb.close();
  }
});

Deno.test("update_connector.ts rejects bad input with exit 2 and one line", async () => {
  const sb = await sandbox();
  const notObject = await tempJson([1, 2]);
  try {
    const c = ["--connection-id", DEMO.renamedConnectionId];
    assertUsage(await runRecipe(updateConnector, c, sb), sb, /Missing --set KEY=VALUE or --payload FILE/);
    assertUsage(
      await runRecipe(updateConnector, [...c, "--set", "port=5433"], sb),
      sb,
      /Unknown connection field 'port' .*did you mean config\.port\?/,
    );
    assertUsage(
      await runRecipe(updateConnector, [...c, "--set", "service=mysql"], sb),
      sb,
      /'service' .*cannot be changed/,
    );
    assertUsage(
      await runRecipe(updateConnector, [...c, "--set", "paused"], sb),
      sb,
      /Expected --set KEY=VALUE, got 'paused'/,
    );
    assertUsage(
      await runRecipe(updateConnector, [...c, "--set", "paused=yes"], sb),
      sb,
      /Expected paused to be true or false/,
    );
    assertUsage(await runRecipe(updateConnector, [...c, "--set", "sync_frequency=7"], sb), sb, /one of 1, 5, 15/);
    assertUsage(
      await runRecipe(updateConnector, [...c, "--set", "config..x=1"], sb),
      sb,
      /dotted name like config\.port/,
    );
    assertUsage(await runRecipe(updateConnector, [...c, "--payload", notObject], sb), sb, /to hold a JSON object/);
    assertUsage(
      await runRecipe(updateConnector, ["--connection-id", "a b", "--set", "paused=true"], sb),
      sb,
      /Expected --connection-id to be a Fivetran ID/,
    );
  } finally {
    await Deno.remove(notObject);
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ delete_connector.ts

Deno.test("delete_connector.ts shows the connection, needs --yes, and deletes it", async () => {
  const sb = await sandbox();
  try {
    const id = DEMO.pausedConnectionId;
    const refused = await runRecipe(deleteConnector, ["--connection-id", id], sb);
    assert.equal(refused.code, 2);
    assert.match(refused.stdout, /About to delete:/);
    assert.match(refused.stdout, /│ sleepy_walrus │ stripe +│ stripe +│ Production \(rapid_harbor\)/);
    assert.match(
      refused.stderr,
      /^Refusing without consent: Delete connection sleepy_walrus \(stripe, schema stripe\).* Add --yes/,
    );
    assert.ok(sb.state.connections.get(id));
    assert.deepEqual(mutations(sb), []);

    const dry = await runRecipe(deleteConnector, ["--connection-id", id, "--dry-run", "--json"], sb);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout).request, { method: "DELETE", endpoint: `connections/${id}` });
    assert.deepEqual(mutations(sb), []);

    const asked: string[] = [];
    const no = await runRecipe(deleteConnector, ["--connection-id", id], sb, {
      isTerminal: () => true,
      prompt: (q) => (asked.push(q), "n"),
    });
    assert.equal(no.code, 2);
    assert.match(asked[0], /^Delete connection sleepy_walrus .*\? \[y\/N\]$/);
    assert.ok(sb.state.connections.get(id));

    const r = await runRecipe(deleteConnector, ["--connection-id", id, "--yes"], sb);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Call: DELETE connections\/sleepy_walrus$/m);
    assert.match(
      r.stdout,
      /Deleted connection sleepy_walrus \(stripe, schema stripe\) in group Production \(rapid_harbor\)/,
    );
    assert.equal(sb.state.connections.get(id), undefined);
    assert.deepEqual(mutations(sb).map((e) => `${e.method} ${e.path}`), [`DELETE /v1/connections/${id}`]);
    assert.match(r.log, /delete_connector\.ts: deleted connection sleepy_walrus/);

    const gone = await runRecipe(deleteConnector, ["--connection-id", id, "--yes", "--json"], sb);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /GET connections\/sleepy_walrus failed: HTTP 404/);
    assertUsage(
      await runRecipe(deleteConnector, ["--connection-id", "../groups/x", "--yes"], sb),
      sb,
      /Fivetran ID/,
      lastSeq(sb),
    );
  } finally {
    await sb.close();
  }
});

Deno.test("delete_connector.ts counts a retried DELETE that finds the connection gone as deleted", async () => {
  const sb = await sandbox();
  const proxy = faultProxy(sb, (method, _path, n) => (method === "DELETE" && n === 1 ? "after" : "pass"));
  try {
    const r = await runRecipe(deleteConnector, ["--connection-id", DEMO.warningConnectionId, "--yes"], proxy.target);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Deleted connection noisy_cricket .*the retry found it gone/);
    assert.equal(proxy.seen.get(`DELETE /v1/connections/${DEMO.warningConnectionId}`), 2);
    assert.equal(sb.state.connections.get(DEMO.warningConnectionId), undefined);
  } finally {
    await proxy.close();
    await sb.close();
  }
});

// ------------------------------------------------------------------------------------------------ as programs

async function runFile(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT.pathname,
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const strip = (b: Uint8Array) =>
    new TextDecoder().decode(b).split("\n").filter((l) => !l.startsWith("Warning Permissions in the config file"))
      .join("\n").trim();
  return { code: out.code, stdout: strip(out.stdout), stderr: strip(out.stderr) };
}

Deno.test("manage recipes run as programs: shebang, -P --help, missing credentials and missing permission", async () => {
  for (const [name] of RECIPES) {
    const file = new URL(`recipes/${name}`, ROOT);
    const first = (await Deno.readTextFile(file)).split("\n")[0];
    assert.match(
      first,
      /^#!\/usr\/bin\/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,.* --allow-write=logs$/,
    );
    assert.ok(((await Deno.stat(file)).mode! & 0o111) !== 0, `${name} is not executable`);
  }
  const help = await runFile(["run", "-P", "recipes/new_group_webhook.ts", "--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^new_group_webhook\.ts — /);

  const noCreds = await runFile([
    "run",
    "-P",
    "recipes/delete_connector.ts",
    "--connection-id",
    "x",
    "--yes",
  ], { FIVETRAN_LOG_FILE: "off" });
  assert.equal(noCreds.code, 2);
  assert.equal(noCreds.stderr.split("\n").length, 1, noCreds.stderr);
  assert.match(noCreds.stderr, /FIVETRAN_API_KEY/);

  const noEnv = await runFile([
    "run",
    "--allow-read",
    "recipes/create_connector.ts",
    "--group-id",
    "g",
    "--config",
    "recipes/examples/connector_postgres.json",
    "--schema",
    "a",
  ]);
  assert.equal(noEnv.code, 2);
  assert.equal(noEnv.stderr.split("\n").length, 1, noEnv.stderr);
  assert.match(noEnv.stderr, /^Missing permission: write access to logs\. Run again with --allow-write /);
});

Deno.test("new_group_destination.ts prints and logs no config password that an error answer echoes", async () => {
  const password = "echoed-pw-7731";
  await using server = startServer([
    { body: { code: "Success", data: { id: "g_echo", name: "echo" } } },
    { status: 404, body: { code: "NotFound", message: "No destination" } },
    { status: 400, body: { code: "InvalidInput", message: `Login failed for password '${password}'` } },
  ]);
  await using dir = await tempDir();
  const config = `${dir.path}/destination.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({ service: "snowflake", time_zone_offset: "0", config: { host: "h", password } }),
  );
  const r = await runRecipe(
    newGroupDestination,
    ["--group-id", "g_echo", "--config", config, "--no-validate"],
    { baseUrl: server.baseUrl, apiKey: "echo_key", apiSecret: "echo_secret" },
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /InvalidInput/);
  assert.match(r.stderr, /Login failed for password '\*\*\*\*\*\*'/);
  assert.ok(!`${r.stdout}${r.stderr}${r.log}`.includes(password));
  assert.match(server.requests[2].body, new RegExp(password), "the password was sent");
});
