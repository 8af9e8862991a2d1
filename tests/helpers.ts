/**
 * Shared test helpers: a real server on 127.0.0.1 port 0, a clock moved by
 * hand, bytes and a room wrapper. The line client over a real TCP socket is
 * `line_client.ts`, the bounded waits `wait.ts`. Waits are bounded (a test
 * that hangs fails with a message instead), but nothing asserts on time.
 *
 * @module
 */

import { ChatServer } from "../server/chat_server.ts";
import { enterTcp } from "../server/doors/tcp.ts";
import type { ServerOptions } from "../server/options.ts";
import type { Room } from "../server/room/room.ts";
import type { Timers } from "../common/time.ts";

/** A server started for one test, stopped by `await using`. */
export interface TestServer extends AsyncDisposable {
  /** The running server. */
  server: ChatServer;
  /** Its port on 127.0.0.1. */
  port: number;
  /** Its log lines, in order. */
  logs: string[];
  /** Stops listening, then shuts the server down (S13), as `server.ts` does on a signal. */
  stop(): Promise<void>;
}

/**
 * The per-address budgets (L10) of a test server unless the test gives its
 * own: every test client comes from 127.0.0.1, and a test of 1000 clients is
 * not an attack. Tests of L10 (churn_test.ts) set them.
 */
export const TEST_BUDGETS: ServerOptions = { joinBurst: 1_000_000, ipFloodBurst: 0 };

/**
 * Starts a server on 127.0.0.1 with a free port, logging into an array.
 *
 * @param options Limits to set.
 * @returns The server, its port and its logs.
 */
export function startServer(options: ServerOptions = {}): TestServer {
  const logs: string[] = [];
  const server = new ChatServer({ log: (line) => logs.push(line), ...TEST_BUDGETS, ...options });
  return { server, logs, ...listenFor(server) };
}

/**
 * Listens on 127.0.0.1 with a free port for `server` and hands every
 * connection accepted to it through the TCP door, as `server.ts` does
 * (without its pause after a failed accept: a test that meets one fails).
 *
 * @param server The chat server.
 * @returns The port, and how to stop listening and shut the server down.
 */
export function listenFor(
  server: ChatServer,
): { port: number; stop(): Promise<void> } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of listener) enterTcp(server, conn);
  })().catch(() => {});
  const stop = async () => {
    try {
      listener.close();
    } catch {
      // closed already
    }
    await accepting;
    await server.shutdown();
  };
  return { port: listener.addr.port, stop, [Symbol.asyncDispose]: stop };
}

/**
 * A clock a test moves by hand: the {@linkcode Timers} given to the code
 * under test, whose calls are made only by {@linkcode ManualTimers.advance},
 * so a test of a timer never sleeps (issue 20).
 */
export class ManualTimers implements Timers {
  #now = 0;
  #next = 1;
  readonly #due = new Map<number, { at: number; fn: () => void }>();

  /** Milliseconds moved so far: the time now, by this clock. */
  now(): number {
    return this.#now;
  }

  /** How many calls wait. */
  get waiting(): number {
    return this.#due.size;
  }

  setTimeout(fn: () => void, ms: number): number {
    const handle = this.#next++;
    this.#due.set(handle, { at: this.#now + Math.max(0, ms), fn });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === "number") this.#due.delete(handle);
  }

  /** Moves time on by `ms`, making every call that falls due, in order of time (then of setting). */
  advance(ms: number): void {
    const end = this.#now + ms;
    while (true) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#due) {
        if (entry[1].at <= end && (first === undefined || entry[1].at < first[1].at)) first = entry;
      }
      if (first === undefined) break;
      this.#due.delete(first[0]);
      this.#now = first[1].at;
      first[1].fn();
    }
    this.#now = end;
  }
}

/** Bytes from text (each char code below 256 becomes one byte) and byte arrays. */
export function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") {
      for (let i = 0; i < p.length; i++) out.push(p.charCodeAt(i) & 0xff);
    } else out.push(...p);
  }
  return new Uint8Array(out);
}

/**
 * A room that passes every call to `inner`, but for the calls in `changes`:
 * a test's way to make an engine slow, failing or stuck.
 *
 * @param inner The room that answers.
 * @param changes The calls answered otherwise.
 * @returns The room.
 */
export function roomOver(inner: Room, changes: Partial<Room> = {}): Room {
  return {
    // Its calls may be slow or never settle: the server waits for them under a deadline.
    remote: true,
    join: (m) => inner.join(m),
    leave: (m, removed) => inner.leave(m, removed),
    publish: (m, text) => inner.publish(m, text),
    whisper: (m, to, text, teacherOnly) => inner.whisper(m, to, text, teacherOnly),
    toTeachers: (m, text) => inner.toTeachers(m, text),
    nicks: () => inner.nicks(),
    size: () => inner.size(),
    promote: (m) => inner.promote(m),
    notice: (kind, arg) => inner.notice(kind, arg),
    kick: (nick) => inner.kick(nick),
    mute: (nick, on) => inner.mute(nick, on),
    ban: (nick) => inner.ban(nick),
    unban: (ip) => inner.unban(ip),
    bans: () => inner.bans(),
    lock: (on) => inner.lock(on),
    admits: (ip) => inner.admits(ip),
    subscribe: (listener) => inner.subscribe(listener),
    close: () => inner.close(),
    ...changes,
  };
}
