/**
 * What counts as an answer: Fivetran's `{code, message, data}` envelope, read from a 2xx body, and the
 * `code` and `message` read from an error body.
 *
 * @module
 */

/** Fivetran's response envelope. */
export interface Envelope<T = unknown> {
  /** `"Success"` on success; a word such as `NotFound_Connection` on failure. */
  code: string;
  /** Human-readable status text. */
  message?: string;
  /** The payload. */
  data?: T;
}

/** The `data` of a list response. */
export interface ListData<T = unknown> {
  /** One page of items. */
  items: T[];
  /** The cursor of the next page; absent, `null` or empty on the last page. */
  next_cursor?: string | null;
}

/** The envelope of a 2xx answer, or why the body is not one. */
export type SuccessBody = { ok: true; envelope: Envelope } | { ok: false; problem: string };

/** Reads a 2xx body: an empty body is a bare success; anything else must be a JSON envelope. */
export function readSuccess(text: string, contentType: string | null): SuccessBody {
  if (text.trim() === "") return { ok: true, envelope: { code: "Success" } };
  const parsed = parseJson(text);
  if (!parsed.ok || !isEnvelope(parsed.value)) {
    return { ok: false, problem: `Expected a JSON envelope, got ${snippet(text, contentType)}` };
  }
  return { ok: true, envelope: parsed.value };
}

/** Fivetran's `code` and `message` from an error answer, or words of ours when the body has none. */
export function readError(
  text: string,
  response: { statusText: string; headers: Headers },
): { code: string; message: string } {
  const parsed = parseJson(text);
  const body = parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
  const code = typeof body?.code === "string" && body.code
    ? body.code
    : response.statusText.replace(/\s+/g, "") || "HttpError";
  const message = typeof body?.message === "string"
    ? body.message
    : body
    ? "No message"
    : `Non-JSON answer: ${snippet(text, response.headers.get("content-type"))}`;
  return { code, message };
}

/** `JSON.parse` without throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Whether `value` is a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEnvelope(value: unknown): value is Envelope {
  return isRecord(value) && typeof value.code === "string";
}

function snippet(text: string, contentType: string | null): string {
  const flat = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  const type = contentType ? contentType.split(";")[0] : "no content type";
  if (flat === "") return `an empty ${type} body`;
  return `${type} '${flat.length > 100 ? `${flat.slice(0, 97)}...` : flat}'`;
}
