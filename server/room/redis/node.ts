/**
 * This node in the shared room (N3, N5): how it starts (both connections,
 * the room's epoch, where the stream is now, a first lease; each step
 * bounded), its parts wired together (the store, this node's members, the
 * router of what the streams bring, the keeper of the lease and of
 * recovery, the stream reader), every room call under the node's state,
 * and how it stops in bounded time.
 *
 * @module
 */

import type { Timers } from "../../../common/time.ts";
import { errorName, logLine } from "../../log.ts";
import { RoomUnavailable, withDeadline } from "../room.ts";
import { Keeper } from "./keeper.ts";
import { Keys } from "./keys.ts";
import { type Client, connectClient, type LinkEvents, RedisConnectError } from "./link.ts";
import { Lane } from "./lane.ts";
import { LocalMembers } from "./members.ts";
import { StreamReader } from "./reader.ts";
import { Router } from "./router.ts";
import { Scripts } from "./scripts.ts";
import { Store } from "./store.ts";

/** Options of {@linkcode RedisNode.start} (and of `RedisRoom.connect`). */
export interface RedisRoomOptions {
  /** `redis://HOST:PORT[/DB]`. */
  url: string;
  /** This node's name in logs and in Redis. @default {"papo"} */
  nodeName?: string;
  /** C4: public messages a newcomer is shown; 0 = none. @default {0} */
  history?: number;
  /** What starts every key (one room per prefix). @default {"papo:"} */
  prefix?: string;
  /** N3: milliseconds a node's lease lasts without renewal. @default {5000} */
  leaseMs?: number;
  /** N3: milliseconds between renewals. @default {1000} */
  renewMs?: number;
  /** N5: milliseconds connecting (and each start-up call) may take. @default {3000} */
  connectTimeoutMs?: number;
  /** Milliseconds a join waits for its stream entry, a private message for its answer. @default {3000} */
  answerMs?: number;
  /** P1: above this many online (on every node), joins and leaves are summarized; 0 never. @default {0} */
  crowd?: number;
  /** P1: milliseconds between summaries. @default {1000} */
  crowdIntervalMs?: number;
  /** Writes a log line. @default {logLine} */
  log?: (line: string) => void;
  /** C3: milliseconds a kicked user's address may not join again, on every node; 0 never. @default {300000} */
  kickMs?: number;
  /**
   * The clock of kicks (C3), and the timers the summaries (P1) wait with, as
   * the memory room's and the server's (a test's own, moved by hand).
   * @default Redis's clock (`TIME`, one for every node) for kicks; the system's timers
   */
  timers?: Timers;
}

/** {@linkcode RedisRoomOptions} with every default filled in (the timers have none: Redis's clock). */
type Resolved = Omit<Required<RedisRoomOptions>, "timers"> & Pick<RedisRoomOptions, "timers">;

/** A URL without its password, for logs. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    u.username = "";
    return u.href.replace(/\/$/, "");
  } catch {
    return url;
  }
}

/** The defaults of {@linkcode RedisRoomOptions}. */
const DEFAULT_OPTIONS: Omit<Resolved, "url" | "timers"> = {
  nodeName: "papo",
  history: 0,
  prefix: "papo:",
  leaseMs: 5_000,
  renewMs: 1_000,
  connectTimeoutMs: 3_000,
  answerMs: 3_000,
  crowd: 0,
  crowdIntervalMs: 1_000,
  log: logLine,
  kickMs: 5 * 60_000,
};

/** What a node has once it joined the room in Redis. */
interface Parts {
  store: Store;
  cmd: Client;
  batches: Client;
  reader: Client;
  epoch: string;
  from: string;
}

/**
 * Connects the three connections (commands, batches, the reader) and joins
 * the room as a new node: the room's epoch, where the stream is now, and a
 * first lease; each step bounded.
 * @throws {RedisConnectError} With one sentence, every connection dropped.
 */
async function handshake(o: Resolved, events: LinkEvents): Promise<Parts> {
  const incarnation = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  const node = `${o.nodeName}~${incarnation}`;
  const ms = o.connectTimeoutMs;
  const cmd = await connectClient(o.url, "commands", ms, events);
  let batches: Client | undefined;
  let reader: Client | undefined;
  try {
    const scripts = await Scripts.load();
    // The batch script is known before the first batch: batches in flight are never run again
    // (EVAL after NOSCRIPT) after a later one, which would break a sender's order.
    const load = [["SCRIPT", "LOAD", scripts.source("batch")]];
    batches = await Lane.connect(o.url, "batches", ms, events, load);
    reader = await Lane.connect(o.url, "reader", ms, events);
    const lane = batches;
    const store = new Store(
      (a) => cmd.sendCommand(a),
      scripts,
      new Keys(o.prefix),
      node,
      (a) => lane.sendCommand(a),
    );
    const epoch = await withDeadline(store.epoch(crypto.randomUUID()), ms, "epoch");
    const from = await withDeadline(store.lastEventId(), ms, "stream");
    await withDeadline(store.renew(o.leaseMs), ms, "lease");
    return { store, cmd, batches, reader, epoch, from };
  } catch (e) {
    cmd.destroy();
    batches?.destroy();
    reader?.destroy();
    if (e instanceof RedisConnectError) throw e;
    throw new RedisConnectError(`Cannot use Redis at ${shown(o.url)}: ${errorName(e)}`);
  }
}

