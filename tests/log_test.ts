// The rotating file log: rotation without loss, folder creation, masking, FIVETRAN_LOG_FILE.
import assert from "node:assert/strict";
import { createAtlas } from "../mod.ts";
import { DEFAULT_LOG_FILE, nullLog, openLog } from "../lib/log.ts";
import { ROOT, runDeno, startServer, tempDir } from "./_server.ts";

const NOW = () => Date.UTC(2026, 0, 1, 12, 0, 0);

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("openLog() rotates under maxBytes, keeps exactly `backups` backups and loses no line except those rotated out", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/fivetran.log`;
  const maxBytes = 512;
  const log = openLog({ path, maxBytes, backups: 2, now: NOW });
  const total = 120;
  for (let i = 0; i < total; i++) log.write("info", `line ${String(i).padStart(4, "0")} ${"x".repeat(i % 23)}`);
  log.close();

  assert.ok(exists(`${path}.1`) && exists(`${path}.2`));
  assert.ok(!exists(`${path}.3`), "a third backup was kept");
  const files = [`${path}.2`, `${path}.1`, path];
  const texts = files.map((f) => Deno.readTextFileSync(f));
  for (const [i, text] of texts.entries()) {
    assert.ok(new TextEncoder().encode(text).length <= maxBytes, `${files[i]} is over the limit`);
    assert.ok(text.endsWith("\n"));
  }
  const lines = texts.join("").replace(/\n$/, "").split("\n");
  const numbers = lines.map((line) => {
    const match = line.match(/^2026-01-01T12:00:00\.000Z INFO {2}line (\d{4}) x*$/);
    assert.ok(match, `mangled line: ${line}`);
    return Number(match[1]);
  });
  assert.equal(numbers.at(-1), total - 1);
  assert.ok(numbers[0] > 0, "nothing was rotated out");
  assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, k) => numbers[0] + k));
  // Each backup rotated only when the next line would not fit.
  for (const [i, text] of texts.slice(0, 2).entries()) {
    const nextLine = (texts[i + 1].split("\n")[0] ?? "") + "\n";
    assert.ok(text.length + nextLine.length > maxBytes, `${files[i]} rotated early`);
  }

  // Reopening appends and goes on rotating.
  const again = openLog({ path, maxBytes, backups: 2, now: NOW });
  again.write("info", `line ${String(total).padStart(4, "0")} `);
  again.close();
  const after = [`${path}.2`, `${path}.1`, path].map((f) => Deno.readTextFileSync(f)).join("").replace(/\n$/, "").split(
    "\n",
  );
  assert.equal(after.at(-1), `2026-01-01T12:00:00.000Z INFO  line ${String(total).padStart(4, "0")} `);
  assert.equal(after.at(-2), lines.at(-1));
});

Deno.test("openLog() creates a missing log folder and writes one line per message", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/a/b/c/fivetran.log`;
  const log = openLog({ path, now: NOW, secrets: ["topsecret"] });
  assert.equal(log.path, path);
  log.write("warn", "first\nsecond line with topsecret");
  log.addSecrets("more-secret", undefined, "abc");
  log.write("error", "more-secret and abc");
  log.close();
  log.write("info", "after close is dropped");
  log.close();
  assert.equal(
    Deno.readTextFileSync(path),
    "2026-01-01T12:00:00.000Z WARN  first second line with ******\n" +
      "2026-01-01T12:00:00.000Z ERROR ****** and abc\n",
  );
});

