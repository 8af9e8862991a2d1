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
 * Hands an accepted TCP connection to the chat server: Nagle's delay off (a
 * chat line leaves at once), keepalive on (a client whose computer vanished
 * is found in the end), and the client's address with the door's name `tcp`.
 *
 * @param entrance The chat server.
 * @param conn The accepted socket.
 */
export function enterTcp(entrance: Entrance, conn: Deno.TcpConn): void {
  try {
    conn.setNoDelay(true);
    conn.setKeepAlive(true);
  } catch {
    // Not fatal: the socket may already be gone; its read says so.
  }
  const { hostname, port } = conn.remoteAddr;
  const stream: ByteStream = conn;
  entrance.enter(stream, { address: hostname, port, door: "tcp" });
}
