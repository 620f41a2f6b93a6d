// Webhook signatures (lib/webhook.ts) and webhook_listener.ts: signed deliveries are accepted and printed, tampered,
// unsigned and malformed ones refused with 401 and one line, --exec runs a program per event (bounded, no shell),
// and the listener stops cleanly on --max-events, --duration and Ctrl-C. Real loopback servers throughout.
import assert from "node:assert/strict";
import { SIGNATURE_HEADER, signWebhook, verifyWebhook } from "../lib/webhook.ts";
import { main as listener } from "../recipes/webhook_listener.ts";
import { parseCommandLine } from "../recipes/_webhook_exec.ts";
import type { RecipeDeps } from "../lib/recipe.ts";
import { runRecipe, type RunResult } from "./_harness.ts";
import { ROOT, tempDir } from "./_server.ts";
import { createManualClock, DEMO, startSandbox } from "../lib/sandbox/mod.ts";

const SECRET = "whsec-test-6610";
const NO_API = { baseUrl: "http://127.0.0.1:9/v1", apiKey: "unused_key", apiSecret: "unused_secret" };

function event(name: string, id: string, extra: Record<string, unknown> = {}) {
  return {
    event: name,
    created: "2026-11-30T12:00:00.000Z",
    connector_type: "postgres",
    connector_id: id,
    connector_name: "shop",
    sync_id: "f2c7c6f1-0000-4000-8000-000000000001",
    destination_group_id: "rapid_harbor",
    data: name === "sync_end" ? { status: "SUCCESSFUL" } : {},
    ...extra,
  };
}

async function signedRequest(body: string, signature?: string | null): Promise<Request> {
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set(SIGNATURE_HEADER, signature ?? await signWebhook(body, SECRET));
  return new Request("http://127.0.0.1/fivetran", { method: "POST", headers, body });
}

Deno.test("signWebhook() gives the upper-case hex HMAC-SHA256 of the body (the RFC 4231 test vector)", async () => {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  assert.equal(
    await signWebhook("what do ya want for nothing?", "Jefe"),
    "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843",
  );
  await assert.rejects(() => signWebhook("x", ""), TypeError);
});

Deno.test("verifyWebhook() accepts a signed body in either case and with a sha256= prefix", async () => {
  const body = JSON.stringify(event("sync_end", "steady_orchard"));
  const upper = await signWebhook(body, SECRET);
  for (const signature of [upper, upper.toLowerCase(), `sha256=${upper.toLowerCase()}`]) {
    const result = await verifyWebhook(await signedRequest(body, signature), SECRET);
    assert.equal(result.valid, true, signature);
    if (result.valid) {
      assert.equal(result.body, body);
      assert.deepEqual(result.event, JSON.parse(body));
    }
  }
});

Deno.test("verifyWebhook() refuses tampered, unsigned, malformed, wrongly keyed and oversized deliveries", async () => {
  const body = JSON.stringify(event("sync_end", "steady_orchard"));
  const good = await signWebhook(body, SECRET);
  const cases: [string, Request, number, RegExp][] = [
    ["a tampered body", await signedRequest(body.replace("SUCCESSFUL", "FAILURE"), good), 401, /does not match/],
    ["no signature", await signedRequest(body, null), 401, /Missing X-Fivetran-Signature-256/],
    ["an empty signature", await signedRequest(body, ""), 401, /Missing/],
    ["a short signature", await signedRequest(body, good.slice(0, 40)), 401, /64 hex digits, got 40/],
    ["non-hex", await signedRequest(body, "Z".repeat(64)), 401, /64 hex digits/],
    ["another secret", await signedRequest(body, await signWebhook(body, "other-secret")), 401, /does not match/],
    ["one bit off", await signedRequest(body, (good[0] === "0" ? "1" : "0") + good.slice(1)), 401, /does not match/],
  ];
  for (const [what, request, status, reason] of cases) {
    const result = await verifyWebhook(request, SECRET);
    assert.equal(result.valid, false, what);
    if (!result.valid) {
      assert.equal(result.status, status, what);
      assert.match(result.reason, reason, what);
      assert.ok(!result.reason.includes(SECRET), what);
    }
  }
  const big = "x".repeat(2000);
  const tooBig = await verifyWebhook(await signedRequest(big), SECRET, { maxBytes: 1000 });
  assert.equal(tooBig.valid, false);
  if (!tooBig.valid) assert.equal(tooBig.status, 413);
  await assert.rejects(() => verifyWebhook(new Request("http://x/", { method: "POST", body: "{}" }), ""), TypeError);
  await assert.rejects(
    () => verifyWebhook(new Request("http://x/", { method: "POST", body: "{}" }), SECRET, { maxBytes: 0 }),
    RangeError,
  );
});

