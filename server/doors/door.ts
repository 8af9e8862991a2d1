/**
 * The seam between the doors and the chat server. A door (TCP in `tcp.ts`;
 * TLS and a WebSocket next, each one file beside it) lets clients in its own
 * way and hands each to the chat server as a {@linkcode ByteStream} and a
 * {@linkcode Peer}, through {@linkcode Entrance.enter}. Past the door nothing
 * knows which door a client came through: the connection, the session and
 * the room see bytes both ways and an address; only observers (the trace,
 * the lecture view) and logs read the door's name.
 *
 * @module
 */

/** Who is at the other end of a client's stream, as its door saw it. */
export interface Peer {
  /** The client's IP address, as `Deno.NetAddr.hostname` writes it: caps and bans key on it. */
  readonly address: string;
  /** The client's port. */
  readonly port: number;
  /** The door's name (`tcp`, `tls`, `web`): for observers and logs, never for a decision. */
  readonly door: string;
}

/**
 * A client's bytes both ways, as a door hands them to the chat server. A
 * `Deno.Conn` (TCP, TLS) is one as it is, with nothing wrapped around it. A
 * door whose transport comes in frames adapts them: a WebSocket door gives
 * each text message as the bytes of one line (its text and `\n`), and sends
 * each line written (they end in CRLF) as one text message. Telnet's bytes
 * (IAC, 0xFF) never occur in UTF-8 text, so the line reader's telnet is
 * never woken by such a door.
 */
export interface ByteStream {
  /**
   * Waits for bytes and reads them into `buffer`.
   *
   * @param buffer Where to put them; its length is the most wanted.
   * @returns How many were read (at least 1, but `0` where {@linkcode takeRefusal} has one),
   *   or `null` when the client ended its side.
   * @throws When the stream broke (a reset): the session ends with that cause.
   */
  read(buffer: Uint8Array): Promise<number | null>;
  /**
   * Writes some of `bytes` (whole lines, each ending in CRLF, but for the
   * echo of a character-mode telnet). The connection's one writer waits for
   * each write before the next, so a client that does not read fills its own
   * queue only, where it is judged (L7): a door resolves when its transport
   * took the bytes, as a socket's write does.
   *
   * @param bytes What to write; the caller keeps them unchanged until the write settles.
   * @returns How many of the bytes were written, at least 1.
   * @throws When the client is gone.
   */
  write(bytes: Uint8Array): Promise<number>;
  /**
   * Ends the server's side only (a half-close): the client reads the end of
   * the stream after the last bytes written, and may still send until it
   * ends its own side. TCP sends its FIN; a WebSocket door sends its close
   * frame and keeps reading until the client's. A graceful close (the last
   * line kept from a reset) is this, then reading to the end, then
   * {@linkcode close}.
   *
   * @throws When the client is gone; the caller ignores that and closes.
   */
  closeWrite(): Promise<void>;
  /**
   * Closes both ways at once, ending a pending read; the door says goodbye
   * in its transport's way (a WebSocket's close frame, if not sent yet). It
   * may throw when the stream is closed already (Deno closes a socket whose
   * reading end was reached); the caller ignores that.
   */
  close(): void;
  /**
   * Optional, for a door whose client sends whole messages (the WebSocket's,
   * W2): whether the door refused a message whole right here, after the
   * bytes read so far (a message with a line break inside). Where one
   * stands, {@linkcode read} returns `0` once, and the reader asks this; the
   * session answers it in the turn of that message (`ERRO 07`), through the
   * connection's one queue.
   *
   * @returns Whether a refused message stands here (it is taken).
   */
  takeRefusal?(): boolean;
}

/** Where a door hands each client it lets in: the chat server. */
export interface Entrance {
  /**
   * Takes one client. Never throws and never rejects: from here on,
   * whatever the client does is the chat server's to contain, and a client
   * refused (a full server, a banned address, shutdown) is told why and closed.
   *
   * @param stream The client's bytes both ways.
   * @param peer Who the client is, and which door let it in.
   */
  enter(stream: ByteStream, peer: Peer): void;
}

/**
 * Writes all of `bytes` to `conn` (a write may take part of them), for the
 * doors that write to a socket themselves.
 *
 * @param conn The socket.
 * @param bytes What to write.
 */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}
