// Failures: one error class with status, code, message, method and path; non-JSON bodies; masking.
import assert from "node:assert/strict";
import { AtlasError, type AtlasLogEntry, type AtlasOptions, createAtlas } from "../mod.ts";
import { fakeTime, rejection, startServer, type TestServer } from "./_server.ts";

const KEY = "key-1234abcd";
const SECRET = "sec-5678efgh";
const AUTH = `Basic ${btoa(`${KEY}:${SECRET}`)}`;

function clientFor(server: TestServer, options: AtlasOptions = {}) {
  const time = fakeTime();
  return createAtlas({
    apiKey: KEY,
    apiSecret: SECRET,
    baseUrl: server.baseUrl,
    sleep: time.sleep,
    now: time.now,
    maxRetries: 0,
    ...options,
  });
}

async function atlasError(fn: () => Promise<unknown>): Promise<AtlasError> {
  const error = await rejection(fn);
  assert.ok(error instanceof AtlasError, `expected an AtlasError, got ${error}`);
  return error;
}

Deno.test("AtlasError carries status, Fivetran code and message, method, path and attempts, in one line", async () => {
  await using server = startServer([{
    status: 404,
    body: { code: "NotFound_Connection", message: "Connection with id 'abc' doesn't exist" },
  }]);
  const error = await atlasError(() => clientFor(server).request("GET", "connections/abc?x=1"));
  assert.equal(error.name, "AtlasError");
  assert.ok(error instanceof Error);
  assert.equal(error.kind, "http");
  assert.equal(error.status, 404);
  assert.equal(error.code, "NotFound_Connection");
  assert.equal(error.fivetranMessage, "Connection with id 'abc' doesn't exist");
  assert.equal(error.method, "GET");
  assert.equal(error.path, "connections/abc");
  assert.equal(error.attempts, 1);
  assert.equal(error.retryAfter, undefined);
  assert.equal(
    error.message,
    "GET connections/abc failed: HTTP 404 NotFound_Connection: Connection with id 'abc' doesn't exist",
  );
});

