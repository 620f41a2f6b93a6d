#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write
/**
 * sql_writer.ts — rewrite a SQL file's schema, table and column names from a connection's source names to
 * the names Fivetran gives them in the destination. Names come from `GET /v1/connections/{id}/schemas`
 * (`name_in_destination` of schemas and tables) and, for the tables the SQL mentions only,
 * `GET /v1/connections/{id}/schemas/{schema}/tables/{table}/columns`. The rewriting is
 * {@link rewriteSql} from `lib/sql_rewrite.ts`: whole identifiers only, never inside strings or comments,
 * quoted or not, qualified or not, and idempotent.
 *
 * The file is written atomically (a temporary file in the same folder, then a rename, keeping the file's mode)
 * after the original is copied to `PATH.bak`. A symbolic link is written through: its target is rewritten (and
 * backed up next to it), the link stays. Only UTF-8 files are rewritten (a byte-order mark and line ends are
 * kept; any other encoding is refused with the offset of the first bad byte); a read-only file or folder (by
 * its mode bits, even as root), a FIFO or device, and a file over 512 MiB are refused in one line. The file is
 * read and rewritten in pieces cut at statement boundaries, so memory stays bounded whatever its size. `--check` prints the diff and writes nothing (exit 1 when changes are needed, 0 when
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
import { basename, dirname } from "../lib/_path.ts";
import { AtlasError } from "../lib/client/errors.ts";
import { defineRecipe, type RecipeContext, runMain, UsageError } from "../lib/recipe.ts";
import {
  mentionedTables,
  type NameMapping,
  rewriteSql,
  type SqlChange,
  type SqlWarning,
  type TableRef,
} from "../lib/sql_rewrite.ts";
import { DiffStream } from "./_sql_diff.ts";
import { firstLine } from "../lib/_text.ts";
import { checkBackup, checkWritable, digestOf, readPieces, resolveSqlFile, type SqlTarget } from "./_sql_file.ts";
import type { ColumnsData, SchemaConfigData as SchemasData } from "../lib/schema_config.ts";

/** One replacement, counted. */
interface Tally {
  kind: SqlChange["kind"];
  source: string;
  from: string;
  to: string;
  count: number;
}

/** Counts replacements by what was replaced with what, across the pieces of a file. */
class Tallies {
  readonly #byKey = new Map<string, Tally>();
  total = 0;

  add(changes: SqlChange[]): void {
    for (const c of changes) {
      const source = c.path.join(".");
      const key = `${c.kind}\u0000${source}\u0000${c.from}\u0000${c.to}`;
      const t = this.#byKey.get(key) ?? { kind: c.kind, source, from: c.from, to: c.to, count: 0 };
      t.count++;
      this.#byKey.set(key, t);
    }
    this.total += changes.length;
  }

  list(): Tally[] {
    return [...this.#byKey.values()];
  }
}

/** Warnings kept for `--json` at most (all are counted and summarised by message). */
const MAX_WARNINGS = 1000;
/** Characters of diff kept for `--json` at most. */
const MAX_JSON_DIFF = 8 * 1024 * 1024;

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
  const lines: string[] = [];
  const diff = new DiffStream(path, (line) => lines.push(line), context);
  diff.add(before, after);
  diff.finish();
  return (lines.length ? lines : [`--- ${path}`, `+++ ${path}`]).join("\n");
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

/** The operating system refused (EACCES/EPERM): say so, not "--allow-*" (that is Deno's permission). */
function osRefusal(error: unknown, target: SqlTarget): unknown {
  if (error instanceof Deno.errors.PermissionDenied) {
    return new UsageError(
      `Cannot write '${target.given}': the operating system refused (${firstLine(error, 160)}); nothing was changed`,
    );
  }
  return error;
}

/** A temporary file in the target's folder, written piece by piece, then renamed over the target. */
class AtomicWriter {
  readonly #target: SqlTarget;
  #tmp: string | undefined;
  #file: Deno.FsFile | undefined;
  readonly #encoder = new TextEncoder();

  constructor(target: SqlTarget) {
    this.#target = target;
  }

