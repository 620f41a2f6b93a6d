// The credential guard: requests only ever go below the configured base URL.
import assert from "node:assert/strict";
import { ConfigError, createAtlas } from "../mod.ts";
import { checkBaseUrl } from "../lib/config.ts";
import { normalizeEndpoint } from "../lib/client/guard.ts";
import { rejection, startServer } from "./_server.ts";

Deno.test("atlas() rejects endpoints that would leave the base URL before anything is sent", async () => {
  await using evil = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl });
  const hostile = [
    "https://evil.example/x",
    `${evil.baseUrl}/groups`,
    `HTTP://${evil.origin.slice("http://".length)}/x`,
    "//evil.example/x",
    `//${evil.origin.slice("http://".length)}/v1/groups`,
    "///evil.example/x",
    "../x",
    "/../x",
    "groups/../../x",
    "%2e%2e/x",
    "%2E%2E/x",
    "groups/%2e%2e/%2e%2e/x",
    "groups/..%2f..%2fx",
    "%2e%2e%2fx",
    "groups/./g1",
    "groups\\..\\x",
    "\\\\evil.example\\x",
    "/\\evil.example/x",
    "mailto:someone@evil.example",
    "javascript:alert(1)",
    "groups/%zz",
    "",
    "/",
  ];
  for (const endpoint of hostile) {
    for (const method of ["GET", "POST"] as const) {
      const error = await rejection(() => client.request(method, endpoint, method === "POST" ? { a: 1 } : undefined));
      assert.ok(error instanceof TypeError, `${endpoint}: ${error}`);
    }
    assert.ok(await rejection(() => client.paginate(endpoint).next()) instanceof TypeError, endpoint);
  }
  assert.equal(server.requests.length, 0);
  assert.equal(evil.requests.length, 0);
});

Deno.test("atlas() keeps a query string that mentions '..' or a URL, since it cannot change the path", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl });
  await client.request("GET", "groups?cursor=../x&next=https://evil.example/");
  assert.equal(server.requests.length, 1);
  assert.equal(server.requests[0].url.pathname, "/v1/groups");
  assert.equal(server.requests[0].url.searchParams.get("cursor"), "../x");
});

Deno.test("normalizeEndpoint() rewrites only legacy connectors paths and strips the leading slash", () => {
  assert.deepEqual(normalizeEndpoint("/connectors/abc"), {
    endpoint: "connections/abc",
    path: "connections/abc",
    legacy: true,
  });
  assert.deepEqual(normalizeEndpoint("groups/g1/connectors?limit=2"), {
    endpoint: "groups/g1/connections?limit=2",
    path: "groups/g1/connections",
    legacy: true,
  });
  assert.equal(normalizeEndpoint("connectors").endpoint, "connections");
  assert.equal(normalizeEndpoint("connections/connectors").legacy, false);
  assert.equal(normalizeEndpoint("connectors_x/1").legacy, false);
  assert.equal(normalizeEndpoint("metadata/connector-types").legacy, false);
  assert.throws(() => normalizeEndpoint(42), TypeError);
});

Deno.test("createAtlas() rejects a plain-http base URL to a non-loopback host, and other unsafe base URLs", () => {
  for (const baseUrl of ["http://api.fivetran.com/v1", "http://10.0.0.1/v1", "http://127.0.0.1.evil.example/v1"]) {
    assert.throws(() => createAtlas({ apiKey: "k", apiSecret: "s", baseUrl }), ConfigError, baseUrl);
  }
  for (
    const baseUrl of ["ftp://api.fivetran.com/v1", "https://user:pw@api.fivetran.com/v1", "https://x/v1?a=1", "nope"]
  ) {
    assert.throws(() => checkBaseUrl(baseUrl), ConfigError, baseUrl);
  }
  assert.equal(checkBaseUrl("https://api.fivetran.com/v1/"), "https://api.fivetran.com/v1");
  assert.equal(checkBaseUrl("http://localhost:8080/v1"), "http://localhost:8080/v1");
  assert.equal(checkBaseUrl("http://127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1");
  assert.equal(checkBaseUrl("http://[::1]:8080/v1"), "http://[::1]:8080/v1");
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: "https://api.fivetran.com/v1/" });
  assert.equal(client.baseUrl, "https://api.fivetran.com/v1");
});
