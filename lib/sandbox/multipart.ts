/**
 * `multipart/form-data` request bodies (Connector SDK package uploads), read
 * completely before the handler runs so that handlers stay synchronous: each
 * file part comes with its bytes and SHA-256.
 *
 * @module
 */

import { invalidInput } from "./errors.ts";

/** One uploaded file. */
export interface UploadedFile {
  /** File name as sent. */
  name: string;
  /** Media type as sent. */
  type: string;
  /** Content. */
  bytes: Uint8Array<ArrayBuffer>;
  /** SHA-256 of the content, lowercase hex. */
  sha256: string;
}

/**
 * A parsed multipart body: text fields and files by field name.
 *
 * @example Parse an upload
 * ```ts
 * import { MultipartBody } from "./multipart.ts";
 * const form = new FormData();
 * form.append("file", new File(["zip"], "code.zip"));
 * const req = new Request("http://x", { method: "POST", body: form });
 * const bytes = new Uint8Array(await req.arrayBuffer());
 * const body = await MultipartBody.parse(bytes, req.headers.get("content-type")!);
 * body.files.get("file")?.name; // "code.zip"
 * ```
 */
export class MultipartBody {
  /** Text fields. */
  readonly fields: Map<string, string>;
  /** File fields. */
  readonly files: Map<string, UploadedFile>;

  /** A body with these parts. */
  constructor(fields: Map<string, string>, files: Map<string, UploadedFile>) {
    this.fields = fields;
    this.files = files;
  }

  /** Parse bytes sent with a `multipart/form-data; boundary=...` content type (400 when malformed). */
  static async parse(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<MultipartBody> {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    } catch {
      throw invalidInput("Malformed multipart/form-data body");
    }
    const fields = new Map<string, string>();
    const files = new Map<string, UploadedFile>();
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") {
        fields.set(name, value);
        continue;
      }
      const content = new Uint8Array(await value.arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", content));
      files.set(name, {
        name: value.name,
        type: value.type,
        bytes: content,
        sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
      });
    }
    return new MultipartBody(fields, files);
  }
}

/**
 * Whether a content type is `multipart/form-data`.
 *
 * @example Using `isMultipart`
 * ```ts
 * import { isMultipart } from "./multipart.ts";
 * isMultipart("multipart/form-data; boundary=x"); // true
 * ```
 */
export function isMultipart(contentType: string | null): boolean {
  return (contentType ?? "").split(";")[0].trim().toLowerCase() === "multipart/form-data";
}
