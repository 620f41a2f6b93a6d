// Retries: 429 and Retry-After, 5xx backoff, creates never repeated, network errors, timeouts, aborts.
import assert from "node:assert/strict";
import { AtlasError, type AtlasOptions, createAtlas, type RetryNotice } from "../mod.ts";
import { abortableSleep, backoff, parseRetryAfter } from "../lib/client/retry.ts";
import { noticePrinter } from "../lib/client/notice.ts";
import { fakeTime, rejection, startHangUpServer, startServer } from "./_server.ts";

const OK = { body: { code: "Success", data: { id: "g1" } } };

function setup(baseUrl: string, options: AtlasOptions = {}) {
  const time = fakeTime();
  const client = createAtlas({
    apiKey: "my-key",
    apiSecret: "my-secret",
    baseUrl,
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    retryDelay: 1000,
    ...options,
  });
  return { client, time };
}

async function atlasError(fn: () => Promise<unknown>): Promise<AtlasError> {
  const error = await rejection(fn);
  assert.ok(error instanceof AtlasError, `expected an AtlasError, got ${error}`);
  return error;
}

Deno.test("atlas() retries a 429 after Retry-After in seconds", async () => {
  await using server = startServer([
    { status: 429, headers: { "retry-after": "7" }, body: { code: "TooManyRequests", message: "Slow down" } },
    OK,
  ]);
  const { client, time } = setup(server.baseUrl);
  assert.deepEqual(await client.request("GET", "groups/g1"), OK.body);
  assert.equal(server.requests.length, 2);
  assert.deepEqual(time.waits, [7000]);
});

Deno.test("atlas() retries a 429 after a Retry-After given as an HTTP date", async () => {
  const date = new Date(fakeTime().now() + 30_000).toUTCString(); // the fake clock's start, plus 30 s
  await using server = startServer([{ status: 429, headers: { "retry-after": date }, body: { code: "X" } }, OK]);
  const { client, time } = setup(server.baseUrl);
  assert.deepEqual(await client.request("GET", "groups/g1"), OK.body);
  assert.deepEqual(time.waits, [30_000]);
  assert.equal(server.requests.length, 2);
});

Deno.test("atlas() falls back to backoff for a 429 without Retry-After or with a garbage one", async () => {
  const cases: Record<string, string>[] = [{}, { "retry-after": "soon" }, { "retry-after": "-5" }, {
    "retry-after": "",
  }];
  for (const headers of cases) {
    await using server = startServer([{ status: 429, headers, body: { code: "TooManyRequests" } }, OK]);
    const { client, time } = setup(server.baseUrl);
    assert.deepEqual(await client.request("GET", "groups/g1"), OK.body);
    // backoff(1, 1000 ms, ..., random 0.5) = 500 + 0.5 * 500
    assert.deepEqual(time.waits, [750], JSON.stringify(headers));
    assert.equal(server.requests.length, 2);
  }
});

Deno.test("atlas() caps a long Retry-After at maxRetryAfter", async () => {
  await using server = startServer([{ status: 429, headers: { "retry-after": "3600" }, body: { code: "X" } }, OK]);
  const { client, time } = setup(server.baseUrl, { maxRetryAfter: 60 });
  await client.request("GET", "groups/g1");
  assert.deepEqual(time.waits, [60_000]);
});

Deno.test("atlas() retries a 429 even for a POST create (the server refused it)", async () => {
  await using server = startServer([{ status: 429, headers: { "retry-after": "2" }, body: { code: "X" } }, OK]);
  const { client, time } = setup(server.baseUrl);
  await client.request("POST", "groups", { name: "g" });
  assert.equal(server.requests.length, 2);
  assert.deepEqual(time.waits, [2000]);
});

