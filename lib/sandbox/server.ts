/**
 * HTTP handling: the `/v1` pipeline (faults → auth → rate limit → routing →
 * Accept/Content-Type checks → body parsing → handler → faults after) and the
 * admin endpoints under `/_sandbox`.
 *
 * @module
 */

import { ApiError } from "./errors.ts";
import type { FaultDecision, FaultInjector } from "./faults.ts";
import { formatFaults, parseFaultSpec } from "./faults.ts";
import { HANDLERS } from "./handlers/mod.ts";
import type { HandlerResult } from "./handler.ts";
import type { Journal } from "./journal.ts";
import { maskSecrets } from "./mask.ts";
import { isMultipart, MultipartBody } from "./multipart.ts";
import type { RateLimits } from "./rate_limit.ts";
import { legacyAlias, matchRoute, type Route, ROUTES } from "./routes.ts";
import { snapshotSeed } from "./snapshot.ts";
import { maskConfig, requestFields } from "./spec_catalog.ts";
import type { SandboxState } from "./state.ts";
import type { WebhookRecord } from "./types.ts";
import type { DeliveryResult, SandboxEvent, WebhookDeliveryRecord } from "./webhook_delivery.ts";

/** Largest accepted request body (bytes). */
export const MAX_BODY_BYTES = 1_048_576;
/** Largest accepted file upload (multipart routes: Connector SDK packages), bytes. */
export const MAX_UPLOAD_BYTES = 32 * 1_048_576;

/** Deepest nesting of arrays and objects accepted in a JSON request body (deeper is 400, not a stack overflow). */
export const MAX_JSON_DEPTH = 64;

/** Whether arrays/objects in `value` nest deeper than `max` levels (iterative: no recursion on hostile input). */
function nestedDeeper(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** What the request handler needs from the running sandbox. */
export interface ServerContext {
  /** Current state (replaced by reset). */
  state(): SandboxState;
  /** Journal. */
  journal: Journal;
  /** Rate limits. */
  limiter: RateLimits;
  /** Fault injector. */
  faults: FaultInjector;
  /** Expected API key and secret. */
  apiKey: string;
  /** Expected API secret. */
  apiSecret: string;
  /** Serve `/v1/connectors` paths as aliases. */
  legacyConnectors: boolean;
  /** Close the client connection of a request (dropped-connection faults). */
  drop(info: Deno.ServeHandlerInfo): void;
  /** Reset the account. */
  reset(): void;
  /** Advance the clock. */
  advance(ms: number): void;
  /** Stop the sandbox shortly after answering. */
  shutdown(): void;
  /** Aborted when the sandbox closes (cuts injected latency short). */
  signal: AbortSignal;
  /** Sends one webhook event now (webhook tests). */
  deliver?: (webhook: WebhookRecord, event: SandboxEvent) => Promise<DeliveryResult>;
  /** Webhook deliveries so far. */
  deliveries?: (sinceSeq: number) => WebhookDeliveryRecord[];
}

for (const r of ROUTES) {
  if (!HANDLERS[r.operationId]) throw new Error(`No handler for ${r.operationId}`);
}

const JSON_TYPE = "application/json;charset=utf-8";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
  });
}

function errorBody(code: string, message: string) {
  return { code, message };
}

function html5xx(status: number): Response {
  const title = status === 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable";
  return new Response(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    { status, headers: { "content-type": "text/html" } },
  );
}

