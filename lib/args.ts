/**
 * Command-line flags: a small strict parser in the manner of `node:util`'s `parseArgs` (`--name value`,
 * `--name=value`, `-h`, grouped `-hy`, repeatable flags, `--` ends the flags), without importing `node:util`,
 * whose first import starts Deno's Node-compatibility layer (about 10 ms of every recipe's start-up).
 *
 * Differences from `parseArgs`, on purpose: a value that looks like a negative number (`--concurrency -1`) is
 * taken as the value, so the flag's own check can say what it expects; any other value starting with `-` is
 * read as a missing value, in one line that says how to pass such a value (`--name=-x`); no message repeats a
 * stray argument, which may be a secret typed in the wrong place.
 *
 * @module
 */

/** One flag for {@link parseFlags}. */
export interface FlagOption {
  /** `string` takes a value; `boolean` does not. */
  type: "string" | "boolean";
  /**
   * May be repeated; the values are collected in a list.
   *
   * @default {false}
   */
  multiple?: boolean;
  /** A one-letter alias, e.g. `h` for `-h`. */
  short?: string;
}

/** What {@link parseFlags} returns: each given flag's value (a list for repeatable flags), by long name. */
export interface ParsedFlags {
  /** The flags given, by long name. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** What looks like a negative number, and is taken as a value rather than a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Parses `args` against `options` (long name → {@link FlagOption}). Strict: unknown flags, positional
 * arguments, a missing value and a value given to a boolean flag all throw.
 *
 * @throws {TypeError} with a one-line message naming the flag, never the stray value.
 *
 * @example Parse a recipe's flags
 * ```ts
 * import { parseFlags } from "./args.ts";
 * const { values } = parseFlags(["--group-id", "g1", "-h", "--tag=a", "--tag", "b"], {
 *   "group-id": { type: "string" },
 *   help: { type: "boolean", short: "h" },
 *   tag: { type: "string", multiple: true },
 * });
 * // values: { "group-id": "g1", help: true, tag: ["a", "b"] }
 * ```
 */
export function parseFlags(args: readonly string[], options: Record<string, FlagOption>): ParsedFlags {
  const values: ParsedFlags["values"] = {};
  const shorts = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) if (option.short) shorts.set(option.short, name);
  const store = (name: string, value: string | boolean) => {
    if (options[name].multiple) {
      const list = values[name];
      values[name] = Array.isArray(list) ? [...list, value] : [value];
    } else {
      values[name] = value;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      if (i + 1 < args.length) throw new TypeError("Unexpected argument after '--': this command takes only flags");
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const option = Object.hasOwn(options, name) ? options[name] : undefined;
      if (!option) throw new TypeError(`Unknown option '--${name.slice(0, 60)}'`);
      if (option.type === "boolean") {
        if (eq !== -1) throw new TypeError(`Option '--${name}' takes no value`);
        store(name, true);
      } else if (eq !== -1) {
        store(name, arg.slice(eq + 1));
      } else {
        store(name, takeValue(args, i, `--${name}`, options, shorts));
        i++;
      }
    } else if (arg.startsWith("-") && arg.length > 1) {
      // One short flag (-h, -x VALUE, -xVALUE) or a group of boolean ones (-hy).
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const name = shorts.get(letter);
        if (name === undefined) throw new TypeError(`Unknown option '-${letter}'`);
        if (options[name].type === "boolean") {
          store(name, true);
          continue;
        }
        if (j + 1 < arg.length) store(name, arg.slice(j + 1));
        else {
          store(name, takeValue(args, i, `-${letter}`, options, shorts));
          i++;
        }
        break;
      }
    } else {
      throw new TypeError("Unexpected argument: this command takes only flags (--name VALUE)");
    }
  }
  return { values };
}

/** The value after the flag at `i`, or a one-line error saying why there is none. */
function takeValue(
  args: readonly string[],
  i: number,
  flag: string,
  options: Record<string, FlagOption>,
  shorts: Map<string, string>,
): string {
  if (i + 1 >= args.length) throw new TypeError(`Expected a value after ${flag}, got nothing`);
  const next = args[i + 1];
  if (next.startsWith("-") && next !== "-" && !NEGATIVE_NUMBER.test(next)) {
    const known = next.startsWith("--")
      ? Object.hasOwn(options, next.slice(2).split("=")[0])
      : next.length === 2 && shorts.has(next[1]);
    throw new TypeError(
      known
        ? `Expected a value after ${flag}, got the flag ${next.split("=")[0]}`
        : `Expected a value after ${flag}, got an argument starting with '-' (write ${flag}=VALUE for such a value)`,
    );
  }
  return next;
}
