#!/usr/bin/env -S deno run --allow-net=127.0.0.1 --allow-env=FIVETRAN_WEBHOOK_SECRET,FIVETRAN_LOG_FILE,NO_COLOR,PATH --allow-read --allow-write=logs
/**
 * webhook_listener.ts — receive Fivetran webhook events and trust only the signed ones. Serves `POST --path` on
 * `--host`:`--port` (loopback by default), checks each delivery's `X-Fivetran-Signature-256` (HMAC-SHA256 of the
 * raw body under the webhook's secret, compared in constant time; `verifyWebhook()` in `lib/webhook.ts`), answers
 * 401 with one log line to anything unsigned or tampered with, and prints each good event as one coloured line
 * (`--json`: the event itself, one JSON object per line). `--exec CMD` runs a program per event with the event
 * on its stdin — a few at a time, never through a shell, in a clean environment.
 *
 * ```sh
 * deno run -P recipes/webhook_listener.ts --port 8790 --secret-file recipes/examples/webhook_secret.txt
 * deno run -P=webhook_listener recipes/webhook_listener.ts --exec "./on_event.sh --notify" --json
 * ```
 *
 * @module
 */
import { isLoopback } from "../lib/config.ts";
import { defineRecipe, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, runMain, UsageError } from "../lib/recipe.ts";
import type { RecipeContext } from "../lib/recipe.ts";
import type { Colour } from "../lib/output.ts";
import { SIGNATURE_HEADER, verifyWebhook } from "../lib/webhook.ts";
import { type CommandLine, missingProgram, parseCommandLine, runEventCommand } from "./_webhook_exec.ts";

/** The fields of a Fivetran webhook event the line shows (older events say `connector_*`, newer `connection_*`). */
interface WebhookEvent {
  event?: string;
  created?: string;
  connector_type?: string;
  connector_id?: string;
  connection_id?: string;
  connector_name?: string;
  destination_group_id?: string;
  group_id?: string;
  sync_id?: string;
  data?: { status?: string; reason?: string; [key: string]: unknown };
}

/** The signatures of this many recent deliveries are remembered, to ignore one delivered again. */
const MAX_REMEMBERED = 10_000;

/** At most this many events wait for a free `--exec` slot; beyond it deliveries get 503 so Fivetran retries them. */
const MAX_QUEUED = 1000;

