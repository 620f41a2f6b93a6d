// Private test helpers: a scripted loopback HTTP server, a TCP server that hangs up on every connection, and
// a way to run Deno in a subprocess with a controlled environment. Tests only; nothing here stubs fetch.

/** One request the server received. */
export interface Received {
  /** HTTP method. */
  method: string;
  /** The full URL as received. */
  url: URL;
  /** Path with the query string, e.g. `/v1/groups?limit=100`. */
  target: string;
  /** Request headers. */
  headers: Headers;
  /** The body as text (empty when none). */
  body: string;
}

/** A scripted answer: JSON (object) or raw text (string) body, status and headers. */
export interface Scripted {
  /** HTTP status. @default 200 */
  status?: number;
  /** An object is sent as JSON; a string as is. @default {code: "Success"} */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Hold the answer until the server closes (for timeouts and aborts); no timer involved. */
  hang?: boolean;
  /** Send headers at once, then hold the body until the server closes. */
  hangBody?: boolean;
}

/** What a handler may return. */
export type Reply = Scripted | ((request: Received) => Scripted | Response | Promise<Scripted | Response>);

/** A running scripted server. */
export interface TestServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The port. */
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: Received[];
  /** Queues more answers (used first-in, first-out; the fallback answers when the queue is empty). */
  enqueue(...replies: Reply[]): void;
  /** Releases held answers and shuts the server down. */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Answers when the queue is empty. @default 418 with code "Unscripted" (so a test fails loudly) */
  fallback?: Reply;
  /** Do not record requests (benchmarks). */
  record?: boolean;
}

/** Starts a scripted server on 127.0.0.1, port 0. */
export function startServer(replies: Reply[] = [], options: ServerOptions = {}): TestServer {
  const queue: Reply[] = [...replies];
  const requests: Received[] = [];
  const fallback: Reply = options.fallback ?? { status: 418, body: { code: "Unscripted", message: "Nothing queued" } };
  const record = options.record ?? true;
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const received: Received = {
      method: req.method,
      url,
      target: `${url.pathname}${url.search}`,
      headers: req.headers,
      body: await req.text(),
    };
    if (record) requests.push(received);
    const reply = queue.length > 0 ? queue.shift()! : fallback;
    const answer = typeof reply === "function" ? await reply(received) : reply;
    if (answer instanceof Response) return answer;
    if (answer.hang) {
      await released;
      return new Response("released", { status: 503 });
    }
    const body = answer.body === undefined
      ? JSON.stringify({ code: "Success" })
      : typeof answer.body === "string"
      ? answer.body
      : JSON.stringify(answer.body);
    const headers = new Headers(answer.headers);
    if (!headers.has("content-type") && typeof answer.body !== "string") {
      headers.set("content-type", "application/json");
    }
    if (answer.hangBody) {
      const bytes = new TextEncoder().encode(body);
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(bytes.subarray(0, 1));
          await released;
          try {
            controller.close();
          } catch {
            // The client went away.
          }
        },
      });
      return new Response(stream, { status: answer.status ?? 200, headers });
    }
    const status = answer.status ?? 200;
    return new Response(status === 204 || status === 304 ? null : body, { status, headers });
  });
  const port = server.addr.port;
  let closing: Promise<void> | undefined;
  const close = () => {
    release();
    closing ??= server.shutdown().then(() => server.finished);
    return closing;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...more) => void queue.push(...more),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A TCP server that accepts each connection and closes it at once: every request is a network error. */
export interface HangUpServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Starts a {@link HangUpServer}. */
export function startHangUpServer(): HangUpServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        conn.close();
      }
    } catch {
      // Listener closed.
    }
  })();
  let closing: Promise<void> | undefined;
  const close = () => {
    if (!closing) {
      listener.close();
      closing = loop;
    }
    return closing;
  };
  return {
    baseUrl: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`,
    get accepted() {
      return accepted;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The project root, as a path. */
export const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** The output of a subprocess. */
export interface DenoRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runDeno}. */
export interface RunDenoOptions {
  /** Variables added to the minimal environment (HOME, PATH, DENO_DIR and the like, plus NO_COLOR=1); `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Working folder. @default the project root */
  cwd?: string;
}

/**
 * Runs `deno ARGS` with a cleared environment: only what Deno needs to find its cache and the registry,
 * `NO_COLOR=1`, no `RUST_BACKTRACE`, plus `options.env`.
 */
export async function runDeno(args: string[], options: RunDenoOptions = {}): Promise<DenoRun> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (/^(HOME|PATH|TMPDIR|DENO_DIR|XDG_CACHE_HOME|NPM_CONFIG_.*|SSL_CERT_.*)$/i.test(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd ?? ROOT,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** A temporary folder removed by `await using`. */
export async function tempDir(prefix = "atlas_test_"): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A fake clock and sleep: `sleep` records each requested wait and moves the clock on instead of waiting. */
export interface FakeTime {
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** Records `ms` and advances the clock; rejects like a real sleep when the signal is aborted. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every wait requested, in order. */
  waits: number[];
}

/** Creates a {@link FakeTime} starting at `start` (a whole second, so HTTP dates are exact). */
export function fakeTime(start = Date.UTC(2026, 0, 1, 12, 0, 0)): FakeTime {
  let clock = start;
  const waits: number[] = [];
  return {
    now: () => clock,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      waits.push(ms);
      clock += Math.max(0, ms);
      return Promise.resolve();
    },
    waits,
  };
}

/** Runs `fn` and returns what it rejected with (fails when it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected a rejection, got a resolved promise");
}
