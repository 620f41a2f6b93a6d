// The shared rate-limit pacer: one pause for every worker after a 429, a jittered ramp when it ends (no thundering
// herd), and even spacing once X-Rate-Limit-Remaining runs low, before and after a pause.
import assert from "node:assert/strict";
import { createAtlas, RateLimitPacer } from "../mod.ts";
import { startServer } from "./_server.ts";

/** A clock that only sleeps move, recording when each sleeper wakes. */
function virtualTime(start = 1_000_000) {
  let clock = start;
  const timers: { at: number; resolve: () => void }[] = [];
  return {
    now: () => clock,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: clock + Math.max(0, ms), resolve });
      }),
    /** Runs timers in time order until none is left. */
    async drain() {
      for (;;) {
        await new Promise((r) => setTimeout(r, 0));
        if (timers.length === 0) return;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift()!;
        clock = Math.max(clock, next.at);
        next.resolve();
      }
    },
  };
}

Deno.test("RateLimitPacer resumes the requests a pause held over a jittered ramp, not all at once", async () => {
  const time = virtualTime();
  let r = 0;
  const pacer = new RateLimitPacer({ now: time.now, sleep: time.sleep, ramp: 1000, random: () => [0.1, 0.9][r++ % 2] });
  const start = time.now();
  pacer.pause(10_000);
  const released: number[] = [];
  const waiters = Array.from({ length: 8 }, () => pacer.wait().then(() => released.push(time.now() - start)));
  await time.drain();
  await Promise.all(waiters);
  // The first goes when the pause ends; the other seven each in their own share of the 1 s ramp.
  assert.equal(released[0], 10_000);
  assert.equal(new Set(released).size, 8, `released together: ${released}`);
  assert.ok(released.every((t) => t >= 10_000 && t < 11_000), `${released}`);
  const sorted = [...released].sort((a, b) => a - b);
  for (let i = 2; i < 8; i++) assert.ok(sorted[i] - sorted[i - 1] > 0, `${sorted}`);
  assert.ok(sorted[7] - sorted[1] >= 700, `ramp too short: ${sorted}`);
});

Deno.test("RateLimitPacer ramps a short pause over half its length, and lets a lone request go at once", async () => {
  const time = virtualTime();
  const pacer = new RateLimitPacer({ now: time.now, sleep: time.sleep, ramp: 1000, random: () => 0.99 });
  pacer.pause(400);
  const start = time.now();
  const released: number[] = [];
  const waiters = [pacer.wait(), pacer.wait()].map((p) => p.then(() => released.push(time.now() - start)));
  await time.drain();
  await Promise.all(waiters);
  assert.deepEqual(released, [400, 400 + Math.round(0.99 * 200)]);
  // A lone request after its own pause: no ramp at all.
  pacer.pause(300);
  const t0 = time.now();
  const lone = pacer.wait();
  await time.drain();
  await lone;
  assert.equal(time.now() - t0, 300);
});

Deno.test("atlas() keeps honouring X-Rate-Limit-Remaining after a shared 429 pause", async () => {
  const low = { "x-rate-limit": "60", "x-rate-limit-remaining": "2" };
  const ok = { body: { code: "Success", data: { items: [] } }, headers: low };
  await using server = startServer([
    ok,
    { status: 429, headers: { ...low, "retry-after": "5" }, body: { code: "TooManyRequests" } },
    ok,
    ok,
    ok,
  ]);
  const time = virtualTime();
  const pacer = new RateLimitPacer({ now: time.now, sleep: time.sleep, windowMs: 60_000 });
  const client = createAtlas({
    apiKey: "k",
    apiSecret: "s",
    baseUrl: server.baseUrl,
    pacer,
    now: time.now,
    sleep: time.sleep,
  });
  const sentAt: number[] = [];
  const run = (async () => {
    for (let i = 0; i < 4; i++) {
      await client.request("GET", "groups");
      sentAt.push(time.now());
    }
  })();
  const driver = (async () => {
    while (sentAt.length < 4) await time.drain();
  })();
  await Promise.all([run, driver]);
  assert.equal(pacer.pauses, 1);
  assert.deepEqual(pacer.budget, { limit: 60, remaining: 2 });
  // Budget low (2 of 60 left): one request per 60 s / 60 = 1 s, before and after the 5 s pause.
  const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]);
  assert.ok(gaps.every((g) => g >= 1000), `gaps ${gaps}`);
  assert.ok(gaps[0] >= 5000, `the pause was not honoured: ${gaps}`);
});

Deno.test("RateLimitPacer.tryPass() lets a request go at once only when it need not wait, taking its slot", async () => {
  const time = virtualTime();
  const pacer = new RateLimitPacer({ now: time.now, sleep: time.sleep, windowMs: 60_000 });
  assert.equal(pacer.tryPass(), true);
  assert.equal(pacer.tryPass(), true, "no budget seen: nothing to space");
  pacer.pause(1_000);
  assert.equal(pacer.tryPass(), false, "a pause holds everyone");
  const waited = pacer.wait();
  await time.drain();
  await waited;
  // Low budget: one request per windowMs / limit (1 s here); tryPass takes the slot, wait() then queues behind it.
  pacer.observe(new Headers({ "x-rate-limit": "60", "x-rate-limit-remaining": "1" }));
  assert.equal(pacer.tryPass(), true);
  assert.equal(pacer.tryPass(), false, "the next slot is a second away");
  const start = time.now();
  const next = pacer.wait().then(() => time.now() - start);
  await time.drain();
  assert.equal(await next, 1_000);
});

Deno.test("atlas() puts a request on the wire in the turn it is made, when nothing makes it wait", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { id: "x" } } } });
  let sent = 0;
  const client = createAtlas({
    apiKey: "k",
    apiSecret: "s",
    baseUrl: server.baseUrl,
    fetch: (input, init) => {
      sent++;
      return fetch(input, init);
    },
  });
  const answer = client.request("GET", "account/info");
  assert.equal(sent, 1, "fetch was called before request() returned");
  assert.equal((await answer).code, "Success");
});

Deno.test("RateLimitPacer tells onSpacing once when spacing starts and once when the budget refills", () => {
  const changes: unknown[] = [];
  const pacer = new RateLimitPacer({ windowMs: 60_000, onSpacing: (c) => changes.push(c) });
  const budget = (remaining: number) =>
    pacer.observe(new Headers({ "x-rate-limit": "120", "x-rate-limit-remaining": String(remaining) }));
  budget(100);
  budget(50);
  assert.deepEqual(changes, [], "plenty left: no spacing");
  budget(12);
  budget(11);
  budget(3);
  assert.deepEqual(changes, [{ spacing: true, intervalMs: 500, limit: 120, remaining: 12 }]);
  budget(120);
  budget(119);
  assert.deepEqual(changes.at(-1), { spacing: false, intervalMs: 0, limit: 120, remaining: 120 });
  assert.equal(changes.length, 2);
});
