/**
 * Colour output in the original framework's style: `Call:` in cyan, `Response:` in green, details in
 * magenta, errors in red. Plain when `NO_COLOR` is set or the stream is not a terminal. The `format*`
 * functions return strings; an {@link Output} prints them.
 *
 * @module
 */

import { maskSecrets, scrubText } from "./mask.ts";

/** Colours the toolkit uses. */
export type Colour = "cyan" | "green" | "magenta" | "red" | "yellow" | "blue" | "gray" | "bold";

// Plain ANSI codes (open, close), as `node:util`'s `styleText` writes them: importing `node:util` would start
// Deno's Node-compatibility layer, about 10 ms of every recipe's start-up.
const CODES: Record<Colour, [number, number]> = {
  cyan: [36, 39],
  green: [32, 39],
  magenta: [35, 39],
  red: [31, 39],
  yellow: [33, 39],
  blue: [34, 39],
  gray: [90, 39],
  bold: [1, 22],
};

/** Options of {@link paint}, {@link formatCall} and {@link formatResponse}. */
export interface PaintOptions {
  /**
   * Whether to colour at all (see {@link colourEnabled}).
   *
   * @default {true} for `paint`, `false` for the `format*` functions
   */
  colour?: boolean;
}

/**
 * Paints `text` in `colour` (unless `options.colour` is `false`).
 *
 * @example Paint a word
 * ```ts
 * import { paint } from "./output.ts";
 * paint("Success", "green"); // "\x1b[32mSuccess\x1b[39m"
 * paint("Success", "green", { colour: false }); // "Success"
 * ```
 */
