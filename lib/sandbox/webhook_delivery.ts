/**
 * Webhook delivery: account events (`sync_start`, `sync_end`, ...) become
 * signed POSTs to the URLs of the matching webhooks, as Fivetran sends them.
 * Only loopback URLs are called (the sandbox never talks to the outside
 * world); others are recorded as not delivered. Delivery never blocks the API
 * request that caused it, and `close()` awaits what is still in flight.
 *
 * Body: `{event, created, connector_type, connector_id, connector_name,
 * sync_id?, destination_group_id, data}` (the live API's shape, captured in
 * 2026). Header `X-Fivetran-Signature-256`: the HMAC-SHA256 of the raw body
 * under the webhook's secret, as uppercase hex (receivers should compare
 * case-insensitively).
 *
 * @module
 */

import type { WebhookRecord } from "./types.ts";

/** An account event, before it is matched to webhooks. */
export interface SandboxEvent {
  /** Event name, e.g. `sync_end`. */
  event: string;
  /** When it happened (epoch ms, sandbox clock). */
  created: number;
  /** Group (destination) of the connection or transformation. */
  groupId?: string;
  /** The connection, when the event is about one. */
  connection?: { id: string; service: string; schema: string };
  /** Sync id (sync events). */
  syncId?: string;
  /** Event-specific data. */
  data?: Record<string, unknown>;
}

/** One delivery attempt, as `GET /_sandbox/webhooks/deliveries` lists it. */
export interface WebhookDeliveryRecord {
  /** Sequence number. */
  seq: number;
  /** Webhook id. */
  webhookId: string;
  /** Target URL. */
  url: string;
  /** Event name. */
  event: string;
  /** Raw body sent. */
  body: string;
  /** HTTP status of the receiver (0: not delivered). */
  status: number;
  /** Why it was not delivered, or the receiver's status text. */
  message: string;
}

/** Outcome of one delivery. */
export interface DeliveryResult {
  /** Whether the receiver answered 2xx. */
  succeed: boolean;
  /** Receiver's HTTP status (0 when not delivered). */
  status: number;
  /** What happened. */
  message: string;
}

/**
 * Deliveries time out after this long, like Fivetran's 10 s.
 *
 * @example Using `DELIVERY_TIMEOUT_MS`
 * ```ts
 * import { DELIVERY_TIMEOUT_MS } from "./webhook_delivery.ts";
 * console.log(`${DELIVERY_TIMEOUT_MS / 1000} s`);
 * ```
 */
export const DELIVERY_TIMEOUT_MS = 10_000;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether a URL points at this machine (only those are called).
 *
 * @example Using `isLoopbackUrl`
 * ```ts
 * import { isLoopbackUrl } from "./webhook_delivery.ts";
 * isLoopbackUrl("http://127.0.0.1:8080/hook"); // true
 * ```
 */
export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * The event body Fivetran posts (field order as the live API sends it).
 *
 * @example Using `eventBody`
 * ```ts
 * import { eventBody } from "./webhook_delivery.ts";
 * eventBody({ event: "sync_end", created: 0, groupId: "g", data: { status: "SUCCESSFUL" } });
 * ```
 */
export function eventBody(e: SandboxEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { event: e.event, created: new Date(e.created).toISOString() };
  if (e.connection) {
    out.connector_type = e.connection.service;
    out.connector_id = e.connection.id;
    out.connector_name = e.connection.schema;
  }
  if (e.syncId) out.sync_id = e.syncId;
  if (e.groupId) out.destination_group_id = e.groupId;
  out.data = e.data ?? {};
  return out;
}

/**
 * HMAC-SHA256 of `body` under `secret`, uppercase hex.
 *
 * @example Using `signBody`
 * ```ts
 * import { signBody } from "./webhook_delivery.ts";
 * const signature = await signBody('{"event":"sync_end"}', "s3cret");
 * ```
 */