Deno.test("atlas() survives 20 consecutive 429s: a 429 waits and spends no retry", async () => {
  const tooMany = { status: 429, headers: { "retry-after": "5" }, body: { code: "TooManyRequests", message: "Slow" } };
  await using server = startServer([...Array(20).fill(tooMany), OK]);
  const notices: RetryNotice[] = [];
  const { client, time } = setup(server.baseUrl, { maxRetries: 2, onRetry: (n) => notices.push(n) });
  assert.deepEqual(await client.request("GET", "groups/g1"), OK.body);
  assert.equal(server.requests.length, 21);
  assert.deepEqual(time.waits, Array(20).fill(5000));
  assert.equal(notices.length, 20);
  assert.ok(notices.every((n) => n.rateLimited && n.waitMs === 5000));
  assert.match(notices[0].message, /^Rate limited \(HTTP 429\) on GET groups\/g1: waiting 5 s before trying again/);
});

Deno.test("atlas() backs off through a run of 429s that say Retry-After: 0 instead of spinning", async () => {
  const tooMany = { status: 429, headers: { "retry-after": "0" }, body: { code: "TooManyRequests" } };
  await using server = startServer([...Array(6).fill(tooMany), OK]);
  const { client, time } = setup(server.baseUrl, { maxRetries: 0, maxRetryDelay: 30_000 });
  await client.request("GET", "groups/g1");
  // The first 0 is honoured; the next ones back off (random 0.5): 500 + 0.5 * (min(30 s, 1000 * 2^(n-1)) - 500).
  assert.deepEqual(time.waits.filter((w) => w > 0), [1250, 2250, 4250, 8250, 15250]);
});

Deno.test("atlas() gives up on 429s after maxRateLimitWait and says how long it waited", async () => {
  const tooMany = { status: 429, headers: { "retry-after": "5" }, body: { code: "TooManyRequests", message: "Slow" } };
  await using server = startServer(Array(10).fill(tooMany));
  const { client, time } = setup(server.baseUrl, { maxRateLimitWait: 12_000 });
  const error = await atlasError(() => client.request("GET", "groups"));
  assert.equal(error.kind, "http");
  assert.equal(error.status, 429);
  assert.equal(error.code, "TooManyRequests");
  assert.equal(error.attempts, 3);
  assert.equal(error.retryAfter, 5);
  assert.equal(server.requests.length, 3);
  assert.deepEqual(time.waits, [5000, 5000]);
  assert.match(
    error.message,
    /Slow \(gave up after waiting 10 s in all for the rate limit; maxRateLimitWait is 12 s\)$/,
  );
});

Deno.test("atlas() with maxRateLimitWait Infinity waits as long as the API asks", async () => {
  const tooMany = { status: 429, headers: { "retry-after": "3600" }, body: { code: "TooManyRequests" } };
  await using server = startServer([...Array(30).fill(tooMany), OK]);
  const { client, time } = setup(server.baseUrl, { maxRateLimitWait: Infinity, maxRetryAfter: 3600 });
  await client.request("GET", "groups/g1");
  assert.equal(time.waits.reduce((a, b) => a + b, 0), 30 * 3_600_000);
});

Deno.test("atlas() retries 5xx then succeeds, with exponential backoff and jitter", async () => {
  await using server = startServer([
    { status: 500, body: { code: "InternalError" } },
    { status: 503, body: { code: "Unavailable" } },
    { status: 502, body: "<html>bad gateway</html>", headers: { "content-type": "text/html" } },
    OK,
  ]);
  const { client, time } = setup(server.baseUrl, { random: () => 0.5, maxRetryDelay: 3000 });
  assert.deepEqual(await client.request("GET", "groups/g1"), OK.body);
  assert.equal(server.requests.length, 4);
  // Attempt n waits in [500, min(3000, 1000 * 2^(n-1))]; random 0.5 picks the middle.
  assert.deepEqual(time.waits, [750, 1250, 1750]);
  assert.deepEqual(time.waits, [1, 2, 3].map((n) => backoff(n, 1000, 3000, () => 0.5)));
});

