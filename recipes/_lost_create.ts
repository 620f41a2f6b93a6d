// Private helper of the recipes that create something: what to say when the answer to a create is lost.
//
// A create (POST) is never sent twice. When its answer is lost — a timeout, a dropped connection, a 5xx — the
// item may or may not exist. The recipe then looks it up (the lookup each recipe already knows: teams by name,
// users by email, ...), and says plainly which of three outcomes it is: it exists (the create went through), it
// does not (nothing was created: running the command again is safe), or the lookup failed too (the outcome is
// unknown: here is what to run to check before running the command again).
import { AtlasError } from "../lib/client/errors.ts";
import { ExpectationError, type RecipeContext } from "../lib/recipe.ts";
import { firstLine } from "../lib/_text.ts";

/** Whether the error leaves a create's outcome unknown: no answer (network, timeout) or a 5xx. */
export function isLostAnswer(error: unknown): error is AtlasError {
  return error instanceof AtlasError && error.kind !== "aborted" && (error.status === 0 || error.status >= 500);
}

/** What happened to the answer, in a few words. */
export function lostHow(error: AtlasError): string {
  if (error.kind === "timeout") return "it timed out";
  if (error.kind === "network") return "the connection failed";
  return `the server answered HTTP ${error.status}`;
}

/** Why a lookup failed, in a few words. */
function describeFailure(error: unknown): string {
  if (error instanceof AtlasError) {
    return error.kind === "http" ? `HTTP ${error.status} ${error.code ?? ""}`.trim() : lostHow(error);
  }
  return firstLine(error, 120);
}

/** What {@link settleLostCreate} needs to know about the create. */
export interface LostCreate<T> {
  /** The request, e.g. `POST teams`. */
  request: string;
  /** What was being created, e.g. `team data_engineers`. */
  what: string;
  /** The lookup, e.g. `GET teams (by name)`. */
  lookup: string;
  /** Looks the item up; undefined when it does not exist. */
  find: () => Promise<T | undefined>;
  /** Describes the item found, e.g. `team t1`. */
  describe: (found: T) => string;
  /** A command the user can run to check by hand, e.g. a curl line. */
  check: string;
}

/** What the lookup after a lost answer found: the item, its absence, or nothing (the lookup failed). */
export type LostCreateOutcome<T> =
  | { state: "exists"; found: T }
  | { state: "absent"; message: string }
  | { state: "unknown"; message: string };

/**
 * After a create's answer was lost: says so (a warning), looks the item up and says what it found: it exists
 * (a warning: the create went through), it does not (`message` says nothing was created and running again is
 * safe), or the lookup failed too (`message` says the outcome is unknown and what to run to check).
 */
export async function lookUpLostCreate<T>(
  ctx: RecipeContext,
  error: AtlasError,
  create: LostCreate<T>,
): Promise<LostCreateOutcome<T>> {
  const lost = `The answer to ${create.request} was lost (${lostHow(error)}: ${error.message})`;
  ctx.out.warn(`${lost}: the ${create.what} may or may not exist; checking with ${create.lookup}`);
  let found: T | undefined;
  try {
    found = await create.find();
  } catch (lookupError) {
    if (lookupError instanceof AtlasError && lookupError.kind === "aborted") throw lookupError;
    ctx.log.write("error", `${create.request}: answer lost, and the check ${create.lookup} failed`);
    return {
      state: "unknown",
      message: `Outcome unknown: the answer to ${create.request} was lost (${lostHow(error)}) and the check ` +
        `(${create.lookup}) failed too (${describeFailure(lookupError)}); the ${create.what} may or may not ` +
        `exist. Check with: ${create.check} — before running this again`,
    };
  }
  if (found === undefined) {
    ctx.log.write("info", `${create.request}: answer lost; ${create.lookup} shows it was not created`);
    return {
      state: "absent",
      message: `Not created: the answer to ${create.request} was lost (${lostHow(error)}), and ${create.lookup} ` +
        `shows no ${create.what}; nothing was created, so running the same command again is safe`,
    };
  }
  ctx.log.write("info", `${create.request}: answer lost; ${create.lookup} shows ${create.describe(found)} exists`);
  ctx.out.warn(
    `Created after all: ${create.lookup} shows ${create.describe(found)}, so ${create.request} went through ` +
      "(do not run it again)",
  );
  return { state: "exists", found };
}

/**
 * {@link lookUpLostCreate}, resolving to the item when it exists and otherwise throwing an
 * {@link ExpectationError} (exit 1) with the one line that says whether nothing was created or the outcome is unknown.
 */
export async function settleLostCreate<T>(ctx: RecipeContext, error: AtlasError, create: LostCreate<T>): Promise<T> {
  const outcome = await lookUpLostCreate(ctx, error, create);
  if (outcome.state === "exists") return outcome.found;
  throw new ExpectationError(outcome.message);
}

/** A curl line that lists `endpoint` with the caller's credentials (taken from the environment, never printed). */
export function curlCheck(ctx: RecipeContext, endpoint: string): string {
  return `curl -u "$FIVETRAN_API_KEY:$FIVETRAN_API_SECRET" ${ctx.client.baseUrl}/${endpoint}`;
}
