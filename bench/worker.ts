/**
 * A load generator process: it holds a share of the bench's clients, each a
 * real TCP connection speaking papo's wire protocol, and carries out the
 * coordinator's orders (JSON lines on stdin), reporting on stdout.
 *
 * Incoming bytes are scanned for LF in place; a line's kind is told by its
 * first two bytes and a timestamp read from its last digits, so no string is
 * made per line. Lines to send are gathered per client and written once per
 * turn of the event loop.
 *
 * Run by `main.ts` as `deno run --allow-net bench/worker.ts`.
 *
 * @module
 */

import process from "node:process";
import { setImmediate } from "node:timers";
import {
  type BroadcastOrder,
  digitsStart,
  Histogram,
  type JoinOrder,
  jsonLines,
  JsonWriter,
  LF,
  type Order,
  type PrivateOrder,
  type Report,
  type RunResult,
  trailingInt,
  wallMs,
} from "./wire.ts";

const encoder = new TextEncoder();
const out = new JsonWriter(async (bytes) => {
  let at = 0;
  while (at < bytes.length) at += await Deno.stdout.write(bytes.subarray(at));
});

function report(r: Report): Promise<void> {
  return out.send(r);
}

/**
 * `performance.now()`, read once per turn of the event loop: every line read
 * in one turn arrived before the turn began, and reading the clock per line
 * would cost more than the rest of the line's handling.
 */
function loopNow(): number {
  if (turnNow < 0) {
    turnNow = performance.now();
    setImmediate(newTurn);
  }
  return turnNow;
}
let turnNow = -1;
function newTurn(): void {
  turnNow = -1;
}

// First bytes of the lines the server sends.
const A = 0x41, B = 0x42, E = 0x45, K = 0x4b, N = 0x4e, O = 0x4f, P = 0x50, R = 0x52, U = 0x55;

/** The state of the run in progress (one at a time). */
class Run {
  readonly kind: "join" | "private" | "broadcast";
  readonly hist = new Histogram();
  readonly startAt = wallMs();
  readonly #cpu = process.cpuUsage();
  /** `performance.now()` minus this, times 1000, is microseconds since the epoch. */
  readonly offsetMs: number;
  expected = 0;
  received = 0;
  extra = 0;
  registered = 0;
  failures = 0;
  errors: string[] = [];
  erro: Record<string, number> = {};
  endAt = 0;
  reported = false;
  /** Join runs: clients that still wait for their `USUARIOS` line. */
  unknown = 0;
  window = 0;
  messages = 0;

  constructor(kind: Run["kind"], epochMs = 0) {
    this.kind = kind;
    this.offsetMs = performance.timeOrigin - epochMs;
  }

  /** Join runs: how many clients must register. */
  mustRegister = 0;

  get complete(): boolean {
    return this.registered >= this.mustRegister && this.unknown === 0 &&
      this.received >= this.expected;
  }

  nowUs(): number {
    return Math.floor((this.offsetMs + loopNow()) * 1000);
  }

  fail(what: string): void {
    this.failures++;
    if (this.errors.length < 5) this.errors.push(what);
    if (this.failures === 1) void report({ op: "fail", error: what });
  }

