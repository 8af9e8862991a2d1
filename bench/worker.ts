/**
 * A load generator process: it holds a share of the bench's clients, each a
 * real TCP connection speaking papo's wire protocol (`papo_client.ts`) or
 * IRC (`irc_client.ts`), and carries out the coordinator's orders (JSON
 * lines on stdin), reporting on stdout.
 *
 * Incoming bytes are scanned for LF in place; a line's kind is told by its
 * first bytes and a timestamp read from its last digits, so no string is
 * made per line. Lines to send are gathered per client and written once per
 * turn of the event loop (`gen_client.ts`).
 *
 * Run by `main.ts` as `deno run --allow-net bench/worker.ts`.
 *
 * @module
 */

import type { Client } from "./gen_client.ts";
import { report, reported, Run, state } from "./run.ts";
import { IrcClient } from "./irc_client.ts";
import { PapoClient } from "./papo_client.ts";
import { WebClient } from "./web_client.ts";
import {
  type BroadcastOrder,
  type JoinOrder,
  jsonLines,
  type Order,
  type PrivateOrder,
  wallMs,
} from "./wire.ts";

let clients: Client[] = [];

/**
 * What a private or broadcast run sends first, held until every generator
 * has set up its run ("go"): a message reaching a generator whose run is
 * not set up yet would go uncounted, and its senders' windows would stall.
 */
let held: (() => void) | undefined;

/** Sets up `r`'s first sends to leave on "go", and tells the coordinator it is armed. */
function arm(r: Run, start: () => void): void {
  held = () => {
    r.startAt = wallMs();
    start();
  };
  void report({ op: "armed" });
}

/**
 * A message body up to its sequence number: sender `id` and a space, after
 * padding that makes the body about 64 bytes in the delivery shape (the
 * sequence number and a 10-digit timestamp follow).
 */
function body(id: number, shape: "reply" | "delivery"): string {
  const tail = `${id} `;
  const pad = shape === "delivery" ? Math.max(0, 64 - tail.length - 16) : 0;
  return "x".repeat(pad) + (pad > 0 ? " " : "") + tail;
}

/** Connects and registers this generator's clients, a bounded number at a time. */
function join(order: JoinOrder): void {
  state.join = order;
  const r = new Run("join");
  state.run = r;
  // papo: the USUARIOS line says how many joins follow; IRC: the NAMES reply, before 366.
  r.unknown = order.countJoins && order.protocol === "papo" ? order.nicks.length : 0;
  r.mustRegister = order.nicks.length;
  // Nicknames from webFrom on come through the web door (--web-users): lines arrive as strings.
  const webFrom = order.webFrom ?? order.nicks.length;
  const fresh: Client[] = order.nicks.map((nick, i) =>
    order.protocol === "irc"
      ? new IrcClient(nick, order.readBytes, order.channel)
      : i >= webFrom
      ? new WebClient(nick, 0)
      : new PapoClient(nick, order.readBytes)
  );
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
    const port = c instanceof WebClient ? order.webPort ?? order.port : order.port;
    void c.connect(order.host, port).then(() => {
      if (c.closed) startNext();
    });
  };
  const first = Math.min(order.concurrency, fresh.length);
  for (let i = 0; i < first; i++) startNext();
  if (fresh.length === 0) r.finish(false);
}

/**
 * Private messages: papo's senders get an `OK` per message, which opens the
 * window; IRC has no such reply, so each delivery to the receiver does.
 */
function privateRun(order: PrivateOrder): void {
  const r = new Run("private", order.epochMs);
  r.messages = order.messages;
  r.window = order.window;
  state.run = r;
  for (const [s, t] of order.pairs) {
    const sender = clients[s]!;
    const receiver = clients[t]!;
    sender.startRun();
    receiver.startRun();
    const w = sender.window;
    w.head = sender.privateHead(receiver.nick) + body(s, order.shape);
    receiver.left = order.messages;
    w.acked = sender instanceof PapoClient;
    w.okPaces = w.acked && order.shape === "reply";
    receiver.sender = w.okPaces ? undefined : sender;
    r.expected += w.acked ? 2 * order.messages : order.messages;
  }
  arm(r, () => {
    for (const [s] of order.pairs) clients[s]!.pump(r);
    if (order.pairs.length === 0) r.finish(false);
  });
}

function broadcastRun(order: BroadcastOrder): void {
  const r = new Run("broadcast", order.epochMs);
  r.messages = order.messages;
  r.window = order.window;
  state.run = r;
  const senders = new Set(order.senders.map(([i]) => i));
  for (let i = 0; i < clients.length; i++) {
    const c = clients[i]!;
    c.startRun();
    c.left = (order.sendersTotal - (senders.has(i) ? 1 : 0)) * order.messages;
    r.expected += c.left;
  }
  if (order.pacer >= 0) {
    const paces: (Client | undefined)[] = [];
    for (const [i, id] of order.senders) paces[id] = clients[i];
    clients[order.pacer]!.paces = paces;
  }
  for (const [i, id] of order.senders) {
    clients[i]!.window.head = clients[i]!.publicHead() + body(id, order.shape);
  }
  arm(r, () => {
    for (const [i] of order.senders) clients[i]!.pump(r);
    if (r.expected === 0) r.finish(false);
  });
}

function closeAll(): void {
  held = undefined;
  for (const c of clients) c.close();
  clients = [];
  state.run = undefined;
  state.join = undefined;
}

const progress = setInterval(() => {
  const r = state.run;
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
      case "go":
        held?.();
        held = undefined;
        break;
      case "stop":
        state.run?.finish(true);
        break;
      case "close":
        closeAll();
        await report({ op: "closed" });
        break;
      case "exit":
        closeAll();
        clearInterval(progress);
        await reported();
        Deno.exit(0);
    }
  }
} finally {
  closeAll();
  clearInterval(progress);
}
