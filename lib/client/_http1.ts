// Private: HTTP/1.1 over Deno's own sockets, for a recipe run (lib/_recipe_client.ts), which owns the connections
// and closes them when the run ends.
//
// Why: Deno's fetch costs a recipe about 5 ms on its first call (its fetch, streams and telemetry modules are
// compiled on first use) and about 0.3 ms per request in a fresh process; a 17-page listing spends 10 ms in it
// (`deno task bench:startup --only list-l`). This speaks only what a JSON API needs: one request at a time per
// connection, Content-Length, chunked or read-to-close bodies, gzip, keep-alive. It is strict about what it reads
// (framing, header size, the body cap) and never sends a request twice unless it is safe to repeat and its
// reused connection was closed before any byte of an answer came.
//
// It is used only when fetch would go straight to the host too: not on Windows (fetch reads the registry's
// proxy) and not when a proxy variable is set or cannot be read (a run without --allow-env for them, such as a
// recipe run through its shebang). FIVETRAN_HTTP=fetch sends a run's requests through fetch all the same.

import { concatBytes as concat } from "../_read_body.ts";

/** One request: what the transport sends (without Host, Content-Length, Connection or Accept-Encoding). */
export interface Http1Request {
  /** HTTP method. */
  method: string;
  /** An `http:` or `https:` URL. */
  url: URL;
  /**
   * Header names and values: Latin-1 text without line breaks, and none that frames the request (`Host`,
   * `Content-Length`, `Transfer-Encoding`, `Connection`, `Accept-Encoding`), which the agent writes itself.
   */
  headers: Record<string, string>;
  /** The body, if any. */
  body: string | undefined;
  /** Ends the request: the connection is closed and the promise rejects with the signal's reason. */
  signal: AbortSignal;
  /** A request that must not be sent twice: it gets a connection of its own, closed after it. */
  fresh: boolean;
  /** The most bytes of body read (after gzip); past it the answer is refused with {@link AnswerTooLarge}. */
  maxBytes: number;
}

/** An answer, read in full. */
export interface Http1Answer {
  /** HTTP status. */
  status: number;
  /** The reason phrase. */
  statusText: string;
  /** The headers. */
  headers: AnswerHeaders;
  /** The body, decoded as UTF-8. */
  text: string;
}

/**
 * An answer's headers: names without case, repeated ones joined by `, ` (as fetch's `Headers` joins them).
 *
 * @example Read a header whatever its case
 * ```ts
 * import { AnswerHeaders } from "./_http1.ts";
 * const headers = new AnswerHeaders(new Map([["retry-after", "5"]]));
 * console.log(headers.get("Retry-After")); // "5"
 * ```
 */
export class AnswerHeaders {
  #map: Map<string, string>;

  /** Wraps headers already lower-cased and joined. */
  constructor(map: Map<string, string>) {
    this.#map = map;
  }

  /** The value of `name`, or `null`. */
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }

  /** Whether the answer has `name`. */
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
}

/**
 * An answer whose body is longer than the request's `maxBytes`: not read further.
 *
 * @example Tell a refused answer from a network failure
 * ```ts
 * import { AnswerTooLarge } from "./_http1.ts";
 * declare const error: unknown;
 * if (error instanceof AnswerTooLarge) console.log(error.status, error.seen);
 * ```
 */
export class AnswerTooLarge extends Error {
  /**
   * Creates the error.
   *
   * @param status The answer's status.
   * @param statusText Its reason phrase.
   * @param headers Its headers.
   * @param seen Bytes announced by `Content-Length`, or read before stopping.
   * @param announced Whether `seen` is the `Content-Length`.
   */
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: AnswerHeaders,
    readonly seen: number,
    readonly announced: boolean,
  ) {
    super(`Answer larger than the cap (${seen} bytes${announced ? " announced" : " read"})`);
    this.name = "AnswerTooLarge";
  }
}

