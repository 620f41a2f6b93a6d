// The recipe runs' own HTTP/1.1 connections (lib/client/_http1.ts), against raw TCP servers that answer byte for
// byte as scripted: framing, keep-alive, requests sent once, the body cap, gzip, aborts and malformed answers.
import assert from "node:assert/strict";
import { AnswerTooLarge, Http1Agent, type Http1Answer, type Http1Request } from "../lib/client/_http1.ts";
import { createAtlasOver } from "../lib/client/client.ts";
import { AtlasError } from "../lib/client/errors.ts";
import { startServer } from "./_server.ts";

const encoder = new TextEncoder();

/** A loopback TCP server: `handle` gets each connection and the requests read from it. */
function rawServer(handle: (conn: Deno.Conn, requests: AsyncIterableIterator<string>, n: number) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const handlers: Promise<void>[] = [];
  const received: string[] = [];
  let accepted = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      const n = accepted++;
      handlers.push(
        handle(conn, readRequests(conn, received), n).catch(() => {}).finally(() => {
          conns.delete(conn);
          try {
            conn.close();
          } catch { /* closed */ }
        }),
      );
    }
  })();
  return {
    url: new URL(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1/groups?limit=2`),
    received,
    accepted: () => accepted,
    async [Symbol.asyncDispose]() {
      listener.close();
      await serving;
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
      await Promise.all(handlers);
    },
  };
}

/** The requests of one connection (head and body as text), as they come. */
async function* readRequests(conn: Deno.Conn, received: string[]): AsyncIterableIterator<string> {
  let pending = new Uint8Array(0);
  const buf = new Uint8Array(64 * 1024);
  const more = async () => {
    const n = await conn.read(buf);
    if (n === null) return false;
    const next = new Uint8Array(pending.length + n);
    next.set(pending);
    next.set(buf.subarray(0, n), pending.length);
    pending = next;
    return true;
  };
  const headEnd = () => new TextDecoder().decode(pending).indexOf("\r\n\r\n");
  for (;;) {
    while (headEnd() === -1) if (!await more()) return;
    const end = headEnd();
    const head = new TextDecoder().decode(pending.subarray(0, end));
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    while (pending.length < end + 4 + length) if (!await more()) return;
    const request = new TextDecoder().decode(pending.subarray(0, end + 4 + length));
    pending = pending.slice(end + 4 + length);
    received.push(request);
    yield request;
  }
}

async function write(conn: Deno.Conn, data: string | Uint8Array) {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

function json(body: string, extra = "") {
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${
    encoder.encode(body).length
  }\r\n${extra}\r\n${body}`;
}

function get(url: URL, more: Partial<Http1Request> = {}): Http1Request {
  return {
    method: "GET",
    url,
    headers: { Accept: "application/json" },
    body: undefined,
    signal: new AbortController().signal,
    fresh: false,
    maxBytes: 1 << 20,
    ...more,
  };
}

async function withAgent<T>(use: (agent: Http1Agent) => Promise<T>): Promise<T> {
  const agent = new Http1Agent();
  try {
    return await use(agent);
  } finally {
    agent.close();
  }
}

Deno.test("Http1Agent reads Content-Length, chunked and read-to-close bodies", async () => {
  const answers = [
    json('{"code":"Success"}'),
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{"a":\r\nA\r\n"chunked"}\r\n0\r\nX-Trailer: t\r\n\r\n',
    'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"until":"close"}',
  ];
  await using server = rawServer(async (conn, requests, n) => {
    for await (const _ of requests) {
      await write(conn, answers[n]);
      if (n === 2) return; // read-to-close: the end of the stream ends the body
    }
  });
  await withAgent(async (agent) => {
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      // A fresh request each time, so that each answer comes on its own connection (n = 0, 1, 2).
      texts.push((await agent.request(get(server.url, { fresh: true }))).text);
    }
    assert.deepEqual(texts, ['{"code":"Success"}', '{"a":"chunked"}', '{"until":"close"}']);
  });
});

