/**
 * Helpers of the Redis tests (N1-N6): a real redis-server on a free port of
 * 127.0.0.1, started and stopped by the test; nodes (a ChatServer over a
 * RedisRoom) in this process; a TCP proxy between a node and Redis that a
 * test can cut (a node alone losing Redis) or stall (a Redis that stops
 * answering). Waits are bounded; nothing asserts on time.
 *
 * @module
 */

import { ChatServer } from "../server/chat_server.ts";
import type { ServerOptions } from "../server/options.ts";
import { RedisRoom, type RedisRoomOptions } from "../server/room/redis/redis_room.ts";
import { REDIS_ALLOW_ENV } from "../server/room/redis/env.ts";
import { REDIS_ALLOW_READ } from "../server/start.ts";
import { listenFor, TEST_BUDGETS } from "./helpers.ts";
import { until, WAIT_MS } from "./wait.ts";

/** Whether redis-server is installed (tests that need it are skipped, and say so, when not). */
export const hasRedis: boolean = (() => {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/**
 * The permissions a node subprocess gets: the network, node-redis's env names (N6), and
 * reading the Redis room's modules, loaded only with `--redis` (issue 19 #1).
 */
export const NODE_PERMISSIONS = [
  "--allow-net",
  REDIS_ALLOW_ENV,
  REDIS_ALLOW_READ,
  "--no-prompt",
] as const;

/** A free TCP port on 127.0.0.1 (free when asked; a test uses it at once). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** {@linkcode until} lives in `helpers.ts`; the Redis tests take it from here too. */
export { until };

/** A redis-server of a test's own: no persistence, on a free port. */
export class RedisServer implements AsyncDisposable {
  /** Its port. */
  readonly port: number;
  #child: Deno.ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  /** Starts one and waits until it answers PING. */
  static async start(): Promise<RedisServer> {
    const r = new RedisServer(freePort());
    await r.restart();
    return r;
  }

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it again on the same port (after {@linkcode stop}), empty. */
  async restart(): Promise<void> {
    this.#child = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const end = Date.now() + WAIT_MS;
    while (!(await this.#pong())) {
      if (Date.now() > end) throw new Error(`redis-server on port ${this.port} did not answer`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Kills it (SIGKILL: nothing saved, every connection cut) and waits for its end. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined) return;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  }

  /**
   * Sends one command and returns Redis's answer as RESP text (`:0`, `$-1`,
   * `+OK`, `$3\r\nabc`), to look at the room's keys from outside.
   * @param args The command and its arguments (`"EXISTS", "papo:node:b"`).
   */
  async call(...args: string[]): Promise<string> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
    try {
      const enc = new TextEncoder();
      const request = `*${args.length}\r\n` +
        args.map((a) => `$${enc.encode(a).length}\r\n${a}\r\n`).join("");
      await conn.write(enc.encode(request));
      let text = "";
      const buf = new Uint8Array(4096);
      const whole = () => {
        const m = /^\$(\d+)\r\n/.exec(text);
        return m ? text.length >= m[0].length + Number(m[1]) + 2 : text.endsWith("\r\n");
      };
      while (!whole()) {
        const n = await conn.read(buf);
        if (n === null) {
          throw new Error(`Redis closed the connection after ${JSON.stringify(text)}`);
        }
        text += new TextDecoder().decode(buf.subarray(0, n));
      }
      return text.trimEnd();
    } finally {
      conn.close();
    }
  }

  async #pong(): Promise<boolean> {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
      try {
        await conn.write(new TextEncoder().encode("PING\r\n"));
        const buf = new Uint8Array(16);
        const n = await conn.read(buf);
        return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
      } finally {
        conn.close();
      }
    } catch {
      return false;
    }
  }

  /** Stops it on leaving an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** A node for a test: a server on 127.0.0.1 port 0 over a room on Redis. */
export interface TestNode extends AsyncDisposable {
  /** The server. */
  server: ChatServer;
  /** Its room. */
  room: RedisRoom;
  /** Its port. */
  port: number;
  /** The room's and the server's log lines, in order. */
  logs: string[];
  /** Stops listening, then shuts the node down. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startNode}: the room's and the server's. */
export type NodeOptions = Partial<RedisRoomOptions> & ServerOptions & { prefix: string };

/**
 * Starts a node on a test's Redis.
 *
 * @param url The Redis URL.
 * @param options The room's key prefix (one room per test), a name, limits.
 * @returns The node, shut down by `await using`.
 */
export async function startNode(url: string, options: NodeOptions): Promise<TestNode> {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const room = await RedisRoom.connect({
    url,
    log,
    history: options.history ?? 20,
    ...(options.kickMinutes === undefined ? {} : { kickMs: options.kickMinutes * 60_000 }),
    ...options,
  });
  const server = new ChatServer({
    log,
    ...TEST_BUDGETS,
    ...options,
    room,
    idPrefix: room.idPrefix,
  });
  return { server, room, logs, ...listenFor(server) };
}

/**
 * A TCP proxy on 127.0.0.1 in front of Redis: a test cuts it (every
 * connection closed, new ones refused) or stalls it (connections kept, no
 * byte passed), then mends it.
 */
export class RedisProxy implements AsyncDisposable {
  /** The proxy's port. */
  readonly port: number;
  readonly #target: number;
  readonly #pairs = new Set<[Deno.TcpConn, Deno.TcpConn]>();
  readonly #pumps = new Set<Promise<void>>();
  #listener: Deno.TcpListener | undefined;
  #accepting: Promise<void> | undefined;
  #stalled = false;
  #wake = new Set<() => void>();

  /** @param target Redis's port. */
  constructor(target: number) {
    this.#target = target;
    this.port = freePort();
    this.mend();
  }

  /** `redis://127.0.0.1:PORT` through the proxy. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Closes every connection and refuses new ones. */
  async cut(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    await this.#accepting;
    for (const [a, b] of this.#pairs) {
      closeQuietly(a);
      closeQuietly(b);
    }
    this.#pairs.clear();
    this.#stalled = false;
    this.#release();
    await Promise.all(this.#pumps);
  }

  /** Keeps every connection but passes no byte either way. */
  stall(): void {
    this.#stalled = true;
  }

  /** Accepts and passes bytes again. */
  mend(): void {
    this.#stalled = false;
    this.#release();
    if (this.#listener !== undefined) return;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.#accepting = this.#accept(this.#listener);
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    try {
      for await (const a of listener) {
        let b: Deno.TcpConn;
        try {
          b = await Deno.connect({ hostname: "127.0.0.1", port: this.#target });
        } catch {
          closeQuietly(a);
          continue;
        }
        const pair: [Deno.TcpConn, Deno.TcpConn] = [a, b];
        this.#pairs.add(pair);
        for (const [from, to] of [[a, b], [b, a]]) {
          const pump = this.#pump(from!, to!, pair);
          this.#pumps.add(pump);
          void pump.then(() => this.#pumps.delete(pump));
        }
      }
    } catch {
      // closed
    }
  }

  async #pump(from: Deno.TcpConn, to: Deno.TcpConn, pair: [Deno.TcpConn, Deno.TcpConn]) {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buf);
        if (n === null) break;
        while (this.#stalled) await new Promise<void>((r) => this.#wake.add(r));
        if (!this.#pairs.has(pair)) break;
        let at = 0;
        while (at < n) at += await to.write(buf.subarray(at, n));
      }
    } catch {
      // cut
    }
    if (this.#pairs.delete(pair)) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  #release(): void {
    for (const wake of this.#wake) wake();
    this.#wake.clear();
  }

  /** Cuts everything on leaving an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cut();
  }
}

function closeQuietly(c: Deno.TcpConn): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}

/** Prints why a Redis test is skipped (once per file). */
export function sayIfSkipped(file: string): void {
  if (!hasRedis) {
    console.log(`${file}: skipped: redis-server is not installed (apt-get install redis-server)`);
  }
}

const SERVER = new URL("../server.ts", import.meta.url).pathname;

/** A node run as a subprocess (`deno run` with the permissions of the deno tasks), to be killed. */
export class NodeProcess implements AsyncDisposable {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** Its standard output and error so far. */
  output = "";
  readonly #reading: Promise<void>[];

  /**
   * Starts `server.ts` with these arguments.
   * @param args The server's flags.
   * @param permissions Deno's permission flags.
   */
  constructor(args: string[], permissions: readonly string[] = NODE_PERMISSIONS) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...permissions, SERVER, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = [this.child.stdout, this.child.stderr].map(async (stream) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this.output += text;
    });
  }

  /** Waits for the `listening on HOST:PORT` line and returns the port. */
  async port(): Promise<number> {
    await until(() => /listening on [\d.]+:\d+/.test(this.output), "the node's listening line");
    return Number(/listening on [\d.]+:(\d+)/.exec(this.output)![1]);
  }

  /** Waits for the process's end and all its output. */
  async finished(): Promise<Deno.CommandStatus> {
    const status = await this.child.status;
    await Promise.all(this.#reading);
    return status;
  }

  /** Kills it with SIGKILL (as `kill -9`) and waits for its end. */
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.finished();
  }

  /** Kills it on leaving an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.kill();
  }
}
