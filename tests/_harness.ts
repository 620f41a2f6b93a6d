// Shared test helpers: run a recipe's main() in-process against a sandbox and capture what it printed.
import type { RecipeDeps, RecipeMain } from "../lib/recipe.ts";
import { openLog, type RequestLog } from "../lib/log.ts";

/** What a recipe run left behind. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Everything the rotating log received during the run. */
  log: string;
}

/** The credentials and address of a running sandbox (or any server). */
export interface Target {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * Runs `main(args)` in-process with credentials injected (no environment needed), output captured and the
 * log written to a temporary file. Retries are fast (no real waiting) unless `deps.sleep` is given.
 */
export async function runRecipe(
  main: RecipeMain,
  args: string[],
  target: Target,
  deps: RecipeDeps = {},
): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const dir = await Deno.makeTempDir({ prefix: "atlas_recipe_" });
  const path = `${dir}/fivetran.log`;
  const log: RequestLog = deps.log ?? openLog({ path });
  try {
    const code = await main(args, {
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
      log,
      isTerminal: () => false,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
      ...deps,
      clientOptions: {
        apiKey: target.apiKey,
        apiSecret: target.apiSecret,
        baseUrl: target.baseUrl,
        retryDelay: 1,
        maxRetryDelay: 5,
        maxRetryAfter: 0,
        ...deps.clientOptions,
      },
    });
    if (!deps.log) log.close();
    let logText = "";
    try {
      logText = (await Array.fromAsync(Deno.readDir(dir)))
        .map((e) => Deno.readTextFileSync(`${dir}/${e.name}`)).join("");
    } catch {
      // no log written
    }
    return { code, stdout: out.join("\n"), stderr: err.join("\n"), log: logText };
  } finally {
    if (!deps.log) log.close();
    await Deno.remove(dir, { recursive: true });
  }
}
