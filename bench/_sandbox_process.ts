// The sandbox in a subprocess (its CLI, as a user starts it), for the benches that must keep its work off the
// measured process: its FIVETRAN_* environment, read from the first line it prints, and a way to stop it.

const CLI = new URL("../lib/sandbox/cli.ts", import.meta.url).pathname;

/** A running sandbox CLI. */
export interface SandboxProcess {
  /** What it printed to export: `FIVETRAN_BASE_URL`, `FIVETRAN_API_KEY`, `FIVETRAN_API_SECRET`. */
  env: Record<string, string>;
  /** Stop it and wait until it has exited. */
  close(): Promise<void>;
}

/** Starts `lib/sandbox/cli.ts --port 0 ...args` and waits for its address. */
export async function sandboxProcess(args: string[]): Promise<SandboxProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", CLI, "--port", "0", ...args],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the sandbox exited before printing its address");
    text += value;
  }
  const env = Object.fromEntries([...text.matchAll(/(FIVETRAN_\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  const drain = (async () => {
    while (!(await reader.read()).done) { /* the CLI prints nothing more on stdout */ }
  })();
  return {
    env,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      await drain;
    },
  };
}
