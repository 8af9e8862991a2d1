/**
 * The listening server: the accept loop, admission of each connection (L5),
 * the sessions it runs, and shutdown (S13).
 *
 * @module
 */

import { DEFAULT_HOST, DEFAULT_PORT } from "../protocol.ts";
import {
  type CloseCause,
  Connection,
  type ConnectionObserver,
  type ConnectionOptions,
} from "./connection.ts";
import { errorName, logLine } from "./log.ts";
import {
  DEFAULTS,
  type Limits,
  randomToken,
  resolveLimits,
  type ServerOptions,
} from "./options.ts";
import type { QueueStats } from "./outgoing.ts";
import { FlushScheduler } from "./queue.ts";
import { Admission } from "./admission.ts";
import { CLOSE_LINES } from "./replies.ts";
import { LocalRoom } from "./room/local.ts";
import { type Room, withDeadline } from "./room/room.ts";
import type { Transcript } from "./transcript.ts";
import { CLOSE_DRAIN_MS, Session, type SessionHost } from "./session.ts";

/**
 * Refuses a connection before anything is built for it: its one line, then
 * the close, whether the line could be written or not.
 */
async function refuse(conn: Deno.TcpConn, line: Uint8Array): Promise<void> {
  try {
    await conn.write(line);
  } catch {
    // gone already
  }
  try {
    conn.close();
  } catch {
    // closed by Deno already
  }
}

/** The listen backlog: a classroom connects at once; the kernel caps it at somaxconn. */
export const LISTEN_BACKLOG = 4096;

/** Counters a test or the benchmark may read. */
export interface ServerStats extends QueueStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Errors from sockets, each contained to its connection. */
  socketErrors: number;
}

/**
 * A running chat server.
 *
 * @example
 * ```ts ignore
 * const server = ChatServer.listen({ hostname: "127.0.0.1", port: 0 });
 * console.log(server.addr.port);
 * await server.shutdown();
 * ```
 */
export class ChatServer implements SessionHost {
  /** The address the server listens on. */
  readonly addr: Deno.NetAddr;
  /** Live counters. */
  readonly stats: ServerStats = {
    accepted: 0,
    open: 0,
    socketErrors: 0,
    queuedBytes: 0,
    peakConnectionBytes: 0,
    droppedSlowReaders: 0,
  };
  /** Resolves when the server has stopped and every session ended. */
  readonly finished: Promise<void>;
  /** The room. */
  readonly room: Room;
  /** The limits in force. */
  readonly limits: Limits;
  /** Writes a log line. */
  readonly log: (line: string) => void;
  /** The teacher's token (C2). */
  readonly adminToken: string;
  readonly #listener: Deno.TcpListener;
  readonly #observer: ConnectionObserver | undefined;
  readonly #transcript: Transcript | undefined;
  readonly #scheduler = new FlushScheduler();
  readonly #sessions = new Set<Session>();
  readonly #joined = new Set<Session>();
  /** Sessions running, and what to call when the last ends after shutdown. */
  #running = 0;
  #allEnded: (() => void) | undefined;
  /** What every connection shares: its queue's bounds, the scheduler, the counters, the observer. */
  readonly #connectionOptions: ConnectionOptions;
  readonly #admission: Admission;
  /** Sessions that have not chosen a nickname yet. */
  readonly #waiting = new Set<Session>();
  readonly #idPrefix: string;
  #stopping = false;

  private constructor(listener: Deno.TcpListener, options: ServerOptions) {
    this.#listener = listener;
    this.addr = listener.addr;
    this.room = options.room ?? new LocalRoom({
      history: options.history ?? DEFAULTS.history,
      crowd: options.crowd ?? DEFAULTS.crowd,
    });
    this.adminToken = options.adminToken ?? randomToken();
    this.limits = resolveLimits(options);
    this.log = options.log ?? logLine;
    this.#admission = new Admission(this.limits, this.log);
    this.#observer = options.observer;
    this.#connectionOptions = {
      maxQueueBytes: this.limits.maxQueueBytes,
      maxTotalBytes: this.limits.maxTotalQueueBytes,
      scheduler: this.#scheduler,
      stats: this.stats,
      observer: this.#observer,
    };
    this.#transcript = options.transcript;
    this.#idPrefix = options.idPrefix ?? "";
    const stopRecording = this.#transcript === undefined
      ? undefined
      : this.room.subscribe((m) => this.#transcript!.record(m));
    this.finished = this.#acceptLoop().finally(() => stopRecording?.());
  }

  /**
   * Starts listening.
   *
   * @param options Address, port and limits.
   * @returns The running server.
   * @throws {Deno.errors.AddrInUse} When the port is taken.
   * @throws {Deno.errors.AddrNotAvailable} When the address is not this host's.
   */
  static listen(options: ServerOptions = {}): ChatServer {
    const listener = Deno.listen({
      hostname: options.hostname ?? DEFAULT_HOST,
      port: options.port ?? DEFAULT_PORT,
      transport: "tcp",
      tcpBacklog: LISTEN_BACKLOG,
    });
    return new ChatServer(listener, options);
  }

