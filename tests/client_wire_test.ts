// What goes over the wire: auth, Accept, Content-Type, User-Agent, bodies, paths, envelopes.
import assert from "node:assert/strict";
import { type AtlasOptions, createAtlas, VERSION } from "../mod.ts";
import { ACCEPT_V1, ACCEPT_V2, acceptFor } from "../lib/client/guard.ts";
import { USER_AGENT } from "../lib/_version.ts";
import { fakeTime, rejection, startServer, type TestServer } from "./_server.ts";

function clientFor(server: TestServer, options: AtlasOptions = {}) {
  const time = fakeTime();
  return createAtlas({
    apiKey: "my-key",
    apiSecret: "my-secret",
    baseUrl: server.baseUrl,
    sleep: time.sleep,
    now: time.now,
    ...options,
  });
}

Deno.test("createAtlas() sends exact Basic auth, Accept and User-Agent, and no Content-Type on a GET", async () => {
  await using server = startServer([{ body: { code: "Success", data: { items: [] } } }]);
  await clientFor(server).request("GET", "groups");
  assert.equal(server.requests.length, 1);
  const [req] = server.requests;
  assert.equal(req.method, "GET");
  assert.equal(req.target, "/v1/groups");
  assert.equal(req.headers.get("authorization"), `Basic ${btoa("my-key:my-secret")}`);
  assert.equal(req.headers.get("authorization"), "Basic bXkta2V5Om15LXNlY3JldA==");
  assert.equal(req.headers.get("accept"), "application/json");
  assert.equal(req.headers.get("user-agent"), `fivetran-atlas-deno/${VERSION}`);
  assert.equal(req.headers.get("content-type"), null);
  assert.equal(req.body, "");
});

Deno.test("createAtlas() sends Accept version=2 for connections and destinations, plain JSON for the rest", async () => {
  const cases: [string, string, string][] = [
    ["GET", "connections/abc", ACCEPT_V2],
    ["PATCH", "connections/abc", ACCEPT_V2],
    ["DELETE", "connections/abc", ACCEPT_V2],
    ["POST", "connections", ACCEPT_V2],
    ["GET", "connections", ACCEPT_V2],
    ["POST", "connections/abc/sync", ACCEPT_V2],
    ["POST", "connections/abc/test", ACCEPT_V2],
    ["GET", "connections/abc/state", ACCEPT_V2],
    ["GET", "destinations/d1", ACCEPT_V2],
    ["POST", "destinations/d1/test", ACCEPT_V2],
    ["GET", "connections/abc/schemas", ACCEPT_V1],
    ["POST", "connections/abc/schemas/reload", ACCEPT_V1],
    ["GET", "connections/abc/certificates", ACCEPT_V1],
    ["GET", "groups", ACCEPT_V1],
    ["GET", "groups/g1", ACCEPT_V1],
    ["GET", "groups/g1/connections", ACCEPT_V1],
    ["GET", "users", ACCEPT_V1],
  ];
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = clientFor(server);
  for (const [method, endpoint] of cases) {
    await client.request(method as "GET", `${endpoint}?limit=5`);
  }
  assert.deepEqual(
    server.requests.map((r) => [r.method, r.url.pathname.slice("/v1/".length), r.headers.get("accept")]),
    cases,
  );
  assert.equal(ACCEPT_V2, "application/json;version=2");
  assert.equal(ACCEPT_V1, "application/json");
});

const SPEC = new URL("../../shared/fivetran-openapi.json", import.meta.url);
const specPresent = (() => {
  try {
    Deno.statSync(SPEC);
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "acceptFor() agrees with the Accept header of every operation in the OpenAPI spec",
  ignore: !specPresent,
  fn() {
    // deno-lint-ignore no-explicit-any
    const spec = JSON.parse(Deno.readTextFileSync(SPEC)) as any;
    const mismatches: string[] = [];
    let checked = 0;
    for (const [path, operations] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        // deno-lint-ignore no-explicit-any
        const params = ((operation as any)?.parameters ?? []) as any[];
        const accept = params
          .map((p) => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p))
          .find((p) => p?.name === "Accept");
        const expected = accept?.schema?.default ?? accept?.example;
        if (typeof expected !== "string") continue;
        const endpoint = path.replace(/^\/v1\//, "").replace(/\{[^}]+\}/g, "some_id");
        checked++;
        if (acceptFor(endpoint) !== expected) mismatches.push(`${method.toUpperCase()} ${path}: ${expected}`);
      }
    }
    assert.ok(checked > 50, `expected many operations with an Accept header, got ${checked}`);
    assert.deepEqual(mismatches, []);
  },
});

