/**
 * The chat server: what every door hands its clients to (`doors/door.ts`).
 * For each client it decides admission (L5, C3), runs its session, and at
 * shutdown tells every client and waits for their sessions to end (S13;
 * what runs is counted in `sessions.ts`).
 * It listens on nothing itself: `server.ts` listens and accepts.
 *
 * @module
 */

import { type CloseCause, Connection, type ConnectionOptions } from "./connection.ts";
import type { ByteStream, Entrance, Peer } from "./doors/door.ts";
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
import { AddressBuckets, TokenGuard } from "./guard.ts";
import { QuietLog } from "./quiet_log.ts";
import { CLOSE_LINES } from "./replies.ts";
import { refusalLine, refuse, type RoomAsk, roomRefusal } from "./refusal.ts";
import { LocalRoom } from "./room/local.ts";
import type { Member, Room } from "./room/room.ts";
import type { Transcript } from "./transcript.ts";
import type { SessionHost } from "./commands.ts";
import { CLOSE_DRAIN_MS, Session } from "./session.ts";
import { Sessions } from "./sessions.ts";

/** The room of a server given none: one in memory, with the server's history, crowd and kicks. */
function memoryRoom(options: ServerOptions): Room {
  return new LocalRoom({
    history: options.history ?? DEFAULTS.history,
    crowd: options.crowd ?? DEFAULTS.crowd,
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    kickMs: (options.kickMinutes ?? DEFAULTS.kickMinutes) * 60_000,
    // With the address's shared line budget off (a large class behind one NAT), its churn too.
    ...((options.ipFloodBurst ?? DEFAULTS.ipFloodBurst) > 0 ? {} : { churnPairs: 0 }),
  });
}

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
 * A running chat server: doors hand it their clients with
 * {@linkcode ChatServer.enter}.
 *
 * @example
 * ```ts ignore
 * const chat = new ChatServer({ maxClients: 100 });
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * for await (const conn of listener) enterTcp(chat, conn); // doors/tcp.ts
 * ```
 */
export class ChatServer implements Entrance, SessionHost {
  /** Live counters. */
  readonly stats: ServerStats = {
    accepted: 0,
    open: 0,
    socketErrors: 0,
    queuedBytes: 0,
    peakConnectionBytes: 0,
    droppedSlowReaders: 0,
  };
  /** Resolves when the server has been shut down and every session ended. */
  readonly finished: Promise<void>;
  /** The room. */
  readonly room: Room;
  /** The limits in force. */
  readonly limits: Limits;
  /** Writes a log line. */
  readonly log: (line: string) => void;
  /** The teacher's token (C2). */
  readonly adminToken: string;
  /** Part of {@linkcode SessionHost}: who guessed the token wrong too often (L9). */
  readonly tokenGuard: TokenGuard;
  /** Part of {@linkcode SessionHost}: each address's budgets of lines and joins (L10). */
  readonly budgets: AddressBuckets;
  readonly #quiet: QuietLog;
  readonly #observer: ConnectionOptions["observer"];
  readonly #transcript: Transcript | undefined;
  readonly #scheduler = new FlushScheduler();
  readonly #sessions = new Sessions<Session>();
  readonly #joined = new Set<Member>();
  /** What every connection shares: its queue's bounds, the scheduler, the counters, the observer. */
  readonly #connectionOptions: ConnectionOptions;
  readonly #admission: Admission;
  /** Members that have not chosen a nickname yet. */
  readonly #waiting = new Set<Member>();
  readonly #idPrefix: string;
  /** How a newcomer's admission is asked of the room. */
  readonly #ask: RoomAsk;
  #stopping = false;
  #stopped: (() => void) | undefined;

