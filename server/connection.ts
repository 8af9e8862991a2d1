/**
 * One client's connection, both ways, whichever door it came through: the
 * read loop that cuts what arrives into lines, the bounded outgoing queue
 * (`outgoing.ts`), closing with a cause that is reported once, and the
 * observer that sees each of its socket events (the teaching trace is one).
 *
 * @module
 */

import { MAX_LINE_BYTES } from "../protocol.ts";
import { type LineEvent, LineReader } from "../wire/line_reader.ts";
import { TelnetPeer } from "../wire/telnet.ts";
import type { ByteStream, Peer } from "./doors/door.ts";
import { Outbox, type OutboxOptions, type Sink } from "./outgoing.ts";

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
   * (each of its bytes is `*`, however it was typed: L8); none at the end of the stream.
   */
  received?(c: Connection, bytes: Uint8Array): void;
  /** Bytes were written to the socket. */
  sent?(c: Connection, bytes: Uint8Array): void;
  /** The socket was closed, for this cause. */
  closed?(c: Connection, cause: CloseCause): void;
}

/**
 * What a connection's reader hands on: a line (or an over-long or non-ASCII
 * one), or what a telnet user's keys meant: Ctrl+C (`interrupt`) or
 * "are you there" (`areYouThere`). Telnet's negotiation is answered by the
 * connection itself.
 */
export type InputEvent =
  | Exclude<LineEvent, { kind: "telnet" }>
  | { readonly kind: "interrupt" }
  | { readonly kind: "areYouThere" };

const INTERRUPT: InputEvent = { kind: "interrupt" };
const ARE_YOU_THERE: InputEvent = { kind: "areYouThere" };
/** Back to the start of the row, and erase it: where a half-typed telnet line was. */
const CLEAR_ROW = new Uint8Array([0x0d, 0x1b, 0x5b, 0x4b]);

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

/** The smallest read buffer, and the largest it grows to while much arrives. */
const READ_MIN = 128;
const READ_MAX = 32 * 1024;
/**
 * A read buffer of at most this many bytes is kept through a few small
 * reads (P3): a client that sends bursts of a line or a few would otherwise
 * make the buffer grow and shrink, with a read and an allocation more, at
 * almost every burst. A larger buffer shrinks at the first small read (P2).
 */
