/**
 * A TCP front for the sandbox's HTTP server. Clients connect here and every
 * connection is piped to the HTTP server on an internal port; this lets the
 * fault injector close a client's connection without any answer (a real
 * "dropped connection", which `Deno.serve` alone cannot do once a handler has
 * started).
 *
 * @module
 */

interface Pair {
  client: Deno.Conn;
  upstream: Deno.Conn;
  closed: boolean;
}

/** A running front proxy. */
export interface FrontProxy {
  /** Port clients connect to. */
  readonly port: number;
  /** Close the client connection whose upstream side has this local port. */
  drop(upstreamLocalPort: number): boolean;
  /** Stop accepting, close every connection and wait for the pipes. */
  close(): Promise<void>;
}

function closePair(p: Pair): void {
  if (p.closed) return;
  p.closed = true;
  try {
    p.client.close();
  } catch { /* already closed */ }
  try {
    p.upstream.close();
  } catch { /* already closed */ }
}

/**
 * Listen on `hostname:port` and pipe connections to `127.0.0.1:upstreamPort`.
 *
 * @example Using `startFrontProxy`
 * ```ts
 * import { startFrontProxy } from "./proxy.ts";
 * // const front = startFrontProxy({ hostname: "127.0.0.1", port: 0, upstreamPort: 9000 });
 * // await front.close();
 * ```
 */
export function startFrontProxy(
  options: { hostname: string; port: number; upstreamPort: number },
): FrontProxy {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const pairs = new Map<number, Pair>();
  const tasks = new Set<Promise<unknown>>();
  let closing = false;

  const track = (p: Promise<unknown>) => {
    tasks.add(p);
    p.finally(() => tasks.delete(p));
  };

  const serve = async (client: Deno.Conn) => {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: options.upstreamPort });
    } catch {
      try {
        client.close();
      } catch { /* ignore */ }
      return;
    }
    // The pipe writes what it reads as it comes: with Nagle's algorithm on, an answer's last partial segment
    // waited for the client's delayed ACK, 40 ms, about one large answer in ten (a real API server sets this too).
    (client as Deno.TcpConn).setNoDelay(true);
    (upstream as Deno.TcpConn).setNoDelay(true);
    const pair: Pair = { client, upstream, closed: false };
    if (closing) return closePair(pair);
    const key = (upstream.localAddr as Deno.NetAddr).port;
    pairs.set(key, pair);
    const done = () => {
      closePair(pair);
      pairs.delete(key);
    };
    await Promise.all([
      client.readable.pipeTo(upstream.writable, { preventClose: true }).catch(() => {}).finally(
        done,
      ),
      upstream.readable.pipeTo(client.writable, { preventClose: true }).catch(() => {}).finally(
        done,
      ),
    ]);
  };

  const acceptLoop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return; // listener closed
      }
      track(serve(conn));
    }
  })();

  return {
    port: (listener.addr as Deno.NetAddr).port,
    drop(upstreamLocalPort) {
      const p = pairs.get(upstreamLocalPort);
      if (!p) return false;
      closePair(p);
      pairs.delete(upstreamLocalPort);
      return true;
    },
    async close() {
      closing = true;
      try {
        listener.close();
      } catch { /* already closed */ }
      await acceptLoop;
      for (const p of pairs.values()) closePair(p);
      pairs.clear();
      while (tasks.size) await Promise.all([...tasks]);
    },
  };
}
