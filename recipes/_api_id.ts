// Private helper of the recipes that build endpoints from IDs the API listed (setup_test.ts, migrate_group.ts): an
// ID that is not one ("a/b", "x?y=1", "../groups/x") would send the next request somewhere else, so the listing is an
// invalid answer (exit 1) — before anything is sent with it.
import { invalidAnswer } from "../lib/client/errors.ts";

/** Whether `id` is shaped like a Fivetran ID: letters, digits, `_`, `-`, `.` (not `.` or `..` alone). */
export function isApiId(id: unknown): id is string {
  return typeof id === "string" && /^[A-Za-z0-9_.-]{1,200}$/.test(id) && id !== "." && id !== "..";
}

/** Throws an invalid-response `AtlasError` when an item of `GET {path}` has an ID that is not one. */
export function checkListedIds(items: readonly { id?: unknown }[], path: string): void {
  const bad = items.find((item) => !isApiId(item.id));
  if (!bad) return;
  throw invalidAnswer(
    path,
    `Expected each listed item to have an ID of letters, digits, _ - ., got ${
      JSON.stringify(bad.id)?.slice(0, 80) ?? "none"
    }; nothing was sent with it`,
  );
}
