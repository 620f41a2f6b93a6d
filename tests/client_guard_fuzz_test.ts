// Fuzzing the credential guard (issue 11, item 1): random mixes of dots, encoded dots, slashes, backslashes, tabs,
// newlines, NULs and unicode dots never produce a URL outside the base path, however a server decodes it.
import assert from "node:assert/strict";
import { createAtlas } from "../mod.ts";
import { guardedUrl, MAX_ENDPOINT_LENGTH, normalizeEndpoint } from "../lib/client/guard.ts";
import { startServer } from "./_server.ts";

const BASE = new URL("http://127.0.0.1:9/api/v1/");
const PIECES = [
  ".",
  "..",
  "%2e",
  "%2E",
  "%252e",
  "/",
  "\\",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "%252f",
  "\t",
  "\n",
  "\r",
  "\0",
  "%00",
  "%09",
  "\uff0e", // fullwidth full stop
  "\u2024", // one dot leader
  "\u2025", // two dot leader
  "\ufe52", // small full stop
  "\u3002", // ideographic full stop
  "%EF%BC%8E",
  "a",
  "groups",
  "young_fox",
  "connections",
  " ",
  "?",
  "#",
  "%",
];

/** mulberry32: a small seeded PRNG, so a failure can be replayed from the seed in its message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomEndpoint(random: () => number): string {
  const length = 1 + Math.floor(random() * 12);
  let text = "";
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

/** The path as a server that decodes it `rounds` times would read it (it stops at the first bad escape). */
function decoded(pathname: string, rounds: number): string {
  let text = pathname;
  for (let i = 0; i < rounds; i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  return text;
}

/** Where a permissive server could end up: the path decoded `rounds` times, `\` as `/`, dots normalised, resolved. */
function resolvedAs(pathname: string, rounds: number): string {
  const text = decoded(pathname, rounds);
  const out: string[] = [];
  for (const segment of text.replaceAll("\\", "/").split("/")) {
    const plain = segment.normalize("NFKC").trim();
    if (plain === "..") out.pop();
    else if (plain !== ".") out.push(segment);
  }
  return out.join("/");
}

/**
 * The reason a URL the guard let through for `endpoint` is unsafe, or undefined: it must stay on the base's origin
 * and under its path, keep every segment the caller wrote (the URL parser drops tabs and resolves dot segments,
 * which silently retargets a request), carry no control character, and hold no dot segment however often a server
 * decodes it.
 */
function unsafe(endpoint: string, url: URL): string | undefined {
  if (url.origin !== BASE.origin) return `origin ${url.origin}`;
  if (!url.pathname.startsWith(BASE.pathname)) return `path ${url.pathname}`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url.href)) return "control character in the URL";
  const written = endpoint.trim().replace(/^\/+/, "").split(/[?#]/)[0].split("/").length;
  const sent = url.pathname.slice(BASE.pathname.length).split("/").length;
  if (sent !== written) return `${written} segments written, ${sent} sent (${url.pathname})`;
  for (let rounds = 0; rounds <= 3; rounds++) {
    const resolved = resolvedAs(url.pathname, rounds);
    if (!`${resolved}/`.startsWith(BASE.pathname)) return `resolves to ${resolved} after ${rounds} decodings`;
    if (hasDotSegment(url.pathname, rounds)) return `a dot segment after ${rounds} decodings`;
  }
  return undefined;
}

function hasDotSegment(pathname: string, rounds: number): boolean {
  const text = decoded(pathname, rounds);
  return text.replaceAll("\\", "/").split("/").some((s) => [".", ".."].includes(s.normalize("NFKC").trim()));
}

Deno.test("the guard never lets 10,000 random endpoints of dots, separators and control characters out of the base path", () => {
  const seed = Number(Deno.env.get("GUARD_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  const random = prng(seed);
  let accepted = 0;
  for (let i = 0; i < 10_000; i++) {
    const endpoint = randomEndpoint(random);
    let url: URL;
    try {
      url = guardedUrl(BASE, endpoint);
    } catch (error) {
      assert.ok(error instanceof TypeError, `seed ${seed}, ${JSON.stringify(endpoint)}: ${error}`);
      assert.ok(!(error as Error).message.includes("\n"), `seed ${seed}: a message of two lines`);
      continue;
    }
    accepted++;
    const problem = unsafe(endpoint, url);
    assert.equal(problem, undefined, `seed ${seed} (GUARD_FUZZ_SEED=${seed}), ${JSON.stringify(endpoint)} → ${url}`);
  }
  // The generator is not so hostile that nothing passes: plain paths are still sent.
  assert.ok(accepted > 100, `only ${accepted} of 10,000 accepted (seed ${seed})`);
});

Deno.test("the guard rejects the tab that turned '.\\t.' into '..', and every spelling of a dot segment", () => {
  const hostile = [
    "connections/.\t./groups/young_fox",
    "connections/.\n./groups/young_fox",
    "connections/.\r./x",
    "connections/%2e\t%2e/x",
    "groups\t",
    "groups\0",
    "groups/%00",
    "groups/a%0a",
    "\uff0e\uff0e/x",
    "groups/\u2025/x",
    "groups/\ufe52/x",
    "groups/%EF%BC%8E%EF%BC%8E/x",
    "groups/%252e%252e/x",
    "groups/%25252e%25252e/x",
    "groups/a%5c..%5cx",
    "groups/a%2f%2e%2e%2fx",
    "groups/%2e%2E/x",
    "groups/ .. /x",
  ];
  for (const endpoint of hostile) {
    assert.throws(() => guardedUrl(BASE, endpoint), TypeError, JSON.stringify(endpoint));
  }
  // Legitimate endpoints still pass, a literal '%' and dots inside a name included.
  for (const ok of ["groups", "groups/g1.v2/connections", "connections/a..b", "groups?cursor=a%2Fb", "x/%25"]) {
    assert.ok(guardedUrl(BASE, ok).pathname.startsWith("/api/v1/"), ok);
  }
});

Deno.test("an endpoint of 200,000 characters is rejected before sending, never retried, and echoed in at most 200", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl });
  const endpoint = `groups/${"x".repeat(200_000)}`;
  for (const method of ["GET", "DELETE"] as const) {
    const error = await client.request(method, endpoint).then(() => undefined, (e) => e);
    assert.ok(error instanceof TypeError, String(error));
    assert.match(error.message, /^Expected an endpoint of at most 4096 characters, got 200007 \('groups\/x+\.\.\.'\)$/);
    assert.ok(error.message.length < 300, `${error.message.length} characters`);
  }
  assert.throws(() => normalizeEndpoint("a".repeat(MAX_ENDPOINT_LENGTH + 1)), TypeError);
  assert.equal(normalizeEndpoint(`groups/${"a".repeat(MAX_ENDPOINT_LENGTH - 7)}`).path.length, MAX_ENDPOINT_LENGTH);
  assert.equal(server.requests.length, 0);
});

