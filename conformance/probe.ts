/**
 * The conformance kit's client: one TCP connection to the server under test
 * that keeps every byte received (`received.ts`) and waits for what a check
 * expects, every wait and send bounded by the check's deadline.
 *
 * Telnet negotiation the server may send (`IAC ...`) is kept apart in
 * {@linkcode Probe.negotiation} and never judged as text (S2).
 *
 * @module
 */

import { connect, type Endpoint, UnreachableError } from "./connect.ts";
import { type ByteConn, ResettableConn } from "./reset_conn.ts";
import { Received } from "./received.ts";

export { sleep } from "./received.ts";

/** The connection ended (or was never usable) when the check tried to send. */
export class ConnectionLostError extends Error {
  /** @param message What could not be done. */
  constructor(message: string) {
    super(message);
    this.name = "ConnectionLostError";
  }
}

/** Options of {@linkcode Probe.open}. */
export interface ProbeOptions {
  /** `performance.now()` after which every wait and send gives up at once. */
  deadline: number;
  /** Milliseconds to wait for the connection. @default {3000} */
  connectMs?: number;
  /** A name for the probe in reports (the nickname it will use). @default {"?"} */
  label?: string;
  /** Whether {@linkcode Probe.reset} may send a TCP reset (plain TCP only; issue 19.5). @default {false} */
  resettable?: boolean;
}

const encoder = new TextEncoder();

/**
 * One connection to the server under test: it reads until the server ends
 * it, sends lines and bytes, and leaves politely or abruptly.
 *
 * What it received is {@linkcode Received}'s, as positions ({@linkcode Probe.mark})
 * and views of the text from a position.
 */
export class Probe {
  /** The probe's name in reports (the nickname it uses, once known). */
  label: string;
  /** Every telnet sequence the server sent (`IAC ...`), in order. */
  readonly negotiation: number[][];
  readonly #conn: ByteConn;
  readonly #deadline: number;
  readonly #in: Received;
  readonly #reading: Promise<void>;
  #ended = false;
  #stop = false;
  #closed = false;

  private constructor(conn: ByteConn, deadline: number, label: string) {
    this.#conn = conn;
    this.#deadline = deadline;
    this.#in = new Received(deadline);
    this.negotiation = this.#in.negotiation;
    this.label = label;
    this.#reading = this.#read();
  }

  /**
   * Connects to the server.
   *
   * @param endpoint The server.
   * @param options The deadline of the check and the connect timeout.
   * @returns A probe reading from its new connection.
   * @throws {UnreachableError} When the server cannot be reached.
   */
  static async open(endpoint: Endpoint, options: ProbeOptions): Promise<Probe> {
    const ms = Math.max(
      1,
      Math.min(options.connectMs ?? 3000, options.deadline - performance.now()),
    );
    if (options.resettable && endpoint.tls === undefined) {
      const conn = await ResettableConn.connect(endpoint.host, endpoint.port, ms).catch((e) => {
        throw new UnreachableError(
          /ECONNREFUSED|refused/i.test(String(e)) ? "connection refused" : (e as Error).message,
        );
      });
      return new Probe(conn, options.deadline, options.label ?? "?");
    }
    const conn = await connect(endpoint, ms); // Nagle's delay off, TLS with --tls
    return new Probe(conn, options.deadline, options.label ?? "?");
  }

  /** Whether the server sent more than a probe keeps (256 KiB), and reading stopped. */
  get flooded(): boolean {
    return this.#in.flooded;
  }

  /** Whether the server closed the connection (or reset it). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether the reader stopped after {@linkcode stopReading}. */
  get paused(): boolean {
    return this.#in.done && !this.#ended;
  }

  /** The position now: {@linkcode Received.mark}. */
  mark(): number {
    return this.#in.mark();
  }

  /** The text's bytes from a position: {@linkcode Received.bytes}. */
  bytes(from = 0): Uint8Array {
    return this.#in.bytes(from);
  }

