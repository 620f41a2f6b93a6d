/** The toolkit's version; kept equal to `version` in deno.json (a test checks it). */
export const VERSION = "0.1.0";

/** The User-Agent every request sends. */
export const USER_AGENT = `fivetran-atlas-deno/${VERSION}`;