/** The largest answer head read (status line and headers). */
const MAX_HEAD = 64 * 1024;
/** Headers the agent writes itself. */
const FRAMING_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "accept-encoding"]);
/** A header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Idle connections kept per origin. */
const MAX_IDLE = 16;
/** Variables that make Deno's fetch use a proxy. */
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/**
 * Keep-alive HTTP/1.1 connections over `Deno.connect` (and `Deno.startTls`), one request at a time on each.
 * {@link Http1Agent.close} closes them all (a recipe run's end).
 *
 * @example One GET over the agent's connections
 * ```ts
 * import { Http1Agent } from "./_http1.ts";
 * const agent = new Http1Agent();
 * try {
 *   const answer = await agent.request({
 *     method: "GET",
 *     url: new URL("https://api.fivetran.com/v1/groups"),
 *     headers: { Authorization: `Basic ${btoa("key:secret")}`, Accept: "application/json" },
 *     body: undefined,
 *     signal: AbortSignal.timeout(30_000),
 *     fresh: false,
 *     maxBytes: 1 << 20,
 *   });
 *   console.log(answer.status, answer.text.length);
 * } finally {
 *   agent.close();
 * }
 * ```
 */
export class Http1Agent {
  #idle = new Map<string, Connection[]>();
  #open = new Set<Connection>();
  #closed = false;
  #caCerts: string[] | undefined;

  /**
   * Creates an agent with no connection yet.
   *
   * @param options `caCerts`: PEM certificates trusted for `https:` instead of Deno's root store (`--cert`,
   *   `DENO_CERT` and `DENO_TLS_CA_STORE` apply without it, as they do to fetch).
   */
  constructor(options: { caCerts?: string[] } = {}) {
    this.#caCerts = options.caCerts;
  }

  /**
   * An agent for this process, or `undefined` when fetch might use a proxy (on Windows, when a proxy variable
   * is set, or when one cannot be read: no `--allow-env` for it) or when `FIVETRAN_HTTP` is set (to `fetch`).
   */
  static whenDirect(): Http1Agent | undefined {
    if (Deno.build.os === "windows") return undefined;
    for (const variable of [...PROXY_VARIABLES, "FIVETRAN_HTTP"]) {
      if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") return undefined;
      if (Deno.env.get(variable)) return undefined;
    }
    return new Http1Agent();
  }

  /** Sends one request and reads its whole answer; rejects on a network failure, bad framing or the signal. */
  async request(req: Http1Request): Promise<Http1Answer> {
    req.signal.throwIfAborted();
    const body = req.body === undefined ? undefined : ENCODER.encode(req.body);
    const head = ENCODER.encode(requestHead(req, body?.byteLength));
    const bytes = body ? concat([head, body], head.byteLength + body.byteLength) : head;
    const origin = `${req.url.protocol}//${req.url.host}`;
    for (let tries = 0;; tries++) {
      if (this.#closed) throw new Error("HTTP connections closed (the run has ended)");
      const reused = req.fresh || tries > 0 ? undefined : this.#kept(origin);
      const connection = reused ?? await this.#connect(req);
      try {
        const answer = await connection.exchange(req, bytes);
        if (connection.reusable && !req.fresh && !this.#closed) this.#release(origin, connection);
        else this.#drop(connection);
        return answer;
      } catch (error) {
        this.#drop(connection);
        if (req.signal.aborted) throw req.signal.reason;
        // A kept connection the server closed while idle: nothing of this request was read, so send it once more.
        if (reused && connection.unanswered && !(error instanceof AnswerTooLarge)) continue;
        throw error;
      }
    }
  }

  /** Closes every connection, idle or busy; later requests fail. */
  close(): void {
    this.#closed = true;
    for (const connection of this.#open) connection.close();
    this.#open.clear();
    this.#idle.clear();
  }

  async #connect(req: Http1Request): Promise<Connection> {
    const { url, signal } = req;
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`Expected an http: or https: URL, got '${url.protocol}'`);
    }
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const tls = url.protocol === "https:";
    const port = url.port ? Number(url.port) : tls ? 443 : 80;
    let conn: Deno.Conn;
    try {
      // No TCP_NODELAY, as fetch: a request is one write, which Nagle's algorithm does not hold back.
      conn = await Deno.connect({ hostname, port, signal });
      if (tls) conn = await handshake(conn, hostname, this.#caCerts, signal);
    } catch (error) {
      throw signal.aborted ? signal.reason : error;
    }
    const connection = new Connection(conn);
    if (this.#closed) {
      connection.close();
      throw new Error("HTTP connections closed (the run has ended)");
    }
    this.#open.add(connection);
    return connection;
  }

  #release(origin: string, connection: Connection) {
    const idle = this.#idle.get(origin) ?? [];
    if (idle.length >= MAX_IDLE) return this.#drop(connection);
    connection.rest();
    idle.push(connection);
    this.#idle.set(origin, idle);
  }

