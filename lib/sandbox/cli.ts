/**
 * `deno task sandbox`: run the Fivetran API sandbox from a shell.
 *
 * Prints one line a shell can `eval` (the FIVETRAN_ variables) on stdout;
 * everything else goes to stderr. Runs until SIGINT/SIGTERM.
 *
 * @example Start it and point a shell at it
 * ```sh
 * eval "$(deno task -q sandbox --port 0 --faults 429=0.1,retry-after=0 2>sandbox.log | head -n1 &)"
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseFaultSpec } from "./faults.ts";
import { DEFAULT_RATE_LIMIT, DEFAULT_SYNC_SECONDS, ROUTES, type SandboxOptions, startSandbox } from "./mod.ts";

const HELP = `Fivetran REST API v1 sandbox (local, stateful simulator)

Usage: deno task sandbox [options]

  --port N             port to listen on (default 8787; 0 = any free port)
  --hostname H         interface to listen on (default 127.0.0.1)
  --seed FILE          load the account from a JSON fixture instead of the demo account
  --connections N      number of connections in the demo account (default 300)
  --sync-seconds S     how long a sync / transformation run takes (default ${DEFAULT_SYNC_SECONDS})
  --rate-limit N       requests per rolling minute before 429s (default ${DEFAULT_RATE_LIMIT}; 0 = default)
  --faults SPEC        fault injection, e.g. 5xx=0.1,5xx-after=0.05,429=0.1,drop=0.05,
                       drop-after=0.05,latency=20,latency-share=0.5,retry-after=0,html=0.5
  --random-seed N      seed of the demo account and of the fault sequence (default 1)
  --legacy-connectors  serve the retired /v1/connectors paths as aliases (default: 404)
  --trial              a trial account's limits: 500 requests per hour (default 20,000)
  --snapshot-out FILE  on shutdown, write the account as a seed (secrets stripped) to FILE
  -h, --help           show this help

Prints: export FIVETRAN_BASE_URL=... FIVETRAN_API_KEY=... FIVETRAN_API_SECRET=...
Admin endpoints: GET /_sandbox/journal, POST /_sandbox/reset, POST /_sandbox/advance?ms=N,
                 GET|PUT /_sandbox/faults, GET /_sandbox/routes, POST /_sandbox/shutdown
`;

function fail(message: string, hint = true): never {
  console.error(`sandbox: ${message}${hint ? " (see --help)" : ""}`);
  Deno.exit(2);
}

function int(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) fail(`--${name} must be an integer, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) fail(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** CLI options: the sandbox's, plus where to write a snapshot on shutdown. */
export interface CliOptions extends SandboxOptions {
  /** `--snapshot-out FILE`. */
  snapshotOut?: string;
}

function nonEmpty(name: string, raw: string): string {
  if (raw.trim() === "") fail(`--${name} needs a file name`);
  return raw;
}

/** Write the snapshot to `path` atomically (a temporary file renamed over it). */
async function writeSnapshot(path: string, seed: unknown): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(seed, null, 2) + "\n");
    await Deno.rename(tmp, path);
    console.error(`sandbox: snapshot written to ${path}`);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    console.error(`sandbox: could not write the snapshot to ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Parse CLI arguments into sandbox options (exits 2 on bad values). */
export function parseCli(args: string[]): CliOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        port: { type: "string" },
        hostname: { type: "string" },
        seed: { type: "string" },
        connections: { type: "string" },
        "sync-seconds": { type: "string" },
        "rate-limit": { type: "string" },
        faults: { type: "string" },
        "random-seed": { type: "string" },
        "legacy-connectors": { type: "boolean" },
        trial: { type: "boolean" },
        "snapshot-out": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    fail((e as Error).message.split("\n")[0]);
  }
  const v = parsed.values;
  if (v.help) return "help";
  let syncSeconds: number | undefined;
  if (v["sync-seconds"] !== undefined) {
    syncSeconds = Number(v["sync-seconds"]);
    if (v["sync-seconds"].trim() === "" || !Number.isFinite(syncSeconds) || syncSeconds < 0) {
      fail(`--sync-seconds must be a non-negative number, got '${v["sync-seconds"]}'`);
    }
  }
  if (v.faults !== undefined) {
    try {
      parseFaultSpec(v.faults);
    } catch (e) {
      fail(`--faults: ${(e as Error).message}`);
    }
  }
  return {
    port: int("port", v.port, 0, 65535) ?? 8787,
    hostname: v.hostname,
    seed: v.seed,
    connections: int("connections", v.connections, 0, 1_000_000),
    syncSeconds,
    rateLimit: int("rate-limit", v["rate-limit"], 0),
    faults: v.faults,
    randomSeed: int("random-seed", v["random-seed"], 0, 2 ** 32 - 1),
    legacyConnectors: v["legacy-connectors"] ?? false,
    trial: v.trial ?? false,
    snapshotOut: v["snapshot-out"] === undefined ? undefined : nonEmpty("snapshot-out", v["snapshot-out"]),
  };
}

if (import.meta.main) {
  const options = parseCli(Deno.args);
  if (options === "help") {
    console.log(HELP);
    Deno.exit(0);
  }
  const snapshotOut = options.snapshotOut;
  if (snapshotOut !== undefined) {
    // Written to a temporary file next to it, then renamed: needs its directory.
    const dir = snapshotOut.includes("/") ? snapshotOut.slice(0, snapshotOut.lastIndexOf("/")) || "/" : ".";
    const perm = await Deno.permissions.query({ name: "write", path: dir });
    if (perm.state !== "granted") {
      fail(
        `--snapshot-out needs write access to ${dir}: run with --allow-write=${dir} ` +
          `(deno run --allow-net=127.0.0.1 --allow-read --allow-write=${dir} lib/sandbox/cli.ts ...)`,
        false,
      );
    }
  }
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (e) {
    fail((e as Error).message.split("\n")[0], false);
  }
  console.log(sandbox.exportLine());
  console.error(
    `sandbox: serving ${sandbox.baseUrl} (${sandbox.state.connections.size} connections, ` +
      `${ROUTES.length} operations, faults ${sandbox.faults}); admin at ${sandbox.adminUrl}. Ctrl-C to stop.`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`sandbox: ${signal}, shutting down`);
    if (snapshotOut !== undefined) await writeSnapshot(snapshotOut, sandbox.snapshot());
    await sandbox.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
  sandbox.finished.then(async () => {
    if (stopping) return;
    console.error("sandbox: shut down through /_sandbox/shutdown");
    if (snapshotOut !== undefined) await writeSnapshot(snapshotOut, sandbox.snapshot());
    Deno.exit(0);
  });
}
