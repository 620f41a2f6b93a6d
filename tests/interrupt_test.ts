// Ctrl-C in a real process (issue 11, item 9): the first one stops a rate-limit wait at once, prints the bulk summary
// and exits 130; a second one exits at once and still prints the one-line count of what was done.
import assert from "node:assert/strict";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { ROOT, tempDir } from "./_server.ts";
import { scaleSeed } from "./_scale.ts";

const GROUP = "ctrl_c_group";

/** A running `deno run recipes/pause.ts`, its stderr read as it comes. */
function startPause(env: Record<string, string>, cwd: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "-A", `${ROOT}/recipes/pause.ts`, "--group-id", GROUP],
    cwd,
    clearEnv: true,
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let stdout = "";
  const decoder = new TextDecoder();
  const reading = Promise.all([
    (async () => {
      for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
    })(),
    (async () => {
      for await (const chunk of child.stdout) stdout += decoder.decode(chunk, { stream: true });
    })(),
  ]);
  return {
    child,
    get stderr() {
      return stderr;
    },
    async until(pattern: RegExp, ms = 30_000) {
      const end = Date.now() + ms;
      while (!pattern.test(stderr + stdout)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}: ${stderr.slice(-400)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async finish() {
      const status = await child.status;
      await reading;
      return { code: status.code, stdout, stderr };
    },
  };
}

Deno.test("pause.ts: Ctrl-C during a rate-limit wait stops at once, prints the summary and exits 130", async () => {
  await using dir = await tempDir();
  // 5 requests a minute: the listing and four PATCHes go, then every worker waits for the rate limit (~60 s).
  await using sandbox = await startSandbox({ seed: scaleSeed({ group: GROUP, count: 40 }), rateLimit: 5 });
  const run = startPause({
    FIVETRAN_API_KEY: sandbox.apiKey,
    FIVETRAN_API_SECRET: sandbox.apiSecret,
    FIVETRAN_BASE_URL: sandbox.baseUrl,
    FIVETRAN_LOG_FILE: "off",
  }, dir.path);
  await run.until(/^done {4}/m);
  await new Promise((r) => setTimeout(r, 300)); // the workers are waiting now
  const stopped = Date.now();
  run.child.kill("SIGINT");
  const { code, stdout, stderr } = await run.finish();
  const took = Date.now() - stopped;
  assert.equal(code, 130, stderr.slice(-600));
  assert.ok(took < 5_000, `exited ${took} ms after Ctrl-C`);
  assert.match(stdout, /^Summary: 40 connections in \d+:\d\d: \d+ paused, 0 already paused, 0 failed, .*not started/m);
  assert.match(stderr, /Interrupted after \d+ of 40 connections/);
});

Deno.test("pause.ts: a second Ctrl-C exits at once and still prints the one-line count", async () => {
  await using dir = await tempDir();
  // Every answer takes 3 s, so after the first Ctrl-C the PATCHes in flight are still being answered.
  await using sandbox = await startSandbox({
    seed: scaleSeed({ group: GROUP, count: 40 }),
    faults: "latency=3000",
  });
  const run = startPause({
    FIVETRAN_API_KEY: sandbox.apiKey,
    FIVETRAN_API_SECRET: sandbox.apiSecret,
    FIVETRAN_BASE_URL: sandbox.baseUrl,
    FIVETRAN_LOG_FILE: "off",
  }, dir.path);
  await run.until(/40 connections in group/);
  await new Promise((r) => setTimeout(r, 300));
  run.child.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 300));
  const stopped = Date.now();
  run.child.kill("SIGINT");
  const { code, stderr } = await run.finish();
  assert.equal(code, 130, stderr.slice(-600));
  assert.ok(Date.now() - stopped < 1_500, `exited ${Date.now() - stopped} ms after the second Ctrl-C`);
  assert.match(
    stderr.trim().split("\n").at(-1)!,
    /^Stopped at once by a second Ctrl-C: pause: 0 done, 0 already done, 0 skipped, 0 failed, 40 not finished, of 40$/,
  );
});
