/**
 * Checks before anything is sent: the method, the endpoint (it must stay under the base path, so that
 * credentials go nowhere else), the payload, the connectors → connections rename, and the Accept header
 * each operation expects.
 *
 * @module
 */

import { isRecord } from "./envelope.ts";
import type { HttpMethod } from "./errors.ts";

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PATCH", "DELETE"];

/**
 * Throws a `TypeError` unless `method` is one the Fivetran API uses.
 *
 * @example Refuse a method the API does not use
 * ```ts
 * import { checkMethod } from "./guard.ts";
 * checkMethod("GET"); // passes
 * // checkMethod("PUT") throws a TypeError
 * ```
 */
export function checkMethod(method: unknown): asserts method is HttpMethod {
  if (!METHODS.includes(method as HttpMethod)) {
    throw new TypeError(`Expected method GET, POST, PATCH or DELETE, got '${short(String(method))}'`);
  }
}

/**
 * The JSON body to send for `payload`: none for GET and DELETE, `{}` for an empty POST or PATCH.
 *
 * @example The body of an empty POST
 * ```ts
 * import { bodyFor } from "./guard.ts";
 * bodyFor("POST", undefined); // "{}"
 * bodyFor("GET", undefined); // undefined
 * ```
 */
export function bodyFor(method: HttpMethod, payload: unknown): string | undefined {
  const empty = payload === undefined || payload === null || payload === "";
  if (method === "GET" || method === "DELETE") {
    if (!empty && !(isRecord(payload) && Object.keys(payload).length === 0)) {
      throw new TypeError(`Expected no payload for ${method}, got ${typeof payload}`);
    }
    return undefined;
  }
  if (empty) return "{}";
  if (typeof payload === "string") {
    try {
      JSON.parse(payload);
    } catch {
      throw new TypeError("Expected the payload to be an object or a JSON string, got a non-JSON string");
    }
    return payload;
  }
  if (typeof payload !== "object") {
    throw new TypeError(`Expected the payload to be an object, got ${typeof payload}`);
  }
  return JSON.stringify(payload);
}

/**
 * Accept header of connection and destination operations (Fivetran's REST API v2 representation).
 *
 * @example Ask for the v2 representation
 * ```ts
 * import { ACCEPT_V2 } from "./guard.ts";
 * const headers = new Headers({ accept: ACCEPT_V2 });
 * ```
 */
export const ACCEPT_V2 = "application/json;version=2";
/**
 * Accept header of every other operation.
 *
 * @example Ask for the v1 representation
 * ```ts
 * import { ACCEPT_V1 } from "./guard.ts";
 * const headers = new Headers({ accept: ACCEPT_V1 });
 * ```
 */
export const ACCEPT_V1 = "application/json";

// The operations whose spec declares `Accept: application/json;version=2` (../shared/fivetran-openapi.json).
const V2_PATHS: RegExp[] = [
  /^connections$/,
  /^connections\/[^/]+$/,
  /^connections\/[^/]+\/(connect-card|resync|state|sync|test)$/,
  /^destinations$/,
  /^destinations\/[^/]+$/,
  /^destinations\/[^/]+\/test$/,
];

