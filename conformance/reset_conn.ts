/**
 * A connection the kit can reset (issue 19.5): a client that vanishes sends
 * a TCP reset (RST), not the FIN of a close. Deno's own connections close
 * with a FIN even with data unread, so this one is node:net's socket, whose
 * `resetAndDestroy()` sends the RST; it needs no permission beyond the
 * network's. Only plain TCP: over TLS the kit closes as before. The tests
 * connect with it from another loopback address (`127.0.0.2`), which
 * `Deno.connect` cannot choose.
 *
 * @module
 */

import net from "node:net";
import type { ByteConn } from "./client_conn.ts";

/** A node:net socket read and written as a {@linkcode ByteConn}, and reset on demand. */
export class ResettableConn implements ByteConn {
  readonly #socket: net.Socket;
  readonly #chunks: Uint8Array[] = [];
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(new Uint8Array(chunk));
      this.#poke();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#poke();
    });
    socket.on("error", (e: Error) => {
      this.#error = e;
      this.#poke();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#poke();
    });
  }

  /**
   * Connects over plain TCP.
   *
   * @param host The server's address.
   * @param port Its port.
   * @param ms How long to wait.
   * @param from The local address to connect from; the system's choice when not given.
   * @returns The connection, Nagle's delay off.
   * @throws {Error} When it is refused or takes longer than `ms`.
   */
  static connect(
    host: string,
    port: number,
    ms: number,
    from?: string,
  ): Promise<ResettableConn> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(
        from === undefined ? { host, port } : { host, port, localAddress: from },
      );
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within ${ms / 1000} s`));
      }, ms);
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new ResettableConn(socket));
      });
    });
  }

  /** The local end's port. */
  get localAddr(): { port: number } {
    return { port: this.#socket.localPort ?? 0 };
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Reads what came, waiting for it. */
  async read(buf: Uint8Array): Promise<number | null> {
    while (true) {
      const chunk = this.#chunks[0];
      if (chunk !== undefined) {
        const n = Math.min(buf.length, chunk.length);
        buf.set(chunk.subarray(0, n));
        if (n === chunk.length) this.#chunks.shift();
        else this.#chunks[0] = chunk.subarray(n);
        return n;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  /** Writes all of `bytes`. */
  write(bytes: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#socket.destroyed) return reject(new Error("the connection is closed"));
      this.#socket.write(bytes, (e) => e ? reject(e) : resolve(bytes.length));
    });
  }

  /** Sends a FIN. */
  closeWrite(): Promise<void> {
    return new Promise((resolve) => this.#socket.end(resolve));
  }

  /** Closes at once. */
  close(): void {
    this.#socket.destroy();
    this.#ended = true;
    this.#poke();
  }

  /** Resets the connection: the peer's next read or write fails with ECONNRESET. */
  reset(): void {
    this.#socket.resetAndDestroy();
    this.#ended = true;
    this.#poke();
  }
}