Deno.test("Http1Agent sends one exact request head: Host, the path and query, headers, Content-Length of the body", async () => {
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) await write(conn, json("{}"));
  });
  await withAgent(async (agent) => {
    await agent.request(get(server.url));
    await agent.request(
      get(server.url, { method: "POST", body: '{"name":"é"}', headers: { "Content-Type": "application/json" } }),
    );
    await agent.request(get(server.url, { method: "PATCH", fresh: true }));
  });
  const [first, second, third] = server.received;
  assert.equal(
    first,
    `GET /v1/groups?limit=2 HTTP/1.1\r\nHost: ${server.url.host}\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\n\r\n`,
  );
  assert.match(second, /^POST \/v1\/groups\?limit=2 HTTP\/1\.1\r\n/);
  assert.match(second, /\r\nContent-Length: 13\r\n\r\n\{"name":"é"\}$/);
  assert.match(third, /\r\nContent-Length: 0\r\nConnection: close\r\n\r\n$/);
});

Deno.test("Http1Agent keeps one connection for requests in turn, and gives a request that must not repeat its own", async () => {
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) await write(conn, json('{"ok":true}'));
  });
  await withAgent(async (agent) => {
    for (let i = 0; i < 5; i++) assert.equal((await agent.request(get(server.url))).status, 200);
    assert.equal(server.accepted(), 1);
    await agent.request(get(server.url, { method: "POST", body: "{}", fresh: true }));
    assert.equal(server.accepted(), 2);
    await agent.request(get(server.url));
    assert.equal(server.accepted(), 2, "the kept connection is used again after the fresh one");
  });
});

Deno.test("Http1Agent sends a GET again on a new connection when its kept one was closed while idle, a create never", async () => {
  // Every connection answers one request, then closes without a word (as a server's idle timeout does).
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) {
      await write(conn, json("{}"));
      return;
    }
  });
  await withAgent(async (agent) => {
    await agent.request(get(server.url));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the server's close arrives
    assert.equal((await agent.request(get(server.url))).status, 200);
    assert.equal(server.accepted(), 2);
    assert.equal(server.received.length, 2, "the GET reached the server once on each connection");
  });
  // A server that reads the request and hangs up: a create is not sent again.
  await using dropping = rawServer(async (_conn, requests) => {
    for await (const _ of requests) return;
  });
  await withAgent(async (agent) => {
    const error = await agent.request(get(dropping.url, { method: "POST", body: "{}", fresh: true })).catch((e) => e);
    assert.match(String(error), /Connection closed before the answer/);
    assert.equal(dropping.received.length, 1);
  });
});