export function paint(text: string, colour: Colour, options: PaintOptions = {}): string {
  const { colour: enabled = true } = options;
  if (!enabled) return text;
  const [open, close] = CODES[colour];
  // A close code inside the text re-opens the style, so the rest of the text keeps it (as styleText does:
  // a colour's close becomes its open; bold's close, which also ends dim, is followed by its open).
  const reopen = close === 22 ? `\x1b[22m\x1b[${open}m` : `\x1b[${open}m`;
  return `\x1b[${open}m${text.replaceAll(`\x1b[${close}m`, reopen)}\x1b[${close}m`;
}

/**
 * Whether colour should be used on a stream: `NO_COLOR` unset and the stream a terminal.
 *
 * @example Decide for stdout
 * ```ts
 * import { colourEnabled } from "./output.ts";
 * const colour = colourEnabled(Deno.stdout);
 * ```
 */
export function colourEnabled(stream: { isTerminal(): boolean }): boolean {
  let noColour = false;
  try {
    noColour = (Deno.env.get("NO_COLOR") ?? "") !== "";
  } catch {
    // No --allow-env for NO_COLOR: decide by the terminal alone.
  }
  return !noColour && stream.isTerminal();
}

const encoder = new TextEncoder();

/**
 * Prints a line on stdout as `console.log` does — a reader that went away (`| head`) is not an error — but
 * without its formatting pass, which costs more than the write for a long text: a 1,680-row table prints in
 * 0.7 ms instead of 1.7.
 */
function printLine(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  let done = 0;
  try {
    while (done < bytes.length) done += Deno.stdout.writeSync(bytes.subarray(done));
  } catch (error) {
    if (error instanceof Deno.errors.BrokenPipe) return;
    if (done === 0) console.log(line); // whatever it was, console.log copes as it always did
    else throw error;
  }
}

/** The columns of the terminal on stdout, or `undefined` when stdout is not a terminal. */
function terminalWidth(): number | undefined {
  try {
    return Deno.stdout.isTerminal() ? Deno.consoleSize().columns || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** One request, as a `Call:` line shows it. */
export interface CallLine {
  /** HTTP method. */
  method: string;
  /** Endpoint, relative to the base URL. */
  endpoint: string;
  /** The JSON body, if any (secrets are masked). */
  payload?: unknown;
}

/**
 * The `Call:` line: method, endpoint and the payload with secrets masked.
 *
 * @example Format a call
 * ```ts
 * import { formatCall } from "./output.ts";
 * formatCall({ method: "PATCH", endpoint: "connections/abc", payload: { paused: true } });
 * // 'Call: PATCH connections/abc {"paused":true}'
 * ```
 */
export function formatCall(call: CallLine, options: PaintOptions = {}): string {
  const { method, endpoint, payload } = call;
  const { colour = false } = options;
  const body = payload === undefined || payload === null || payload === ""
    ? ""
    : ` ${JSON.stringify(maskSecrets(payload))}`;
  return paint(`Call: ${method} ${endpoint}${body}`, "cyan", { colour });
}

/**
 * The `Response:` line.
 *
 * @example Format a response code
 * ```ts
 * import { formatResponse } from "./output.ts";
 * formatResponse("Success"); // "Response: Success"
 * ```
 */
export function formatResponse(code: string, options: PaintOptions = {}): string {
  const { colour = false } = options;
  return paint(`Response: ${code}`, "green", { colour });
}

/** Options of {@link Output}. */
export interface OutputOptions {
  /**
   * Writes one line (without its newline) to standard output.
   *
   * @default {console.log}
   */
  stdout?: (line: string) => void;
  /**
   * Writes one line to standard error.
   *
   * @default {console.error}
   */
  stderr?: (line: string) => void;
  /**
   * Colour on stdout.
   *
   * @default {colourEnabled(Deno.stdout)}
   */
  colour?: boolean;
  /**
   * Colour on stderr.
   *
   * @default {colourEnabled(Deno.stderr)}
   */
  colourErr?: boolean;
  /**
   * Machine-readable mode: only {@link Output.json} writes to stdout; the human lines go to stderr.
   *
   * @default {false}
   */
  json?: boolean;
  /**
   * The width tables must fit, in terminal columns ({@link Output.width}).
   *
   * @default {the terminal's width when stdout is a terminal and `json` is off (and no `stdout` is given); else undefined}
   */
  width?: number;
}

/**
 * Prints the toolkit's lines. Tests pass `stdout`/`stderr` collectors; recipes and notebooks use the default.
 *
 * @example Print a call and its response
 * ```ts
 * import { Output } from "./output.ts";
 * const out = new Output();
 * out.call("GET", "groups");
 * out.response("Success");
 * ```
 */
export class Output {
  /** Whether stdout lines are coloured. */
  readonly colour: boolean;
  /** Whether stderr lines are coloured. */
  readonly colourErr: boolean;
  /** Machine-readable mode. */
  readonly jsonMode: boolean;
  /**
   * The width tables should fit (pass it as `maxWidth` to `renderTable`): the terminal's columns when stdout
   * is a terminal; `undefined` (full width) in JSON mode or when stdout is a pipe or a file.
   */
  readonly width: number | undefined;
  #out: (line: string) => void;
  #err: (line: string) => void;
  #secrets: string[] = [];

  /**
   * Creates an output.
   *
   * @param options Where lines go and whether they are coloured.
   */
  constructor(options: OutputOptions = {}) {
    const {
      stdout = printLine,
      stderr = (line: string) => console.error(line),
      json = false,
    } = options;
    this.#out = (line) => stdout(scrubText(line, this.#secrets));
    this.#err = (line) => stderr(scrubText(line, this.#secrets));
    this.jsonMode = json;
    this.colour = options.colour ?? (options.stdout ? false : colourEnabled(Deno.stdout));
    this.colourErr = options.colourErr ?? (options.stderr ? false : colourEnabled(Deno.stderr));
    this.width = options.width ?? (json || options.stdout ? undefined : terminalWidth());
  }

  /** Registers strings (API secret, passwords read from files) that are replaced by `******` in every line. */
  addSecrets(...secrets: (string | undefined)[]): void {
    for (const secret of secrets) if (secret && secret.length >= 4) this.#secrets.push(secret);
  }

  /** A human line: stdout normally, stderr in JSON mode so stdout stays machine-readable. */
  #human(text: string, colour: Colour | undefined): void {
    if (this.jsonMode) this.#err(colour ? paint(text, colour, { colour: this.colourErr }) : text);
    else this.#out(colour ? paint(text, colour, { colour: this.colour }) : text);
  }

  /** Prints `Call: METHOD endpoint payload` in cyan, secrets masked. */
  call(method: string, endpoint: string, payload?: unknown): void {
    this.#human(formatCall({ method, endpoint, payload }), "cyan");
  }

  /** Prints `Response: code` in green. */
  response(code: string): void {
    this.#human(formatResponse(code), "green");
  }

  /** Prints a detail line in magenta. */
  detail(text: string): void {
    this.#human(text, "magenta");
  }

  /** Prints a plain line (multi-line strings such as tables too). */
  line(text = ""): void {
    this.#human(text, undefined);
  }

  /** Prints a line in the given colour. */
  painted(colour: Colour, text: string): void {
    this.#human(text, colour);
  }

  /** Prints machine-readable JSON on stdout. */
  json(value: unknown): void {
    this.#out(JSON.stringify(value, null, 2));
  }

  /** Prints one compact JSON line on stdout (for streams of records, one per line). */
  jsonLine(value: unknown): void {
    this.#out(JSON.stringify(value));
  }

  /** Prints one red line on stderr. */
  error(text: string): void {
    this.#err(paint(text, "red", { colour: this.colourErr }));
  }

  /** Prints one yellow line on stderr. */
  warn(text: string): void {
    this.#err(paint(text, "yellow", { colour: this.colourErr }));
  }

  /** Prints a progress or status line on stderr. */
  progress(text: string): void {
    this.#err(text);
  }
}
