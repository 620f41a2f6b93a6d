// The bulk runner's final sweep (issue 14): items that failed for a transient cause get one more pass after the
// rest of the run; permanent failures are not swept; the summary says how many the sweep recovered.
import assert from "node:assert/strict";
import { formatBulkSummary, isTransient, runBulk, summaryJson } from "../lib/bulk.ts";
import { AtlasError } from "../lib/client/errors.ts";
import { main as pause } from "../recipes/pause.ts";
import { runRecipe } from "./_harness.ts";
import { startServer } from "./_server.ts";

function apiError(status: number, kind: AtlasError["kind"] = "http"): AtlasError {
  return new AtlasError({
    kind,
    status,
    code: status ? `E${status}` : "NetworkError",
    fivetranMessage: "failed",
    method: "PATCH",
    path: "connections/x",
    attempts: 5,
  });
}

Deno.test("runBulk() sweeps items that failed for a transient cause once more, after the rest, and counts the recovered", async () => {
  const calls: string[] = [];
  const failures: Record<string, unknown> = {
    a: apiError(429),
    b: apiError(503),
    c: apiError(0, "network"),
    d: apiError(0, "timeout"),
    e: new Error("lost answer: the copy may exist", { cause: apiError(502) }),
  };
  const summary = await runBulk(["a", "b", "c", "d", "e", "f", "g"], {
    op: "test",
    key: (id) => id,
    concurrency: 2,
    progress: false,
    run(id) {
      calls.push(id);
      if (calls.filter((c) => c === id).length === 1 && failures[id]) return Promise.reject(failures[id]);
      return Promise.resolve({ status: "done", detail: "ok" });
    },
  });
  // The sweep runs after every item had its first pass.
  assert.deepEqual(calls.slice(0, 7).sort(), ["a", "b", "c", "d", "e", "f", "g"]);
  assert.deepEqual(calls.slice(7).sort(), ["a", "b", "c", "d", "e"]);
  assert.equal(summary.counts.done, 7);
  assert.equal(summary.counts.failed, 0);
  assert.equal(summary.swept, 5);
  assert.equal(summary.recovered, 5);
  assert.equal(summary.results.find((r) => r.key === "a")?.reason, undefined);
  const [line] = formatBulkSummary(summary, { noun: "connection", done: "paused" });
  assert.match(line, /: 7 paused, 0 already done, 0 failed, the final sweep recovered 5 of 5 retried$/);
  assert.equal(summaryJson(summary).recovered, 5);
});

Deno.test("runBulk() does not sweep permanent failures, and reports each failure once, after the sweep", async () => {
  const calls: string[] = [];
  const reported: string[] = [];
  const summary = await runBulk(["notfound", "invalid", "mine", "busy"], {
    op: "test",
    key: (id) => id,
    progress: false,
    run(id) {
      calls.push(id);
      if (id === "notfound") return Promise.reject(apiError(404));
      if (id === "invalid") return Promise.reject(apiError(200, "invalid-response"));
      if (id === "mine") return Promise.reject(new Error("still broken"));
      return Promise.reject(apiError(500));
    },
    onResult: (r) => reported.push(`${r.key}:${r.status}`),
  });
  assert.deepEqual(calls.filter((c) => c === "busy").length, 2);
  assert.deepEqual(calls.filter((c) => c !== "busy").sort(), ["invalid", "mine", "notfound"]);
  assert.deepEqual(reported.sort(), ["busy:failed", "invalid:failed", "mine:failed", "notfound:failed"]);
  assert.equal(summary.counts.failed, 4);
  assert.equal(summary.swept, 1);
  assert.equal(summary.recovered, 0);
});

