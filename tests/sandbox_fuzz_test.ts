// Bad input to the sandbox gets Fivetran's 4xx answers ({code, message}), never a 5xx, a crash or a stack trace.
import assert from "node:assert/strict";
import { ROUTES } from "../lib/sandbox/mod.ts";
import { withSandbox } from "./sandbox_helpers.ts";

const PARAMS = ["x", "..", "%2e%2e", "%00", "a%2Fb", "%ZZ", "🙂", "a".repeat(3000), "null", "0", "-1", "%20"];
const BODIES: (string | undefined)[] = [
  undefined,
  "",
  "{",
  "[]",
  "null",
  "42",
  '"text"',
  '{"a":',
  "{}",
  '{"name": 5, "config": "x", "paused": "maybe", "events": {}, "limit": -1}',
  '{"group_id": null, "service": ["postgres"], "config": {"port": {"deep": [1, 2, {"x": null}]}}}',
  '{"unknown_field": true}',
  '{"config": {"schema_prefix": "x", "port": 1e309}}',
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}',
  JSON.stringify({ schemas: { s: { tables: { t: { columns: { c: { enabled: "no" } } } } } } }),
  JSON.stringify({ scope: { "": [""] }, state: [1], role: 7, email: "@", url: "javascript:alert(1)" }),
];

function isFivetranError(body: unknown): boolean {
  return typeof body === "object" && body !== null && typeof (body as { code: unknown }).code === "string" &&
    typeof (body as { message: unknown }).message === "string";
}

Deno.test("sandbox answers bad input on every route with 4xx {code, message}, never 5xx or a stack trace", async () => {
  await withSandbox({ connections: 20 }, async (sb) => {
    const origin = sb.baseUrl.replace(/\/v1$/, "");
    let n = 0;
    for (const route of ROUTES) {
      for (let i = 0; i < PARAMS.length; i++) {
        const value = PARAMS[i];
        const path = route.path.replace(/\{[^}]+\}/g, value);
        const body = route.method === "GET" ? undefined : BODIES[(i + n) % BODIES.length];
        const headers: Record<string, string> = { Authorization: sb.authorization };
        if (body !== undefined) headers["Content-Type"] = i % 5 === 4 ? "text/plain" : "application/json";
        const res = await fetch(origin + path, { method: route.method, headers, body });
        const text = await res.text();
        n++;
        const what = `${route.method} ${path.slice(0, 80)} body ${String(body).slice(0, 40)} -> ${res.status}`;
        assert.ok(res.status < 500, `${what}: ${text.slice(0, 200)}`);
        assert.doesNotMatch(text, /\bat (file|ext):|\.ts:\d+:\d+|Sandbox error/, what);
        if (res.status >= 400) assert.ok(isFivetranError(JSON.parse(text)), `${what}: ${text.slice(0, 200)}`);
      }
    }
    assert.ok(n > 500);
    // the prototype of plain objects is untouched
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

Deno.test("sandbox refuses huge bodies with 413, malformed JSON with 400, non-JSON content with 415, path tricks with 404", async () => {
  await withSandbox({ connections: 5 }, async (sb) => {
    const origin = sb.baseUrl.replace(/\/v1$/, "");
    const h = { Authorization: sb.authorization, "Content-Type": "application/json" };
    const huge = await fetch(`${sb.baseUrl}/groups`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
    });
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).code, "PayloadTooLarge");
    const bad = await fetch(`${sb.baseUrl}/groups`, { method: "POST", headers: h, body: "{'name': 'x'}" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, "InvalidInput");
    const xml = await fetch(`${sb.baseUrl}/groups`, {
      method: "POST",
      headers: { Authorization: sb.authorization, "Content-Type": "application/xml" },
      body: "<group/>",
    });
    assert.equal(xml.status, 415);
    await xml.body?.cancel();
    // (fetch itself resolves /v1/../x and /v1/%2e%2e/x before sending: those never reach a server as such)
    for (
      const trick of [
        "/v1/groups/..%2f..%2f_sandbox%2freset",
        "/v1/groups%2f..%2f..%2f_sandbox",
        "//v1/groups",
        "/v1/groups/%00",
      ]
    ) {
      const res = await fetch(origin + trick, { method: "POST", headers: h, body: "{}" });
      assert.ok([404, 405].includes(res.status), `${trick} -> ${res.status}`);
      const body = await res.json();
      assert.equal(typeof body.code, "string");
    }
    // no trick reached an admin endpoint
    assert.equal(sb.journal().some((e) => e.path.includes("_sandbox") && e.status < 400), false);
  });
});