/** A listener run in-process: its port (once listening) and its result (once stopped). */
interface Running {
  port: number;
  url: string;
  stdout: string[];
  stderr: string[];
  done: Promise<RunResult>;
}

async function startListener(args: string[], deps: RecipeDeps = {}): Promise<Running> {
  const stderr: string[] = [];
  const stdout: string[] = [];
  const port = Promise.withResolvers<number>();
  const done = runRecipe(listener, ["--port", "0", ...args], NO_API, {
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        }, { once: true });
      }),
    ...deps,
    stdout: (line) => stdout.push(line),
    stderr: (line) => {
      stderr.push(line);
      const m = line.match(/^Listening on http:\/\/[^:]+:(\d+)/);
      if (m) port.resolve(Number(m[1]));
    },
  });
  const finished = done.then((r) => ({ ...r, stdout: stdout.join("\n"), stderr: stderr.join("\n") }));
  done.then((r) => port.reject(new Error(`the listener stopped before listening: ${r.stderr || stderr.join("\n")}`)));
  const p = await port.promise;
  return { port: p, url: `http://127.0.0.1:${p}/fivetran`, stdout, stderr, done: finished };
}

async function post(url: string, body: string, signature?: string | null): Promise<number> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers[SIGNATURE_HEADER] = signature ?? await signWebhook(body, SECRET);
  const response = await fetch(url, { method: "POST", headers, body });
  await response.body?.cancel();
  return response.status;
}

Deno.test("webhook_listener.ts prints signed events, refuses tampered and unsigned ones with 401 and one line", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, `${SECRET}\n`);
  const run = await startListener(["--secret-file", secretFile, "--max-events", "2"]);
  const start = JSON.stringify(event("sync_start", "steady_orchard"));
  const end = JSON.stringify(event("sync_end", "steady_orchard"));
  assert.equal(await post(run.url, start), 200);
  assert.equal(await post(run.url, end.replace("SUCCESSFUL", "FAILURE"), await signWebhook(end, SECRET)), 401);
  assert.equal(await post(run.url, end, null), 401);
  assert.equal(await post(run.url.replace("/fivetran", "/other"), end), 404);
  const get = await fetch(run.url);
  await get.body?.cancel();
  assert.equal(get.status, 405);
  assert.equal(await post(run.url, "[1,2]"), 400);
  assert.equal(await post(run.url, end), 200);
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split("\n");
  assert.equal(lines.length, 2, result.stdout);
  assert.match(lines[0], /^12:00:00 {2}sync_start .* steady_orchard {2}\(postgres\) {2}group rapid_harbor$/);
  assert.match(lines[1], /sync_end .*steady_orchard.*status SUCCESSFUL/);
  const refused = run.stderr.filter((l) => l.startsWith("Refused"));
  assert.equal(refused.length, 3, run.stderr.join("\n"));
  assert.match(refused[0], /\(401\): X-Fivetran-Signature-256 does not match the body/);
  assert.match(refused[1], /\(401\): Missing X-Fivetran-Signature-256 header/);
  assert.match(refused[2], /\(400\): its body is not a JSON object/);
  assert.match(result.stderr, /Stopped \(--max-events 2 reached\): 2 events received, 3 refused/);
  assert.match(result.log, /Refused a delivery from 127\.0\.0\.1 \(401\)/);
  assert.ok(!(result.stdout + result.stderr + result.log).includes(SECRET));
});

async function withSecretEnv<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const before = Deno.env.get("FIVETRAN_WEBHOOK_SECRET");
  Deno.env.set("FIVETRAN_WEBHOOK_SECRET", value);
  try {
    return await fn();
  } finally {
    before === undefined ? Deno.env.delete("FIVETRAN_WEBHOOK_SECRET") : Deno.env.set("FIVETRAN_WEBHOOK_SECRET", before);
  }
}