  /** The most recently kept connection to `origin` that nothing spoiled while it rested. */
  #kept(origin: string): Connection | undefined {
    const idle = this.#idle.get(origin);
    for (let connection = idle?.pop(); connection; connection = idle?.pop()) {
      if (connection.usable) return connection;
      this.#drop(connection);
    }
    return undefined;
  }

  #drop(connection: Connection) {
    connection.close();
    this.#open.delete(connection);
  }
}

/** TLS over `tcp`, its handshake done (ended, and the socket closed, by `signal`). */
async function handshake(
  tcp: Deno.Conn,
  hostname: string,
  caCerts: string[] | undefined,
  signal: AbortSignal,
): Promise<Deno.TlsConn> {
  const secure = await Deno.startTls(tcp as Deno.TcpConn, {
    hostname,
    alpnProtocols: ["http/1.1"],
    ...(caCerts ? { caCerts } : {}),
  });
  const onAbort = () => secure.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    signal.throwIfAborted();
    await secure.handshake();
    return secure;
  } catch (error) {
    try {
      secure.close();
    } catch {
      // closed by the abort
    }
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** The request line and headers (`bodyBytes`: the body's length, if it has one). */
function requestHead(req: Http1Request, bodyBytes: number | undefined): string {
  const { method, url, headers, fresh } = req;
  if (!/^[A-Z]+$/.test(method)) throw new TypeError(`Expected an HTTP method in capitals, got '${method}'`);
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (!TOKEN.test(name) || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new TypeError(`Expected a header of Latin-1 text without line breaks, got '${name.slice(0, 40)}'`);
    }
    if (FRAMING_HEADERS.has(name.toLowerCase())) {
      throw new TypeError(`Expected no '${name}' header: the connection sets it`);
    }
    head += `${name}: ${value}\r\n`;
  }
  head += "Accept-Encoding: gzip\r\n";
  if (bodyBytes !== undefined || method === "POST" || method === "PUT" || method === "PATCH") {
    head += `Content-Length: ${bodyBytes ?? 0}\r\n`;
  }
  if (fresh) head += "Connection: close\r\n";
  return `${head}\r\n`;
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const CRLF2 = [13, 10, 13, 10];

/** The error for an answer past the cap, given the bytes seen and whether they were announced. */
type TooLarge = (seen: number, announced: boolean) => AnswerTooLarge;

/** How an answer's body is delimited. */
type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

/** One socket and the bytes read from it but not yet used. */
class Connection {
  #conn: Deno.Conn;
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  #closed = false;
  /** While kept idle, a read that tells a close or stray bytes from the server (then it is not used again). */
  #pending: Promise<number | null> | undefined;
  #idle = false;
  #spoiled = false;
  /** Whether it may carry another request. */
  reusable = false;
  /** Whether the last exchange failed before any byte of its answer came. */
  unanswered = true;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Whether a kept connection may carry the next request: nothing came from the server while it was idle. */
  get usable(): boolean {
    return !this.#closed && !this.#spoiled;
  }

  /**
   * Keeps it idle with one read pending, which does not hold the process open: a close or bytes that come before
   * the next request spoil it (a server's idle timeout, a stray or late answer).
   */
  rest() {
    this.#start = this.#end = 0;
    this.#idle = true;
    const pending = this.#pending = this.#conn.read(this.#buf);
    pending.then(() => this.#spoil(), () => this.#spoil());
    this.#conn.unref();
  }

  #spoil() {
    if (this.#idle) this.#spoiled = true;
  }

  /** Ends the rest: the pending read becomes the answer's first. */
  #awake() {
    if (!this.#idle) return;
    this.#idle = false;
    this.#conn.ref();
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by a failed read
    }
  }

  /** Writes the request and reads its answer (a closed connection on abort). */
  async exchange(req: Http1Request, request: Uint8Array): Promise<Http1Answer> {
    this.reusable = false;
    this.unanswered = true;
    const onAbort = () => this.close();
    req.signal.addEventListener("abort", onAbort, { once: true });
    try {
      req.signal.throwIfAborted();
      this.#awake();
      for (let done = 0; done < request.length;) done += await this.#conn.write(request.subarray(done));
      for (let informational = 0; informational <= 16; informational++) {
        const answer = await this.#readAnswer(req);
        if (answer) return answer;
      }
      throw new Error("Invalid HTTP answer: more than 16 informational (1xx) answers");
    } finally {
      req.signal.removeEventListener("abort", onAbort);
    }
  }

  /** One answer; `undefined` for an informational (1xx) answer, which is skipped. */
  async #readAnswer(req: Http1Request): Promise<Http1Answer | undefined> {
    const { version, status, statusText, headers } = parseHead(await this.#readHead());
    if (status < 200) {
      if (status === 101) throw new Error("Invalid HTTP answer: 101 Switching Protocols was not asked for");
      return undefined;
    }
    const answerHeaders = new AnswerHeaders(headers);
    const tooLarge = (seen: number, announced: boolean) =>
      new AnswerTooLarge(status, statusText, answerHeaders, seen, announced);
    const framing = framingOf(req.method, status, headers);
    const bytes = await this.#readBody(framing, req.maxBytes, tooLarge);
    const connection = headers.get("connection")?.toLowerCase() ?? "";
    const keepAlive = version === 1 ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /keep-alive/.test(connection);
    // Both framings at once is a server error (RFC 9112, 6.3): the answer is read as chunked, and the connection
    // not used again; so are bytes beyond the answer.
    const doubleFramed = headers.has("transfer-encoding") && headers.has("content-length");
    this.reusable = keepAlive && framing.kind !== "close" && !doubleFramed && this.#start === this.#end;
    const text = await decodeBody(
      bytes,
      headers.get("content-encoding"),
      req.maxBytes,
      () => tooLarge(req.maxBytes + 1, false),
    );
    return { status, statusText, headers: answerHeaders, text };
  }

  /** Reads up to the blank line that ends an answer's head, and returns the head. */
  async #readHead(): Promise<string> {
    // Bytes after #start already searched (#fill may move them to the buffer's start).
    for (let searched = 0;;) {
      const at = indexOf(this.#buf, CRLF2, this.#start + Math.max(0, searched - 3), this.#end);
      if (at !== -1 && at - this.#start <= MAX_HEAD) {
        const head = latin1(this.#buf, this.#start, at);
        this.#start = at + 4;
        return head;
      }
      searched = this.#end - this.#start;
      if (at !== -1 || searched > MAX_HEAD + 3) {
        throw new Error(`Invalid HTTP answer: a head longer than ${MAX_HEAD} bytes`);
      }
      if (!await this.#fill()) {
        throw new Error(
          searched === 0 ? "Connection closed before the answer" : "Connection closed in the answer's head",
        );
      }
    }
  }

  async #readBody(framing: Framing, maxBytes: number, tooLarge: TooLarge): Promise<Uint8Array> {
    switch (framing.kind) {
      case "none":
        return new Uint8Array(0);
      case "length": {
        if (framing.length > maxBytes) throw tooLarge(framing.length, true);
        return await this.#take(framing.length);
      }
      case "chunked":
        return await this.#readChunked(maxBytes, tooLarge);
      case "close": {
        const parts: Uint8Array[] = [];
        let total = 0;
        for (;;) {
          if (this.#end > this.#start) {
            total += this.#end - this.#start;
            if (total > maxBytes) throw tooLarge(total, false);
            parts.push(this.#buf.slice(this.#start, this.#end));
            this.#start = this.#end;
          }
          if (!await this.#fill()) return concat(parts, total);
        }
      }
    }
  }

  async #readChunked(maxBytes: number, tooLarge: TooLarge): Promise<Uint8Array> {
    // One buffer, grown by doubling: a chunk is copied in, not kept as an array of its own (a million one-byte
    // chunks would cost hundreds of bytes each).
    let body = new Uint8Array(4096);
    let total = 0;
    for (;;) {
      const line = await this.#readLine("chunk size");
      const size = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (!size) throw new Error(`Invalid HTTP answer: a chunk size of '${line.slice(0, 40)}'`);
      const length = parseInt(size[1], 16);
      if (length === 0) break;
      if (total + length > maxBytes) throw tooLarge(total, false); // before reading a chunk that would pass it
      if (total + length > body.length) {
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(body.length * 2, total + length)));
        grown.set(body.subarray(0, total));
        body = grown;
      }
      await this.#takeInto(body, total, length);
      total += length;
      if (await this.#readLine("chunk end") !== "") {
        throw new Error("Invalid HTTP answer: a chunk longer than its size");
      }
    }
    // Trailers, up to the blank line.
    for (let lines = 0; await this.#readLine("trailer") !== ""; lines++) {
      if (lines > 100) throw new Error("Invalid HTTP answer: too many trailer lines");
    }
    return body.subarray(0, total);
  }

  /** One CRLF-ended line (without it), at most 4 KiB. */
  async #readLine(what: string): Promise<string> {
    for (let searched = 0;;) {
      for (let i = this.#start + Math.max(0, searched - 1); i + 1 < this.#end; i++) {
        if (this.#buf[i] === 13 && this.#buf[i + 1] === 10) {
          const line = latin1(this.#buf, this.#start, i);
          this.#start = i + 2;
          return line;
        }
      }
      searched = this.#end - this.#start;
      if (searched > 4096) throw new Error(`Invalid HTTP answer: a ${what} line longer than 4 KiB`);
      if (!await this.#fill()) throw new Error("Connection closed in the answer's body");
    }
  }

  /** Exactly `length` bytes of body. */
  async #take(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    await this.#takeInto(out, 0, length);
    return out;
  }

  /** Exactly `length` bytes of body into `out` from `at`. */
  async #takeInto(out: Uint8Array, at: number, length: number): Promise<void> {
    const buffered = Math.min(length, this.#end - this.#start);
    out.set(this.#buf.subarray(this.#start, this.#start + buffered), at);
    this.#start += buffered;
    for (let got = buffered; got < length;) {
      const n = await this.#conn.read(out.subarray(at + got, at + length));
      if (n === null) throw new Error("Connection closed in the answer's body");
      got += n;
    }
  }

  /** The free end of the buffer, after moving its unread bytes to the start or growing it when it is full. */
  #room(): Uint8Array {
    const used = this.#end - this.#start;
    if (used === 0) this.#start = this.#end = 0;
    else if (this.#end === this.#buf.length) {
      if (used * 2 > this.#buf.length) {
        const grown = new Uint8Array(this.#buf.length * 2);
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      } else this.#buf.copyWithin(0, this.#start, this.#end);
      this.#start = 0;
      this.#end = used;
    }
    return this.#buf.subarray(this.#end);
  }

  /** Reads more bytes into the buffer; `false` at the end of the stream. */
  async #fill(): Promise<boolean> {
    // The read begun at rest (into the empty buffer) is the first; otherwise one into the room there is.
    const reading = this.#pending ?? this.#conn.read(this.#room());
    this.#pending = undefined;
    const n = await reading;
    if (n === null) return false;
    this.unanswered = false;
    this.#end += n;
    return true;
  }
}

/** The status line and headers of an answer's head. */
function parseHead(
  head: string,
): { version: number; status: number; statusText: string; headers: Map<string, string> } {
  const lines = head.split("\r\n");
  const statusLine = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\r\n]*))?$/.exec(lines[0]);
  if (!statusLine) throw new Error(`Invalid HTTP answer: a status line of '${lines[0].slice(0, 60)}'`);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    // By hand, not one regular expression: a lazy value before optional trailing blanks is quadratic on a long line.
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon < 1 || !TOKEN.test(line.slice(0, colon)) || /[\0\r\n]/.test(line)) {
      throw new Error(`Invalid HTTP answer: a header line of '${line.slice(0, 60)}'`);
    }
    const value = trimBlanks(line, colon + 1);
    const name = line.slice(0, colon).toLowerCase();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { version: Number(statusLine[1]), status: Number(statusLine[2]), statusText: statusLine[3] ?? "", headers };
}

