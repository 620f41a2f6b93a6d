// The client against the sandbox's dropped-answer fault: a create whose answer is lost must reach the
// server once, even though Deno's fetch silently resends a request when a reused keep-alive connection
// closes before the answer.
import assert from "node:assert/strict";
import { AtlasError, createAtlas } from "../mod.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";

Deno.test("atlas client sends a create once when its answer is dropped on a reused connection", async () => {
  await using sb = await startSandbox({ randomSeed: 7 });
  const client = createAtlas({
    apiKey: sb.apiKey,
    apiSecret: sb.apiSecret,
    baseUrl: sb.baseUrl,
    sleep: () => Promise.resolve(),
  });
  // Warm a keep-alive connection, then lose every answer after the work is done.
  await client.request("GET", "groups");
  sb.setFaults("drop-after=1");
  const error = await client.request("POST", "groups", { name: "once_only" }).then(() => undefined, (e) => e);
  sb.setFaults("");
  assert.ok(error instanceof AtlasError, `expected an AtlasError, got ${error}`);
  assert.equal(error.kind, "network");
  const creates = sb.journal().filter((e) => e.method === "POST" && e.path === "/v1/groups");
  assert.equal(creates.length, 1, `the create reached the server ${creates.length} times`);
  const names = [];
  for await (const g of client.paginate<{ name: string }>("groups")) names.push(g.name);
  assert.equal(names.filter((n) => n === "once_only").length, 1);
});

Deno.test("atlas client retries a GET whose answer is dropped, on a new connection", async () => {
  await using sb = await startSandbox({ randomSeed: 7 });
  const client = createAtlas({
    apiKey: sb.apiKey,
    apiSecret: sb.apiSecret,
    baseUrl: sb.baseUrl,
    sleep: () => Promise.resolve(),
  });
  await client.request("GET", "groups");
  sb.setFaults({ "drop-after": 0.5 } as never);
  for (let i = 0; i < 10; i++) {
    const response = await client.request("GET", "account/info");
    assert.equal(response.code, "Success");
  }
});
