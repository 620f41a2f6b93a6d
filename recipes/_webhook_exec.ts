// Private helpers of webhook_listener.ts: split an --exec command line into words (never handing it to a shell) and
// run it once for an event, the event on its stdin, in a clean environment, with a time limit.
import { UsageError } from "../lib/recipe.ts";

/** A program and its arguments. */
export interface CommandLine {
  program: string;
  args: string[];
}

/**
 * Splits `text` into words as a POSIX shell would for simple commands: blanks separate words, '...' keeps
 * everything literally, "..." keeps blanks (backslash escapes " and \ inside), \ escapes one character outside
 * quotes. Unquoted shell syntax (| & ; < > ( ) $ `) is refused: nothing here is run by a shell, so it would not
 * mean what it says.
 */
export function parseCommandLine(text: string): CommandLine {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if ("|&;<>()$`".includes(c)) {
      throw new UsageError(
        `Expected --exec to be a program and its arguments, got shell syntax '${c}': it is never run by a shell; ` +
          "put the pipeline in a script and give the script",
      );
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`Expected --exec to close its ${quote} quote`);
  if (inWord) words.push(word);
  if (words.length === 0 || words[0] === "") throw new UsageError("Expected --exec to name a program, got ''");
  return { program: words[0], args: words.slice(1) };
}

/** How one run of the command ended. */
export interface ExecResult {
  ok: boolean;
  /** One line: the exit code (and the last line of its stderr), a timeout, or why it could not start. */
  message: string;
}

/** Options of {@link runEventCommand}. */
export interface ExecOptions {
  /** The command's whole environment. */
  env: Record<string, string>;
  /** Kill it (SIGTERM, then SIGKILL after 2 s) after this long. */
  timeoutMs: number;
  /** Kill it when aborted (Ctrl-C). */
  signal: AbortSignal;
}

/** Runs the command with `input` on its stdin; never throws. */
export async function runEventCommand(command: CommandLine, input: string, options: ExecOptions): Promise<ExecResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command.program, {
      args: command.args,
      clearEnv: true,
      env: options.env,
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return { ok: false, message: `could not start ${command.program}: ${(error as Error).message.split("\n")[0]}` };
  }
  let why = "";
  const kill = (reason: string) => {
    if (why) return;
    why = reason;
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    hard = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, 2000);
  };
  let hard: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(
    () => kill(`killed after ${options.timeoutMs / 1000} s (--exec-timeout)`),
    options.timeoutMs,
  );
  const onAbort = () => kill("killed (interrupted)");
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(input));
      await writer.close();
    } catch {
      // The command did not read its stdin (it may not need it); its exit code decides.
    }
    const { code, stderr } = await child.output();
    if (why) return { ok: false, message: why };
    if (code === 0) return { ok: true, message: "exit 0" };
    const last = new TextDecoder().decode(stderr).trim().split("\n").at(-1)?.slice(0, 200);
    return { ok: false, message: `exit ${code}${last ? `: ${last}` : ""}` };
  } finally {
    clearTimeout(timer);
    clearTimeout(hard);
    options.signal.removeEventListener("abort", onAbort);
  }
}