const LEGACY = /^(groups\/[^/?#]+\/)?connectors(?=[/?#]|$)/;

/** The endpoint after the legacy-name rewrite, and whether a rewrite happened. */
export interface NormalizedEndpoint {
  /** Path relative to the base URL, without a leading slash, with its query string if any. */
  endpoint: string;
  /** Path without query string, for logs and errors. */
  path: string;
  /** `true` when `connectors` was rewritten to `connections`. */
  legacy: boolean;
}

/**
 * The longest endpoint accepted (path and query); Fivetran's longest real ones are a few hundred characters.
 *
 * @example Check an endpoint's length first
 * ```ts
 * import { MAX_ENDPOINT_LENGTH } from "./guard.ts";
 * const endpoint = "groups?limit=1000";
 * console.log(endpoint.length <= MAX_ENDPOINT_LENGTH); // true
 * ```
 */
export const MAX_ENDPOINT_LENGTH = 4096;

/** The most characters of a caller's input that an error message repeats. */
const ECHO = 200;

/**
 * Checks an endpoint and rewrites the retired `connectors` word.
 *
 * Rejects, before anything is sent, endpoints that could carry credentials to another host or out of the
 * base path: absolute URLs, protocol-relative `//host` forms, backslashes, control characters (the URL parser
 * silently drops tabs and newlines, which turned `.\t.` into `..`), `.` and `..` segments however they are
 * spelled (percent-encoded once or twice, `\` or `%5c` as the separator, unicode dots that normalise to `.`),
 * and endpoints longer than {@link MAX_ENDPOINT_LENGTH}.
 *
 * @example The renamed path of a legacy endpoint
 * ```ts
 * import { normalizeEndpoint } from "./guard.ts";
 * const { endpoint, legacy } = normalizeEndpoint("/connectors/abc");
 * console.log(endpoint, legacy); // connections/abc true
 * ```
 */
export function normalizeEndpoint(endpoint: unknown): NormalizedEndpoint {
  if (typeof endpoint !== "string") {
    throw new TypeError(`Expected the endpoint to be a string, got ${typeof endpoint}`);
  }
  if (endpoint.length > MAX_ENDPOINT_LENGTH) {
    throw new TypeError(
      `Expected an endpoint of at most ${MAX_ENDPOINT_LENGTH} characters, got ${endpoint.length} ('${
        short(endpoint)
      }')`,
    );
  }
  if (CONTROL.test(endpoint)) {
    throw new TypeError(
      `Expected an endpoint without control characters (tab, newline, NUL), got '${short(endpoint)}'`,
    );
  }
  const raw = endpoint.trim();
  if (raw === "" || raw === "/") {
    throw new TypeError("Expected a non-empty endpoint such as 'groups', got an empty string");
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith("//") || raw.includes("\\")) {
    throw new TypeError(
      `Expected an endpoint relative to the base URL such as 'groups/ID', got '${short(raw)}'`,
    );
  }
  let rel = raw.replace(/^\/+/, "");
  const cut = rel.search(/[?#]/);
  checkPath(cut === -1 ? rel : rel.slice(0, cut), raw);
  if (rel.includes("#")) rel = rel.slice(0, rel.indexOf("#"));
  const legacy = LEGACY.test(rel);
  if (legacy) rel = rel.replace(LEGACY, (_m, group = "") => `${group}connections`);
  const q = rel.indexOf("?");
  return { endpoint: rel, path: q === -1 ? rel : rel.slice(0, q), legacy };
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Throws unless `path` stays inside the base path however a server reads it: decoded once, twice or more, with
 * `\` as a separator and unicode dots normalised, no segment is `.` or `..` and no control character appears.
 */
function checkPath(path: string, raw: string): void {
  let text = path;
  for (let round = 0; round < 4; round++) {
    if (CONTROL.test(text)) {
      throw new TypeError(`Expected an endpoint without control characters, got '${short(raw)}' (percent-encoded)`);
    }
    if (text.split(/[/\\]/).some(isDotSegment)) {
      throw new TypeError(
        `Expected an endpoint inside the base path, got '${short(raw)}' (it contains a '..' or '.' segment)`,
      );
    }
    if (!text.includes("%")) return;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      if (round === 0) throw new TypeError(`Expected a valid percent-encoded endpoint, got '${short(raw)}'`);
      return; // a literal '%' left after decoding: no further encoded layer to read
    }
    if (decoded === text) return;
    text = decoded;
  }
  throw new TypeError(`Expected an endpoint encoded at most a few times, got '${short(raw)}'`);
}

function isDotSegment(segment: string): boolean {
  const plain = segment.normalize("NFKC").trim();
  return plain === "." || plain === "..";
}

/**
 * The Accept header the operation at `path` (relative, no query) expects.
 *
 * @example The Accept header of a connection read
 * ```ts
 * import { acceptFor } from "./guard.ts";
 * acceptFor("connections/abc"); // "application/json;version=2"
 * acceptFor("groups"); // "application/json"
 * ```
 */
export function acceptFor(path: string): string {
  const clean = path.replace(/\/+$/, "");
  return V2_PATHS.some((re) => re.test(clean)) ? ACCEPT_V2 : ACCEPT_V1;
}

/**
 * Whether a POST to `path` may be sent again after an answer was lost: actions that only start or test
 * something already there. Creates (and resyncs, runs and rotations, which cost real work) are not.
 *
 * @example A sync may be sent again, a create may not
 * ```ts
 * import { isIdempotentPost } from "./guard.ts";
 * isIdempotentPost("connections/abc/sync"); // true
 * isIdempotentPost("connections"); // false
 * ```
 */
export function isIdempotentPost(path: string): boolean {
  return /\/(sync|test|reload|cancel)$/.test(path) ||
    /\/(certificates|fingerprints)$/.test(path) && /^(connections|destinations)\//.test(path) ||
    path === "certificates";
}

/**
 * Joins a base URL and a normalized endpoint, and checks the URL as the parser built it stays under the base.
 *
 * @example The URL of an endpoint
 * ```ts
 * import { joinUrl } from "./guard.ts";
 * joinUrl(new URL("https://api.fivetran.com/v1/"), "groups").href; // "https://api.fivetran.com/v1/groups"
 * ```
 */
export function joinUrl(base: URL, endpoint: string): URL {
  const basePath = base.pathname.replace(/\/+$/, "");
  const url = new URL(`${base.origin}${basePath}/${endpoint}`);
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) {
    throw new TypeError(`Expected an endpoint under ${base.href}, got '${short(endpoint)}'`);
  }
  checkPath(url.pathname.slice(basePath.length + 1), endpoint);
  return url;
}

/**
 * The URL `endpoint` (relative to `base`) is sent to, after every check; what the fuzz tests drive.
 *
 * @example Check where an endpoint would go
 * ```ts
 * import { guardedUrl } from "./guard.ts";
 * guardedUrl(new URL("https://api.fivetran.com/v1/"), "groups/g1").href; // "https://api.fivetran.com/v1/groups/g1"
 * // guardedUrl(base, "../v2/x") throws a TypeError: it would leave the base path
 * ```
 */
export function guardedUrl(base: URL, endpoint: string): URL {
  return joinUrl(base, normalizeEndpoint(endpoint).endpoint);
}

/**
 * At most {@link ECHO} characters of a caller's input, control characters shown as escapes, on one line.
 *
 * @example Quote a caller's input safely
 * ```ts
 * import { short } from "./guard.ts";
 * short("a\tb"); // the tab shown as an escape, on one line
 * ```
 */
export function short(text: string): string {
  const visible = text.slice(0, ECHO).replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => ({ "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return visible.length > ECHO || text.length > ECHO ? `${visible.slice(0, ECHO - 3)}...` : visible;
}