function integer(ctx: RecipeContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.string(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`Expected --${name} to be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return Number(raw);
}

function eventColour(e: WebhookEvent): Colour {
  const status = String(e.data?.status ?? "").toUpperCase();
  if (/FAIL|ERROR|BROKEN/.test(status) || /fail|broken/i.test(e.event ?? "")) return "red";
  if (e.event === "sync_start") return "cyan";
  if (status === "SUCCESSFUL" || e.event === "sync_end") return "green";
  return "magenta";
}

/** One line for an event: time, name, connection, service, group, status. */
export function describeEvent(e: WebhookEvent, receivedAt: Date): string {
  const when = (e.created && !Number.isNaN(Date.parse(e.created)) ? new Date(e.created) : receivedAt)
    .toISOString().slice(11, 19);
  const connection = e.connection_id ?? e.connector_id;
  const parts = [
    when,
    (e.event ?? "(no event name)").padEnd(20),
    connection ?? "-",
    e.connector_type ? `(${e.connector_type})` : "",
    (e.destination_group_id ?? e.group_id) ? `group ${e.destination_group_id ?? e.group_id}` : "",
    e.data?.status ? `status ${e.data.status}` : "",
    e.data?.reason ? `reason: ${String(e.data.reason).slice(0, 200)}` : "",
  ];
  // No control character of the event reaches the terminal (an escape sequence could rewrite the screen).
  // deno-lint-ignore no-control-regex
  return parts.filter(Boolean).join("  ").replace(/[\x00-\x1f\x7f-\x9f]+/g, " ");
}

/** Runs the recipe: `main(args)` resolves to the exit code. */
export const main = defineRecipe({
  name: "webhook_listener.ts",
  summary: "Receive Fivetran webhook events, verify their signatures, print them or run a command per event",
  description: [
    "Serves POST --path on --host:--port (default 127.0.0.1:8790/fivetran). Each delivery's X-Fivetran-Signature-256",
    "(HMAC-SHA256 of the raw body under the webhook's secret, hex in either case) is checked in constant time;",
    "a missing or wrong one gets 401 and one line on stderr and in the log. Good events: one coloured line each",
    "(--json: the event as received, one JSON object per line on stdout).",
    "The secret comes from --secret-file FILE or else FIVETRAN_WEBHOOK_SECRET, never from a flag value.",
    "--exec CMD runs CMD (split into words like a shell would, but never run by one: no pipes, redirects or $)",
    "once per event with the event JSON on stdin and only FIVETRAN_EVENT, FIVETRAN_CONNECTION_ID and",
    "FIVETRAN_GROUP_ID in its environment; --exec-concurrency at a time (default 4), each up to --exec-timeout",
    "seconds (default 300). It needs --allow-run (the webhook_listener permission set: -P=webhook_listener); a",
    "program that is not on PATH or not executable is refused at start (exit 2). Only the last line of its stderr",
    "is kept (quoted when it fails), its stdout is discarded.",
    "Fivetran only delivers to https URLs: put a TLS proxy or tunnel in front, and --host 0.0.0.0 only behind it.",
    "A delivery received again (the same signed body: a retry, or a replay) is answered 200 and logged, not",
    "printed or run again (the last 10,000 are remembered).",
    "Runs until Ctrl-C (exit 130), --max-events N good events, or --duration S seconds (exit 0); exit 1 when",
    "an --exec command failed.",
  ].join("\n"),
  examples: [
    "deno run -P recipes/webhook_listener.ts --port 8790 --secret-file recipes/examples/webhook_secret.txt",
    'deno run -P=webhook_listener recipes/webhook_listener.ts --exec "./on_event.sh --notify" --json',
  ],
  flags: {
    port: { type: "string", valueName: "N", description: "Port to listen on (default 8790; 0 picks a free one)" },
    host: { type: "string", valueName: "ADDR", description: "Address to listen on (default 127.0.0.1, loopback)" },
    path: { type: "string", valueName: "PATH", description: "URL path to accept events on (default /fivetran)" },
    "secret-file": { type: "string", valueName: "FILE", description: "File holding the webhook's secret" },
    exec: { type: "string", valueName: "CMD", description: "Run CMD per event, the event JSON on its stdin" },
    "exec-concurrency": { type: "string", valueName: "N", description: "Commands at a time (1..32, default 4)" },
    "exec-timeout": { type: "string", valueName: "S", description: "Kill a command after S seconds (default 300)" },
    "max-events": { type: "string", valueName: "N", description: "Stop after N good events (exit 0)" },
    duration: { type: "string", valueName: "S", description: "Stop after S seconds (exit 0)" },
  },
  env: { FIVETRAN_WEBHOOK_SECRET: "The webhook's secret (when --secret-file is not given)" },
  permissions: "--allow-net=127.0.0.1 (--allow-net for another --host) --allow-env=FIVETRAN_WEBHOOK_SECRET,... " +
    "--allow-read --allow-write=logs; --exec also needs --allow-run=CMD",
  async run(ctx) {
    const port = integer(ctx, "port", 8790, 0, 65535);
    const host = ctx.string("host") ?? "127.0.0.1";
    if (!/^[A-Za-z0-9.:_\-\[\]]{1,253}$/.test(host)) {
      throw new UsageError(`Expected --host to be an address or host name, got '${host.slice(0, 60)}'`);
    }
    const path = ctx.string("path") ?? "/fivetran";
    if (!/^\/[A-Za-z0-9._~\-\/]*$/.test(path)) {
      throw new UsageError(`Expected --path to start with / and hold only URL-safe characters, got '${path}'`);
    }
    if (/\/\/|(^|\/)\.\.?(\/|$)/.test(path)) {
      // No request could match . or .. (URLs are normalised, /a/../b is /b); an empty segment is a typo.
      throw new UsageError(`Expected --path without '.', '..' or empty segments, got '${path}'`);
    }
    const concurrency = integer(ctx, "exec-concurrency", 4, 1, 32);
    const execTimeoutMs = integer(ctx, "exec-timeout", 300, 1, 86_400) * 1000;
    const maxEvents = ctx.flags["max-events"] === undefined ? undefined : integer(ctx, "max-events", 0, 1, 1e9);
    const duration = ctx.flags.duration === undefined ? undefined : integer(ctx, "duration", 0, 1, 365 * 86_400);
    for (const name of ["exec-concurrency", "exec-timeout"]) {
      if (ctx.flags[name] !== undefined && ctx.flags.exec === undefined) {
        throw new UsageError(`--${name} only goes with --exec`);
      }
    }
    const execText = ctx.string("exec");
    const command: CommandLine | undefined = execText === undefined ? undefined : parseCommandLine(execText);
    const secretFile = ctx.string("secret-file");
    const secret = secretFile !== undefined
      ? ctx.readSecret(secretFile, "webhook secret")
      : ctx.env("FIVETRAN_WEBHOOK_SECRET");
    if (!secret) {
      throw new UsageError("Missing the webhook secret: give --secret-file FILE or set FIVETRAN_WEBHOOK_SECRET");
    }
    ctx.addSecrets(secret);
    if (command) {
      const missing = missingProgram(command.program);
      if (missing) throw new UsageError(`Expected --exec to name a program that can run, got ${missing}`);
      const state = await Deno.permissions.request({ name: "run", command: command.program });
      if (state.state !== "granted") {
        throw new UsageError(
          `Missing permission: run ${command.program}. Run again with --allow-run=${command.program} (or -P=webhook_listener)`,
        );
      }
    }

    // ---- state
    const stop = new AbortController();
    let stopCode = EXIT_OK;
    let stopReason = "";
    const halt = (code: number, reason: string) => {
      if (stop.signal.aborted) return;
      stopCode = code;
      stopReason = reason;
      stop.abort();
    };
    let enough = false;
    const counts = { events: 0, refused: 0, repeated: 0, ran: 0, failed: 0, dropped: 0 };
    const seen = new Set<string>();
    const running = new Set<Promise<void>>();
    const kills = new AbortController();
    const queue: { body: string; event: WebhookEvent }[] = [];

    const pump = () => {
      while (command && running.size < concurrency && queue.length > 0 && !kills.signal.aborted) {
        const item = queue.shift()!;
        const label = `${item.event.event ?? "event"} ${item.event.connection_id ?? item.event.connector_id ?? ""}`
          .trim();
        const task = runEventCommand(command, item.body, {
          env: {
            FIVETRAN_EVENT: String(item.event.event ?? ""),
            FIVETRAN_CONNECTION_ID: String(item.event.connection_id ?? item.event.connector_id ?? ""),
            FIVETRAN_GROUP_ID: String(item.event.destination_group_id ?? item.event.group_id ?? ""),
          },
          timeoutMs: execTimeoutMs,
          signal: kills.signal,
        }).then((result) => {
          counts.ran++;
          if (result.ok) {
            ctx.log.write("info", `webhook_listener: --exec for ${label}: exit 0`);
          } else {
            counts.failed++;
            ctx.log.write("warn", `webhook_listener: --exec for ${label}: ${result.message}`);
            ctx.out.warn(`--exec for ${label}: ${result.message}`);
          }
        }).finally(() => {
          running.delete(task);
          pump();
        });
        running.add(task);
      }
    };

    const handler = async (request: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
      const url = new URL(request.url);
      if (url.pathname !== path) {
        await request.body?.cancel();
        return new Response("Not found\n", { status: 404 });
      }
      if (request.method !== "POST") {
        await request.body?.cancel();
        return new Response("Only POST\n", { status: 405, headers: { allow: "POST" } });
      }
      if (stop.signal.aborted || enough) {
        await request.body?.cancel();
        return new Response("Stopping\n", { status: 503 });
      }
      const from = (info.remoteAddr as Deno.NetAddr).hostname;
      const result = await verifyWebhook(request, secret);
      if (!result.valid) {
        counts.refused++;
        const line = `Refused a delivery from ${from} (${result.status}): ${result.reason}`;
        ctx.out.warn(line);
        ctx.log.write("warn", `webhook_listener: ${line}`);
        return new Response(`${result.reason}\n`, { status: result.status });
      }
      const event = result.event;
      if (event === null || typeof event !== "object" || Array.isArray(event)) {
        counts.refused++;
        const line = `Refused a signed delivery from ${from} (400): its body is not a JSON object`;
        ctx.out.warn(line);
        ctx.log.write("warn", `webhook_listener: ${line}`);
        return new Response("Expected a JSON object\n", { status: 400 });
      }
      // A delivery seen already (Fivetran's retry after a lost answer, or someone replaying a captured one: the
      // signature has no timestamp) is acknowledged, logged, and neither printed nor run again.
      const digest = request.headers.get(SIGNATURE_HEADER)!.trim().replace(/^sha256=/i, "").toLowerCase();
      if (seen.has(digest)) {
        counts.repeated++;
        ctx.log.write("warn", `webhook_listener: ignored a repeated delivery from ${from}`);
        return new Response("ok (repeated)\n", { status: 200 });
      }
      seen.add(digest);
      if (seen.size > MAX_REMEMBERED) seen.delete(seen.values().next().value!);
      if (command && queue.length >= MAX_QUEUED) {
        counts.dropped++;
        ctx.out.warn(`${MAX_QUEUED} events wait for --exec already; answered 503 so Fivetran delivers it again`);
        return new Response("Busy\n", { status: 503, headers: { "retry-after": "30" } });
      }
      counts.events++;
      const e = event as WebhookEvent;
      const line = describeEvent(e, new Date(ctx.now()));
      ctx.log.write("info", `webhook_listener: ${line}`);
      if (ctx.json) ctx.out.jsonLine(event);
      else ctx.out.painted(eventColour(e), line);
      if (command) {
        queue.push({ body: result.body, event: e });
        pump();
      }
      if (maxEvents !== undefined && counts.events >= maxEvents) {
        // Stop once this answer is on its way (stopping now would cut its connection); later deliveries get 503.
        enough = true;
        setTimeout(() => halt(EXIT_OK, `--max-events ${maxEvents} reached`), 20);
      }
      return new Response("ok\n", { status: 200 });
    };

    // ---- serve
    const listening = Promise.withResolvers<Deno.NetAddr>();
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve({
        hostname: host,
        port,
        signal: stop.signal,
        onListen: (addr) => listening.resolve(addr),
        onError: (error) => {
          ctx.log.write("error", `webhook_listener: ${(error as Error).message}`);
          return new Response("Internal error\n", { status: 500 });
        },
      }, handler);
    } catch (error) {
      if (error instanceof Deno.errors.AddrInUse) {
        throw new UsageError(`Port ${port} on ${host} is in use; pick another with --port`);
      }
      if (error instanceof Deno.errors.AddrNotAvailable) {
        throw new UsageError(`Cannot listen on --host ${host}: not an address of this machine`);
      }
      throw error;
    }
    const addr = await listening.promise;
    const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    ctx.out.progress(
      `Listening on http://${shown}:${addr.port}${path} for signed Fivetran events${
        command ? `; --exec ${command.program} (${concurrency} at a time)` : ""
      }. Ctrl-C stops.`,
    );
    if (!isLoopback(host)) {
      ctx.out.warn(`--host ${host} accepts deliveries from other machines: keep a TLS proxy in front of it`);
    }
    ctx.log.write("info", `webhook_listener: listening on ${shown}:${addr.port}${path}`);

    const onInterrupt = () => halt(EXIT_INTERRUPTED, "interrupted");
    ctx.signal.addEventListener("abort", onInterrupt, { once: true });
    if (ctx.signal.aborted) onInterrupt();
    if (duration !== undefined) {
      ctx.sleep(duration * 1000).then(() => halt(EXIT_OK, `--duration ${duration} s passed`), () => {});
    }
    try {
      await server.finished;
    } finally {
      ctx.signal.removeEventListener("abort", onInterrupt);
    }

    // ---- drain the commands: on Ctrl-C kill them; otherwise let them finish
    if (command) {
      if (stopCode === EXIT_INTERRUPTED) {
        counts.dropped += queue.length;
        queue.length = 0;
        kills.abort();
      } else if (running.size + queue.length > 0) {
        ctx.out.progress(`Waiting for ${running.size + queue.length} --exec command(s) to finish`);
      }
      while (running.size > 0) await Promise.all([...running]);
    }
    const summary = `Stopped (${stopReason}): ${counts.events} event${
      counts.events === 1 ? "" : "s"
    } received, ${counts.refused} refused${counts.repeated ? `, ${counts.repeated} repeated (ignored)` : ""}${
      command
        ? `; --exec ran ${counts.ran}, ${counts.failed} failed${
          counts.dropped ? `, ${counts.dropped} not run (interrupted or busy)` : ""
        }`
        : ""
    }`;
    ctx.log.write("info", `webhook_listener: ${summary}`);
    if (stopCode === EXIT_INTERRUPTED) {
      ctx.out.progress(summary);
      return EXIT_INTERRUPTED;
    }
    ctx.out.progress(summary);
    return counts.failed > 0 ? EXIT_FAILED : EXIT_OK;
  },
});

if (import.meta.main) await runMain(main);
