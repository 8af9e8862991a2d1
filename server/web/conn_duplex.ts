/**
 * A socket accepted by `Deno.listen` (or `Deno.listenTls`) as a node
 * `Duplex`, so that node:http's server reads the HTTP requests off it (it
 * parses HTTP fully) while the listener stays ours: it listens at once, on
 * the address asked, and says at once when it cannot. When a request asks
 * for a WebSocket, {@linkcode ConnDuplex.detach} hands the socket back, raw,
 * with the bytes read past the request: the WebSocket door frames on it itself.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import { writeAll } from "../doors/door.ts";

/** Bytes read from the socket at a time. */
const READ_SIZE = 16 * 1024;

/**
 * A Deno socket as a node stream, for node:http; each read asked by node is
 * one socket read. Idle for the time given to `setTimeout` (no byte either
 * way), it emits `timeout`, and node:http closes it.
 */
export class ConnDuplex extends Duplex {
  /** The socket. */
  readonly conn: Deno.Conn;
  #reading: Promise<Uint8Array | null> | undefined;
  #detached = false;
  #idleMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param conn An accepted socket. */
  constructor(conn: Deno.Conn) {
    super({ allowHalfOpen: false });
    this.conn = conn;
  }

  /** The client's address (node:http's logs read it). */
  get remoteAddress(): string {
    return (this.conn.remoteAddr as Deno.NetAddr).hostname;
  }

  /** The client's port. */
  get remotePort(): number {
    return (this.conn.remoteAddr as Deno.NetAddr).port;
  }

  /**
   * Emits `timeout` once the socket was idle `ms` milliseconds (0: never), as a node socket does.
   *
   * @param ms The idle time.
   * @param callback Called on timeout.
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.#idleMs = ms;
    if (callback !== undefined) this.once("timeout", callback);
    this.#active();
    return this;
  }

  /** Nagle's delay is off on every socket the web server accepts; node:http may ask again. */
  setNoDelay(): this {
    return this;
  }

  /** Keepalive is set by the web server; node:http may ask again. */
  setKeepAlive(): this {
    return this;
  }

  #active(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#idleMs > 0 && !this.#detached && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit("timeout"), this.#idleMs);
    }
  }

  /** Part of `Duplex`: one socket read. */
  override _read(): void {
    if (this.#detached || this.#reading !== undefined) return;
    const buf = new Uint8Array(READ_SIZE);
    const reading = this.conn.read(buf).then((n) => n === null ? null : buf.subarray(0, n));
    this.#reading = reading;
    reading.then((bytes) => {
      this.#reading = undefined;
      if (this.#detached) return; // the read is handed on with the socket
      this.#active();
      this.push(bytes === null ? null : Buffer.from(bytes.buffer, 0, bytes.length));
    }, (e) => {
      this.#reading = undefined;
      if (!this.#detached) this.destroy(e);
    });
  }

  /** Part of `Duplex`: writes all of `chunk`. */
  override _write(chunk: Buffer, _encoding: string, callback: (e?: Error | null) => void): void {
    this.#active();
    writeAll(this.conn, chunk).then(() => {
      this.#active();
      callback();
    }, callback);
  }

  /** Part of `Duplex`: the end of the response stream is the socket's half-close. */
  override _final(callback: (e?: Error | null) => void): void {
    this.conn.closeWrite().then(() => callback(), () => callback());
  }

  /** Part of `Duplex`: closes the socket, unless it was handed on. */
  override _destroy(error: Error | null, callback: (e: Error | null) => void): void {
    clearTimeout(this.#timer);
    if (!this.#detached) {
      try {
        this.conn.close();
      } catch {
        // closed already
      }
    }
    callback(error);
  }

  /**
   * Takes the socket back from node:http (an upgrade): no more reads for
   * node; what was read past the request comes with it, and the read under
   * way, if any (its bytes come after).
   *
   * @param head What node:http read past the request.
   * @returns The bytes the browser sent past its request, and the read under way.
   */
  detach(head: Uint8Array): { head: Uint8Array; reading?: Promise<Uint8Array | null> } {
    this.#detached = true;
    clearTimeout(this.#timer);
    const reading = this.#reading;
    const buffered: Buffer | null = this.read();
    this.destroy(); // the stream only: the socket is kept
    const bytes = new Uint8Array(
      Buffer.concat([Buffer.from(head), ...(buffered ? [buffered] : [])]),
    );
    return reading === undefined ? { head: bytes } : { head: bytes, reading };
  }
}
