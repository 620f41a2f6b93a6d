// The sandbox driven by a client this project did not write: Debian's python3-requests, and curl.
import assert from "node:assert/strict";
import { withSandbox } from "./sandbox_helpers.ts";

const UNDER_CI = Deno.env.get("CI") === "true";
const PYTHON = "/usr/bin/python3"; // Debian's, with python3-requests (not a pyenv python3 on PATH)
const SCRIPT = new URL("./clients/python_requests_client.py", import.meta.url).pathname;
const SEED = {
  groups: ["a", "b", "c", "d", "e"].map((x) => ({ id: `group_${x}`, name: `Group ${x}` })),
  users: [{ id: "u1", email: "admin@acme.example", given_name: "Ada" }],
};

async function available(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

function skipLoudly(what: string): void {
  if (UNDER_CI) throw new Error(`CI=true but ${what} is missing`);
  console.error(`\n!! SKIPPED: ${what} is not installed (apt-get install python3-requests curl)\n`);
}

Deno.test("sandbox serves python3-requests: paging, string booleans, masking, errors", async () => {
  if (!await available(PYTHON, ["-c", "import requests"])) return skipLoudly("python3-requests");
  await withSandbox({ seed: SEED }, async (sb) => {
    const out = await new Deno.Command(PYTHON, {
      args: [SCRIPT],
      env: { FIVETRAN_BASE_URL: sb.baseUrl, FIVETRAN_API_KEY: sb.apiKey, FIVETRAN_API_SECRET: sb.apiSecret },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /all checks passed/);
    assert.doesNotMatch(text, /FAIL/);
  });
});

Deno.test("sandbox serves curl with -u key:secret", async () => {
  if (!await available("curl", ["--version"])) return skipLoudly("curl");
  await withSandbox({ seed: SEED }, async (sb) => {
    const out = await new Deno.Command("curl", {
      args: ["-sS", "-u", `${sb.apiKey}:${sb.apiSecret}`, "-w", "\n%{http_code}", `${sb.baseUrl}/groups?limit=2`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const [body, status] = new TextDecoder().decode(out.stdout).split("\n");
    assert.equal(status, "200");
    const parsed = JSON.parse(body);
    assert.equal(parsed.data.items.length, 2);
    assert.match(parsed.data.next_cursor, /[+/=]/);
  });
});
