// migrate_group.ts against the sandbox: every connection of a group copied into another with its secrets and
// schema config, paused unless --start; a plan first, --dry-run stops there; missing secrets refused by name before
// anything is created; Ctrl-C stops with a summary and --resume-from continues without doubling anything.
import assert from "node:assert/strict";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { main as migrate } from "../recipes/migrate_group.ts";
import { runRecipe } from "./_harness.ts";
import { tempDir } from "./_server.ts";

const FROM = DEMO.smallGroupId; // blank_canvas (s3), noisy_cricket (shopify), steady_orchard (postgres)
const TO = DEMO.dataScienceGroupId;
const SECRETS = {
  noisy_cricket: { api_access_token: "shpat-MIGRATE-4411" },
  steady_orchard: { password: "pg-MIGRATE-7720" },
};

const creates = (sandbox: Sandbox) =>
  sandbox.journal().filter((e) => e.method === "POST" && e.path === "/v1/connections");
const copies = (sandbox: Sandbox) =>
  sandbox.state.connections.byKey(TO).filter((c) => ["shop", "shopify", "files.partner_drop"].includes(c.schema));

async function secretsFile(dir: string, value: unknown = SECRETS): Promise<string> {
  const path = `${dir}/secrets.json`;
  await Deno.writeTextFile(path, JSON.stringify(value));
  return path;
}

Deno.test("migrate_group.ts copies every connection, paused, with its secrets and schema config; a rerun copies nothing", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const secrets = await secretsFile(dir.path);
  const run = await runRecipe(migrate, ["--from-group", FROM, "--to-group", TO, "--secrets", secrets], sandbox);
  assert.equal(run.code, 0, run.stderr);
  // The plan comes first, then the copies, then a summary that names all three.
  assert.ok(run.stdout.indexOf("Plan: 3 connections") < run.stdout.indexOf("Summary: 3 connections"));
  assert.match(run.stdout, /Summary: 3 connections in .*: 3 copied, 0 already there, 0 failed/);
  const made = copies(sandbox);
  assert.equal(made.length, 3);
  assert.ok(made.every((c) => c.paused));
  const pg = made.find((c) => c.service === "postgres")!;
  assert.equal(pg.config.password, SECRETS.steady_orchard.password);
  assert.equal(
    made.find((c) => c.service === "shopify")!.config.api_access_token,
    SECRETS.noisy_cricket.api_access_token,
  );
  // The schema config came along: AuditLog is disabled on the source, so on the copy; the hashed column too.
  const cfg = sandbox.state.schemaConfig(pg);
  assert.equal(cfg.schemas.get("sales")?.tables.get("AuditLog")?.enabled, false);
  assert.equal(cfg.schemas.get("sales")?.tables.get("Customers")?.columns.get("EmailAddress")?.hashed, true);
  for (const secret of [SECRETS.steady_orchard.password, SECRETS.noisy_cricket.api_access_token]) {
    assert.ok(!(run.stdout + run.stderr + run.log).includes(secret));
  }
  const again = await runRecipe(migrate, ["--from-group", FROM, "--to-group", TO, "--secrets", secrets], sandbox);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 copied, 3 already there/);
  assert.equal(creates(sandbox).length, 3);
});

Deno.test("migrate_group.ts refuses, naming the keys, when masked secrets have no value; --dry-run prints the plan only", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const partial = await secretsFile(dir.path, { steady_orchard: SECRETS.steady_orchard });
  const refused = await runRecipe(migrate, ["--from-group", FROM, "--to-group", TO, "--secrets", partial], sandbox);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /lacks values \(nothing was created\): noisy_cricket: api_access_token$/m);
  const none = await runRecipe(migrate, ["--from-group", FROM, "--to-group", TO], sandbox);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /noisy_cricket: api_access_token; steady_orchard: password/);
  const full = await secretsFile(dir.path);
  const dry = await runRecipe(
    migrate,
    ["--from-group", FROM, "--to-group", TO, "--secrets", full, "--dry-run"],
    sandbox,
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Call: POST connections .*"password":"\*\*\*\*\*\*"/);
  assert.match(dry.stdout, /Dry run: the plan above; nothing was created/);
  assert.ok(!dry.stdout.includes(SECRETS.steady_orchard.password));
  assert.deepEqual(sandbox.journal().filter((e) => e.method !== "GET"), []);
  assert.equal(copies(sandbox).length, 0);
});

Deno.test("migrate_group.ts --start creates the copies unpaused", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const run = await runRecipe(migrate, [
    "--from-group",
    FROM,
    "--to-group",
    TO,
    "--secrets",
    await secretsFile(dir.path),
    "--start",
    "--json",
  ], sandbox);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(copies(sandbox).every((c) => !c.paused));
  const out = JSON.parse(run.stdout);
  assert.equal(Object.keys(out.copies).length, 3);
  assert.equal(out.summary.counts.done, 3);
});

