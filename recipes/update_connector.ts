#!/usr/bin/env -S deno run --allow-net --allow-env=FIVETRAN_API_KEY,FIVETRAN_API_SECRET,FIVETRAN_BASE_URL,FIVETRAN_CONFIG,FIVETRAN_PROFILE,FIVETRAN_LOG_FILE,NO_COLOR --allow-read --allow-write=logs
/**
 * update_connector.ts — change a connection's settings (`PATCH /v1/connections/{id}`) and show what changed.
 * Changes come from `--set KEY=VALUE` (repeatable; dotted keys reach into nested objects such as
 * `config.port=5433`; VALUE is read as JSON when it parses — `true`, `60`, `"text"`, `{...}` — else as a
 * string) and/or a `--payload FILE` of JSON (`--set` wins over the file). Secrets belong in the file, never
 * in `--set`. It reads the connection before, sends the PATCH, and prints a before/after table of every
 * key that changed, secrets masked.
 *
 * ```sh
 * deno run -P recipes/update_connector.ts --connection-id steady_orchard --set sync_frequency=360 --set config.port=5433
 * ```
 *
 * @module
 */
import { defineRecipe, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import { isSecretKey, MASK, maskSecrets } from "../lib/mask.ts";
import { checkConfig, NO_VALIDATE_FLAG } from "./_shared.ts";

/** Top-level fields of the spec's modify_connection request (UpdateConnectorRequest). */
const UPDATE_FIELDS = [
  "config",
  "auth",
  "paused",
  "trust_certificates",
  "trust_fingerprints",
  "sync_frequency",
  "data_delay_threshold",
  "data_delay_sensitivity",
  "daily_sync_time",
  "pause_after_trial",
  "schema_status",
  "is_historical_sync",
  "schedule_type",
  "run_setup_tests",
  "networking_method",
  "hybrid_deployment_agent_id",
  "proxy_agent_id",
  "private_link_id",
  "destination_configuration",
  "external_secrets_manager_id",
  "external_secrets_keys_config",
];
/** Request-only fields: they steer the update and are not part of the connection afterwards. */
const TRANSIENT = ["run_setup_tests", "trust_certificates", "trust_fingerprints"];
const BOOLEANS = [
  "paused",
  "pause_after_trial",
  "is_historical_sync",
  "run_setup_tests",
  "trust_certificates",
  "trust_fingerprints",
];
const SYNC_FREQUENCIES = [1, 5, 15, 30, 60, 120, 180, 360, 480, 720, 1440];
const ENUMS: Record<string, string[]> = {
  schedule_type: ["auto", "manual"],
  data_delay_sensitivity: ["LOW", "NORMAL", "HIGH", "CUSTOM", "SYNC_FREQUENCY"],
  networking_method: ["Directly", "PrivateLink", "SshTunnel", "ProxyAgent"],
};
const SEGMENT = /^[A-Za-z0-9_-]{1,100}$/;

type Obj = Record<string, unknown>;

interface Change {
  key: string;
  before: unknown;
  after: unknown;
  secret: boolean;
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "update_connector.ts",
  summary: "Update a connection's settings (PATCH connections/{id}) and show what changed",
  description: [
    "--set KEY=VALUE (repeatable): KEY is a field of the update request (paused, sync_frequency, schedule_type,",
    "daily_sync_time, config, ...), dotted for nested config (config.port=5433); VALUE is JSON when it parses",
    '(true, 60, "60", {"a":1}), else a string. --payload FILE: a JSON object of the same fields; --set',
    "is applied on top of it. Secrets (passwords, keys, tokens) are refused in --set: put them in the file.",
    "Prints a before/after table of the keys that changed (secrets masked); --dry-run shows what would.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/update_connector.ts --connection-id steady_orchard --set sync_frequency=360 --set config.port=5433",
    "deno run -P recipes/update_connector.ts --connection-id steady_orchard --payload recipes/examples/update_connection.json --dry-run",
  ],
  flags: {
    "connection-id": { type: "string", required: true, valueName: "ID", description: "Connection to update" },
    set: {
      type: "string",
      multiple: true,
      valueName: "KEY=VALUE",
      description: "Field to set; dotted keys for nested config; VALUE as JSON if it parses",
    },
    payload: { type: "string", valueName: "FILE", description: "JSON file with the fields to change" },
    ...NO_VALIDATE_FLAG,
  },
  mutates: true,
  permissions: "--allow-net --allow-env=FIVETRAN_* --allow-read (payload file) --allow-write=logs",
  async run(ctx) {
    const id = ctx.id("connection-id", { required: true })!;
    const { patch, requested, secretPaths } = buildPatch(ctx);

    const before = (await ctx.client.request<Obj>("GET", `connections/${id}`)).data ?? {};
    ctx.out.detail(
      `Connection: ${id} (${String(before.service ?? "?")}, schema ${String(before.schema ?? "?")}) in group ${
        String(before.group_id ?? "?")
      }`,
    );
    if (typeof before.service === "string" && (patch.config !== undefined || patch.auth !== undefined)) {
      await checkConfig(ctx, "connection", before.service, { config: patch.config, auth: patch.auth }, {
        partial: true,
      });
    }
    const response = await ctx.call<Obj>("PATCH", `connections/${id}`, patch);
    const after = ctx.dryRun ? merge(structuredClone(before), patch) : response.data ?? {};
    const changes = diff(before, after, requested, secretPaths);
    const changedKeys = new Set(changes.map((c) => c.key));
    const unchanged = requested.filter((k) => !changedKeys.has(k) && !TRANSIENT.includes(k.split(".")[0]));
    const notApplied = ctx.dryRun ? [] : requested.filter((k) => {
      if (TRANSIENT.includes(k.split(".")[0]) || secretPaths.has(k)) return false;
      const got = getPath(after, k.split("."));
      return got !== undefined && JSON.stringify(got) !== JSON.stringify(getPath(patch, k.split(".")));
    });
    if (!ctx.dryRun) {
      ctx.log.write(
        "info",
        `update_connector.ts: updated connection ${id}: ${changes.map((c) => c.key).join(", ") || "no change"}`,
      );
    }
    for (const k of notApplied) {
      ctx.out.warn(`${k} is ${show(getPath(after, k.split(".")), false)} after the update, not the value sent`);
    }
    if (ctx.json) {
      ctx.out.json({
        connection_id: id,
        dry_run: ctx.dryRun,
        request: maskSecrets(maskPaths(patch, secretPaths)),
        changes: changes.map((c) => ({
          key: c.key,
          before: c.secret ? MASK : c.before ?? null,
          after: c.secret ? MASK : c.after ?? null,
          ...(c.secret ? { secret: true } : {}),
        })),
        unchanged,
      });
      return 0;
    }
    if (changes.length) {
      ctx.table(changes, [
        { header: "Key", value: (c) => c.key },
        { header: "Before", value: (c) => show(c.before, c.secret) },
        { header: ctx.dryRun ? "After (would be)" : "After", value: (c) => show(c.after, c.secret, true) },
      ]);
    }
    for (const k of unchanged) {
      ctx.out.detail(`${k}: unchanged (already ${show(getPath(before, k.split(".")), false)})`);
    }
    ctx.out.detail(
      ctx.dryRun
        ? `Dry run: ${changes.length} key(s) would change; nothing was sent`
        : `Updated connection ${id}: ${changes.length} key(s) changed`,
    );
    return 0;
  },
});

