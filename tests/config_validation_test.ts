// Configs are checked against their service's schema from the pinned OpenAPI definition before anything is sent:
// create_connector.ts and the typed client stop (exit 2 / ConfigValidationError) on a field the service does not
// have, a missing required field and a wrong type, for services across databases, files, applications and events;
// the sandbox's journal shows no POST. --no-validate sends the config unchecked.
import assert from "node:assert/strict";
import { main as createConnector } from "../recipes/create_connector.ts";
import { main as updateConnector } from "../recipes/update_connector.ts";
import { main as newGroupDestination } from "../recipes/new_group_destination.ts";
import { createAtlas, createTypedAtlas } from "../mod.ts";
import { configProblems, ConfigValidationError, didYouMean } from "../lib/spec/validate.ts";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { runRecipe } from "./_harness.ts";
import { rejection } from "./_server.ts";

const SERVICES: Record<string, string[]> = {
  databases: ["postgres", "mysql", "sql_server", "oracle", "mongo", "snowflake_db", "dynamodb"],
  files: ["s3", "azure_blob_storage", "sftp", "ftp", "google_drive", "share_point", "box"],
  applications: ["salesforce", "hubspot", "stripe", "zendesk", "jira", "google_ads", "github", "marketo"],
  events: ["webhooks", "segment", "snowplow", "apache_kafka", "azure_event_hub", "kinesis", "confluent_cloud"],
};

// deno-lint-ignore no-explicit-any
type Schema = Record<string, any>;
const schemas: Record<string, { config: Schema }> = JSON.parse(
  Deno.readTextFileSync(new URL("../lib/spec/generated/connection_configs.json", import.meta.url)),
);

/** A field of the config and a value of the wrong type for it, chosen from the schema. */
function wrongType(config: Schema): [string, unknown, RegExp] {
  const props = Object.entries(config.properties as Record<string, Schema>);
  const boolean = props.find(([, s]) => s.type === "boolean");
  if (boolean) return [boolean[0], "yes", /expected a boolean, got ('yes'|a string of 3 characters)/];
  const integer = props.find(([, s]) => s.type === "integer");
  if (integer) return [integer[0], "many", /expected an integer, got ('many'|a string of 4 characters)/];
  const string = props.find(([k, s]) => s.type === "string" && !s.enum && !(config.required ?? []).includes(k))!;
  return [string[0], { nested: 1 }, /expected a string, got an object/];
}

/** The required fields besides the destination schema name, which create_connector.ts fills from --schema. */
function otherRequired(config: Schema): string[] {
  return (config.required ?? []).filter((k: string) => !["schema", "schema_prefix"].includes(k));
}

async function file(value: unknown): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify(value));
  return path;
}

function posts(sb: Sandbox): number {
  return sb.journal().filter((e) => e.method !== "GET").length;
}

Deno.test("create_connector.ts and the typed client stop a config that does not fit, for 29 services, before sending", async () => {
  const all = Object.values(SERVICES).flat();
  assert.ok(all.length >= 20);
  await using sb = await startSandbox({ connections: 20 });
  const api = createTypedAtlas({
    client: createAtlas({ apiKey: sb.apiKey, apiSecret: sb.apiSecret, baseUrl: sb.baseUrl }),
  });
  const paths: string[] = [];
  try {
    for (const service of all) {
      const { config } = schemas[service];
      const required = Object.fromEntries(otherRequired(config).map((k) => [k, "x"]));
      const run = async (cfg: Record<string, unknown>) => {
        const path = await file({ service, config: cfg });
        paths.push(path);
        return await runRecipe(
          createConnector,
          ["--group-id", DEMO.smallGroupId, "--config", path, "--schema", "v"],
          sb,
        );
      };
      // A field the service does not have.
      const unknown = await run({ ...required, not_a_field_xyz: "1" });
      assert.equal(unknown.code, 2, `${service}: ${unknown.stderr}`);
      assert.match(unknown.stderr, new RegExp(`^config\\.not_a_field_xyz: not a field of ${service}'s config`, "m"));
      // A wrong type.
      const [field, value, expected] = wrongType(config);
      const typed = await run({ ...required, [field]: value });
      assert.equal(typed.code, 2, `${service}: ${typed.stderr}`);
      assert.match(typed.stderr, new RegExp(`^config\\.${field}: `, "m"));
      assert.match(typed.stderr, expected);
      // A missing required field: through the recipe when the service requires more than the schema name,
      // through the typed client (no schema name at all) otherwise.
      const others = otherRequired(config);
      if (others.length) {
        const missing = await run({});
        assert.equal(missing.code, 2, `${service}: ${missing.stderr}`);
        for (const k of others) assert.match(missing.stderr, new RegExp(`^config\\.${k}: required by ${service}`, "m"));
      } else {
        const error = await rejection(() =>
          api.POST("/v1/connections", {
            // deno-lint-ignore no-explicit-any
            body: { group_id: DEMO.smallGroupId, service, config: {} } as any,
          })
        );
        assert.ok(error instanceof ConfigValidationError, `${service}: ${error}`);
        assert.match(error.problems.join("\n"), new RegExp(`config\\.(schema|schema_prefix): required by ${service}`));
      }
    }
    assert.equal(posts(sb), 0, "nothing was sent");
    assert.equal(sb.journal().length, 0, "not even a read: the check comes first");
  } finally {
    for (const p of paths) await Deno.remove(p);
  }
});

