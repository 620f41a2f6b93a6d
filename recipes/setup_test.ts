#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * setup_test.ts — run the setup tests of one connection (or a few), or of every broken connection of a group
 * (`POST /v1/connections/{id}/test`), and show a table of each test's status and message. Nothing is trusted unless
 * asked (`--trust-certificates`, `--trust-fingerprints`). Exits 1 when any connection still fails its tests.
 *
 * ```sh
 * deno run -P recipes/setup_test.ts --connection-id crimson_ledger
 * deno run -P recipes/setup_test.ts --group-id rapid_harbor --trust-certificates
 * ```
 *
 * @module
 */
import { BULK_FLAGS, bulkFlags, reportBulk, runBulk } from "../lib/bulk.ts";
import { invalidAnswer } from "../lib/client/errors.ts";
import { checkListedIds } from "./_api_id.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";

interface Connection {
  id: string;
  service?: string;
  schema?: string;
  status?: { setup_state?: string };
}

interface SetupTest {
  title?: string;
  status?: string;
  message?: string;
}

interface TestData {
  id?: string;
  service?: string;
  schema?: string;
  status?: { setup_state?: string };
  setup_tests?: SetupTest[];
}

/** What the setup tests of one connection showed. */
interface Outcome {
  id: string;
  service?: string;
  before?: string;
  after?: string;
  tests: SetupTest[];
  error?: string;
}

const FAILING = new Set(["FAILED", "JOB_FAILED"]);