function injected5xx(status: number, html: boolean): Response {
  if (html) return html5xx(status);
  return json(
    status,
    status === 500
      ? errorBody("InternalServerError", "An internal error occurred. Please try again later.")
      : errorBody("ServiceUnavailable", "The service is temporarily unavailable. Please retry."),
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Decode `Authorization: Basic base64(key:secret)`. */
function credentials(header: string | null): { key: string; secret: string } | string {
  if (!header) return "Missing Authorization header: use HTTP Basic with your API key and secret";
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) {
    return "Unsupported Authorization scheme: use HTTP Basic, 'Authorization: Basic base64(api_key:api_secret)'";
  }
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)));
  } catch {
    return "Malformed Basic credentials";
  }
  const i = decoded.indexOf(":");
  if (i < 0) return "Malformed Basic credentials: expected api_key:api_secret";
  return { key: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/** Whether an Accept header admits the operation's JSON version. */
function acceptable(accept: string | null, route: Route | undefined): boolean {
  if (accept === null || accept.trim() === "") return true;
  for (const part of accept.split(",")) {
    const [type, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (type === "*/*" || type === "application/*") return true;
    if (route?.binary && (type === "application/octet-stream" || type === "application/zip")) return true;
    if (type === "application/json") {
      const version = params.find((p) => p.startsWith("version="))?.slice("version=".length);
      if (version === undefined || version === "1") return true;
      if (version === "2" && (route === undefined || route.accept === "v2" || route.accept === "v1")) {
        return true;
      }
    }
  }
  return false;
}

function isJsonContentType(ct: string | null): boolean {
  if (!ct) return false;
  const type = ct.split(";")[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function readBody(req: Request): Promise<string | ApiError> {
  const bytes = await readBytes(req);
  return bytes instanceof ApiError ? bytes : new TextDecoder().decode(bytes);
}

async function readBytes(req: Request, max = MAX_BODY_BYTES): Promise<Uint8Array<ArrayBuffer> | ApiError> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > max) {
    return new ApiError(413, "PayloadTooLarge", `Request body exceeds ${max} bytes`);
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return new ApiError(413, "PayloadTooLarge", `Request body exceeds ${max} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return all;
}

/**
 * Create the request handler of a sandbox.
 *
 * @example Using `createHandler`
 * ```ts
 * import { createHandler } from "./server.ts";
 * // Deno.serve({ onListen() {} }, createHandler(context));
 * ```
 */
export function createHandler(
  ctx: ServerContext,
): (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response> {
  return async (req, info) => {
    const url = new URL(req.url);
    // `req.url` is the request target as sent: `..` segments (even as `%2e%2e`) are refused, not resolved, so that
    // an API path never lands on another resource or on an admin endpoint.
    const rawPath = req.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").split(/[?#]/)[0];
    if (rawPath.split("/").some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
      await req.body?.cancel().catch(() => {});
      return json(404, errorBody("NotFound", `No such path '${rawPath.slice(0, 200)}': dot segments are not resolved`));
    }
    try {
      if (url.pathname === "/_sandbox" || url.pathname.startsWith("/_sandbox/")) {
        return await admin(ctx, req, url);
      }
      return await api(ctx, req, url, info);
    } catch (e) {
      // A last resort: a defect answers Fivetran's error shape (no stack trace) and the sandbox keeps serving.
      await req.body?.cancel().catch(() => {});
      return json(500, errorBody("InternalServerError", `Sandbox error: ${String((e as Error)?.message ?? e)}`));
    }
  };
}

async function api(
  ctx: ServerContext,
  req: Request,
  url: URL,
  info: Deno.ServeHandlerInfo,
): Promise<Response> {
  const started = performance.now();
  const state = ctx.state();
  const entry = {
    time: new Date(state.now()).toISOString(),
    method: req.method,
    path: url.pathname,
    query: url.search.slice(1),
  };
  const meta: { operationId?: string; body?: unknown } = {};
  const finish = (res: Response, fault?: string): Response => {
    ctx.journal.add({
      ...entry,
      operationId: meta.operationId,
      status: res.status,
      fault,
      body: meta.body,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
    return res;
  };
  const dropped = (fault: string): Response => {
    ctx.journal.add({
      ...entry,
      operationId: meta.operationId,
      status: 0,
      fault,
      body: meta.body,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
    ctx.drop(info);
    return new Response(null, { status: 503 });
  };

  const isV1 = url.pathname === "/v1" || url.pathname.startsWith("/v1/");
  // `/public/...` (connector metadata) is served without authentication, as by Fivetran.
  const isPublic = url.pathname.startsWith("/public/");
  const rateHeaders = (remaining: number, limit = ctx.limiter.limit): Record<string, string> => ({
    "x-rate-limit": String(limit),
    "x-rate-limit-remaining": String(remaining),
  });

  if (!isV1 && !isPublic) {
    return finish(
      json(404, errorBody("NotFound", `No such path '${url.pathname}': the API lives under /v1`)),
    );
  }

  // 1. Faults decided before anything else (never on admin endpoints).
  const decision: FaultDecision = ctx.faults.decide();
  if (decision.latencyMs > 0) await sleep(decision.latencyMs, ctx.signal);
  const fault = decision.fault;
  // A refused request is journalled with its body too, so tests can tell which create it carried.
  const journalRefusedBody = async () => {
    const text = await readBody(req);
    if (text instanceof ApiError || text.trim() === "") return;
    try {
      meta.body = maskSecrets(JSON.parse(text));
    } catch {
      meta.body = text.length > 200 ? text.slice(0, 200) + "…" : text;
    }
  };
  if (fault.kind === "drop" && !fault.after) {
    await journalRefusedBody();
    return dropped("drop");
  }
  if (fault.kind === "5xx" && !fault.after) {
    await journalRefusedBody();
    return finish(injected5xx(fault.status, fault.html), "5xx");
  }
  if (fault.kind === "429") {
    await journalRefusedBody();
    return finish(
      json(
        429,
        errorBody("TooManyRequests", "Too many requests: the API rate limit was exceeded"),
        {
          "retry-after": String(fault.retryAfter),
          ...rateHeaders(0),
        },
      ),
      "429",
    );
  }

  // 2. Authentication.
  const creds = credentials(req.headers.get("authorization"));
  if (!isPublic && (typeof creds === "string" || creds.key !== ctx.apiKey || creds.secret !== ctx.apiSecret)) {
    await req.body?.cancel().catch(() => {});
    return finish(
      json(
        401,
        errorBody(
          "AuthFailed",
          typeof creds === "string" ? creds : "Invalid API key or secret",
        ),
        {
          "www-authenticate": 'Basic realm="Fivetran API"',
          ...rateHeaders(ctx.limiter.peek().remaining, ctx.limiter.peek().limit),
        },
      ),
    );
  }

  // 3. Rate limit.
  const budget = ctx.limiter.take();
  const headers = rateHeaders(budget.remaining, budget.limit);
  if (!budget.allowed) {
    await req.body?.cancel().catch(() => {});
    return finish(
      json(429, errorBody("TooManyRequests", budget.message!), {
        ...headers,
        "retry-after": String(budget.retryAfter),
      }),
    );
  }

  // 4. Routing.
  let path = url.pathname.replace(/\/+$/, "") || "/";
  const alias = legacyAlias(path);
  if (alias) {
    if (!ctx.legacyConnectors) {
      await req.body?.cancel().catch(() => {});
      return finish(
        json(
          404,
          errorBody(
            "NotFound",
            `Path '${url.pathname}' was retired: Fivetran renamed connectors to connections, use '${alias}'`,
          ),
          headers,
        ),
      );
    }
    path = alias;
    headers["deprecation"] = "true";
  }
  const match = matchRoute(req.method, path);
  if (match.kind === "not-found") {
    await req.body?.cancel().catch(() => {});
    return finish(
      json(404, errorBody("NotFound", `No such path '${url.pathname}'`), headers),
    );
  }
  if (match.kind === "method-not-allowed") {
    await req.body?.cancel().catch(() => {});
    return finish(
      json(
        405,
        errorBody(
          "MethodNotAllowed",
          `Method ${req.method} is not allowed on '${url.pathname}'; use ${match.allowed.join(", ")}`,
        ),
        { ...headers, allow: match.allowed.join(", ") },
      ),
    );
  }
  const { route, params } = match.match;
  meta.operationId = route.operationId;
  // 5. Accept.
  if (!acceptable(req.headers.get("accept"), route)) {
    await req.body?.cancel().catch(() => {});
    return finish(
      json(
        406,
        errorBody(
          "NotAcceptable",
          `Not acceptable: this endpoint answers ${
            route.accept === "v2" ? "application/json;version=2" : "application/json"
          }`,
        ),
        headers,
      ),
    );
  }

  // 6. Body (multipart/form-data on upload routes, JSON everywhere else).
  let body: unknown;
  if (route.multipart && isMultipart(req.headers.get("content-type"))) {
    const bytes = await readBytes(req, MAX_UPLOAD_BYTES);
    if (bytes instanceof ApiError) {
      return finish(json(bytes.status, errorBody(bytes.code, bytes.message), headers));
    }
    try {
      const form = await MultipartBody.parse(bytes, req.headers.get("content-type")!);
      meta.body = { files: [...form.files].map(([part, f]) => ({ part, name: f.name, bytes: f.bytes.length })) };
      body = form;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return finish(json(e.status, errorBody(e.code, e.message), headers));
    }
  }
  const text = body === undefined ? await readBody(req) : "";
  if (text instanceof ApiError) {
    return finish(json(text.status, errorBody(text.code, text.message), headers));
  }
  if (text.trim() !== "") {
    if (route.multipart || !isJsonContentType(req.headers.get("content-type"))) {
      return finish(
        json(
          415,
          errorBody(
            "UnsupportedMediaType",
            `Unsupported Content-Type '${req.headers.get("content-type") ?? "(none)"}': send ${
              route.multipart ? "multipart/form-data" : "JSON with 'Content-Type: application/json'"
            }`,
          ),
          headers,
        ),
      );
    }
    try {
      body = JSON.parse(text);
    } catch (e) {
      meta.body = text.length > 200 ? text.slice(0, 200) + "…" : text;
      return finish(
        json(
          400,
          errorBody("InvalidInput", `Invalid JSON in request body: ${(e as Error).message}`),
          headers,
        ),
      );
    }
    if (nestedDeeper(body, MAX_JSON_DEPTH)) {
      meta.body = text.length > 200 ? text.slice(0, 200) + "…" : text;
      return finish(
        json(
          400,
          errorBody("InvalidInput", `JSON in request body nested deeper than ${MAX_JSON_DEPTH} levels`),
          headers,
        ),
      );
    }
    meta.body = journalBody(state, route.operationId, params, body);
    const refused = normalizeBody(body, route.operationId);
    if (refused) return finish(json(400, errorBody("InvalidInput", refused), headers));
  }

  // 6b. The operation's own limits (setup tests, source interaction, user and private-link creation), counted once
  // the request is well-formed; a create the handler refuses is given back.
  const own = ctx.limiter.takeOperation(route.operationId);
  if (own && !own.allowed) {
    return finish(
      json(429, errorBody("TooManyRequests", own.message!), { ...headers, "retry-after": String(own.retryAfter) }),
    );
  }

  // 7. Handler.
  let result: HandlerResult;
  try {
    result = await HANDLERS[route.operationId]({
      state,
      route,
      params,
      query: url.searchParams,
      body,
      deliver: ctx.deliver,
    });
  } catch (e) {
    if (e instanceof ApiError) {
      result = { status: e.status, body: errorBody(e.code, e.message) };
      Object.assign(headers, e.headers);
    } else {
      result = {
        status: 500,
        body: errorBody("InternalServerError", `Sandbox error: ${(e as Error).message}`),
      };
    }
  }

  if (own && result.status >= 400) ctx.limiter.refundCreation(route.operationId);

  // 8. Faults after the work was done.
  if (fault.kind === "drop" && fault.after) return dropped("drop-after");
  if (fault.kind === "5xx" && fault.after) {
    return finish(injected5xx(fault.status, fault.html), "5xx-after");
  }
  if (result.raw) {
    const raw = result.raw;
    const fileHeaders: Record<string, string> = { ...headers, "content-type": raw.contentType };
    if (raw.fileName) fileHeaders["content-disposition"] = `attachment; filename="${raw.fileName.replace(/"/g, "")}"`;
    return finish(new Response(raw.bytes, { status: result.status, headers: fileHeaders }));
  }
  return finish(json(result.status, result.body, headers));
}

/** A request body as the journal keeps it: secrets masked, including the spec's password fields of its service. */
function journalBody(
  state: SandboxState,
  operationId: string,
  params: Record<string, string>,
  body: unknown,
): unknown {
  const masked = maskSecrets(body);
  if (typeof body !== "object" || body === null || Array.isArray(body)) return masked;
  const config = (body as { config?: unknown }).config;
  if (typeof config !== "object" || config === null || Array.isArray(config)) return masked;
  const sent = (body as { service?: unknown }).service;
  const [kind, service] = operationId === "create_connection"
    ? ["connections" as const, sent]
    : operationId === "modify_connection"
    ? ["connections" as const, state.connections.get(params.connectionId ?? "")?.service]
    : operationId === "create_destination"
    ? ["destinations" as const, sent]
    : operationId === "modify_destination"
    ? ["destinations" as const, state.destinations.get(params.destinationId ?? "")?.service]
    : [undefined, undefined];
  if (kind && typeof service === "string") {
    (masked as Record<string, unknown>).config = maskConfig(kind, service, config as Record<string, unknown>);
  }
  return masked;
}

/**
 * Top-level request body rules of the live API: an explicit `null` means "not
 * set" (the field is dropped), and a field the operation doesn't have is
 * refused. Returns the 400 message, or undefined when the body is fine.
 */
function normalizeBody(body: unknown, operationId: string): string | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const allowed = requestFields(operationId);
  for (const [k, v] of Object.entries(record)) {
    if (v === null) {
      delete record[k];
      continue;
    }
    if (allowed && !allowed.includes(k)) {
      return `Unknown field '${k.slice(0, 100)}' in the request body: expected ${allowed.join(", ")}`;
    }
  }
  return undefined;
}