  /**
   * Makes a chat server, ready for clients from any door.
   *
   * @param options The limits, the room, the observer, the transcript.
   */
  constructor(options: ServerOptions = {}) {
    this.room = options.room ?? memoryRoom(options);
    this.adminToken = options.adminToken ?? randomToken();
    this.limits = resolveLimits(options);
    const timers = this.limits.timers;
    // L10: an address churning connections has its connect/nick/leave lines summarized.
    this.#quiet = new QuietLog(options.log ?? logLine, timers);
    this.log = this.#quiet.write;
    this.tokenGuard = new TokenGuard(timers);
    this.budgets = new AddressBuckets(this.limits, timers);
    this.#admission = new Admission(this.limits, this.log);
    this.#ask = { room: this.room, deadlineMs: this.limits.roomDeadlineMs, log: this.log };
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
    this.finished = new Promise<void>((resolve) => this.#stopped = resolve)
      .then(() => this.#ended())
      .finally(() => stopRecording?.());
  }

  /** Whether {@linkcode shutdown} was called: a door stops letting clients in. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** The nicknames of this server's own users, in the order they joined. */
  nicks(): string[] {
    return Array.from(this.#joined, (s) => s.nick);
  }

  /** Part of {@linkcode SessionHost}: keeps the list of this node's users. */
  registered(member: Member, joined: boolean): void {
    if (joined) {
      this.#joined.add(member);
      if (this.#waiting.delete(member)) this.#admission.registered(member.ip);
    } else this.#joined.delete(member);
  }

  /** Part of {@linkcode SessionHost}: logs a teacher's action and writes it in the transcript. */
  action(who: string, action: string): void {
    this.log(`teacher ${who}: ${action}`);
    this.#transcript?.line(`PROFESSOR ${who}: ${action}`);
  }

  /** Part of {@linkcode SessionHost}: a student's message to the teacher, as a log line at the console. */
  toConsole(from: string, text: string): void {
    this.log(`${from} -> professor: ${text}`);
  }

  /** Part of {@linkcode SessionHost}: counts an error from a socket. */
  socketError(): void {
    this.stats.socketErrors++;
  }

  /**
   * Sends ERRO 03 to every client, waits a bounded time for it to leave,
   * closes every connection and resolves when all sessions ended and the
   * room is closed (S13). A client a door hands on afterwards is refused.
   * The doors stop letting clients in themselves (`server.ts` closes its
   * listener first).
   */
  async shutdown(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      const closing = this.#sessions.endAll("shutdown");
      this.#scheduler.runNow();
      this.#stopped?.();
      await closing;
    }
    await this.finished;
  }

  /** After shutdown: waits for the last session, then closes the room. */
  async #ended(): Promise<void> {
    await this.#sessions.idle();
    await this.room.close();
    this.#quiet.close();
  }

  /**
   * Part of {@linkcode Entrance}: takes one client from a door. Its session
   * runs until it leaves; whatever it does is contained to it.
   */
  enter(stream: ByteStream, peer: Peer): void {
    // A session never rejects: whatever a client does is contained to it.
    this.#sessions.run(this.#serve(stream, peer), this.#failed);
  }

  /** One session failed; contained, counted and logged. */
  #failed = (e: unknown): void => {
    this.stats.socketErrors++;
    this.log(`session failed: ${errorName(e)}`);
  };

  async #serve(stream: ByteStream, peer: Peer): Promise<void> {
    this.stats.accepted++;
    // The caps log once per episode (admission.ts); the room's refusals each time.
    let refusal: CloseCause | undefined = this.#stopping
      ? "shutdown"
      : this.#admission.admit(peer.address, `${peer.address}:${peer.port}`);
    // A flood of refused sockets (issue 15) costs one write and a close each: no connection
    // is built for them. With a trace on, they go the whole way, to be seen.
    if (refusal !== undefined && this.#observer === undefined) {
      return refuse(stream, CLOSE_LINES[refusal]!);
    }
    const c = new Connection(stream, peer, this.stats.accepted, this.#connectionOptions);
    const session = new Session(c, this, this.#idPrefix);
    let nickTimeoutMs = 0;
    if (refusal === undefined) {
      // Counted before the room is asked, so that connections arriving meanwhile see it.
      nickTimeoutMs = this.#admission.opened(c.ip);
      refusal = await roomRefusal(this.#ask, c.ip);
      // Shutdown may have begun while the room was asked: this one is not let in.
      if (refusal === undefined && this.#stopping) refusal = "shutdown";
      if (refusal !== undefined) {
        this.log(`refused ${c.peer} (${refusal})`);
        this.#admission.closed(c.ip, true);
      }
    }
    if (refusal !== undefined) {
      await c.end(refusal, await refusalLine(this.#ask, refusal, c.ip), CLOSE_DRAIN_MS);
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
    }).then(() => c.gone); // the slot is free; the socket's drain still counts as running (L12)
  }
}
