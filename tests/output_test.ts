// Colour output: the original's colours, plain when NO_COLOR is set or not a terminal, secrets masked.
import assert from "node:assert/strict";
import { colourEnabled, formatCall, formatResponse, Output, paint } from "../lib/output.ts";
import { runDeno } from "./_server.ts";
import { styleText } from "node:util";

const ESC = "\x1b[";

function collect(options: { colour?: boolean; colourErr?: boolean; json?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const output = new Output({ stdout: (l) => out.push(l), stderr: (l) => err.push(l), ...options });
  return { output, out, err };
}

Deno.test("paint() colours only when enabled", () => {
  assert.equal(paint("Call:", "cyan", { colour: false }), "Call:");
  assert.equal(paint("x", "cyan", { colour: true }), `${ESC}36mx${ESC}39m`);
  assert.equal(paint("x", "green", { colour: true }), `${ESC}32mx${ESC}39m`);
  assert.equal(paint("x", "magenta", { colour: true }), `${ESC}35mx${ESC}39m`);
  assert.equal(paint("x", "red", { colour: true }), `${ESC}31mx${ESC}39m`);
});

Deno.test("paint() writes the same codes as node:util styleText, nested closes included", () => {
  const colours = ["cyan", "green", "magenta", "red", "yellow", "blue", "gray", "bold"] as const;
  for (const colour of colours) {
    for (const text of ["x", "", "a\x1b[39mb\x1b[22mc", "\x1b[36mID\x1b[39m │ x"]) {
      assert.equal(paint(text, colour), styleText(colour, text, { validateStream: false }), `${colour} ${text}`);
    }
  }
});

Deno.test("colourEnabled() is false when the stream is not a terminal", () => {
  assert.equal(colourEnabled({ isTerminal: () => false }), false);
});

Deno.test("colourEnabled() is false when NO_COLOR is set, even on a terminal", async () => {
  const code = `import { colourEnabled } from "${new URL("../lib/output.ts", import.meta.url).href}";\n` +
    "console.log(colourEnabled({ isTerminal: () => true }), colourEnabled({ isTerminal: () => false }));\n";
  const args = ["eval", "--no-lock", "--no-config", code];
  const plain = await runDeno(args, { env: { NO_COLOR: "1" } });
  assert.equal(plain.stdout, "false false\n", plain.stderr);
  const coloured = await runDeno(args, { env: { NO_COLOR: undefined } });
  assert.equal(coloured.stdout, "true false\n", coloured.stderr);
});

Deno.test("Output with collectors is plain, and prints Call:, Response: and details in the original's style", () => {
  const { output, out, err } = collect();
  assert.equal(output.colour, false);
  assert.equal(output.colourErr, false);
  output.call("PATCH", "connections/abc", { paused: true });
  output.response("Success");
  output.detail("Paused");
  output.line("plain");
  output.error("POST groups failed: HTTP 400 InvalidInput: Bad");
  output.warn("careful");
  assert.deepEqual(out, ['Call: PATCH connections/abc {"paused":true}', "Response: Success", "Paused", "plain"]);
  assert.deepEqual(err, ["POST groups failed: HTTP 400 InvalidInput: Bad", "careful"]);
  for (const line of [...out, ...err]) assert.ok(!line.includes(ESC), line);
});

Deno.test("Output colours Call: cyan, Response: green, details magenta and errors red when asked", () => {
  const { output, out, err } = collect({ colour: true, colourErr: true });
  output.call("GET", "groups");
  output.response("Success");
  output.detail("3 groups");
  output.error("GET groups failed: HTTP 404 NotFound: No");
  assert.deepEqual(out, [
    `${ESC}36mCall: GET groups${ESC}39m`,
    `${ESC}32mResponse: Success${ESC}39m`,
    `${ESC}35m3 groups${ESC}39m`,
  ]);
  assert.deepEqual(err, [`${ESC}31mGET groups failed: HTTP 404 NotFound: No${ESC}39m`]);
});

Deno.test("Call: lines mask password, secret, private_key and token payload keys, however deep", () => {
  const payload = {
    service: "postgres",
    config: {
      user: "etl",
      password: "hunter2",
      private_key: "-----BEGIN",
      nested: [{ token: "tok", api_secret: "s", primary_key: "id" }],
    },
    secret: "webhook-secret",
    paused: false,
  };
  const line = formatCall({ method: "POST", endpoint: "connections", payload });
  assert.equal(
    line,
    'Call: POST connections {"service":"postgres","config":{"user":"etl","password":"******","private_key":"******",' +
      '"nested":[{"token":"******","api_secret":"******","primary_key":"id"}]},"secret":"******","paused":false}',
  );
  const { output, out } = collect({ colour: true });
  output.call("POST", "connections", payload);
  assert.ok(out[0].startsWith(`${ESC}36mCall: POST connections`));
  for (const leak of ["hunter2", "BEGIN", '"tok"', "webhook-secret"]) assert.ok(!out[0].includes(leak), leak);
  assert.equal(payload.config.password, "hunter2", "the payload itself is not changed");
  assert.equal(formatCall({ method: "GET", endpoint: "groups" }), "Call: GET groups");
  assert.equal(formatResponse("Success"), "Response: Success");
});

Deno.test("Output in JSON mode keeps stdout machine-readable", () => {
  const { output, out, err } = collect({ json: true });
  output.call("GET", "groups");
  output.json({ items: [1] });
  assert.deepEqual(out, ['{\n  "items": [\n    1\n  ]\n}']);
  assert.deepEqual(err, ["Call: GET groups"]);
});

Deno.test("Output prints on stdout as console.log did: same bytes, and a reader that goes away is no error", async () => {
  const script = [
    `import { Output } from "${new URL("../lib/output.ts", import.meta.url).href}";`,
    "const out = new Output();",
    "const n = Number(Deno.args[0]);",
    "for (let i = 0; i < n; i++) out.line(`│ row ${i} ünïcödé ✓ │\\n`.repeat(2000).trimEnd());",
    "console.error('done');",
  ].join("\n");
  const whole = await runDeno(["eval", "--ext=ts", script, "3"]);
  assert.equal(whole.code, 0, whole.stderr);
  const expected = [0, 1, 2].map((i) => `│ row ${i} ünïcödé ✓ │\n`.repeat(2000)).join("");
  assert.equal(whole.stdout, expected);
  // `| head -c 100`: the reader stops after the first chunk; the writer carries on and ends normally.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script, "200"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  await reader.cancel();
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  assert.equal(status.code, 0, stderr);
  assert.equal(stderr.trim(), "done");
});
