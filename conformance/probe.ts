/**
 * The conformance kit's client: one TCP connection to the server under test
 * that keeps every byte received and waits for what a check expects, every
 * wait bounded by the check's deadline.
 *
 * Telnet negotiation the server may send (`IAC ...`) is kept apart in
 * {@linkcode Probe.negotiation} and never judged as text (S2).
 *
 * @module
 */

import { connect, type Endpoint } from "./connect.ts";
import { TelnetSplitter } from "./telnet_split.ts";

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
}

const encoder = new TextEncoder();

/**
 * One connection to the server under test.
 *
 * Positions in what was received are byte offsets ({@linkcode Probe.mark}),
 * so a check can look only at what came after it sent something.
 */
export class Probe {
  /** The probe's name in reports (the nickname it uses, once known). */
  label: string;
  /** Every telnet sequence the server sent (`IAC ...`), in order. */
  readonly negotiation: number[][];
  readonly #conn: Deno.TcpConn;
  readonly #deadline: number;
  readonly #data: number[] = [];
  readonly #raw: number[] = [];
  readonly #wakers = new Set<() => void>();
  readonly #reading: Promise<void>;
  readonly #telnet = new TelnetSplitter();
  #lastByteAt = performance.now();
  #ended = false;
  #readerDone = false;
  #stop = false;
  #closed = false;

  private constructor(conn: Deno.TcpConn, deadline: number, label: string) {
    this.#conn = conn;
    this.#deadline = deadline;
    this.negotiation = this.#telnet.negotiation;
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
    const conn = await connect(endpoint, ms);
    try {
      conn.setNoDelay(true);
    } catch {
      // not fatal
    }
    return new Probe(conn, options.deadline, options.label ?? "?");
  }

  /** Whether the server closed the connection (or reset it). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether the reader stopped after {@linkcode stopReading}. */
  get paused(): boolean {
    return this.#readerDone && !this.#ended;
  }

  /** How many bytes of text (telnet removed) were received: the position now. */
  mark(): number {
    return this.#data.length;
  }

  /**
   * The bytes of text received from position `from` (telnet sequences removed).
   * @param from A position from {@linkcode mark}.
   * @default {0}
   */
  bytes(from = 0): Uint8Array {
    return Uint8Array.from(this.#data.slice(from));
  }

  /** Every byte received, telnet sequences included. */
  raw(from = 0): Uint8Array {
    return Uint8Array.from(this.#raw.slice(from));
  }

  /** How many bytes were received in all, telnet sequences included. */
  rawMark(): number {
    return this.#raw.length;
  }

  /** The text received from position `from`, decoded as UTF-8 (bad bytes become U+FFFD). */
  text(from = 0): string {
    return new TextDecoder().decode(this.bytes(from));
  }

  /**
   * The lines received from position `from`, split at CRLF, LF or a lone CR,
   * without their endings.
   *
   * @param from A position from {@linkcode mark}.
   * @param partial Whether to add the last line when it has no ending yet (a prompt).
   * @returns The lines.
   */
  lines(from = 0, partial = false): string[] {
    const parts = this.text(from).split(/\r\n|\n|\r/);
    const last = parts.pop()!;
    if (partial && last !== "") parts.push(last);
    return parts;
  }

  /**
   * Waits until `ok()` holds, checking each time bytes arrive.
   *
   * @param ok The condition.
   * @param ms The most milliseconds to wait (the check's deadline may cut it shorter).
   * @returns Whether it holds; `false` when time ran out or the connection ended first.
   */
  until(ok: () => boolean, ms: number): Promise<boolean> {
    if (ok()) return Promise.resolve(true);
    const limit = Math.min(ms, this.#deadline - performance.now());
    if (limit <= 0 || this.#readerDone) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(ok());
      };
      const wake = (): void => {
        if (ok() || this.#readerDone) done();
      };
      const timer = setTimeout(done, limit);
      this.#wakers.add(wake);
    });
  }

  /**
   * Waits until nothing has arrived for `ms` milliseconds, counted from now
   * or from the last byte, whichever is later.
   *
   * @param ms The silence that ends the wait.
   * @param max The most milliseconds to wait in all.
   * @default {ms * 10}
   */
  async quiet(ms: number, max: number = ms * 10): Promise<void> {
    const start = performance.now();
    const end = Math.min(start + max, this.#deadline);
    while (!this.#readerDone) {
      const now = performance.now();
      const idle = now - Math.max(start, this.#lastByteAt);
      if (idle >= ms || now >= end) return;
      await sleep(Math.min(ms - idle, end - now));
    }
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
    if (!this.#closed && !this.#readerDone) {
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
        this.#take(buf.subarray(0, n));
        this.#wake();
      }
    } catch {
      // reset, or closed by us
      if (!this.#closed) this.#ended = true;
    }
    this.#readerDone = true;
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Keeps the bytes, moving telnet sequences into {@linkcode negotiation}. */
  #take(chunk: Uint8Array): void {
    this.#lastByteAt = performance.now();
    for (const b of chunk) this.#raw.push(b);
    this.#telnet.split(chunk, this.#data);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