Deno.test("webhook_listener.ts --json prints each event as received, one JSON object per line (secret from the environment)", async () => {
  await withSecretEnv(SECRET, async () => {
    const run = await startListener(["--json", "--max-events", "3", "--path", "/hooks/ft"]);
    const url = run.url.replace("/fivetran", "/hooks/ft");
    const sent = [
      event("sync_start", "steady_orchard"),
      event("sync_end", "steady_orchard", { data: { status: "FAILURE", reason: "Bad credentials" } }),
      { event: "connection_successful", connection_id: "new_one", created: "2026-11-30T12:01:00Z" },
    ];
    for (const e of sent) assert.equal(await post(url, JSON.stringify(e)), 200);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split("\n").map((l) => JSON.parse(l)), sent);
  });
});

Deno.test("webhook_listener.ts --exec runs the program per event with the event on stdin, a bounded few at a time", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, SECRET);
  // Each run records when it started and ended, its environment's event name, and its stdin.
  const script = `${dir.path}/on_event.sh`;
  await Deno.writeTextFile(
    script,
    [
      'echo "start $(date +%s%N)" >> "$1/times"',
      'cat > "$1/event.$$.json"',
      'echo "$FIVETRAN_EVENT $FIVETRAN_CONNECTION_ID $FIVETRAN_GROUP_ID ${FIVETRAN_WEBHOOK_SECRET:-no-secret}" >> "$1/env"',
      "sleep 0.2",
      'echo "end $(date +%s%N)" >> "$1/times"',
      'if [ "$FIVETRAN_CONNECTION_ID" = "bad_one" ]; then echo "could not notify" >&2; exit 3; fi',
    ].join("\n"),
  );
  await withSecretEnv("whsec-env-must-not-reach-the-command", async () => {
    const run = await startListener([
      "--secret-file",
      secretFile,
      "--exec",
      `sh '${script}' "${dir.path}"`,
      "--exec-concurrency",
      "2",
      "--max-events",
      "6",
    ]);
    const ids = ["c1", "c2", "c3", "c4", "c5", "bad_one"];
    await Promise.all(ids.map((id) => post(run.url, JSON.stringify(event("sync_end", id)))));
    const result = await run.done;
    assert.equal(result.code, 1, result.stderr); // one command failed
    assert.match(result.stderr, /--exec for sync_end bad_one: exit 3: could not notify/);
    assert.match(result.stderr, /--exec ran 6, 1 failed/);
    // Every event reached a command's stdin, whole.
    const bodies = [...Deno.readDirSync(dir.path)].filter((e) => e.name.startsWith("event."))
      .map((e) => JSON.parse(Deno.readTextFileSync(`${dir.path}/${e.name}`)).connector_id).sort();
    assert.deepEqual(bodies, [...ids].sort());
    const env = Deno.readTextFileSync(`${dir.path}/env`).trim().split("\n").sort();
    assert.deepEqual(env, ids.map((id) => `sync_end ${id} rapid_harbor no-secret`).sort());
    // Never more than 2 at once.
    const marks = Deno.readTextFileSync(`${dir.path}/times`).trim().split("\n").map((l) => l.split(" "))
      .map(([kind, t]) => ({ kind, t: BigInt(t) })).sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    let now = 0;
    let peak = 0;
    for (const m of marks) {
      now += m.kind === "start" ? 1 : -1;
      peak = Math.max(peak, now);
    }
    assert.equal(marks.length, 12);
    assert.equal(peak, 2);
  });
});

Deno.test("webhook_listener.ts stops at once on Ctrl-C with a summary (exit 130), killing a running --exec", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, SECRET);
  const controller = new AbortController();
  const run = await startListener(
    ["--secret-file", secretFile, "--exec", "sleep 30"],
    { signal: controller.signal },
  );
  assert.equal(await post(run.url, JSON.stringify(event("sync_start", "c1"))), 200);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stoppedAt = Date.now();
  controller.abort();
  const result = await run.done;
  assert.ok(Date.now() - stoppedAt < 5000, "took too long to stop");
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /Stopped \(interrupted\): 1 event received, 0 refused; --exec ran 1, 1 failed/);
  assert.match(result.stderr, /killed \(interrupted\)/);
  await assert.rejects(() => fetch(run.url, { method: "POST", body: "{}" }));
});

