// Private helper of the recipes that read a schema config (schema_export.ts, schema_edit.ts, staged_load.ts): an
// answer that is not a schema config (an empty 2xx body, "data": "x", no "schemas" map) is an invalid-response
// error (exit 1), never "0 schemas" or "not in the connection"; names are then looked up in its own maps only.
import { invalidAnswer } from "../lib/client/errors.ts";
import { checkSchemaConfig, type SchemaConfigData } from "../lib/schema_config.ts";

/** The checked schema config of `GET {path}`'s `data`; throws an invalid-response `AtlasError` otherwise. */
export function schemaConfigOf(data: unknown, path: string): SchemaConfigData {
  const config = checkSchemaConfig(data);
  if (config) return config;
  const seen = data === undefined ? "no data" : JSON.stringify(data)?.slice(0, 80) ?? typeof data;
  throw invalidAnswer(path, `Expected a schema config with a "schemas" map of objects, got ${seen}`);
}
