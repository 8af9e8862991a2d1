/**
 * A connection's input: the read loop, and what it reads turned into what
 * the session handles: the line reader's lines, telnet's negotiation
 * answered on the way (S2), the echo of a character-mode telnet, and the
 * read buffer that grows while much arrives and shrinks when the client
 * goes quiet (P2, P3). Once the connection closes, the loop lets its
 * session go and goes on reading only to drain (L12).
 *
 * @module
 */

import { MAX_LINE_BYTES } from "../protocol.ts";
import { type LineEvent, LineReader } from "../wire/line_reader.ts";
import { showHidden, TOKEN_MASK } from "../wire/typed_line.ts";
import { TelnetPeer } from "../wire/telnet.ts";
import type { ByteStream } from "./doors/door.ts";

/**
 * What a connection's reader hands on: a line (or an over-long or non-ASCII
 * one), or what a telnet user's keys meant: Ctrl+C (`interrupt`) or
 * "are you there" (`areYouThere`). Telnet's negotiation is answered by the
 * connection itself.
 */
export type InputEvent =
  | Exclude<LineEvent, { kind: "telnet" }>
  | { readonly kind: "interrupt" }
  | { readonly kind: "areYouThere" }
  /** W2: the door refused a message whole, here among the lines (`ByteStream.takeRefusal`). */
  | { readonly kind: "oneLine" };

const INTERRUPT: InputEvent = { kind: "interrupt" };
const ONE_LINE: InputEvent = { kind: "oneLine" };
const ARE_YOU_THERE: InputEvent = { kind: "areYouThere" };
/** Back to the start of the row, and erase it: where a half-typed telnet line was. */
const CLEAR_ROW = new Uint8Array([0x0d, 0x1b, 0x5b, 0x4b]);

const END = new Uint8Array(0);

const STAR = 0x2a;
/** The most bytes held back for an observer before they are shown anyway (L8: they count no key). */
const HELD_MAX = 4096;

/** Where a connection's input answers the client (telnet, the echo): its outgoing queue. */
export interface Answers {
  /** Queues bytes for the client. */
  send(bytes: Uint8Array): boolean;
}

/** What a connection's input asks of its connection. */
export interface InputOwner {
  /** Whether the connection is closing: what is read is dropped, the session let go. */
  readonly closing: boolean;
  /** Whether the socket is closed: the read loop ends. */
  readonly closed: boolean;
}

/**
 * A client's input: its read loop ({@linkcode readLines}), bytes pushed
 * into the line reader as they are read, events handed on one at a time,
 * each telnet question answered when its turn comes, so that answers and
 * the session's replies keep their order.
 */
export class Input {
  readonly #conn: InputOwner;
  readonly #stream: ByteStream;
  /** Who is shown what is read (an observer's), if anyone. */
  readonly #received: ((bytes: Uint8Array) => void) | undefined;
  readonly #reader = new LineReader(MAX_LINE_BYTES, "fold", true);
  /** Where telnet's answers and the echo go: the connection's queue. */
  readonly #answer: Answers;
  /** Telnet's options, once the client negotiates any. */
  #telnet: TelnetPeer | undefined;
  /** Whether the server echoes what the client types (read on every send). */
  #echo = false;
  /** The events of the bytes last pushed, and the next one to hand on. */
  readonly #events: LineEvent[] = [];
  #at = 0;
  /** The read loop, while it runs; it ends at the client's end, an error or the socket's close. */
  #loop: Promise<void> | undefined;
  /** Hands the session back its turn: reading goes on only to drain (L12). */
  #letGo: (() => void) | undefined;
  /** Whether the read loop waits in a read (where closing lets the session go at once). */
  #inRead = false;
  /**
   * What an observer is still to be shown, held back from where the
   * teacher's token begins until its line ends (L8): each run of its bytes
   * is one fixed mask here, so no row counts its keys. `undefined` when
   * nothing is held.
   */
  #held: number[] | undefined;
  /** Whether what is held ends with the token's mask (the token's next bytes add nothing). */
  #heldMasked = false;

