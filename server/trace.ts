/**
 * The server's socket trace for a lecture (C1): a connection observer that
 * writes one line per socket event (`accept`, `recv`, `send`, `close` with
 * its cause), and the listening socket's `socket`, `bind` and `listen` at
 * start-up. Off by default; with no observer the server does no work for it.
 *
 * @module
 */

import { traceLine } from "../common/trace.ts";
import type { CloseCause, Connection, ConnectionObserver } from "./connection.ts";
import { printLine } from "./log.ts";

/**
 * A trace of every connection, written line by line.
 *
 * @example
 * ```ts
 * import { SocketTrace } from "./trace.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const trace = new SocketTrace((l) => lines.push(l));
 * trace.listening({ transport: "tcp", hostname: "127.0.0.1", port: 7777 }, 4096);
 * assert.match(lines[2]!, /#0 listen\(backlog 4096\)$/);
 * ```
 */
export class SocketTrace implements ConnectionObserver {
  readonly #write: (line: string) => void;

  /** @param write Where each line goes. @default {printLine} */
  constructor(write: (line: string) => void = printLine) {
    this.#write = write;
  }

  /** The listening socket is ready: `socket()`, `bind()`, `listen()`, as Deno.listen did them. */
  listening(addr: Deno.NetAddr, backlog: number): void {
    this.#write(traceLine(0, "socket(AF_INET, SOCK_STREAM) -> listening socket"));
    this.#write(traceLine(0, `bind(${addr.hostname}:${addr.port})`));
    this.#write(traceLine(0, `listen(backlog ${backlog})`));
  }

  /**
   * A connection was accepted; a door other than the TCP listener above is
   * named, and a TLS one says its bytes are shown decrypted (T1).
   */
  accepted(c: Connection): void {
    const door = c.remote.door === "tcp"
      ? ""
      : c.remote.door === "tls"
      ? " tls (recv and send show the bytes decrypted; the wire carries them encrypted)"
      : ` (${c.remote.door})`;
    this.#write(traceLine(0, `accept() -> #${c.id} from ${c.peer}${door}`));
  }

  /** Bytes were read; the teacher's token came masked by the connection (L8: it is on the projector). */
  received(c: Connection, bytes: Uint8Array): void {
    this.#write(traceLine(c.id, "recv", bytes));
  }

  /** Bytes were written. */
  sent(c: Connection, bytes: Uint8Array): void {
    this.#write(traceLine(c.id, "send", bytes));
  }

  /** The socket was closed. */
  closed(c: Connection, cause: CloseCause): void {
    this.#write(traceLine(c.id, `close (${cause})`));
  }
}
