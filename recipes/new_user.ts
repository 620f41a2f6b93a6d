#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * new_user.ts — invite a user to the Fivetran account (`POST /v1/users`): Fivetran emails them an
 * invitation. The user comes from flags or from a `--payload FILE` of JSON (flags override the file's
 * fields). The email is checked before anything is sent, and a `--role` is checked against the account
 * roles the API lists.
 *
 * ```sh
 * deno run -P recipes/new_user.ts --email jane@example.com --given-name Jane --family-name Doe --role "Account Reviewer"
 * deno run -P recipes/new_user.ts --payload recipes/examples/user.json --dry-run
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { Envelope } from "../lib/client/envelope.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { checkRole, stringFields } from "./_shared.ts";
import type { Read, User as UserAnswer } from "../lib/spec/types.ts";
import { curlCheck, isLostAnswer, settleLostCreate } from "./_lost_create.ts";

/** The fields of a create_user request (the spec's requestBody), with the flag that sets each. */
const FIELDS: Record<string, string> = {
  email: "email",
  given_name: "given-name",
  family_name: "family-name",
  phone: "phone",
  picture: "picture",
  role: "role",
};
const REQUIRED = ["email", "given_name", "family_name"];
const EMAIL =
  /^[^\s@"<>(),;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

type User = Read<UserAnswer>;

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "new_user.ts",
  summary: "Invite a user to the account (POST users)",
  description: [
    "The user's fields come from the flags or from --payload FILE, a JSON object with email, given_name,",
    "family_name and optionally phone, picture and role (flags override the file). Fivetran sends the",
    "invitation email. Creates are never retried: when the answer is lost (timeout, network, 5xx) it looks",
    "the email up and says whether the user was created, was not, or cannot be told (then what to run).",
  ].join("\n"),
  examples: [
    'deno run -P recipes/new_user.ts --email jane@example.com --given-name Jane --family-name Doe --role "Account Reviewer"',
    "deno run -P recipes/new_user.ts --payload recipes/examples/user.json --dry-run",
  ],
  flags: {
    email: { type: "string", valueName: "EMAIL", description: "Email address the invitation goes to" },
    "given-name": { type: "string", valueName: "NAME", description: "First name" },
    "family-name": { type: "string", valueName: "NAME", description: "Last name" },
    phone: { type: "string", valueName: "PHONE", description: "Phone number, e.g. +14155550100" },
    picture: { type: "string", valueName: "URL", description: "Avatar: an https URL or a data: URI" },
    role: { type: "string", valueName: "ROLE", description: 'Account role, e.g. "Account Reviewer"' },
    payload: { type: "string", valueName: "FILE", description: "JSON file with the user's fields" },
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (payload file) --allow-write=logs",
  async run(ctx) {
    const user = buildUser(ctx);
    if (typeof user.role === "string") await checkRole(ctx, user.role);
    let response: Envelope<User>;
    try {
      response = await ctx.call<User>("POST", "users", user);
    } catch (error) {
      // No clear answer (5xx, network, timeout): the invitation may have gone out. Look the email up.
      if (!isLostAnswer(error)) throw error;
      const email = user.email.toLowerCase();
      const found = await settleLostCreate(ctx, error, {
        request: "POST users",
        what: `user with email ${user.email}`,
        lookup: "GET users (by email)",
        find: async () => {
          for await (const u of ctx.client.paginate<User>("users", { limit: 1000, signal: ctx.signal })) {
            if (u.email?.toLowerCase() === email) return u;
          }
        },
        describe: (u) => `user ${u.id} with email ${user.email}`,
        check: curlCheck(ctx, "users"),
      });
      response = { code: "Success", data: found };
    }
    if (ctx.dryRun) {
      if (ctx.json) ctx.out.json({ dry_run: true, request: { method: "POST", endpoint: "users", payload: user } });
      else ctx.out.detail(`Dry run: would invite ${user.email}; nothing was sent`);
      return 0;
    }
    const created = response.data ?? {};
    ctx.log.write("info", `new_user.ts: invited user ${created.id ?? "?"} (${created.email ?? user.email})`);
    if (ctx.json) {
      ctx.out.json({ user: created });
      return 0;
    }
    ctx.out.detail(`Invited ${created.email ?? user.email} as user ${created.id ?? "(no id returned)"}`);
    ctx.table([created], [
      { header: "ID", value: (u) => u.id },
      { header: "Email", value: (u) => u.email },
      { header: "Name", value: (u) => [u.given_name, u.family_name].filter(Boolean).join(" ") },
      { header: "Role", value: (u) => u.role ?? "" },
      { header: "Invited", value: (u) => u.invited },
    ]);
    return 0;
  },
});

function buildUser(ctx: RecipeContext): Record<string, string> {
  const user: Record<string, unknown> = stringFields(ctx, FIELDS, "email, given_name and family_name");
  const missing = REQUIRED.filter((f) => user[f] === undefined);
  if (missing.length) {
    throw new UsageError(
      `Missing ${missing.map((f) => `--${FIELDS[f]}`).join(", ")} (or ${missing.join(", ")} in --payload; see --help)`,
    );
  }
  const email = String(user.email);
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new UsageError(`Expected --email to be an email address like jane@example.com, got '${email.slice(0, 80)}'`);
  }
  if (user.phone !== undefined && !/^\+?[0-9][0-9 ().-]{3,30}$/.test(String(user.phone))) {
    throw new UsageError(`Expected --phone to be a phone number like +14155550100, got '${String(user.phone)}'`);
  }
  if (
    user.picture !== undefined &&
    !/^(https?:\/\/[^\s]+|data:image\/[a-z+.-]+;base64,[A-Za-z0-9+/=]+)$/.test(String(user.picture))
  ) {
    throw new UsageError(
      `Expected --picture to be an http(s) URL or a data:image/...;base64 URI, got '${
        String(user.picture).slice(0, 60)
      }'`,
    );
  }
  return user as Record<string, string>;
}

if (import.meta.main) await runMain(main);