Deno.test("Http1Agent refuses an announced body over the cap before reading it, and a chunk that would pass it", async () => {
  await using server = rawServer(async (conn, requests, n) => {
    for await (const _ of requests) {
      if (n === 0) await write(conn, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
      else {
        await write(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (let i = 0; i < 10; i++) await write(conn, `100\r\n${"x".repeat(256)}\r\n`);
        await write(conn, "0\r\n\r\n");
      }
      return;
    }
  });
  await withAgent(async (agent) => {
    const announced = await agent.request(get(server.url, { maxBytes: 1000, fresh: true })).catch((e) => e);
    assert.ok(announced instanceof AnswerTooLarge, String(announced));
    assert.deepEqual([announced.status, announced.seen, announced.announced], [200, 5000, true]);
    const streamed = await agent.request(get(server.url, { maxBytes: 1000, fresh: true })).catch((e) => e);
    assert.ok(streamed instanceof AnswerTooLarge, String(streamed));
    // Stopped before the fourth chunk of 256 bytes, which would pass the cap.
    assert.deepEqual([streamed.announced, streamed.seen], [false, 768]);
  });
});

Deno.test("Http1Agent rejects a malformed answer in one line, and closes its connection", async () => {
  const bad: [string, RegExp][] = [
    ["HTTP/2 200 OK\r\n\r\n", /a status line of 'HTTP\/2 200 OK'/],
    ["HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n", /a header line of 'no colon here'/],
    ["HTTP/1.1 200 OK\r\n folded: value\r\nContent-Length: 0\r\n\r\n", /a header line of ' folded: value'/],
    ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", /a Content-Length of '2, 3'/],
    ["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", /a Content-Length of '-1'/],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", /a chunk size of 'zz'/],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", /a chunk longer than its size/],
    [`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(70 * 1024)}\r\n\r\n`, /a head longer than 65536 bytes/],
    ["HTTP/1.1 101 Switching Protocols\r\n\r\n", /101 Switching Protocols was not asked for/],
    ["HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\n{}", /a Content-Encoding of 'br'/],
    ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", /Connection closed in the answer's body/],
    ["HTTP/1.1 200 O", /Connection closed in the answer's head/],
  ];
  await using server = rawServer(async (conn, requests, n) => {
    for await (const _ of requests) {
      await write(conn, bad[n][0]);
      return;
    }
  });
  await withAgent(async (agent) => {
    for (const [answer, expected] of bad) {
      const error = await agent.request(get(server.url, { fresh: true })).catch((e) => e);
      assert.ok(error instanceof Error, `${JSON.stringify(answer.slice(0, 40))}: resolved`);
      assert.match(error.message, expected, JSON.stringify(answer.slice(0, 40)));
      assert.ok(!error.message.includes("\n"));
    }
  });
});

Deno.test("Http1Agent skips informational answers, and reads 204 and HEAD answers without a body", async () => {
  const answers = [
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
    json('{"after":"head"}'),
  ];
  await using server = rawServer(async (conn, requests) => {
    let i = 0;
    for await (const _ of requests) await write(conn, answers[i++]);
  });
  await withAgent(async (agent) => {
    const results: [number, string][] = [];
    for (const method of ["GET", "DELETE", "HEAD", "GET"]) {
      const answer: Http1Answer = await agent.request(get(server.url, { method }));
      results.push([answer.status, answer.text]);
    }
    assert.deepEqual(results, [[200, "{}"], [204, ""], [200, ""], [200, '{"after":"head"}']]);
    assert.equal(server.accepted(), 1, "every answer left the connection ready for the next");
  });
});

Deno.test("Http1Agent gunzips a gzip answer, and caps the inflated size", async () => {
  const body = JSON.stringify({
    code: "Success",
    data: { items: Array.from({ length: 200 }, (_, i) => ({ id: `c${i}` })) },
  });
  const gzipped = new Uint8Array(
    await new Response(new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) {
      await write(conn, `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n\r\n`);
      await write(conn, gzipped);
    }
  });
  await withAgent(async (agent) => {
    assert.equal((await agent.request(get(server.url))).text, body);
    const capped = await agent.request(get(server.url, { maxBytes: 1000 })).catch((e) => e);
    assert.ok(capped instanceof AnswerTooLarge && !capped.announced, String(capped));
  });
});

Deno.test("Http1Agent ends a request at once on abort, with the signal's reason, and leaves nothing open", async () => {
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) await conn.read(new Uint8Array(1)).catch(() => null); // never answers
  });
  await withAgent(async (agent) => {
    const controller = new AbortController();
    const pending = agent.request(get(server.url, { signal: controller.signal })).catch((e) => e);
    while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const started = performance.now();
    controller.abort(new Error("stop now"));
    const error = await pending;
    assert.equal(error.message, "stop now");
    assert.ok(performance.now() - started < 1000);
  });
});

Deno.test("Http1Agent refuses a header with a line break, beyond Latin-1, or that frames the request, before sending", async () => {
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) await write(conn, json("{}"));
  });
  await withAgent(async (agent) => {
    const bad: Record<string, string>[] = [{ "X-Evil": "a\r\nInjected: yes" }, { "X-Name": "\u0100" }, {
      "Content-Length": "5",
    }, {
      Host: "evil",
    }, {
      "Transfer-Encoding": "chunked",
    }];
    for (const headers of bad) {
      const error = await agent.request(get(server.url, { headers })).catch((e) => e);
      assert.ok(error instanceof TypeError, `${JSON.stringify(headers)}: ${error}`);
    }
    assert.equal(server.received.length, 0);
  });
});

