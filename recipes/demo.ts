#!/usr/bin/env -S deno run --no-prompt --allow-net=127.0.0.1 --allow-read=logs --allow-write=logs --allow-env=NO_COLOR
/**
 * demo.ts — the README's main command (`deno task demo`): starts the sandbox (a local Fivetran API
 * simulator) in this process — no account, no set-up, no environment variables — and walks the status and
 * pause workflows with the real recipes: the connections of a group (several pages), one connection's
 * status, pause it, show it paused, resume it, then sync it and wait for the sync to finish.
 *
 * ```sh
 * deno task demo
 * ```
 *
 * @module
 */
import { parseFlags } from "../lib/args.ts";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";
import { Output } from "../lib/output.ts";
import {
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
  type RecipeDeps,
  type RecipeMain,
  runMain,
} from "../lib/recipe.ts";
import { main as statusPagination } from "./status_pagination.ts";
import { main as connectorStatus } from "./connector_status.ts";
import { main as pause } from "./pause.ts";

const HELP = `demo.ts — walk the status and pause recipes against a built-in sandbox (no account needed)

Starts the sandbox in this process and runs, with the real recipes:
  1. status_pagination.ts  the connections of a group, page by page
  2. connector_status.ts   one connection's status
  3. pause.ts              pause it
  4. connector_status.ts   show it paused (--expect paused)
  5. pause.ts --resume     resume it
  6. pause.ts --sync --wait  sync it and wait for the sync to finish

Flags:
      --sync-seconds S      How long a sandbox sync takes (default 3)
      --poll-interval S     How often the sync-and-wait polls (default 1)
  -h, --help                Show this help and exit

Example:
  deno task demo

Environment: none needed (NO_COLOR turns colour off). Every request is logged to logs/fivetran.log.
Permissions: --no-prompt --allow-net=127.0.0.1 --allow-read=logs --allow-write=logs --allow-env=NO_COLOR`;

interface Step {
  title: string;
  recipe: RecipeMain;
  file: string;
  args: string[];
  /** The exit code this step should end with. */
  expect?: number;
}

function number(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) {
    throw new RangeError(`Expected --${name} to be a number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/**
 * Runs the demo; resolves to the exit code (0 when every step did what it should).
 *
 * @example Run the demo in-process
 * ```ts
 * import { main } from "./demo.ts";
 * const code = await main(["--sync-seconds", "1"]);
 * ```
 */
export async function main(args: string[], deps: RecipeDeps = {}): Promise<number> {
  const out = new Output({
    ...(deps.stdout ? { stdout: deps.stdout } : {}),
    ...(deps.stderr ? { stderr: deps.stderr } : {}),
  });
  let syncSeconds: number;
  let pollSeconds: number;
  try {
    const { values } = parseFlags(args, {
      help: { type: "boolean", short: "h" },
      "sync-seconds": { type: "string" },
      "poll-interval": { type: "string" },
    });
    if (values.help) {
      out.line(HELP);
      return EXIT_OK;
    }
    syncSeconds = number(values["sync-seconds"] as string | undefined, "sync-seconds", 3, 0.1, 600);
    pollSeconds = number(values["poll-interval"] as string | undefined, "poll-interval", 1, 0.05, 60);
  } catch (error) {
    out.error(`${(error as Error).message.split("\n")[0]} (see --help)`);
    return EXIT_USAGE;
  }

  let sandbox;
  try {
    sandbox = await startSandbox({ syncSeconds });
  } catch (error) {
    const e = error as Error;
    const permission = e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
    out.error(
      permission
        ? `Missing permission to start the sandbox: ${e.message.split("\n")[0]} (run: deno task demo)`
        : `Could not start the sandbox: ${e.message.split("\n")[0]}`,
    );
    return permission ? EXIT_USAGE : EXIT_FAILED;
  }
  try {
    const sub: RecipeDeps = {
      ...deps,
      clientOptions: {
        apiKey: sandbox.apiKey,
        apiSecret: sandbox.apiSecret,
        baseUrl: sandbox.baseUrl,
        ...deps.clientOptions,
      },
    };
    const id = DEMO.renamedConnectionId;
    const group = DEMO.marketingGroupId;
    out.painted("bold", "Fivetran recipes demo — against a local sandbox (no account, nothing leaves this machine)");
    out.line(`Sandbox: ${sandbox.baseUrl} (the demo account "Acme Corp"; syncs take ${syncSeconds} s here)`);
    const steps: Step[] = [
      {
        title: "The connections of a group, page by page (Marketing, 10 per page)",
        recipe: statusPagination,
        file: "status_pagination.ts",
        args: ["--group-id", group, "--limit", "10"],
      },
      {
        title: `One connection's status (${id}, a postgres connection)`,
        recipe: connectorStatus,
        file: "connector_status.ts",
        args: ["--connection-id", id],
      },
      { title: "Pause it (logged)", recipe: pause, file: "pause.ts", args: ["--connection-id", id] },
      {
        title: "Show it paused",
        recipe: connectorStatus,
        file: "connector_status.ts",
        args: ["--connection-id", id, "--expect", "paused"],
      },
      { title: "Resume it", recipe: pause, file: "pause.ts", args: ["--connection-id", id, "--resume"] },
      {
        title: "Sync it and wait for the sync to finish",
        recipe: pause,
        file: "pause.ts",
        args: ["--connection-id", id, "--sync", "--wait", "--timeout", "120", "--poll-interval", String(pollSeconds)],
      },
    ];
    for (const [i, step] of steps.entries()) {
      if (deps.signal?.aborted) {
        out.warn(`Interrupted before step ${i + 1} of ${steps.length}`);
        return EXIT_INTERRUPTED;
      }
      out.line();
      out.painted("bold", `== ${i + 1}/${steps.length} ${step.title}`);
      out.painted("gray", `$ deno run -P recipes/${step.file} ${step.args.join(" ")}`);
      const code = await step.recipe(step.args, sub);
      if (code !== (step.expect ?? 0)) {
        if (code === EXIT_INTERRUPTED) {
          out.warn(`Interrupted in step ${i + 1} of ${steps.length}`);
          return EXIT_INTERRUPTED;
        }
        out.error(`Step ${i + 1} (${step.file}) ended with exit code ${code}; the demo stops here`);
        return EXIT_FAILED;
      }
    }
    out.line();
    out.painted(
      "green",
      "Demo complete: listed, inspected, paused, resumed, synced and waited — every request is logged",
    );
    out.line("Next: run `deno task sandbox`, paste the export line it prints, then for example:");
    out.line(`  ./recipes/pause.ts --group-id ${DEMO.smallGroupId} --dry-run`);
    out.line(`  ./recipes/connection_status.ts --state broken`);
    out.line("Against your account: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET instead.");
    return EXIT_OK;
  } finally {
    await sandbox.close();
  }
}

if (import.meta.main) await runMain(main);
