// The log shared by several processes, and a log that cannot be written (lib/log.ts, recipes, atlas()).
import assert from "node:assert/strict";
import { openLog } from "../lib/log.ts";
import { ROOT, runDeno, startServer, tempDir } from "./_server.ts";

const LOG_URL = new URL("../lib/log.ts", import.meta.url).href;

/** Runs `count` processes at once, each writing `lines` numbered lines to one log. */
async function writers(dir: string, count: number, lines: number, maxBytes: number, backups: number) {
  const script = `${dir}/writer.ts`;
  await Deno.writeTextFile(
    script,
    `import { openLog } from "${LOG_URL}";\n` +
      `const [who, path] = Deno.args;\n` +
      `const log = openLog({ path, maxBytes: ${maxBytes}, backups: ${backups} });\n` +
      `for (let i = 0; i < ${lines}; i++) log.write("info", \`w\${who} n\${String(i).padStart(5, "0")} \${"x".repeat(i % 40)}\`);\n` +
      `log.close();\n`,
  );
  const runs = await Promise.all(
    Array.from({ length: count }, (_, who) =>
      runDeno([
        "run",
        "--no-lock",
        "--no-config",
        `--allow-read=${dir},${ROOT}`,
        `--allow-write=${dir}`,
        script,
        String(who),
        `${dir}/logs/fivetran.log`,
      ])),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const names = [...Deno.readDirSync(`${dir}/logs`)].map((e) => e.name).sort();
  const files = names.map((name) => Deno.readFileSync(`${dir}/logs/${name}`));
  return { names, files, text: files.map((b) => new TextDecoder().decode(b)).join("") };
}

Deno.test("three processes sharing one log keep every line, whole and once, with every file under maxBytes", async () => {
  await using dir = await tempDir();
  const maxBytes = 40_000;
  // 3 × 700 lines of about 75 bytes: about 160 KB, 4 files of 40 KB; the live file and 9 backups hold them all.
  const { names, files, text } = await writers(dir.path, 3, 700, maxBytes, 9);
  for (const [i, bytes] of files.entries()) {
    assert.ok(bytes.length <= maxBytes, `${names[i]} holds ${bytes.length} bytes, over ${maxBytes}`);
    assert.equal(bytes.at(-1), 0x0a, `${names[i]} ends in a cut line`);
  }
  const lines = text.replace(/\n$/, "").split("\n");
  for (const line of lines) assert.match(line, /^\S+ INFO {2}w[012] n\d{5} x*$/, "a mangled line");
  const keys = lines.map((line) => line.match(/ (w\d n\d{5}) /)![1]);
  assert.equal(new Set(keys).size, keys.length, "a line written twice");
  assert.equal(keys.length, 2100, `kept ${keys.length} of 2,100 lines`);
  assert.ok(names.length >= 4, `rotated into ${names.length} files only`);
});

Deno.test("three processes over a small log keep exactly N backups, each under maxBytes, the newest lines whole", async () => {
  await using dir = await tempDir();
  const maxBytes = 4_000;
  const { names, files, text } = await writers(dir.path, 3, 400, maxBytes, 2);
  assert.deepEqual(names, ["fivetran.log", "fivetran.log.1", "fivetran.log.2"]);
  for (const bytes of files) assert.ok(bytes.length <= maxBytes);
  // Each process's lines that were kept are its newest ones, in order, none missing between.
  const lines = text.replace(/\n$/, "").split("\n");
  for (const who of ["w0", "w1", "w2"]) {
    const numbers = lines.filter((l) => l.includes(` ${who} `)).map((l) => Number(l.match(/ n(\d{5}) /)![1]))
      .sort((a, b) => a - b);
    if (numbers.length === 0) continue;
    assert.equal(numbers.at(-1), 399, `${who}'s last line was lost`);
    assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, k) => 400 - numbers.length + k), who);
  }
});

Deno.test("openLog() with onError warns once and goes quiet when the log is a folder or the disk is full", async () => {
  await using dir = await tempDir();
  for (const path of [dir.path, "/dev/full"]) {
    if (path === "/dev/full" && Deno.build.os !== "linux") continue;
    const warnings: string[] = [];
    const log = openLog({ path, onError: (m) => warnings.push(m) });
    log.write("info", "one");
    log.write("info", "two");
    log.close();
    assert.equal(warnings.length, 1, `${path}: ${warnings.join(" | ")}`);
    assert.match(warnings[0], new RegExp(`^Cannot write the log file '${path}' \\(.+\\); going on without the log$`));
  }
  // Without onError, the error is thrown, as before.
  assert.throws(() => openLog({ path: dir.path }));
});

for (const target of ["a folder", "/dev/full"]) {
  Deno.test(`a recipe and atlas() with FIVETRAN_LOG_FILE set to ${target} warn once and do the work`, async () => {
    if (target === "/dev/full" && Deno.build.os !== "linux") return;
    await using server = startServer([], {
      fallback: { body: { code: "Success", data: { id: "c1", service: "postgres", schema: "s", paused: false } } },
    });
    await using dir = await tempDir();
    const logFile = target === "a folder" ? dir.path : target;
    await Deno.writeTextFile(
      `${dir.path}/script.ts`,
      `import { atlas } from "${new URL("../mod.ts", import.meta.url).href}";\n` +
        `const a = await atlas("GET", "connections/c1");\nconst b = await atlas("GET", "connections/c1");\n` +
        `console.log(a?.code, b?.code);\n`,
    );
    const env = {
      FIVETRAN_API_KEY: "log_test_key",
      FIVETRAN_API_SECRET: "log_test_secret",
      FIVETRAN_BASE_URL: server.baseUrl,
      FIVETRAN_LOG_FILE: logFile,
    };
    // Deno asks for --allow-all to open a device such as /dev/full.
    const perms = target === "/dev/full" ? ["--allow-all"] : [
      `--allow-net=127.0.0.1:${server.port}`,
      "--allow-env",
      `--allow-read=${dir.path},${ROOT}`,
      `--allow-write=${dir.path}`,
    ];
    const script = await runDeno(["run", "--no-lock", "--no-config", ...perms, "script.ts"], { cwd: dir.path, env });
    assert.equal(script.code, 0, script.stderr);
    assert.equal(script.stdout.trim(), "Success Success");
    const warned = script.stderr.trim().split("\n");
    assert.equal(warned.length, 1, script.stderr);
    assert.match(warned[0], /^Cannot write the log file '.+' \(.+\); going on without the log$/);

    const recipe = await runDeno(
      ["run", ...perms, `${ROOT}/recipes/connector_status.ts`, "--connection-id", "c1", "--json"],
      { cwd: dir.path, env },
    );
    assert.equal(recipe.code, 0, recipe.stderr);
    assert.equal(JSON.parse(recipe.stdout).connection.id, "c1");
    const lines = recipe.stderr.trim().split("\n").filter((l) => !l.includes("experimental"));
    assert.equal(lines.filter((l) => l.startsWith("Cannot write the log file")).length, 1, recipe.stderr);
    assert.ok(!/Unexpected error|stack/i.test(recipe.stderr), recipe.stderr);
  });
}