function isRecord(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function buildPatch(ctx: RecipeContext): { patch: Obj; requested: string[]; secretPaths: Set<string> } {
  const patch: Obj = {};
  const secretPaths = new Set<string>();
  const file = ctx.string("payload");
  if (file !== undefined) {
    const data = ctx.readJson(file, "payload");
    if (!isRecord(data)) {
      throw new UsageError(`Expected payload file '${file}' to hold a JSON object of connection fields to change`);
    }
    for (const [key, value] of Object.entries(data)) {
      checkField(key, value, `in payload file '${file}'`);
      patch[key] = value;
    }
    for (const [path, value] of leaves(data)) {
      if (isSecretKey(path[path.length - 1]) && value !== undefined && value !== null && value !== "") {
        secretPaths.add(path.join("."));
        if (typeof value === "string" || typeof value === "number") ctx.addSecrets(String(value));
      }
    }
  }
  for (const item of ctx.list("set")) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`Expected --set KEY=VALUE, got '${item.slice(0, 60)}'`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1);
    const path = key.split(".");
    if (!path.every((s) => SEGMENT.test(s))) {
      throw new UsageError(`Expected --set KEY to be a dotted name like config.port, got '${key.slice(0, 60)}'`);
    }
    if (path.some(isSecretKey)) {
      throw new UsageError(
        `Refusing a secret on the command line (--set ${key}=...); put it in a --payload FILE instead`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    checkField(path[0], path.length === 1 ? value : {}, `in --set ${key}`);
    if (path.length > 1 && patch[path[0]] !== undefined && !isRecord(patch[path[0]])) {
      throw new UsageError(`Expected ${path[0]} to be an object to set ${key}`);
    }
    setPath(patch, path, value);
  }
  if (Object.keys(patch).length === 0) throw new UsageError("Missing --set KEY=VALUE or --payload FILE (see --help)");
  const requested = leaves(patch).map(([p]) => p.join("."));
  return { patch, requested, secretPaths };
}

function checkField(key: string, value: unknown, where: string): void {
  if (!UPDATE_FIELDS.includes(key)) {
    throw new UsageError(
      `Unknown connection field '${key}' ${where}${
        ["service", "group_id", "id", "schema"].includes(key)
          ? " (it cannot be changed)"
          : ` (did you mean config.${key}?)`
      }`,
    );
  }
  if (BOOLEANS.includes(key) && typeof value !== "boolean") {
    throw new UsageError(`Expected ${key} to be true or false ${where}, got ${JSON.stringify(value)}`);
  }
  if (key === "sync_frequency" && !SYNC_FREQUENCIES.includes(value as number)) {
    throw new UsageError(`Expected sync_frequency ${where} to be one of ${SYNC_FREQUENCIES.join(", ")} (minutes)`);
  }
  if (key === "data_delay_threshold" && !(Number.isInteger(value) && (value as number) >= 0)) {
    throw new UsageError(`Expected data_delay_threshold ${where} to be a whole number of minutes`);
  }
  if (key === "daily_sync_time" && !(typeof value === "string" && /^([01]\d|2[0-3]):00$/.test(value))) {
    throw new UsageError(`Expected daily_sync_time ${where} to be an hour like "03:00"`);
  }
  if (ENUMS[key] && !ENUMS[key].includes(value as string)) {
    throw new UsageError(
      `Expected ${key} ${where} to be one of ${ENUMS[key].join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  if (
    ["config", "auth", "destination_configuration", "external_secrets_keys_config"].includes(key) && !isRecord(value)
  ) {
    throw new UsageError(`Expected ${key} ${where} to be a JSON object (or use dotted keys like ${key}.port)`);
  }
}

function setPath(target: Obj, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Obj;
  }
  node[path[path.length - 1]] = value;
}

function getPath(value: unknown, path: string[]): unknown {
  let node = value;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/** Leaf paths of an object (arrays and scalars are leaves). */
function leaves(value: Obj, prefix: string[] = []): [string[], unknown][] {
  return Object.entries(value).flatMap(([k, v]) =>
    isRecord(v) && Object.keys(v).length ? leaves(v, [...prefix, k]) : [[[...prefix, k], v] as [string[], unknown]]
  );
}

function merge(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (isRecord(v) && isRecord(target[k])) merge(target[k] as Obj, v);
    else target[k] = structuredClone(v);
  }
  return target;
}

function maskPaths(value: Obj, paths: Set<string>): Obj {
  const copy = structuredClone(value);
  for (const p of paths) if (getPath(copy, p.split(".")) !== undefined) setPath(copy, p.split("."), MASK);
  return copy;
}

/** Every leaf that differs between before and after, plus the requested secrets (whose values are masked on GET). */
function diff(before: Obj, after: Obj, requested: string[], secretPaths: Set<string>): Change[] {
  const keys = new Set([...leaves(before), ...leaves(after)].map(([p]) => p.join(".")));
  const changes: Change[] = [];
  for (const key of [...keys].sort()) {
    const path = key.split(".");
    if (path[0] === "setup_tests") continue;
    const b = getPath(before, path);
    const a = getPath(after, path);
    const secret = path.some(isSecretKey) || secretPaths.has(key) || b === MASK || a === MASK;
    if (JSON.stringify(a) !== JSON.stringify(b) || (secret && requested.includes(key))) {
      changes.push({ key, before: b, after: a, secret });
    }
  }
  return changes;
}

function show(value: unknown, secret: boolean, after = false): string {
  if (value === undefined) return "(none)";
  if (secret) return after ? `${MASK} (updated)` : MASK;
  return typeof value === "string" ? value : JSON.stringify(value);
}

if (import.meta.main) await runMain(main);
