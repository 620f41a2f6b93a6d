#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * new_group_destination.ts — create a group (`POST /v1/groups`), then its destination
 * (`POST /v1/destinations` with the new `group_id`) from a JSON file holding `service`, `time_zone_offset`,
 * `region` and `config` (secrets included; masked in everything printed or logged).
 *
 * If the destination cannot be created after the group was, the group is left empty and the run says so
 * and exits 1, with the two ways out: finish it with `--group-id ID --config FILE` (adds the destination to
 * the existing empty group), or delete it. With `--rollback`, the empty group this run created is deleted
 * at once instead.
 *
 * ```sh
 * deno run -P recipes/new_group_destination.ts --name analytics_eu --config recipes/examples/destination_snowflake.json
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { AtlasError } from "../lib/client/errors.ts";
import type { Envelope } from "../lib/client/envelope.ts";
import { maskSecrets, secretValues } from "../lib/mask.ts";
import { checkConfig, NO_VALIDATE_FLAG } from "./_shared.ts";
import type { Destination as DestinationAnswer, Group as GroupAnswer, Read } from "../lib/spec/types.ts";
import { curlCheck, isLostAnswer, lookUpLostCreate, settleLostCreate } from "./_lost_create.ts";

/** Fields of the spec's create_destination request (NewDestinationRequest), plus `config`. */
const DESTINATION_FIELDS = [
  "group_id",
  "service",
  "region",
  "time_zone_offset",
  "config",
  "trust_certificates",
  "trust_fingerprints",
  "run_setup_tests",
  "daylight_saving_time_enabled",
  "hybrid_deployment_agent_id",
  "private_link_id",
  "networking_method",
  "proxy_agent_id",
  "external_secrets_manager_id",
];
const TIME_ZONE_OFFSETS = [
  ...Array.from({ length: 11 }, (_, i) => String(i - 11)),
  "0",
  ...Array.from({ length: 12 }, (_, i) => `+${i + 1}`),
];
const NEW_GROUP = "NEW_GROUP_ID";

type Group = Read<GroupAnswer>;
type Destination = Read<DestinationAnswer>;

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "new_group_destination.ts",
  summary: "Create a group and its destination from a JSON config file",
  description: [
    'FILE is a JSON object: service (e.g. snowflake), time_zone_offset ("-11".."+12"), region, config',
    "(secrets included) and optionally run_setup_tests, trust_certificates, networking_method, ... (group_id",
    "is set by the recipe). With --name it creates the group first; with --group-id it adds the destination",
    "to an existing group that has none. If the destination fails after the group was created, the empty",
    "group is reported with how to finish or delete it, and the run exits 1; --rollback deletes it instead.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/new_group_destination.ts --name analytics_eu --config recipes/examples/destination_snowflake.json",
    "deno run -P recipes/new_group_destination.ts --group-id EMPTY_GROUP_ID --config recipes/examples/destination_snowflake.json",
  ],
  flags: {
    name: { type: "string", valueName: "NAME", description: "Name of the group to create" },
    "group-id": {
      type: "string",
      valueName: "ID",
      description: "Instead of --name: an existing group without a destination",
    },
    config: {
      type: "string",
      required: true,
      valueName: "FILE",
      description: "JSON file: service, time_zone_offset, region, config (with secrets)",
    },
    rollback: {
      type: "boolean",
      description: "If the destination fails, delete the group this run created",
    },
    ...NO_VALIDATE_FLAG,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (config file) --allow-write=logs",
  async run(ctx) {
    const name = ctx.string("name");
    const existingId = ctx.id("group-id");
    if ((name === undefined) === (existingId === undefined)) {
      throw new UsageError(
        name === undefined ? "Missing --name (or --group-id; see --help)" : "Expected --name or --group-id, not both",
      );
    }
    if (existingId !== undefined && ctx.flags.rollback === true) {
      throw new UsageError("--rollback only deletes a group this run creates; it cannot be used with --group-id");
    }
    const path = ctx.string("config", { required: true })!;
    const file = readDestinationFile(ctx, path);
    const secrets = secretValues(file);
    ctx.addSecrets(...secrets);
    await checkConfig(ctx, "destination", file.service as string, { config: file.config });

    let group: Group;
    let createdGroup = false;
    if (existingId !== undefined) {
      group = (await ctx.client.request<Group>("GET", `groups/${existingId}`)).data ?? { id: existingId };
      const has = await destinationOf(ctx, existingId);
      if (has) {
        throw new UsageError(`Group '${existingId}' already has a destination (${has.service ?? "service unknown"})`);
      }
      ctx.out.detail(`Group: ${group.name ?? "?"} (${existingId}), no destination yet`);
    } else {
      const same = await groupNamed(ctx, name!);
      if (same) {
        throw new UsageError(
          `A group named '${name}' already exists (${same.id}); to give it a destination use --group-id ${same.id}`,
        );
      }
      let response: Envelope<Group>;
      try {
        response = await ctx.call<Group>("POST", "groups", { name });
      } catch (error) {
        // No clear answer (5xx, network, timeout): the group may exist. Group names are unique, so look it up.
        if (!isLostAnswer(error)) throw error;
        const found = await settleLostCreate(ctx, error, {
          request: "POST groups",
          what: `group named ${name}`,
          lookup: "GET groups (by name)",
          find: () => groupNamed(ctx, name!),
          describe: (g) => `group ${g.id} named ${name}`,
          check: curlCheck(ctx, "groups"),
        });
        response = { code: "Success", data: found };
      }
      group = ctx.dryRun ? { id: NEW_GROUP, name } : response.data ?? {};
      if (!ctx.dryRun) {
        if (!group.id) throw new UsageError("The group was created but the answer had no id");
        createdGroup = true;
        ctx.log.write("info", `new_group_destination.ts: created group ${group.id} (${group.name ?? name})`);
        ctx.out.detail(`Created group ${group.name ?? name} with ID ${group.id}`);
      }
    }
    const groupId = group.id!;

    let destination: Destination;
    try {
      const response = await ctx.call<Destination>("POST", "destinations", { group_id: groupId, ...file });
      destination = maskSecrets(response.data ?? {});
    } catch (error) {
      if (!(error instanceof AtlasError) || error.kind === "aborted") throw error;
      // No scrubbing here: the client took the config's secrets out of the error, and ctx.out and ctx.log take
      // out every value registered with ctx.addSecrets above.
      const outcome = isLostAnswer(error)
        ? await lookUpLostCreate(ctx, error, {
          request: "POST destinations",
          what: `destination of group ${groupId}`,
          lookup: `GET destinations/${groupId}`,
          find: () => destinationOf(ctx, groupId),
          describe: (d) => `the ${d.service ?? ""} destination of group ${groupId}`,
          check: curlCheck(ctx, `destinations/${groupId}`),
        })
        : undefined;
      if (outcome?.state === "exists") {
        destination = maskSecrets(outcome.found);
      } else if (outcome?.state === "unknown") {
        // Whether the group has a destination is not known: neither roll back nor advise finishing it.
        ctx.out.error(outcome.message);
        ctx.log.write("error", `new_group_destination.ts: destination for group ${groupId}: outcome unknown`);
        return 1;
      } else {
        const message = outcome?.message ?? error.message;
        ctx.out.error(message);
        ctx.log.write("error", `new_group_destination.ts: destination for group ${groupId} failed: ${message}`);
        if (!createdGroup) return 1;
        if (ctx.flags.rollback === true && await isEmpty(ctx, groupId)) {
          await ctx.call("DELETE", `groups/${groupId}`);
          ctx.log.write("info", `new_group_destination.ts: rolled back: deleted empty group ${groupId}`);
          ctx.out.painted("red", `Rolled back: deleted the empty group ${group.name ?? name} (${groupId})`);
          return 1;
        }
        ctx.out.painted("red", `Group ${group.name ?? name} (${groupId}) was created but has no destination.`);
        ctx.out.line(
          `To finish it: deno run -P recipes/new_group_destination.ts --group-id ${groupId} --config ${path}`,
        );
        ctx.out.line(
          `To delete it: curl -u "$FIVETRAN_API_KEY:$FIVETRAN_API_SECRET" -X DELETE ${ctx.client.baseUrl}/groups/${groupId}` +
            " (next time, --rollback deletes it for you)",
        );
        return 1;
      }
    }

    if (ctx.dryRun) {
      if (ctx.json) {
        ctx.out.json({
          dry_run: true,
          requests: [
            ...(existingId === undefined ? [{ method: "POST", endpoint: "groups", payload: { name } }] : []),
            { method: "POST", endpoint: "destinations", payload: maskSecrets({ group_id: groupId, ...file }) },
          ],
        });
      } else ctx.out.detail("Dry run: nothing was sent");
      return 0;
    }
    ctx.log.write("info", `new_group_destination.ts: created ${destination.service} destination for group ${groupId}`);
    if (ctx.json) {
      ctx.out.json({ group, destination });
      return 0;
    }
    ctx.table([destination], [
      { header: "Group", value: () => `${group.name ?? ""} (${groupId})` },
      { header: "Service", value: (d) => d.service },
      { header: "Region", value: (d) => d.region },
      { header: "Time zone", value: (d) => d.time_zone_offset },
      { header: "Setup status", value: (d) => d.setup_status },
    ]);
    for (const t of destination.setup_tests ?? []) {
      ctx.out.detail(`Setup test: ${t.title} — ${t.status}${t.message ? ` (${t.message})` : ""}`);
    }
    return 0;
  },
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readDestinationFile(ctx: RecipeContext, path: string): Record<string, unknown> {
  const data = ctx.readJson(path, "config");
  if (!isRecord(data)) {
    throw new UsageError(
      `Expected config file '${path}' to hold a JSON object with service, time_zone_offset and config`,
    );
  }
  const unknown = Object.keys(data).filter((k) => !DESTINATION_FIELDS.includes(k));
  if (unknown.length) {
    throw new UsageError(
      `Expected config file '${path}' to hold destination fields (service, region, time_zone_offset, config, ...); unknown: ${
        unknown.join(", ")
      }`,
    );
  }
  if ("group_id" in data) {
    throw new UsageError(`Expected config file '${path}' without group_id (the recipe sets it)`);
  }
  if (typeof data.service !== "string" || !/^[a-z0-9_]{1,100}$/.test(data.service)) {
    throw new UsageError(`Expected 'service' in config file '${path}' to be a destination type such as snowflake`);
  }
  if (!TIME_ZONE_OFFSETS.includes(data.time_zone_offset as string)) {
    throw new UsageError(
      `Expected 'time_zone_offset' in config file '${path}' to be a string from "-11" to "+12" (e.g. "0", "-5", "+1"), got ${
        JSON.stringify(data.time_zone_offset) ?? "nothing"
      }`,
    );
  }
  if (data.region !== undefined && (typeof data.region !== "string" || !/^[A-Z0-9_]{2,60}$/.test(data.region))) {
    throw new UsageError(`Expected 'region' in config file '${path}' to be a region such as GCP_US_EAST4`);
  }
  if (data.config !== undefined && !isRecord(data.config)) {
    throw new UsageError(`Expected 'config' in config file '${path}' to be a JSON object`);
  }
  for (const flag of ["trust_certificates", "trust_fingerprints", "run_setup_tests", "daylight_saving_time_enabled"]) {
    if (data[flag] !== undefined && typeof data[flag] !== "boolean") {
      throw new UsageError(`Expected '${flag}' in config file '${path}' to be true or false`);
    }
  }
  return data;
}

/** The group with this name, if any (group names are unique in an account). */
async function groupNamed(ctx: RecipeContext, name: string): Promise<Group | undefined> {
  for await (const g of ctx.client.paginate<Group>("groups", { limit: 1000, signal: ctx.signal })) {
    if (g.name === name) return g;
  }
  return undefined;
}

/** Whether the group has neither a destination nor connections: the only kind --rollback deletes. */
async function isEmpty(ctx: RecipeContext, groupId: string): Promise<boolean> {
  const destination = await destinationOf(ctx, groupId);
  const connections = await ctx.client.request<{ items?: unknown[] }>("GET", `groups/${groupId}/connections?limit=1`);
  const empty = !destination && (connections.data?.items ?? []).length === 0;
  if (!empty) ctx.out.warn(`Not rolling back: group ${groupId} is not empty (it has a destination or connections)`);
  return empty;
}

/** The group's destination (a destination's id is its group's id), or undefined when it has none. */
async function destinationOf(ctx: RecipeContext, groupId: string): Promise<Destination | undefined> {
  if (groupId === NEW_GROUP) return undefined;
  try {
    return (await ctx.client.request<Destination>("GET", `destinations/${groupId}`)).data;
  } catch (error) {
    if (error instanceof AtlasError && error.status === 404) return undefined;
    throw error;
  }
}

if (import.meta.main) await runMain(main);
