/**
 * Fivetran webhook signatures: {@link verifyWebhook} checks a delivery's `X-Fivetran-Signature-256` header — the
 * HMAC-SHA256 of the raw request body under the webhook's secret, as hex — and {@link signWebhook} computes it (for
 * tests, and for anything that forwards or replays deliveries).
 *
 * Fivetran's own examples compare the hex digest in upper case; both cases (and a `sha256=` prefix, as other
 * services send) are accepted. The comparison is WebCrypto's `verify`, which does not stop at the first
 * differing byte, so the time it takes says nothing about how close a forged signature was.
 *
 * @module
 */

import { readBodyUpTo } from "./_read_body.ts";

/**
 * The header Fivetran signs each delivery in.
 *
 * @example Use SIGNATURE_HEADER
 * ```ts
 * import { SIGNATURE_HEADER } from "./webhook.ts";
 * console.log(SIGNATURE_HEADER); // "X-Fivetran-Signature-256"
 * ```
 */
export const SIGNATURE_HEADER = "X-Fivetran-Signature-256";

/** The outcome of {@link verifyWebhook}. */
export type WebhookVerification =
  | {
    /** The signature matches the body. */
    valid: true;
    /** The raw body, as signed. */
    body: string;
    /** The body parsed as JSON, or `undefined` when it is not JSON. */
    event: unknown;
  }
  | {
    /** The signature is missing, malformed or does not match (or the body is too large). */
    valid: false;
    /** One line saying why, safe to log (it holds neither the secret nor the body). */
    reason: string;
    /** The HTTP status to answer with: 401, 413 for a body over `maxBytes`, 400 for a body cut off by the sender. */
    status: 400 | 401 | 413;
  };

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * The largest body read, in bytes; a longer one is refused (status 413) without being read further.
   *
   * @default {1048576}
   */
  maxBytes?: number;
}

const encoder = new TextEncoder();

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  if (typeof secret !== "string" || secret === "") {
    throw new TypeError("Expected the webhook secret to be a non-empty string");
  }
  return await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    usage,
  ]);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The `X-Fivetran-Signature-256` value for a body: the HMAC-SHA256 of its bytes under the secret, as upper-case hex
 * (the case Fivetran's examples show; {@link verifyWebhook} accepts either).
 *
 * @throws {TypeError} when the secret is empty.
 *
 * @example Sign a body and post it to a listener
 * ```ts
 * import { SIGNATURE_HEADER, signWebhook } from "./webhook.ts";
 * const body = JSON.stringify({ event: "sync_end", connector_id: "steady_orchard", data: { status: "SUCCESSFUL" } });
 * const headers = { "content-type": "application/json", [SIGNATURE_HEADER]: await signWebhook(body, "my secret") };
 * // await fetch("http://127.0.0.1:8790/fivetran", { method: "POST", headers, body });
 * ```
 */
export async function signWebhook(body: string | Uint8Array, secret: string): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return hex(new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes as Uint8Array<ArrayBuffer>))).toUpperCase();
}

function parseSignature(value: string): Uint8Array | undefined {
  const digits = value.trim().replace(/^sha256=/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(digits)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array | "too large" | "cut off"> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return "too large";
  }
  if (!request.body) return new Uint8Array(0);
  let read;
  try {
    read = await readBodyUpTo(request.body, maxBytes);
  } catch {
    return "cut off"; // the sender hung up before the body ended
  }
  return "over" in read ? "too large" : read.bytes;
}

/**
 * Reads a webhook delivery's body and checks its `X-Fivetran-Signature-256` header against the secret. The body is
 * read once, here (a signature covers the raw bytes, so nothing may parse it first): use the `body` and `event` of
 * the result.
 *
 * @param request The incoming request, body unread.
 * @param secret The webhook's secret, as given when the webhook was created.
 * @param options A body size cap.
 * @returns `{valid: true, body, event}`, or `{valid: false, reason, status}` — never throws for a bad delivery.
 * @throws {TypeError} when the secret is empty; {@link RangeError} when `maxBytes` is not a positive integer.
 *
 * @example Verify deliveries in your own server
 * ```ts
 * import { verifyWebhook } from "./webhook.ts";
 * const secret = Deno.env.get("FIVETRAN_WEBHOOK_SECRET") ?? "";
 * const handler = async (request: Request): Promise<Response> => {
 *   const result = await verifyWebhook(request, secret);
 *   if (!result.valid) return new Response(result.reason, { status: result.status });
 *   console.log((result.event as { event?: string }).event);
 *   return new Response("ok");
 * };
 * // Deno.serve({ hostname: "127.0.0.1", port: 8790 }, handler);
 * ```
 */
export async function verifyWebhook(
  request: Request,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookVerification> {
  const { maxBytes = 1_048_576 } = options;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`Expected maxBytes to be a positive integer, got ${maxBytes}`);
  }
  const key = await hmacKey(secret, "verify");
  const header = request.headers.get(SIGNATURE_HEADER);
  const bytes = await readCapped(request, maxBytes);
  if (bytes === "too large") {
    return { valid: false, status: 413, reason: `Body larger than ${maxBytes} bytes` };
  }
  if (bytes === "cut off") {
    return { valid: false, status: 400, reason: "The body ended early: the sender hung up before sending it all" };
  }
  if (header === null || header.trim() === "") {
    return { valid: false, status: 401, reason: `Missing ${SIGNATURE_HEADER} header` };
  }
  const signature = parseSignature(header);
  if (!signature) {
    return {
      valid: false,
      status: 401,
      reason: `Expected ${SIGNATURE_HEADER} to be 64 hex digits, got ${header.trim().length} characters`,
    };
  }
  const ok = await crypto.subtle.verify(
    "HMAC",
    key,
    signature as Uint8Array<ArrayBuffer>,
    bytes as Uint8Array<ArrayBuffer>,
  );
  if (!ok) return { valid: false, status: 401, reason: `${SIGNATURE_HEADER} does not match the body` };
  const body = new TextDecoder().decode(bytes);
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    event = undefined;
  }
  return { valid: true, body, event };
}
