// mod.ts imported by URL from a loopback file server: proves it and everything it imports use only relative,
// npm: and node: specifiers (a bare specifier would need this repo's import map, which URL importers ignore).
import assert from "node:assert/strict";
import { ROOT, runDeno, startServer, tempDir } from "./_server.ts";

/** Serves the project's .ts (and .json data) files with their media types and records what was asked for. */
function startFileServer() {
  const served: string[] = [];
  const missing: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (!/\.(ts|json)$/.test(path) || path.split("/").includes("..")) {
      missing.push(path);
      return new Response("Not found", { status: 404 });
    }
    try {
      const body = await Deno.readTextFile(`${ROOT}${path}`);
      served.push(path);
      const type = path.endsWith(".json") ? "application/json" : "application/typescript";
      return new Response(body, { headers: { "content-type": `${type}; charset=utf-8` } });
    } catch {
      missing.push(path);
      return new Response("Not found", { status: 404 });
    }
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    host: `127.0.0.1:${server.addr.port}`,
    served,
    missing,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("mod.ts imported by URL from a loopback file server calls atlas() against another loopback server", async () => {
  await using files = startFileServer();
  await using api = startServer([
    { body: { code: "Success", data: { id: "abc", service: "postgres" } } },
    { body: { code: "Success", data: { items: [{ id: "g1" }, { id: "g2" }] } } },
  ]);
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/script.ts`,
    `import { atlas, AtlasError, createAtlas, paginate, VERSION } from "${files.origin}/mod.ts";
const response = await atlas("GET", "connectors/abc");
const groups = await Array.fromAsync(paginate("groups"));
console.log(JSON.stringify({ response, groups, version: VERSION, error: typeof AtlasError, create: typeof createAtlas }));
`,
  );
  const run = await runDeno(
    [
      "run",
      "--quiet",
      "--no-lock",
      "--no-config",
      `--reload=${files.origin}`,
      `--allow-import=${files.host}`,
      `--allow-net=127.0.0.1:${api.port}`,
      "--allow-env",
      `--allow-read=${dir.path}`,
      "script.ts",
    ],
    {
      cwd: dir.path,
      env: {
        FIVETRAN_API_KEY: "url-key",
        FIVETRAN_API_SECRET: "url-secret",
        FIVETRAN_BASE_URL: api.baseUrl,
        FIVETRAN_LOG_FILE: "off",
      },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  const version = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).version;
  assert.deepEqual(JSON.parse(run.stdout), {
    response: { code: "Success", data: { id: "abc", service: "postgres" } },
    groups: [{ id: "g1" }, { id: "g2" }],
    version,
    error: "function",
    create: "function",
  });
  // The legacy path warned (one line) and was sent as connections.
  assert.match(run.stderr, /^Deprecated: 'connectors' endpoints were renamed 'connections'.*\n$/);
  assert.deepEqual(api.requests.map((r) => r.target), ["/v1/connections/abc", "/v1/groups?limit=100"]);
  assert.equal(api.requests[0].headers.get("authorization"), `Basic ${btoa("url-key:url-secret")}`);
  assert.ok(files.served.includes("/mod.ts"));
  assert.ok(files.served.includes("/lib/client/send.ts"));
  assert.deepEqual(files.missing, []);
});