  /** Every byte received, telnet included: {@linkcode Received.raw}. */
  raw(from = 0): Uint8Array {
    return this.#in.raw(from);
  }

  /** How many bytes came in all: {@linkcode Received.rawMark}. */
  rawMark(): number {
    return this.#in.rawMark();
  }

  /** The text from a position: {@linkcode Received.text}. */
  text(from = 0): string {
    return this.#in.text(from);
  }

  /** The lines from a position: {@linkcode Received.lines}. */
  lines(from = 0, partial = false): string[] {
    return this.#in.lines(from, partial);
  }

  /** Waits until `ok()` holds, at most `ms` and the deadline: {@linkcode Received.until}. */
  until(ok: () => boolean, ms: number): Promise<boolean> {
    return this.#in.until(ok, ms);
  }

  /** Waits for `ms` of silence, at most `max` and the deadline: {@linkcode Received.quiet}. */
  quiet(ms: number, max: number = ms * 10): Promise<void> {
    return this.#in.quiet(ms, max);
  }

  /**
   * Sends a line: the text as UTF-8, then `eol`.
   *
   * @param text The line.
   * @param eol The line ending.
   * @default {"\n"}
   * @throws {ConnectionLostError} When the connection is gone.
   */
  send(text: string, eol = "\n"): Promise<void> {
    return this.sendBytes(encoder.encode(text + eol));
  }

  /**
   * Sends bytes as they are, giving up at the check's deadline.
   *
   * @param bytes The bytes.
   * @throws {ConnectionLostError} When the connection is gone or the deadline passed.
   */
  async sendBytes(bytes: Uint8Array): Promise<void> {
    if (this.#closed) throw new ConnectionLostError("the connection is closed");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      const ms = Math.max(0, this.#deadline - performance.now());
      timer = setTimeout(() => reject(new ConnectionLostError("the server does not read")), ms);
    });
    try {
      let at = 0;
      while (at < bytes.length) {
        at += await Promise.race([this.#conn.write(bytes.subarray(at)), late]);
      }
    } catch (e) {
      if (e instanceof ConnectionLostError) {
        this.close();
        throw e;
      }
      throw new ConnectionLostError("the server closed the connection");
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops reading once the read under way completes, so that what the server
   * sends next stays unread: closing then makes the system reset the
   * connection instead of closing it (a client that vanishes).
   */
  stopReading(): void {
    this.#stop = true;
  }

  /**
   * Ends the connection politely: sends end of input, waits up to `ms` for the
   * server to close its side, then closes.
   *
   * @param ms The most milliseconds to wait for the server.
   */
  async leave(ms: number): Promise<void> {
    if (!this.#closed && !this.#in.done) {
      try {
        await this.#conn.closeWrite();
      } catch {
        // already gone
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.#reading, new Promise((r) => timer = setTimeout(r, ms))]);
      clearTimeout(timer);
    }
    await this.close();
  }

  /**
   * Vanishes: resets the connection (a TCP RST) when the probe was opened
   * `resettable`; closes it at once otherwise (issue 19.5).
   */
  async reset(): Promise<void> {
    if (this.#closed || this.#conn.reset === undefined) return await this.close();
    this.#closed = true;
    this.#conn.reset();
    await this.#reading;
  }

  /** Closes the connection at once (an abrupt departure when nothing is unread). */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#conn.close();
      } catch {
        // closed already (Deno closes a connection whose reading ended)
      }
    }
    await this.#reading;
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(16384);
    try {
      while (!this.#stop) {
        const n = await this.#conn.read(buf);
        if (n === null) {
          this.#ended = true;
          break;
        }
        this.#in.take(buf.subarray(0, n));
        if (this.#in.done) break; // it sent more than a probe keeps
      }
    } catch {
      // reset, or closed by us
      if (!this.#closed) this.#ended = true;
    }
    this.#in.end();
  }
}