const READ_KEEP = 2048;
/** Small reads in a row after which a kept buffer shrinks to the last read's size. */
const SHRINK_AFTER = 8;
const END = new Uint8Array(0);

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
  readonly #reader = new LineReader(MAX_LINE_BYTES, "fold", true);
  /** Telnet's options, once the client negotiates any. */
  #telnet: TelnetPeer | undefined;
  /** Whether the server echoes what the client types (the reader's, read on every send). */
  #echo = false;
  #closed = false;
  /** The graceful close under way (L12), which owns the socket until it ends. */
  #ending: Promise<void> | undefined;
  /** The read loop, while it runs; it ends at the client's end, an error or the socket's close. */
  #loop: Promise<void> | undefined;
  /** Hands the session back its turn: reading goes on only to drain (L12). */
  #letGo: (() => void) | undefined;
  /** Whether the read loop waits in a read (where closing lets the session go at once). */
  #inRead = false;
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
    this.#out = new Outbox(this, options);
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

  /**
   * Queues bytes for the client; see {@linkcode Outbox.send} for the bound
   * (L7). When the server echoes for a character-mode telnet and a line is
   * half typed, it is erased first and drawn again after (S2, S15).
   * `shared` bytes are never changed by anyone (a room's message): they may
   * be written without a copy.
   */
  send(bytes: Uint8Array, lazy = false, shared = false): boolean {
    const reader = this.#reader;
    if (!this.#echo || reader.pending === 0) return this.#out.send(bytes, lazy, shared);
    const partial = reader.partial();
    const framed = new Uint8Array(CLEAR_ROW.length + bytes.length + partial.length);
    framed.set(CLEAR_ROW);
    framed.set(bytes, CLEAR_ROW.length);
    framed.set(partial, CLEAR_ROW.length + bytes.length);
    return this.#out.send(framed, lazy);
  }

  /** Queues a last line past the bound; the connection takes nothing more. */
  sendFinal(bytes: Uint8Array): void {
    this.#out.sendFinal(bytes);
    this.#closing();
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
    return new Promise((resolve, reject) => {
      this.#letGo = resolve;
      this.#loop = this.#readLoop(handler).then(resolve, (e) => {
        reject(e); // ignored once let go
      });
    });
  }

  async #readLoop(handler: (ev: InputEvent) => void | Promise<void>): Promise<void> {
    const reader = this.#reader;
    const received = this.#observer?.received;
    let buf = new Uint8Array(READ_MIN);
    let small = 0;
    const events: LineEvent[] = [];
    while (!this.#closed) {
      if (this.closing) this.#letGo?.(); // from here on the loop only drains (L12)
      this.#inRead = true; // (a read that throws ends the loop: the flag no longer matters)
      const n = await this.#stream.read(buf);
      this.#inRead = false;
      if (n === null) {
        received?.call(this.#observer, this, END); // recv() returned 0: the peer closed
        return;
      }
      // L12: a closing connection reads on and drops what still comes, until the client's end,
      // so that the kernel never answers unread bytes with a reset that destroys the last line.
      if (this.closing) continue;
      const got = buf.subarray(0, n);
      events.length = 0;
      if (received === undefined) reader.push(got, events);
      else {
        // The observer is shown what came, with the token the line reader found masked.
        const shown = got.slice();
        reader.push(got, events, shown);
        received.call(this.#observer, this, shown);
      }
      const echo = reader.takeEcho();
      if (echo !== undefined) this.#out.send(echo);
      // A full read means more is waiting: read bigger chunks. A read that was not full
      // emptied the socket: the connection may now go quiet, so it waits with a small buffer
      // (P2), at once when the buffer is large, after a few small reads when it is not (P3).
      if (n === buf.length) {
        small = 0;
        if (buf.length < READ_MAX) buf = new Uint8Array(buf.length * 4);
      } else if (buf.length > READ_MIN) {
        // As big as this read, no bigger: steady long lines keep their size, and a
        // connection whose last lines were short waits with the smallest buffer.
        let size = READ_MIN;
        while (size < n) size *= 2;
        if (size === buf.length) small = 0;
        else if (buf.length > READ_KEEP || ++small >= SHRINK_AFTER) {
          buf = new Uint8Array(size);
          small = 0;
        }
      }
      for (let i = 0; i < events.length; i++) {
        if (this.closing) break; // the rest is dropped
        const ev = events[i]!;
        const input = ev.kind === "telnet" ? this.#telnetCommand(ev.command, ev.option) : ev;
        if (input === undefined) continue;
        // Ctrl+C comes with DO TIMING-MARK, and telnet shows nothing until the mark is
        // answered: answer the chunk's telnet questions before the goodbye.
        if (input === INTERRUPT) i = this.#answerAhead(events, i);
        const done = handler(input);
        if (done !== undefined) await done;
      }
    }
  }

  /** The connection began to close: a read loop waiting in a read lets its session go. */
  #closing(): void {
    if (this.#inRead) this.#letGo?.();
  }

  /**
   * Answers the telnet negotiation that follows `events[at]` up to the next
   * line; returns the index of the last event answered.
   */
  #answerAhead(events: LineEvent[], at: number): number {
    let i = at;
    while (i + 1 < events.length) {
      const next = events[i + 1]!;
      if (next.kind !== "telnet" || next.option === undefined) break;
      this.#telnetCommand(next.command, next.option);
      i++;
    }
    return i;
  }

  /** Answers a telnet command (S2); what it means for the session, if anything. */
  #telnetCommand(command: number, option: number | undefined): InputEvent | undefined {
    const answer = (this.#telnet ??= new TelnetPeer()).answer(command, option);
    if (answer.reply !== undefined) this.#out.send(answer.reply);
    if (answer.echo !== undefined) this.#reader.echo = this.#echo = answer.echo;
    if (answer.interrupt) return INTERRUPT;
    if (answer.areYouThere) return ARE_YOU_THERE;
    return undefined;
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
    this.#closing();
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
        .then(() => this.#loop ??= this.#readLoop(() => {}))
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
    this.#observer?.closed?.(this, this.cause ?? "eof");
    this.#letGo?.();
    void this.#out.idle().then(this.#gone);
  }
}
