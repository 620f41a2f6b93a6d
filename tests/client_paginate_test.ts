// paginate(): cursors, page ends, limits, repeated cursors, failing pages.
import assert from "node:assert/strict";
import { AtlasError, type AtlasOptions, createAtlas, paginate } from "../mod.ts";
import { fakeTime, type Received, rejection, type Scripted, startServer, type TestServer } from "./_server.ts";

function clientFor(server: TestServer, options: AtlasOptions = {}) {
  const time = fakeTime();
  return createAtlas({
    apiKey: "k",
    apiSecret: "s",
    baseUrl: server.baseUrl,
    sleep: time.sleep,
    now: time.now,
    random: () => 0,
    ...options,
  });
}

/** A list server: pages keyed by the cursor they answer ("" for the first page). */
function pages(book: Record<string, { items: unknown[]; next_cursor?: string | null }>) {
  return (req: Received): Scripted => {
    const cursor = req.url.searchParams.get("cursor") ?? "";
    const page = book[cursor];
    if (!page) return { status: 400, body: { code: "InvalidCursor", message: `Unknown cursor ${cursor}` } };
    return { body: { code: "Success", data: page } };
  };
}

const ODD_1 = "a+b/c=d&e f";
const ODD_2 = "%2F..%zz?#x=1&cursor=no ü+";

Deno.test("paginate() follows next_cursor over several pages and the server receives odd cursors intact", async () => {
  await using server = startServer([], {
    fallback: pages({
      "": { items: [{ id: 1 }, { id: 2 }], next_cursor: ODD_1 },
      [ODD_1]: { items: [{ id: 3 }, { id: 4 }], next_cursor: ODD_2 },
      [ODD_2]: { items: [{ id: 5 }] },
    }),
  });
  const client = clientFor(server);
  const items = await Array.fromAsync(client.paginate<{ id: number }>("groups/g1/connections?schema=x", { limit: 2 }));
  assert.deepEqual(items.map((i) => i.id), [1, 2, 3, 4, 5]);
  assert.equal(server.requests.length, 3);
  assert.deepEqual(server.requests.map((r) => r.url.searchParams.get("cursor")), [null, ODD_1, ODD_2]);
  for (const req of server.requests) {
    assert.equal(req.url.pathname, "/v1/groups/g1/connections");
    assert.equal(req.url.searchParams.get("limit"), "2");
    assert.equal(req.url.searchParams.get("schema"), "x");
    assert.deepEqual(req.url.searchParams.getAll("cursor").length <= 1, true);
  }
});

Deno.test("paginate() stops when next_cursor is absent, null or empty", async () => {
  for (const last of [{}, { next_cursor: null }, { next_cursor: "" }]) {
    await using server = startServer([], {
      fallback: pages({ "": { items: ["a"], next_cursor: "p2" }, p2: { items: ["b"], ...last } }),
    });
    const items = await Array.fromAsync(clientFor(server).paginate("groups"));
    assert.deepEqual(items, ["a", "b"], JSON.stringify(last));
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].url.searchParams.get("limit"), "100");
  }
});

