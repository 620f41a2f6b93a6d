/**
 * Name helpers: source names such as `OrderItems` / `CustomerID` become
 * destination names `order_items` / `customer_id`, like Fivetran's naming.
 *
 * @module
 */

/**
 * Fivetran-style snake_case of a source identifier.
 *
 * @example Using `toDestinationName`
 * ```ts
 * import { toDestinationName } from "./names.ts";
 * toDestinationName("CustomerID"); // "customer_id"
 * ```
 */
export function toDestinationName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}
