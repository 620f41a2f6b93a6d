#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * account_report.ts — one self-contained HTML file with the state of every connection of the account (or of a
 * group): counts by state as charts, the connections that need attention (broken or incomplete setup, last sync
 * failed, data delayed), and every connection with its last success and failure in a table sortable by any column.
 * It opens without a network (nothing is loaded from anywhere). Requests: one GET per 1,000 groups and one per
 * 1,000 connections.
 *
 * ```sh
 * deno run -P recipes/account_report.ts --output logs/account-report.html
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import { attentionReasons, renderReport, type ReportConnection } from "../lib/report_html.ts";
import { readState } from "../lib/sync_wait.ts";

type Obj = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Writes `text` to `given` whole or not at all: a new file next to it, then a rename. Through a symlink, its target
 * is what is replaced (the link stays); a read-only file, or anything but a regular file, is refused with one line
 * and left as it was; a replaced file keeps its mode.
 */
function writeAtomically(given: string, text: string): void {
  let path = given;
  let mode: number | null = null;
  try {
    if (Deno.lstatSync(given).isSymlink) {
      try {
        path = Deno.realPathSync(given);
      } catch {
        throw new UsageError(`Cannot write '${given}': it is a symlink to a file that does not exist`);
      }
    }
    const info = Deno.statSync(path);
    if (!info.isFile) throw new UsageError(`Cannot write '${given}': it is not a regular file; nothing was changed`);
    mode = info.mode === null ? null : info.mode & 0o7777;
    if (mode !== null && (mode & 0o200) === 0) {
      throw new UsageError(
        `Cannot write '${given}': the file is read-only (mode ${mode.toString(8)}); nothing was changed`,
      );
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const slash = path.lastIndexOf("/");
  const dir = slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
  try {
    Deno.mkdirSync(dir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  // A fresh name, created new: a file (or a planted symlink) already there is never written through.
  const temp = `${dir}/.${path.slice(slash + 1)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    Deno.writeTextFileSync(temp, text, { createNew: true, mode: mode ?? 0o644 });
    if (mode !== null) Deno.chmodSync(temp, mode);
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch {
      // never written
    }
    throw error;
  }
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "account_report.ts",
  summary: "Write one self-contained HTML report of every connection's state: charts and a sortable table",
  description: [
    "Reads the groups and the connections (of --group-id, or the whole account) and writes one HTML file that",
    "needs no network to open: counts by setup, sync and update state and by service as charts, the connections",
    "that need attention (setup broken or incomplete, last sync failed, data delayed) and every connection with",
    "its last success and failure in a table sortable by any column (click a header; or open it with",
    "#sort=failed_at:desc). Written whole or not at all (through a symlink, to its target; a read-only file is",
    "refused, a replaced one keeps its mode). --output defaults to logs/account-report.html; another",
    "folder needs --allow-write for it.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/account_report.ts",
    "deno run -P recipes/account_report.ts --group-id rapid_harbor --output logs/rapid_harbor.html",
  ],
  flags: {
    "group-id": { type: "string", valueName: "ID", description: "Only this group (default: the whole account)" },
    output: { type: "string", valueName: "FILE", description: "The HTML file (default logs/account-report.html)" },
  },
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs (or the --output folder)",
  async run(ctx) {
    const groupId = ctx.id("group-id");
    const output = ctx.string("output") ?? "logs/account-report.html";
    if (!/\.html?$/i.test(output)) throw new UsageError(`Expected --output to end in .html, got '${output}'`);
    const client = ctx.client; // made first: missing credentials end the run before any line
    ctx.out.progress(`Reading ${groupId ? `group ${groupId}` : "the account"}`);
    const groups = await Array.fromAsync(client.paginate<Obj>("groups", { limit: 1000, signal: ctx.signal }));
    const names = new Map(groups.map((g) => [String(g.id), str(g.name)]));
    if (groupId && !names.has(groupId)) throw new UsageError(`Group '${groupId}' not found`);
    const endpoint = groupId ? `groups/${groupId}/connections` : "connections";
    const listed = await Array.fromAsync(client.paginate<Obj>(endpoint, { limit: 1000, signal: ctx.signal }));
    const connections: ReportConnection[] = listed.map((c) => {
      const state = readState(c);
      const group = str(c.group_id) ?? groupId;
      return {
        id: String(c.id),
        group_id: group,
        group_name: group ? names.get(group) ?? group : undefined,
        service: str(c.service),
        schema: str(c.schema),
        setup_state: state.setup_state,
        sync_state: state.sync_state,
        update_state: state.update_state,
        paused: state.paused,
        succeeded_at: state.succeeded_at,
        failed_at: state.failed_at,
      };
    });
    const html = renderReport(connections, {
      title: "Fivetran account report",
      scope: groupId ? `group ${names.get(groupId) ?? groupId} (${groupId})` : `the account (${groups.length} groups)`,
      generatedAt: new Date(ctx.now()).toISOString(),
    });
    try {
      writeAtomically(output, html);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable || error instanceof UsageError) throw error;
      // The operating system's reason, without the temporary file's name it may end with.
      const reason = (error as Error).message.split("\n")[0].replace(/: [a-z]+ '[^']*'( -> '[^']*')?$/, "");
      throw new UsageError(`Cannot write '${output}': ${reason}; nothing was changed`);
    }
    const attention = connections.filter((c) => attentionReasons(c).length > 0);
    const line = `Wrote ${output}: ${connections.length} connections, ${attention.length} need attention (${
      Math.round(html.length / 1024)
    } KiB, opens without a network)`;
    ctx.log.write("info", `account_report: ${line}`);
    if (ctx.json) {
      ctx.out.json({
        output,
        connections: connections.length,
        attention: attention.map((c) => ({ id: c.id, group_id: c.group_id, reasons: attentionReasons(c) })),
      });
      ctx.out.progress(line);
    } else ctx.out.painted("green", line);
    return 0;
  },
});

if (import.meta.main) await runMain(main);