/** `line` from `from`, without the spaces and tabs at either end. */
function trimBlanks(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && (line[start] === " " || line[start] === "\t")) start++;
  while (end > start && (line[end - 1] === " " || line[end - 1] === "\t")) end--;
  return line.slice(start, end);
}

/** How the body of an answer to `method` with `status` and `headers` ends (RFC 9112, section 6.3). */
function framingOf(method: string, status: number, headers: Map<string, string>): Framing {
  if (method === "HEAD" || status === 204 || status === 304) return { kind: "none" };
  const coding = headers.get("transfer-encoding");
  if (coding !== undefined) return /(^|,)\s*chunked\s*$/i.test(coding) ? { kind: "chunked" } : { kind: "close" };
  const length = headers.get("content-length");
  if (length === undefined) return { kind: "close" };
  const values = new Set(length.split(",").map((v) => v.trim()));
  const [value] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(value)) {
    throw new Error(`Invalid HTTP answer: a Content-Length of '${length.slice(0, 40)}'`);
  }
  return { kind: "length", length: Number(value) };
}

/** The body as text: gunzipped (up to `maxBytes`) when the answer says gzip. */
async function decodeBody(
  bytes: Uint8Array,
  encoding: string | undefined,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  const coding = encoding?.trim().toLowerCase() ?? "identity";
  if (coding === "identity" || coding === "") return DECODER.decode(bytes);
  if (coding !== "gzip" && coding !== "x-gzip") {
    throw new Error(`Invalid HTTP answer: a Content-Encoding of '${coding}'`);
  }
  return DECODER.decode(await gunzip(bytes, maxBytes, tooLarge));
}

