// The client's own overhead per request, against a plain fetch to the same loopback server in the same process.
//
//   deno bench --allow-net=127.0.0.1 bench/client_bench.ts
//
// Each group's baseline is the bare fetch, so deno's summary gives the client's cost as a ratio.
import { createAtlas } from "../mod.ts";

const ITEMS_PER_PAGE = 100;
const PAGES = 5;
const ONE = JSON.stringify({
  code: "Success",
  data: { id: "g1", name: "analytics", created_at: "2026-01-01T00:00:00Z" },
});
const PAGE_BODIES = Array.from({ length: PAGES }, (_, page) =>
  JSON.stringify({
    code: "Success",
    data: {
      items: Array.from({ length: ITEMS_PER_PAGE }, (_, i) => ({ id: `c_${page}_${i}`, service: "postgres" })),
      next_cursor: page + 1 < PAGES ? `page ${page + 1}/+=&` : null,
    },
  }));

const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/v1/groups/g1") {
    return new Response(ONE, { headers: { "content-type": "application/json" } });
  }
  const cursor = url.searchParams.get("cursor");
  const page = cursor === null ? 0 : Number(cursor.split(/[ /]/)[1]);
  return new Response(PAGE_BODIES[page], { headers: { "content-type": "application/json" } });
});
globalThis.addEventListener("unload", () => void server.shutdown());

const baseUrl = `http://127.0.0.1:${server.addr.port}/v1`;
const client = createAtlas({ apiKey: "bench-key", apiSecret: "bench-secret", baseUrl, maxRetries: 0 });
const headers = {
  Authorization: `Basic ${btoa("bench-key:bench-secret")}`,
  Accept: "application/json",
  "User-Agent": "bench",
};

Deno.bench({
  name: "plain fetch GET + JSON.parse",
  group: "one request",
  baseline: true,
  warmup: 500,
  n: 3000,
  async fn() {
    const response = await fetch(`${baseUrl}/groups/g1`, { headers });
    const envelope = JSON.parse(await response.text());
    if (envelope.code !== "Success") throw new Error("unexpected answer");
  },
});

Deno.bench({
  name: 'client.request("GET", "groups/g1")',
  group: "one request",
  warmup: 500,
  n: 3000,
  async fn() {
    const envelope = await client.request("GET", "groups/g1");
    if (envelope.code !== "Success") throw new Error("unexpected answer");
  },
});

Deno.bench({
  name: `bare fetch loop over ${PAGES} pages of ${ITEMS_PER_PAGE}`,
  group: "paginate",
  baseline: true,
  warmup: 100,
  n: 500,
  async fn() {
    let count = 0;
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(ITEMS_PER_PAGE) });
      if (cursor !== null) query.set("cursor", cursor);
      const response = await fetch(`${baseUrl}/groups/g1/connections?${query}`, { headers });
      const { data } = JSON.parse(await response.text());
      count += data.items.length;
      cursor = data.next_cursor || null;
    } while (cursor !== null);
    if (count !== PAGES * ITEMS_PER_PAGE) throw new Error(`expected ${PAGES * ITEMS_PER_PAGE} items, got ${count}`);
  },
});

Deno.bench({
  name: `client.paginate over ${PAGES} pages of ${ITEMS_PER_PAGE}`,
  group: "paginate",
  warmup: 100,
  n: 500,
  async fn() {
    let count = 0;
    for await (const _ of client.paginate("groups/g1/connections", { limit: ITEMS_PER_PAGE })) count++;
    if (count !== PAGES * ITEMS_PER_PAGE) throw new Error(`expected ${PAGES * ITEMS_PER_PAGE} items, got ${count}`);
  },
});

async function* bareGenerator(): AsyncGenerator<unknown> {
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(ITEMS_PER_PAGE) });
    if (cursor !== null) query.set("cursor", cursor);
    const response = await fetch(`${baseUrl}/groups/g1/connections?${query}`, { headers });
    const { data } = JSON.parse(await response.text());
    yield* data.items;
    cursor = data.next_cursor || null;
  } while (cursor !== null);
}

Deno.bench({
  name: "bare fetch loop as an async generator (per-item await, like any for-await API)",
  group: "paginate",
  warmup: 100,
  n: 500,
  async fn() {
    let count = 0;
    for await (const _ of bareGenerator()) count++;
    if (count !== PAGES * ITEMS_PER_PAGE) throw new Error(`expected ${PAGES * ITEMS_PER_PAGE} items, got ${count}`);
  },
});
