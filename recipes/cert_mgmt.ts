#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * cert_mgmt.ts — certificate management for a group: lists every connection of the group (all pages), and
 * for each one whose setup state is `broken` runs the setup tests trusting the certificates and SSH host
 * keys it presents (`POST /v1/connections/{id}/test` with `{"trust_certificates": true, "trust_fingerprints": true}`).
 * Prints each test's title, status and message, then a summary: how many were fixed and how many are still
 * broken. Exits 1 when any is still broken (e.g. a wrong password, which trusting cannot fix).
 *
 * ```sh
 * deno run -P recipes/cert_mgmt.ts --group-id rapid_harbor
 * ```
 *
 * @module
 */
import { AtlasError } from "../lib/client/errors.ts";
import { BULK_FLAGS, bulkFlags, reportBulk, runBulk } from "../lib/bulk.ts";
import type { Colour } from "../lib/output.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { Connection as ConnectionAnswer, Read, SetupTestResult } from "../lib/spec/types.ts";
import type { DataOf, OperationOf } from "../lib/client/typed.ts";

type Connection = Read<ConnectionAnswer> & { id: string };
type SetupTest = Read<SetupTestResult>;
type TestData = Read<DataOf<OperationOf<"/v1/connections/{connectionId}/test", "post">>>;

/** What the setup tests of one connection showed. */
interface Outcome {
  connection: Connection;
  after?: string;
  tests: SetupTest[];
  error?: string;
}

const TRUST = { trust_certificates: true, trust_fingerprints: true } as const;

