/**
 * The one line client's mechanism (issue 20 item 5): a client's connection
 * to a line server that reads until the server ends it, takes telnet's
 * sequences out of the text (`telnet_split.ts`), wakes the waits for what the
 * caller expects (`waits.ts`: each bounded in time and by a deadline), sends
 * within the deadline, and leaves politely, abruptly or with a reset. The conformance
 * kit's {@linkcode Probe} (`probe.ts`) and the tests' `LineClient`
 * (`tests/line_client.ts`) are views on it: they differ only in how they
 * keep the text (positions, or lines). It needs no permission but the
 * network's.
 *
 * @module
 */

import { TelnetSplitter } from "./telnet_split.ts";
import { Waits } from "./waits.ts";

/** What a client needs of its socket: Deno's `Conn` has it, and so has `ResettableConn`. */
export interface ByteConn {
  /** Reads into `buf`: how many bytes, or `null` at the end. */
  read(buf: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`: how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Sends end of input. */
  closeWrite(): Promise<void>;
  /** Closes at once. */
  close(): void;
  /** Resets the connection (RST), when it can. */
  reset?(): void;
}

/** The connection ended (or was never usable) when the client tried to send. */
export class ConnectionLostError extends Error {
  /**
   * Makes the error.
   * @param message What could not be done.
   */
  constructor(message: string) {
    super(message);
    this.name = "ConnectionLostError";
  }
}

/** Options of {@linkcode ClientConn}. */
export interface ClientConnOptions {
  /** Where the text's bytes go (telnet taken out), a chunk at a time, before any wait wakes. */
  text: (bytes: number[]) => void;
  /** `performance.now()` after which every wait and send gives up at once. @default {Infinity} */
  deadline?: number;
  /** The most bytes the connection reads; past them it stops reading ({@linkcode ClientConn.flooded}). @default {Infinity} */
  maxBytes?: number;
  /** Keep every byte received in {@linkcode ClientConn.raw}. @default {true} */
  keepRaw?: boolean;
  /** Bytes read at a time. @default {16384} */
  readSize?: number;
}

/** One connection to a line server, read until it ends: the mechanism under the line clients. */
export class ClientConn {
  /** Every byte received, telnet sequences included (when kept). */
  readonly raw: number[] = [];
  readonly #conn: ByteConn;
  readonly #waits: Waits;
  readonly #maxBytes: number;
  readonly #keepRaw: boolean;
  readonly #text: (bytes: number[]) => void;
  readonly #telnet = new TelnetSplitter();
  readonly #reading: Promise<void>;
  #count = 0;
  #ended = false;
  #flooded = false;
  #stop = false;
  #closed = false;

  /**
   * Starts reading `conn`.
   *
   * @param conn The socket.
   * @param options Where the text goes, the deadline and what to keep.
   */
  constructor(conn: ByteConn, options: ClientConnOptions) {
    this.#conn = conn;
    this.#text = options.text;
    this.#waits = new Waits(options.deadline);
    this.#maxBytes = options.maxBytes ?? Infinity;
    this.#keepRaw = options.keepRaw ?? true;
    this.#reading = this.#read(options.readSize ?? 16384);
  }

  /** Every telnet sequence the server sent (`IAC ...`), in order. */
  get negotiation(): number[][] {
    return this.#telnet.negotiation;
  }

  /** Whether the server closed the connection (or reset it). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether no more bytes will come (the connection ended, was closed, or reading stopped). */
  get done(): boolean {
    return this.#waits.done;
  }

  /** Whether reading stopped with the connection still open. */
  get paused(): boolean {
    return this.#waits.done && !this.#ended;
  }

  /** Whether the server sent more than `maxBytes`: reading stopped there. */
  get flooded(): boolean {
    return this.#flooded;
  }

  /** Waits until `ok()` holds, at most `ms` and the deadline: {@linkcode Waits.until}. */
  until(ok: () => boolean, ms: number): Promise<boolean> {
    return this.#waits.until(ok, ms);
  }

  /** Waits for `ms` of silence, at most `max` and the deadline: {@linkcode Waits.quiet}. */
  quiet(ms: number, max?: number): Promise<void> {
    return this.#waits.quiet(ms, max);
  }

  /**
   * Sends bytes as they are, giving up at the deadline.
   *
   * @param bytes The bytes.
   * @throws {ConnectionLostError} When the connection is gone or the deadline passed.
   */
  async send(bytes: Uint8Array): Promise<void> {
    if (this.#closed) throw new ConnectionLostError("the connection is closed");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = this.#waits.deadline;
    const late = deadline === Infinity ? undefined : new Promise<never>((_, reject) => {
      const ms = Math.max(0, deadline - performance.now());
      timer = setTimeout(() => reject(new ConnectionLostError("the server does not read")), ms);
    });
    try {
      let at = 0;
      while (at < bytes.length) {
        const write = this.#conn.write(bytes.subarray(at));
        at += await (late === undefined ? write : Promise.race([write, late]));
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

  /** Sends end of input (a half close): the server sees EOF, the client still reads. */
  async closeWrite(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch {
      // already gone
    }
  }

  /**
   * Ends the connection politely: sends end of input, waits up to `ms` for the
   * server to close its side, then closes.
   *
   * @param ms The most milliseconds to wait for the server.
   */
  async leave(ms: number): Promise<void> {
    if (!this.#closed && !this.#waits.done) {
      await this.closeWrite();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.#reading, new Promise((r) => timer = setTimeout(r, ms))]);
      clearTimeout(timer);
    }
    await this.close();
  }

  /** Vanishes: resets the connection (a TCP RST) when the socket can; closes it at once otherwise. */
  async reset(): Promise<void> {
    if (this.#closed || this.#conn.reset === undefined) return await this.close();
    this.#closed = true;
    this.#conn.reset();
    await this.#reading;
  }

  /** Closes the connection at once, and waits for the reading to end. */
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

  async #read(size: number): Promise<void> {
    const buf = new Uint8Array(size);
    try {
      while (!this.#stop) {
        const n = await this.#conn.read(buf);
        if (n === null) {
          this.#ended = true;
          break;
        }
        this.#take(buf.subarray(0, n));
        if (this.#waits.done) break; // it sent more than the connection keeps
      }
    } catch {
      // reset, or closed by us
      if (!this.#closed) this.#ended = true;
    }
    this.#waits.end();
  }

  #take(chunk: Uint8Array): void {
    if (this.#count + chunk.length > this.#maxBytes) {
      this.#flooded = true;
      return this.#waits.end();
    }
    this.#count += chunk.length;
    if (this.#keepRaw) { for (const b of chunk) this.raw.push(b); }
    const text: number[] = [];
    this.#telnet.split(chunk, text);
    this.#text(text);
    this.#waits.arrived();
  }
}