/**
 * A failed Redis call, as the session understands it: nothing was done.
 *
 * @param e What the call threw.
 * @returns `e` when it is a {@linkcode RoomUnavailable} already, or one that names it.
 */
export function unavailable(e: unknown): RoomUnavailable {
  return e instanceof RoomUnavailable ? e : new RoomUnavailable(`Redis: ${errorName(e)}`);
}

/** This node's parts, started together and stopped together. */
export class RedisNode {
  /** This node's name in Redis: its name and a random incarnation. */
  readonly name: string;
  /** The room's state in Redis. */
  readonly store: Store;
  /** The members this node holds, and those joining. */
  readonly members = new LocalMembers();
  /** What the node does with each entry its reader brings. */
  readonly router: Router;
  /** The lease, and whether the room can be used now. */
  readonly keeper: Keeper;
  /** C4: public messages a newcomer is shown. */
  readonly history: number;
  /** Milliseconds a join waits for its stream entry, a private message for its answer. */
  readonly answerMs: number;
  /** C3: milliseconds a kicked user's address stays out. */
  readonly kickMs: number;
  readonly #timers: Timers | undefined;
  readonly #reader: StreamReader;
  readonly #cmd: Client;
  readonly #batches: Client;
  readonly #log: (line: string) => void;
  #closed: Promise<void> | undefined;

  private constructor(parts: Parts, o: Resolved) {
    this.store = parts.store;
    this.name = parts.store.node;
    this.#cmd = parts.cmd;
    this.#batches = parts.batches;
    this.history = o.history;
    this.answerMs = o.answerMs;
    this.kickMs = o.kickMs;
    this.#timers = o.timers;
    this.#log = o.log;
    this.router = new Router(this.members, this.store, o.log, {
      threshold: o.crowd,
      intervalMs: o.crowdIntervalMs,
      ...(o.timers === undefined ? {} : { timers: o.timers }),
    });
    this.keeper = new Keeper(this.store, this.members, {
      leaseMs: o.leaseMs,
      renewMs: o.renewMs,
      epoch: parts.epoch,
      where: shown(o.url),
      log: o.log,
      ready: () => this.#ready,
    });
    this.router.onLostMember = (at) => this.keeper.suspect(at);
    const keys = this.store.keys;
    this.#reader = new StreamReader(parts.reader, {
      streams: [keys.events, keys.inbox(this.name)],
      from: [parts.from, "0-0"],
      reconnect: () => Lane.connect(o.url, "reader", o.connectTimeoutMs, this.#events),
      handle: (events, inbox) => this.router.handle(events, inbox),
      log: o.log,
    });
  }

  /** What the connections tell the node: the room is usable again once both that send are back. */
  get #events(): LinkEvents {
    return {
      down: (which, why) => this.keeper.down(`${which} connection: ${why}`),
      up: () => {
        if (this.#ready) this.keeper.up();
      },
    };
  }

  /** Whether the connections that send (commands, batches) are both connected. */
  get #ready(): boolean {
    return this.#cmd.isReady && this.#batches.isReady;
  }

  /**
   * Connects to Redis and joins the room as a new node.
   *
   * @param options Where Redis is, and the node's settings.
   * @returns The node, its lease taken and its reader running.
   * @throws {RedisConnectError} When Redis cannot be reached or used in time; the message is one sentence.
   */
  static async start(options: RedisRoomOptions): Promise<RedisNode> {
    const o: Resolved = { ...DEFAULT_OPTIONS, ...options };
    const relay: { to?: LinkEvents } = {};
    const parts = await handshake(o, {
      down: (which, why) => relay.to?.down(which, why),
      up: (which) => relay.to?.up(which),
    });
    const node = new RedisNode(parts, o);
    relay.to = node.#events;
    o.log(`redis: node ${node.name} on ${shown(o.url)}`);
    return node;
  }

  /**
   * A room call under the node's state: refused at once while Redis is
   * away, and any failure of it made a {@linkcode RoomUnavailable}.
   *
   * @param call The call.
   * @returns What it resolves to.
   * @throws {RoomUnavailable} When the room cannot be used, or the call failed.
   */
  async call<T>(call: () => Promise<T>): Promise<T> {
    this.keeper.ensureUp();
    try {
      return await call();
    } catch (e) {
      throw unavailable(e);
    }
  }

  /** C3: the time now for the moderation scripts: the given timers', or `""` for Redis's. */
  now(): string {
    return this.#timers === undefined ? "" : String(this.#timers.now());
  }

  /** Leaves the room (its lease, its members, its inbox) and closes the connections, in bounded time. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const up = this.keeper.state === "up";
      this.keeper.close();
      this.members.cancelAll("the room is closing");
      if (up) {
        await withDeadline(this.store.goodbye(), 1_000, "goodbye").catch((e) =>
          this.#log(`redis: goodbye not recorded: ${errorName(e)}`)
        );
      }
      await this.#reader.stop();
      this.router.close();
      this.#cmd.destroy();
      this.#batches.destroy();
    })();
    return this.#closed;
  }
}
