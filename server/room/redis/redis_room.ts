/**
 * The room on Redis (N1-N5): several papo-server nodes share one room. Each
 * change is one Lua script (`scripts.ts`); public messages and join and
 * leave notices go through one Redis stream that every node reads, the
 * sender's own included, so every node shows the same order; private
 * messages go to the target's node's inbox stream (this node's own too),
 * ordered with the room's stream by one clock (P4). The design, with what can be lost and when, is in `README.md`
 * beside this file.
 *
 * @example
 * ```ts ignore
 * const room = await RedisRoom.connect({ url: "redis://127.0.0.1:6379", nodeName: "a" });
 * const chat = new ChatServer({ room, idPrefix: room.idPrefix });
 * ```
 *
 * @module
 */

import type { NoticeKind } from "../../../protocol.ts";
import { Outgoing, type ServerMessage } from "../message.ts";
import {
  type Admission,
  type Ban,
  type BanKind,
  type Member,
  type Room,
  RoomUnavailable,
  type WhisperResult,
  withDeadline,
} from "../room.ts";
import type { Keeper } from "./keeper.ts";
import { RedisModeration } from "./moderation.ts";
import { RedisNode, type RedisRoomOptions, unavailable } from "./node.ts";
import { addTeacher, toTeachers } from "./teachers.ts";

export { RedisConnectError } from "./link.ts";