Deno.test("runBulk() with retryFailed 0 sweeps nothing; with 2 it sweeps twice", async () => {
  for (const [retryFailed, calls, failed] of [[0, 1, 1], [1, 2, 1], [2, 3, 0]] as const) {
    let n = 0;
    const summary = await runBulk(["x"], {
      op: "test",
      key: (id) => id,
      progress: false,
      retryFailed,
      run: () => ++n <= 2 ? Promise.reject(apiError(429)) : Promise.resolve({ status: "done" }),
    });
    assert.equal(n, calls, `retryFailed ${retryFailed}`);
    assert.equal(summary.counts.failed, failed, `retryFailed ${retryFailed}`);
  }
});

Deno.test("runBulk() interrupted before the sweep reports what waited for it as failed", async () => {
  const controller = new AbortController();
  const reported: string[] = [];
  const summary = await runBulk(["a", "b", "c"], {
    op: "test",
    key: (id) => id,
    concurrency: 1,
    progress: false,
    signal: controller.signal,
    run(id) {
      if (id === "a") return Promise.reject(apiError(503));
      controller.abort();
      return Promise.resolve({ status: "done" });
    },
    onResult: (r) => reported.push(`${r.key}:${r.status}`),
  });
  assert.deepEqual(reported, ["b:done", "a:failed"]);
  assert.equal(summary.counts["not-started"], 1);
  assert.equal(summary.interrupted, true);
  assert.equal(summary.swept, 0);
});

Deno.test("isTransient() reads the error and its cause chain", () => {
  assert.equal(isTransient(apiError(429)), true);
  assert.equal(isTransient(apiError(0, "network")), true);
  assert.equal(isTransient(new Error("wrapped", { cause: new Error("twice", { cause: apiError(504) }) })), true);
  assert.equal(isTransient(apiError(409)), false);
  assert.equal(isTransient(apiError(0, "aborted")), false);
  assert.equal(isTransient(new Error("plain")), false);
  assert.equal(isTransient(undefined), false);
});

Deno.test("pause.ts sweeps a connection whose PATCH failed five times with 503, and says the sweep recovered it", async () => {
  for (const [args, code, patches] of [[[], 0, 6], [["--retry-failed", "0"], 1, 5]] as const) {
    let c1Patches = 0;
    await using server = startServer([], {
      fallback: (request) => {
        const id = request.url.pathname.split("/").at(-1);
        if (request.method === "PATCH" && id === "c1" && ++c1Patches <= 5) {
          return { status: 503, body: { code: "ServiceUnavailable", message: "Try later" } };
        }
        return { body: { code: "Success", data: { id, paused: request.method === "PATCH" } } };
      },
    });
    const run = await runRecipe(pause, ["--connection-id", "c1", "--connection-id", "c2", ...args], {
      baseUrl: server.baseUrl,
      apiKey: "k",
      apiSecret: "s",
    });
    assert.equal(run.code, code, run.stderr);
    assert.equal(c1Patches, patches);
    assert.ok(server.requests.some((r) => r.method === "PATCH" && r.url.pathname.endsWith("/c2")));
    if (code === 0) {
      assert.match(run.stdout, /Summary: 2 connections .*: 2 paused, .*the final sweep recovered 1 of 1 retried/);
      assert.doesNotMatch(run.stderr, /failed {2}c1/);
    } else {
      assert.match(run.stderr, /failed {2}c1: PATCH connections\/c1 failed: HTTP 503 ServiceUnavailable/);
    }
  }
});

Deno.test("runBulk() keeps the first pass's reason when the sweep's retry fails too, and adds the sweep's", async () => {
  let calls = 0;
  const summary = await runBulk(["x"], {
    op: "test",
    key: (id) => id,
    progress: false,
    run() {
      calls++;
      return Promise.reject(
        calls === 1
          ? new Error("outcome unknown: the create's answer was lost", { cause: apiError(0, "timeout") })
          : apiError(503),
      );
    },
  });
  assert.equal(calls, 2);
  assert.equal(summary.counts.failed, 1);
  assert.match(
    summary.results[0].reason!,
    /^outcome unknown: the create's answer was lost \(the final sweep's retry failed too: .*503.*\)$/,
  );
});