Deno.test("random endpoints sent through a real client reach the server only below the base path", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: server.baseUrl, maxRetries: 0, pacer: false });
  const seed = Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  let sent = 0;
  for (let i = 0; i < 300; i++) {
    const endpoint = randomEndpoint(random);
    try {
      await client.request("GET", endpoint);
      sent++;
    } catch (error) {
      assert.ok(error instanceof TypeError || (error as Error).name === "AtlasError", `seed ${seed}: ${error}`);
    }
  }
  assert.ok(sent > 0);
  for (const r of server.requests) {
    assert.ok(r.url.pathname.startsWith("/v1/"), `seed ${seed}: ${r.url.pathname}`);
    assert.ok(`${resolvedAs(r.url.pathname, 3)}/`.startsWith("/v1/"), `seed ${seed}: ${r.url.pathname}`);
  }
});

Deno.test("what a bad call echoes of its input is at most about 200 characters, on one line", async () => {
  const client = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: "http://127.0.0.1:9/v1" });
  const huge = `PUT${"X".repeat(100_000)}\n`;
  for (
    const call of [
      () => client.request(huge as "GET", "groups"),
      () => client.request("GET", `groups/${"a".repeat(5000)}`),
      () => client.request("GET", `groups/${"\t".repeat(3000)}`),
      () => client.request("GET", `../${"b".repeat(3000)}`),
    ]
  ) {
    const error = await call().then(() => undefined, (e) => e);
    assert.ok(error instanceof TypeError, String(error));
    assert.ok(error.message.length < 320, `${error.message.length} characters: ${error.message.slice(0, 120)}`);
    assert.ok(!error.message.includes("\n"));
  }
});
