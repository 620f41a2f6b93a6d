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
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { Envelope } from "../lib/client/envelope.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { checkRole, stringFields } from "./_shared.ts";
import type { Read, Team as TeamAnswer } from "../lib/spec/types.ts";
import { curlCheck, isLostAnswer, settleLostCreate } from "./_lost_create.ts";

/** The fields of a create_team request (the spec's requestBody), with the flag that sets each. */
const FIELDS: Record<string, string> = { name: "name", description: "description", role: "role" };

type Team = Read<TeamAnswer>;

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "new_team.ts",
  summary: "Create a team (POST teams)",
  description: [
    "The team's fields come from the flags or from --payload FILE, a JSON object with name and optionally",
    "description and role (flags override the file). Creates are never retried: when the answer is lost",
    "(timeout, network, 5xx) it looks the team up by name and says whether it was created, was not, or",
    "cannot be told (then what to run to check).",
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
      // No clear answer (5xx, network, timeout): the team may exist. Team names are unique, so look it up.
      if (!isLostAnswer(error)) throw error;
      const found = await settleLostCreate(ctx, error, {
        request: "POST teams",
        what: `team named ${team.name}`,
        lookup: "GET teams (by name)",
        find: async () => {
          for await (const t of ctx.client.paginate<Team>("teams", { limit: 1000, signal: ctx.signal })) {
            if (t.name === team.name) return t;
          }
        },
        describe: (t) => `team ${t.id} named ${team.name}`,
        check: curlCheck(ctx, "teams"),
      });
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
    ctx.table([created], [
      { header: "ID", value: (t) => t.id },
      { header: "Name", value: (t) => t.name },
      { header: "Description", value: (t) => t.description ?? "" },
      { header: "Role", value: (t) => t.role ?? "" },
    ]);
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
