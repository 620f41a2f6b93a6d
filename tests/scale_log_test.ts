// Account scale: the rotating log under 50 MB of writes — with the default limits (10 MB per file, 3 backups) and
// the 16 KiB buffer recipes use — keeps every file under its limit, keeps exactly 3 backups, and loses no line except
// the oldest ones, rotated out on purpose. Prints how long the writes took (no timed assertion).
import assert from "node:assert/strict";
import { openLog } from "../lib/log.ts";
import { tempDir } from "./_server.ts";

const MB = 1024 * 1024;
const LIMIT = 10 * MB; // openLog's default maxBytes
const BACKUPS = 3; // openLog's default backups
const BUFFER = 16_384; // the longest line the log keeps, in characters (up to 3 bytes each): the rotation slack
const TOTAL = 50 * MB;
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const STAMP = new Date(NOW).toISOString();

/** Message n: its number, then a filler that varies in length and now and then holds multi-byte characters. */
function message(n: number): string {
  const filler = n % 97 === 0 ? "ünïcødé €→✓ ".repeat(1 + (n % 13)) : "x".repeat(60 + (n * 7919) % 240);
  return `seq=${String(n).padStart(7, "0")} GET connections/conn_${n} 200 12ms attempt=1 ${filler}`;
}

/** An over-long message (longer than the per-line cap), which the log cuts but keeps as one line. */
function longMessage(n: number): string {
  return `seq=${String(n).padStart(7, "0")} long ${"y".repeat(40_000)}`;
}

const encoder = new TextEncoder();

Deno.test("the rotating log under 50 MB of writes keeps each file under 10 MB, exactly 3 backups, and every line not rotated out", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/logs/fivetran.log`;
  const log = openLog({ path, now: () => NOW }); // the defaults: 10 MB, 3 backups, unbuffered

  const started = performance.now();
  let written = 0;
  let n = 0;
  const sizes: number[] = []; // bytes of each line as it lands in the file
  while (written < TOTAL) {
    const long = n % 5000 === 4999;
    const text = long ? longMessage(n) : message(n);
    log.write(n % 10 === 0 ? "warn" : "info", text);
    sizes.push(long ? -1 : encoder.encode(`${STAMP} ${n % 10 === 0 ? "WARN " : "INFO "} ${text}\n`).length);
    written += text.length;
    n++;
  }
  log.close();
  const elapsed = performance.now() - started;
  console.log(`scale_log: ${n} lines, ${(written / MB).toFixed(1)} MB in ${(elapsed / 1000).toFixed(2)} s`);

  // Exactly the live file and three backups.
  const names = [...Deno.readDirSync(`${dir.path}/logs`)].map((e) => e.name).sort();
  const expected = ["fivetran.log", ...Array.from({ length: BACKUPS }, (_, i) => `fivetran.log.${i + 1}`)];
  assert.deepEqual(names, expected);
  const files = [`${path}.3`, `${path}.2`, `${path}.1`, path]; // oldest first
  const bytes = files.map((f) => Deno.readFileSync(f));
  for (const [i, b] of bytes.entries()) {
    assert.ok(b.length <= LIMIT, `${files[i]} holds ${b.length} bytes, over ${LIMIT}`);
    if (i < 3) {
      // A backup rotated only when the next flush would not fit: it is full up to one buffer and one line.
      assert.ok(b.length > LIMIT - BUFFER * 3 - 50_000, `${files[i]} rotated early at ${b.length} bytes`);
    }
    assert.equal(b.at(-1), 0x0a, `${files[i]} ends in a cut line`);
  }

  // The kept lines are whole, in order, and are exactly the newest ones: no gap, no line twice.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const lines = bytes.map((b) => decoder.decode(b)).join("").replace(/\n$/, "").split("\n");
  const first = Number(lines[0].match(/seq=(\d+)/)?.[1]);
  assert.ok(first > 0, "nothing was rotated out of 50 MB");
  assert.equal(
    lines.length,
    n - first,
    `kept ${lines.length} lines, expected ${n - first} (from ${first} to ${n - 1})`,
  );
  for (const [k, line] of lines.entries()) {
    const seq = first + k;
    const level = seq % 10 === 0 ? "WARN " : "INFO ";
    if (sizes[seq] === -1) {
      const cut = new RegExp(
        `^${STAMP} ${level} seq=${String(seq).padStart(7, "0")} long y+\\.\\.\\. \\(40017 characters, truncated\\)$`,
      );
      if (!cut.test(line)) {
        assert.fail(`line ${k} should be the cut message ${seq}, got: ${line.slice(0, 80)}...${line.slice(-60)}`);
      }
    } else if (line !== `${STAMP} ${level} ${message(seq)}`) {
      assert.fail(`line ${k} should be message ${seq}, got: ${line.slice(0, 120)}`);
    }
  }
  // What was rotated out is the oldest part only: the kept files hold exactly the bytes of lines first..n-1.
  const keptBytes = bytes.reduce((sum, b) => sum + b.length, 0);
  const expectedBytes = sizes.slice(first).reduce(
    (sum, s, k) => sum + (s === -1 ? encoder.encode(lines[k] + "\n").length : s),
    0,
  );
  assert.equal(keptBytes, expectedBytes);
  assert.ok(keptBytes > 3 * (LIMIT - BUFFER * 3 - 50_000), "fewer than three full files kept");
});