Deno.test("backoff() stays within [base/2, base * 2^(n-1)] and under the cap", () => {
  for (const n of [1, 2, 3, 8, 20]) {
    const low = backoff(n, 500, 30_000, () => 0);
    const high = backoff(n, 500, 30_000, () => 0.999999);
    assert.equal(low, 250);
    assert.equal(high, Math.round(250 + 0.999999 * (Math.min(30_000, 500 * 2 ** (n - 1)) - 250)));
    assert.ok(high <= 30_000);
  }
});

Deno.test("parseRetryAfter() reads seconds and HTTP dates, and ignores garbage", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter(" 1.5 ", now), 1500);
  assert.equal(parseRetryAfter(new Date(now + 90_000).toUTCString(), now), 90_000);
  assert.equal(parseRetryAfter(new Date(now - 90_000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter(null, now), undefined);
  for (const garbage of ["", "soon", "-1", "1e3", "12abc", "NaN"]) {
    assert.equal(parseRetryAfter(garbage, now), undefined, garbage);
  }
});

Deno.test("atlas() sends a POST create that fails with 5xx exactly once", async () => {
  await using server = startServer([{ status: 500, body: { code: "InternalError", message: "Oops" } }, OK]);
  const { client, time } = setup(server.baseUrl);
  const error = await atlasError(() => client.request("POST", "groups", { name: "g" }));
  assert.equal(error.status, 500);
  assert.equal(error.attempts, 1);
  assert.equal(server.requests.length, 1);
  assert.deepEqual(time.waits, []);
});

Deno.test("atlas() never repeats other non-idempotent POSTs after a 5xx (users, resync, connections)", async () => {
  for (const endpoint of ["connections", "groups/g1/users", "connections/abc/resync", "transformations/t1/run"]) {
    await using server = startServer([{ status: 503, body: { code: "Unavailable" } }, OK]);
    const { client } = setup(server.baseUrl);
    await atlasError(() => client.request("POST", endpoint, {}));
    assert.equal(server.requests.length, 1, endpoint);
  }
});

Deno.test("atlas() retries POST connections/x/sync (and other safe actions) after a 5xx", async () => {
  for (const endpoint of ["connections/x/sync", "connections/x/test", "connections/x/schemas/reload"]) {
    await using server = startServer([{ status: 502, body: { code: "BadGateway" } }, OK]);
    const { client, time } = setup(server.baseUrl);
    assert.deepEqual(await client.request("POST", endpoint, { force: true }), OK.body);
    assert.equal(server.requests.length, 2, endpoint);
    assert.equal(server.requests[1].body, '{"force":true}');
    assert.deepEqual(time.waits, [750]);
  }
});

Deno.test("atlas() honours the idempotent request option both ways", async () => {
  await using server = startServer([
    { status: 500, body: { code: "E" } },
    OK,
    { status: 500, body: { code: "E" } },
    OK,
  ]);
  const { client } = setup(server.baseUrl);
  await client.request("POST", "groups", { name: "g" }, { idempotent: true });
  assert.equal(server.requests.length, 2);
  await atlasError(() => client.request("PATCH", "groups/g1", { name: "h" }, { idempotent: false }));
  assert.equal(server.requests.length, 3);
});

Deno.test("atlas() retries PATCH and DELETE after a 5xx", async () => {
  await using server = startServer([{ status: 500, body: { code: "E" } }, OK, { status: 504, body: "" }, OK]);
  const { client } = setup(server.baseUrl);
  await client.request("PATCH", "connections/abc", { paused: true });
  await client.request("DELETE", "connections/abc");
  assert.deepEqual(server.requests.map((r) => r.method), ["PATCH", "PATCH", "DELETE", "DELETE"]);
});

Deno.test("atlas() never retries other 4xx", async () => {
  for (const status of [400, 401, 403, 404, 405, 406, 409, 415, 422]) {
    await using server = startServer([{ status, body: { code: "Nope", message: "No" } }, OK]);
    const { client, time } = setup(server.baseUrl);
    const error = await atlasError(() => client.request("GET", "groups/g1"));
    assert.equal(error.status, status);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(time.waits, []);
  }
});

