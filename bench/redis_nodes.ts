/**
 * What the Redis engine costs (N1): broadcast and private messages on one
 * node with the in-memory room, one node on Redis, and two nodes on Redis
 * with every private message crossing nodes. It starts its own
 * redis-server (a fresh one per setup, no persistence) and its nodes as
 * subprocesses (`deno run --allow-net --allow-env=... server.ts --redis ...`),
 * and drives them with clients in this process. Separate from
 * `deno task bench` (bench/main.ts), which measures one node in depth.
 *
 * Usage: `deno task bench:redis [--quick] [--window N] [--json]`; `--window 1`
 * measures latency without queueing (one message in flight per sender).
 *
 * @module
 */

import { parseFlags } from "../common/cli.ts";
import { REDIS_ALLOW_ENV } from "../server/room/redis/env.ts";
import { REDIS_ALLOW_READ } from "../server/start.ts";

const SERVER = decodeURIComponent(new URL("../server.ts", import.meta.url).pathname);
const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");

/** The sizes of one run. */
interface Sizes {
  receivers: number;
  senders: number;
  perSender: number;
  pairs: number;
  perPair: number;
  window: number;
}

const FULL: Sizes = {
  receivers: 100,
  senders: 4,
  perSender: 1500,
  pairs: 20,
  perPair: 2000,
  window: 16,
};
const QUICK: Sizes = {
  receivers: 10,
  senders: 2,
  perSender: 100,
  pairs: 4,
  perPair: 100,
  window: 8,
};

/** One row of results. */
interface Row {
  setup: string;
  scenario: string;
  size: string;
  rate: number;
  p50: number;
  p99: number;
  lost: number;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitFor(ok: () => boolean | Promise<boolean>, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A line client that hands each line to `onLine`. */
class Client {
  readonly conn: Deno.TcpConn;
  onLine: (line: string) => void = () => {};
  #partial = "";
  readonly reading: Promise<void>;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
    this.reading = this.#read();
  }

  static async join(port: number, nick: string): Promise<Client> {
    const c = new Client(await Deno.connect({ hostname: "127.0.0.1", port }));
    let joined = false;
    c.onLine = (l) => joined ||= l.startsWith("USUARIOS");
    await c.send(nick);
    await waitFor(() => joined, `${nick} to join`);
    c.onLine = () => {};
    return c;
  }

  async send(line: string): Promise<void> {
    const bytes = encoder.encode(line + "\n");
    let at = 0;
    while (at < bytes.length) at += await this.conn.write(bytes.subarray(at));
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.conn.read(buf);
        if (n === null) return;
        const parts = (this.#partial + decoder.decode(buf.subarray(0, n))).split("\r\n");
        this.#partial = parts.pop()!;
        for (const line of parts) this.onLine(line);
      }
    } catch {
      // closed
    }
  }

  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // gone
    }
    await this.reading;
  }
}

/** A process started by the bench, stopped at the end of its setup. */
class Proc {
  readonly child: Deno.ChildProcess;
  output = "";
  readonly #reading: Promise<void>;

  constructor(cmd: string, args: string[]) {
    this.child = new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn();
    this.#reading = Promise.all([this.child.stdout, this.child.stderr].map(async (s) => {
      for await (const t of s.pipeThrough(new TextDecoderStream())) this.output += t;
    })).then(() => {});
  }

  async port(): Promise<number> {
    await waitFor(() => /listening on [\d.]+:\d+/.test(this.output), "a node to listen");
    return Number(/listening on [\d.]+:(\d+)/.exec(this.output)![1]);
  }

  async stop(): Promise<void> {
    try {
      this.child.kill("SIGTERM");
    } catch {
      // gone
    }
    await this.child.status;
    await this.#reading;
  }
}

