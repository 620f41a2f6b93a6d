/**
 * Coverage proof of the contract tests: the sandbox's route table is exactly the spec's 169 operations (same
 * method, path and operationId, none missing, none extra, none twice, each with a handler), and the two contract
 * tests split it between them with nothing left out. Each contract test asserts that every operation of its half
 * answered 2xx with a body validated against the spec (`tests/sandbox_contract_test.ts`: MAIN_OPERATIONS,
 * `tests/sandbox_contract_platform_test.ts`: PLATFORM_OPERATIONS), so together they cover 169 of 169.
 *
 * Reads `../shared/fivetran-openapi.json`; skipped loudly without it, except under CI=true, where it fails.
 */

import assert from "node:assert/strict";
import { ROUTES } from "../lib/sandbox/mod.ts";
import { HANDLERS } from "../lib/sandbox/handlers/mod.ts";
import { MAIN_OPERATIONS, PLATFORM_OPERATIONS } from "./_platform_operations.ts";
import { type Json, readSpec, SPEC_URL, UNDER_CI } from "./_spec.ts";

const specText = readSpec(
  "sandbox contract coverage test",
  "Whether the sandbox serves every operation of the spec was NOT checked.",
);

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];

/** `METHOD path` → operationId of every operation in the spec. */
function specOperations(spec: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, item] of Object.entries<Json>(spec.paths)) {
    for (const method of METHODS) {
      if (item[method]) out.set(`${method.toUpperCase()} ${path}`, item[method].operationId);
    }
  }
  return out;
}

Deno.test({
  name: "the sandbox's route table is exactly the spec's 169 operations, each with a handler",
  ignore: specText === undefined && !UNDER_CI,
  fn() {
    if (specText === undefined) throw new Error(`CI=true but the spec is missing: ${SPEC_URL.pathname}`);
    const spec = specOperations(JSON.parse(specText));
    assert.equal(spec.size, 169, "the spec's operation count changed: update this test and the route table");
    const routes = new Map<string, string>();
    for (const r of ROUTES) {
      const key = `${r.method} ${r.path}`;
      assert.ok(!routes.has(key), `${key} is in the route table twice`);
      routes.set(key, r.operationId);
      assert.equal(typeof HANDLERS[r.operationId], "function", `no handler for ${r.operationId}`);
    }
    assert.deepEqual([...spec.keys()].filter((k) => !routes.has(k)), [], "spec operations the sandbox doesn't route");
    assert.deepEqual([...routes.keys()].filter((k) => !spec.has(k)), [], "routes that are not in the spec");
    for (const [key, operationId] of spec) assert.equal(routes.get(key), operationId, key);
    assert.equal(new Set(ROUTES.map((r) => r.operationId)).size, 169, "operationIds are unique");
  },
});

Deno.test("the two contract tests split the route table between them, with no operation left out or counted twice", () => {
  const all = new Set(ROUTES.map((r) => r.operationId));
  assert.deepEqual([...PLATFORM_OPERATIONS].filter((op) => !all.has(op)), [], "platform operations not routed");
  assert.deepEqual([...MAIN_OPERATIONS].filter((op) => PLATFORM_OPERATIONS.has(op)), [], "in both halves");
  assert.deepEqual([...all].filter((op) => !MAIN_OPERATIONS.has(op) && !PLATFORM_OPERATIONS.has(op)), []);
  assert.equal(MAIN_OPERATIONS.size + PLATFORM_OPERATIONS.size, ROUTES.length);
  // Neither half is empty: both contract tests carry weight.
  assert.ok(
    MAIN_OPERATIONS.size > 60 && PLATFORM_OPERATIONS.size > 40,
    `${MAIN_OPERATIONS.size}/${PLATFORM_OPERATIONS.size}`,
  );
});
