/**
 * One client's connection, both ways, whichever door it came through: the
 * read loop that cuts what arrives into lines, the bounded outgoing queue
 * (`outgoing.ts`), closing with a cause that is reported once, and the
 * observer that sees each of its socket events (the teaching trace is one).
 *
 * @module
 */

import type { ByteStream, Peer } from "./doors/door.ts";
import { Input, type InputEvent } from "./input.ts";
import { Outbox, type OutboxOptions, type Sink } from "./outgoing.ts";

export type { InputEvent } from "./input.ts";

/** Why a connection ended; each is logged and may be told to the client. */
export type CloseCause =
  | "quit"
  | "eof"
  | "reset"
  | "shutdown"
  | "queueFull"
  | "nickTimeout"
  | "serverFull"
  | "tooManyFromAddress"
  | "tooManyWaitingHere"
  | "tooManyWaiting"
  | "roomUnavailable"
  | "kicked"
  | "nickLost"
  | "banned"
  | "locked"
  | "tooManyTries"
  | "error";

/**
 * What an observer may be told of a connection's socket: the trace, the
 * lecture view. Each event names the connection, whose {@linkcode
 * Connection.remote} says who the client is and which door let it in. Every
 * method is optional, and a connection with no observer for an event does no
 * work for it (so an observer that is off costs nothing).
 */
export interface ConnectionObserver {
  /** The connection was accepted by a door and handed to the chat server. */
  accepted?(c: Connection): void;
  /**
   * Bytes were read from the socket, as they came but for the teacher's token
   * (one fixed mask, however it was typed: L8); none at the end of the stream.
   * From where the token begins until its line ends (or the connection does)
   * reads are held back and then told as one: no event counts its keys.
   */
  received?(c: Connection, bytes: Uint8Array): void;
  /** Bytes were written to the socket. */
  sent?(c: Connection, bytes: Uint8Array): void;
  /** The socket was closed, for this cause. */
  closed?(c: Connection, cause: CloseCause): void;
}

/**
 * Options every connection of a server shares (one object for all, so an
 * idle connection holds no options of its own): its queue's, and who
 * observes it.
 */
export interface ConnectionOptions extends OutboxOptions {
  /** Who is told of the socket's events. */
  observer?: ConnectionObserver | undefined;
}

/** Who is told when a connection's queue overflows (L7): its session. */
export interface ConnectionOwner {
  /** The queue overflowed and was emptied; the owner ends the connection. */
  overflowed(): void;
}

/** A client's connection: its read loop and its outgoing queue. */
export class Connection implements Sink {
  /** The connection's number, from 1, in the order of accepting. */
  readonly id: number;
  /** Who the client is, and which door let it in. */
  readonly remote: Peer;
  /** Why it ended, once known; the first cause given is kept. */
  cause: CloseCause | undefined;
  /** Who ends the connection when its queue overflows. */
  owner: ConnectionOwner | undefined;
  readonly #stream: ByteStream;
  readonly #out: Outbox;
  readonly #observer: ConnectionObserver | undefined;
  /** Lines, telnet's negotiation and the echo of what the client sends. */
  readonly #input: Input;
  #closed = false;
  /** The graceful close under way (L12), which owns the socket until it ends. */
  #ending: Promise<void> | undefined;
  /** Resolves when the socket is closed. */
  #gone!: () => void;
  /** Resolves when the socket is closed (after a graceful close, within its drain bound). */
  readonly gone: Promise<void> = new Promise((resolve) => this.#gone = resolve);

  /**
   * @param stream The client's bytes both ways, as its door handed them on.
   * @param remote Who the client is, and which door let it in.
   * @param id The connection's number, shown by observers.
   * @param options Queue bound, scheduler, counters and observer, shared by every connection.
   */
  constructor(stream: ByteStream, remote: Peer, id: number, options: ConnectionOptions) {
    this.#stream = stream;
    this.remote = remote;
    this.id = id;
    const observer = options.observer;
    this.#observer = observer;
    this.watched = observer?.sent !== undefined;
    const out = this.#out = new Outbox(this, options);
    const received = observer?.received;
    this.#input = new Input(
      this,
      stream,
      out,
      received && ((bytes: Uint8Array) => received.call(observer, this, bytes)),
    );
    observer?.accepted?.(this);
  }

  /** The client's IP address. */
  get ip(): string {
    return this.remote.address;
  }

  /** `IP:port` of the client, for logs. */
  get peer(): string {
    return `${this.remote.address}:${this.remote.port}`;
  }

  /** Part of {@linkcode Sink}: whether an observer wants the bytes written. */
  readonly watched: boolean;

