// sync_monitor.ts against the sandbox, its clock moved by the monitor's own sleeps: counts by state, syncing now
// with durations, failures since the start, the request budget; --until idle, --once, --json, Ctrl-C, bad input.
import assert from "node:assert/strict";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { main as monitor, type Snapshot } from "../recipes/sync_monitor.ts";
import { runRecipe } from "./_harness.ts";

async function post(sandbox: { baseUrl: string; apiKey: string; apiSecret: string }, path: string, body: unknown) {
  const response = await fetch(`${sandbox.baseUrl}/${path}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${sandbox.apiKey}:${sandbox.apiSecret}`)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  await response.body?.cancel();
  assert.ok(response.ok, `${path}: ${response.status}`);
}

Deno.test("sync_monitor.ts --until idle --json follows syncs to the end and exits 1 when one failed meanwhile", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 120 });
  await post(sandbox, `connections/${DEMO.failingConnectionId}/sync`, {});
  const run = await runRecipe(
    monitor,
    [
      "--group-id",
      DEMO.bigGroupId,
      "--until",
      "idle",
      "--interval",
      "60",
      "--json",
    ],
    sandbox,
    {
      now: () => sandbox.now(),
      sleep: (ms) => {
        sandbox.advance(ms);
        return Promise.resolve();
      },
    },
  );
  assert.equal(run.code, 1, run.stderr);
  const snaps: Snapshot[] = run.stdout.split("\n").map((l) => JSON.parse(l));
  const first = snaps[0];
  const ids = first.syncing.map((s) => s.id);
  assert.ok(ids.includes(DEMO.failingConnectionId) && ids.includes(DEMO.syncingConnectionId), ids.join());
  assert.ok(first.syncing.every((s) => s.at_least && s.seconds === 0));
  assert.equal(first.sync_state.syncing, first.syncing.length);
  assert.ok(first.setup_state.broken > 0);
  assert.equal(typeof first.budget.remaining, "number");
  assert.ok(first.budget.limit! >= first.budget.remaining!);
  // Every later refresh is a minute on: the failing one has failed; what still syncs has synced a minute more.
  assert.deepEqual(snaps.at(-1)!.failed_since_start.map((f) => f.id), [DEMO.failingConnectionId]);
  for (const [i, snap] of snaps.slice(1).entries()) {
    for (const s of snap.syncing) assert.equal(s.seconds, (i + 1) * 60, JSON.stringify(s));
  }
  assert.equal(snaps.at(-1)!.syncing.length, 0);
  assert.ok(snaps.length >= 3, `${snaps.length} refreshes`);
  assert.ok(snaps[1].syncing.length > 0);
  assert.match(run.stderr, /Nothing is syncing: \d+ refreshes, 1 failed and \d+ rescheduled since start; budget \d+/);
  // Only listing requests: one GET per refresh (one page each).
  assert.ok(sandbox.journal().every((e) => e.method === "GET" || e.path.endsWith("/sync")));
});

Deno.test("sync_monitor.ts --once prints one snapshot; without a terminal each refresh is one plain line", async () => {
  await using sandbox = await startSandbox({ syncSeconds: 60 });
  const once = await runRecipe(monitor, ["--group-id", DEMO.smallGroupId, "--once"], sandbox);
  assert.equal(once.code, 0, once.stderr);
  assert.match(once.stdout, /^3 connections\n {2}sync: {2}scheduled \d, syncing 0, paused \d, rescheduled 0/);
  assert.match(once.stdout, /setup: incomplete 1, connected 2, broken 0/);
  assert.match(once.stdout, /budget \d+\/\d+ left/);
  assert.ok(!(once.stdout + once.stderr).includes("\x1b["), "no escape codes");
  assert.equal(sandbox.journal().length, 1);

  await post(sandbox, `connections/${DEMO.renamedConnectionId}/sync`, {});
  const lines = await runRecipe(
    monitor,
    ["--group-id", DEMO.smallGroupId, "--until", "idle", "--interval", "30"],
    sandbox,
    {
      now: () => sandbox.now(),
      sleep: (ms) => {
        sandbox.advance(ms);
        return Promise.resolve();
      },
    },
  );
  assert.equal(lines.code, 0, lines.stderr);
  const out = lines.stdout.split("\n");
  assert.equal(out.length, 3, lines.stdout);
  assert.match(
    out[0],
    /^\d\d:\d\d:\d\d 3 connections: scheduled \d, syncing 1, .* \| syncing now 1, failed since start 0/,
  );
  assert.match(out[2], /syncing now 0/);
  assert.match(lines.stderr, /^Watching group hollow_cedar every 30 s until nothing is syncing; Ctrl-C stops/);
});