Deno.test("paginate() rejects limit 0, 1001 and 1.5 with a RangeError before sending anything", async () => {
  await using server = startServer();
  const client = clientFor(server);
  for (const limit of [0, 1001, 1.5, -1, Number.NaN]) {
    const error = await rejection(() => client.paginate("groups", { limit }).next());
    assert.ok(error instanceof RangeError, `${limit}: ${error}`);
    assert.throws(() => paginate("groups", { limit, client }), RangeError);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("paginate() accepts limits 1 and 1000", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = clientFor(server);
  assert.deepEqual(await Array.fromAsync(client.paginate("groups", { limit: 1 })), []);
  assert.deepEqual(await Array.fromAsync(paginate("groups", { limit: 1000, client })), []);
  assert.deepEqual(server.requests.map((r) => r.url.searchParams.get("limit")), ["1", "1000"]);
});

Deno.test("paginate() ends a repeated cursor with an AtlasError instead of looping forever", async () => {
  await using server = startServer([], {
    fallback: pages({ "": { items: [1], next_cursor: "same" }, same: { items: [2], next_cursor: "same" } }),
  });
  const seen: unknown[] = [];
  const error = await rejection(async () => {
    for await (const item of clientFor(server).paginate("groups")) seen.push(item);
  });
  assert.ok(error instanceof AtlasError);
  assert.equal(error.code, "RepeatedCursor");
  assert.equal(error.kind, "invalid-response");
  assert.deepEqual(seen, [1, 2]);
  assert.equal(server.requests.length, 2);
});

Deno.test("paginate() ends a cursor cycle A, B, A with an AtlasError", async () => {
  await using server = startServer([], {
    fallback: pages({
      "": { items: [1], next_cursor: "A" },
      A: { items: [2], next_cursor: "B" },
      B: { items: [3], next_cursor: "A" },
    }),
  });
  const error = await rejection(() => Array.fromAsync(clientFor(server).paginate("groups")));
  assert.ok(error instanceof AtlasError);
  assert.equal(error.code, "RepeatedCursor");
  assert.equal(server.requests.length, 3);
});

Deno.test("paginate() rejects with the AtlasError of a failing page", async () => {
  await using server = startServer([
    { body: { code: "Success", data: { items: [1], next_cursor: "p2" } } },
    { status: 404, body: { code: "NotFound_Group", message: "Group not found" } },
  ]);
  const seen: unknown[] = [];
  const error = await rejection(async () => {
    for await (const item of clientFor(server).paginate("groups/g1/connections")) seen.push(item);
  });
  assert.ok(error instanceof AtlasError);
  assert.equal(error.status, 404);
  assert.equal(error.code, "NotFound_Group");
  assert.deepEqual(seen, [1]);
});

Deno.test("paginate() rejects a page without data.items as an invalid response", async () => {
  await using server = startServer([{ body: { code: "Success", data: { id: "not a list" } } }]);
  const error = await rejection(() => Array.fromAsync(clientFor(server).paginate("groups")));
  assert.ok(error instanceof AtlasError);
  assert.equal(error.kind, "invalid-response");
});

Deno.test("paginate() from mod.ts uses the client it is given", async () => {
  await using server = startServer([], { fallback: pages({ "": { items: ["x"], next_cursor: null } }) });
  const items = await Array.fromAsync(paginate("groups", { client: clientFor(server), limit: 10 }));
  assert.deepEqual(items, ["x"]);
  assert.equal(server.requests[0].headers.get("authorization"), `Basic ${btoa("k:s")}`);
});

Deno.test("paginate() stops early without fetching more pages when the consumer breaks", async () => {
  await using server = startServer([], {
    fallback: pages({ "": { items: [1, 2], next_cursor: "p2" }, p2: { items: [3] } }),
  });
  for await (const item of clientFor(server).paginate<number>("groups")) {
    if (item === 1) break;
  }
  assert.equal(server.requests.length, 1);
});

Deno.test("paginate() gives overlapping next() calls the items in order, across pages, each once", async () => {
  await using server = startServer([], {
    fallback: pages({
      "": { items: [1, 2], next_cursor: "p2" },
      p2: { items: [3], next_cursor: "p3" },
      p3: { items: [] },
    }),
  });
  const pages_ = clientFor(server).paginate<number>("groups");
  assert.equal(server.requests.length, 0, "nothing is sent before the first next()");
  const results = await Promise.all([pages_.next(), pages_.next(), pages_.next(), pages_.next(), pages_.next()]);
  assert.deepEqual(results.map((r) => r.done ? "done" : r.value), [1, 2, 3, "done", "done"]);
  assert.equal(server.requests.length, 3);
});

Deno.test("paginate() stopped while a page is on the wire cancels it and leaves nothing in flight", async () => {
  await using server = startServer([
    { body: { code: "Success", data: { items: [1], next_cursor: "p2" } } },
    { hang: true },
  ]);
  await using pages_ = clientFor(server).paginate<number>("groups");
  assert.deepEqual(await pages_.next(), { value: 1, done: false });
  const second = pages_.next(); // page 2 is asked for, and hangs
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await pages_.return(undefined), { value: undefined, done: true });
  const error = await rejection(() => second);
  assert.ok(error instanceof AtlasError);
  assert.equal(error.kind, "aborted");
  assert.deepEqual(await pages_.next(), { value: undefined, done: true });
  assert.equal(server.requests.length, 2);
});

Deno.test("paginate() ends a next_cursor that is not a string with an InvalidResponse naming it, after the page's items", async () => {
  await using server = startServer([], {
    fallback: pages({ "": { items: [1, 2], next_cursor: 42 as unknown as string } }),
  });
  const seen: unknown[] = [];
  const error = await rejection(async () => {
    for await (const item of clientFor(server).paginate("groups")) seen.push(item);
  });
  assert.ok(error instanceof AtlasError);
  assert.equal(error.code, "InvalidResponse");
  assert.match(error.message, /Expected next_cursor to be a string on page 1, got 42$/);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(server.requests.length, 1);
});
