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

/** The bytes of stderr kept to quote its last line. */
const STDERR_TAIL_BYTES = 4096;

/** Reads a stream to its end, keeping only its last {@link STDERR_TAIL_BYTES} bytes, as text. */
function stderrTail(stream: ReadableStream<Uint8Array>): Promise<string> & { cancel(): void } {
  const reader = stream.getReader();
  let tail = new Uint8Array(0);
  const read = (async () => {
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        const keep = Math.min(tail.length, Math.max(0, STDERR_TAIL_BYTES - chunk.length));
        const next = new Uint8Array(keep + Math.min(chunk.length, STDERR_TAIL_BYTES));
        next.set(tail.subarray(tail.length - keep), 0);
        next.set(chunk.subarray(Math.max(0, chunk.length - STDERR_TAIL_BYTES)), keep);
        tail = next;
      }
    } catch {
      // cancelled: what was read is the tail
    }
    return new TextDecoder().decode(tail);
  })();
  return Object.assign(read, { cancel: () => void reader.cancel().catch(() => {}) });
}

/**
 * Why `program` cannot be started, when that can be told before any event arrives (it is not on PATH, or the path
 * names no executable file); `undefined` when it can, or when PATH may not be read (then the first event tells).
 */
export function missingProgram(program: string): string | undefined {
  const executable = (path: string): boolean => {
    try {
      const info = Deno.statSync(path);
      return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
    } catch {
      return false;
    }
  };
  if (program.includes("/")) {
    return executable(program) ? undefined : `'${program}' is not an executable file`;
  }
  if (Deno.permissions.querySync({ name: "env", variable: "PATH" }).state !== "granted") return undefined;
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  if (dirs.some((d) => Deno.permissions.querySync({ name: "read", path: d }).state !== "granted")) return undefined;
  return dirs.some((d) => executable(`${d}/${program}`)) ? undefined : `'${program}' is not on PATH`;
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
  let grace: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(
    () => kill(`killed after ${options.timeoutMs / 1000} s (--exec-timeout)`),
    options.timeoutMs,
  );
  const onAbort = () => kill("killed (interrupted)");
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    // The event goes to stdin while the command runs: a command that never reads it (or a background process it
    // left behind that holds stdin) must not keep this waiting once the command has exited.
    const writer = child.stdin.getWriter();
    const writing = (async () => {
      try {
        await writer.write(new TextEncoder().encode(input));
        await writer.close();
      } catch {
        // The command did not read its stdin (it may not need it); its exit code decides.
      }
    })();
    // Only the tail of stderr is kept: a command that floods it must not fill the listener's memory.
    // A program that leaves a background process behind (`sleep 600 &`) leaves stderr open after it exits: its
    // result is its exit, and stderr gets a moment more, not the background process's lifetime.
    const reading = stderrTail(child.stderr);
    const { code } = await child.status;
    writer.abort().catch(() => {});
    await writing;
    grace = setTimeout(() => reading.cancel(), 200);
    const tail = await reading; // all of it, or what came before the cancel
    if (why) return { ok: false, message: why };
    if (code === 0) return { ok: true, message: "exit 0" };
    const last = tail.trim().split("\n").at(-1)?.slice(0, 200);
    return { ok: false, message: `exit ${code}${last ? `: ${last}` : ""}` };
  } finally {
    clearTimeout(timer);
    clearTimeout(hard);
    clearTimeout(grace);
    options.signal.removeEventListener("abort", onAbort);
  }
}
