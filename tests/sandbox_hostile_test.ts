// Hostile input against every route of the sandbox (all 169 operations) and its admin endpoints: wrong JSON of every
// shape in every field, wrong headers and methods, raw path tricks, broken multipart uploads, webhooks aimed at the
// sandbox itself, a snapshot of a state full of secrets, hostile seeds. The rule: Fivetran's 4xx answers in its
// {code, message} shape, never a 5xx, a crash, a hang or a stack trace, and the sandbox keeps serving afterwards.
import assert from "node:assert/strict";
import { createManualClock, DEMO, ROUTES, type Sandbox, startSandbox } from "../lib/sandbox/mod.ts";
import { matchRoute, type Route } from "../lib/sandbox/routes.ts";
import { fillPath, hostileBodies, populate } from "./_hostile.ts";
import { readSpec, SPEC_URL, UNDER_CI } from "./_spec.ts";
import { call, withSandbox } from "./sandbox_helpers.ts";

const specText = readSpec("sandbox hostile-body test", "Hostile request bodies were NOT derived from the spec.");

const STACK = /\bat (?:file|ext|async):|\.ts:\d+:\d+|Sandbox error|InternalServerError/;

/** Check one answer: below 500, no stack, and an error answer is `{code, message}`. */
function checkAnswer(what: string, status: number, text: string): void {
  assert.ok(status < 500, `${what} -> ${status}: ${text.slice(0, 300)}`);
  assert.doesNotMatch(text, STACK, what);
  if (status >= 400) {
    let body: { code?: unknown; message?: unknown } | undefined;
    try {
      body = JSON.parse(text);
    } catch { /* checked below */ }
    assert.ok(
      typeof body?.code === "string" && typeof body?.message === "string",
      `${what} -> ${status}: not {code, message}: ${text.slice(0, 200)}`,
    );
  }
}

async function alive(sb: Sandbox): Promise<void> {
  const res = await call(sb, "GET", "/groups?limit=1");
  assert.equal(res.status, 200, "the sandbox keeps serving");
}

/** Routes in an order that deletes last, so the other routes meet existing resources. */
const ORDERED: Route[] = [...ROUTES].sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));