  /** Sends the result once: complete, or partial when stopped. */
  finish(partial: boolean): void {
    if (this.reported) return;
    this.reported = true;
    if (this.endAt === 0) this.endAt = wallMs();
    const cpu = process.cpuUsage(this.#cpu);
    const r: RunResult = {
      op: "result",
      partial,
      startAt: this.startAt,
      endAt: this.endAt,
      registered: this.registered,
      expected: this.expected,
      received: this.received,
      extra: this.extra,
      hist: this.hist.toSparse(),
      histMax: this.hist.max,
      failures: this.failures,
      errors: this.errors,
      erro: this.erro,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    void report(r);
  }

  check(): void {
    if (!this.reported && this.complete) {
      this.endAt = wallMs();
      this.finish(false);
    }
  }
}

let run: Run | undefined;
let clients: Client[] = [];
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

/** One client connection of the bench. */
class Client {
  readonly nick: string;
  conn: Deno.TcpConn | undefined;
  readonly buf: Uint8Array;
  #carry = new Uint8Array(4096);
  #carryLen = 0;
  #out = "";
  #writing = false;
  dirty = false;
  closed = false;
  registered = false;
  startedAt = 0;
  /** Join runs: `ENTROU` lines this client still waits for, -1 before its `USUARIOS`. */
  joinsLeft = -1;
  /** Private and broadcast runs: deliveries this client still waits for. */
  left = 0;
  /** Senders: messages sent, and sent but not yet acknowledged. */
  sent = 0;
  inFlight = 0;
  /** Private senders: the receiver's nickname and `:`. */
  to = "";
  /** Broadcast senders: `:id `. */
  prefix = "";
  /** Broadcast pacer: local senders by sender id. */
  paces: (Client | undefined)[] | undefined;
  onRegistered: ((c: Client) => void) | undefined;
  /** The last `ERRO` line this client received, to explain a closed connection. */
  lastErro = "";

  constructor(nick: string, readBytes: number) {
    this.nick = nick;
    this.buf = new Uint8Array(readBytes);
  }

  async connect(host: string, port: number): Promise<void> {
    this.startedAt = performance.now();
    try {
      this.conn = await Deno.connect({ hostname: host, port });
      this.conn.setNoDelay(true);
    } catch (e) {
      this.closed = true;
      run?.fail(`connect: ${describe(e)}`);
      return;
    }
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
      if (run !== undefined && !run.reported) run.fail(`${this.nick}: ${why}`);
    }
  }

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
      this.#line(carry, 0, carry[len - 1] === LF ? len - 1 : len);
      start = lf + 1;
    }
    let lf = view.indexOf(LF, start);
    while (lf >= 0) {
      this.#line(view, start, lf);
      start = lf + 1;
      lf = view.indexOf(LF, start);
    }
    if (start < n) this.#keep(view, start, n);
    if (run !== undefined && !run.reported && run.complete) run.check();
  }

  /** Keeps the start of an unfinished line (lines are short; a longer tail is cut). */
  #keep(b: Uint8Array, from: number, to: number): void {
    const room = this.#carry.length - this.#carryLen;
    const n = Math.min(room, to - from);
    this.#carry.set(b.subarray(from, from + n), this.#carryLen);
    this.#carryLen += n;
  }

  #line(b: Uint8Array, s: number, e: number): void {
    const r = run;
    const c0 = b[s];
    const c1 = b[s + 1];
    if (c0 === P) {
      if (r === undefined || r.reported) return;
      if (c1 === U && r.kind === "broadcast") this.#delivered(r, b, s, e, true);
      else if (c1 === R && r.kind === "private") this.#delivered(r, b, s, e, false);
    } else if (c0 === O && c1 === K) {
      if (r === undefined || r.reported || this.to === "") return;
      r.received++;
      this.inFlight--;
      this.pump(r);
    } else if (c0 === E && c1 === N) {
      if (this.joinsLeft > 0 && r !== undefined && !r.reported) {
        this.joinsLeft--;
        r.received++;
      } else if (r !== undefined && r.kind === "join" && !r.reported && this.joinsLeft === 0) {
        r.extra++;
      }
    } else if (c0 === A && c1 === P) {
      if (!this.registered) this.send(this.nick + "\n");
    } else if (c0 === B) {
      if (!this.registered) {
        this.registered = true;
        if (r !== undefined && !r.reported) {
          r.registered++;
          if (r.kind === "join") r.hist.record((performance.now() - this.startedAt) * 1000);
        }
        this.onRegistered?.(this);
      }
    } else if (c0 === U) {
      if (this.joinsLeft === -1 && r !== undefined && r.kind === "join" && joinOrder?.countJoins) {
        // "USUARIOS k online: ...": this client is the k-th one online.
        let k = 0;
        for (let i = s + 9; i < e; i++) {
          const d = b[i]! - 48;
          if (d < 0 || d > 9) break;
          k = k * 10 + d;
        }
        this.joinsLeft = Math.max(0, joinOrder.total - (k - joinOrder.base));
        r.expected += this.joinsLeft;
        r.unknown--;
      }
    } else if (c0 === E && c1 === R) {
      const text = latin1(b, s, Math.min(e, s + 80)).replace(/\r$/, "");
      this.lastErro = text;
      if (r !== undefined && !r.reported) {
        r.erro[text] = (r.erro[text] ?? 0) + 1;
        if (!this.registered) r.fail(`${this.nick}: ${text}`);
      }
    }
  }

  #delivered(r: Run, b: Uint8Array, s: number, e: number, pub: boolean): void {
    const ts = trailingInt(b, s, e);
    if (ts >= 0) r.hist.record(r.nowUs() - ts);
    if (this.left > 0) {
      this.left--;
      r.received++;
    } else r.extra++;
    if (pub && this.paces !== undefined) {
      // "PUBLICA nick: id ts": the sender id is the number before the timestamp.
      let id = 0;
      let scale = 1;
      for (let i = digitsStart - 2; i > s; i--) {
        const d = b[i]! - 48;
        if (d < 0 || d > 9) break;
        id += d * scale;
        scale *= 10;
      }
      const sender = this.paces[id];
      if (sender !== undefined) {
        sender.inFlight--;
        sender.pump(r);
      }
    }
  }

  /** Sends as many messages as the window allows. */
  pump(r: Run): void {
    if (this.sent >= r.messages || this.inFlight >= r.window) return;
    const ts = r.nowUs();
    const head = this.to !== "" ? this.to : this.prefix;
    let text = "";
    while (this.sent < r.messages && this.inFlight < r.window) {
      text += `${head}${ts}\n`;
      this.sent++;
      this.inFlight++;
    }
    this.send(text);
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
    if (this.#writing || this.#out === "" || this.closed || this.conn === undefined) return;
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
      if (!this.closed && run !== undefined && !run.reported) {
        run.fail(`${this.nick}: write: ${describe(e)}`);
      }
    }
    this.#writing = false;
    if (this.#out !== "") this.flush();
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

function latin1(b: Uint8Array, s: number, e: number): string {
  return String.fromCharCode(...b.subarray(s, e));
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

let joinOrder: JoinOrder | undefined;

/** Connects and registers this generator's clients, a bounded number at a time. */
function join(order: JoinOrder): void {
  joinOrder = order;
  const r = new Run("join");
  run = r;
  r.unknown = order.countJoins ? order.nicks.length : 0;
  r.mustRegister = order.nicks.length;
  const fresh = order.nicks.map((nick) => new Client(nick, order.readBytes));
  clients = clients.concat(fresh);
  let next = 0;
  const startNext = () => {
    if (next >= fresh.length || r.reported) return;
    const c = fresh[next++]!;
    c.onRegistered = () => {
      c.onRegistered = undefined;
      startNext();
      r.check();
    };
    void c.connect(order.host, order.port).then(() => {
      if (c.closed) startNext();
    });
  };
  const first = Math.min(order.concurrency, fresh.length);
  for (let i = 0; i < first; i++) startNext();
  if (fresh.length === 0) r.finish(false);
}

function privateRun(order: PrivateOrder): void {
  const r = new Run("private", order.epochMs);
  r.messages = order.messages;
  r.window = order.window;
  r.expected = 2 * order.messages * order.pairs.length;
  run = r;
  for (const [s, t] of order.pairs) {
    clients[s]!.to = `${clients[t]!.nick}:`;
    clients[t]!.left = order.messages;
  }
  for (const [s] of order.pairs) clients[s]!.pump(r);
  if (order.pairs.length === 0) r.finish(false);
}

function broadcastRun(order: BroadcastOrder): void {
  const r = new Run("broadcast", order.epochMs);
  r.messages = order.messages;
  r.window = order.window;
  run = r;
  const senders = new Set(order.senders.map(([i]) => i));
  for (let i = 0; i < clients.length; i++) {
    const c = clients[i]!;
    c.left = (order.sendersTotal - (senders.has(i) ? 1 : 0)) * order.messages;
    r.expected += c.left;
  }
  if (order.pacer >= 0) {
    const paces: (Client | undefined)[] = [];
    for (const [i, id] of order.senders) paces[id] = clients[i];
    clients[order.pacer]!.paces = paces;
  }
  for (const [i, id] of order.senders) {
    clients[i]!.prefix = `:${id} `;
    clients[i]!.pump(r);
  }
  if (r.expected === 0) r.finish(false);
}

function closeAll(): void {
  for (const c of clients) c.close();
  clients = [];
  run = undefined;
  joinOrder = undefined;
}

const progress = setInterval(() => {
  const r = run;
  if (r !== undefined && !r.reported) {
    void report({
      op: "progress",
      done: r.kind === "join" ? r.registered + r.received : r.received,
    });
  }
}, 250);

await report({ op: "ready", pid: Deno.pid });
try {
  for await (const order of jsonLines<Order>(Deno.stdin.readable)) {
    switch (order.op) {
      case "join":
        join(order);
        break;
      case "private":
        privateRun(order);
        break;
      case "broadcast":
        broadcastRun(order);
        break;
      case "stop":
        run?.finish(true);
        break;
      case "close":
        closeAll();
        await report({ op: "closed" });
        break;
      case "exit":
        closeAll();
        clearInterval(progress);
        await out.idle();
        Deno.exit(0);
    }
  }
} finally {
  closeAll();
  clearInterval(progress);
}