/**
 * `bytes` gunzipped, at most `maxBytes`: the compressed bytes go in 4 KiB at a time and what comes out is counted
 * between pieces, so that a small bomb (4 MB inflating to 4 GiB) stops at the cap, not after inflating whole.
 */
async function gunzip(bytes: Uint8Array, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const inflate = new DecompressionStream("gzip");
  const writer = inflate.writable.getWriter();
  const reader = inflate.readable.getReader();
  const feeding = (async () => {
    for (let at = 0; at < bytes.length; at += 4096) await writer.write(bytes.slice(at, at + 4096));
    await writer.close();
  })();
  feeding.catch(() => {}); // a failure shows in the reads
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge();
      parts.push(value);
    }
    await feeding;
    return concat(parts, total);
  } catch (error) {
    await reader.cancel().catch(() => {});
    await writer.abort().catch(() => {});
    throw error instanceof AnswerTooLarge
      ? error
      : new Error(`Invalid HTTP answer: gzip that does not inflate (${error})`);
  }
}

function indexOf(buf: Uint8Array, needle: number[], from: number, to: number): number {
  for (let i = from; i + needle.length <= to; i++) {
    if (buf[i] === needle[0] && buf[i + 1] === needle[1] && buf[i + 2] === needle[2] && buf[i + 3] === needle[3]) {
      return i;
    }
  }
  return -1;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i += 4096) {
    text += String.fromCharCode(...buf.subarray(i, Math.min(to, i + 4096)));
  }
  return text;
}