Deno.test("Http1Agent does not reuse a kept connection on which the server spoke while it was idle (a 408, a close)", async () => {
  await using server = rawServer(async (conn, requests, n) => {
    for await (const _ of requests) {
      await write(conn, json('{"ok":true}'));
      if (n === 0) {
        // An idle timeout as some servers send it: an unasked 408, then the close.
        await write(conn, "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
    }
  });
  await withAgent(async (agent) => {
    assert.equal((await agent.request(get(server.url))).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await agent.request(get(server.url));
    assert.deepEqual([answer.status, answer.text], [200, '{"ok":true}']);
    assert.equal(server.accepted(), 2);
  });
});

Deno.test("Http1Agent ends a TLS handshake the server never answers at the signal, leaving no socket open", async () => {
  await using server = rawServer(async (conn) => {
    await conn.read(new Uint8Array(4096)).catch(() => null); // reads the ClientHello, answers nothing
    await conn.read(new Uint8Array(1)).catch(() => null);
  });
  await withAgent(async (agent) => {
    const url = new URL(server.url.href.replace("http:", "https:").replace("127.0.0.1", "localhost"));
    const reason = new Error("timed out");
    const controller = new AbortController();
    const pending = agent.request(get(url, { signal: controller.signal })).catch((e) => e);
    while (server.accepted() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort(reason);
    assert.equal(await pending, reason);
  });
});

Deno.test("Http1Agent.whenDirect() leaves requests to fetch when a proxy variable or FIVETRAN_HTTP is set", () => {
  const names = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "FIVETRAN_HTTP"];
  const before = new Map(names.map((name) => [name, Deno.env.get(name)]));
  try {
    for (const name of names) Deno.env.delete(name);
    const direct = Http1Agent.whenDirect();
    assert.equal(direct instanceof Http1Agent, Deno.build.os !== "windows");
    direct?.close();
    for (const [name, value] of [["https_proxy", "http://proxy.example:3128"], ["FIVETRAN_HTTP", "fetch"]]) {
      Deno.env.set(name, value);
      assert.equal(Http1Agent.whenDirect(), undefined, name);
      Deno.env.delete(name);
    }
  } finally {
    for (const [name, value] of before) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});

Deno.test("createAtlasOver() sends the same request and reads the same envelope and errors as createAtlas()", async () => {
  await using server = startServer([
    { body: { code: "Success", data: { id: "g1" } } },
    { status: 404, body: { code: "NotFound", message: "No group g2" } },
    { status: 200, body: "x".repeat(2000) },
  ]);
  const agent = new Http1Agent();
  try {
    const client = createAtlasOver(agent, {
      apiKey: "my-key",
      apiSecret: "my-secret",
      baseUrl: server.baseUrl,
      maxResponseBytes: 1000,
      maxRetries: 0,
    });
    const { data } = await client.request<{ id: string }>("POST", "groups", { name: "g" });
    assert.equal(data?.id, "g1");
    const [req] = server.requests;
    assert.equal(req.headers.get("authorization"), "Basic bXkta2V5Om15LXNlY3JldA==");
    assert.equal(req.headers.get("content-type"), "application/json");
    assert.equal(req.body, '{"name":"g"}');
    const missing = await client.request("GET", "groups/g2").catch((e) => e);
    assert.ok(missing instanceof AtlasError && missing.status === 404 && missing.code === "NotFound", String(missing));
    const large = await client.request("GET", "groups").catch((e) => e);
    assert.ok(large instanceof AtlasError && large.code === "ResponseTooLarge", String(large));
  } finally {
    agent.close();
  }
});

Deno.test("Http1Agent speaks HTTP/1.1 over TLS, and names a certificate it does not trust as a TLS failure", async () => {
  const dir = new URL("./fixtures/tls/", import.meta.url);
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "server.pem", "server.key"].map((f) => Deno.readTextFile(new URL(f, dir))),
  );
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert, key, onListen: () => {} },
    (req) => Response.json({ code: "Success", data: { items: [{ id: new URL(req.url).pathname }] } }),
  );
  const baseUrl = `https://localhost:${server.addr.port}/v1`;
  const trusting = new Http1Agent({ caCerts: [ca] });
  const plain = new Http1Agent();
  try {
    const options = { apiKey: "k", apiSecret: "s", baseUrl, maxRetries: 0 };
    const { data } = await createAtlasOver(trusting, options).request<{ items: { id: string }[] }>("GET", "groups");
    assert.deepEqual(data?.items, [{ id: "/v1/groups" }]);
    const error = await createAtlasOver(plain, options).request("GET", "groups").catch((e) => e);
    assert.ok(error instanceof AtlasError && error.code === "NetworkError", String(error));
    assert.match(error.message, /TLS failure/);
  } finally {
    trusting.close();
    plain.close();
  }
});