Deno.test("createAtlas() sends POST and PATCH bodies as JSON with Content-Type application/json", async () => {
  await using server = startServer([], { fallback: { status: 201, body: { code: "Success", data: { id: "g1" } } } });
  const client = clientFor(server);
  const created = await client.request("POST", "groups", { name: "analytics" });
  assert.deepEqual(created, { code: "Success", data: { id: "g1" } });
  await client.request("PATCH", "connections/abc", '{"paused":true}');
  await client.request("POST", "connections/abc/sync");
  await client.request("DELETE", "groups/g1");
  const [post, patch, sync, del] = server.requests;
  assert.equal(post.headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(post.body), { name: "analytics" });
  assert.equal(patch.method, "PATCH");
  assert.equal(patch.headers.get("content-type"), "application/json");
  assert.equal(patch.body, '{"paused":true}');
  assert.equal(sync.headers.get("content-type"), "application/json");
  assert.equal(sync.body, "{}");
  assert.equal(del.method, "DELETE");
  assert.equal(del.headers.get("content-type"), null);
  assert.equal(del.body, "");
});

Deno.test("createAtlas() rejects a payload on GET and a non-JSON string payload, sending nothing", async () => {
  await using server = startServer();
  const client = clientFor(server);
  assert.ok(await rejection(() => client.request("GET", "groups", { name: "x" })) instanceof TypeError);
  assert.ok(await rejection(() => client.request("POST", "groups", "not json")) instanceof TypeError);
  assert.ok(await rejection(() => client.request("POST", "groups", 42)) instanceof TypeError);
  assert.equal(server.requests.length, 0);
});

Deno.test("createAtlas() throws a TypeError for an unknown method and sends nothing", async () => {
  await using server = startServer();
  const client = clientFor(server);
  for (const method of ["PUT", "get", "OPTIONS", ""]) {
    const error = await rejection(() => client.request(method as "GET", "groups"));
    assert.ok(error instanceof TypeError, String(error));
    assert.match((error as Error).message, /Expected method GET, POST, PATCH or DELETE/);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("createAtlas() accepts a leading slash and keeps the query string", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = clientFor(server, { baseUrl: `${server.baseUrl}/` });
  assert.equal(client.baseUrl, server.baseUrl);
  await client.request("GET", "/groups?limit=5&cursor=a%2Bb");
  await client.request("GET", "groups/g1/connections?schema=x#fragment");
  assert.deepEqual(server.requests.map((r) => r.target), [
    "/v1/groups?limit=5&cursor=a%2Bb",
    "/v1/groups/g1/connections?schema=x",
  ]);
  assert.equal(server.requests[0].url.searchParams.get("cursor"), "a+b");
});

Deno.test("createAtlas() resolves to the parsed envelope for any 2xx, and to {code: 'Success'} for an empty body", async () => {
  const envelope = { code: "Success", message: "Group has been found", data: { id: "g1", name: "analytics" } };
  await using server = startServer([
    { body: envelope },
    { status: 201, body: { code: "Success", message: "Created", data: { id: "g2" } } },
    { status: 204, body: "" },
  ]);
  const client = clientFor(server);
  assert.deepEqual(await client.request("GET", "groups/g1"), envelope);
  assert.deepEqual(await client.request("POST", "groups", { name: "b" }), {
    code: "Success",
    message: "Created",
    data: { id: "g2" },
  });
  assert.deepEqual(await client.request("DELETE", "groups/g2"), { code: "Success" });
});

Deno.test("lib/_version.ts VERSION equals deno.json's version and names the User-Agent", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
  assert.equal(USER_AGENT, `fivetran-atlas-deno/${config.version}`);
});

Deno.test("createAtlas() sends a custom userAgent when given", async () => {
  await using server = startServer([{ body: { code: "Success", data: { items: [] } } }]);
  await clientFor(server, { userAgent: "my-tool/2.0" }).request("GET", "groups");
  assert.equal(server.requests[0].headers.get("user-agent"), "my-tool/2.0");
});

Deno.test("createAtlas() does not follow redirects, so credentials never leave the base URL", async () => {
  await using elsewhere = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  await using server = startServer([{ status: 302, body: "", headers: { location: `${elsewhere.baseUrl}/groups` } }]);
  const error = await rejection(() => clientFor(server).request("GET", "groups"));
  assert.equal((error as { status?: number }).status, 302);
  assert.equal(server.requests.length, 1);
  assert.equal(elsewhere.requests.length, 0);
});
