/**
 * The room as the server sees it: who is online and where each message
 * goes (S10-S12), behind an interface that more than one engine implements.
 * {@linkcode LocalRoom} (`local.ts`) keeps it in this process's memory; an
 * engine shared by several nodes (Redis) answers the same calls over the
 * network, so every call returns a promise, and the server bounds each one
 * with {@linkcode withDeadline}.
 *
 * The room holds no sockets: it delivers typed messages through
 * {@linkcode Member.deliver}, and protocol code renders each message once.
 *
 * @module
 */

import type { NoticeKind, Role } from "../../protocol.ts";
import type { Outgoing, ServerMessage } from "./message.ts";

/** Someone in the room: an id, a nickname, and a way to deliver messages to them. */
export interface Member {
  /** Unique among every member of the room, on every node; never reused. */
  readonly id: string;
  /** The nickname, as the user typed it. */
  readonly nick: string;
  /** The IP address the member connects from (for a ban, C3). */
  readonly ip: string;
  /** Whether the member is the teacher (C2). */
  readonly role: Role;
  /** Whether the teacher muted the member (C3); set by the room. */
  muted: boolean;
  /**
   * Queues a message for the member. Never blocks; the message's bytes are
   * copied, and are never changed afterwards.
   * @param message The message, rendered once for all its receivers.
   * @param lazy When `true` (join and leave notices), the line may wait a
   *   few milliseconds to be sent with others; the order of lines is kept.
   * @returns `false` when the member is being dropped and took nothing.
   */
  deliver(message: Outgoing, lazy?: boolean): boolean;
  /**
   * The member must go: the teacher removed it (kick or ban, C3), or, with a
   * shared engine, its nickname was taken by someone else while the broker
   * was away (N5). Its node closes its connection, telling it why, and it
   * leaves the room with {@linkcode Room.leave} (`removed` for a kick).
   * @param reason Why. @default {"kicked"}
   */
  remove(reason?: RemovalReason): void;
}

/** Why the room removes a member: the teacher's kick or ban, or its nickname lost in an outage. */
export type RemovalReason = "kicked" | "nickLost";

/** What the room answers to a private message. */
export type WhisperResult = "sent" | "noSuchUser" | "notTeacher";

/** A banned address, and whom it was banned with (C3). */
export interface Ban {
  /** The address. */
  readonly ip: string;
  /** The nickname that was removed with it. */
  readonly nick: string;
  /** A ban (until `{unban}`, when not given), a kick (for a while) or a muted address (C3). */
  readonly kind?: BanKind;
  /** A kick's time left, in milliseconds. */
  readonly leftMs?: number;
}

/** What `{bans}` lists (C3): a ban, a kick's minutes, a muted address. */
export type BanKind = "ban" | "kick" | "mute";

/** Every kind of entry `{bans}` lists, in its order; what `{unban}` lifts. */
export const BAN_KINDS: readonly BanKind[] = ["ban", "kick", "mute"];

/** Whether a new connection from an address may come in (C3). */
export type Admission = "ok" | "banned" | "locked" | "kicked";

/** The room, as any engine keeps it. */
export interface Room {
  /**
   * Whether its calls go over the network, so that one may never settle:
   * the server then bounds each with a deadline ({@linkcode bounded}). An
   * engine in this process answers every call before its turn ends.
   */
  readonly remote: boolean;
  /**
   * Adds a member under its nickname when the nickname is free (without
   * regard to case), sends it the welcome, the user list and the history,
   * and tells everyone else (S10, S11, C4).
   * @returns `false` when the nickname is taken (ERRO 01).
   */
  join(member: Member): Promise<boolean>;
  /**
   * Removes a member and tells everyone else, saying whether the teacher
   * removed them (S11, C3). Does nothing when it is not in.
   */
  leave(member: Member, removed?: boolean): Promise<void>;
  /**
   * Sends a public message from `from` to every other member, and remembers
   * it (S12, C4). An engine in memory returns once it is done, with no
   * promise: a session then reads its next line without waiting (P3).
   */
  publish(from: Member, text: string): void | Promise<void>;
  /**
   * Sends a private message from `from` to the member called `to` (S6, S12);
   * an engine in memory answers at once, with no promise (P3).
   * @param teacherOnly Deliver it only when `to` is the teacher (a muted sender, C3).
   */
  whisper(
    from: Member,
    to: string,
    text: string,
    teacherOnly?: boolean,
  ): WhisperResult | Promise<WhisperResult>;
  /**
   * Sends a private message from `from` to every teacher online, on every
   * node (C2, issue 19.2): what `professor:texto` or `teacher:text` means
   * when nobody has that nickname. The server's console gets it from the
   * server, not from the room.
   * @returns How many teachers got it.
   */
  toTeachers(from: Member, text: string): Promise<number>;
  /** The nicknames online, in the order they joined (X1). */
  nicks(): Promise<string[]>;
  /** How many members are online. */
  size(): Promise<number>;
  /** Records that `member` is now the teacher (C2). */
  promote(member: Member): Promise<void>;
  /** Sends a notice to every member (C3). */
  notice(kind: NoticeKind, arg?: string): Promise<void>;
  /**
   * Removes the member called `nick`, wherever it is (C3, N4).
   * @returns The nickname as its owner wrote it, or `undefined` when nobody has it.
   */
  kick(nick: string): Promise<string | undefined>;
  /**
   * Mutes or unmutes the member called `nick` (C3).
   * @returns The nickname, whether the state changed, or `undefined` when nobody has it.
   */
  mute(nick: string, on: boolean): Promise<{ nick: string; changed: boolean } | undefined>;
  /**
   * Removes the member called `nick` and bans its address until {@linkcode unban} (C3).
   * @returns The ban, or `undefined` when nobody has the nickname.
   */
  ban(nick: string): Promise<Ban | undefined>;
  /**
   * Lifts what {@linkcode bans} lists for the address `ipOrNick`, or for the
   * nickname it was recorded under, in any case, of `kinds` (C3, N4): a
   * member online is not needed. A member online at a muted address lifted
   * may speak again, and the room is told (`unmuted`), on every node.
   * @param kinds What to lift. @default {BAN_KINDS}
   * @returns What was lifted, as {@linkcode bans} listed it; empty when nothing matched.
   */
  unban(ipOrNick: string, kinds?: readonly BanKind[]): Promise<Ban[]>;
  /** The banned addresses, in the order they were banned. */
  bans(): Promise<Ban[]>;
  /**
   * Locks or unlocks the room (C3).
   * @returns Whether the state changed.
   */
  lock(on: boolean): Promise<boolean>;
  /** Whether a new connection from `ip` may come in: not banned, the room not locked. */
  admits(ip: string): Promise<Admission>;
  /**
   * Calls `listener` with every message the room sends to everyone (public
   * messages, joins, leaves, notices), once each: what a transcript keeps (C5).
   * @returns A function that stops the calls.
   */
  subscribe(listener: (message: ServerMessage) => void): () => void;
  /** Lets go of what the engine holds (connections to a broker); the room is not used after. */
  close(): Promise<void>;
}