Deno.test("createAtlasOver() names a refused connection and an answer that does not come in time", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const agent = new Http1Agent();
  try {
    const options = { apiKey: "k", apiSecret: "s", maxRetries: 0, sleep: () => Promise.resolve() };
    const refused = await createAtlasOver(agent, { ...options, baseUrl: `http://127.0.0.1:${port}/v1` })
      .request("GET", "groups").catch((e) => e);
    assert.ok(refused instanceof AtlasError && refused.code === "NetworkError", String(refused));
    assert.match(refused.message, /connection refused/);
    await using server = startServer([{ hang: true }]);
    const late = await createAtlasOver(agent, { ...options, baseUrl: server.baseUrl, timeout: 50 })
      .request("GET", "groups").catch((e) => e);
    assert.ok(late instanceof AtlasError && late.code === "Timeout", String(late));
  } finally {
    agent.close();
  }
});

Deno.test("a recipe run sends over its own connections and closes them at its end; FIVETRAN_HTTP=fetch uses fetch", async () => {
  const { main } = await import("../recipes/connector_status.ts");
  const { runRecipe } = await import("./_harness.ts");
  const connection = { id: "c1", service: "github", schema: "gh", paused: false, status: {} };
  const before = Deno.env.get("FIVETRAN_HTTP");
  try {
    const encodings: (string | null)[] = [];
    for (const http of [undefined, "fetch"]) {
      if (http === undefined) Deno.env.delete("FIVETRAN_HTTP");
      else Deno.env.set("FIVETRAN_HTTP", http);
      await using server = startServer([{ body: { code: "Success", data: connection } }]);
      const run = await runRecipe(main, ["--connection-id", "c1"], { ...server, apiKey: "k", apiSecret: "s" });
      assert.equal(run.code, 0, run.stderr);
      encodings.push(server.requests[0].headers.get("accept-encoding"));
    }
    // Each run's connections are closed by its end (the test's resource sanitizer would fail otherwise).
    assert.deepEqual(encodings, Deno.build.os === "windows" ? ["gzip,br", "gzip,br"] : ["gzip", "gzip,br"]);
  } finally {
    if (before === undefined) Deno.env.delete("FIVETRAN_HTTP");
    else Deno.env.set("FIVETRAN_HTTP", before);
  }
});

Deno.test("Http1Agent reads header lines of 60,000 blanks in linear time, their values trimmed", async () => {
  // A complexity guard, not a speed figure: one regular expression with a lazy value before optional blanks took
  // 1.3 s per such line (four: over 5 s); reading them by hand takes milliseconds.
  const inner = `a${" ".repeat(60_000)}x`;
  await using server = rawServer(async (conn, requests) => {
    for await (const _ of requests) {
      await write(conn, `HTTP/1.1 200 OK\r\nX-A: \t${inner}\t \r\nContent-Length: 2\r\n\r\n{}`);
    }
  });
  await withAgent(async (agent) => {
    const started = performance.now();
    for (let i = 0; i < 4; i++) assert.equal((await agent.request(get(server.url))).headers.get("x-a"), inner);
    assert.ok(performance.now() - started < 3_000, `${performance.now() - started} ms`);
  });
});
