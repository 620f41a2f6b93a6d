/**
 * What counts as an answer: Fivetran's `{code, message, data}` envelope, read from a 2xx body, and the
 * `code` and `message` read from an error body.
 *
 * @module
 */

import { ANSWER_SHAPES, type AnswerShape } from "./_answer_shapes.ts";

export type { AnswerShape };

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

/**
 * What the 2xx answer of `method path` must carry, from Fivetran's OpenAPI definition: `object` (a resource),
 * `list` (a page), `empty` (no body documented), or `any` (an envelope; also for paths the definition lacks).
 *
 * @example What a connection read must carry
 * ```ts
 * import { answerShape } from "./envelope.ts";
 * answerShape("GET", "connections/abc"); // "object"
 * answerShape("GET", "groups"); // "list"
 * ```
 */
export function answerShape(method: string, path: string): AnswerShape {
  const segments = path.replace(/\/+$/, "").split("/");
  let best: { shape: AnswerShape; literals: number } | undefined;
  for (const [template, shape] of templatesOf(method, segments.length)) {
    let literals = 0;
    let matches = true;
    for (let i = 0; matches && i < segments.length; i++) {
      if (template[i] === "{}") matches = segments[i] !== "";
      else if (template[i] === segments[i]) literals++;
      else matches = false;
    }
    if (matches && (!best || literals > best.literals)) best = { shape, literals };
  }
  return best?.shape ?? "any";
}

// The templates of one method and segment count, split once, on first use: indexing all 169 at load cost every
// recipe's start-up about 0.4 ms.
const SHAPES = new Map<string, [string[], AnswerShape][]>();

function templatesOf(method: string, count: number): [string[], AnswerShape][] {
  const key = `${method} ${count}`;
  let found = SHAPES.get(key);
  if (!found) {
    found = [];
    for (const [m, template, shape] of ANSWER_SHAPES) {
      if (m !== method) continue;
      const segments = template.split("/");
      if (segments.length === count) found.push([segments, shape]);
    }
    SHAPES.set(key, found);
  }
  return found;
}

/**
 * Reads a 2xx body. It must be a JSON envelope whose `data` has the shape `shape` calls for: an object for a
 * resource, `data.items` a list for a page. An empty body is a bare success only for a 204 or where the
 * definition documents no body.
 *
 * @example Read a page of groups
 * ```ts
 * import { readSuccess } from "./envelope.ts";
 * const read = readSuccess('{"code":"Success","data":{"items":[]}}', {
 *   contentType: "application/json",
 *   status: 200,
 *   shape: "list",
 * });
 * if (read.ok) console.log(read.envelope.code); // "Success"
 * ```
 */
export function readSuccess(
  text: string,
  answer: { contentType: string | null; status: number; shape: AnswerShape },
): SuccessBody {
  if (text.trim() === "") {
    if (answer.status === 204 || answer.shape === "empty") return { ok: true, envelope: { code: "Success" } };
    return { ok: false, problem: "Expected a JSON envelope, got an empty body" };
  }
  const parsed = parseJson(text);
  if (!parsed.ok || !isEnvelope(parsed.value)) {
    return { ok: false, problem: `Expected a JSON envelope, got ${snippet(text, answer.contentType)}` };
  }
  const data = parsed.value.data;
  if (answer.shape === "object" && !isRecord(data)) {
    return { ok: false, problem: `Expected data to be an object, got ${describe(data)}` };
  }
  if (answer.shape === "list" && !(isRecord(data) && Array.isArray(data.items))) {
    const what = !isRecord(data)
      ? describe(data)
      : data.items === undefined
      ? "data without items"
      : `data.items ${describe(data.items)}`;
    return { ok: false, problem: `Expected data.items to be a list, got ${what}` };
  }
  return { ok: true, envelope: parsed.value };
}

/** A few words for a JSON value: `an empty body`, `a string 'x'`, `null`, `an array of 3`. */
function describe(value: unknown): string {
  if (value === undefined) return "no data";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return `a string '${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  return `${typeof value === "object" ? "an object" : `a ${typeof value}`}`;
}

/**
 * Fivetran's `code` and `message` from an error answer, or words of ours when the body has none.
 *
 * @example Read Fivetran's code and message from a 404
 * ```ts
 * import { readError } from "./envelope.ts";
 * const { code, message } = readError('{"code":"NotFound","message":"No such group"}', {
 *   statusText: "Not Found",
 *   headers: new Headers({ "content-type": "application/json" }),
 * });
 * console.log(code, message); // NotFound No such group
 * ```
 */
export function readError(
  text: string,
  response: { statusText: string; headers: Pick<Headers, "get"> },
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
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether `value` is a plain object (not an array, not null).
 *
 * @example Tell an object from a list
 * ```ts
 * import { isRecord } from "./envelope.ts";
 * isRecord({ id: "g1" }); // true
 * isRecord([1, 2]); // false
 * ```
 */
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
