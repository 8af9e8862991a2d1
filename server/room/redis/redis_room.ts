/**
 * The room on Redis (N1-N5): several papo-server nodes share one room. Each
 * change is one Lua script (`scripts.ts`); public messages and join and
 * leave notices go through one Redis stream that every node reads, the
 * sender's own included, so every node shows the same order; private
 * messages go to the target's node's inbox stream and are answered by that
 * node. The design, with what can be lost and when, is in `README.md`
 * beside this file.
 *
 * @example
 * ```ts ignore
 * const room = await RedisRoom.connect({ url: "redis://127.0.0.1:6379", nodeName: "a" });
 * const server = ChatServer.listen({ room, idPrefix: room.idPrefix });
 * ```
 *
 * @module
 */

import type { NoticeKind } from "../../../protocol.ts";
import { Outgoing, type ServerMessage } from "../../../wire/messages.ts";
import { errorName, logLine } from "../../log.ts";
import {
  type Admission,
  type Ban,
  type Member,
  type Room,
  RoomUnavailable,
  type WhisperResult,
  withDeadline,
} from "../room.ts";
import { Keeper } from "./keeper.ts";
import { Keys } from "./keys.ts";
import { type Client, connectClient, type LinkEvents, RedisConnectError } from "./link.ts";
import { LocalMembers } from "./members.ts";
import { StreamReader } from "./reader.ts";
import { Router } from "./router.ts";
import { Scripts } from "./scripts.ts";
import { Store } from "./store.ts";

export { RedisConnectError } from "./link.ts";

/** Options of {@linkcode RedisRoom.connect}. */
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
  /** Writes a log line. @default {logLine} */
  log?: (line: string) => void;
}

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
const DEFAULT_OPTIONS: Omit<Required<RedisRoomOptions>, "url"> = {
  nodeName: "papo",
  history: 0,
  prefix: "papo:",
  leaseMs: 5_000,
  renewMs: 1_000,
  connectTimeoutMs: 3_000,
  answerMs: 3_000,
  log: logLine,
};

/** What a node has once it joined the room in Redis. */
interface Parts {
  store: Store;
  cmd: Client;
  reader: Client;
  epoch: string;
  from: string;
}

/**
 * Connects both connections and joins the room as a new node: the room's
 * epoch, where the stream is now, and a first lease; each step bounded.
 * @throws {RedisConnectError} With one sentence, both connections dropped.
 */
async function handshake(o: Required<RedisRoomOptions>, events: LinkEvents): Promise<Parts> {
  const incarnation = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  const node = `${o.nodeName}~${incarnation}`;
  const ms = o.connectTimeoutMs;
  const cmd = await connectClient(o.url, "commands", ms, events);
  let reader: Client | undefined;
  try {
    reader = await connectClient(o.url, "reader", ms, events);
    const scripts = await Scripts.load();
    const store = new Store((a) => cmd.sendCommand(a), scripts, new Keys(o.prefix), node);
    const epoch = await withDeadline(store.epoch(crypto.randomUUID()), ms, "epoch");
    const from = await withDeadline(store.lastEventId(), ms, "stream");
    await withDeadline(store.renew(o.leaseMs), ms, "lease");
    return { store, cmd, reader, epoch, from };
  } catch (e) {
    cmd.destroy();
    reader?.destroy();
    if (e instanceof RedisConnectError) throw e;
    throw new RedisConnectError(`Cannot use Redis at ${shown(o.url)}: ${errorName(e)}`);
  }
}

/** A failed Redis call, as the session understands it: nothing was done. */
function unavailable(e: unknown): RoomUnavailable {
  return e instanceof RoomUnavailable ? e : new RoomUnavailable(`Redis: ${errorName(e)}`);
}

/** A room shared by several nodes through Redis. */
export class RedisRoom implements Room {
  /** Over the network: the server bounds every call with a deadline. */
  readonly remote = true;
  /** This node's name in Redis: its name and a random incarnation. */
  readonly node: string;
  /** What starts the id of every member of this node (for `ServerOptions.idPrefix`). */
  readonly idPrefix: string;
  readonly #store: Store;
  readonly #members = new LocalMembers();
  readonly #router: Router;
  readonly #keeper: Keeper;
  readonly #reader: StreamReader;
  readonly #cmd: Client;
  readonly #history: number;
  readonly #answerMs: number;
  readonly #log: (line: string) => void;
  #closed: Promise<void> | undefined;

