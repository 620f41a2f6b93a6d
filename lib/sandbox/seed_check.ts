/**
 * Up-front checks of an account fixture (a `SandboxSeed`), so that a hostile
 * or mistaken seed is refused at start-up with one clear message, instead of
 * failing on a missing property deep inside the loader or loading records that
 * name things which do not exist (which later answers would show).
 *
 * @module
 */

import { MAX_CLOCK_MS } from "./clock.ts";

type Item = Record<string, unknown>;

const LISTS = [
  "groups",
  "destinations",
  "users",
  "group_users",
  "connections",
  "teams",
  "webhooks",
  "transformations",
] as const;

function items(seed: Item, key: string, prefix = ""): Item[] {
  const list = seed[key];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TypeError(`Seed '${prefix}${key}' must be an array, got ${kind(list)}`);
  list.forEach((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new TypeError(`Seed ${prefix}${key}[${i}] must be an object, got ${kind(item)}`);
    }
  });
  return list as Item[];
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function text(item: Item, field: string, where: string): string {
  const v = item[field];
  if (typeof v !== "string" || v.trim() === "") {
    throw new TypeError(`Seed ${where}: '${field}' must be a non-empty string, got ${kind(v)}`);
  }
  return v;
}

function ids(list: Item[], key: string): Set<string> {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const id = text(item, "id", `${key}[${i}]`);
    if (seen.has(id)) throw new Error(`Seed ${key} has the id '${id}' twice`);
    seen.add(id);
  });
  return seen;
}

function known(set: Set<string>, id: unknown, what: string, where: string): void {
  if (typeof id !== "string" || !set.has(id)) throw new Error(`Seed ${where} names unknown ${what} '${String(id)}'`);
}

/** Every time-like field of seed items (epoch ms must be a real date before year 10000). */
function checkTimes(value: unknown, where: string, depth = 0): void {
  if (depth > 8 || typeof value !== "object" || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "number" && /_at$|_for$/.test(k) && !(Number.isFinite(v) && Math.abs(v) <= MAX_CLOCK_MS)) {
      throw new RangeError(`Seed ${where}.${k} must be a time before year 10000, got ${v}`);
    }
    if (typeof v === "object") checkTimes(v, `${where}.${k}`, depth + 1);
  }
}

/** The platform lists with ids, and those without (log services are keyed by group, links by what they link). */
const PLATFORM_WITH_IDS = [
  "secrets_managers",
  "hybrid_deployment_agents",
  "proxy_agents",
  "private_links",
  "system_keys",
  "transformation_projects",
];

function checkPlatform(platform: Item | undefined): void {
  if (platform === undefined) return;
  for (const key of PLATFORM_WITH_IDS) ids(items(platform, key, "platform."), `platform.${key}`);
  for (const key of ["log_services", "links"]) items(platform, key, "platform.");
}

/**
 * Throw (`TypeError` for a wrong shape, `RangeError` for an impossible time, `Error` for a reference to something the
 * seed doesn't have) unless `seed` is a well-formed account fixture.
 *
 * @example Refuse a connection of an unknown group
 * ```ts
 * import { checkSeed } from "./seed_check.ts";
 * try {
 *   checkSeed({ connections: [{ id: "c", group_id: "nope", service: "postgres" }] });
 * } catch (e) {
 *   (e as Error).message; // "Seed connections[0] names unknown group 'nope'"
 * }
 * ```
 */
export function checkSeed(seed: unknown): void {
  if (typeof seed !== "object" || seed === null || Array.isArray(seed)) {
    throw new TypeError(`A seed must be a JSON object, got ${kind(seed)}`);
  }
  const s = seed as Item;
  const lists = Object.fromEntries(LISTS.map((k) => [k, items(s, k)])) as Record<(typeof LISTS)[number], Item[]>;
  for (const key of ["account", "platform"]) {
    const v = s[key];
    if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) {
      throw new TypeError(`Seed '${key}' must be an object, got ${kind(v)}`);
    }
  }
  checkPlatform(s.platform as Item | undefined);
  const groups = ids(lists.groups, "groups");
  const users = ids(lists.users, "users");
  const connections = ids(lists.connections, "connections");
  ids(lists.teams, "teams");
  ids(lists.webhooks, "webhooks");
  ids(lists.transformations, "transformations");
  lists.groups.forEach((g, i) => text(g, "name", `groups[${i}]`));
  const destinations = new Set<string>();
  lists.destinations.forEach((d, i) => {
    known(groups, d.group_id, "group", `destinations[${i}]`);
    text(d, "service", `destinations[${i}]`);
    if (destinations.has(d.group_id as string)) throw new Error(`Seed group '${d.group_id}' has two destinations`);
    destinations.add(d.group_id as string);
  });
  lists.users.forEach((u, i) => {
    text(u, "email", `users[${i}]`);
    const gs = u.groups ?? [];
    if (!Array.isArray(gs)) throw new TypeError(`Seed users[${i}].groups must be an array of group ids`);
    for (const g of gs) known(groups, g, "group", `users[${i}].groups`);
  });
  const account = s.account as Item | undefined;
  if (account?.user_id !== undefined) known(users, account.user_id, "user", "account.user_id");
  lists.connections.forEach((c, i) => {
    known(groups, c.group_id, "group", `connections[${i}]`);
    text(c, "service", `connections[${i}]`);
  });
  lists.webhooks.forEach((w, i) => {
    const where = `webhooks[${i}]`;
    text(w, "url", where);
    if (w.type !== "account" && w.type !== "group") {
      throw new TypeError(`Seed ${where}.type must be "account" or "group", got '${String(w.type)}'`);
    }
    if (w.type === "group") known(groups, w.group_id, "group", where);
    if (!Array.isArray(w.events) || !w.events.every((e) => typeof e === "string")) {
      throw new TypeError(`Seed ${where}.events must be an array of event names`);
    }
  });
  lists.transformations.forEach((t, i) => {
    const list = t.connection_ids ?? [];
    if (!Array.isArray(list)) throw new TypeError(`Seed transformations[${i}].connection_ids must be an array`);
    for (const c of list) known(connections, c, "connection", `transformations[${i}].connection_ids`);
  });
  for (const key of LISTS) lists[key].forEach((item, i) => checkTimes(item, `${key}[${i}]`));
}
