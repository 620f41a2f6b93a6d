#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * new_team.ts — create a team in the Fivetran account (`POST /v1/teams`) from flags or a `--payload FILE`
 * of JSON (flags override the file's fields). A `--role` is checked against the account roles the API
 * lists before anything is sent.
 *
 * ```sh
 * deno run -P recipes/new_team.ts --name data_engineers --description "Owns the pipelines" --role "Account Reviewer"
 * ```
 *
 * @module
 */
import { defineRecipe, ExpectationError, runMain, UsageError } from "../lib/recipe.ts";
import { AtlasError, type Envelope } from "../lib/client.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { renderTable } from "../lib/table.ts";
import { checkRole, stringFields } from "./_shared.ts";

/** The fields of a create_team request (the spec's requestBody), with the flag that sets each. */
const FIELDS: Record<string, string> = { name: "name", description: "description", role: "role" };

interface Team {
  id?: string;
  name?: string;
  description?: string;
  role?: string;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "new_team.ts",
  summary: "Create a team (POST teams)",
  description: [
    "The team's fields come from the flags or from --payload FILE, a JSON object with name and optionally",
    "description and role (flags override the file). Creates are never retried: after a network error,",
    "check the account's teams before running it again.",
  ].join("\n"),
  examples: [
    'deno run -P recipes/new_team.ts --name data_engineers --description "Owns the pipelines" --role "Account Reviewer"',
    "deno run -P recipes/new_team.ts --payload recipes/examples/team.json --dry-run",
  ],
  flags: {
    name: { type: "string", valueName: "NAME", description: "Team name" },
    description: { type: "string", valueName: "TEXT", description: "What the team is for" },
    role: { type: "string", valueName: "ROLE", description: 'Account role of the team, e.g. "Account Reviewer"' },
    payload: { type: "string", valueName: "FILE", description: "JSON file with the team's fields" },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (payload file) --allow-write=logs",
  async run(ctx) {
    const team = buildTeam(ctx);
    if (team.role !== undefined) await checkRole(ctx, team.role);
    let response: Envelope<Team>;
    try {
      response = await ctx.call<Team>("POST", "teams", team);
    } catch (error) {
      // No clear answer (5xx, network): the team may exist. Team names are unique, so look it up.
      if (!(error instanceof AtlasError) || !(error.status === 0 || error.status >= 500)) throw error;
      let found: Team | undefined;
      for await (const t of ctx.client.paginate<Team>("teams", { limit: 1000, signal: ctx.signal })) {
        if (t.name === team.name) found = t;
      }
      if (!found) throw new ExpectationError(`${error.message} (no team ${team.name} exists: nothing was created)`);
      ctx.out.warn(`${error.message} — but team ${found.id} named ${team.name} exists: it was created`);
      response = { code: "Success", data: found };
    }
    if (ctx.dryRun) {
      if (ctx.json) ctx.out.json({ dry_run: true, request: { method: "POST", endpoint: "teams", payload: team } });
      else ctx.out.detail(`Dry run: would create team ${team.name}; nothing was sent`);
      return 0;
    }
    const created = response.data ?? {};
    ctx.log.write("info", `new_team.ts: created team ${created.id ?? "?"} (${created.name ?? team.name})`);
    if (ctx.json) {
      ctx.out.json({ team: created });
      return 0;
    }
    ctx.out.detail(`Created team ${created.name ?? team.name} with ID ${created.id ?? "(no id returned)"}`);
    ctx.out.line(renderTable([created], [
      { header: "ID", value: (t) => t.id },
      { header: "Name", value: (t) => t.name },
      { header: "Description", value: (t) => t.description ?? "" },
      { header: "Role", value: (t) => t.role ?? "" },
    ]));
    return 0;
  },
});

function buildTeam(ctx: RecipeContext): { name: string; description?: string; role?: string } {
  const team = stringFields(ctx, FIELDS, "name");
  if (team.name === undefined) throw new UsageError("Missing --name (or name in --payload; see --help)");
  if (team.name.length > 200) {
    throw new UsageError(`Expected --name to be at most 200 characters, got ${team.name.length}`);
  }
  return team as { name: string; description?: string; role?: string };
}

if (import.meta.main) await runMain(main);