Deno.test("migrate_group.ts stops on Ctrl-C with a summary, and --resume-from finishes the rest without doubling", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const secrets = await secretsFile(dir.path);
  const progress = `${dir.path}/logs/migrate.jsonl`;
  const controller = new AbortController();
  const args = ["--from-group", FROM, "--to-group", TO, "--secrets", secrets, "--concurrency", "1"];
  const first = await runRecipe(migrate, [...args, "--resume-from", progress], sandbox, {
    signal: controller.signal,
    clientOptions: {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        // Ctrl-C as soon as the first copy's schema config is set up.
        if (init?.method === "POST" && String(input).endsWith("/schemas")) controller.abort();
        return response;
      },
    },
  });
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stdout + first.stderr, /Interrupted after 1 of 3 connections/);
  assert.match(first.stdout + first.stderr, new RegExp(`--resume-from ${progress.replaceAll("/", "\\/")}`));
  assert.equal(copies(sandbox).length, 1);
  const second = await runRecipe(migrate, [...args, "--resume-from", progress], sandbox);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /2 copied, 0 already there, 1 skipped \(finished in an earlier run\)/);
  assert.equal(copies(sandbox).length, 3);
  assert.equal(creates(sandbox).length, 3);
});

Deno.test("migrate_group.ts rejects bad input with exit 2 and creates nothing", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const write = async (name: string, value: string) => {
    await Deno.writeTextFile(`${dir.path}/${name}`, value);
    return `${dir.path}/${name}`;
  };
  const cases: [string[], RegExp][] = [
    [["--from-group", FROM, "--to-group", FROM], /to differ from --from-group/],
    [["--from-group", FROM, "--to-group", "no_such_group"], /Group 'no_such_group' not found/],
    [["--from-group", FROM], /Missing --to-group/],
    [["--from-group", FROM, "--to-group", TO, "--secrets", await write("a.json", "[1]")], /to hold \{"CONNECTION_ID"/],
    [
      ["--from-group", FROM, "--to-group", TO, "--secrets", await write("b.json", '{"x": "pw"}')],
      /"x" in secrets file/,
    ],
    [["--from-group", FROM, "--to-group", TO, "--secrets", await write("c.json", '{"x": {"p": null}}')], /got null/],
    [["--from-group", FROM, "--to-group", TO, "--concurrency", "0"], /--concurrency/],
  ];
  for (const [args, reason] of cases) {
    const run = await runRecipe(migrate, args, sandbox);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, reason, args.join(" "));
  }
  assert.equal(creates(sandbox).length, 0);
});

Deno.test("migrate_group.ts never creates twice: a create whose answer is lost fails that connection, and a rerun finds the copy", async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const secrets = await secretsFile(dir.path);
  const args = ["--from-group", FROM, "--to-group", TO, "--secrets", secrets, "--concurrency", "1"];
  let lost = 0;
  const first = await runRecipe(migrate, args, sandbox, {
    clientOptions: {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        // The second create (noisy_cricket's) reaches the API, but its answer never comes back.
        if (init?.method === "POST" && String(input).endsWith("/v1/connections") && ++lost === 2) {
          await response.body?.cancel();
          throw new TypeError("connection reset by peer");
        }
        return response;
      },
    },
  });
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stdout + first.stderr, /no clear answer: the copy may exist; a rerun finds it, never doubles it/);
  assert.match(first.stdout, /2 copied, 0 already there, 1 failed/);
  assert.equal(creates(sandbox).length, 3); // each sent once: the lost one was not retried
  assert.equal(copies(sandbox).length, 3); // and it does exist
  const second = await runRecipe(migrate, args, sandbox);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /0 copied, 3 already there/);
  assert.equal(creates(sandbox).length, 3);
  // The copy whose answer was lost got its schema config on the rerun; the others already had it.
  assert.match(second.stderr, /noisy_cricket: already — already there as \w+; its schema config set up/);
  assert.match(second.stderr, /steady_orchard: already — already there as \w+, schema config as the source's/);
  const pg = copies(sandbox).find((c) => c.service === "postgres")!;
  assert.equal(sandbox.state.schemaConfig(pg).schemas.get("sales")?.tables.get("AuditLog")?.enabled, false);
});

Deno.test('migrate_group.ts takes a "*" entry of the secrets file for every connection; a connection\'s own entry wins', async () => {
  await using sandbox = await startSandbox();
  await using dir = await tempDir();
  const secrets = await secretsFile(dir.path, {
    "*": { password: "pg-DEFAULT-1100", api_access_token: "shpat-DEFAULT-2200" },
    noisy_cricket: { api_access_token: SECRETS.noisy_cricket.api_access_token },
  });
  const run = await runRecipe(migrate, ["--from-group", FROM, "--to-group", TO, "--secrets", secrets], sandbox);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(copies(sandbox).find((c) => c.service === "postgres")!.config.password, "pg-DEFAULT-1100");
  assert.equal(
    copies(sandbox).find((c) => c.service === "shopify")!.config.api_access_token,
    SECRETS.noisy_cricket.api_access_token,
  );
  assert.ok(!(run.stdout + run.stderr + run.log).includes("pg-DEFAULT-1100"));
  const bad = await secretsFile(dir.path, { "../x": { password: "p" } });
  const refused = await runRecipe(migrate, ["--from-group", FROM, "--to-group", TO, "--secrets", bad], sandbox);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /to be connection IDs or "\*", got '\.\.\/x'/);
});
