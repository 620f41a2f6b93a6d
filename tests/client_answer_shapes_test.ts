// The answer shapes the client checks 2xx bodies against (lib/client/_answer_shapes.ts) are generated from Fivetran's
// OpenAPI definition: the committed file must be what the pinned definition gives, and the lookup must pick the
// right operation for a concrete path.
import assert from "node:assert/strict";
import { answerShapesSource } from "../tools/_answer_shapes_gen.ts";
import { answerShape } from "../lib/client/envelope.ts";
import { readSpec } from "./_spec.ts";

const specText = readSpec("answer shapes test", "lib/client/_answer_shapes.ts was NOT checked against the definition.");

Deno.test({
  name: "lib/client/_answer_shapes.ts is current with the OpenAPI definition (tools/gen_answer_shapes.ts)",
  ignore: specText === undefined,
  async fn() {
    const committed = await Deno.readTextFile(new URL("../lib/client/_answer_shapes.ts", import.meta.url));
    const fresh = answerShapesSource(JSON.parse(specText!));
    assert.ok(
      committed === fresh,
      "stale: run deno run --allow-read --allow-write=lib/client tools/gen_answer_shapes.ts",
    );
    assert.equal((fresh.match(/^ {2}\["/gm) ?? []).length, 169);
  },
});

Deno.test("answerShape() finds the operation of a concrete path, the most specific template first", () => {
  assert.equal(answerShape("GET", "connections/abc"), "object");
  assert.equal(answerShape("GET", "groups/g1/connections"), "list");
  assert.equal(answerShape("GET", "connections/abc/schemas"), "object");
  assert.equal(answerShape("POST", "webhooks/group/g1"), "object");
  assert.equal(answerShape("POST", "webhooks/account"), "object");
  assert.equal(answerShape("DELETE", "connections/abc"), "any");
  assert.equal(answerShape("POST", "connections/abc/fingerprints"), "empty");
  assert.equal(answerShape("GET", "groups"), "list");
  assert.equal(answerShape("GET", "no/such/operation"), "any");
  assert.equal(answerShape("PUT", "groups"), "any");
});
