/**
 * Shared helpers of the sandbox tests: plain fetch with Basic auth against a
 * sandbox started in-process.
 *
 * @module
 */

import { type Sandbox, type SandboxOptions, startSandbox } from "../lib/sandbox/mod.ts";

/** A decoded answer. */
export interface Answer {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** Parsed JSON body (or the text when not JSON). */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Options of one call. */
export interface CallOptions {
  /** JSON body (sent with Content-Type: application/json). */
  body?: unknown;
  /** Raw body text (no Content-Type unless given in headers). */
  raw?: string;
  /** Extra or replacement headers. */
  headers?: Record<string, string>;
  /** Leave out the Authorization header. */
  noAuth?: boolean;
}

/**
 * Call the sandbox's API (`path` relative to `/v1`, e.g. `/groups`).
 *
 * @example
 * ```ts
 * // const res = await call(sandbox, "GET", "/groups");
 * ```
 */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json;version=2" };
  if (!options.noAuth) headers.Authorization = sandbox.authorization;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  } else if (options.raw !== undefined) body = options.raw;
  Object.assign(headers, options.headers ?? {});
  for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
  const res = await fetch(sandbox.baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * Run `fn` with a fresh sandbox and close it afterwards.
 *
 * @example
 * ```ts
 * // await withSandbox({ connections: 50 }, async (sb) => { ... });
 * ```
 */
export async function withSandbox(
  options: SandboxOptions,
  fn: (sandbox: Sandbox) => Promise<void>,
): Promise<void> {
  const sandbox = await startSandbox(options);
  try {
    await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}

/**
 * Every item of a list, following next_cursor (URL-encoded).
 *
 * @example
 * ```ts
 * // const all = await listAll(sandbox, "/groups/rapid_harbor/connections");
 * ```
 */
// deno-lint-ignore no-explicit-any
export async function listAll(sandbox: Sandbox, path: string, limit?: number): Promise<any[]> {
  // deno-lint-ignore no-explicit-any
  const items: any[] = [];
  let cursor: string | undefined;
  const sep = path.includes("?") ? "&" : "?";
  for (let page = 0; page < 10_000; page++) {
    const q = [
      limit ? `limit=${limit}` : "",
      cursor ? `cursor=${encodeURIComponent(cursor)}` : "",
    ].filter(Boolean).join("&");
    const res = await call(sandbox, "GET", q ? `${path}${sep}${q}` : path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.data.items);
    cursor = res.body.data.next_cursor;
    if (!cursor) return items;
  }
  throw new Error("too many pages");
}