  /** Part of {@linkcode Sink}: writes some bytes to the client. */
  writeSome(bytes: Uint8Array): Promise<number> {
    return this.#stream.write(bytes);
  }

  /** Part of {@linkcode Sink}: a write failed, the peer is gone. */
  broken(): void {
    this.cause ??= "reset";
    this.#closeSocket();
  }

  /** Part of {@linkcode Sink}: the observer sees the bytes written. */
  wrote(bytes: Uint8Array): void {
    this.#observer?.sent?.(this, bytes);
  }

  /** Part of {@linkcode Sink}: the queue overflowed (L7); the owner ends the connection. */
  overflowed(): void {
    this.owner?.overflowed();
  }

  /** Bytes queued or being written. */
  get queued(): number {
    return this.#out.queued;
  }

  /** Whether the connection is closed or closing (it takes no more lines). */
  get closing(): boolean {
    return this.#out.sealed || this.#closed;
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues bytes for the client; see {@linkcode Outbox.send} for the bound
   * (L7). When the server echoes for a character-mode telnet and a line is
   * half typed, it is erased first and drawn again after (S2, S15).
   * `shared` bytes are never changed by anyone (a room's message): they may
   * be written without a copy.
   */
  send(bytes: Uint8Array, lazy = false, shared = false): boolean {
    const framed = this.#input.frame(bytes);
    return this.#out.send(framed, lazy, shared && framed === bytes);
  }

  /** Queues a last line past the bound; the connection takes nothing more. */
  sendFinal(bytes: Uint8Array): void {
    this.#out.sendFinal(bytes);
    this.#input.closing();
  }

  /** Resolves after `ms`, or sooner when the connection closes or its queue empties. */
  sleep(ms: number): Promise<void> {
    return this.#out.sleep(ms);
  }

  /**
   * Reads the socket until its end, the connection closing, or an error,
   * handing each line event to `handler` in order and waiting for it before
   * the next. The read buffer grows while much arrives at once and shrinks
   * back when reads are small again. Once the connection is closing, this
   * resolves (at once if a read is pending, else after the handler's line)
   * while the loop goes on reading and dropping what still comes until the
   * client's end (L12): the session ends, the socket drains.
   *
   * @param handler What to do with each line (or over-long or non-ASCII line).
   * @throws What the socket throws (a reset, a socket error) before closing.
   */
  readLines(handler: (ev: InputEvent) => void | Promise<void>): Promise<void> {
    return this.#input.readLines(handler);
  }

  /**
   * Ends the connection from the server's side: keeps `cause` (unless one is
   * known already), queues `last` (the line telling the client why), and
   * closes once it is written or `ms` have passed.
   */
  end(cause: CloseCause, last: Uint8Array | undefined, ms: number): Promise<void> {
    if (this.cause === undefined) {
      this.cause = cause;
      if (last !== undefined) this.#out.sendFinal(last);
    }
    return this.close(ms);
  }

  /**
   * Closes the connection. With `ms` > 0, gracefully (L12): writes what is
   * queued (waiting at most `ms` milliseconds for a peer that does not read),
   * half-closes, and drains what the client still sends until its end, all
   * within `ms`; then closes the socket. Without, at once, unless a graceful
   * close is under way: that one owns the socket and ends within its bound.
   * Safe to call more than once; resolves when the socket is closed.
   */
  close(ms = 0): Promise<void> {
    this.#out.seal();
    this.#input.closing();
    if (this.#ending !== undefined) return this.#ending;
    if (ms > 0 && !this.#closed) return this.#ending = this.#closeGracefully(ms);
    this.#closeSocket();
    return this.gone;
  }

  async #closeGracefully(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    this.#out.flush();
    await this.#out.drain(ms);
    if (!this.#closed && this.#out.queued === 0) {
      // Half-closed, the client's end is awaited (no read loop, as for a client refused before
      // its session: one drains here); all within the bound. A client gone ends it too.
      const end = this.#stream.closeWrite()
        .then(() => this.#input.drain())
        .catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        end,
        new Promise<void>((resolve) => timer = setTimeout(resolve, deadline - Date.now())),
      ]).finally(() => clearTimeout(timer));
    }
    this.#closeSocket();
  }

  #closeSocket(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.close();
    try {
      this.#stream.close();
    } catch {
      // Already closed (Deno closes a socket whose reading end was reached).
    }
    this.#input.showHeld(); // L8: a token's line held back is shown before the close
    this.#observer?.closed?.(this, this.cause ?? "eof");
    this.#input.closed();
    void this.#out.idle().then(this.#gone);
  }
}
