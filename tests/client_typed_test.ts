// The typed client: typed calls and paginate() go through the same client as atlas() (retries, log, masking),
// fill path templates, narrow declared errors, and check a create's config before sending it.
import assert from "node:assert/strict";
import { type AtlasLogEntry, createAtlas, createTypedAtlas, endpointOf, isOperationError } from "../mod.ts";
import { ConfigValidationError } from "../lib/spec/validate.ts";
import { DEMO, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { rejection, startServer } from "./_server.ts";

async function sandbox(): Promise<Sandbox> {
  return await startSandbox({ connections: 40, randomSeed: 3 });
}

function typedOn(sb: Sandbox, entries: AtlasLogEntry[] = []) {
  const client = createAtlas({
    apiKey: sb.apiKey,
    apiSecret: sb.apiSecret,
    baseUrl: sb.baseUrl,
    logger: (e) => entries.push(e),
  });
  return createTypedAtlas({ client });
}

Deno.test("typed GET fills the path template and answers typed data, logged by the client", async () => {
  await using sb = await sandbox();
  const entries: AtlasLogEntry[] = [];
  const api = typedOn(sb, entries);
  const { code, data } = await api.GET("/v1/connections/{connectionId}", {
    params: { path: { connectionId: DEMO.certBrokenConnectionId } },
  });
  assert.equal(code, "Success");
  assert.equal(data?.id, DEMO.certBrokenConnectionId);
  assert.equal(data?.status.setup_state, "broken");
  assert.equal(entries.length, 1);
  assert.equal(entries[0].path, `connections/${DEMO.certBrokenConnectionId}`);
  assert.equal(entries[0].status, 200);
});

Deno.test("typed paginate() lists every connection of a group, as the untyped paginate() does", async () => {
  await using sb = await sandbox();
  const api = typedOn(sb);
  const typed = await Array.fromAsync(
    api.paginate("/v1/groups/{groupId}/connections", { params: { path: { groupId: DEMO.bigGroupId } }, limit: 7 }),
  );
  const untyped = await Array.fromAsync(api.client.paginate<{ id: string }>(`groups/${DEMO.bigGroupId}/connections`));
  assert.ok(typed.length > 7, `expected several pages, got ${typed.length} items`);
  assert.deepEqual(typed.map((c) => c.id).sort(), untyped.map((c) => c.id).sort());
});

Deno.test("typed calls retry a 429 after Retry-After through the client's one send path", async () => {
  await using server = startServer([
    { status: 429, headers: { "Retry-After": "0" }, body: { code: "TooManyRequests", message: "slow down" } },
    { body: { code: "Success", data: { id: "g1", name: "Group", created_at: "2024-01-01T00:00:00Z" } } },
  ]);
  const entries: AtlasLogEntry[] = [];
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl, logger: (e) => entries.push(e) });
  const api = createTypedAtlas({ client });
  const { data } = await api.GET("/v1/groups/{groupId}", { params: { path: { groupId: "g1" } } });
  assert.equal(data?.name, "Group");
  assert.deepEqual(server.requests.map((r) => r.target), ["/v1/groups/g1", "/v1/groups/g1"]);
  assert.deepEqual(entries.map((e) => [e.status, e.attempt]), [[429, 1], [200, 2]]);
});

Deno.test("typed query parameters and path parameters are encoded", () => {
  assert.equal(
    endpointOf("/v1/groups/{groupId}/connections", {
      path: { groupId: "a b/c" },
      query: { schema: "x&y", limit: 5, cursor: undefined },
    }),
    "groups/a%20b%2Fc/connections?schema=x%26y&limit=5",
  );
  assert.throws(() => endpointOf("/v1/groups/{groupId}", {}), /Expected path parameter 'groupId'/);
  assert.throws(() => endpointOf("/public/connector-types"), /outside the API's base path/);
});

Deno.test("isOperationError() narrows a 404 the operation declares, not other failures", async () => {
  await using sb = await sandbox();
  const api = typedOn(sb);
  const error = await rejection(() =>
    api.GET("/v1/connections/{connectionId}", { params: { path: { connectionId: "no_such_one" } } })
  );
  assert.ok(isOperationError(error, "GET /v1/connections/{connectionId}"));
  assert.equal(error.status, 404);
  assert.equal(isOperationError(error, "GET /v1/groups/{groupId}"), false, "another operation's error");
  assert.equal(isOperationError(new Error("x"), "GET /v1/connections/{connectionId}"), false);
});

Deno.test("typed POST /v1/connections stops a config that does not fit its service before sending", async () => {
  await using sb = await sandbox();
  const api = typedOn(sb);
  const before = sb.journal().length;
  const error = await rejection(() =>
    api.POST("/v1/connections", {
      body: {
        group_id: DEMO.smallGroupId,
        service: "postgres",
        // deno-lint-ignore no-explicit-any
        config: { hots: "db.example.com", port: "five", schema_prefix: "typed_shop" } as any,
      },
    })
  );
  assert.ok(error instanceof ConfigValidationError, String(error));
  assert.deepEqual(error.problems, [
    "config.hots: not a field of postgres's config (did you mean host?)",
    "config.port: expected an integer, got 'five'",
  ]);
  assert.equal(sb.journal().length, before, "nothing was sent");

  const sent = await api.POST("/v1/connections", {
    body: {
      group_id: DEMO.smallGroupId,
      service: "postgres",
      config: { host: "db", port: 5432, schema_prefix: "ok1" },
    },
  });
  assert.equal(sent.code, "Success");
  assert.equal(sb.journal().filter((e) => e.method === "POST").length, 1);
});

Deno.test("typed PATCH of a connection reads its service, then stops a config that does not fit it before sending", async () => {
  await using sb = await sandbox();
  const api = typedOn(sb);
  const connectionId = DEMO.renamedConnectionId; // postgres
  const path = { connectionId };
  const error = await rejection(() =>
    // deno-lint-ignore no-explicit-any
    api.PATCH("/v1/connections/{connectionId}", { params: { path }, body: { config: { prot: 5433 } as any } })
  );
  assert.ok(error instanceof ConfigValidationError, String(error));
  assert.deepEqual(error.problems, ["config.prot: not a field of postgres's config (did you mean port?)"]);
  assert.deepEqual(sb.journal().filter((e) => e.method === "PATCH"), [], "nothing was changed");
  // A body without config needs no read; one that fits is sent; validate: false sends unchecked.
  const gets = () => sb.journal().filter((e) => e.method === "GET").length;
  const read = gets();
  await api.PATCH("/v1/connections/{connectionId}", { params: { path }, body: { paused: true } });
  assert.equal(gets(), read, "an update without a config reads nothing first");
  // (The spec types an update's config as no service's in particular: any value is a type error there.)
  // deno-lint-ignore no-explicit-any
  await api.PATCH("/v1/connections/{connectionId}", { params: { path }, body: { config: { port: 5433 } as any } });
  await api.PATCH("/v1/connections/{connectionId}", {
    params: { path },
    // deno-lint-ignore no-explicit-any
    body: { config: { prot: 5433 } as any },
    validate: false,
  }).catch(() => {});
  assert.equal(sb.journal().filter((e) => e.method === "PATCH").length, 3);
});