Deno.test("an HTML 502 body gives an AtlasError with status 502 and a short snippet, not a JSON parse error", async () => {
  const html = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>${
    "<p>The upstream server is unavailable.</p>".repeat(100)
  }</body></html>`;
  await using server = startServer([{ status: 502, body: html, headers: { "content-type": "text/html" } }]);
  const error = await atlasError(() => clientFor(server).request("GET", "groups"));
  assert.equal(error.kind, "http");
  assert.equal(error.status, 502);
  assert.equal(error.code, "BadGateway");
  assert.match(error.message, /^GET groups failed: HTTP 502 BadGateway: Non-JSON answer: text\/html '502 Bad Gateway/);
  assert.ok(error.message.length < 250, `message too long: ${error.message.length}`);
  assert.ok(!error.message.includes("<"), error.message);
  assert.ok(!/JSON\.parse|Unexpected token|SyntaxError/.test(error.message), error.message);
  assert.ok(!error.message.includes("\n"));
});

Deno.test("an error body that is JSON without a message, or empty, still gives a clear AtlasError", async () => {
  await using server = startServer([
    { status: 400, body: { code: "InvalidInput" } },
    { status: 503, body: "" },
    { status: 409, body: { message: "Sync in progress" } },
  ]);
  const client = clientFor(server);
  const noMessage = await atlasError(() => client.request("GET", "groups"));
  assert.equal(noMessage.code, "InvalidInput");
  assert.equal(noMessage.fivetranMessage, "No message");
  const empty = await atlasError(() => client.request("GET", "groups"));
  assert.equal(empty.status, 503);
  assert.equal(empty.code, "ServiceUnavailable");
  assert.match(empty.fivetranMessage, /empty/);
  const noCode = await atlasError(() => client.request("POST", "connections/x/resync", {}));
  assert.equal(noCode.code, "Conflict");
  assert.equal(noCode.fivetranMessage, "Sync in progress");
});

Deno.test("a non-JSON 200 is an AtlasError of kind invalid-response", async () => {
  await using server = startServer([
    { body: "OK, done", headers: { "content-type": "text/plain" } },
    { body: "[1, 2, 3]", headers: { "content-type": "application/json" } },
    { body: '{"data": {}}' },
  ]);
  const client = clientFor(server);
  for (let i = 0; i < 3; i++) {
    const error = await atlasError(() => client.request("GET", "groups"));
    assert.equal(error.kind, "invalid-response");
    assert.equal(error.status, 200);
    assert.equal(error.code, "InvalidResponse");
    assert.match(error.message, /^GET groups failed: HTTP 200 InvalidResponse: Expected a JSON envelope/);
  }
  assert.equal(server.requests.length, 3);
});

Deno.test("error messages and log lines mask the API secret and the Authorization header a server echoes", async () => {
  await using server = startServer([
    { status: 401, body: { code: "AuthFailed", message: `Bad credentials ${AUTH} for ${KEY}:${SECRET}` } },
    { status: 502, body: `<html>proxy saw Authorization: ${AUTH}</html>`, headers: { "content-type": "text/html" } },
    { body: `echo ${SECRET}`, headers: { "content-type": "text/plain" } },
    { status: 400, body: { code: "BadKey", message: `Not a key: ${btoa(`${KEY}:${SECRET}`)}` } },
  ]);
  const entries: AtlasLogEntry[] = [];
  const client = clientFor(server, { logger: (entry) => entries.push(entry) });
  for (let i = 0; i < 4; i++) {
    const error = await atlasError(() => client.request("GET", "groups"));
    for (const secret of [SECRET, KEY, btoa(`${KEY}:${SECRET}`)]) {
      assert.ok(!error.message.includes(secret), `error ${i} leaks: ${error.message}`);
      assert.ok(!error.fivetranMessage.includes(secret), `error ${i} leaks: ${error.fivetranMessage}`);
    }
    assert.match(error.message, /\*\*\*\*\*\*/);
  }
  const logged = JSON.stringify(entries);
  assert.ok(!logged.includes(SECRET) && !logged.includes(btoa(`${KEY}:${SECRET}`)), logged);
});

Deno.test("a request log entry per attempt carries method, path, status, duration and attempt, payload masked", async () => {
  await using server = startServer([
    { status: 503, body: { code: "Unavailable" } },
    { body: { code: "Success", data: { items: [] } } },
  ]);
  const entries: AtlasLogEntry[] = [];
  const client = clientFor(server, { logger: (entry) => entries.push(entry), maxRetries: 1 });
  await client.request("PATCH", "connections/abc?x=1", {
    paused: true,
    config: { user: "etl", password: "hunter2", private_key: "-----BEGIN", token: "t0k3n", secret: "s3cr3t" },
  });
  assert.equal(entries.length, 2);
  assert.deepEqual(entries.map((e) => [e.level, e.method, e.path, e.status, e.attempt]), [
    ["warn", "PATCH", "connections/abc?x=1", 503, 1],
    ["info", "PATCH", "connections/abc?x=1", 200, 2],
  ]);
  assert.match(entries[0].message, /^PATCH connections\/abc\?x=1 503 \d+ms attempt=1 Unavailable$/);
  assert.equal(
    entries[1].message.replace(/ \d+ms /, " Nms "),
    'PATCH connections/abc?x=1 200 Nms attempt=2 payload={"paused":true,"config":{"user":"etl","password":"******",' +
      '"private_key":"******","token":"******","secret":"******"}}',
  );
  for (const e of entries) assert.equal(typeof e.durationMs, "number");
  // The server still got the real values.
  assert.equal(JSON.parse(server.requests[1].body).config.password, "hunter2");
});

Deno.test("an AtlasError's message is one line of bounded length, whatever the server echoes", async () => {
  const long = "x".repeat(3000);
  await using server = startServer([{
    status: 400,
    body: { code: "Bad\nCode", message: `line one\nline two ${long}` },
  }]);
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl });
  const endpoint = `groups/${"g".repeat(3000)}`;
  const error = await rejection(() => client.request("GET", endpoint));
  assert.ok(error instanceof AtlasError);
  assert.ok(!error.message.includes("\n"), error.message.slice(0, 200));
  assert.ok(error.message.length < 900, `${error.message.length} characters`);
  assert.match(error.message, /^GET groups\/g+\.\.\. failed: HTTP 400 Bad Code: line one line two x+\.\.\.$/);
  // The fields keep everything, for code that wants it.
  assert.equal(error.path, endpoint);
  assert.equal(error.fivetranMessage.length, 3000 + "line one\nline two ".length);
});

Deno.test("a network error names the host and the cause: connection refused, DNS failure, TLS", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  // A TCP server that answers TLS with plain text.
  const plain = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const plainPort = (plain.addr as Deno.NetAddr).port;
  const serving = (async () => {
    for await (const conn of plain) {
      await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\n\r\n")).catch(() => {});
      conn.close();
    }
  })();
  const cases: [string, RegExp][] = [
    [`http://127.0.0.1:${port}/v1`, new RegExp(`Network error: 127\\.0\\.0\\.1:${port}: connection refused`)],
    ["https://no-such-host.invalid/v1", /Network error: no-such-host\.invalid: DNS lookup failed/],
    [`https://127.0.0.1:${plainPort}/v1`, new RegExp(`Network error: 127\\.0\\.0\\.1:${plainPort}: TLS failure: \\S`)],
  ];
  try {
    for (const [baseUrl, expected] of cases) {
      const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl, maxRetries: 0 });
      const error = await rejection(() => client.request("GET", "groups"));
      assert.ok(error instanceof AtlasError && error.kind === "network", String(error));
      assert.match(error.message, expected);
      assert.ok(!error.message.includes("fetch failed"), error.message);
    }
  } finally {
    plain.close();
    await serving.catch(() => {});
  }
});