Deno.test("atlas() retries a network error for a GET and surfaces it as kind network", async () => {
  await using server = startHangUpServer();
  const { client, time } = setup(server.baseUrl, { maxRetries: 2 });
  const error = await atlasError(() => client.request("GET", "groups"));
  assert.equal(error.kind, "network");
  assert.equal(error.status, 0);
  assert.equal(error.code, "NetworkError");
  assert.equal(error.attempts, 3);
  assert.equal(server.accepted, 3);
  assert.deepEqual(time.waits, [750, 1250]);
  assert.match(error.message, /^GET groups failed: NetworkError: Network error/);
});

Deno.test("atlas() does not repeat a POST create after a network error", async () => {
  await using server = startHangUpServer();
  const { client } = setup(server.baseUrl, { maxRetries: 2 });
  const error = await atlasError(() => client.request("POST", "groups", { name: "g" }));
  assert.equal(error.kind, "network");
  assert.equal(error.attempts, 1);
  assert.equal(server.accepted, 1);
  assert.match(error.message, /not retried: not safe to repeat/);
});

Deno.test("atlas() surfaces a timeout as kind timeout, distinct from a network error", async () => {
  await using server = startServer([{ hang: true }]);
  const { client } = setup(server.baseUrl, { timeout: 50, maxRetries: 0 });
  const error = await atlasError(() => client.request("GET", "groups"));
  assert.equal(error.kind, "timeout");
  assert.equal(error.code, "Timeout");
  assert.equal(error.status, 0);
  assert.match(error.message, /within 50 ms/);
  assert.equal(server.requests.length, 1);
});

Deno.test("atlas() times out a body that stalls after the headers", async () => {
  await using server = startServer([{ hangBody: true }]);
  const { client } = setup(server.baseUrl, { maxRetries: 0 });
  const error = await atlasError(() => client.request("GET", "groups", undefined, { timeout: 50 }));
  assert.equal(error.kind, "timeout");
});

Deno.test("atlas() retries a GET that timed out, but not a POST create", async () => {
  await using server = startServer([{ hang: true }, OK, { hang: true }, OK]);
  const { client, time } = setup(server.baseUrl, { timeout: 50, maxRetries: 1 });
  assert.deepEqual(await client.request("GET", "groups/g1"), OK.body);
  assert.equal(server.requests.length, 2);
  assert.deepEqual(time.waits, [750]);
  const error = await atlasError(() => client.request("POST", "groups", { name: "g" }));
  assert.equal(error.kind, "timeout");
  assert.equal(server.requests.length, 3);
});

Deno.test("atlas() ends a request when the caller's signal aborts, with kind aborted", async () => {
  const controller = new AbortController();
  await using server = startServer([() => {
    controller.abort(new Error("caller gave up"));
    return { hang: true };
  }]);
  const { client } = setup(server.baseUrl);
  const error = await atlasError(() => client.request("GET", "groups", undefined, { signal: controller.signal }));
  assert.equal(error.kind, "aborted");
  assert.equal(error.code, "Aborted");
  assert.equal(server.requests.length, 1);
});

Deno.test("atlas() sends nothing when the caller's signal is already aborted", async () => {
  await using server = startServer([OK]);
  const { client } = setup(server.baseUrl);
  const error = await atlasError(() => client.request("GET", "groups", undefined, { signal: AbortSignal.abort() }));
  assert.equal(error.kind, "aborted");
  assert.equal(server.requests.length, 0);
});