Deno.test("webhook_listener.ts --duration stops after that long with exit 0", async () => {
  await withSecretEnv(SECRET, async () => {
    const run = await startListener(["--duration", "1"]);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Stopped \(--duration 1 s passed\): 0 events received, 0 refused/);
  });
});

Deno.test("webhook_listener.ts rejects bad input with exit 2 and one line, before listening", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, SECRET);
  const empty = `${dir.path}/empty.txt`;
  await Deno.writeTextFile(empty, "\n");
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const busyPort = String((busy.addr as Deno.NetAddr).port);
    const s = ["--secret-file", secretFile];
    const cases: [string[], RegExp][] = [
      [[], /Missing the webhook secret: give --secret-file FILE or set FIVETRAN_WEBHOOK_SECRET/],
      [["--secret-file", `${dir.path}/nope.txt`], /Cannot read webhook secret file/],
      [["--secret-file", empty], /to hold a value, it is empty/],
      [[...s, "--port", "70000"], /--port to be a whole number from 0 to 65535/],
      [[...s, "--port", "abc"], /--port/],
      [[...s, "--port", busyPort], new RegExp(`Port ${busyPort} on 127.0.0.1 is in use`)],
      [[...s, "--path", "fivetran"], /--path to start with \//],
      [[...s, "--host", "a b"], /--host/],
      [[...s, "--exec", "jq . | tee out"], /shell syntax '\|'/],
      [[...s, "--exec", "echo $HOME"], /shell syntax '\$'/],
      [[...s, "--exec", "echo 'open"], /close its ' quote/],
      [[...s, "--exec", "  "], /--exec to have a value/],
      [[...s, "--exec-concurrency", "2"], /--exec-concurrency only goes with --exec/],
      [[...s, "--exec", "true", "--exec-concurrency", "0"], /from 1 to 32/],
      [[...s, "--max-events", "0"], /--max-events/],
      [[...s, "--duration", "-1"], /--duration/],
      [[...s, "--secret", "x"], /Unknown option '--secret'/],
    ];
    for (const [args, reason] of cases) {
      const result = await runRecipe(
        listener,
        ["--port", "0", ...args.filter((a, i) => !(a === "--port" && i < 0))],
        NO_API,
      );
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      const lines = result.stderr.split("\n").filter(Boolean);
      assert.equal(lines.length, 1, `${args.join(" ")}: ${result.stderr}`);
      assert.match(lines[0], reason, args.join(" "));
      assert.ok(!lines[0].includes(SECRET));
    }
  } finally {
    busy.close();
  }
});

Deno.test("parseCommandLine() splits words like a shell, keeps quoted text whole, and refuses shell syntax", () => {
  assert.deepEqual(parseCommandLine(`notify --to "ops team" 'a b' c\\ d`), {
    program: "notify",
    args: ["--to", "ops team", "a b", "c d"],
  });
  assert.deepEqual(parseCommandLine(`sh -c 'cat > "$1"' x`), { program: "sh", args: ["-c", 'cat > "$1"', "x"] });
  assert.deepEqual(parseCommandLine(`echo "" x`), { program: "echo", args: ["", "x"] });
  for (const bad of ["a; rm -rf /", "a && b", "a > f", "`x`", "$(x)"]) assert.throws(() => parseCommandLine(bad));
});

Deno.test("webhook_listener.ts runs in a real process with -P: the secret from the environment, events verified", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-P", "--no-prompt", `${ROOT}/recipes/webhook_listener.ts`, "--port", "0", "--max-events", "1"],
    cwd: ROOT,
    clearEnv: true,
    env: {
      ...Object.fromEntries(
        Object.entries(Deno.env.toObject()).filter(([k]) => /^(HOME|PATH|TMPDIR|DENO_DIR|XDG_CACHE_HOME)$/.test(k)),
      ),
      NO_COLOR: "1",
      FIVETRAN_WEBHOOK_SECRET: SECRET,
      FIVETRAN_LOG_FILE: "off",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let err = "";
  let port: number | undefined;
  while (port === undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    err += value;
    const m = err.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)\/fivetran/);
    if (m) port = Number(m[1]);
  }
  assert.ok(port, err);
  const url = `http://127.0.0.1:${port}/fivetran`;
  assert.equal(await post(url, "{}", "0".repeat(64)), 401);
  assert.equal(await post(url, JSON.stringify(event("sync_end", "steady_orchard"))), 200);
  const [status, out] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        err += value;
      }
    })(),
  ]);
  assert.equal(status.code, 0, err);
  assert.match(out, /sync_end .*steady_orchard/);
  assert.match(err, /Refused a delivery from 127\.0\.0\.1 \(401\): X-Fivetran-Signature-256 does not match/);
  assert.ok(!(out + err).includes(SECRET));
});