/** Starts a setup: redis-server (when `nodes` > 0 on Redis) and the nodes; returns their ports. */
async function setup(nodes: number, redis: boolean): Promise<{ ports: number[]; procs: Proc[] }> {
  const procs: Proc[] = [];
  const flags = [
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--flood-burst",
    "0",
    "--max-pending-per-ip",
    "0",
    "--max-clients",
    "20000",
  ];
  const perms = ["--allow-net", REDIS_ALLOW_ENV, REDIS_ALLOW_READ, "--no-prompt"];
  if (redis) {
    const port = freePort();
    const r = new Proc("redis-server", [
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    procs.push(r);
    await waitFor(() => r.output.includes("Ready to accept connections"), "redis-server");
    flags.push("--redis", `redis://127.0.0.1:${port}`);
  }
  for (let i = 0; i < nodes; i++) {
    procs.push(new Proc(Deno.execPath(), ["run", ...perms, SERVER, ...flags]));
  }
  const ports = await Promise.all(procs.slice(redis ? 1 : 0).map((p) => p.port()));
  return { ports, procs };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Latencies from the time in each message's text, and the rate. */
function summarize(lat: number[], count: number, ms: number) {
  const sorted = Float64Array.from(lat).sort();
  return { rate: count / (ms / 1000), p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Broadcast: S senders, R receivers, spread over the nodes; each sender paced by one receiver. */
async function broadcast(ports: number[], s: Sizes): Promise<Omit<Row, "setup">> {
  const at = (i: number) => ports[i % ports.length]!;
  const receivers = await Promise.all(
    Array.from({ length: s.receivers }, (_, i) => Client.join(at(i + 1), `r${i}`)),
  );
  const senders = await Promise.all(
    Array.from({ length: s.senders }, (_, i) => Client.join(at(i), `s${i}`)),
  );
  await new Promise((r) => setTimeout(r, 300));
  const lat: number[] = [];
  let delivered = 0;
  const acked = new Array(s.senders).fill(0);
  const expected = s.receivers * s.senders * s.perSender;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of waiting) w();
    waiting.clear();
  };
  receivers.forEach((r, ri) => {
    r.onLine = (line) => {
      if (!line.startsWith("PUBLICA s")) return;
      delivered++;
      const colon = line.indexOf(": ");
      lat.push(performance.now() - Number(line.slice(colon + 3)));
      const si = Number(line.slice(9, colon));
      if (ri === si % s.receivers) {
        acked[si]++;
        wake();
      }
    };
  });
  const start = performance.now();
  await Promise.all(senders.map(async (c, si) => {
    for (let k = 0; k < s.perSender; k++) {
      while (k - acked[si] >= s.window) await new Promise<void>((r) => waiting.add(r));
      await c.send(`:t${performance.now()}`);
    }
  }));
  await waitFor(() => delivered >= expected, "every delivery", 60_000).catch(() => {});
  const ms = performance.now() - start;
  for (const c of [...senders, ...receivers]) await c.close();
  const size = `${s.receivers} cl, ${s.senders} x ${s.perSender}, w${s.window}`;
  return {
    scenario: "broadcast",
    size,
    ...summarize(lat, delivered, ms),
    lost: expected - delivered,
  };
}

/** Private: P pairs, each receiver on the next node (across nodes when there are two). */
async function privates(ports: number[], s: Sizes): Promise<Omit<Row, "setup">> {
  const from = await Promise.all(
    Array.from({ length: s.pairs }, (_, i) => Client.join(ports[0]!, `f${i}`)),
  );
  const to = await Promise.all(
    Array.from({ length: s.pairs }, (_, i) => Client.join(ports[1 % ports.length]!, `g${i}`)),
  );
  await new Promise((r) => setTimeout(r, 300));
  const lat: number[] = [];
  let oks = 0;
  let received = 0;
  to.forEach((c) =>
    c.onLine = (line) => {
      if (!line.startsWith("PRIVADA")) return;
      received++;
      lat.push(performance.now() - Number(line.slice(line.lastIndexOf(": t") + 3)));
    }
  );
  const start = performance.now();
  await Promise.all(from.map(async (c, i) => {
    let acked = 0;
    let wake: () => void = () => {};
    c.onLine = (line) => {
      if (line.startsWith("OK")) {
        acked++;
        oks++;
        wake();
      }
    };
    for (let k = 0; k < s.perPair; k++) {
      while (k - acked >= s.window) await new Promise<void>((r) => wake = r);
      await c.send(`g${i}:t${performance.now()}`);
    }
    await waitFor(() => acked >= s.perPair, "every OK", 60_000).catch(() => {});
  }));
  const ms = performance.now() - start;
  for (const c of [...from, ...to]) await c.close();
  const expected = s.pairs * s.perPair;
  const size = `${s.pairs} pairs x ${s.perPair}, w${s.window}`;
  return {
    scenario: "private",
    size,
    ...summarize(lat, oks, ms),
    lost: 2 * expected - oks - received,
  };
}

function table(rows: Row[]): string {
  const head = "setup                     scenario   size                       rate/s   p50 ms" +
    "   p99 ms   lost";
  const line = (r: Row) =>
    `${r.setup.padEnd(26)}${r.scenario.padEnd(11)}${r.size.padEnd(24)}` +
    `${Math.round(r.rate).toLocaleString("en-US").padStart(10)}${r.p50.toFixed(2).padStart(9)}` +
    `${r.p99.toFixed(2).padStart(9)}${String(r.lost).padStart(7)}`;
  return [head, ...rows.map(line)].join("\n");
}

async function main(args: string[]): Promise<number> {
  const f = parseFlags(args, {
    quick: { type: "boolean" },
    json: { type: "boolean" },
    window: { type: "string" },
  });
  const window = f.window === undefined ? undefined : Number(f.window);
  if (window !== undefined && !(Number.isInteger(window) && window > 0)) {
    console.error(`Cannot use window "${f.window}": give a whole number above 0`);
    return 2;
  }
  const sizes = { ...(f.quick ? QUICK : FULL), ...(window ? { window } : {}) };
  const setups: [string, number, boolean][] = [
    ["1 node, memory room", 1, false],
    ["1 node, Redis", 1, true],
    ["2 nodes, Redis", 2, true],
  ];
  const rows: Row[] = [];
  for (const [name, nodes, redis] of setups) {
    for (const scenario of [broadcast, privates]) {
      const { ports, procs } = await setup(nodes, redis);
      try {
        const row = { setup: name, ...(await scenario(ports, sizes)) };
        rows.push(row);
        if (f.json) console.log(JSON.stringify(row));
      } finally {
        for (const p of procs.reverse()) await p.stop();
      }
    }
  }
  console.log(
    `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, one generator process`,
  );
  console.log(table(rows));
  return rows.every((r) => r.lost === 0) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
