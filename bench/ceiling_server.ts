/**
 * The bench's ceiling: a do-nothing chat server that speaks just enough of
 * papo's wire protocol for the bench's scenarios (the nickname prompt, any
 * nickname accepted, `BEMVINDO`, `USUARIOS n online`, `ENTROU`, public and
 * private messages routed with `OK`, `{users}`, `{quit}`) and checks nothing:
 * no line limits, no flood control, no queue bounds, no logs.
 *
 * The same scenarios run against it show how fast the generator and Deno's
 * sockets can go on this machine; when papo comes close to it, the generator
 * is the limit, not papo.
 *
 * Run it with `deno run --allow-net bench/ceiling_server.ts --host 127.0.0.1 --port 0`;
 * it prints `ceiling-server listening on HOST:PORT` and exits at once on
 * SIGTERM or SIGINT.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { flushAtTurnEnd, type TurnOutput } from "./client_io.ts";

const encoder = new TextEncoder();
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const PROMPT = encoder.encode("APELIDO Digite seu apelido (ou {quit} para sair)\r\n");
const SENT = encoder.encode("OK Mensagem enviada\r\n");

/** The most bytes an idle client keeps in each of its two output buffers. */
const IDLE_BYTES = 4096;

const members = new Map<string, Peer>();

/** One connected client. */
class Peer {
  readonly conn: Deno.TcpConn;
  nick = "";
  key = "";
  /** `PUBLICA nick: ` and `PRIVADA Mensagem recebida de: nick: `, once registered. */
  pub: Uint8Array = new Uint8Array(0);
  priv: Uint8Array = new Uint8Array(0);
  closing = false;
  closed = false;
  readonly #out = new Output(this);
  #carry: Uint8Array = new Uint8Array(0);
  /** The last private target, by the bytes of its name. */
  #lastName: Uint8Array = new Uint8Array(0);
  #last: Peer | undefined;

  constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  async serve(): Promise<void> {
    this.send(PROMPT);
    // Small while idle, bigger once reads fill it (as papo does).
    let buf = new Uint8Array(2048);
    try {
      while (!this.closed) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        this.#read(buf.subarray(0, n));
        if (n === buf.length && buf.length < 65536) buf = new Uint8Array(buf.length * 4);
      }
    } catch {
      // reset: the client is gone
    }
    this.leave();
  }

  // Lines are found in place in the bytes read, not with wire/line_splitter.ts (the one line
  // splitter), which makes a string of every chunk: the ceiling must not allocate per line.
  #read(view: Uint8Array): void {
    let start = 0;
    if (this.#carry.length > 0) {
      const lf = view.indexOf(LF);
      if (lf < 0) {
        this.#carry = concat(this.#carry, view);
        return;
      }
      const line = concat(this.#carry, view.subarray(0, lf));
      this.#carry = new Uint8Array(0);
      this.#line(line, 0, line.length);
      start = lf + 1;
    }
    let lf = view.indexOf(LF, start);
    while (lf >= 0 && !this.closed) {
      this.#line(view, start, lf);
      start = lf + 1;
      lf = view.indexOf(LF, start);
    }
    if (start < view.length) this.#carry = view.slice(start);
  }

  #line(b: Uint8Array, s: number, e: number): void {
    if (e > s && b[e - 1] === CR) e--;
    if (e === s) return;
    if (this.nick === "") {
      this.#register(latin1(b, s, e).trim());
      return;
    }
    if (b[s] === COLON) {
      for (const m of members.values()) {
        if (m !== this) m.send3(this.pub, b, s + 1, e);
      }
      return;
    }
    const colon = b.indexOf(COLON, s);
    if (colon > s && colon < e) {
      const target = this.#target(b, s, colon);
      if (target === undefined) {
        this.send(encoder.encode(`ERRO 02 Destino da mensagem privada nao existe\r\n`));
        return;
      }
      target.send3(this.priv, b, colon + 1, e);
      this.send(SENT);
      return;
    }
    const word = latin1(b, s, e).trim().toLowerCase();
    if (word === "{users}") this.send(encoder.encode(usersLine()));
    else if (word === "{quit}" || word === "quit") {
      this.send(encoder.encode(`TCHAU Ate logo, ${this.nick}\r\n`));
      this.flush();
      this.leave();
    }
  }

  /** The member a private message goes to; the last one is remembered by its bytes. */
  #target(b: Uint8Array, s: number, e: number): Peer | undefined {
    const last = this.#lastName;
    if (last.length === e - s && this.#last !== undefined && !this.#last.closing) {
      let same = true;
      for (let i = 0; i < last.length; i++) {
        if (last[i] !== b[s + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#last;
    }
    const target = members.get(latin1(b, s, e).toLowerCase());
    this.#lastName = b.slice(s, e);
    this.#last = target;
    return target;
  }

  #register(nick: string): void {
    if (nick.toLowerCase() === "{quit}") {
      this.send(encoder.encode("TCHAU Ate logo\r\n"));
      this.leave();
      return;
    }
    this.nick = nick;
    this.key = nick.toLowerCase();
    this.pub = encoder.encode(`PUBLICA ${nick}: `);
    this.priv = encoder.encode(`PRIVADA Mensagem recebida de: ${nick}: `);
    members.set(this.key, this);
    this.send(encoder.encode(`BEMVINDO Bem-vindo ao papo, ${nick}!\r\n${usersLine()}`));
    const joined = encoder.encode(`ENTROU ${nick} entrou no chat\r\n`);
    for (const m of members.values()) if (m !== this) m.send(joined);
  }

  /** Queues bytes. */
  send(bytes: Uint8Array): void {
    if (!this.closing) this.#out.bytes(bytes);
  }

  /** Queues `head`, the bytes of `b` from `s` to `e`, and CRLF: one line. */
  send3(head: Uint8Array, b: Uint8Array, s: number, e: number): void {
    if (!this.closing) this.#out.line(head, b, s, e);
  }

  /** Writes what is queued now. */
  flush(): void {
    this.#out.flush();
  }

  /** Leaves the room; the socket closes once what is queued is written. */
  leave(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.nick !== "" && members.get(this.key) === this) {
      members.delete(this.key);
      const left = encoder.encode(`SAIU ${this.nick} saiu do chat\r\n`);
      for (const m of members.values()) m.send(left);
    }
    if (this.#out.idle) this.close();
    else this.flush();
  }

  /** Closes the socket (once what was queued is written). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/**
 * One client's bytes to send, gathered over a turn of the event loop into
 * one write. While the client is busy two buffers take turns, none allocated
 * per write; while it is idle only small ones are kept, so an idle client
 * holds little memory.
 */
class Output implements TurnOutput {
  /** Whether it waits for the turn's end. */
  dirty = false;
  readonly #peer: Peer;
  /** Bytes waiting to be written, and a spare buffer for while a write is in progress. */
  #buf: Uint8Array = new Uint8Array(512);
  #len = 0;
  #spare: Uint8Array | undefined;
  #writing = false;

  /** @param peer The client written to. */
  constructor(peer: Peer) {
    this.#peer = peer;
  }

  /** Whether nothing waits and no write is going. */
  get idle(): boolean {
    return !this.#writing && this.#len === 0;
  }

  /** Queues bytes. */
  bytes(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    this.#queue();
  }

  /** Queues `head`, the bytes of `b` from `s` to `e`, and CRLF: one line. */
  line(head: Uint8Array, b: Uint8Array, s: number, e: number): void {
    this.#room(head.length + (e - s) + 2);
    const out = this.#buf;
    let at = this.#len;
    out.set(head, at);
    at += head.length;
    for (let i = s; i < e; i++) out[at++] = b[i]!;
    out[at++] = CR;
    out[at++] = LF;
    this.#len = at;
    this.#queue();
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.#buf.subarray(0, this.#len));
    this.#buf = bigger;
  }

  #queue(): void {
    flushAtTurnEnd(this);
  }

  /** Writes what is queued, unless a write is going (it writes the rest when it ends). */
  flush(): void {
    if (this.#writing || this.#len === 0 || this.#peer.closed) return;
    const full = this.#buf;
    const len = this.#len;
    this.#buf = this.#spare ?? new Uint8Array(512);
    this.#spare = undefined;
    this.#len = 0;
    this.#writing = true;
    void this.#write(full, len);
  }

  async #write(buf: Uint8Array, len: number): Promise<void> {
    try {
      let at = 0;
      while (at < len) at += await this.#peer.conn.write(buf.subarray(at, len));
    } catch {
      this.#peer.leave();
    }
    this.#writing = false;
    if (this.#len > 0) {
      // Busy: the two buffers take turns, none is allocated per write.
      if (buf.length <= 65536) this.#spare = buf;
      this.flush();
    } else {
      // Idle: keep only small buffers, so an idle client holds little memory.
      if (buf.length <= IDLE_BYTES) this.#spare = buf;
      if (this.#buf.length > IDLE_BYTES) this.#buf = new Uint8Array(512);
      if (this.#peer.closing) this.#peer.close();
    }
  }
}

function usersLine(): string {
  const names: string[] = [];
  for (const m of members.values()) {
    if (names.length === 50) break;
    names.push(m.nick);
  }
  return `USUARIOS ${members.size} online: ${names.join(", ")}\r\n`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const latin1Decoder = new TextDecoder("latin1");

function latin1(b: Uint8Array, s: number, e: number): string {
  return latin1Decoder.decode(b.subarray(s, e));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { host: { type: "string" }, port: { type: "string" } },
    strict: true,
  });
  const listener = Deno.listen({
    hostname: values.host ?? "127.0.0.1",
    port: Number(values.port ?? "0"),
    tcpBacklog: 4096,
  });
  const addr = listener.addr;
  console.log(`ceiling-server listening on ${addr.hostname}:${addr.port}`);
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => Deno.exit(0));
  for await (const conn of listener) {
    try {
      conn.setNoDelay(true);
    } catch {
      // the client is already gone
    }
    void new Peer(conn).serve();
  }
}