const STATUS_COLOUR: Record<string, Colour> = {
  PASSED: "green",
  FAILED: "red",
  JOB_FAILED: "red",
  WARNING: "yellow",
  SKIPPED: "gray",
};

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "cert_mgmt.ts",
  summary: "Re-run the setup tests of a group's broken connections, trusting certificates and host keys",
  description: [
    "Lists every connection of the group (all pages). For each one whose setup state is 'broken' it sends",
    'POST connections/{id}/test {"trust_certificates": true, "trust_fingerprints": true} and prints each test\'s',
    "title, status and message. A connection is fixed when its setup state is then 'connected'.",
    "Ends with a summary; exits 1 when any connection is still broken or could not be tested.",
    "--dry-run lists the tests it would run and sends nothing but the listing GETs.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/cert_mgmt.ts --group-id rapid_harbor",
    "deno run -P recipes/cert_mgmt.ts --group-id rapid_harbor --dry-run",
  ],
  flags: {
    "group-id": { type: "string", valueName: "ID", required: true, description: "The group (destination)" },
    limit: {
      type: "string",
      valueName: "N",
      description: "Page size when listing connections, 1..1000 (default 1000)",
    },
    ...BULK_FLAGS,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const groupId = ctx.id("group-id", { required: true })!;
    const { concurrency, retryFailed, resumeFrom } = bulkFlags(ctx);
    const limitText = ctx.string("limit");
    if (limitText !== undefined && (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000)) {
      throw new UsageError(`Expected --limit to be an integer from 1 to 1000, got '${limitText.slice(0, 40)}'`);
    }
    const limit = limitText === undefined ? 1000 : Number(limitText);

    const endpoint = `groups/${groupId}/connections`;
    const client = ctx.client; // made first: missing credentials end the run before any Call: line
    ctx.out.call("GET", endpoint);
    const connections: Connection[] = [];
    for await (const c of client.paginate<Connection>(endpoint, { limit, signal: ctx.signal })) {
      connections.push(c);
    }
    ctx.out.response("Success");
    const broken = connections.filter((c) => c.status?.setup_state === "broken");
    ctx.out.detail(
      `${connections.length} connection${
        connections.length === 1 ? "" : "s"
      } in group ${groupId}, ${broken.length} broken`,
    );
    if (broken.length > 0) {
      ctx.table(broken, [
        { header: "ID", value: (c) => c.id },
        { header: "Service", value: (c) => c.service },
        { header: "Schema", value: (c) => c.schema },
        { header: "Setup state", value: (c) => c.status?.setup_state },
      ]);
    }

    if (ctx.dryRun) {
      for (const c of broken) await ctx.call("POST", `connections/${c.id}/test`, TRUST);
      ctx.out.detail(
        `Dry run: would run the setup tests of ${broken.length} broken connection${broken.length === 1 ? "" : "s"}`,
      );
      if (ctx.json) {
        ctx.out.json({
          group_id: groupId,
          connections: connections.length,
          dry_run: true,
          would_test: broken.map((c) => ({ id: c.id, service: c.service, schema: c.schema })),
        });
      }
      return 0;
    }

    const outcomes = new Map<string, Outcome>();
    const summary = await runBulk(broken, {
      op: "cert_mgmt",
      key: (c) => c.id,
      concurrency,
      retryFailed,
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
      signal: ctx.signal,
      now: ctx.now,
      async run(c, signal) {
        const outcome: Outcome = { connection: c, tests: [] };
        outcomes.set(c.id, outcome);
        try {
          const response = await ctx.client.request<TestData>("POST", `connections/${c.id}/test`, TRUST, { signal });
          outcome.tests = Array.isArray(response.data?.setup_tests) ? response.data.setup_tests : [];
          outcome.after = response.data?.status?.setup_state;
          if (outcome.after === undefined) {
            const fresh = await ctx.client.request<Connection>("GET", `connections/${c.id}`, undefined, { signal });
            outcome.after = fresh.data?.status?.setup_state;
          }
        } catch (error) {
          outcome.error = error instanceof AtlasError ? error.message : String(error);
          throw error;
        }
        if (outcome.after === "connected") {
          ctx.log.write("info", `cert_mgmt: setup tests of connection ${c.id} passed; connected`);
          return { status: "done", detail: "fixed: connected" };
        }
        const failed = outcome.tests.find((t) => t.status === "FAILED" || t.status === "JOB_FAILED");
        const reason = `still ${outcome.after ?? "broken"}${
          failed ? `: ${failed.title}: ${failed.message ?? ""}` : ""
        }`;
        ctx.log.write("warn", `cert_mgmt: connection ${c.id} ${reason}`);
        throw new Error(reason);
      },
      onResult(result) {
        const outcome = outcomes.get(result.key);
        if (!outcome || result.status === "skipped") {
          ctx.out.detail(`${result.key}: skipped (fixed in an earlier run, per ${resumeFrom})`);
          return;
        }
        ctx.out.call("POST", `connections/${result.key}/test`, TRUST);
        if (outcome.error) {
          ctx.out.error(`${result.key}: ${outcome.error}`);
          return;
        }
        ctx.out.response("Success");
        for (const t of outcome.tests) {
          ctx.out.painted(
            STATUS_COLOUR[t.status ?? ""] ?? "magenta",
            `  ${t.status ?? "?"} ${t.title ?? "(untitled)"}${t.message ? ` — ${t.message}` : ""}`,
          );
        }
        ctx.out.painted(
          outcome.after === "connected" ? "green" : "red",
          `${result.key} (${outcome.connection.service ?? "?"}): setup state ${outcome.after ?? "unknown"}${
            outcome.after === "connected" ? " — fixed" : " — still broken"
          }`,
        );
      },
    });

    const stillBroken = summary.results.filter((r) => r.status === "failed" && !outcomes.get(r.key)?.error);
    const errors = summary.results.filter((r) => r.status === "failed" && outcomes.get(r.key)?.error);
    const fixed = summary.counts.done;
    const line = `Fixed ${fixed} of ${broken.length} broken connection${
      broken.length === 1 ? "" : "s"
    }; ${stillBroken.length} still broken${errors.length ? `; ${errors.length} could not be tested` : ""}${
      summary.counts.skipped ? `; ${summary.counts.skipped} fixed in an earlier run` : ""
    }`;
    ctx.out.painted(stillBroken.length || errors.length ? "red" : "green", line);
    ctx.log.write(stillBroken.length || errors.length ? "warn" : "info", `cert_mgmt: group ${groupId}: ${line}`);
    return reportBulk(ctx, summary, {
      noun: "connection",
      done: "fixed",
      already: "not broken",
      json: {
        group_id: groupId,
        connections: connections.length,
        broken: broken.length,
        fixed,
        still_broken: stillBroken.map((r) => r.key),
        not_tested: errors.map((r) => r.key),
        results: [...outcomes.values()].map((o) => ({
          id: o.connection.id,
          service: o.connection.service,
          schema: o.connection.schema,
          before: o.connection.status?.setup_state,
          after: o.after,
          fixed: o.after === "connected",
          tests: o.tests.map((t) => ({ title: t.title, status: t.status, message: t.message })),
          ...(o.error ? { error: o.error } : {}),
        })),
      },
    });
  },
});

if (import.meta.main) await runMain(main);