async function admin(ctx: ServerContext, req: Request, url: URL): Promise<Response> {
  const p = url.pathname.replace(/\/+$/, "");
  const read = req.body ? await readBody(req) : "";
  if (read instanceof ApiError) return json(read.status, errorBody(read.code, read.message));
  const bodyText = read;
  const method = req.method;
  if ((p === "/_sandbox" || p === "/_sandbox/health") && method === "GET") {
    return json(200, {
      ok: true,
      now: new Date(ctx.state().now()).toISOString(),
      connections: ctx.state().connections.size,
      faults: formatFaults(ctx.faults.settings),
      rate_limit: ctx.limiter.limit,
      rate_limits: ctx.limiter.describe(),
      endpoints: [
        "GET /_sandbox/journal?since=SEQ&limit=N",
        "DELETE /_sandbox/journal",
        "POST /_sandbox/reset",
        "POST /_sandbox/advance?ms=N",
        "GET /_sandbox/faults",
        "PUT /_sandbox/faults?spec=SPEC",
        "GET /_sandbox/routes",
        "GET /_sandbox/webhooks?since=SEQ",
        "GET /_sandbox/snapshot",
        "POST /_sandbox/shutdown",
      ],
    });
  }
  if (p === "/_sandbox/journal" && method === "GET") {
    const since = Number(url.searchParams.get("since") ?? "0") || 0;
    const limit = Number(url.searchParams.get("limit") ?? "0") || 0;
    let entries = ctx.journal.entries(since);
    if (limit > 0) entries = entries.slice(-limit);
    return json(200, { entries });
  }
  if (p === "/_sandbox/snapshot" && method === "GET") {
    return json(200, snapshotSeed(ctx.state()));
  }
  if (p === "/_sandbox/webhooks" && method === "GET") {
    const since = Number(url.searchParams.get("since") ?? "0") || 0;
    return json(200, { deliveries: ctx.deliveries?.(since) ?? [] });
  }
  if (p === "/_sandbox/journal" && method === "DELETE") {
    ctx.journal.clear();
    return json(200, { ok: true });
  }
  if (p === "/_sandbox/reset" && method === "POST") {
    ctx.reset();
    return json(200, { ok: true, connections: ctx.state().connections.size });
  }
  if (p === "/_sandbox/advance" && method === "POST") {
    const ms = Number(url.searchParams.get("ms"));
    if (!Number.isFinite(ms) || ms < 0) {
      return json(400, errorBody("InvalidInput", "advance needs ?ms=N (non-negative)"));
    }
    try {
      ctx.advance(ms);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return json(400, errorBody("InvalidInput", e.message));
    }
    return json(200, { ok: true, now: new Date(ctx.state().now()).toISOString() });
  }
  if (p === "/_sandbox/faults" && method === "GET") {
    return json(200, { spec: formatFaults(ctx.faults.settings) });
  }
  if (p === "/_sandbox/faults" && (method === "PUT" || method === "POST")) {
    let spec = url.searchParams.get("spec");
    if (spec === null && bodyText.trim()) {
      try {
        spec = String((JSON.parse(bodyText) as { spec?: unknown }).spec ?? "");
      } catch {
        spec = bodyText;
      }
    }
    try {
      ctx.faults.settings = parseFaultSpec(spec ?? "");
    } catch (e) {
      return json(400, errorBody("InvalidInput", (e as Error).message));
    }
    return json(200, { spec: formatFaults(ctx.faults.settings) });
  }
  if (p === "/_sandbox/shutdown" && method === "POST") {
    ctx.shutdown();
    return json(200, { ok: true, message: "shutting down" });
  }
  if (p === "/_sandbox/routes" && method === "GET") {
    return json(200, { routes: ROUTES });
  }
  return json(404, errorBody("NotFound", `No admin endpoint ${method} ${url.pathname}`));
}
