/**
 * Small request-body checks with useful 400 messages. They implement the
 * request schemas of the spec for the fields the sandbox reads.
 *
 * @module
 */

import { invalidInput } from "./errors.ts";

/** A JSON object body. */
export type Body = Record<string, unknown>;

/**
 * The body as an object. A missing body is `{}` unless `required`.
 *
 * @example Using `objectBody`
 * ```ts
 * import { objectBody } from "./validate.ts";
 * objectBody({ name: "x" }); // { name: "x" }
 * ```
 */
export function objectBody(body: unknown, required = false): Body {
  if (body === undefined) {
    if (required) throw invalidInput("Request body is required (send {} for defaults)");
    return {};
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidInput("Request body must be a JSON object");
  }
  return body as Body;
}

type Kind = "string" | "boolean" | "integer" | "object" | "array" | "string[]";

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v;
}

function matches(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
    case "array":
      return Array.isArray(v);
    case "string[]":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
  }
}

/** Options of {@link field}. */
export interface FieldOptions {
  /** Answer 400 when absent. */
  required?: boolean;
  /** Allowed values. */
  oneOf?: readonly (string | number)[];
  /** Strings must not be empty. */
  nonEmpty?: boolean;
}

/**
 * Read one field, answering 400 when it has the wrong type or value.
 *
 * @example Using `field`
 * ```ts
 * import { field } from "./validate.ts";
 * const name = field({ name: "Prod" }, "name", "string", { required: true });
 * ```
 */
export function field<T = unknown>(
  body: Body,
  name: string,
  kind: Kind,
  options: FieldOptions = {},
): T | undefined {
  let v = body[name];
  // The live API reads scalars leniently: "true"/"false" for a boolean, "360" for an integer.
  if (kind === "boolean" && (v === "true" || v === "false")) v = body[name] = v === "true";
  if (kind === "integer" && typeof v === "string" && /^-?\d{1,15}$/.test(v.trim())) v = body[name] = Number(v);
  if (v === undefined || v === null) {
    if (options.required) throw invalidInput(`Missing required field '${name}'`);
    return undefined;
  }
  if (!matches(v, kind)) {
    throw invalidInput(
      `Field '${name}' must be ${kind === "string[]" ? "an array of strings" : `a ${kind}`}, got ${kindOf(v)}`,
    );
  }
  if (options.nonEmpty && typeof v === "string" && v.trim() === "") {
    throw invalidInput(`Field '${name}' must not be empty`);
  }
  if (options.oneOf && !options.oneOf.includes(v as string | number)) {
    throw invalidInput(
      `Invalid value ${JSON.stringify(v)} for '${name}': expected one of ${options.oneOf.join(", ")}`,
    );
  }
  return v as T;
}

/** Sync frequencies (minutes) Fivetran accepts. */
export const SYNC_FREQUENCIES: readonly number[] = [
  1,
  5,
  15,
  30,
  60,
  120,
  180,
  360,
  480,
  720,
  1440,
];

/** Allowed `networking_method` values in requests. */
export const NETWORKING_METHODS: readonly string[] = [
  "Directly",
  "PrivateLink",
  "SshTunnel",
  "ProxyAgent",
];

/** Allowed `data_delay_sensitivity` values. */
export const DELAY_SENSITIVITIES: readonly string[] = [
  "LOW",
  "NORMAL",
  "HIGH",
  "CUSTOM",
  "SYNC_FREQUENCY",
];

/** Destination `time_zone_offset` values. */
export const TIME_ZONE_OFFSETS: readonly string[] = [
  "-11",
  "-10",
  "-9",
  "-8",
  "-7",
  "-6",
  "-5",
  "-4",
  "-3",
  "-2",
  "-1",
  "0",
  "+1",
  "+2",
  "+3",
  "+4",
  "+5",
  "+6",
  "+7",
  "+8",
  "+9",
  "+10",
  "+11",
  "+12",
];

/** Destination regions. */
export const REGIONS: readonly string[] = [
  "GCP_US_EAST4",
  "GCP_US_WEST1",
  "GCP_US_CENTRAL1",
  "GCP_EUROPE_WEST3",
  "GCP_AUSTRALIA_SOUTHEAST1",
  "GCP_NORTHAMERICA_NORTHEAST1",
  "GCP_EUROPE_WEST2",
  "GCP_ASIA_SOUTHEAST1",
  "GCP_ASIA_SOUTHEAST2",
  "GCP_ASIA_SOUTH1",
  "GCP_ASIA_NORTHEAST1",
  "AWS_US_EAST_1",
  "AWS_US_EAST_2",
  "AWS_US_WEST_2",
  "AWS_AP_NORTHEAST_1",
  "AWS_AP_SOUTHEAST_1",
  "AWS_AP_SOUTHEAST_2",
  "AWS_EU_CENTRAL_1",
  "AWS_EU_WEST_1",
  "AWS_EU_WEST_2",
  "AWS_AP_SOUTH_1",
  "AWS_CA_CENTRAL_1",
  "AWS_US_GOV_WEST_1",
  "AZURE_EASTUS2",
  "AZURE_AUSTRALIAEAST",
  "AZURE_UKSOUTH",
  "AZURE_WESTEUROPE",
  "AZURE_CENTRALUS",
  "AZURE_CANADACENTRAL",
  "AZURE_UAENORTH",
  "AZURE_SOUTHEASTASIA",
  "AZURE_EASTUS",
  "AZURE_JAPANEAST",
  "AZURE_CENTRALINDIA",
];
