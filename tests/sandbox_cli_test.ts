/**
 * The `deno task sandbox` CLI, run as a subprocess with the task's permissions.
 */

import assert from "node:assert/strict";

const CLI = new URL("../lib/sandbox/cli.ts", import.meta.url).pathname;
const PERMS = ["--allow-net=127.0.0.1,0.0.0.0,localhost", "--allow-read"];

function command(args: string[], piped = true): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMS, CLI, ...args],
    stdout: piped ? "piped" : "null",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1" },
  });
}

/** What the CLI printed up to the end of its first line (its export line), or all of it if it stopped sooner. */
async function firstLine(reader: ReadableStreamDefaultReader<string>): Promise<string> {
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  return out;
}

/** The base URL of the CLI's export line; the stream is left for the caller to cancel. */
async function baseUrlOf(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const out = await firstLine(reader);
  reader.releaseLock();
  return /FIVETRAN_BASE_URL=(\S+)/.exec(out)![1];
}

Deno.test("sandbox CLI prints an eval-able export line, serves, and stops cleanly on SIGTERM", async () => {
  const child = command(["--port", "0", "--connections", "50", "--faults", "429=0"]).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const out = await firstLine(reader);
  const line = out.split("\n")[0];
  const m = /^export FIVETRAN_BASE_URL=(\S+) FIVETRAN_API_KEY=(\S+) FIVETRAN_API_SECRET=(\S+)$/.exec(line);
  assert.ok(m, line);
  const [, base, key, secret] = m;
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const res = await fetch(`${base}/groups/hollow_cedar/connections`, {
    headers: { Authorization: `Basic ${btoa(`${key}:${secret}`)}` },
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).data.items.length, 3);
  child.kill("SIGTERM");
  const status = await child.status;
  assert.equal(status.code, 0);
  const rest = await reader.read();
  assert.ok(rest.done || rest.value === undefined || rest.value === "", "nothing else on stdout");
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  const err = await new Response(child.stderr).text();
  assert.match(err, /serving http:\/\/127\.0\.0\.1:\d+\/v1 \(50 connections, \d+ operations/);
  assert.match(err, /SIGTERM, shutting down/);
});

Deno.test("sandbox CLI rejects bad flag values with one line and exit code 2", async () => {
  for (
    const args of [
      ["--port", "abc"],
      ["--port", "70000"],
      ["--connections", "-3"],
      ["--sync-seconds", "soon"],
      ["--faults", "5xx=0.8,429=0.8"],
      ["--bogus"],
      ["--seed", "/no/such/seed.json", "--port", "0"],
    ]
  ) {
    const out = await command(args).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 2, `${args.join(" ")}: ${err}`);
    assert.equal(err.split("\n").length, 1, err);
    assert.match(err, /^sandbox: /);
    assert.equal(new TextDecoder().decode(out.stdout), "");
  }
  const help = await command(["--help"]).output();
  assert.equal(help.code, 0);
  assert.match(new TextDecoder().decode(help.stdout), /--legacy-connectors/);
});

Deno.test("sandbox CLI exits 0 when asked through POST /_sandbox/shutdown", async () => {
  const child = command(["--port", "0", "--connections", "20"]).spawn();
  const base = await baseUrlOf(child);
  const res = await fetch(base.replace(/\/v1$/, "/_sandbox/shutdown"), { method: "POST" });
  assert.equal((await res.json()).ok, true);
  assert.equal((await child.status).code, 0);
  await child.stdout.cancel().catch(() => {});
  assert.match(await new Response(child.stderr).text(), /shut down through \/_sandbox\/shutdown/);
});

Deno.test("sandbox CLI --snapshot-out writes the account as a replayable seed on shutdown, and needs write access", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/snap.json`;
    const denied = await command(["--port", "0", "--connections", "5", "--snapshot-out", file]).output();
    assert.equal(denied.code, 2);
    assert.match(new TextDecoder().decode(denied.stderr), /--snapshot-out needs write access/);

    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...PERMS, `--allow-write=${dir}`, CLI, "--port", "0", "--connections", "5"]
        .concat(["--snapshot-out", file]),
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      env: { NO_COLOR: "1" },
    }).spawn();
    const base = await baseUrlOf(child);
    await (await fetch(base.replace(/\/v1$/, "/_sandbox/shutdown"), { method: "POST" })).body?.cancel();
    assert.equal((await child.status).code, 0);
    await child.stdout.cancel().catch(() => {});
    assert.match(await new Response(child.stderr).text(), /snapshot written to/);
    const seed = JSON.parse(await Deno.readTextFile(file));
    assert.ok(seed.connections.length >= 5);
    assert.ok(seed.groups.length > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
