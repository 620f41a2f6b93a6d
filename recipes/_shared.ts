// Private helpers shared by the recipes: account roles and create fields (user, team), the poll-interval floor, the
// config check before a create or update.
import { isLoopback } from "../lib/config.ts";
import { type RecipeContext, UsageError } from "../lib/recipe.ts";
import type { ConfigCheckOptions, ServiceKind } from "../lib/spec/validate.ts";

/** The `--no-validate` flag of the recipes that send a service config. */
export const NO_VALIDATE_FLAG = {
  "no-validate": {
    type: "boolean",
    description: "Send the config unchecked (a service newer than the pinned OpenAPI definition)",
  },
} as const;

/**
 * Checks `body.config` (and `body.auth`) against the service's schema from the pinned OpenAPI definition, unless
 * `--no-validate`; a config that does not fit stops the run (exit 2) with one line per problem, before anything
 * is sent. The validator and its data load only here.
 */
export async function checkConfig(
  ctx: RecipeContext,
  kind: ServiceKind,
  service: string,
  body: { config?: unknown; auth?: unknown },
  options: ConfigCheckOptions = {},
): Promise<void> {
  if (ctx.flags["no-validate"] === true) return;
  const { configProblems } = await import("../lib/spec/validate.ts");
  const problems = await configProblems(kind, { ...body, service }, options);
  if (problems.length === 0) return;
  const hint = "--no-validate sends it unchecked";
  const last = problems.length - 1;
  if (!problems[last].includes("--no-validate")) problems[last] += ` (${hint})`;
  throw new UsageError(problems.join("\n"));
}

/** Checks the role against the account roles the API lists; skips the check (with a warning) if it cannot list them. */
export async function checkRole(ctx: RecipeContext, role: string): Promise<void> {
  let roles: { name?: string; scope?: string[]; is_deprecated?: boolean; replacement_role_name?: string }[];
  try {
    roles = await Array.fromAsync(ctx.client.paginate<(typeof roles)[number]>("roles", { limit: 1000 }));
  } catch (error) {
    ctx.out.warn(`Could not list the account roles to check --role (${(error as Error).message}); sending it as given`);
    return;
  }
  const account = roles.filter((r) => !Array.isArray(r.scope) || r.scope.includes("ACCOUNT"));
  const found = account.find((r) => r.name === role);
  if (!found) {
    throw new UsageError(
      `Expected --role to be an account role (${account.map((r) => r.name).join(", ")}), got '${role}'`,
    );
  }
  if (found.is_deprecated) {
    ctx.out.warn(
      `Role '${role}' is deprecated${found.replacement_role_name ? `; use '${found.replacement_role_name}'` : ""}`,
    );
  }
}

export function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `'${value.slice(0, 40)}'`;
  return `${typeof value} ${String(value)}`;
}

/**
 * The string fields of a create request: those of `--payload FILE` (a JSON object whose keys are the fields'
 * names, each a non-empty string), then each field's flag, which wins. `fields` maps field name to flag name;
 * `expected` names what the payload must hold, for the error message.
 */
export function stringFields(
  ctx: RecipeContext,
  fields: Record<string, string>,
  expected: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  const file = ctx.string("payload");
  if (file !== undefined) {
    const payload = ctx.readJson(file, "payload");
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      throw new UsageError(
        `Expected payload file '${file}' to hold a JSON object with ${expected}, got ${kind(payload)}`,
      );
    }
    const unknown = Object.keys(payload).filter((k) => !(k in fields));
    if (unknown.length) {
      throw new UsageError(
        `Expected payload file '${file}' to have only ${Object.keys(fields).join(", ")}; got ${unknown.join(", ")}`,
      );
    }
    for (const [key, value] of Object.entries(payload)) {
      if (typeof value !== "string" || value.trim() === "") {
        throw new UsageError(
          `Expected '${key}' in payload file '${file}' to be a non-empty string, got ${kind(value)}`,
        );
      }
      out[key] = value.trim();
    }
  }
  for (const [field, flag] of Object.entries(fields)) {
    const value = ctx.string(flag);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** The shortest `--poll-interval` against a real account, in seconds. */
export const POLL_FLOOR_SECONDS = 1;
/** The shortest `--poll-interval` against a loopback host (the sandbox), in seconds. */
export const LOOPBACK_POLL_FLOOR_SECONDS = 0.01;

/**
 * Refuses a `--poll-interval` below {@link POLL_FLOOR_SECONDS} unless the base URL is a loopback host (the
 * sandbox), where down to {@link LOOPBACK_POLL_FLOOR_SECONDS} is allowed: a tiny interval against a real account
 * is thousands of requests a minute.
 */
export function checkPollFloor(ctx: RecipeContext, seconds: number): void {
  if (seconds >= POLL_FLOOR_SECONDS) return;
  const url = new URL(ctx.client.baseUrl);
  const loopback = isLoopback(url.hostname);
  if (loopback && seconds >= LOOPBACK_POLL_FLOOR_SECONDS) return;
  throw new UsageError(
    loopback
      ? `Expected --poll-interval to be at least ${LOOPBACK_POLL_FLOOR_SECONDS} s, got '${seconds}'`
      : `Expected --poll-interval to be at least ${POLL_FLOOR_SECONDS} s against ${url.host} (shorter only against a loopback sandbox), got '${seconds}'`,
  );
}