  /** The nicknames of this server's own users, in the order they joined. */
  nicks(): string[] {
    return Array.from(this.#joined, (s) => s.nick);
  }

  /** Part of {@linkcode SessionHost}: keeps the list of this node's users. */
  registered(s: Session, joined: boolean): void {
    if (joined) {
      this.#joined.add(s);
      if (this.#waiting.delete(s)) this.#admission.registered(s.ip);
    } else this.#joined.delete(s);
  }

  /** Part of {@linkcode SessionHost}: logs a teacher's action and writes it in the transcript. */
  action(who: string, action: string): void {
    this.log(`teacher ${who}: ${action}`);
    this.#transcript?.line(`PROFESSOR ${who}: ${action}`);
  }

  /** Part of {@linkcode SessionHost}: counts an error from a socket. */
  socketError(): void {
    this.stats.socketErrors++;
  }

  /**
   * Stops accepting, sends ERRO 03 to every client, waits a bounded time for
   * it to leave, closes every socket and resolves when all sessions ended (S13).
   */
  async shutdown(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#listener.close();
      const closing: Promise<void>[] = [];
      for (const s of this.#sessions) closing.push(s.end("shutdown"));
      this.#scheduler.runNow();
      await Promise.all(closing);
    }
    await this.finished;
  }

  async #acceptLoop(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (e) {
        if (this.#stopping || e instanceof Deno.errors.BadResource) break;
        // Out of file descriptors and the like: contained, logged once per
        // episode, retried with a growing pause (50 ms to 1 s).
        this.stats.socketErrors++;
        if (failures++ === 0) {
          this.log(
            `accept failed: ${
              errorName(e)
            } (raise the open-file limit, ulimit -n, or lower --max-clients)`,
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(failures, 5))));
        continue;
      }
      if (failures > 0) {
        this.log(`accept works again after ${failures} failures`);
        failures = 0;
      }
      // A session never rejects: whatever a client does is contained to it.
      this.#running++;
      this.#serve(conn).catch(this.#failed).finally(this.#ended);
    }
    if (this.#running > 0) await new Promise<void>((resolve) => this.#allEnded = resolve);
    await this.room.close();
  }

  /** One session failed; contained, counted and logged. */
  #failed = (e: unknown): void => {
    this.stats.socketErrors++;
    this.log(`session failed: ${errorName(e)}`);
  };

  /** One session ended; the last one after shutdown lets the accept loop end. */
  #ended = (): void => {
    if (--this.#running === 0 && this.#allEnded !== undefined) this.#allEnded();
  };

  async #serve(conn: Deno.TcpConn): Promise<void> {
    this.stats.accepted++;
    // The caps log once per episode (admission.ts); the room's refusals each time.
    const addr = conn.remoteAddr;
    let refusal: CloseCause | undefined = this.#stopping
      ? "shutdown"
      : this.#admission.admit(addr.hostname, `${addr.hostname}:${addr.port}`);
    // A flood of refused sockets (issue 15) costs one write and a close each: no connection
    // is built for them. With a trace on, they go the whole way, to be seen.
    if (refusal !== undefined && this.#observer === undefined) {
      return refuse(conn, CLOSE_LINES[refusal]!);
    }
    const c = new Connection(conn, this.stats.accepted, this.#connectionOptions);
    const session = new Session(c, this, this.#idPrefix);
    let nickTimeoutMs = 0;
    if (refusal === undefined) {
      // Counted before the room is asked, so that connections arriving meanwhile see it.
      nickTimeoutMs = this.#admission.opened(c.ip);
      refusal = await this.#admitted(c);
      // Shutdown may have begun while the room was asked: this one is not let in.
      if (refusal === undefined && this.#stopping) refusal = "shutdown";
      if (refusal !== undefined) {
        this.log(`refused ${c.peer} (${refusal})`);
        this.#admission.closed(c.ip, true);
      }
    }
    if (refusal !== undefined) {
      await c.end(refusal, CLOSE_LINES[refusal], CLOSE_DRAIN_MS);
      return;
    }
    this.#sessions.add(session);
    this.#waiting.add(session);
    this.stats.open++;
    this.log(`connect ${c.peer} (${this.stats.open} open)`);
    // Not awaited here: an idle client holds one suspended function (its read), not two.
    return session.run(nickTimeoutMs).finally(() => {
      this.#sessions.delete(session);
      this.stats.open--;
      this.#admission.closed(c.ip, this.#waiting.delete(session));
    });
  }

  /** C3: a banned address or a locked room is refused (a room that does not answer: refused too). */
  async #admitted(c: Connection): Promise<CloseCause | undefined> {
    try {
      const admission = await withDeadline(
        this.room.admits(c.ip),
        this.limits.roomDeadlineMs,
        "admits",
      );
      return admission === "ok" ? undefined : admission;
    } catch (e) {
      this.log(`room error: ${errorName(e)}`);
      return "roomUnavailable";
    }
  }
}