/** Waits (briefly, really) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

Deno.test("end to end: the sandbox's signed sync_start and sync_end reach webhook_listener.ts as its clock moves; a wrong secret and a tampered body are refused", async () => {
  await using dir = await tempDir();
  const secretFile = `${dir.path}/secret.txt`;
  await Deno.writeTextFile(secretFile, SECRET);
  const controller = new AbortController();
  const run = await startListener(["--secret-file", secretFile, "--json"], { signal: controller.signal });
  try {
    await using sandbox = await startSandbox({ clock: createManualClock(), syncSeconds: 5 });
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${sandbox.baseUrl}/${path}`, {
        method,
        headers: { authorization: sandbox.authorization, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((r) => r.json());
    const group = DEMO.smallGroupId;
    const good = await api("POST", `webhooks/group/${group}`, {
      url: run.url,
      events: ["sync_start", "sync_end"],
      secret: SECRET,
    });
    const wrong = await api("POST", `webhooks/group/${group}`, {
      url: run.url,
      events: ["sync_end"],
      secret: "not-the-listener-secret",
    });
    assert.equal(good.code, "Success");
    await api("POST", `connections/${DEMO.renamedConnectionId}/sync`, {});
    const events = () => run.stdout.map((l) => JSON.parse(l) as { event: string; connector_id: string });
    await until(() => events().some((e) => e.event === "sync_start"), "sync_start");
    sandbox.advance(5_000); // the sync ends as the sandbox's clock moves: nothing reads the connection
    await until(() => events().some((e) => e.event === "sync_end"), "sync_end");
    await sandbox.webhooksIdle();
    const mine = events().filter((e) => e.connector_id === DEMO.renamedConnectionId).map((e) => e.event);
    assert.deepEqual(mine, ["sync_start", "sync_end"]);
    // The same events under the wrong secret: refused (401), and the sandbox saw the refusal.
    const deliveries = sandbox.webhookDeliveries();
    assert.ok(deliveries.filter((d) => d.webhookId === good.data.id).every((d) => d.status === 200));
    const refused = deliveries.filter((d) => d.webhookId === wrong.data.id);
    assert.ok(refused.length >= 1 && refused.every((d) => d.status === 401), JSON.stringify(refused));
    // A delivered body, tampered with, under its original signature: refused.
    const body = deliveries.find((d) => d.webhookId === good.data.id && d.event === "sync_end")!.body;
    const signature = await signWebhook(body, SECRET);
    assert.equal(await post(run.url, body, signature), 200); // a replay of the genuine body: acknowledged, ignored
    assert.equal(await post(run.url, body.replace("SUCCESSFUL", "FAILURE"), signature), 401);
  } finally {
    controller.abort();
  }
  const result = await run.done;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /Refused a delivery from 127\.0\.0\.1 \(401\): X-Fivetran-Signature-256 does not match/);
  assert.match(result.stderr, /Stopped \(interrupted\): 2 events received, [2-9] refused, 1 repeated \(ignored\)/);
});

Deno.test("webhook_listener.ts --host widens the listener, with a warning to keep a TLS proxy in front", async () => {
  await withSecretEnv(SECRET, async () => {
    const controller = new AbortController();
    const run = await startListener(["--host", "0.0.0.0"], { signal: controller.signal });
    try {
      assert.ok(
        run.stderr.some((l) => /^Listening on http:\/\/0\.0\.0\.0:\d+\/fivetran/.test(l)),
        run.stderr.join("\n"),
      );
      assert.ok(
        run.stderr.some((l) => /--host 0\.0\.0\.0 accepts deliveries from other machines: keep a TLS proxy/.test(l)),
      );
      assert.equal(await post(`http://127.0.0.1:${run.port}/fivetran`, JSON.stringify(event("sync_end", "c1"))), 200);
    } finally {
      controller.abort();
    }
    assert.equal((await run.done).code, 130);
  });
});
