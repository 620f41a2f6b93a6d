#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write
/**
 * sql_writer.ts — rewrite a SQL file's schema, table and column names from a connection's source names to
 * the names Fivetran gives them in the destination. Names come from `GET /v1/connections/{id}/schemas`
 * (`name_in_destination` of schemas and tables) and, for the tables the SQL mentions only,
 * `GET /v1/connections/{id}/schemas/{schema}/tables/{table}/columns`. The rewriting is
 * {@link rewriteSql} from `lib/sql_rewrite.ts`: whole identifiers only, never inside strings or comments,
 * quoted or not, qualified or not, and idempotent.
 *
 * The file is written atomically (a temporary file in the same folder, then a rename) after the original is
 * copied to `PATH.bak`. `--check` prints the diff and writes nothing (exit 1 when changes are needed, 0 when
 * none, like a formatter's check mode); `--dry-run` prints the diff and exits 0.
 *
 * Needs write access to the file's folder: the shebang has `--allow-write` (unrestricted); with
 * `deno run`, pass `--allow-write=FOLDER`.
 *
 * ```sh
 * deno run --allow-net --allow-env --allow-read --allow-write recipes/sql_writer.ts --connection-id steady_orchard --file models/orders.sql --check
 * ```
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { AtlasError } from "../lib/client/errors.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import { mentionedTables, type NameMapping, rewriteSql, type SqlChange } from "../lib/sql_rewrite.ts";
import { renderTable } from "../lib/table.ts";
import type { ColumnsData, SchemaConfigData as SchemasData } from "../lib/schema_config.ts";

/** One replacement, counted. */
interface Tally {
  kind: SqlChange["kind"];
  source: string;
  from: string;
  to: string;
  count: number;
}

function tally(changes: SqlChange[]): Tally[] {
  const byKey = new Map<string, Tally>();
  for (const c of changes) {
    const source = c.path.join(".");
    const key = `${c.kind}\u0000${source}\u0000${c.from}\u0000${c.to}`;
    const t = byKey.get(key) ?? { kind: c.kind, source, from: c.from, to: c.to, count: 0 };
    t.count++;
    byKey.set(key, t);
  }
  return [...byKey.values()];
}

/**
 * A unified diff of two texts (`--- PATH`, `+++ PATH`, hunks with two lines of context; `patch -p0` applies it). The rewriting
 * keeps line breaks, so lines pair up one to one; otherwise the differing middle is shown as one hunk.
 *
 * @example Show what a rewrite changes
 * ```ts
 * import { unifiedDiff } from "./sql_writer.ts";
 * console.log(unifiedDiff("SELECT OrderID\nFROM Orders\n", "SELECT order_id\nFROM Orders\n", "q.sql"));
 * ```
 */
export function unifiedDiff(before: string, after: string, path: string, context = 2): string {
  const lines = (text: string) => {
    const all = text.split("\n");
    return text.endsWith("\n") ? all.slice(0, -1) : all;
  };
  const a = lines(before);
  const b = lines(after);
  const hunks: string[] = [];
  if (a.length === b.length) {
    const changed = a.map((line, i) => line !== b[i]);
    let i = 0;
    while (i < a.length) {
      if (!changed[i]) {
        i++;
        continue;
      }
      const start = Math.max(0, i - context);
      let end = i;
      // Extend the hunk while the next change is within 2 × context lines.
      for (let j = i; j < a.length; j++) {
        if (changed[j]) end = j;
        else if (j - end > context * 2) break;
      }
      const stop = Math.min(a.length - 1, end + context);
      const lines: string[] = [];
      for (let k = start; k <= stop; k++) {
        if (changed[k]) lines.push(`-${a[k]}`, `+${b[k]}`);
        else lines.push(` ${a[k]}`);
      }
      const count = stop - start + 1;
      hunks.push(`@@ -${start + 1},${count} +${start + 1},${count} @@`, ...reorder(lines));
      i = stop + 1;
    }
  } else {
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (
      tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]
    ) tail++;
    const oldPart = a.slice(head, a.length - tail);
    const newPart = b.slice(head, b.length - tail);
    hunks.push(
      `@@ -${head + 1},${oldPart.length} +${head + 1},${newPart.length} @@`,
      ...oldPart.map((l) => `-${l}`),
      ...newPart.map((l) => `+${l}`),
    );
  }
  return [`--- ${path}`, `+++ ${path}`, ...hunks].join("\n");
}

