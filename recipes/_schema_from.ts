// Private helper of schema_edit.ts: `--from FILE` applies a schema file (as schema_export.ts writes it) — the diff
// against the live config first, consent, then one PATCH per changed schema (and one for the handling), and a check
// that the config now says what the file says.
import { ExpectationError, type RecipeContext, UsageError } from "../lib/recipe.ts";
import type { SchemaConfigData } from "../lib/schema_config.ts";
import {
  checkSchemaFile,
  planSchemaFile,
  type SchemaChange,
  type SchemaFile,
  type SchemaPlan,
} from "../lib/schema_file.ts";
import { readSmallTextFile } from "../lib/_read_file.ts";
import { schemaConfigOf } from "./_schema_answer.ts";

function show(value: unknown): string {
  return value === undefined ? "(not listed)" : String(value);
}

/** The largest schema file: 64 MiB (an export of a source with tens of thousands of tables passes 1 MiB). */
const MAX_SCHEMA_FILE_BYTES = 64 * 1024 * 1024;

/** The schema file's JSON, read with its own size cap (an export can be larger than a config file). */
function parseSchemaFile(path: string): unknown {
  let text: string;
  try {
    text = readSmallTextFile(path, MAX_SCHEMA_FILE_BYTES);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`Cannot read schema file '${path}': ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Expected schema file '${path}' to hold JSON: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Applies the schema file at `path` to the connection; resolves to the exit code. */
export async function applySchemaFile(ctx: RecipeContext, connectionId: string, path: string): Promise<number> {
  const file = readSchemaFile(ctx, path, connectionId);
  const live = await ctx.call<SchemaConfigData>("GET", `connections/${connectionId}/schemas`);
  const plan = planSchemaFile(schemaConfigOf(live.data, `connections/${connectionId}/schemas`), file);
  if (plan.problems.length > 0) {
    throw new UsageError(
      `Cannot apply '${path}' to ${connectionId}: ${plan.problems.slice(0, 5).join("; ")}${
        plan.problems.length > 5 ? `; and ${plan.problems.length - 5} more` : ""
      }; nothing was sent`,
    );
  }
  const requests = plan.schemaPatches.length + (plan.handlingPatch ? 1 : 0);
  if (plan.changes.length === 0) {
    ctx.out.painted("green", `Nothing to change: ${connectionId} already matches '${path}'`);
    if (ctx.json) ctx.out.json({ connection_id: connectionId, dry_run: ctx.dryRun, changes: [], requests: 0 });
    return 0;
  }
  ctx.table(plan.changes, [
    { header: "Object", value: (c: SchemaChange) => c.object },
    { header: "Setting", value: (c) => c.setting },
    { header: "Live", value: (c) => show(c.live) },
    { header: "File", value: (c) => show(c.wanted) },
  ]);
  const summary = `${plan.changes.length} change${
    plan.changes.length === 1 ? "" : "s"
  } in ${plan.schemaPatches.length} schema${plan.schemaPatches.length === 1 ? "" : "s"}${
    plan.handlingPatch ? " and the handling" : ""
  }: ${requests} PATCH request${requests === 1 ? "" : "s"}`;
  ctx.out.detail(summary);
  const result = {
    connection_id: connectionId,
    dry_run: ctx.dryRun,
    changes: plan.changes,
    requests,
  };
  if (ctx.dryRun) {
    for (const p of plan.schemaPatches) {
      ctx.out.call("PATCH", `connections/${connectionId}/schemas/${encodeURIComponent(p.schema)}`, p.body);
    }
    if (plan.handlingPatch) ctx.out.call("PATCH", `connections/${connectionId}/schemas`, plan.handlingPatch);
    ctx.out.detail("Dry run: nothing was sent");
    if (ctx.json) ctx.out.json({ ...result, applied: false });
    return 0;
  }
  await ctx.confirm(`Apply ${summary} to connection ${connectionId}?`);
  await sendPlan(ctx, connectionId, plan, requests);
  // Check: the config now says what the file says.
  const after = await ctx.client.request<SchemaConfigData>("GET", `connections/${connectionId}/schemas`);
  const left = planSchemaFile(schemaConfigOf(after.data, `connections/${connectionId}/schemas`), file).changes.filter((
    c,
  ) => c.live !== undefined);
  if (ctx.json) ctx.out.json({ ...result, applied: true, not_applied: left });
  if (left.length > 0) {
    throw new ExpectationError(
      `After the change, not as the file says: ${
        left.slice(0, 5).map((c) => `${c.object} ${c.setting} is ${show(c.live)}`).join(", ")
      }`,
    );
  }
  ctx.out.painted("green", `Applied: ${summary}`);
  return 0;
}

/** The schema file at `path`, checked to be one schema_export.ts writes (exit 2 when it is not). */
function readSchemaFile(ctx: RecipeContext, path: string, connectionId: string): SchemaFile {
  const parsed = parseSchemaFile(path);
  const problems = checkSchemaFile(parsed);
  if (problems.length > 0) {
    throw new UsageError(
      `Expected schema file '${path}' as schema_export.ts writes it: ${problems.slice(0, 3).join("; ")}${
        problems.length > 3 ? `; and ${problems.length - 3} more` : ""
      }`,
    );
  }
  const file = parsed as SchemaFile;
  if (file.connection_id !== undefined && file.connection_id !== connectionId) {
    ctx.out.warn(`The file was exported from ${file.connection_id}; applying it to ${connectionId}`);
  }
  return file;
}

/** Sends the plan's `requests` PATCHes in order; on a failure, says how many were applied before rethrowing. */
async function sendPlan(ctx: RecipeContext, connectionId: string, plan: SchemaPlan, requests: number): Promise<void> {
  const sent: string[] = [];
  try {
    for (const p of plan.schemaPatches) {
      await ctx.call("PATCH", `connections/${connectionId}/schemas/${encodeURIComponent(p.schema)}`, p.body);
      sent.push(p.schema);
      ctx.log.write("info", `schema_edit --from: ${connectionId} schema ${p.schema}: ${JSON.stringify(p.body)}`);
    }
    if (plan.handlingPatch) {
      await ctx.call("PATCH", `connections/${connectionId}/schemas`, plan.handlingPatch);
      sent.push("schema_change_handling");
    }
  } catch (error) {
    ctx.out.error(
      `Applied ${sent.length} of ${requests} requests (${sent.join(", ") || "none"}); ${
        requests - sent.length
      } not applied. Run the same command again: what is applied already shows no difference.`,
    );
    throw error;
  }
}
