/**
 * A generator process's clients (`worker.ts`), whatever protocol they speak:
 * {@linkcode Client}, one TCP connection that cuts incoming bytes into lines
 * in place and gathers the lines it sends into one write per turn of the
 * event loop (`client_io.ts`), and counts what it receives for the run in
 * progress (`run.ts`). What a line means is left to a subclass per protocol
 * (`papo_client.ts`, `irc_client.ts`).
 *
 * @module
 */

import { type Run, state } from "./run.ts";
import { LineCutter, TurnWriter, type WriteTarget } from "./client_io.ts";
import { SendWindow } from "./send_window.ts";

/** One client connection of the bench; a subclass reads its protocol's lines. */
export abstract class Client implements WriteTarget {
  readonly nick: string;
  conn: Deno.TcpConn | undefined;
  readonly buf: Uint8Array;
  readonly #lines = new LineCutter((b, s, e) => this.line(b, s, e));
  readonly #writer = new TurnWriter(this);
  /** Senders: their messages' window. */
  readonly window = new SendWindow();
  closed = false;
  registered = false;
  startedAt = 0;
  /** Join runs: join notices this client still waits for, -1 until it knows how many. */
  joinsLeft = -1;
  /** Private and broadcast runs: deliveries this client still waits for. */
  left = 0;
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

  // Lines are found in place in the read buffer, not with wire/line_splitter.ts (the one
  // line splitter): that one makes a string of each chunk and each line, and the generator
  // must not allocate per line, or it, not the server, becomes what the bench measures.
  async #read(): Promise<void> {
    const conn = this.conn!;
    const buf = this.buf;
    let why = "";
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        this.#lines.cut(n === buf.length ? buf : buf.subarray(0, n));
        const r = state.run;
        if (r !== undefined && !r.reported && r.complete) r.check();
      }
    } catch (e) {
      why = describe(e);
    }
    if (!this.closed) {
      this.closed = true;
      try {
        conn.close();
      } catch {
        // Deno already closed it at the end of its input.
      }
      const r = state.run;
      if (r !== undefined && !r.reported) {
        r.fail(`${this.nick}: ${why === "" ? closedBy("connection", this.lastErro) : why}`);
      }
    }
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
   * `id seq ts` (see {@linkcode Run.arrived}), and opens its sender's window
   * when this client paces it.
   */
  protected delivered(r: Run, b: Uint8Array, s: number, e: number): void {
    const id = r.arrived(this.nextSeq, b, s, e);
    if (this.left > 0) {
      this.left--;
      r.received++;
    } else r.extra++;
    const sender = this.sender;
    if (sender !== undefined) sender.arrived(r);
    else if (this.paces !== undefined && id >= 0) this.paces[id]?.arrived(r);
  }

  /** One of this sender's messages arrived (or was acknowledged): its window opens by one. */
  arrived(r: Run): void {
    this.window.inFlight--;
    this.pump(r);
  }

  /**
   * Sends as many messages as the window allows, in one write at the end of
   * this turn. Each carries the time that write is made ({@linkcode beforeWrite}).
   */
  pump(r: Run): void {
    if (this.window.open(r.messages, r.window)) this.send("");
  }

  /**
   * Part of {@linkcode WriteTarget}: the messages the window let go, stamped
   * with the time of the write that carries them: the time a message waited
   * in this process for its turn to end is the generator's, not the
   * server's (each body ends in its sender's id, its sequence number and
   * that time).
   */
  beforeWrite(): string {
    const r = state.run;
    return this.window.take(r === undefined ? 0 : r.nowUs(), this.eol);
  }

  /**
   * Starts a private or broadcast run: nothing sent, nothing in flight, no
   * sequence number seen (a warm-up run and the timed run after it each
   * start from message 0).
   */
  startRun(): void {
    this.window.reset();
    this.nextSeq = [];
  }

  /** Sends `text` with the rest of this turn's lines, in one write. */
  send(text: string): void {
    if (!this.closed) this.#writer.send(text);
  }

  /** Part of {@linkcode WriteTarget}: a write failed, and so does the run. */
  writeFailed(e: unknown): void {
    const r = state.run;
    if (!this.closed && r !== undefined && !r.reported) {
      r.fail(`${this.nick}: write: ${describe(e)}`);
    }
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

/**
 * Why a server's connection ended with no error: it closed it, after the
 * last error line it sent, if any.
 */
export function closedBy(what: string, lastErro: string): string {
  return lastErro === ""
    ? `the server closed the ${what}`
    : `the server closed the ${what} after "${lastErro}"`;
}

/** The bytes of `b` from `s` to `e` as a string (for the rare lines that need one). */
export function latin1(b: Uint8Array, s: number, e: number): string {
  return String.fromCharCode(...b.subarray(s, e));
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
