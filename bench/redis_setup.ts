/**
 * The parts of `deno task bench:redis` (bench/redis_nodes.ts) that start and
 * reach the processes: redis-server and the nodes as subprocesses, each with
 * the CPU time it used (from `/proc`, where there is one), and a line client.
 *
 * @module
 */

import { REDIS_ALLOW_ENV } from "../server/room/redis/env.ts";
import { REDIS_ALLOW_READ } from "../server/start.ts";
import { PAPO_ARGS } from "./options.ts";
import { profileFlags } from "./launch.ts";
import { LineCutter } from "./client_io.ts";

const SERVER = decodeURIComponent(new URL("../server.ts", import.meta.url).pathname);
const encoder = new TextEncoder();
/** Clock ticks per second of `/proc/PID/stat` (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** A free TCP port on loopback. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Waits until `ok()` holds, checking every 20 ms, at most `ms`. */
export async function waitFor(
  ok: () => boolean | Promise<boolean>,
  what: string,
  ms = 30_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The CPU time process `pid` has used so far, user and system, in ms; 0
 * where there is no `/proc` to read it from. Read by `cat`: Deno lets only
 * `--allow-all` read `/proc` itself.
 */
export async function cpuMsOf(pid: number): Promise<number> {
  try {
    const out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/stat`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const stat = new TextDecoder().decode(out.stdout);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 1000 / TICKS : 0;
  } catch {
    return 0;
  }
}

/** This process's clock in whole microseconds, the time each message carries as its text. */
export function nowUs(): number {
  return Math.round(performance.now() * 1000);
}

/**
 * A line client that hands each line to `onLine` as bytes where they lie in
 * its read buffer (`client_io.ts`'s {@linkcode LineCutter}, as the main
 * bench's generator does): no string per line, so the generator spends
 * little CPU per delivery and leaves the cores to the nodes it measures.
 */
export class Client {
  /** The connection. */
  readonly conn: Deno.TcpConn;
  /** Gets each line the server sends: the bytes of `b` from `s` to `e` (its LF, excluded). */
  onLine: (b: Uint8Array, s: number, e: number) => void = () => {};
  /**
   * `performance.now()` in whole microseconds when the bytes being cut were
   * read: read once per read, not per line (every line of a read arrived
   * before it), as the main bench's generator does (bench/run.ts).
   */
  readUs = 0;
  readonly #lines = new LineCutter((b, s, e) => this.onLine(b, s, e));
  /** Settles when the connection is closed. */
  readonly reading: Promise<void>;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
    this.reading = this.#read();
  }

  /** Connects and joins as `nick`. */
  static async join(port: number, nick: string): Promise<Client> {
    const c = new Client(await Deno.connect({ hostname: "127.0.0.1", port }));
    let joined = false;
    c.onLine = (b, s, e) => joined ||= startsWith(b, s, e, USUARIOS);
    await c.send(nick);
    await waitFor(() => joined, `${nick} to join`);
    c.onLine = () => {};
    return c;
  }

  /** Sends one line (LF added). */
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
        this.readUs = nowUs();
        this.#lines.cut(n === buf.length ? buf : buf.subarray(0, n));
      }
    } catch {
      // closed
    }
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // gone
    }
    await this.reading;
  }
}

const USUARIOS = encoder.encode("USUARIOS");

/** Whether the line of `b` from `s` to `e` starts with the bytes `prefix`. */
export function startsWith(b: Uint8Array, s: number, e: number, prefix: Uint8Array): boolean {
  if (e - s < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[s + i] !== prefix[i]) return false;
  return true;
}

/** A process started by the bench, stopped at the end of its setup. */
export class Proc {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** What it printed, both streams. */
  output = "";
  readonly #reading: Promise<void>;

  constructor(cmd: string, args: string[]) {
    this.child = new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn();
    this.#reading = Promise.all([this.child.stdout, this.child.stderr].map(async (s) => {
      for await (const t of s.pipeThrough(new TextDecoderStream())) this.output += t;
    })).then(() => {});
  }

  /** The CPU time the process has used so far, in ms ({@linkcode cpuMsOf}). */
  cpuMs(): Promise<number> {
    return cpuMsOf(this.child.pid);
  }

  /** The port the node says it listens on. */
  async port(): Promise<number> {
    await waitFor(() => /listening on [\d.]+:\d+/.test(this.output), "a node to listen");
    return Number(/listening on [\d.]+:(\d+)/.exec(this.output)![1]);
  }

  /** Stops the process and waits for it. */
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

/** A setup running: the nodes' ports, the nodes, and redis-server when there is one. */
export interface Setup {
  ports: number[];
  nodes: Proc[];
  redis: Proc | undefined;
  /** Every process, redis-server first. */
  procs: Proc[];
}

/** Starts a setup: redis-server (when on Redis) and the nodes. */
export async function setup(nodes: number, redis: boolean): Promise<Setup> {
  const procs: Proc[] = [];
  // Every client comes from 127.0.0.1: the per-address caps are off, as in `deno task bench`.
  const flags = [...PAPO_ARGS, "--max-clients", "20000"];
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
    procs.push(new Proc(Deno.execPath(), ["run", ...perms, ...profileFlags(), SERVER, ...flags]));
  }
  const ports = await Promise.all(procs.slice(redis ? 1 : 0).map((p) => p.port()));
  return { ports, nodes: procs.slice(redis ? 1 : 0), redis: redis ? procs[0] : undefined, procs };
}