/**
 * A room call that the engine could not do now, and did not do: its broker
 * is away (N5). The session tells the client so (`ERRO 17`) and keeps the
 * connection, unlike a call that never settles ({@linkcode RoomTimeout}).
 */
export class RoomUnavailable extends Error {
  /** @param message What is wrong, for the log. */
  constructor(message: string) {
    super(message);
    this.name = "RoomUnavailable";
  }
}

/** A room call that did not settle within its deadline. */
export class RoomTimeout extends Error {
  /** @param what The call, for the message. */
  constructor(what: string) {
    super(`Room call ${what} did not settle in time`);
    this.name = "RoomTimeout";
  }
}

/**
 * A room call as the server waits for it: under a deadline when the engine
 * is remote, as it is otherwise (an in-memory call has settled already, and
 * a deadline would only cost the hot path of routing).
 *
 * @param room The room called.
 * @param call The call's promise, or its answer when the engine gave it at once.
 * @param ms The deadline.
 * @param what The call's name, for the error.
 * @returns What the call resolves to; an answer given at once, as it is (P3).
 */
export function bounded<T>(room: Room, call: Promise<T>, ms: number, what: string): Promise<T>;
export function bounded<T>(
  room: Room,
  call: T | Promise<T>,
  ms: number,
  what: string,
): T | Promise<T>;
export function bounded<T>(
  room: Room,
  call: T | Promise<T>,
  ms: number,
  what: string,
): T | Promise<T> {
  if (!room.remote) return call;
  return withDeadline(call instanceof Promise ? call : Promise.resolve(call), ms, what);
}

/**
 * Waits for a room call at most `ms` milliseconds (and at most
 * {@linkcode DEADLINE_TICK_MS} more): a stuck engine delays one session,
 * never the others or shutdown.
 *
 * @param call The call's promise.
 * @param ms The deadline.
 * @param what The call's name, for the error.
 * @returns What the call resolves to.
 * @throws {RoomTimeout} When the deadline passes first; the call's own error otherwise.
 *
 * @example
 * ```ts
 * import { RoomTimeout, withDeadline } from "./room.ts";
 * import assert from "node:assert/strict";
 * assert.equal(await withDeadline(Promise.resolve(7), 100, "size"), 7);
 * const never = new Promise<number>(() => {});
 * await assert.rejects(withDeadline(never, 1, "size"), RoomTimeout);
 * ```
 */
export function withDeadline<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Expires on the tick after `ms` have passed whole: never early, at most one tick late.
    const entry: Pending = {
      due: ticks + Math.ceil(ms / DEADLINE_TICK_MS) + 1,
      what,
      reject,
      done: false,
    };
    waiting.push(entry);
    open++;
    timer ??= setInterval(tick, DEADLINE_TICK_MS);
    call.then(
      (value) => {
        if (settle(entry)) resolve(value);
      },
      (e) => {
        if (settle(entry)) reject(e);
      },
    );
  });
}

/**
 * Milliseconds between the ticks of the deadlines' one clock: a call that
 * passed its deadline fails on the next tick.
 */
export const DEADLINE_TICK_MS = 100;

/** A room call waiting, and the tick on which it is late. */
interface Pending {
  readonly due: number;
  readonly what: string;
  readonly reject: (e: Error) => void;
  done: boolean;
}

/**
 * Every call waiting, under one clock for all (issue 23: a call costs no
 * timer, time reading or set of its own, only its place in a list): an
 * interval runs while a call waits, counts ticks, fails the calls whose tick
 * has come and forgets the settled ones; it stops when none waits.
 */
let waiting: Pending[] = [];
let open = 0;
let ticks = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Marks a call settled; `false` when it had failed already (its deadline passed). */
function settle(entry: Pending): boolean {
  if (entry.done) return false;
  entry.done = true;
  if (--open === 0) stop();
  return true;
}

function stop(): void {
  clearInterval(timer);
  timer = undefined;
  waiting = [];
}

function tick(): void {
  ticks++;
  const still: Pending[] = [];
  for (const entry of waiting) {
    if (entry.done) continue;
    if (entry.due > ticks) {
      still.push(entry);
      continue;
    }
    entry.done = true;
    open--;
    entry.reject(new RoomTimeout(entry.what));
  }
  waiting = still;
  if (open === 0) stop();
}
