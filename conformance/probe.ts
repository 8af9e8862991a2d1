/**
 * The conformance kit's client: one TCP connection to the server under test
 * that keeps every byte received and waits for what a check expects, every
 * wait and send bounded by the check's deadline. It is a view on the one
 * line client's mechanism, {@linkcode ClientConn} (`client_conn.ts`), that
 * keeps the text with positions (`received.ts`).
 *
 * Telnet negotiation the server may send (`IAC ...`) is kept apart in
 * {@linkcode Probe.negotiation} and never judged as text (S2).
 *
 * @module
 */

import { ClientConn } from "./client_conn.ts";
import { connect, type Endpoint, UnreachableError } from "./connect.ts";
import { ResettableConn } from "./reset_conn.ts";
import type { ByteConn } from "./client_conn.ts";
import { Received } from "./received.ts";

/**
 * The most bytes one connection keeps. A student's server that never stops
 * sending (a common bug) ends the probe there, instead of filling the
 * teacher's memory: the check then fails on what it saw.
 */
export const MAX_RECEIVED_BYTES = 256 * 1024;

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
 * What it received is kept as positions ({@linkcode Probe.mark}) and views
 * of the text from a position.
 */
export class Probe {
  /** The probe's name in reports (the nickname it uses, once known). */
  label: string;
  /** Every telnet sequence the server sent (`IAC ...`), in order. */
  readonly negotiation: number[][];
  readonly #in = new Received();
  readonly #conn: ClientConn;
  #sent = false;
  #greeted = false;

  private constructor(conn: ByteConn, deadline: number, label: string) {
    this.#conn = new ClientConn(conn, {
      text: (bytes) => {
        if (!this.#sent && bytes.length > 0) this.#greeted = true;
        this.#in.take(bytes);
      },
      deadline,
      maxBytes: MAX_RECEIVED_BYTES,
    });
    this.negotiation = this.#conn.negotiation;
    this.label = label;
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

  /** Whether the server sent more than a probe keeps ({@linkcode MAX_RECEIVED_BYTES}), and reading stopped. */
  get flooded(): boolean {
    return this.#conn.flooded;
  }

  /** Whether the server closed the connection (or reset it). */
  get ended(): boolean {
    return this.#conn.ended;
  }

  /** Whether the server spoke first: text came before the probe sent anything (a prompt). */
  get greeted(): boolean {
    return this.#greeted;
  }

  /** Whether the probe sent something and got no byte at all, ever (the server never served it). */
  get unserved(): boolean {
    return this.#sent && this.#conn.raw.length === 0 && !this.#conn.ended;
  }

  /** Whether the reader stopped after {@linkcode stopReading}. */
  get paused(): boolean {
    return this.#conn.paused;
  }

  /** The position now: {@linkcode Received.mark}. */
  mark(): number {
    return this.#in.mark();
  }

  /** The text's bytes from a position: {@linkcode Received.bytes}. */
  bytes(from = 0): Uint8Array {
    return this.#in.bytes(from);
  }

  /** Every byte received from a position, telnet included. */
  raw(from = 0): Uint8Array {
    return Uint8Array.from(this.#conn.raw.slice(from));
  }

  /** How many bytes came in all, telnet included. */
  rawMark(): number {
    return this.#conn.raw.length;
  }

  /** The text from a position: {@linkcode Received.text}. */
  text(from = 0): string {
    return this.#in.text(from);
  }

  /** The lines from a position: {@linkcode Received.lines}. */
  lines(from = 0, partial = false): string[] {
    return this.#in.lines(from, partial);
  }

  /** Waits until `ok()` holds, at most `ms` and the deadline: {@linkcode ClientConn.until}. */
  until(ok: () => boolean, ms: number): Promise<boolean> {
    return this.#conn.until(ok, ms);
  }

  /** Waits for `ms` of silence, at most `max` and the deadline: {@linkcode ClientConn.quiet}. */
  quiet(ms: number, max: number = ms * 10): Promise<void> {
    return this.#conn.quiet(ms, max);
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
  sendBytes(bytes: Uint8Array): Promise<void> {
    this.#sent = true;
    return this.#conn.send(bytes);
  }

  /** Stops reading once the read under way completes: {@linkcode ClientConn.stopReading}. */
  stopReading(): void {
    this.#conn.stopReading();
  }

  /** Ends the connection politely, waiting up to `ms` for the server: {@linkcode ClientConn.leave}. */
  leave(ms: number): Promise<void> {
    return this.#conn.leave(ms);
  }

  /**
   * Vanishes: resets the connection (a TCP RST) when the probe was opened
   * `resettable`; closes it at once otherwise (issue 19.5).
   */
  reset(): Promise<void> {
    return this.#conn.reset();
  }

  /** Closes the connection at once (an abrupt departure when nothing is unread). */
  close(): Promise<void> {
    return this.#conn.close();
  }
}
