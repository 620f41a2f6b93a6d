// Private helper: the one line of an error that a message quotes.

/**
 * The first line of `error`'s message (of `String(error)` for what is not an `Error`), at most `max` characters:
 * what a one-line message quotes of a cause.
 */
export function firstLine(error: unknown, max = 300): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, max);
}
