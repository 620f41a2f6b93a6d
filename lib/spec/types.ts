/**
 * Names for the generated types the recipes, `lib/` and the notebooks use, so that none of them declares its
 * own partial copy of an API object: a connection, its status, a group, a destination, a setup test, a schema
 * config. Each is the type Fivetran's OpenAPI definition gives (`lib/spec/generated/openapi.d.ts`).
 *
 * The definition describes answers as they should be; a careful reader of a live answer treats every field as
 * possibly missing, and the timestamps as possibly `null` (they are `null` before the first sync, though the
 * definition says string): {@link Read} says so.
 *
 * @module
 */
import type { FivetranSchemas } from "../client/typed.ts";

/** A connection as `GET /v1/connections/{connectionId}` answers it. */
export type Connection = FivetranSchemas["ConnectorResponseV1"];
/** A connection's `status`: setup, sync and update states, tasks and warnings. */
export type ConnectionStatus = FivetranSchemas["ConnectorStatusResponse"];
/** A task on a connection's status (something the user must do). */
export type ConnectionTask = FivetranSchemas["ConnectionTask"];
/** A warning on a connection's status. */
export type ConnectionWarning = FivetranSchemas["ConnectionWarning"];
/** A group, as `GET /v1/groups/{groupId}` answers it. */
export type Group = FivetranSchemas["GroupResponse"];
/** A destination, as `GET /v1/destinations/{destinationId}` answers it. */
export type Destination = FivetranSchemas["DestinationExtendedResponse"];
/** One setup test's result. */
export type SetupTestResult = FivetranSchemas["SetupTestResultResponse"];
/** A webhook. */
export type Webhook = FivetranSchemas["WebhookResponse"];
/** A user. */
export type User = FivetranSchemas["UserResponse"];
/** A team. */
export type Team = FivetranSchemas["TeamResponse"];
/** A connection's schema config (`GET /v1/connections/{connectionId}/schemas`). */
export type SchemaConfigAnswer = FivetranSchemas["StandardConfigResponse"];

/**
 * What a careful reader assumes of an answer of type `T`: any named field may be missing, and a timestamp field
 * (`*_at`, `*_for`) may be `null`. Maps (index signatures, e.g. a schema config's tables by name) stay maps.
 */
export type Read<T> = T extends readonly (infer I)[] ? Read<I>[]
  : T extends object ?
      & {
        [K in keyof T as string extends K ? never : K]?: K extends `${string}_at` | `${string}_for` ? Read<T[K]> | null
          : Read<T[K]>;
      }
      & { [K in keyof T as string extends K ? K : never]: Read<T[K]> }
  : T;
