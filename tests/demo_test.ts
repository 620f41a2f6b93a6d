// Tests of the demo (recipes/demo.ts, `deno task demo`): in-process, and as the task runs it, in a subprocess
// with the task's narrow permissions and no environment.
import assert from "node:assert/strict";
import { main } from "../recipes/demo.ts";
import { openLog } from "../lib/log.ts";

/** The permissions of `deno task demo` (deno.json). */
const TASK_PERMISSIONS = [
  "--no-prompt",
  "--allow-net=127.0.0.1",
  "--allow-read=logs",
  "--allow-write=logs",
  "--allow-env=NO_COLOR",
];

const STEPS = [
  /^== 1\/6 The connections of a group, page by page/m,
  /^29 connections in group quiet_meadow, 3 pages of up to 10$/m,
  /^== 2\/6 One connection's status/m,
  /^Setup state: +connected$/m,
  /^== 3\/6 Pause it/m,
  /^Call: PATCH connections\/steady_orchard \{"paused":true\}$/m,
  /^== 4\/6 Show it paused/m,
  /^Requirement met: paused$/m,
  /^== 5\/6 Resume it/m,
  /^Call: PATCH connections\/steady_orchard \{"paused":false\}$/m,
  /^== 6\/6 Sync it and wait for the sync to finish/m,
  /^Call: POST connections\/steady_orchard\/sync \{\}$/m,
  /^done +steady_orchard: synced: succeeded at \d{4}-/m,
  /^Demo complete/m,
];

Deno.test("demo.ts walks list, status, pause, show paused, resume and sync-and-wait with the real recipes", async () => {
  const dir = await Deno.makeTempDir();
  const log = openLog({ path: `${dir}/fivetran.log` });
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await main(["--sync-seconds", "0.3", "--poll-interval", "0.1"], {
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
      log,
    });
    const stdout = out.join("\n");
    assert.equal(code, 0, err.join("\n"));
    let at = 0;
    for (const step of STEPS) {
      const m = step.exec(stdout.slice(at));
      assert.ok(m, `missing, in order: ${step}`);
      at += m.index + m[0].length;
    }
    assert.match(err.join("\n"), /^Page 3: 9 connections \(29 so far\)$/m);
    log.close();
    const logged = await Deno.readTextFile(`${dir}/fivetran.log`);
    assert.match(logged, /pause\.ts: paused connection steady_orchard/);
    assert.match(logged, /pause\.ts: resumed connection steady_orchard/);
    assert.match(logged, /The sync of steady_orchard succeeded at/);
  } finally {
    log.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("demo.ts --help exits 0; a bad flag exits 2 in one line", async () => {
  const out: string[] = [];
  assert.equal(await main(["--help"], { stdout: (l) => out.push(l), stderr: (l) => out.push(l) }), 0);
  assert.match(out.join("\n"), /deno task demo/);
  const err: string[] = [];
  assert.equal(await main(["--sync-seconds", "0"], { stdout: () => {}, stderr: (l) => err.push(l) }), 2);
  assert.deepEqual(err, ["Expected --sync-seconds to be a number from 0.1 to 600, got '0' (see --help)"]);
});

Deno.test("deno task demo's command runs with its narrow permissions and no environment", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...TASK_PERMISSIONS,
        new URL("../recipes/demo.ts", import.meta.url).pathname,
        "--sync-seconds",
        "0.3",
        "--poll-interval",
        "0.1",
      ],
      cwd,
      clearEnv: true,
      env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.match(stdout, /^Demo complete/m);
    assert.ok(!(stdout + stderr).includes("\x1b["), "NO_COLOR is honoured");
    const logged = await Deno.readTextFile(`${cwd}/logs/fivetran.log`);
    assert.match(logged, /POST connections\/steady_orchard\/sync 200/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
