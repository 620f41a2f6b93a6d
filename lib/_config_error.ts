/**
 * {@link ConfigError}, on its own so that the recipe runner can tell it apart without loading the config
 * reader (which it loads only once a run needs credentials, not for `--help`).
 *
 * @module
 */

/**
 * Thrown when configuration is missing or invalid, before any request is sent. Its message is one line.
 *
 * @example Tell the user what to set
 * ```ts
 * import { ConfigError } from "./_config_error.ts";
 * import { loadConfig } from "./config.ts";
 * try {
 *   loadConfig({ env: {} });
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.message);
 * }
 * ```
 */
export class ConfigError extends Error {
  /**
   * Creates the error.
   *
   * @param message One line saying what was expected and what was seen.
   */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