Deno.test({
  name: "sandbox answers wrong JSON of every shape, in every field of every route's body, with 4xx {code, message}",
  ignore: specText === undefined && !UNDER_CI,
  async fn() {
    if (specText === undefined) throw new Error(`CI=true but the spec is missing: ${SPEC_URL.pathname}`);
    const spec = JSON.parse(specText);
    await withSandbox({ connections: 20, clock: createManualClock() }, async (sb) => {
      const ids = await populate(sb);
      const origin = sb.baseUrl.replace(/\/v1$/, "");
      let n = 0;
      let accepted = 0;
      for (const route of ORDERED) {
        const path = fillPath(route, ids);
        for (const h of hostileBodies(spec, route, ids)) {
          const headers: Record<string, string> = { Authorization: sb.authorization };
          if (h.contentType) headers["Content-Type"] = h.contentType;
          const res = await fetch(origin + path, {
            method: route.method,
            headers,
            body: route.method === "GET" ? undefined : h.body,
          });
          const text = await res.text();
          checkAnswer(`${route.operationId} ${route.method} ${path} [${h.label}]`, res.status, text);
          n++;
          if (res.status < 300) accepted++;
        }
      }
      assert.ok(n > 5000, `only ${n} requests`);
      assert.ok(accepted > 300, `only ${accepted} accepted: the bodies don't reach the handlers' depths`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched");
      // JSON nested thousands deep is refused before anything recurses over it
      const deep = await call(sb, "POST", "/groups", {
        raw: "[".repeat(5000) + "]".repeat(5000),
        headers: { "Content-Type": "application/json" },
      });
      assert.equal(deep.status, 400);
      assert.match(deep.body.message, /nested deeper than 64/);
      await alive(sb);
      // whatever the hostile requests left behind snapshots, and the snapshot replays to the same state
      const snapshot = sb.snapshot();
      const again = await startSandbox({ seed: snapshot, clock: createManualClock() });
      try {
        assert.deepEqual(again.snapshot(), snapshot);
      } finally {
        await again.close();
      }
    });
  },
});

Deno.test("every route refuses missing credentials (401), an unacceptable Accept (406), a wrong Content-Type (415) and a method it lacks (405)", async () => {
  await withSandbox({ connections: 10, clock: createManualClock() }, async (sb) => {
    const ids = await populate(sb);
    const origin = sb.baseUrl.replace(/\/v1$/, "");
    const send = async (what: string, path: string, init: RequestInit): Promise<[number, Headers, string]> => {
      const res = await fetch(origin + path, init);
      const text = await res.text();
      checkAnswer(what, res.status, text);
      return [res.status, res.headers, text];
    };
    let refusedMethods = 0;
    for (const route of ORDERED) {
      const path = fillPath(route, ids);
      const body = route.method === "GET" ? undefined : "{}";
      const what = `${route.operationId} ${route.method} ${path}`;
      const json = { "Content-Type": "application/json" };
      const [noAuth] = await send(`${what} without credentials`, path, { method: route.method, headers: json, body });
      if (!route.path.startsWith("/public/")) assert.equal(noAuth, 401, what);
      const [badAuth] = await send(`${what} with a bearer token`, path, {
        method: route.method,
        headers: { ...json, Authorization: "Bearer x" },
        body,
      });
      if (!route.path.startsWith("/public/")) assert.equal(badAuth, 401, what);
      const auth = { Authorization: sb.authorization };
      const [html] = await send(`${what} Accept text/html`, path, {
        method: route.method,
        headers: { ...auth, ...json, Accept: "text/html" },
        body,
      });
      assert.equal(html, 406, `${what} Accept text/html`);
      if (route.method === "POST" || route.method === "PATCH") {
        const [wrongType] = await send(`${what} Content-Type text/plain`, path, {
          method: route.method,
          headers: { ...auth, "Content-Type": route.multipart ? "application/json" : "text/plain" },
          body: "{}",
        });
        assert.equal(wrongType, 415, `${what} with the wrong Content-Type`);
      }
      for (const method of ["GET", "POST", "PATCH", "DELETE", "PUT"]) {
        // (a concrete path may match another template: PATCH .../schemas/reload is the schema named "reload")
        if (matchRoute(method, new URL(path, "http://x").pathname).kind !== "method-not-allowed") continue;
        const [status, headers] = await send(`${method} ${path}`, path, { method, headers: auth });
        assert.equal(status, 405, `${method} ${path}`);
        assert.ok(headers.get("allow"), `${method} ${path} names the allowed methods`);
        refusedMethods++;
      }
    }
    assert.ok(refusedMethods > 300, `only ${refusedMethods} wrong methods tried`);
    await alive(sb);
  });
});

Deno.test("every route that takes a body refuses one over 1 MiB with 413, whether its length is announced or streamed", async () => {
  await withSandbox({ connections: 5, clock: createManualClock() }, async (sb) => {
    const ids = await populate(sb);
    const origin = sb.baseUrl.replace(/\/v1$/, "");
    const huge = new TextEncoder().encode(JSON.stringify({ name: "x".repeat(1_100_000) }));
    let n = 0;
    for (const route of ORDERED) {
      if (route.method === "GET" || route.multipart) continue;
      const path = fillPath(route, ids);
      const streamed = n++ % 2 === 1;
      const body = streamed
        ? new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < huge.length; i += 65_536) controller.enqueue(huge.slice(i, i + 65_536));
            controller.close();
          },
        })
        : huge;
      const res = await fetch(origin + path, {
        method: route.method,
        headers: { Authorization: sb.authorization, "Content-Type": "application/json" },
        body,
      });
      const text = await res.text();
      const what = `${route.operationId} ${route.method} ${path} (${streamed ? "streamed" : "Content-Length"})`;
      checkAnswer(what, res.status, text);
      assert.equal(res.status, 413, what);
      assert.equal(JSON.parse(text).code, "PayloadTooLarge", what);
    }
    assert.ok(n > 80, `${n} routes`);
    await alive(sb);
  });
});