Deno.test("an answer larger than maxResponseBytes is refused, read no further and not retried", async () => {
  let served = 0;
  let cancelled = false;
  await using server = startServer([], {
    fallback: (request) => {
      if (request.url.pathname.endsWith("/announced")) {
        return { body: { code: "Success", data: "x".repeat(5000) } };
      }
      // An endless chunked body: only a reader that stops can return.
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
      return new Response(
        new ReadableStream({
          pull(controller) {
            served += chunk.byteLength;
            controller.enqueue(chunk);
          },
          cancel() {
            cancelled = true;
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    },
  });
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl, maxResponseBytes: 1_000_000 });
  const endless = await rejection(() => client.request("GET", "groups"));
  assert.ok(endless instanceof AtlasError, String(endless));
  assert.equal(endless.kind, "invalid-response");
  assert.equal(endless.code, "ResponseTooLarge");
  assert.equal(endless.attempts, 1);
  assert.match(
    endless.message,
    /Expected an answer of at most 976\.6 KiB \(maxResponseBytes\), got more \(stopped after [\d.]+ (KiB|MiB)\); not read/,
  );
  assert.ok(served < 20_000_000, `${served} bytes served`);
  const small = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl, maxResponseBytes: 1000 });
  const announced = await rejection(() => small.request("GET", "groups/announced"));
  assert.ok(announced instanceof AtlasError && announced.code === "ResponseTooLarge", String(announced));
  assert.match(announced.message, /got 4\.9 KiB \(Content-Length\); not read further, not retried$/);
  assert.equal(server.requests.length, 2);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(cancelled || served < 20_000_000);
  assert.throws(() => createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl, maxResponseBytes: 0 }));
});