  /**
   * @param conn The connection: whether it is closing or closed.
   * @param stream Its bytes, read here.
   * @param answer Its queue, for telnet's answers and the echo.
   * @param received Who is shown what is read (none: nothing is copied for it).
   */
  constructor(
    conn: InputOwner,
    stream: ByteStream,
    answer: Answers,
    received: ((bytes: Uint8Array) => void) | undefined,
  ) {
    this.#conn = conn;
    this.#stream = stream;
    this.#answer = answer;
    this.#received = received;
  }

  /** The read loop: see `Connection.readLines`. */
  readLines(handler: (ev: InputEvent) => void | Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#letGo = resolve;
      this.#loop = this.#readLoop(handler).then(resolve, (e) => {
        reject(e); // ignored once let go
      });
    });
  }

  /** Reads on and drops what comes, until the client's end (L12), unless a loop reads already. */
  drain(): Promise<void> {
    return this.#loop ??= this.#readLoop(() => {});
  }

  /** The connection began to close: a read loop waiting in a read lets its session go. */
  closing(): void {
    if (this.#inRead) this.#letGo?.();
  }

  /** The socket is closed: the session goes at once. */
  closed(): void {
    this.#letGo?.();
  }

  async #readLoop(handler: (ev: InputEvent) => void | Promise<void>): Promise<void> {
    const conn = this.#conn;
    const received = this.#received;
    const space = new ReadBuffer();
    while (!conn.closed) {
      if (conn.closing) this.#letGo?.(); // from here on the loop only drains (L12)
      this.#inRead = true; // (a read that throws ends the loop: the flag no longer matters)
      const buf = space.buf;
      const n = await this.#stream.read(buf);
      this.#inRead = false;
      if (n === null) {
        this.showHeld();
        received?.(END); // recv() returned 0: the peer closed
        return;
      }
      if (n === 0) {
        // A message the door refused whole stands here: answered in its turn (W2).
        if (this.#stream.takeRefusal?.() && !conn.closing) {
          const done = handler(ONE_LINE);
          if (done !== undefined) await done;
        }
        continue;
      }
      // L12: a closing connection reads on and drops what still comes, until the client's end,
      // so that the kernel never answers unread bytes with a reset that destroys the last line.
      if (conn.closing) continue;
      const got = buf.subarray(0, n);
      if (received === undefined) this.#push(got);
      else {
        // The observer is shown what came, the token the line reader found as one fixed mask.
        const hidden = new Uint8Array(n);
        this.#push(got, hidden);
        this.#show(got, hidden, received);
      }
      space.read(n);
      for (let ev = this.#next(); ev !== undefined; ev = this.#next()) {
        const done = handler(ev);
        if (done !== undefined) await done;
      }
    }
  }

  /**
   * Shows an observer bytes read (L8): the token as one fixed mask, and
   * nothing that counts its keys. From where the token begins until its
   * line ends, reads are held back (no row per key, typed one at a time);
   * the line's end shows them in one row with the rest of its read.
   */
  #show(got: Uint8Array, hidden: Uint8Array, received: (bytes: Uint8Array) => void): void {
    const reader = this.#reader;
    let split = got.length;
    if (reader.inToken) {
      const from = reader.lineFrom;
      if (from === 0 && this.#held !== undefined) split = 0;
      else {
        const start = hidden.indexOf(STAR, from);
        if (start >= 0) split = start;
      }
    }
    if (split > 0) {
      const now = got.subarray(0, split);
      const nowHidden = hidden.subarray(0, split);
      if (this.#held === undefined) received(showHidden(now, nowHidden));
      else {
        this.#hold(now, nowHidden);
        this.showHeld();
      }
    }
    if (split < got.length) {
      this.#held ??= [];
      this.#hold(got.subarray(split), hidden.subarray(split));
      if (this.#held.length > HELD_MAX) {
        // A client that sends no end of line: shown anyway (its telnet bytes; no key counted),
        // and its line's rest held on.
        this.showHeld();
        this.#held = [];
      }
    }
  }

  /** Adds bytes to what is held for an observer, each run of the token's one mask. */
  #hold(bytes: Uint8Array, hidden: Uint8Array): void {
    const held = this.#held!;
    for (let i = 0; i < bytes.length; i++) {
      if (hidden[i] !== STAR) {
        held.push(bytes[i]!);
        this.#heldMasked = false;
      } else if (!this.#heldMasked) {
        for (let k = 0; k < TOKEN_MASK.length; k++) held.push(STAR);
        this.#heldMasked = true;
      }
    }
  }

  /** Shows an observer what is held back of a token's line (its end, or the connection's: L8). */
  showHeld(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.#heldMasked = false;
    if (held.length > 0) this.#received?.(new Uint8Array(held));
  }

  /** Reads bytes just received (`shown`: marks `*` where the teacher's token is, L8). */
  #push(bytes: Uint8Array, shown?: Uint8Array): void {
    this.#events.length = 0;
    this.#at = 0;
    this.#reader.push(bytes, this.#events, shown);
    const echo = this.#reader.takeEcho();
    if (echo !== undefined) this.#answer.send(echo);
  }

  /**
   * The next event of the bytes pushed, telnet's negotiation answered on the
   * way; none once the connection is closing (the rest is dropped).
   */
  #next(): InputEvent | undefined {
    const events = this.#events;
    while (this.#at < events.length && !this.#conn.closing) {
      const ev = events[this.#at++]!;
      if (ev.kind !== "telnet") return ev;
      const input = this.#telnetCommand(ev.command, ev.option);
      if (input === undefined) continue;
      // Ctrl+C comes with DO TIMING-MARK, and telnet shows nothing until the mark is
      // answered: answer the chunk's telnet questions before the goodbye.
      if (input === INTERRUPT) this.#answerAhead();
      return input;
    }
    return undefined;
  }

  /**
   * The bytes to queue for `bytes` to show well: when the server echoes for
   * a character-mode telnet and a line is half typed, it is erased first and
   * drawn again after (S2, S15); otherwise `bytes` themselves.
   */
  frame(bytes: Uint8Array): Uint8Array {
    const reader = this.#reader;
    if (!this.#echo || reader.pending === 0) return bytes;
    const partial = reader.partial();
    const framed = new Uint8Array(CLEAR_ROW.length + bytes.length + partial.length);
    framed.set(CLEAR_ROW);
    framed.set(bytes, CLEAR_ROW.length);
    framed.set(partial, CLEAR_ROW.length + bytes.length);
    return framed;
  }

  /** Answers the telnet negotiation that follows, up to the next line. */
  #answerAhead(): void {
    const events = this.#events;
    while (this.#at < events.length) {
      const next = events[this.#at]!;
      if (next.kind !== "telnet" || next.option === undefined) break;
      this.#telnetCommand(next.command, next.option);
      this.#at++;
    }
  }

  /** Answers a telnet command (S2); what it means for the session, if anything. */
  #telnetCommand(command: number, option: number | undefined): InputEvent | undefined {
    const answer = (this.#telnet ??= new TelnetPeer()).answer(command, option);
    if (answer.reply !== undefined) this.#answer.send(answer.reply);
    if (answer.echo !== undefined) this.#reader.echo = this.#echo = answer.echo;
    if (answer.interrupt) return INTERRUPT;
    if (answer.areYouThere) return ARE_YOU_THERE;
    return undefined;
  }
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

/**
 * A connection's read buffer: small while the client is quiet (P2), bigger
 * while much arrives at once.
 */
export class ReadBuffer {
  /** Where the next read goes. */
  buf: Uint8Array = new Uint8Array(READ_MIN);
  #small = 0;

  /**
   * Sizes the buffer for the next read after one of `n` bytes. A full read
   * means more is waiting: read bigger chunks. A read that was not full
   * emptied the socket: the connection may now go quiet, so it waits with a
   * small buffer, at once when the buffer is large, after a few small reads
   * when it is not (P3).
   */
  read(n: number): void {
    const buf = this.buf;
    if (n === buf.length) {
      this.#small = 0;
      if (buf.length < READ_MAX) this.buf = new Uint8Array(buf.length * 4);
    } else if (buf.length > READ_MIN) {
      // As big as this read, no bigger: steady long lines keep their size, and a
      // connection whose last lines were short waits with the smallest buffer.
      let size = READ_MIN;
      while (size < n) size *= 2;
      if (size === buf.length) this.#small = 0;
      else if (buf.length > READ_KEEP || ++this.#small >= SHRINK_AFTER) {
        this.buf = new Uint8Array(size);
        this.#small = 0;
      }
    }
  }
}