  async open(): Promise<void> {
    const dir = dirname(this.#target.path);
    try {
      this.#tmp = await Deno.makeTempFile({ dir, prefix: `.${basename(this.#target.path)}.`, suffix: ".tmp" });
      this.#file = await Deno.open(this.#tmp, { write: true, truncate: true });
    } catch (error) {
      await this.discard();
      throw osRefusal(error, this.#target);
    }
  }

  async write(text: string): Promise<void> {
    const bytes = this.#encoder.encode(text);
    let done = 0;
    while (done < bytes.length) done += await this.#file!.write(bytes.subarray(done));
  }

  /**
   * Copies the current file to `backup` and renames the new one over it — unless the file no longer holds what
   * was read (`digest`): then nothing is written. The new file keeps the old one's permission bits.
   */
  async commit(digest: string, backup: string): Promise<void> {
    const target = this.#target;
    try {
      this.#file!.close();
      this.#file = undefined;
      if (target.mode !== null) await Deno.chmod(this.#tmp!, target.mode & 0o7777);
      if (await digestOf(target.path) !== digest) {
        throw new UsageError(`'${target.given}' changed while it was being rewritten; nothing was written, run again`);
      }
      await checkBackup(backup); // (checked before the first request too; the folder may have changed since)
      await Deno.copyFile(target.path, backup);
      await Deno.rename(this.#tmp!, target.path);
      this.#tmp = undefined;
    } catch (error) {
      await this.discard();
      throw osRefusal(error, target);
    }
  }

  async discard(): Promise<void> {
    try {
      this.#file?.close();
    } catch {
      // Already closed.
    }
    this.#file = undefined;
    if (this.#tmp) await Deno.remove(this.#tmp).catch(() => {});
    this.#tmp = undefined;
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
    "Writes the file atomically (temporary file + rename, mode kept) after copying the original to PATH.bak;",
    "a symbolic link is written through to its target. UTF-8 only (other bytes are refused, not replaced);",
    "read-only files and folders, FIFOs and files over 512 MiB are refused. Large files are streamed in pieces.",
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
    const mode = check ? "check" : ctx.dryRun ? "dry-run" : "write";
    const target = await resolveSqlFile(path);
    if (mode === "write") {
      await ensureWritable(target.path);
      await checkWritable(target);
    }

    const mapping = await readMapping(ctx, connectionId);
    // First pass: the file is UTF-8 (else it is refused before anything is written), and which tables it mentions.
    const mentioned = new Map<string, TableRef>();
    const first = await readPieces(target, options, ({ text }) => {
      for (const t of mentionedTables(text, mapping, options)) mentioned.set(`${t.schema}\u0000${t.table}`, t);
    });
    ctx.out.progress(
      `The SQL mentions ${mentioned.size} of the connection's ${
        Object.values(mapping).reduce((n, s) => n + Object.keys(s.tables).length, 0)
      } tables; reading their column names`,
    );
    await readColumns(ctx, connectionId, mapping, [...mentioned.values()]);

    // Second pass: rewrite piece by piece, into a temporary file next to the target (write) or as a diff.
    const tallies = new Tallies();
    const warnings = new Map<string, { count: number; line: number; column: number }>();
    const kept: SqlWarning[] = [];
    const diffLines: string[] = [];
    let diffChars = 0;
    let diffCut = false;
    const diff = mode === "write" ? undefined : new DiffStream(path, (line) => {
      if (!ctx.json) printDiffLine(ctx, line);
      else if (diffChars + line.length < MAX_JSON_DIFF) {
        diffLines.push(line);
        diffChars += line.length + 1;
      } else diffCut = true;
    });
    const writer = mode === "write" ? new AtomicWriter(target) : undefined;
    await writer?.open();
    let changed = false;
    let second: { digest: string };
    try {
      second = await readPieces(target, options, async ({ text, line }) => {
        const result = rewriteSql(text, mapping, options);
        if (result.sql !== text) changed = true;
        tallies.add(result.changes);
        for (const w of result.warnings) {
          const at = { ...w, line: w.line + line - 1 };
          const seen = warnings.get(w.message);
          if (seen) seen.count++;
          else warnings.set(w.message, { count: 1, line: at.line, column: at.column });
          if (kept.length < MAX_WARNINGS) kept.push(at);
        }
        await writer?.write(result.sql);
        diff?.add(text, result.sql);
      }, first.pieces);
      diff?.finish();
      if (second.digest !== first.digest) {
        throw new UsageError(`'${path}' changed while it was being read; nothing was written, run again`);
      }
    } catch (error) {
      await writer?.discard();
      throw error;
    }
    for (const [message, w] of warnings) {
      ctx.out.warn(`Warning: ${path}:${w.line}:${w.column}: ${message}${w.count > 1 ? ` (${w.count} times)` : ""}`);
    }

    const backup = `${target.path}.bak`;
    const list = tallies.list();
    if (list.length > 0) {
      ctx.table(list, [
        { header: "Kind", value: (t) => t.kind },
        { header: "Source object", value: (t) => t.source },
        { header: "As written", value: (t) => t.from },
        { header: "Rewritten as", value: (t) => t.to },
        { header: "Count", value: (t) => t.count },
      ]);
    }
    const count = tallies.total;
    const where = target.viaLink ? `${path} (a link to ${target.path})` : path;
    const summary = `${count} replacement${count === 1 ? "" : "s"} in ${where}`;
    let written = false;
    if (!changed) {
      await writer?.discard();
      ctx.out.detail(`No changes needed: ${path} already uses the destination names`);
    } else if (writer) {
      await writer.commit(first.digest, backup);
      written = true;
      ctx.out.detail(`Wrote ${summary}; the original is in ${backup}`);
      ctx.log.write("info", `sql_writer: rewrote ${target.path} for connection ${connectionId}: ${count} replacements`);
    } else {
      ctx.out.detail(
        mode === "check"
          ? `${summary} needed; nothing was written (run without --check to write)`
          : `Dry run: ${summary} would be made; nothing was written`,
      );
    }
    if (ctx.json) {
      ctx.out.json({
        file: path,
        ...(target.viaLink ? { target: target.path } : {}),
        connection_id: connectionId,
        mode,
        replacements: count,
        changes: list,
        warnings: kept,
        ...(warnings.size && kept.length < [...warnings.values()].reduce((n, w) => n + w.count, 0)
          ? { warnings_truncated: true }
          : {}),
        written,
        ...(written ? { backup } : {}),
        ...(mode !== "write" && changed
          ? { diff: diffLines.join("\n"), ...(diffCut ? { diff_truncated: true } : {}) }
          : {}),
      });
    }
    return mode === "check" && changed ? 1 : 0;
  },
});

/** Source names → destination names of the connection's schemas and tables. */
async function readMapping(ctx: RecipeContext, connectionId: string): Promise<NameMapping> {
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
  return mapping;
}

/** Adds the column names of the tables the SQL mentions to `mapping`. */
async function readColumns(ctx: RecipeContext, connectionId: string, mapping: NameMapping, tables: TableRef[]) {
  for (const { schema, table } of tables) {
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
}

function printDiffLine(ctx: RecipeContext, line: string): void {
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

if (import.meta.main) await runMain(main);