Deno.test("openLog() rejects a maxBytes under 256 and backups outside 1..100", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/x.log`;
  assert.throws(() => openLog({ path, maxBytes: 100 }), RangeError);
  assert.throws(() => openLog({ path, maxBytes: 1000.5 }), RangeError);
  assert.throws(() => openLog({ path, backups: 0 }), RangeError);
  assert.throws(() => openLog({ path, backups: 101 }), RangeError);
  assert.ok(!exists(path));
});

Deno.test("the file log of a client masks the Authorization header, the secret and secret-looking payload keys", async () => {
  await using dir = await tempDir();
  await using server = startServer([
    { status: 429, headers: { "retry-after": "0" }, body: { code: "TooManyRequests" } },
    { status: 201, body: { code: "Success", data: { id: "c1" } } },
  ]);
  const key = "key-1234abcd";
  const secret = "sec-5678efgh";
  const path = `${dir.path}/logs/fivetran.log`;
  const log = openLog({ path, secrets: [key, secret] });
  const client = createAtlas({ apiKey: key, apiSecret: secret, baseUrl: server.baseUrl, logger: log.logger });
  const payload = {
    service: "postgres",
    config: {
      host: "db",
      password: "hunter2",
      private_key: "-----BEGIN KEY-----",
      token: "tok-999",
      client_secret: "cs",
    },
    tunnel: { secret: "s3cr3t-value", passphrase: "open sesame" },
    auth: { user: "u", pass: "p" },
  };
  await client.request("POST", "connections", payload);
  log.close();
  const text = Deno.readTextFileSync(path);
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0], /WARN {2}POST connections 429 \d+ms attempt=1 TooManyRequests$/);
  assert.match(lines[1], /INFO {2}POST connections 201 \d+ms attempt=2 payload=\{/);
  const logged = JSON.parse(lines[1].slice(lines[1].indexOf("payload=") + "payload=".length));
  assert.deepEqual(logged, {
    service: "postgres",
    config: { host: "db", password: "******", private_key: "******", token: "******", client_secret: "******" },
    tunnel: { secret: "******", passphrase: "******" },
    auth: "******",
  });
  for (const leak of [key, secret, btoa(`${key}:${secret}`), "hunter2", "BEGIN KEY", "tok-999", "s3cr3t", "sesame"]) {
    assert.ok(!text.includes(leak), `log leaks ${leak}`);
  }
});

Deno.test("nullLog() writes nothing and DEFAULT_LOG_FILE is logs/fivetran.log", () => {
  const log = nullLog();
  assert.equal(log.path, undefined);
  log.write("info", "x");
  log.logger({ level: "info", message: "x" });
  log.close();
  assert.equal(DEFAULT_LOG_FILE, "logs/fivetran.log");
});

Deno.test("FIVETRAN_LOG_FILE picks the log file, 'off' disables it, and the default is logs/fivetran.log", async () => {
  await using server = startServer([], { fallback: { body: { code: "Success", data: { items: [] } } } });
  const cases: [string | undefined, string | undefined][] = [
    [undefined, "logs/fivetran.log"],
    ["off", undefined],
    ["OFF", undefined],
    ["custom/dir/atlas.log", "custom/dir/atlas.log"],
  ];
  for (const [value, expected] of cases) {
    await using dir = await tempDir();
    await Deno.writeTextFile(
      `${dir.path}/script.ts`,
      `import { atlas } from "${new URL("../mod.ts", import.meta.url).href}";\n` +
        `console.log(JSON.stringify(await atlas("GET", "groups")));\n`,
    );
    const run = await runDeno(
      [
        "run",
        "--no-lock",
        "--no-config",
        `--allow-net=127.0.0.1:${server.port}`,
        "--allow-env",
        `--allow-read=${dir.path},${ROOT}`,
        `--allow-write=${dir.path}`,
        "script.ts",
      ],
      {
        cwd: dir.path,
        env: {
          FIVETRAN_API_KEY: "k",
          FIVETRAN_API_SECRET: "s",
          FIVETRAN_BASE_URL: server.baseUrl,
          FIVETRAN_LOG_FILE: value,
        },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.equal(run.stdout.trim(), '{"code":"Success","data":{"items":[]}}');
    const entries = [...Deno.readDirSync(dir.path)].map((e) => e.name).sort();
    if (expected === undefined) {
      assert.deepEqual(entries, ["script.ts"], `FIVETRAN_LOG_FILE=${value}`);
    } else {
      assert.match(Deno.readTextFileSync(`${dir.path}/${expected}`), /INFO {2}GET groups 200 \d+ms attempt=1\n$/);
    }
  }
});