Deno.test("sync_monitor.ts stops at once on Ctrl-C with a summary line (exit 130)", async () => {
  await using sandbox = await startSandbox();
  const controller = new AbortController();
  const run = await runRecipe(monitor, ["--group-id", DEMO.smallGroupId, "--interval", "60"], sandbox, {
    signal: controller.signal,
    sleep: (_ms, signal) => {
      controller.abort();
      return Promise.reject(signal?.reason ?? new Error("aborted"));
    },
  });
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /Interrupted: 1 refresh, 0 failed and 0 rescheduled since start/);
});

Deno.test("sync_monitor.ts rejects bad input with exit 2, and an interval under 15 s against a real account", async () => {
  await using sandbox = await startSandbox();
  for (
    const [args, reason] of [
      [["--until", "busy"], /Expected --until idle/],
      [["--once", "--until", "idle"], /got both/],
      [["--interval", "0"], /--interval to be seconds from 0.05/],
      [["--interval", "soon"], /--interval/],
      [["--group-id", "a/b"], /Fivetran ID/],
    ] as [string[], RegExp][]
  ) {
    const run = await runRecipe(monitor, args, sandbox);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, reason);
  }
  const real = await runRecipe(monitor, ["--interval", "5"], { ...sandbox, baseUrl: "https://api.fivetran.com/v1" });
  assert.equal(real.code, 2);
  assert.match(real.stderr, /from 15 \(against a real account\) to 86400, got '5'/);
  assert.equal(sandbox.journal().length, 0);
});

const SCRIPT = "/usr/bin/script"; // util-linux: runs a command in a pseudo-terminal
const haveScript = (() => {
  try {
    return Deno.statSync(SCRIPT).isFile;
  } catch {
    return false;
  }
})();
if (!haveScript) {
  console.error(`%cSKIPPING the terminal test of sync_monitor.ts: ${SCRIPT} is missing`, "color: yellow");
}

Deno.test({
  name: "sync_monitor.ts in a terminal redraws one view in place (run under a pseudo-terminal with -P)",
  ignore: !haveScript && Deno.env.get("CI") !== "true",
  async fn() {
    await using sandbox = await startSandbox({ syncSeconds: 0.6 });
    await post(sandbox, `connections/${DEMO.renamedConnectionId}/sync`, {});
    const command = [
      Deno.execPath(),
      "run",
      "-P",
      "--no-prompt",
      "recipes/sync_monitor.ts",
      "--group-id",
      DEMO.smallGroupId,
      "--until",
      "idle",
      "--interval",
      "0.2",
    ].join(" ");
    const env: Record<string, string> = {
      FIVETRAN_API_KEY: sandbox.apiKey,
      FIVETRAN_API_SECRET: sandbox.apiSecret,
      FIVETRAN_BASE_URL: sandbox.baseUrl,
      FIVETRAN_LOG_FILE: "off",
      TERM: "xterm",
    };
    for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"]) {
      const value = Deno.env.get(name);
      if (value) env[name] = value;
    }
    const out = await new Deno.Command(SCRIPT, {
      args: ["-qec", command, "/dev/null"],
      cwd: new URL("..", import.meta.url).pathname,
      clearEnv: true,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text.slice(-600));
    const frames = text.split("\x1b[H\x1b[2J").slice(1);
    assert.ok(frames.length >= 2, `${frames.length} redraws:\n${text.slice(-600)}`);
    assert.match(frames[0], /Fivetran syncs — group hollow_cedar — .* every 0\.2 s \(Ctrl-C stops\)/);
    assert.match(frames[0], /Syncing now \(1\):\s+steady_orchard/);
    assert.match(frames.at(-1)!, /Syncing now \(0\):/);
    assert.match(text, /Nothing is syncing: \d+ refreshes, 0 failed/);
  },
});