Deno.test("malformed requests and refused creates don't use up the private-link (5/hour) and user-creation windows", async () => {
  await withSandbox({ connections: 5, clock: createManualClock() }, async (sb) => {
    const json = { "Content-Type": "application/json" };
    for (let i = 0; i < 6; i++) {
      assert.equal((await call(sb, "POST", "/private-links", { raw: "{bad", headers: json })).status, 400);
      assert.equal((await call(sb, "POST", "/private-links", { body: { name: `x${i}` } })).status, 400);
      assert.equal((await call(sb, "POST", "/private-links", { body: { name: "x", surplus: 1 } })).status, 400);
    }
    const link = (name: string) => ({
      name,
      region: "GCP_US_EAST4",
      service: "SOURCE_GCP",
      config: { private_connection_service_id: name },
    });
    for (let i = 0; i < 5; i++) {
      assert.equal((await call(sb, "POST", "/private-links", { body: link(`l${i}`) })).status, 201);
    }
    const sixth = await call(sb, "POST", "/private-links", { body: link("l5") });
    assert.equal(sixth.status, 429, "five creations per hour still hold");
    assert.match(sixth.body.message, /5 private link creations per hour/);
    for (let i = 0; i < 510; i++) {
      const res = await call(sb, "POST", "/users", { body: { email: "not an email" } });
      assert.equal(res.status, 400, `refused user creation ${i}`);
    }
    assert.equal(
      (await call(sb, "POST", "/users", { body: { email: "a@example.com", given_name: "A", family_name: "B" } }))
        .status,
      201,
    );
  });
});

/** Send a raw HTTP/1.1 request line (no normalization by a client) and answer the status and body. */
async function raw(sb: Sandbox, method: string, target: string): Promise<[number, string]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: sb.port });
  const head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${sb.authorization}\r\n` +
    `Content-Length: 0\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head));
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65_536);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  conn.close();
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return [status, text.slice(text.indexOf("\r\n\r\n") + 4)];
}

Deno.test("path tricks sent raw never reach an admin endpoint or another resource, and never crash the sandbox", async () => {
  await withSandbox({ connections: 5, clock: createManualClock() }, async (sb) => {
    await call(sb, "POST", "/groups", { body: { name: "Marker" } });
    const groups = sb.state.groups.size;
    const tricks: [string, string][] = [
      ["POST", "/v1/groups/../../_sandbox/reset"],
      ["POST", "/v1/%2e%2e/_sandbox/shutdown"],
      ["POST", "/v1/groups/%2E%2e/%2e./_sandbox/reset"],
      ["POST", "/v1/..%2f_sandbox%2freset"],
      ["GET", "/v1/groups/./rapid_harbor"],
      ["GET", "/v1/users/../groups"],
      ["GET", "/./v1/groups"],
      ["GET", "/v1/groups/%2e%2e"],
      ["GET", "/v1/groups/a%2Fb"],
      ["GET", "/v1/groups/%ZZ"],
      ["GET", "/v1/groups/%00"],
      ["GET", "/v1/groups/" + "a".repeat(30_000)],
      ["GET", "/v1/groups/\u00e9\u{1F642}"],
      ["GET", "/v1/groups?limit=%ZZ&cursor=%FF%FE"],
      ["BREW", "/v1/groups"],
      ["OPTIONS", "*"],
    ];
    for (const [method, target] of tricks) {
      const [status, body] = await raw(sb, method, target);
      const what = `${method} ${target.slice(0, 60)}`;
      assert.ok(status >= 400 && status < 500, `${what} -> ${status}`);
      checkAnswer(what, status, body);
    }
    assert.equal(sb.state.groups.size, groups, "no reset happened");
    assert.ok(sb.journal().some((e) => e.operationId === "create_group"), "the journal was not cleared");
    await alive(sb);
  });
});

