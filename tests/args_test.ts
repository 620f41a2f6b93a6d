// Flags (lib/args.ts): the parseArgs forms recipes accept, and one clear line for what they do not.
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { type FlagOption, parseFlags } from "../lib/args.ts";
import { main as pause } from "../recipes/pause.ts";
import { main as statusPagination } from "../recipes/status_pagination.ts";
import { nullLog } from "../lib/log.ts";
import { startServer } from "./_server.ts";

const OPTIONS: Record<string, FlagOption> = {
  "group-id": { type: "string" },
  "connection-id": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
  yes: { type: "boolean", short: "y" },
  json: { type: "boolean" },
  limit: { type: "string", short: "l" },
};

Deno.test("parseFlags() reads every form parseArgs reads, to the same values", () => {
  const cases = [
    [],
    ["--group-id", "g1"],
    ["--group-id=g1", "--json"],
    ["--group-id", "g1", "--group-id", "g2"],
    ["--connection-id", "a", "--connection-id=b", "--connection-id", "c"],
    ["-h"],
    ["-hy"],
    ["-y", "-l", "5"],
    ["-l5"],
    ["--limit="],
    ["--limit", "-"],
    ["--limit=--json"],
    ["--json", "--"],
    ["--group-id", "a b=c"],
  ];
  for (const args of cases) {
    const expected = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
    assert.deepEqual(parseFlags(args, OPTIONS).values, { ...expected }, args.join(" "));
  }
});

Deno.test("parseFlags() takes a negative number as a value, so the flag's own check can name what it expects", () => {
  for (const value of ["-1", "-0.5", "-.5", "-1e3", "-64"]) {
    assert.equal(parseFlags(["--limit", value], OPTIONS).values.limit, value);
    assert.equal(parseFlags(["-l", value], OPTIONS).values.limit, value);
  }
});

Deno.test("parseFlags() rejects bad flags in one line that names the flag and never echoes the stray value", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^Unknown option '--bogus'$/],
    [["--bogus=hunter2"], /^Unknown option '--bogus'$/],
    [["-z"], /^Unknown option '-z'$/],
    [["--json=yes"], /^Option '--json' takes no value$/],
    [["--group-id"], /^Expected a value after --group-id, got nothing$/],
    [["--group-id", "--json"], /^Expected a value after --group-id, got the flag --json$/],
    [["-l", "-h"], /^Expected a value after -l, got the flag -h$/],
    [["--group-id", "-secretish"], /^Expected a value after --group-id, got an argument starting with '-' \(write/],
    [["hunter2"], /^Unexpected argument: this command takes only flags/],
    [["--json", "--", "hunter2"], /^Unexpected argument after '--'/],
  ];
  for (const [args, pattern] of cases) {
    assert.throws(() => parseFlags(args, OPTIONS), (error: Error) => {
      assert.ok(error instanceof TypeError, args.join(" "));
      assert.match(error.message, pattern, args.join(" "));
      assert.ok(!error.message.includes("\n"));
      assert.ok(!error.message.includes("hunter2") && !error.message.includes("secretish"), error.message);
      return true;
    });
  }
});

Deno.test("a recipe given --concurrency -1 says what --concurrency expects, not that the argument is ambiguous", async () => {
  await using server = startServer();
  const err: string[] = [];
  const deps = {
    stdout: () => {},
    stderr: (line: string) => err.push(line),
    log: nullLog(),
    clientOptions: { apiKey: "key-1234abcd", apiSecret: "sec-5678efgh", baseUrl: server.baseUrl },
  };
  assert.equal(await pause(["--group-id", "g1", "--concurrency", "-1"], deps), 2);
  assert.deepEqual(err, ["Expected --concurrency to be an integer from 1 to 64, got '-1'"]);
  err.length = 0;
  assert.equal(await statusPagination(["--group-id", "g1", "--limit", "-5"], deps), 2);
  assert.deepEqual(err, ["Expected --limit to be an integer from 1 to 1000, got '-5'"]);
  err.length = 0;
  assert.equal(await pause(["--connection-id", "--json"], deps), 2);
  assert.deepEqual(err, ["Expected a value after --connection-id, got the flag --json (see --help)"]);
  assert.equal(server.requests.length, 0);
});
