/**
 * A generator process's clients (`worker.ts`), whatever protocol they speak:
 * {@linkcode Client}, one TCP
 * connection that cuts incoming bytes into lines in place and gathers the
 * lines it sends into one write per turn of the event loop. What a line
 * means is left to a subclass per protocol (`papo_client.ts`,
 * `irc_client.ts`). The run in progress and what it counts are `run.ts`.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { digitsStart, LF, trailingInt } from "./wire.ts";
import { type Run, state } from "./run.ts";

// Where the clients and the worker have imported them from (run.ts holds them).
export { report, reported, Run, state } from "./run.ts";

const encoder = new TextEncoder();
const dirty: Client[] = [];
let flushQueued = false;

function flushAll(): void {
  flushQueued = false;
  const list = dirty.splice(0);
  for (const c of list) {
    c.dirty = false;
    c.flush();
  }
}

/** One client connection of the bench; a subclass reads its protocol's lines. */
export abstract class Client {
  readonly nick: string;
  conn: Deno.TcpConn | undefined;
  readonly buf: Uint8Array;
  #carry = new Uint8Array(4096);
  #carryLen = 0;
  #out = "";
  /** Senders: the first message let go by the window and not yet written. */
  #unsent = 0;
  #writing = false;
  dirty = false;
  closed = false;
  registered = false;
  startedAt = 0;
  /** Join runs: join notices this client still waits for, -1 until it knows how many. */
  joinsLeft = -1;
  /** Private and broadcast runs: deliveries this client still waits for. */
  left = 0;
  /** Senders: messages sent, and sent but not yet acknowledged. */
  sent = 0;
  inFlight = 0;
  /** Senders: what each message line starts with, before its sequence number and timestamp. */
  head = "";
  /** papo private senders: an `OK` reply is expected per message. */
  acked = false;
  /** papo private senders in the reply shape: each `OK` reply opens the window by one. */
  okPaces = false;
  /** Receivers: the next sequence number expected from each sender, by sender id. */
  nextSeq: number[] = [];
  /** Receivers that pace one sender (IRC private): each delivery opens its window by one. */
  sender: Client | undefined;
  /** Broadcast pacer: local senders by sender id, each delivery opens its sender's window. */
  paces: (Client | undefined)[] | undefined;
  onRegistered: ((c: Client) => void) | undefined;
  /** The last error line this client received, to explain a closed connection. */
  lastErro = "";

  constructor(nick: string, readBytes: number) {
    this.nick = nick;
    this.buf = new Uint8Array(readBytes);
  }

  /** The end of each line sent. */
  protected abstract readonly eol: string;

  /** The start of a private message line to `nick`, before its body. */
  abstract privateHead(nick: string): string;

  /** The start of a public message line, before its body. */
  abstract publicHead(): string;

  /** Handles one line received: the bytes of `b` from `s` to `e` (its LF, excluded). */
  protected abstract line(b: Uint8Array, s: number, e: number): void;

  /** What to send once connected, before anything is received. */
  protected greet(): void {}

  async connect(host: string, port: number): Promise<void> {
    this.startedAt = performance.now();
    try {
      this.conn = await Deno.connect({ hostname: host, port });
      this.conn.setNoDelay(true);
    } catch (e) {
      this.closed = true;
      state.run?.fail(`connect: ${describe(e)}`);
      return;
    }
    this.greet();
    void this.#read();
  }

