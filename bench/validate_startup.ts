// What checking configs against the spec costs, printed as a small table (ratios measured side by side in one run;
// nothing here asserts a time):
//
//   deno run --allow-all bench/validate_startup.ts [--runs 9]
//
// 1. start-up: wall time of `deno run -P recipes/create_connector.ts ... --dry-run` (process start to exit: the
//    config read, checked against postgres's schema — ajv and the schema data loaded on demand — and three reads)
//    against a sandbox, versus the same command with --no-validate; runs interleaved, medians compared.
// 2. size: the generated files under lib/spec/generated/ (bytes), and how many of them a run that never checks a
//    config loads (only secret_names.ts, for masking).
import { parseArgs } from "node:util";
import { DEMO, startSandbox } from "../lib/sandbox/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({ args: Deno.args, options: { runs: { type: "string" } } });
const RUNS = Number(values.runs ?? 9);

await using sb = await startSandbox({ connections: 30 });
const dir = await Deno.makeTempDir({ prefix: "atlas_validate_bench_" });
const config = `${dir}/postgres.json`;
await Deno.writeTextFile(
  config,
  JSON.stringify({
    service: "postgres",
    config: { host: "db.example.com", port: 5432, database: "shop", user: "etl", password: "bench-password" },
  }),
);

async function once(extra: string[], n: number): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P",
      "recipes/create_connector.ts",
      "--group-id",
      DEMO.smallGroupId,
      "--config",
      config,
      "--schema",
      `bench_${n}`,
      "--dry-run",
      ...extra,
    ],
    cwd: ROOT,
    env: {
      FIVETRAN_BASE_URL: sb.baseUrl,
      FIVETRAN_API_KEY: sb.apiKey,
      FIVETRAN_API_SECRET: sb.apiSecret,
      FIVETRAN_LOG_FILE: "off",
      NO_COLOR: "1",
    },
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (out.code !== 0) throw new Error(`create_connector.ts failed: ${new TextDecoder().decode(out.stderr)}`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await once([], 0); // warm the module cache
await once(["--no-validate"], 0);
const checked: number[] = [];
const unchecked: number[] = [];
for (let i = 1; i <= RUNS; i++) {
  checked.push(await once([], i));
  unchecked.push(await once(["--no-validate"], i));
}
const a = median(checked);
const b = median(unchecked);

const sizes: [string, number][] = [];
for (const entry of Deno.readDirSync(`${ROOT}lib/spec/generated`)) {
  sizes.push([entry.name, Deno.statSync(`${ROOT}lib/spec/generated/${entry.name}`).size]);
}
sizes.sort();
const total = sizes.reduce((n, [, s]) => n + s, 0);
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

console.log(`| what | figure |`);
console.log(`| --- | --- |`);
console.log(
  `| create_connector.ts --dry-run start to exit, config checked vs --no-validate (medians of ${RUNS}) | ${
    a.toFixed(0)
  } ms vs ${b.toFixed(0)} ms: **${(a / b).toFixed(2)}x** |`,
);
console.log(
  `| generated files, lib/spec/generated/ | ${kb(total)} in all: ${
    sizes.map(([n, s]) => `${n} ${kb(s)}`).join(", ")
  } |`,
);
await Deno.remove(dir, { recursive: true });