/** A call refused at once, as a rejected promise (never a throw): the room is away. */
function refused(keeper: Keeper): Promise<never> {
  try {
    keeper.ensureUp();
    return Promise.reject(new RoomUnavailable("the room is not up"));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** A public message's answer: published, or its sender no longer holds its nickname. */
function published(answer: string, from: Member, keeper: Keeper): void {
  if (answer === "1") return;
  keeper.suspect();
  throw new RoomUnavailable(`${from.nick} does not hold the nickname in Redis now`);
}
export type { RedisRoomOptions } from "./node.ts";

/**
 * A room shared by several nodes through Redis: the members' own calls
 * (join, leave, publish, whisper, who is online); the teacher's are
 * {@linkcode RedisModeration}'s, and the node's start, state and stop are
 * {@linkcode RedisNode}'s.
 */
export class RedisRoom implements Room {
  /** Over the network: the server bounds every call with a deadline. */
  readonly remote = true;
  /** This node's name in Redis: its name and a random incarnation. */
  readonly node: string;
  /** What starts the id of every member of this node (for `ServerOptions.idPrefix`). */
  readonly idPrefix: string;
  readonly #node: RedisNode;
  readonly #moderation: RedisModeration;

  private constructor(node: RedisNode) {
    this.#node = node;
    this.node = node.name;
    this.idPrefix = `${this.node}/`;
    this.#moderation = new RedisModeration(node);
  }

  /**
   * Connects to Redis and joins the room as a new node.
   *
   * @param options Where Redis is, and the node's settings.
   * @returns The room, its lease taken and its reader running.
   * @throws {RedisConnectError} When Redis cannot be reached or used in time; the message is one sentence.
   */
  static async connect(options: RedisRoomOptions): Promise<RedisRoom> {
    return new RedisRoom(await RedisNode.start(options));
  }

  /** N2: claims the nickname across every node, and waits for the join to come back. */
  async join(member: Member): Promise<boolean> {
    const { keeper, members, store } = this.#node;
    keeper.ensureUp();
    const joined = members.expect(member);
    joined.catch(() => {});
    let reply;
    try {
      reply = await store.join(member, this.#node.history);
    } catch (e) {
      members.cancel(member.id);
      throw unavailable(e);
    }
    if (reply.kind !== "joined") {
      members.cancel(member.id);
      if (reply.kind === "taken") return false;
      keeper.suspect();
      throw new RoomUnavailable("this node's lease ran out; taking it back");
    }
    member.muted = reply.muted;
    const { first, total, history } = reply;
    members.welcome(
      member.id,
      new Outgoing({ kind: "entry", nick: member.nick, first, total, history }),
    );
    try {
      await withDeadline(joined, this.#node.answerMs, "join entry");
    } catch (e) {
      members.delete(member);
      store.leave(member, false).catch(() => {});
      throw unavailable(e);
    }
    return true;
  }

  /** Lets a member go and announces it on every node. */
  async leave(member: Member, removed = false): Promise<void> {
    if (!this.#node.members.delete(member)) return;
    this.#node.keeper.ensureUp();
    await this.#node.store.leave(member, removed).catch((e) => Promise.reject(unavailable(e)));
  }

  /** N1: into the room's one stream; every node delivers it from there. */
  publish(from: Member, text: string): Promise<void> {
    const { keeper, store } = this.#node;
    if (keeper.state !== "up") return refused(keeper);
    return store.publish(from, text, this.#node.history, published, from, keeper);
  }

  /**
   * S12: the target, on this node or another live one, gets it in its
   * node's inbox, and the sender its `OK` when the script has put it there
   * (P4: one round trip, not four); its node delivers it from there, in
   * order with the room's stream (a sender's public and private messages
   * arrive in the order sent). Should the target be gone by the time its
   * node reads it, its node says so and the sender gets `ERRO 02` then.
   */
  whisper(
    from: Member,
    to: string,
    text: string,
    teacherOnly = false,
  ): Promise<WhisperResult> {
    const { keeper, store } = this.#node;
    if (keeper.state !== "up") return refused(keeper);
    return store.whisper(from, to, text, teacherOnly);
  }

  /** C2 (issue 19.2): a private message to every teacher, on every node (`teachers.ts`). */
  toTeachers(from: Member, text: string): Promise<number> {
    return toTeachers(this.#node, from, text, (f, to, t) => this.whisper(f, to, t));
  }

  /** X1: every nickname on every node, in join order. */
  nicks(): Promise<string[]> {
    return this.#node.call(() => this.#node.store.nicks());
  }

  /** How many members are online on every node. */
  size(): Promise<number> {
    return this.#node.call(() => this.#node.store.size());
  }

  /** C2: {@linkcode RedisModeration.promote}. */
  async promote(member: Member): Promise<void> {
    await this.#moderation.promote(member);
    await addTeacher(this.#node, member);
  }

  /** C3: {@linkcode RedisModeration.notice}. */
  notice(kind: NoticeKind, arg = ""): Promise<void> {
    return this.#moderation.notice(kind, arg);
  }

  /** C3, N4: {@linkcode RedisModeration.kick}. */
  kick(nick: string): Promise<string | undefined> {
    return this.#moderation.kick(nick);
  }

  /** C3, N4: {@linkcode RedisModeration.mute}. */
  mute(nick: string, on: boolean): Promise<{ nick: string; changed: boolean } | undefined> {
    return this.#moderation.mute(nick, on);
  }

  /** C3, N4: {@linkcode RedisModeration.ban}. */
  ban(nick: string): Promise<Ban | undefined> {
    return this.#moderation.ban(nick);
  }

  /** C3: {@linkcode RedisModeration.unban}. */
  unban(ipOrNick: string, kinds?: readonly BanKind[]): Promise<Ban[]> {
    return this.#moderation.unban(ipOrNick, kinds);
  }

  /** C3: {@linkcode RedisModeration.bans}. */
  bans(): Promise<Ban[]> {
    return this.#moderation.bans();
  }

  /** C3: {@linkcode RedisModeration.lock}. */
  lock(on: boolean): Promise<boolean> {
    return this.#moderation.lock(on);
  }

  /** C3: {@linkcode RedisModeration.admits}. */
  admits(ip: string): Promise<Admission> {
    return this.#moderation.admits(ip);
  }

  /** C5: every message to everyone, as this node reads it from the stream. */
  subscribe(listener: (message: ServerMessage) => void): () => void {
    return this.#node.router.subscribe(listener);
  }

  /** {@linkcode RedisNode.close}: leaves the room and closes the connections, in bounded time. */
  close(): Promise<void> {
    return this.#node.close();
  }
}