Deno.test("atlas() rejects with kind aborted when the signal aborts during the wait between retries", async () => {
  for (const first of [{ status: 503, body: { code: "E" } }, { status: 429, headers: { "retry-after": "3600" } }]) {
    const controller = new AbortController();
    await using server = startServer([first, OK]);
    const client = createAtlas({
      apiKey: "k",
      apiSecret: "s",
      baseUrl: server.baseUrl,
      sleep: (ms, signal) => {
        controller.abort();
        return abortableSleep(ms, signal);
      },
    });
    const error = await atlasError(() => client.request("GET", "groups", undefined, { signal: controller.signal }));
    assert.equal(error.kind, "aborted");
    assert.equal(server.requests.length, 1);
  }
});

Deno.test("abortableSleep() resolves after the wait and rejects at once on abort, leaving no timer", async () => {
  await abortableSleep(1);
  await abortableSleep(0);
  const controller = new AbortController();
  const sleeping = abortableSleep(60_000, controller.signal);
  controller.abort(new Error("stop"));
  const error = await rejection(() => sleeping);
  assert.equal((error as Error).message, "stop");
});

Deno.test("createAtlas() rejects out-of-range numeric options", () => {
  const base = { apiKey: "k", apiSecret: "s", baseUrl: "http://127.0.0.1:1/v1" };
  assert.throws(() => createAtlas({ ...base, timeout: 0 }), RangeError);
  assert.throws(() => createAtlas({ ...base, maxRetries: -1 }), RangeError);
  assert.throws(() => createAtlas({ ...base, maxRetries: 1.5 }), RangeError);
  assert.throws(() => createAtlas({ ...base, maxRetryAfter: -1 }), RangeError);
  assert.throws(() => createAtlas({ ...base, timeout: Number.NaN }), TypeError);
  assert.throws(() => createAtlas({ ...base, timeout: "5" as unknown as number }), TypeError);
});

Deno.test("createAtlas({timeout: NaN}) says a finite number was expected and names what it got", () => {
  const base = { apiKey: "k", apiSecret: "s", baseUrl: "http://127.0.0.1:1/v1" };
  assert.throws(() => createAtlas({ ...base, timeout: Number.NaN }), {
    name: "TypeError",
    message: "Expected timeout to be a finite number, got NaN",
  });
  assert.throws(() => createAtlas({ ...base, timeout: Infinity }), {
    message: "Expected timeout to be a finite number, got Infinity",
  });
  assert.throws(() => createAtlas({ ...base, maxRateLimitWait: Number.NaN }), {
    message: "Expected maxRateLimitWait to be a number or Infinity, got NaN",
  });
  assert.throws(() => createAtlas({ ...base, deadline: 0 }), RangeError);
  createAtlas({ ...base, deadline: Infinity, maxRateLimitWait: Infinity });
});

Deno.test("atlas() gives up at the overall deadline, cutting each attempt's timeout to what is left", async () => {
  await using server = startServer([{ hang: true }, { hang: true }]);
  const { client, time } = setup(server.baseUrl, { timeout: 30_000, deadline: 60 });
  const started = Date.now();
  const error = await atlasError(() => client.request("GET", "groups"));
  assert.ok(Date.now() - started < 5_000, "the 30 s attempt timeout was not cut to the deadline");
  assert.equal(error.kind, "timeout");
  assert.equal(error.code, "Deadline");
  assert.equal(error.attempts, 1);
  assert.match(
    error.message,
    /Gave up at the deadline of 0\.1 s after 1 attempt \(last: No complete answer within 60 ms\)/,
  );
  assert.deepEqual(time.waits, []);
  // A per-request deadline overrides the client's.
  const { client: patient } = setup(server.baseUrl, { timeout: 40, maxRetries: 0, deadline: 10 });
  const own = await atlasError(() => patient.request("GET", "groups", undefined, { deadline: 1000 }));
  assert.equal(own.code, "Timeout");
  assert.match(own.message, /within 40 ms/);
});

