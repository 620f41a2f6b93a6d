/**
 * What a recipe run needs once its flags are read — the client, its credentials and pacer, and the request log —
 * loaded by `defineRecipe` only then, so that `--help` and a usage error start without them.
 *
 * @module
 */

export { basicCredentials } from "./_base64.ts";
export { createAtlasOver } from "./client/client.ts";
export { Http1Agent } from "./client/_http1.ts";
export { noticePrinter } from "./client/notice.ts";
export { RateLimitPacer } from "./client/pacer.ts";
export { baseUrlFromEnv, loadConfig } from "./config.ts";
export { openLogFromEnv } from "./log.ts";
