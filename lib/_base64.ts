/**
 * The HTTP Basic credential, base64 of `key:secret`, made here rather than with `btoa`: Deno loads `btoa`'s
 * module on its first call (about 0.7 ms of every recipe's start-up), and its error for a character it cannot
 * encode names neither the input nor what to do.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Base64 of `key:secret`, as `btoa` would give it.
 *
 * @throws {TypeError} when either holds a character outside Latin-1 (no Fivetran key does: it is a paste
 *   mistake), without echoing the value.
 *
 * @example Make an Authorization header
 * ```ts
 * import { basicCredentials } from "./_base64.ts";
 * const authorization = `Basic ${basicCredentials("key", "secret")}`; // "Basic a2V5OnNlY3JldA=="
 * ```
 */
export function basicCredentials(key: string, secret: string): string {
  const text = `${key}:${secret}`;
  let out = "";
  for (let i = 0; i < text.length; i += 3) {
    const a = byteAt(text, i);
    const b = i + 1 < text.length ? byteAt(text, i + 1) : -1;
    const c = i + 2 < text.length ? byteAt(text, i + 2) : -1;
    out += ALPHABET[a >> 2];
    out += ALPHABET[((a & 3) << 4) | (b < 0 ? 0 : b >> 4)];
    out += b < 0 ? "=" : ALPHABET[((b & 15) << 2) | (c < 0 ? 0 : c >> 6)];
    out += c < 0 ? "=" : ALPHABET[c & 63];
  }
  return out;
}

function byteAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code > 0xff) {
    throw new TypeError(
      "Expected the API key and secret to hold Latin-1 characters only (Fivetran issues plain ASCII ones), got one outside it: a paste mistake?",
    );
  }
  return code;
}
