/**
 * A client this project did not write drives the sandbox: Debian's python3 with `requests` manages a team's
 * memberships, a destination's certificates and reads the public connector list, the way a script written against
 * the live API would. Without python3-requests the test is skipped loudly; under CI=true it fails instead.
 */

import assert from "node:assert/strict";
import { createManualClock, DEMO } from "../lib/sandbox/mod.ts";
import { withSandbox } from "./sandbox_helpers.ts";

const PYTHON = "/usr/bin/python3";
const IN_CI = Deno.env.get("CI") === "true";

async function findMissing(): Promise<string | undefined> {
  try {
    const { code } = await new Deno.Command(PYTHON, { args: ["-c", "import requests"], stdout: "null", stderr: "null" })
      .output();
    return code === 0 ? undefined : "the python3 'requests' module is not installed (apt-get install python3-requests)";
  } catch {
    return `${PYTHON} is missing`;
  }
}

const MISSING = await findMissing();
if (MISSING && !IN_CI) {
  console.warn(`\n${"!".repeat(90)}\n!!! SKIPPING the python3-requests sandbox test: ${MISSING}.\n${"!".repeat(90)}\n`);
}

// Prints one JSON line per step: [step, status, code or data].
const SCRIPT = `
import json, os, sys, requests
base = os.environ["FIVETRAN_BASE_URL"]
s = requests.Session()
s.auth = (os.environ["FIVETRAN_API_KEY"], os.environ["FIVETRAN_API_SECRET"])
s.headers["Accept"] = "application/json"
def out(step, r, pick=lambda b: b.get("code")):
    print(json.dumps([step, r.status_code, pick(r.json())]))
team = sys.argv[1]; user = sys.argv[2]; group = sys.argv[3]
out("add", s.post(f"{base}/teams/{team}/users", json={"user_id": user, "role": "Team Member"}),
    lambda b: b["data"]["role"])
out("list", s.get(f"{base}/teams/{team}/users", params={"limit": 1}), lambda b: len(b["data"]["items"]))
out("patch", s.patch(f"{base}/teams/{team}/users/{user}", json={"role": "Team Manager"}), lambda b: b["data"]["role"])
out("bad_role", s.post(f"{base}/teams/{team}/groups", json={"id": group, "role": "Team Member"}))
out("group", s.post(f"{base}/teams/{team}/groups", json={"id": group, "role": "View Destination"}),
    lambda b: b["data"]["id"])
out("cert", s.post(f"{base}/destinations/{group}/certificates", json={"hash": "py1", "encoded_cert": "MIIB"}),
    lambda b: b["data"]["hash"])
out("certs", s.get(f"{base}/destinations/{group}/certificates"), lambda b: [c["hash"] for c in b["data"]["items"]])
out("remove", s.delete(f"{base}/teams/{team}/users/{user}"), lambda b: b["message"])
out("gone", s.get(f"{base}/teams/{team}/users/{user}"))
root = base.rsplit("/v1", 1)[0]
out("public", requests.get(f"{root}/public/connector-types"), lambda b: len(b["data"]))
`;

Deno.test({
  name: "sandbox memberships, destination certificates and public metadata work from python3-requests",
  ignore: MISSING !== undefined && !IN_CI,
  async fn() {
    if (MISSING) throw new Error(`python3-requests is required under CI=true: ${MISSING}`);
    await withSandbox({ connections: 10, clock: createManualClock() }, async (sb) => {
      const { code, stdout, stderr } = await new Deno.Command(PYTHON, {
        args: ["-c", SCRIPT, DEMO.teamId, DEMO.userId, DEMO.smallGroupId],
        env: {
          FIVETRAN_BASE_URL: sb.baseUrl,
          FIVETRAN_API_KEY: sb.apiKey,
          FIVETRAN_API_SECRET: sb.apiSecret,
          NO_PROXY: "127.0.0.1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(stderr);
      assert.equal(code, 0, err);
      const steps = Object.fromEntries(
        new TextDecoder().decode(stdout).trim().split("\n").map((line) => {
          const [step, status, value] = JSON.parse(line);
          return [step, [status, value]];
        }),
      );
      assert.deepEqual(steps, {
        add: [201, "Team Member"],
        list: [200, 1],
        patch: [200, "Team Manager"],
        bad_role: [400, "InvalidInput"],
        group: [201, DEMO.smallGroupId],
        cert: [201, "py1"],
        certs: [200, ["py1"]],
        remove: [200, "User has been removed from the team"],
        gone: [404, "NotFound_User"],
        public: [200, 773],
      });
    });
  },
});