Deno.test("broken multipart uploads get 400, 413 or 415 in Fivetran's shape on both Connector SDK upload routes", async () => {
  await withSandbox({ connections: 5, clock: createManualClock() }, async (sb) => {
    const ids = await populate(sb);
    const part = (boundary: string, disposition: string, content: string) =>
      `--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n${content}\r\n`;
    const file = 'form-data; name="file"; filename="a.zip"';
    const cases: [string, string, string][] = [
      ["no boundary", "multipart/form-data", part("x", file, "PK\x03\x04") + "--x--\r\n"],
      ["wrong boundary", "multipart/form-data; boundary=abc", part("zzz", file, "PK\x03\x04") + "--zzz--\r\n"],
      ["empty body", "multipart/form-data; boundary=abc", ""],
      ["unterminated", "multipart/form-data; boundary=abc", part("abc", file, "PK\x03\x04")],
      ["huge boundary", `multipart/form-data; boundary=${"b".repeat(5000)}`, `--${"b".repeat(5000)}--`],
      ["quoted odd boundary", 'multipart/form-data; boundary="a b\\"c"', '--a b"c--'],
      [
        "file as a text field",
        "multipart/form-data; boundary=abc",
        part("abc", 'form-data; name="file"', "PK") + "--abc--",
      ],
      ["part without a name", "multipart/form-data; boundary=abc", part("abc", "form-data", "PK") + "--abc--"],
      ["not a zip", "multipart/form-data; boundary=abc", part("abc", file, "plain text") + "--abc--"],
      [
        "5,000 parts",
        "multipart/form-data; boundary=abc",
        Array.from({ length: 5000 }, (_, i) => part("abc", `form-data; name="f${i}"`, "v")).join("") + "--abc--",
      ],
      ["JSON instead", "application/json", '{"file": "x"}'],
    ];
    for (
      const [method, path] of [["POST", "/connector-sdk/packages"], [
        "PATCH",
        `/connector-sdk/packages/${ids.package_id}`,
      ]]
    ) {
      for (const [label, type, body] of cases) {
        const res = await fetch(sb.baseUrl + path, {
          method,
          headers: { Authorization: sb.authorization, "Content-Type": type },
          body,
        });
        const text = await res.text();
        checkAnswer(`${method} ${path} ${label}`, res.status, text);
        assert.ok([400, 413, 415].includes(res.status), `${method} ${path} ${label} -> ${res.status}`);
      }
    }
    // a part over the 32 MiB upload limit
    const big = new Uint8Array(33 * 1024 * 1024);
    big.set([0x50, 0x4b, 3, 4]);
    const form = new FormData();
    form.append("file", new File([big], "big.zip"));
    const res = await fetch(`${sb.baseUrl}/connector-sdk/packages`, {
      method: "POST",
      headers: { Authorization: sb.authorization },
      body: form,
    });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).code, "PayloadTooLarge");
    await alive(sb);
  });
});

Deno.test("admin endpoints refuse a clock past year 9999, oversized bodies and odd parameters without breaking the sandbox", async () => {
  await withSandbox({ connections: 5, clock: createManualClock() }, async (sb) => {
    const admin = async (method: string, path: string, body?: string): Promise<[number, string]> => {
      const res = await fetch(sb.adminUrl + path, { method, body });
      const text = await res.text();
      checkAnswer(`${method} /_sandbox${path}`, res.status, text);
      return [res.status, text];
    };
    for (const ms of ["1e308", "8.64e15", "1e20", "Infinity", "-1", "abc"]) {
      const [status] = await admin("POST", `/advance?ms=${ms}`);
      assert.equal(status, 400, `advance ${ms}`);
    }
    assert.throws(() => sb.advance(1e300), RangeError);
    assert.equal((await admin("GET", ""))[0], 200, "the clock still reads");
    assert.equal((await admin("PUT", "/faults", "x".repeat(2 * 1024 * 1024)))[0], 413);
    assert.equal((await admin("PUT", "/faults", '{"spec": [1]}'))[0], 400);
    for (const q of ["since=abc", "since=-1&limit=-5", "limit=1e309", "since=1e400"]) {
      assert.equal((await admin("GET", `/journal?${q}`))[0], 200, q);
    }
    assert.equal((await admin("GET", "/webhooks?since=xyz"))[0], 200);
    assert.equal((await admin("GET", "/nope"))[0], 404);
    assert.equal((await admin("DELETE", "/snapshot"))[0], 404);
    await alive(sb);
  });
});