  async #read(): Promise<void> {
    const conn = this.conn!;
    const buf = this.buf;
    let why = "";
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        this.#bytes(n);
      }
    } catch (e) {
      why = describe(e);
    }
    if (why === "") {
      why = this.lastErro === ""
        ? "the server closed the connection"
        : `the server closed the connection after "${this.lastErro}"`;
    }
    if (!this.closed) {
      this.closed = true;
      try {
        conn.close();
      } catch {
        // Deno already closed it at the end of its input.
      }
      const r = state.run;
      if (r !== undefined && !r.reported) r.fail(`${this.nick}: ${why}`);
    }
  }

  // Lines are found in place in the read buffer, not with wire/line_splitter.ts (the one
  // line splitter): that one makes a string of each chunk and each line, and the generator
  // must not allocate per line, or it, not the server, becomes what the bench measures.
  #bytes(n: number): void {
    const buf = this.buf;
    const view = n === buf.length ? buf : buf.subarray(0, n);
    let start = 0;
    if (this.#carryLen > 0) {
      const lf = view.indexOf(LF);
      if (lf < 0) {
        this.#keep(view, 0, n);
        return;
      }
      this.#keep(view, 0, lf + 1);
      const carry = this.#carry;
      const len = this.#carryLen;
      this.#carryLen = 0;
      this.line(carry, 0, carry[len - 1] === LF ? len - 1 : len);
      start = lf + 1;
    }
    let lf = view.indexOf(LF, start);
    while (lf >= 0) {
      this.line(view, start, lf);
      start = lf + 1;
      lf = view.indexOf(LF, start);
    }
    if (start < n) this.#keep(view, start, n);
    const r = state.run;
    if (r !== undefined && !r.reported && r.complete) r.check();
  }

  /** Keeps the start of an unfinished line (lines are short; a longer tail is cut). */
  #keep(b: Uint8Array, from: number, to: number): void {
    const room = this.#carry.length - this.#carryLen;
    const n = Math.min(room, to - from);
    this.#carry.set(b.subarray(from, from + n), this.#carryLen);
    this.#carryLen += n;
  }

  /** Counts this client as registered (once), with its latency in join runs. */
  protected registeredNow(): void {
    if (this.registered) return;
    this.registered = true;
    const r = state.run;
    if (r !== undefined && !r.reported) {
      r.registered++;
      if (r.kind === "join") r.hist.record((performance.now() - this.startedAt) * 1000);
    }
    this.onRegistered?.(this);
  }

  /** Counts a join notice: one expected, or one too many. */
  /** Records `count` joins announced (one line, or a summary of a large room, P1). */
  protected joinSeen(count = 1): void {
    const r = state.run;
    if (r === undefined || r.reported) return;
    const told = Math.min(count, Math.max(0, this.joinsLeft));
    this.joinsLeft -= told;
    r.received += told;
    if (r.kind === "join" && told < count) r.extra += count - told;
  }

  /** Records an error line (its text made without what differs per client). */
  protected erroSeen(text: string): void {
    this.lastErro = text;
    const r = state.run;
    if (r !== undefined && !r.reported) {
      r.erro[text] = (r.erro[text] ?? 0) + 1;
      if (!this.registered) r.fail(`${this.nick}: ${text}`);
    }
  }

  /**
   * Counts a message delivered to this client, whose body ends in
   * `id seq ts`: its sender's id, its sequence number from that sender and
   * its send time. A sequence number seen before is a duplicate; one beyond
   * the next expected means an earlier message came late or not at all.
   */
  protected delivered(r: Run, b: Uint8Array, s: number, e: number): void {
    const ts = trailingInt(b, s, e);
    if (ts >= 0) r.hist.record(r.nowUs() - ts);
    const seq = intBefore(b, s, digitsStart - 1);
    const id = intBefore(b, s, numberStart - 1);
    if (seq >= 0 && id >= 0) {
      const next = this.nextSeq[id] ?? 0;
      if (seq === next) this.nextSeq[id] = next + 1;
      else if (seq < next) r.duplicates++;
      else {
        r.disorder++;
        this.nextSeq[id] = seq + 1;
      }
    }
    if (this.left > 0) {
      this.left--;
      r.received++;
    } else r.extra++;
    const sender = this.sender;
    if (sender !== undefined) {
      sender.inFlight--;
      sender.pump(r);
    } else if (this.paces !== undefined && id >= 0) {
      const paced = this.paces[id];
      if (paced !== undefined) {
        paced.inFlight--;
        paced.pump(r);
      }
    }
  }

  /**
   * Sends as many messages as the window allows, in one write at the end of
   * this turn. Each carries the time that write is made (see {@linkcode flush}).
   */
  pump(r: Run): void {
    if (this.sent >= r.messages || this.inFlight >= r.window) return;
    while (this.sent < r.messages && this.inFlight < r.window) {
      this.sent++;
      this.inFlight++;
    }
    this.send("");
  }

  send(text: string): void {
    if (this.closed) return;
    this.#out += text;
    if (!this.dirty) {
      this.dirty = true;
      dirty.push(this);
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flushAll);
      }
    }
  }

  flush(): void {
    if (this.#writing || this.closed || this.conn === undefined) return;
    if (this.#unsent < this.sent) {
      // The messages the window let go leave now, stamped with the time of this write: the
      // time a message waited in this process for its turn to end is the generator's, not
      // the server's (each body ends in its sender's id, its sequence number and that time).
      const r = state.run;
      const tail = ` ${r === undefined ? 0 : r.nowUs()}${this.eol}`;
      for (let seq = this.#unsent; seq < this.sent; seq++) this.#out += `${this.head}${seq}${tail}`;
      this.#unsent = this.sent;
    }
    if (this.#out === "") return;
    const bytes = encoder.encode(this.#out);
    this.#out = "";
    this.#writing = true;
    void this.#write(bytes);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    try {
      let at = 0;
      while (at < bytes.length) at += await this.conn!.write(bytes.subarray(at));
    } catch (e) {
      const r = state.run;
      if (!this.closed && r !== undefined && !r.reported) {
        r.fail(`${this.nick}: write: ${describe(e)}`);
      }
    }
    this.#writing = false;
    if (this.#out !== "" || this.#unsent < this.sent) this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn?.close();
    } catch {
      // already closed
    }
  }
}

/** Where the digits {@linkcode intBefore} read last start. */
let numberStart = 0;

/**
 * Reads the whole number that ends just before `end` (a space at `end`),
 * scanning backwards no further than `start`; sets `numberStart`.
 * @returns The number, or -1 when there are no digits there.
 */
function intBefore(b: Uint8Array, start: number, end: number): number {
  let i = end - 1;
  let value = 0;
  let scale = 1;
  while (i >= start) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    value += c * scale;
    scale *= 10;
    i--;
  }
  numberStart = i + 1;
  return i === end - 1 ? -1 : value;
}

/** The bytes of `b` from `s` to `e` as a string (for the rare lines that need one). */
export function latin1(b: Uint8Array, s: number, e: number): string {
  return String.fromCharCode(...b.subarray(s, e));
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
