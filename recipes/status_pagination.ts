#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * status_pagination.ts — every connection of a group, across all pages (`GET /v1/groups/{id}/connections`
 * with `limit` and `cursor`, following `next_cursor` until the last page), as one table: ID, service,
 * schema, sync state, setup state, paused and frequency. Prints how many pages it took.
 *
 * ```sh
 * deno run -P recipes/status_pagination.ts --group-id rapid_harbor --limit 100
 * ```
 *
 * @module
 */
import { type Page as PageRead, readPage } from "../lib/client/_pages.ts";
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { type Column, streamTable, TableRows, type TableStream } from "../lib/table.ts";
import type { Envelope } from "../lib/client/envelope.ts";
import type { Connection as ConnectionAnswer, Read } from "../lib/spec/types.ts";

type Connection = Read<ConnectionAnswer> & { id: string };

interface Page {
  items?: Connection[];
  next_cursor?: string | null;
}

const COLUMNS: Column<Connection>[] = [
  { header: "ID", value: (c) => c.id },
  { header: "Service", value: (c) => c.service },
  { header: "Schema", value: (c) => c.schema },
  { header: "Sync state", value: (c) => c.status?.sync_state },
  { header: "Setup state", value: (c) => c.status?.setup_state },
  { header: "Paused", value: (c) => (c.paused ? "yes" : "no") },
  { header: "Frequency (min)", value: (c) => c.sync_frequency },
];

/** Reads `--limit`: an integer from 1 to 1000, default 100. */
export function parseLimit(ctx: Pick<RecipeContext, "string">): number {
  const raw = ctx.string("limit");
  if (raw === undefined) return 100;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
    throw new UsageError(`Expected --limit to be an integer from 1 to 1000, got '${raw.slice(0, 40)}'`);
  }
  return Number(raw);
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "status_pagination.ts",
  summary: "List every connection of a group across all pages, as a table",
  description: [
    "Follows next_cursor page by page (each page is one Call: line) until the last page, then prints one table:",
    "ID, service, schema, sync state, setup state, paused, sync frequency. --limit sets the page size (1..1000).",
    "In a terminal the table fits its width and is printed page by page as the pages arrive (one Call: line for",
    "the first page; the column widths are set by the first page); --json or a pipe gives every value in full.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/status_pagination.ts --group-id rapid_harbor",
    "deno run -P recipes/status_pagination.ts --group-id quiet_meadow --limit 10 --json",
  ],
  flags: {
    "group-id": { type: "string", valueName: "ID", required: true, description: "The group (destination)" },
    limit: { type: "string", valueName: "N", description: "Page size, 1..1000 (default 100)" },
  },
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read --allow-write=logs",
  async run(ctx) {
    const groupId = ctx.id("group-id", { required: true })!;
    const limit = parseLimit(ctx);
    // In a terminal, the table is printed as the pages arrive; the later pages' Call: lines would cut it.
    const stream: TableStream<Connection> | undefined = ctx.out.width !== undefined && !ctx.json
      ? streamTable(COLUMNS, { colour: ctx.out.colour, maxWidth: ctx.out.width, write: (line) => ctx.out.line(line) })
      : undefined;
    // Otherwise the table is drawn at the end, with every row's widths; each page's cells are made as it comes.
    const rows = stream || ctx.json ? undefined : new TableRows(COLUMNS);
    const connections: Connection[] = []; // --json
    const seenCursors = new Set<string>();
    const path = `groups/${groupId}/connections`;
    const client = ctx.client; // made first: missing credentials end the run before any Call: line
    const endpointOf = (cursor: string | undefined) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== undefined) query.set("cursor", cursor);
      return `${path}?${query}`;
    };
    // Call: and Response: lines for every page; in a terminal only for the first (later ones would cut the table).
    const saysCalls = (page: number) => !stream || page === 1;
    let endpoint = endpointOf(undefined);
    let next: Promise<Envelope<Page>> | undefined = client.request<Page>("GET", endpoint);
    ctx.out.call("GET", endpoint);
    let pages = 0;
    let count = 0;
    try {
      while (next) {
        const response = await next;
        next = undefined;
        pages++;
        let page: PageRead<Connection>;
        try {
          page = readPage<Connection>(response.data, { page: pages, seen: seenCursors, path });
          if (page.stop) throw page.stop;
        } catch (error) {
          if (saysCalls(pages)) ctx.out.response(response.code);
          throw error;
        }
        const items = page.items;
        // The next page is asked for first, so that it loads while this one's lines are printed and its rows
        // drawn; the lines come in the order they always had.
        if (page.next !== undefined) next = client.request<Page>("GET", endpoint = endpointOf(page.next));
        if (saysCalls(pages)) ctx.out.response(response.code);
        count += items.length;
        if (!stream) ctx.out.progress(`Page ${pages}: ${items.length} connections (${count} so far)`);
        if (next && saysCalls(pages + 1)) ctx.out.call("GET", endpoint);
        if (stream) stream.push(items); // printed now, not kept
        else if (rows) rows.add(items);
        else for (const item of items) connections.push(item); // never spread a page of any size into a call
      }
    } finally {
      // A page asked for ahead of a failure is let settle, so that nothing is left in flight.
      await next?.catch(() => {});
    }
    const summary = `${count} connection${count === 1 ? "" : "s"} in group ${groupId}, ${pages} page${
      pages === 1 ? "" : "s"
    } of up to ${limit}`;
    if (ctx.json) {
      ctx.out.json({
        group_id: groupId,
        pages,
        limit,
        count,
        connections: connections.map((c) => ({
          id: c.id,
          service: c.service,
          schema: c.schema,
          sync_state: c.status?.sync_state,
          setup_state: c.status?.setup_state,
          paused: c.paused,
          sync_frequency: c.sync_frequency,
        })),
      });
      ctx.out.progress(summary);
      return 0;
    }
    if (stream) stream.end();
    else if (rows) ctx.table(rows);
    ctx.out.detail(summary);
    return 0;
  },
});

if (import.meta.main) await runMain(main);
