// Client overhead at account scale: paging 10,000 connections of one group through `paginate` (mod.ts) versus a
// bare `fetch` loop over the same sandbox, at 1,000 and at 100 per page. Each group's baseline is the bare loop, so
// deno's summary prints the client's cost as a ratio ("x times slower than") in the same run.
//
//   deno bench --allow-all bench/scale_bench.ts
//
// The sandbox runs in a subprocess (its CLI), with a rate limit high enough never to throttle the bench, so that its
// work and garbage do not land on the measured event loop. A third case adds the request log recipes use (a line per
// request to a file, 16 KiB buffer).
import { createAtlas, paginate } from "../mod.ts";
import { openLog } from "../lib/log.ts";
import { scaleSeed } from "../tests/_scale.ts";

const GROUP = "bench_group";
const COUNT = 10_000;

const tmp = Deno.makeTempDirSync({ prefix: "atlas_scale_bench_" });
Deno.writeTextFileSync(`${tmp}/seed.json`, JSON.stringify(scaleSeed({ group: GROUP, count: COUNT })));
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-read",
    new URL("../lib/sandbox/cli.ts", import.meta.url).pathname,
    "--port",
    "0",
    "--seed",
    `${tmp}/seed.json`,
    "--rate-limit",
    "100000000",
  ],
  stdin: "null",
  stdout: "piped",
  stderr: "null",
}).spawn();
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let exportLine = "";
while (!exportLine.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the sandbox exited before printing its address");
  exportLine += value;
}
void reader.cancel();
const env = Object.fromEntries([...exportLine.matchAll(/(FIVETRAN_\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
const log = openLog({ path: `${tmp}/fivetran.log` });
globalThis.addEventListener("unload", () => {
  log.close();
  child.kill("SIGTERM");
  Deno.removeSync(tmp, { recursive: true });
});

const options = { apiKey: env.FIVETRAN_API_KEY, apiSecret: env.FIVETRAN_API_SECRET, baseUrl: env.FIVETRAN_BASE_URL };
const client = createAtlas(options);
const loggedClient = createAtlas({ ...options, logger: log.logger });
const headers = {
  Authorization: `Basic ${btoa(`${options.apiKey}:${options.apiSecret}`)}`,
  Accept: "application/json",
};
const sandbox = { baseUrl: options.baseUrl };

/** The bare loop: fetch, parse, follow next_cursor (URL-encoded), count. */
async function bareFetch(limit: number): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  do {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response = await fetch(`${sandbox.baseUrl}/groups/${GROUP}/connections?${query}`, { headers });
    const envelope = JSON.parse(await response.text());
    count += envelope.data.items.length;
    cursor = envelope.data.next_cursor ?? undefined;
  } while (cursor);
  return count;
}

async function throughPaginate(limit: number, c = client): Promise<number> {
  let count = 0;
  for await (const _ of paginate(`groups/${GROUP}/connections`, { limit, client: c })) count++;
  return count;
}

function check(count: number) {
  if (count !== COUNT) throw new Error(`listed ${count}, expected ${COUNT}`);
}

for (const limit of [1000, 100]) {
  const group = `10,000 connections, ${limit} per page`;
  const n = limit === 1000 ? 40 : 15;
  Deno.bench({
    name: `bare fetch loop (limit ${limit})`,
    group,
    baseline: true,
    warmup: 3,
    n,
    async fn() {
      check(await bareFetch(limit));
    },
  });
  Deno.bench({
    name: `paginate() (limit ${limit})`,
    group,
    warmup: 3,
    n,
    async fn() {
      check(await throughPaginate(limit));
    },
  });
  Deno.bench({
    name: `paginate() + request log (limit ${limit})`,
    group,
    warmup: 3,
    n,
    async fn() {
      check(await throughPaginate(limit, loggedClient));
    },
  });
}