export async function signBody(body: string, secret: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/**
 * Whether a webhook wants an event: active, of the event's group (group
 * webhooks), and listing the event (or `*`).
 *
 * @example Using `wants`
 * ```ts
 * import { wants } from "./webhook_delivery.ts";
 * const hook = { seq: 1, id: "w", type: "account" as const, url: "http://127.0.0.1/h", events: ["sync_end"], active: true, createdAt: 0, createdBy: "u" };
 * wants(hook, { event: "sync_end", created: 0 }); // true
 * ```
 */
export function wants(w: WebhookRecord, e: SandboxEvent): boolean {
  if (!w.active) return false;
  if (w.type === "group" && w.groupId !== e.groupId) return false;
  return w.events.includes(e.event) || w.events.includes("*");
}

/**
 * Sends signed webhook events without blocking the caller; `close()` awaits
 * what is in flight (and cuts it short).
 *
 * @example Deliver and close
 * ```ts
 * import { WebhookDispatcher } from "./webhook_delivery.ts";
 * const d = new WebhookDispatcher();
 * await d.close();
 * ```
 */
export class WebhookDispatcher {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #abort = new AbortController();
  readonly #log: WebhookDeliveryRecord[] = [];
  readonly #logSize: number;
  #seq = 0;
  #ownPorts = new Set<number>();

  /** Keep the last `logSize` deliveries. */
  constructor(logSize = 1000) {
    this.#logSize = logSize;
  }

  /** Deliveries so far (oldest first), optionally after `sinceSeq`. */
  deliveries(sinceSeq = 0): WebhookDeliveryRecord[] {
    return this.#log.filter((d) => d.seq > sinceSeq);
  }

  /**
   * The loopback ports the sandbox itself listens on: webhooks addressed to them are never called, so a webhook can't
   * reset, shut down or call the sandbox (a request loop).
   */
  refusePorts(ports: Iterable<number>): void {
    for (const p of ports) this.#ownPorts.add(p);
  }

  /** Deliveries still in flight. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Resolves once nothing is in flight. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  /** Send `event` to every webhook that wants it, in the background. */
  dispatch(webhooks: Iterable<WebhookRecord>, event: SandboxEvent): void {
    if (this.#abort.signal.aborted) return;
    for (const w of webhooks) if (wants(w, event)) void this.send(w, event);
  }

  /** Send one event to one webhook now; resolves with the receiver's answer. */
  send(w: WebhookRecord, event: SandboxEvent): Promise<DeliveryResult> {
    const p = this.#deliver(w, event);
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p));
    return p;
  }

  async #deliver(w: WebhookRecord, event: SandboxEvent): Promise<DeliveryResult> {
    const body = JSON.stringify(eventBody(event));
    const record = (r: DeliveryResult): DeliveryResult => {
      this.#log.push({ seq: ++this.#seq, webhookId: w.id, url: w.url, event: event.event, body, ...r });
      if (this.#log.length > this.#logSize) this.#log.splice(0, this.#log.length - this.#logSize);
      return r;
    };
    if (!isLoopbackUrl(w.url)) {
      return record({
        succeed: false,
        status: 0,
        message: `Not delivered: the sandbox only calls loopback URLs, not '${w.url}'`,
      });
    }
    if (this.#isOwn(w.url)) {
      return record({
        succeed: false,
        status: 0,
        message: `Not delivered: '${w.url}' is the sandbox itself (a webhook must not call the API it reports on)`,
      });
    }
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "fivetran-sandbox-webhook",
    };
    if (w.secret) headers["x-fivetran-signature-256"] = await signBody(body, w.secret);
    const timeout = new AbortController();
    const onClose = () => timeout.abort();
    this.#abort.signal.addEventListener("abort", onClose, { once: true });
    const timer = setTimeout(() => timeout.abort(), DELIVERY_TIMEOUT_MS);
    try {
      const res = await fetch(w.url, { method: "POST", headers, body, signal: timeout.signal });
      await res.body?.cancel().catch(() => {});
      return record({ succeed: res.ok, status: res.status, message: res.statusText || String(res.status) });
    } catch (e) {
      const why = this.#abort.signal.aborted
        ? "the sandbox closed"
        : timeout.signal.aborted
        ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`
        : (e as Error).message.split("\n")[0];
      return record({ succeed: false, status: 0, message: `Not delivered: ${why}` });
    } finally {
      clearTimeout(timer);
      this.#abort.signal.removeEventListener("abort", onClose);
    }
  }

  #isOwn(url: string): boolean {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
    return this.#ownPorts.has(port);
  }

  /**
   * Stop sending: give what is in flight `graceMs` to finish, then abort it
   * and wait for it to settle.
   */
  async close(graceMs = 1000): Promise<void> {
    if (!this.#abort.signal.aborted && this.#pending.size) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs));
      await Promise.race([this.idle(), grace]);
      clearTimeout(timer);
    }
    this.#abort.abort();
    await this.idle();
  }
}