Deno.test("--no-validate sends a config the pinned definition does not know", async () => {
  await using sb = await startSandbox({ connections: 20 });
  const path = await file({ service: "postgres", config: { host: "db", port: 5432, future_field: true } });
  try {
    const args = ["--group-id", DEMO.smallGroupId, "--config", path, "--schema", "future_shop"];
    const stopped = await runRecipe(createConnector, args, sb);
    assert.equal(stopped.code, 2);
    assert.equal(
      stopped.stderr.trim(),
      "config.future_field: not a field of postgres's config (--no-validate sends it unchecked)",
    );
    assert.equal(posts(sb), 0);
    const sent = await runRecipe(createConnector, [...args, "--no-validate"], sb);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(posts(sb), 1);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an unknown service gets a did-you-mean and exit 2, before anything is sent", async () => {
  await using sb = await startSandbox({ connections: 20 });
  const path = await file({ service: "postgress", config: { host: "db" } });
  try {
    const r = await runRecipe(
      createConnector,
      ["--group-id", DEMO.smallGroupId, "--config", path, "--schema", "s"],
      sb,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^service: Unknown service 'postgress' .*did you mean postgres\?/);
    assert.equal(sb.journal().length, 0);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("update_connector.ts checks the changed config fields only, and new_group_destination.ts the destination's", async () => {
  await using sb = await startSandbox({ connections: 20 });
  const bad = await runRecipe(updateConnector, [
    "--connection-id",
    DEMO.certBrokenConnectionId,
    "--set",
    "config.port=not_a_port",
  ], sb);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^config\.port: expected an integer, got 'not_a_port'/m);
  const good = await runRecipe(updateConnector, [
    "--connection-id",
    DEMO.certBrokenConnectionId,
    "--set",
    "config.port=5433",
  ], sb);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(sb.journal().filter((e) => e.method === "PATCH").length, 1, "only the good update was sent");

  const path = await file({ service: "snowflake", time_zone_offset: "0", config: { host: "a", prot: 443 } });
  try {
    const r = await runRecipe(newGroupDestination, ["--name", "checked_first", "--config", path], sb);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^config\.prot: not a field of snowflake's config \(did you mean port\?\)/m);
    assert.equal(sb.journal().filter((e) => e.method === "POST").length, 0, "not even the group was created");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("the check is lenient where the live API is: numbers and booleans as strings", async () => {
  assert.deepEqual(
    await configProblems("connection", {
      service: "postgres",
      config: { always_encrypted: "true", schema_prefix: "s" },
    }),
    [],
  );
  assert.deepEqual(
    await configProblems("connection", { service: "postgres", config: { port: "54x", always_encrypted: "yes" } }, {
      partial: true,
    }),
    ["config.always_encrypted: expected a boolean, got 'yes'", "config.port: expected an integer, got '54x'"],
  );
  assert.deepEqual(
    await configProblems("connection", { service: "postgres", config: { port: "5432", schema_prefix: "s" } }),
    [],
  );
  assert.deepEqual(
    await configProblems("destination", { service: "snowflake", config: { port: "443" } }, { partial: true }),
    [],
  );
  assert.equal(didYouMean("salesfroce", ["salesforce", "stripe"]), "salesforce");
  assert.equal(didYouMean("zzz", ["salesforce"]), undefined);
});
