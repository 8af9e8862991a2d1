/**
 * The client's connection to the server (S14, S16): connecting with a
 * deadline (ERRO 04 with the reason), the server's lines in, and the user's
 * lines out, made ASCII, in order.
 *
 * @module
 */

import { parseIPv4 } from "../common/address.ts";
import { DEFAULT_HOST, type DetailName, toAscii } from "../protocol.ts";
import { LineReader } from "../wire/line_reader.ts";
import { traceLine } from "../common/trace.ts";
import { hideToken } from "../wire/typed_line.ts";

/** How long a connection attempt may take before it counts as timed out (ERRO 04). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** The longest line the client accepts from the server; a longer one is shown as {@linkcode LONG_LINE}. */
const SERVER_LINE_BYTES = 8 * 1024;

/** What the client shows for a line from the server too long to keep. */
export const LONG_LINE = "[linha longa demais do servidor / server line too long]";

const utf8Decoder = new TextDecoder();

/**
 * A line whose bytes came as Latin-1 characters, read as UTF-8 when it has
 * bytes over 127 (a student's server may send `Olá`); papo's own lines are
 * ASCII and come back as they are.
 */
function utf8(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      return utf8Decoder.decode(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    }
  }
  return text;
}

/** ERRO 04: the server cannot be reached; `detail` says why. */
export class ConnectError extends Error {
  /** A known {@linkcode DetailName}, or the system's message as data. */
  readonly detail: DetailName | { readonly data: string };

  /**
   * @param host The address tried.
   * @param port The port tried.
   * @param detail Why it failed.
   */
  constructor(host: string, port: number, detail: DetailName | { readonly data: string }) {
    super(
      `Cannot connect to "${host}" port ${port}: ${
        typeof detail === "object" ? detail.data : detail
      }`,
    );
    this.name = "ConnectError";
    this.detail = detail;
  }
}

const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/** The client's connection: a TCP socket, or a TLS session over one (`--tls`, T2). */
export type ServerConn = Deno.Conn<Deno.NetAddr>;

/**
 * How the client opens its socket to the server: `client.ts` gives
 * `Deno.connect`, so that the socket call is in the program a student reads
 * (and with `--tls`, `Deno.startTls` over it).
 */
export type Connect = (
  hostname: string,
  port: number,
  signal: AbortSignal,
) => Promise<ServerConn>;

/** Options of {@linkcode connectTo}. */
export interface ConnectOptions {
  /** Opens the socket. */
  connect: Connect;
  /** How long to wait. @default {CONNECT_TIMEOUT_MS} */
  timeoutMs?: number;
  /** Gives up early (the user left). */
  signal?: AbortSignal;
}

/**
 * Connects to the server, giving up after a timeout so that an address that
 * never answers does not hang (S14).
 *
 * @param host An IPv4 address or a host name; blank means {@linkcode DEFAULT_HOST}.
 * @param port The port.
 * @param options How to open the socket, how long to wait, and a `signal` to give up early.
 * @returns The connection.
 * @throws {ConnectError} When the address is bad or unknown, or the
 *   connection is refused or times out (ERRO 04).
 */
export async function connectTo(
  host: string,
  port: number,
  options: ConnectOptions,
): Promise<ServerConn> {
  const hostname = host.trim() === "" ? DEFAULT_HOST : host.trim();
  const numeric = /^[0-9.]+$/.test(hostname);
  if (numeric ? parseIPv4(hostname) === undefined : !HOST_NAME.test(hostname)) {
    throw new ConnectError(hostname, port, "badHost");
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? CONNECT_TIMEOUT_MS);
  const signal = options.signal
    ? AbortSignal.any([timeout.signal, options.signal])
    : timeout.signal;
  try {
    return await options.connect(hostname, port, signal);
  } catch (e) {
    if (timeout.signal.aborted) throw new ConnectError(hostname, port, "timedOut");
    if (e instanceof Deno.errors.ConnectionRefused) {
      throw new ConnectError(hostname, port, "refused");
    }
    const message = e instanceof Error ? e.message : String(e);
    if (/lookup|resolve|name or service|nodename|no such host/i.test(message)) {
      throw new ConnectError(hostname, port, "badHost");
    }
    throw new ConnectError(hostname, port, { data: message.replace(/ \(os error \d+\)$/, "") });
  } finally {
    clearTimeout(timer);
  }
}

const encoder = new TextEncoder();

/**
 * The connection to the server: its lines in, the user's lines out (each
 * converted to ASCII, in order, one writer).
 */
export class ServerLink {
  readonly #conn: ServerConn;
  #writing: Promise<void> = Promise.resolve();
  #pending = 0;
  #closed = false;
  readonly #trace: ((line: string) => void) | undefined;

  /**
   * @param conn A connection to the server.
   * @param trace Where the socket trace goes (C1: connect, send, recv, close), if anywhere.
   */
  constructor(conn: ServerConn, trace?: (line: string) => void) {
    this.#conn = conn;
    this.#trace = trace;
    trace?.(traceLine(1, `connect(${addr(conn.remoteAddr)}) from ${addr(conn.localAddr)}`));
  }

  /** Bytes given to {@linkcode send} and not yet written. */
  get pendingBytes(): number {
    return this.#pending;
  }

  /**
   * The server's lines, without line endings, until it closes the
   * connection. Control characters and escape codes are removed (L2).
   */
  async *lines(): AsyncGenerator<string> {
    const reader = new LineReader(SERVER_LINE_BYTES, true);
    const buf = new Uint8Array(16 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await this.#conn.read(buf);
      } catch {
        return; // reset, or closed by us
      }
      if (n === null) {
        this.#trace?.(traceLine(1, "recv", new Uint8Array(0)));
        return;
      }
      if (this.#trace) this.#trace(traceLine(1, "recv", buf.subarray(0, n)));
      for (const ev of reader.push(buf.subarray(0, n))) {
        if (ev.kind === "line") yield utf8(ev.text);
        else if (ev.kind === "tooLong") yield LONG_LINE;
      }
    }
  }

  /**
   * Sends one line, converted to ASCII (`não` becomes `nao`), with LF.
   *
   * @param line The line, without a line ending.
   * @returns A promise that settles when it is written (or cannot be).
   */
  send(line: string): Promise<void> {
    const bytes = encoder.encode(`${toAscii(line)}\n`);
    this.#pending += bytes.length;
    this.#writing = this.#writing.then(async () => {
      try {
        let at = 0;
        while (at < bytes.length && !this.#closed) {
          const n = await this.#conn.write(bytes.subarray(at));
          // L8: the trace may be on the projector; the token shows as `*`, as in the server's.
          this.#trace?.(traceLine(1, "send", hideToken(bytes, at, at + n)));
          at += n;
        }
      } catch {
        // the connection is gone; the reader sees its end
      } finally {
        this.#pending -= bytes.length;
      }
    });
    return this.#writing;
  }

  /** Resolves when every line given to {@linkcode send} so far is written. */
  drained(): Promise<void> {
    return this.#writing;
  }

  /** Closes the connection; the reader's loop then ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#trace?.(traceLine(1, "close"));
    try {
      this.#conn.close();
    } catch {
      // closed already (Deno closes it when its reading end is reached)
    }
  }
}

function addr(a: Deno.NetAddr): string {
  return `${a.hostname}:${a.port}`;
}