// Within a hunk, show each run of changed lines as all `-` lines, then all `+` lines.
function reorder(lines: string[]): string[] {
  const out: string[] = [];
  let minus: string[] = [];
  let plus: string[] = [];
  const flush = () => {
    for (const line of minus) out.push(line);
    for (const line of plus) out.push(line);
    minus = [];
    plus = [];
  };
  for (const line of lines) {
    if (line.startsWith("-")) minus.push(line);
    else if (line.startsWith("+")) plus.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

async function readSql(path: string): Promise<string> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new UsageError(`Expected --file to be a file, got the folder '${path}'`);
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof UsageError || error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`Cannot read SQL file '${path}': ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * Writes `text` to `path` atomically — a temporary file in the same folder, renamed over `path` — after
 * copying the current file to `backup`. Refuses (and changes nothing) when `path` no longer holds `expected`.
 */
async function writeAtomically(path: string, text: string, expected: string, backup: string): Promise<void> {
  const dir = dirname(path);
  const tmp = await Deno.makeTempFile({ dir, prefix: `.${basename(path)}.`, suffix: ".tmp" });
  try {
    await Deno.writeTextFile(tmp, text);
    try {
      const mode = (await Deno.stat(path)).mode;
      if (mode !== null) await Deno.chmod(tmp, mode & 0o7777);
    } catch {
      // No file modes on this platform: the new file gets the default mode.
    }
    if (await Deno.readTextFile(path) !== expected) {
      throw new UsageError(`'${path}' changed while it was being rewritten; nothing was written, run again`);
    }
    await Deno.copyFile(path, backup);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/**
 * Makes sure the file's folder may be written before any request is sent: on a terminal Deno asks now;
 * otherwise a missing `--allow-write` ends the run at once with the runner's one-line permission message.
 */
async function ensureWritable(path: string): Promise<void> {
  const descriptor = { name: "write", path: dirname(path) } as const;
  let status = await Deno.permissions.query(descriptor);
  if (status.state === "prompt" && Deno.stdin.isTerminal()) status = await Deno.permissions.request(descriptor);
  if (status.state !== "granted") {
    throw new Deno.errors.NotCapable(
      `Requires write access to "${dirname(path)}", run again with the --allow-write flag`,
    );
  }
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "sql_writer.ts",
  summary: "Rewrite a SQL file's schema, table and column names from source names to destination names",
  description: [
    "Names come from GET connections/{id}/schemas (schemas and tables) and, for the tables the SQL mentions,",
    "GET connections/{id}/schemas/{schema}/tables/{table}/columns. Only whole identifiers are replaced, never",
    "inside 'strings' or comments (-- and /* */). Unquoted names match case-insensitively, quoted ones",
    '("Orders", `Orders`, [Orders]) exactly; quoting is kept. schema.table.column, table.column and',
    "alias.column are understood. A name that already is a destination name is never rewritten again, so a",
    "second run changes nothing; names that are ambiguous are left alone with a warning.",
    "Writes the file atomically (temporary file + rename) after copying the original to PATH.bak.",
    "--check: print the diff, write nothing; exit 1 when changes are needed, 0 when none (like a formatter).",
    "--dry-run: print the diff, write nothing, exit 0. (With both, --check decides the exit code.)",
    "Needs write access to the file's folder: the shebang uses --allow-write (unrestricted);",
    "with deno run give --allow-write=FOLDER (the default -P set only allows logs/).",
  ].join("\n"),
  examples: [
    "deno run --allow-net --allow-env --allow-read --allow-write recipes/sql_writer.ts --connection-id steady_orchard --file models/orders.sql --check",
    "./recipes/sql_writer.ts --connection-id steady_orchard --file models/orders.sql",
  ],
  flags: {
    "connection-id": { type: "string", valueName: "ID", required: true, description: "The connection" },
    file: { type: "string", valueName: "PATH", required: true, description: "The SQL file to rewrite" },
    check: {
      type: "boolean",
      description: "Print the diff and change nothing; exit 1 when changes are needed, 0 when none",
    },
    "standard-strings": {
      type: "boolean",
      description: "Backslash is not an escape in '...' strings (PostgreSQL, SQL Server); default: it is",
    },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write (the SQL file's folder, and logs)",
  async run(ctx) {
    const connectionId = ctx.id("connection-id", { required: true })!;
    const path = ctx.string("file", { required: true })!;
    const check = ctx.flags.check === true;
    const options = { backslashEscapes: ctx.flags["standard-strings"] !== true };
    const original = await readSql(path);
    if (!check && !ctx.dryRun) await ensureWritable(path);

    const config = await ctx.call<SchemasData>("GET", `connections/${connectionId}/schemas`);
    const mapping: NameMapping = {};
    for (const [schemaName, s] of Object.entries(config.data?.schemas ?? {})) {
      mapping[schemaName] = {
        destination: s.name_in_destination ?? schemaName,
        tables: Object.fromEntries(
          Object.entries(s.tables ?? {}).map(([t, cfg]) => [t, { destination: cfg.name_in_destination ?? t }]),
        ),
      };
    }
    const mentioned = mentionedTables(original, mapping, options);
    ctx.out.progress(
      `The SQL mentions ${mentioned.length} of the connection's ${
        Object.values(mapping).reduce((n, s) => n + Object.keys(s.tables).length, 0)
      } tables; reading their column names`,
    );
    for (const { schema, table } of mentioned) {
      const endpoint = `connections/${connectionId}/schemas/${encodeURIComponent(schema)}/tables/${
        encodeURIComponent(table)
      }/columns`;
      try {
        const response = await ctx.call<ColumnsData>("GET", endpoint);
        mapping[schema].tables[table].columns = Object.fromEntries(
          Object.entries(response.data?.columns ?? {}).map(([c, cfg]) => [c, cfg.name_in_destination ?? c]),
        );
      } catch (error) {
        if (error instanceof AtlasError && error.status === 404) {
          ctx.out.warn(`No column config for ${schema}.${table} (${error.code}); its columns are left as they are`);
          continue;
        }
        throw error;
      }
    }

    const result = rewriteSql(original, mapping, options);
    const tallies = tally(result.changes);
    const warnings = new Map<string, { count: number; line: number; column: number }>();
    for (const w of result.warnings) {
      const seen = warnings.get(w.message);
      if (seen) seen.count++;
      else warnings.set(w.message, { count: 1, line: w.line, column: w.column });
    }
    for (const [message, w] of warnings) {
      ctx.out.warn(`Warning: ${path}:${w.line}:${w.column}: ${message}${w.count > 1 ? ` (${w.count} times)` : ""}`);
    }

    const mode = check ? "check" : ctx.dryRun ? "dry-run" : "write";
    const changed = result.sql !== original;
    const diff = changed ? unifiedDiff(original, result.sql, path) : "";
    const backup = `${path}.bak`;
    if (tallies.length > 0) {
      ctx.out.line(renderTable(tallies, [
        { header: "Kind", value: (t) => t.kind },
        { header: "Source object", value: (t) => t.source },
        { header: "As written", value: (t) => t.from },
        { header: "Rewritten as", value: (t) => t.to },
        { header: "Count", value: (t) => t.count },
      ], { colour: ctx.out.colour }));
    }
    const count = result.changes.length;
    const summary = `${count} replacement${count === 1 ? "" : "s"} in ${path}`;
    let written = false;
    if (!changed) {
      ctx.out.detail(`No changes needed: ${path} already uses the destination names`);
    } else if (mode === "write") {
      await writeAtomically(path, result.sql, original, backup);
      written = true;
      ctx.out.detail(`Wrote ${summary}; the original is in ${backup}`);
      ctx.log.write("info", `sql_writer: rewrote ${path} for connection ${connectionId}: ${count} replacements`);
    } else {
      for (const line of diff.split("\n")) {
        const colour = line.startsWith("@@")
          ? "cyan"
          : line.startsWith("-")
          ? "red"
          : line.startsWith("+")
          ? "green"
          : undefined;
        if (colour) ctx.out.painted(colour, line);
        else ctx.out.line(line);
      }
      ctx.out.detail(
        mode === "check"
          ? `${summary} needed; nothing was written (run without --check to write)`
          : `Dry run: ${summary} would be made; nothing was written`,
      );
    }
    if (ctx.json) {
      ctx.out.json({
        file: path,
        connection_id: connectionId,
        mode,
        replacements: count,
        changes: tallies,
        warnings: result.warnings,
        written,
        ...(written ? { backup } : {}),
        ...(mode !== "write" && changed ? { diff } : {}),
      });
    }
    return mode === "check" && changed ? 1 : 0;
  },
});

if (import.meta.main) await runMain(main);