/** Whether a connection still fails: a failed test, or a setup state other than connected. */
function fails(o: Outcome): boolean {
  return o.error !== undefined || o.tests.some((t) => FAILING.has(t.status ?? "")) ||
    (o.after !== undefined && o.after !== "connected");
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "setup_test.ts",
  summary: "Run setup tests for connections (or a group's broken ones); a table of every test; exit 1 if any fails",
  description: [
    "Targets: --connection-id ID (repeatable) or --group-id ID (its connections whose setup state is 'broken').",
    "Sends POST connections/{id}/test for each, --concurrency at a time, and prints one table row per test",
    "(connection, test, status, message), then each connection's setup state. Nothing is trusted unless asked:",
    "--trust-certificates / --trust-fingerprints accept the TLS certificate / SSH host key the source presents.",
    "Exit 1 when any connection still fails (a FAILED test, or a setup state other than connected).",
    "Requests: 1 POST per connection (+1 GET when the answer lacks the setup state); a group adds one GET per",
    "1,000 connections listed.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/setup_test.ts --connection-id crimson_ledger",
    "deno run -P recipes/setup_test.ts --group-id rapid_harbor --trust-certificates --json",
  ],
  flags: {
    "connection-id": { type: "string", multiple: true, valueName: "ID", description: "A connection to test" },
    "group-id": { type: "string", valueName: "ID", description: "Test every broken connection of this group" },
    "trust-certificates": { type: "boolean", description: "Trust the TLS certificate the source presents" },
    "trust-fingerprints": { type: "boolean", description: "Trust the SSH host key the source presents" },
    ...BULK_FLAGS,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const ids = ctx.ids("connection-id");
    const groupId = ctx.id("group-id");
    if (ids.length === 0 && !groupId) throw new UsageError("Missing --connection-id or --group-id (see --help)");
    if (ids.length > 0 && groupId) throw new UsageError("Expected --connection-id or --group-id, got both");
    const { concurrency, resumeFrom } = bulkFlags(ctx);
    const body = {
      trust_certificates: ctx.flags["trust-certificates"] === true,
      trust_fingerprints: ctx.flags["trust-fingerprints"] === true,
    };

    let targets: Connection[];
    if (groupId) {
      const client = ctx.client; // made first: missing credentials end the run before any Call: line
      ctx.out.call("GET", `groups/${groupId}/connections (all pages)`);
      const all = await Array.fromAsync(
        client.paginate<Connection>(`groups/${groupId}/connections`, { limit: 1000, signal: ctx.signal }),
      );
      ctx.out.response("Success");
      checkListedIds(all, `groups/${groupId}/connections`);
      targets = all.filter((c) => c.status?.setup_state === "broken");
      ctx.out.detail(`${all.length} connections in group ${groupId}, ${targets.length} broken`);
    } else {
      targets = ids.map((id) => ({ id }));
    }

    const outcomes = new Map<string, Outcome>();
    const summary = await runBulk(targets, {
      op: "setup_test",
      key: (c) => c.id,
      concurrency,
      signal: ctx.signal,
      // A setup test may run for minutes: Ctrl-C stops waiting for it (nothing is half done by not waiting).
      onInterrupt: "abort",
      now: ctx.now,
      ...(resumeFrom !== undefined && !ctx.dryRun ? { resumeFrom } : {}),
      async run(c, signal) {
        const outcome: Outcome = { id: c.id, service: c.service, before: c.status?.setup_state, tests: [] };
        outcomes.set(c.id, outcome);
        if (ctx.dryRun) {
          ctx.out.call("POST", `connections/${c.id}/test`, body);
          await ctx.client.request("POST", `connections/${c.id}/test`, body);
          return { status: "done", detail: "would run the setup tests (dry run)" };
        }
        try {
          const response = await ctx.client.request<TestData>("POST", `connections/${c.id}/test`, body, { signal });
          outcome.tests = Array.isArray(response.data?.setup_tests) ? response.data.setup_tests : [];
          outcome.service ??= response.data?.service;
          outcome.after = response.data?.status?.setup_state;
          if (typeof outcome.after !== "string") {
            const fresh = await ctx.client.request<Connection>("GET", `connections/${c.id}`, undefined, { signal });
            outcome.after = fresh.data?.status?.setup_state;
            outcome.service ??= fresh.data?.service;
          }
          if (typeof outcome.after !== "string") {
            // Neither answer says the setup state: that is not a pass.
            outcome.after = undefined;
            throw invalidAnswer(
              `connections/${c.id}`,
              "Expected the connection's status.setup_state in the answer, got none",
            );
          }
        } catch (error) {
          outcome.error = (error as Error).message.split("\n")[0];
          throw error;
        }
        const failed = outcome.tests.find((t) => FAILING.has(t.status ?? ""));
        ctx.log.write(
          fails(outcome) ? "warn" : "info",
          `setup_test: ${c.id}: setup state ${outcome.after ?? "unknown"}${
            failed ? `; ${failed.title} failed: ${failed.message ?? ""}` : ""
          }`,
        );
        if (fails(outcome)) {
          throw new Error(
            `${failed ? `${failed.title}: ${failed.message ?? "failed"}` : `setup state ${outcome.after}`}`,
          );
        }
        return { status: "done", detail: `passed: ${outcome.after}` };
      },
    });

    const tested = [...outcomes.values()].filter((o) => o.tests.length > 0 || o.error !== undefined);
    if (!ctx.dryRun && tested.length > 0) {
      const rows = tested.flatMap((o) =>
        o.error !== undefined
          ? [{ o, title: "(could not run the tests)", status: "ERROR", message: o.error }]
          : o.tests.map((t) => ({ o, title: t.title ?? "?", status: t.status ?? "?", message: t.message ?? "" }))
      );
      ctx.table(rows, [
        { header: "Connection", value: (r) => r.o.id },
        { header: "Test", value: (r) => r.title },
        { header: "Status", value: (r) => r.status },
        { header: "Message", value: (r) => r.message.slice(0, 120) },
      ]);
      for (const o of tested) {
        ctx.out.painted(
          fails(o) ? "red" : "green",
          `${o.id}${o.service ? ` (${o.service})` : ""}: setup state ${o.before ? `${o.before} → ` : ""}${
            o.after ?? "unknown"
          }${fails(o) ? " — still failing" : " — passes"}`,
        );
      }
    }
    if (targets.length === 0) ctx.out.detail("Nothing to test");
    return reportBulk(ctx, summary, {
      noun: "connection",
      done: ctx.dryRun ? "would be tested" : "passing",
      already: "already passing",
      command: `setup_test.ts ${groupId ? `--group-id ${groupId}` : ids.map((i) => `--connection-id ${i}`).join(" ")}`,
      json: {
        ...(groupId ? { group_id: groupId } : {}),
        dry_run: ctx.dryRun,
        trust: body,
        connections: [...outcomes.values()].map((o) => ({
          id: o.id,
          service: o.service,
          before: o.before,
          after: o.after,
          passes: !ctx.dryRun && !fails(o),
          tests: o.tests,
          ...(o.error !== undefined ? { error: o.error } : {}),
        })),
      },
    });
  },
});

if (import.meta.main) await runMain(main);
