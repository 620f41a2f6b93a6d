// Masking from the spec: a recognisable value in every `format: password` field of three services' configs (most
// of them named nothing a name rule would catch: connection_string, role_arn, consumer_key, pgp_pass_phrase, ...)
// appears nowhere in stdout, stderr, --json output or the log; an error answer that echoes them is scrubbed;
// enum members such as "auth": "PASSWORD" are not masked.
import assert from "node:assert/strict";
import { main as createConnector } from "../recipes/create_connector.ts";
import { main as updateConnector } from "../recipes/update_connector.ts";
import { AtlasError, createAtlas } from "../mod.ts";
import { isSecretKey, MASK, maskSecrets, secretValues } from "../lib/mask.ts";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { runRecipe } from "./_harness.ts";
import { rejection, startServer } from "./_server.ts";

const FIELDS: { connections: Record<string, string[]> } = JSON.parse(
  Deno.readTextFileSync(new URL("../lib/spec/generated/secret_fields.json", import.meta.url)),
);
// Services the sandbox serves, with the most password fields no name rule catches (role_arn, consumer_key, ...).
const SERVICES = ["sql_server", "netsuite_suiteanalytics", "s3"];
const EXTRA: Record<string, Record<string, unknown>> = { s3: { table_group_name: "files" } };

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const [i, raw] of path.entries()) {
    const list = raw.endsWith("[]");
    const key = list ? raw.slice(0, -2) : raw;
    if (i === path.length - 1) {
      node[key] = list ? [value] : value;
      return;
    }
    if (list) {
      const items = (node[key] ??= [{}]) as Record<string, unknown>[];
      node = items[0];
    } else node = (node[key] ??= {}) as Record<string, unknown>;
  }
}

/** The service's config with a planted value in each password field, and the planted values. */
function planted(service: string): { body: Record<string, unknown>; values: string[] } {
  const body: Record<string, unknown> = { service, config: { ...EXTRA[service] } };
  const values: string[] = [];
  for (const [i, path] of FIELDS.connections[service].entries()) {
    const value = `Planted${service.replace(/_/g, "")}Secret${i}x${Math.random().toString(36).slice(2, 8)}`;
    setPath(body, path.split("."), value);
    values.push(value);
  }
  return { body, values };
}

Deno.test("every format: password field of three services' configs stays out of stdout, stderr, --json and the log", async () => {
  await using sb = await startSandbox({ connections: 20 });
  const files: string[] = [];
  try {
    for (const service of SERVICES) {
      const { body, values } = planted(service);
      assert.ok(values.length >= 3, `${service} has ${values.length} password fields`);
      const path = await Deno.makeTempFile({ suffix: ".json" });
      files.push(path);
      await Deno.writeTextFile(path, JSON.stringify(body));
      const base = ["--group-id", DEMO.smallGroupId, "--config", path];
      const runs = [
        await runRecipe(createConnector, [...base, "--schema", `${service}_a`], sb),
        await runRecipe(createConnector, [...base, "--schema", `${service}_b`, "--json"], sb),
        await runRecipe(createConnector, [...base, "--schema", `${service}_c`, "--dry-run"], sb),
      ];
      for (const r of runs) assert.equal(r.code, 0, `${service}: ${r.stderr}`);
      assert.ok(JSON.parse(runs[1].stdout).results[0].status === "created");
      assert.match(runs[0].stderr + runs[0].stdout, /Call: POST connections/);
      assert.ok(runs.some((r) => r.log.includes("POST connections")), "the log has the create");
      for (const r of runs) {
        for (const value of values) {
          for (const [where, text] of [["stdout", r.stdout], ["stderr", r.stderr], ["log", r.log]]) {
            assert.ok(!text.includes(value), `${service}: ${value} leaked into ${where}`);
          }
        }
      }
      // The sandbox received the real values (they were sent, only never shown).
      const created = sb.state.connections.all().find((c) => String(c.schema).startsWith(`${service}_a`));
      assert.ok(created, `${service}_a was created`);
    }
  } finally {
    for (const f of files) await Deno.remove(f);
  }
});

Deno.test("an update's config (no service named) is masked by every service's password names", async () => {
  await using sb = await startSandbox({ connections: 20 });
  const { body, values } = planted("sql_server");
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, JSON.stringify({ config: body.config }));
    const id = DEMO.credentialsBrokenConnectionId; // sql_server
    for (const extra of [[], ["--json"], ["--dry-run"]]) {
      const r = await runRecipe(updateConnector, ["--connection-id", id, "--payload", path, ...extra], sb);
      assert.equal(r.code, 0, r.stderr);
      for (const value of values) {
        assert.ok(!`${r.stdout}\n${r.stderr}\n${r.log}`.includes(value), `${value} leaked (${extra.join(" ")})`);
      }
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an error answer that echoes the request's secrets is scrubbed in the error and the log", async () => {
  const { body, values } = planted("apache_kafka");
  await using server = startServer([(request) => ({
    status: 400,
    body: { code: "InvalidInput", message: `Bad config: ${request.body}` },
  })]);
  const lines: string[] = [];
  const client = createAtlas({
    apiKey: "key",
    apiSecret: "secret",
    baseUrl: server.baseUrl,
    logger: (e) => lines.push(e.message),
  });
  const error = await rejection(() => client.request("POST", "connections", { group_id: "g", ...body }));
  assert.ok(error instanceof AtlasError);
  assert.match(error.message, /Bad config/);
  for (const value of values) {
    assert.ok(!error.message.includes(value), `${value} in the error`);
    assert.ok(!lines.join("\n").includes(value), `${value} in the log`);
  }
});

Deno.test("enum members are not masked; the spec's password names are, by service when it is named", () => {
  assert.deepEqual(maskSecrets({ service: "snowflake_db", config: { auth: "PASSWORD", password: "p1" } }), {
    service: "snowflake_db",
    config: { auth: "PASSWORD", password: MASK },
  });
  assert.equal(isSecretKey("pgp_pass_phrase"), true);
  assert.equal(isSecretKey("connection_string"), true);
  // primary_key is a password field of some service, not of postgres.
  assert.deepEqual(maskSecrets({ service: "postgres", config: { primary_key: "id" } }).config, { primary_key: "id" });
  assert.deepEqual(maskSecrets({ config: { primary_key: "k" } }).config, { primary_key: MASK });
  assert.deepEqual(secretValues({ service: "azure_blob_storage", config: { connection_string: "cs1", x: "y" } }), [
    "cs1",
  ]);
});
