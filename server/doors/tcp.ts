/**
 * The TCP door: a socket that `Deno.listen`'s listener accepted, handed to
 * the chat server as it is (a `Deno.TcpConn` is a {@linkcode ByteStream}),
 * with the client's address. `server.ts` listens and accepts; this is what
 * happens to each socket accepted.
 *
 * @module
 */

import type { ByteStream, Entrance } from "./door.ts";

/** The listen backlog: a classroom connects at once; the kernel caps it at somaxconn. */
export const LISTEN_BACKLOG = 4096;

/**
 * Whether `accept()` failed for one socket only, its client gone before it
 * was accepted (a connection reset at once: Deno's accept asks the socket for
 * its peer, `NotConnected`): the listener is fine and the next client may be
 * accepted at once (L5, field test).
 *
 * @param e What `accept()` threw.
 * @returns Whether the client was gone.
 *
 * @example
 * ```ts
 * import { peerGone } from "./tcp.ts";
 * import assert from "node:assert/strict";
 * assert.ok(peerGone(new Deno.errors.NotConnected("gone")));
 * assert.ok(!peerGone(new Error("EMFILE")));
 * ```
 */
export function peerGone(e: unknown): boolean {
  return e instanceof Deno.errors.NotConnected || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.ConnectionAborted;
}

/**
 * Sets an accepted socket as every door wants it: Nagle's delay off (a chat
 * line leaves at once), keepalive on (a client whose computer vanished is
 * found in the end). Not fatal when it fails: the socket may already be
 * gone, and its read says so.
 *
 * @param conn The accepted socket.
 */
export function tuneSocket(conn: Deno.TcpConn): void {
  try {
    conn.setNoDelay(true);
    conn.setKeepAlive(true);
  } catch {
    // the socket may be gone already: its read says so
  }
}

/**
 * Hands an accepted TCP connection to the chat server: Nagle's delay off (a
 * chat line leaves at once), keepalive on (a client whose computer vanished
 * is found in the end), and the client's address with the door's name `tcp`.
 *
 * @param entrance The chat server.
 * @param conn The accepted socket.
 */
export function enterTcp(entrance: Entrance, conn: Deno.TcpConn): void {
  tuneSocket(conn);
  const { hostname, port } = conn.remoteAddr;
  const stream: ByteStream = conn;
  entrance.enter(stream, { address: hostname, port, door: "tcp" });
}