Deno.test("webhooks aimed at the sandbox itself are never called (no reset, shutdown or request loop)", async () => {
  await withSandbox({ connections: 5, clock: createManualClock(), syncSeconds: 1 }, async (sb) => {
    const origin = sb.baseUrl.replace(/\/v1$/, "");
    const withCreds = origin.replace("//", `//${sb.apiKey}:${sb.apiSecret}@`);
    const targets = [
      `${origin}/_sandbox/reset`,
      `${origin.replace("127.0.0.1", "localhost")}/_sandbox/shutdown`,
      `${withCreds}/v1/connections/${DEMO.warningConnectionId}/sync`,
    ];
    for (const url of targets) {
      const created = await call(sb, "POST", "/webhooks/account", {
        body: { url, events: ["sync_start", "sync_end"], active: true, secret: "s" },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const tested = await call(sb, "POST", `/webhooks/${created.body.data.id}/test`, { body: { event: "sync_end" } });
      assert.equal(tested.status, 200);
      assert.equal(tested.body.data.succeed, false, url);
      assert.match(tested.body.data.message, /the sandbox itself/);
    }
    // events fired by a sync are not delivered to it either
    await call(sb, "POST", `/connections/${DEMO.warningConnectionId}/sync`, { body: {} });
    sb.advance(2_000);
    await sb.webhooksIdle();
    const own = sb.webhookDeliveries().filter((d) => targets.includes(d.url));
    assert.ok(own.length >= 6, `${own.length} deliveries recorded`);
    assert.ok(own.every((d) => d.status === 0 && /the sandbox itself/.test(d.message)));
    assert.ok(sb.journal().every((e) => e.operationId !== "sync_connection" || e.status !== 400), "no self-call");
    assert.ok(sb.journal().length > 5, "the journal was not cleared by a reset");
    // plain http to a host that isn't loopback is refused at once
    for (const url of ["http://10.0.0.1/x", "http://example.com/x", "file:///etc/passwd", "javascript:alert(1)"]) {
      const res = await call(sb, "POST", "/webhooks/account", { body: { url, events: ["sync_end"] } });
      assert.equal(res.status, 400, url);
    }
    await alive(sb);
  });
});

Deno.test("a snapshot of a state full of secrets holds none of them, nor does the journal", async () => {
  await withSandbox({ connections: 10, clock: createManualClock() }, async (sb) => {
    const secret = (n: number) => `S3CRET_${n}_value`;
    const ok = async (method: string, path: string, body: unknown) => {
      const res = await call(sb, method, path, { body });
      assert.ok(res.status < 300, `${method} ${path}: ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    await ok("POST", "/webhooks/account", { url: "http://127.0.0.1:9/h", events: ["sync_end"], secret: secret(1) });
    await ok("POST", "/connections", {
      group_id: DEMO.smallGroupId,
      service: "postgres",
      run_setup_tests: false,
      config: { schema_prefix: "snap", host: "h", port: 5432, database: "d", user: "u", password: secret(2) },
    });
    await ok("POST", "/external-logging", {
      group_id: DEMO.bigGroupId,
      service: "datadog_log",
      config: { api_key: secret(3), region: "US1" },
    });
    await ok("POST", "/external-secrets-managers", {
      type: "AWS_SECRET_MANAGER",
      name: "e",
      config: { role_arn: "r", external_id: "e", secret_key: secret(4) },
    });
    await ok("PATCH", `/destinations/${DEMO.smallGroupId}`, { time_zone_offset: "0", config: { password: secret(5) } });
    const issued = [
      (await ok("POST", "/hybrid-deployment-agents", {
        display_name: "a",
        group_id: DEMO.smallGroupId,
        env_type: "DOCKER",
        accept_terms: true,
      })).token,
      ...Object.values((await ok("POST", "/proxy", { display_name: "p", group_region: "GCP_US_EAST4" })) as object)
        .filter((v) => typeof v === "string" && v.length > 24),
      (await ok("POST", "/system-keys", { name: "k", permissions: [{ resource_type: "USER", access_level: "READ" }] }))
        .secret,
      (await ok("POST", "/hvr/register-hub", { hub_server_url: "https://hub.example", port: 4343, fingerprint: "AB" }))
        .access_token,
      (await ok("POST", `/connections/${DEMO.renamedConnectionId}/connect-card`, {
        connect_card_config: { redirect_uri: "https://x.example" },
      })).connect_card.token,
    ].filter((v): v is string => typeof v === "string");
    assert.ok(issued.length >= 5, `${issued.length} issued secrets`);
    const snapshot = await (await fetch(`${sb.adminUrl}/snapshot`)).text();
    const journal = await (await fetch(`${sb.adminUrl}/journal`)).text();
    for (const s of [1, 2, 3, 4, 5].map(secret).concat(issued, [sb.apiSecret])) {
      assert.ok(!snapshot.includes(s), `snapshot leaks ${s.slice(0, 12)}…`);
      assert.ok(!journal.includes(s), `journal leaks ${s.slice(0, 12)}…`);
    }
    // and it replays
    const again = await startSandbox({ seed: JSON.parse(snapshot), clock: createManualClock() });
    try {
      assert.equal(again.state.connections.size, sb.state.connections.size);
    } finally {
      await again.close();
    }
  });
});

Deno.test("hostile seeds are refused at start-up with one clear message; odd but valid ones serve every GET route", async () => {
  const G = { id: "g1", name: "G" };
  const C = { id: "c1", group_id: "g1", service: "postgres", config: { schema_prefix: "s" } };
  const refused: [string, unknown, RegExp][] = [
    ["a number", 42, /must be a JSON object/],
    ["groups not a list", { groups: {} }, /'groups' must be an array/],
    ["a null group", { groups: [null] }, /groups\[0\] must be an object/],
    ["a group without id", { groups: [{ name: "x" }] }, /'id' must be a non-empty string/],
    ["a numeric id", { groups: [{ id: 5, name: "x" }] }, /'id' must be a non-empty string/],
    ["the same id twice", { groups: [G, G] }, /id 'g1' twice/],
    ["a user without email", { users: [{ id: "u" }] }, /'email' must be/],
    [
      "a user in an unknown group",
      { groups: [G], users: [{ id: "u", email: "u@x", groups: ["nope"] }] },
      /unknown group 'nope'/,
    ],
    ["an unknown account user", { account: { user_id: "ghost" } }, /unknown user 'ghost'/],
    ["a connection of an unknown group", { connections: [C] }, /unknown group 'g1'/],
    ["a time past year 9999", { groups: [{ ...G, created_at: 1e300 }] }, /before year 10000/],
    ["a time string past year 9999", { groups: [{ ...G, created_at: "now+9999999d" }] }, /before year 10000/],
    [
      "a webhook of an unknown group",
      { webhooks: [{ id: "w", type: "group", group_id: "nope", url: "https://x", events: ["sync_end"] }] },
      /unknown group 'nope'/,
    ],
    [
      "webhook events as a string",
      { webhooks: [{ id: "w", type: "account", url: "https://x", events: "sync_end" }] },
      /events must be an array/,
    ],
    [
      "a transformation of unknown connections",
      { transformations: [{ id: "t", connection_ids: ["ghost"] }] },
      /unknown connection 'ghost'/,
    ],
    [
      "a team member who doesn't exist",
      { teams: [{ id: "t", name: "T", users: [{ id: "ghost" }] }] },
      /unknown user 'ghost'/,
    ],
    ["two destinations in a group", {
      groups: [G],
      destinations: [{ group_id: "g1", service: "snowflake" }, { group_id: "g1", service: "snowflake" }],
    }, /two destinations/],
    ["platform as a list", { platform: [] }, /'platform' must be an object/],
    ["a null proxy agent", { platform: { proxy_agents: [null] } }, /platform\.proxy_agents\[0\] must be an object/],
    ["proxy agents not a list", { platform: { proxy_agents: {} } }, /'platform\.proxy_agents' must be an array/],
    ["a system key without id", { platform: { system_keys: [{ name: "k" }] } }, /platform\.system_keys\[0\]: 'id'/],
    [
      "a link to an unknown connection",
      { platform: { links: [{ connection_id: "ghost", proxy_agent_id: "p" }] } },
      /unknown connection/,
    ],
  ];
  for (const [what, seed, message] of refused) {
    await assert.rejects(() => startSandbox({ seed: seed as never, clock: createManualClock() }), (e: Error) => {
      assert.match(e.message, message, what);
      assert.doesNotMatch(e.message, /Cannot read|undefined \(reading|is not iterable/, what);
      return true;
    }, what);
  }
  const served: [string, unknown][] = [
    ["a connection whose id is its group's", { groups: [G], connections: [{ ...C, id: "g1" }] }],
    ["an unknown service", { groups: [G], connections: [{ ...C, service: "no_such_service" }] }],
    ["schemas of the wrong shape", { groups: [G], connections: [{ ...C, schemas: { s: { tables: null } } }] }],
    ["20,000 connections", {
      groups: [G],
      connections: Array.from(
        { length: 20_000 },
        (_, i) => ({ ...C, id: `c${i}`, config: { schema_prefix: `s${i}` } }),
      ),
    }],
  ];
  for (const [what, seed] of served) {
    await withSandbox({ seed: seed as never, clock: createManualClock() }, async (sb) => {
      const origin = sb.baseUrl.replace(/\/v1$/, "");
      for (const r of ROUTES) {
        if (r.method !== "GET" || r.binary) continue;
        const path = r.path.replace(
          /\{[^}]+\}/g,
          (p) => p === "{groupId}" ? "g1" : p === "{connectionId}" ? "c1" : "x",
        );
        const res = await fetch(origin + path, { headers: { Authorization: sb.authorization } });
        checkAnswer(`${what}: GET ${path}`, res.status, await res.text());
      }
      const snap = await fetch(`${sb.adminUrl}/snapshot`);
      checkAnswer(`${what}: snapshot`, snap.status, await snap.text());
    });
  }
});