Deno.test("atlas() hands each retry to onRetry: what failed, why, and when the next try is", async () => {
  await using server = startServer([
    { status: 503, body: { code: "Unavailable", message: "Later" } },
    { status: 429, headers: { "retry-after": "30" }, body: { code: "TooManyRequests" } },
    { status: 500, body: { code: "Internal", message: "my-secret leaked" } },
    OK,
  ]);
  const notices: RetryNotice[] = [];
  const { client } = setup(server.baseUrl, { onRetry: (n) => notices.push(n) });
  await client.request("GET", "groups/g1");
  assert.deepEqual(notices.map((n) => [n.attempt, n.reason, n.waitMs, n.rateLimited, n.first]), [
    [1, "HTTP 503 Unavailable", 750, false, true],
    [2, "HTTP 429 TooManyRequests", 30_000, true, false],
    [3, "HTTP 500 Internal", 1250, false, false],
  ]);
  assert.equal(notices[0].message, "GET groups/g1: HTTP 503 Unavailable; trying again in 0.8 s (retry 1 of 4)");
  assert.equal(
    notices[1].message,
    "Rate limited (HTTP 429) on GET groups/g1: waiting 30 s before trying again (waited 0 s so far, giving up after 15 min)",
  );
  assert.equal(notices[2].message, "GET groups/g1: HTTP 500 Internal; trying again in 1.3 s (retry 2 of 4)");
  assert.ok(notices.every((n) => n.requestId === notices[0].requestId));
  assert.deepEqual(notices.map((n) => n.elapsedMs), [750, 30_750, 32_000]);
});

Deno.test("noticePrinter() says nothing of quick retries, announces a slow request once, and throttles a busy run", () => {
  let clock = 0;
  const printed: string[] = [];
  const print = noticePrinter((l) => printed.push(l), { now: () => clock });
  const notice = (requestId: number, elapsedMs: number, rateLimited = false): RetryNotice => ({
    method: "GET",
    path: "groups",
    attempt: 1,
    reason: "HTTP 503 E",
    waitMs: 500,
    rateLimited,
    first: false,
    requestId,
    elapsedMs,
    rateLimitWaitedMs: 0,
    message: `r${requestId} at ${elapsedMs}`,
  });
  print(notice(1, 500));
  print(notice(1, 1500));
  assert.deepEqual(printed, []);
  print(notice(1, 3500));
  print(notice(1, 7500)); // announced already (and within the quiet time)
  clock = 10_000;
  print(notice(1, 15_500)); // announced already
  print(notice(2, 4000));
  print(notice(3, 4000)); // within 2 s of the last line: counted
  print(notice(4, 4000));
  clock = 12_500;
  print(notice(3, 9000, true)); // a long rate-limit wait is said each time
  assert.deepEqual(printed, ["r1 at 3500", "r2 at 4000", "r3 at 9000 [2 more retries since the last notice]"]);
});

Deno.test("a client signal (Ctrl-C) ends a 429 pause at once, but lets an attempt on the wire finish", async () => {
  const controller = new AbortController();
  await using server = startServer([{ status: 429, headers: { "retry-after": "3600" } }, OK]);
  const client = createAtlas({
    apiKey: "k",
    apiSecret: "s",
    baseUrl: server.baseUrl,
    maxRetryAfter: 3600,
    maxRateLimitWait: Infinity,
    signal: controller.signal,
  });
  const started = Date.now();
  const pending = atlasError(() => client.request("GET", "groups"));
  while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  controller.abort(new Error("Ctrl-C"));
  const error = await pending;
  assert.equal(error.kind, "aborted");
  assert.ok(Date.now() - started < 2000);
  assert.equal(server.requests.length, 1);

  // An attempt already sent when the client signal aborts is answered, not cut off.
  const second = new AbortController();
  await using slow = startServer([() => {
    second.abort(new Error("Ctrl-C"));
    return new Promise((resolve) => setTimeout(() => resolve(OK), 30));
  }]);
  const finishing = createAtlas({ apiKey: "k", apiSecret: "s", baseUrl: slow.baseUrl, signal: second.signal });
  assert.deepEqual(await finishing.request("GET", "groups/g1"), OK.body);
});