  private constructor(parts: Parts, o: Required<RedisRoomOptions>) {
    this.#store = parts.store;
    this.node = parts.store.node;
    this.idPrefix = `${this.node}/`;
    this.#cmd = parts.cmd;
    this.#history = o.history;
    this.#answerMs = o.answerMs;
    this.#log = o.log;
    this.#router = new Router(this.#members, this.#store, o.log);
    this.#keeper = new Keeper(this.#store, this.#members, {
      leaseMs: o.leaseMs,
      renewMs: o.renewMs,
      epoch: parts.epoch,
      where: shown(o.url),
      log: o.log,
      failed: (why) => this.#router.failAll(why),
      ready: () => this.#cmd.isReady,
    });
    this.#router.onLostMember = () => this.#keeper.suspect();
    const keys = this.#store.keys;
    this.#reader = new StreamReader(parts.reader, {
      streams: [keys.events, keys.inbox(this.node)],
      from: [parts.from, "0-0"],
      reconnect: () => connectClient(o.url, "reader", o.connectTimeoutMs, this.#events),
      handle: (events, inbox) => this.#router.handle(events, inbox),
      log: o.log,
    });
  }

  /** What the connections tell the room. */
  get #events(): LinkEvents {
    return {
      down: (which, why) => this.#keeper.down(`${which} connection: ${why}`),
      up: () => this.#keeper.up(),
    };
  }

  /**
   * Connects to Redis and joins the room as a new node.
   *
   * @param options Where Redis is, and the node's settings.
   * @returns The room, its lease taken and its reader running.
   * @throws {RedisConnectError} When Redis cannot be reached or used in time; the message is one sentence.
   */
  static async connect(options: RedisRoomOptions): Promise<RedisRoom> {
    const o: Required<RedisRoomOptions> = { ...DEFAULT_OPTIONS, ...options };
    const relay: { to?: LinkEvents } = {};
    const parts = await handshake(o, {
      down: (which, why) => relay.to?.down(which, why),
      up: (which) => relay.to?.up(which),
    });
    const room = new RedisRoom(parts, o);
    relay.to = room.#events;
    o.log(`redis: node ${room.node} on ${shown(o.url)}`);
    return room;
  }

  /** N2: claims the nickname across every node, and waits for the join to come back. */
  async join(member: Member): Promise<boolean> {
    this.#keeper.ensureUp();
    const joined = this.#members.expect(member);
    joined.catch(() => {});
    let reply;
    try {
      reply = await this.#store.join(member, this.#history);
    } catch (e) {
      this.#members.cancel(member.id);
      throw unavailable(e);
    }
    if (reply.kind !== "joined") {
      this.#members.cancel(member.id);
      if (reply.kind === "taken") return false;
      this.#keeper.suspect();
      throw new RoomUnavailable("this node's lease ran out; taking it back");
    }
    member.muted = reply.muted;
    const { first, total, history } = reply;
    this.#members.welcome(
      member.id,
      new Outgoing({ kind: "entry", nick: member.nick, first, total, history }),
    );
    try {
      await withDeadline(joined, this.#answerMs, "join entry");
    } catch (e) {
      this.#members.delete(member);
      this.#store.leave(member, false).catch(() => {});
      throw unavailable(e);
    }
    return true;
  }

  /** Lets a member go and announces it on every node. */
  async leave(member: Member, removed = false): Promise<void> {
    if (!this.#members.delete(member)) return;
    this.#keeper.ensureUp();
    await this.#store.leave(member, removed).catch((e) => Promise.reject(unavailable(e)));
  }

  /** N1: into the room's one stream; every node delivers it from there. */
  async publish(from: Member, text: string): Promise<void> {
    this.#keeper.ensureUp();
    const ok = await this.#store.publish(from, text, this.#history).catch((e) =>
      Promise.reject(unavailable(e))
    );
    if (!ok) {
      this.#keeper.suspect();
      throw new RoomUnavailable(`${from.nick} does not hold the nickname in Redis now`);
    }
  }

  /** S12: to the target's node, which answers whether it took it. */
  async whisper(
    from: Member,
    to: string,
    text: string,
    teacherOnly = false,
  ): Promise<WhisperResult> {
    this.#keeper.ensureUp();
    const { req, answer } = this.#router.awaitAnswer(this.#answerMs);
    answer.catch(() => {});
    const target = await this.#store.whisper(from, to, text, teacherOnly, req).catch((e) => {
      this.#router.forget(req);
      return Promise.reject(unavailable(e));
    });
    if (target.kind !== "remote") this.#router.forget(req);
    switch (target.kind) {
      case "none":
        return "noSuchUser";
      case "notTeacher":
        return "notTeacher";
      case "local": {
        const out = new Outgoing({ kind: "private", from: from.nick, text });
        return this.#members.get(target.id)?.deliver(out) ? "sent" : "noSuchUser";
      }
    }
    const delivered = await answer.catch((e) => Promise.reject(unavailable(e)));
    return delivered ? "sent" : "noSuchUser";
  }

  /** X1: every nickname on every node, in join order. */
  nicks(): Promise<string[]> {
    return this.#call(() => this.#store.nicks());
  }

  /** How many members are online on every node. */
  size(): Promise<number> {
    return this.#call(() => this.#store.size());
  }

  /** C2: the member's role, where the other nodes see it (private messages from muted users). */
  promote(member: Member): Promise<void> {
    return this.#call(() => this.#store.promote(member));
  }

  /** C3: a notice to every member on every node. */
  notice(kind: NoticeKind, arg = ""): Promise<void> {
    return this.#call(() => this.#store.notice(kind, arg));
  }

  /** C3, N4: removes the member wherever it is. */
  async kick(nick: string): Promise<string | undefined> {
    return (await this.#remove(nick, false))?.nick;
  }

  /** C3, N4: mutes or unmutes, on the member's node too. */
  async mute(nick: string, on: boolean): Promise<{ nick: string; changed: boolean } | undefined> {
    const done = await this.#call(() => this.#store.mute(nick, on));
    const here = this.#members.byNick(nick);
    if (done !== undefined && here !== undefined) here.muted = on;
    return done;
  }

  /** C3, N4: removes the member wherever it is and bans its address on every node. */
  async ban(nick: string): Promise<Ban | undefined> {
    const t = await this.#remove(nick, true);
    return t === undefined ? undefined : { ip: t.ip, nick: t.nick };
  }

  /** C3: lifts a ban on every node. */
  unban(ip: string): Promise<boolean> {
    return this.#call(() => this.#store.unban(ip));
  }

  /** C3: the bans, oldest first. */
  bans(): Promise<Ban[]> {
    return this.#call(() => this.#store.bans());
  }

  /** C3: locks or unlocks the room on every node. */
  lock(on: boolean): Promise<boolean> {
    return this.#call(() => this.#store.lock(on));
  }

  /** C3: whether a connection from `ip` may come in, on any node. */
  admits(ip: string): Promise<Admission> {
    return this.#call(() => this.#store.admits(ip));
  }

  /** C5: every message to everyone, as this node reads it from the stream. */
  subscribe(listener: (message: ServerMessage) => void): () => void {
    return this.#router.subscribe(listener);
  }

  /** Leaves the room (its lease, its members, its inbox) and closes the connections, in bounded time. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const up = this.#keeper.state === "up";
      this.#keeper.close();
      this.#router.failAll("the room is closing");
      this.#members.cancelAll("the room is closing");
      if (up) {
        await withDeadline(this.#store.goodbye(), 1_000, "goodbye").catch((e) =>
          this.#log(`redis: goodbye not recorded: ${errorName(e)}`)
        );
      }
      await this.#reader.stop();
      this.#cmd.destroy();
    })();
    return this.#closed;
  }

  async #remove(nick: string, ban: boolean) {
    const t = await this.#call(() => this.#store.target(nick, ban));
    if (t !== undefined && t.node === this.node) this.#members.get(t.id)?.remove();
    return t;
  }

  async #call<T>(call: () => Promise<T>): Promise<T> {
    this.#keeper.ensureUp();
    try {
      return await call();
    } catch (e) {
      throw unavailable(e);
    }
  }
}
