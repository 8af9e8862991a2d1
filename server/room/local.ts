/**
 * The room held in this process's memory: the single-node engine, and the
 * default. It needs nothing outside the process.
 *
 * @module
 */

import { ENTRY_LIST_MAX, type NoticeKind } from "../../protocol.ts";
import { Outgoing, type ServerMessage } from "./message.ts";
import { HistoryRing } from "./history.ts";
import { Moderation } from "./moderation.ts";
import { NickRegistry } from "./registry.ts";
import { SYSTEM_TIMERS, type Timers } from "../../common/time.ts";
import { CHURN_PAIRS, Crowd } from "./crowd.ts";
import type { Admission, Ban, BanKind, Member, Room, WhisperResult } from "./room.ts";

/** Options of a {@linkcode LocalRoom}. */
export interface LocalRoomOptions {
  /** How many public messages to remember for latecomers (C4). @default {0} */
  history?: number;
  /** P1: above this many online, join and leave notices are summarized once a second; 0 never. @default {0} */
  crowd?: number;
  /** C3: how long a kicked user's address stays out, in milliseconds. @default {300000} */
  kickMs?: number;
  /** How often the summaries go out, in milliseconds. @default {1000} */
  crowdIntervalMs?: number;
  /** L10: join/leave pairs of one address in a minute announced before the rest are summarized; 0 never. @default {CHURN_PAIRS} */
  churnPairs?: number;
  /** The clock of kicks (C3) and the churn window (L10), and the timers the summaries wait with: a test's own. @default {SYSTEM_TIMERS} */
  timers?: Timers;
}

/** A room held in this process's memory. */
export class LocalRoom implements Room {
  /** In this process: every call has settled when it returns. */
  readonly remote = false;
  readonly #members = new NickRegistry<Member>();
  readonly #history: HistoryRing;
  readonly #moderation: Moderation;
  readonly #listeners = new Set<(message: ServerMessage) => void>();
  readonly #crowd: Crowd<Member>;

  /** @param options What the room remembers, and when it summarizes. */
  constructor(options: LocalRoomOptions = {}) {
    const timers = options.timers ?? SYSTEM_TIMERS;
    this.#moderation = new Moderation(options.kickMs, timers);
    this.#history = new HistoryRing(options.history ?? 0);
    this.#crowd = new Crowd({
      threshold: options.crowd ?? 0,
      intervalMs: options.crowdIntervalMs ?? 1000,
      timers,
      members: () => this.#members.values(),
      size: () => this.#members.size,
      // L10: a churning address's joins and leaves are summarized.
      ...(options.churnPairs === 0 ? {} : { address: (m: Member) => m.ip }),
      churnPairs: options.churnPairs ?? CHURN_PAIRS,
    });
  }

  /**
   * Adds a member when its nickname is free.
   *
   * @example
   * ```ts
   * import { LocalRoom } from "./local.ts";
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * const room = new LocalRoom();
   * const member = (id: string, nick: string) => ({
   *   id, nick, ip: "10.0.0.1", role: "anyone" as const, muted: false,
   *   deliver: () => true, remove: () => {},
   * });
   * assertEquals(await room.join(member("1", "Ana")), true);
   * assertEquals(await room.join(member("2", "ana")), false);
   * ```
   */
  join(member: Member): Promise<boolean> {
    if (!this.#members.claim(member)) return Promise.resolve(false);
    member.muted = this.#moderation.isMuted(member.nick, member.ip);
    const first: string[] = [];
    for (const m of this.#members.values()) {
      if (first.length === ENTRY_LIST_MAX) break;
      first.push(m.nick);
    }
    member.deliver(
      new Outgoing({
        kind: "entry",
        nick: member.nick,
        first,
        total: this.#members.size,
        history: this.#history.entries(),
      }),
    );
    this.#crowd.entered(member);
    this.#notice({ kind: "joined", nick: member.nick }, member);
    return Promise.resolve(true);
  }

  /** Removes a member and tells the others; a member not in the room is ignored. */
  leave(member: Member, removed = false): Promise<void> {
    if (this.#members.release(member)) {
      this.#notice({ kind: "left", nick: member.nick, removed }, member);
    }
    return Promise.resolve();
  }

  /** Sends `text` from `from` to every other member; the line is rendered once. */
  publish(from: Member, text: string): void {
    this.#history.push({ at: Date.now(), from: from.nick, text });
    this.#everyone({ kind: "public", from: from.nick, text }, from);
  }

  /** Sends `text` from `from` to `to` alone. */
  whisper(from: Member, to: string, text: string, teacherOnly = false): WhisperResult {
    const target = this.#members.get(to);
    if (target === undefined) return "noSuchUser";
    if (teacherOnly && target.role !== "teacher") return "notTeacher";
    target.deliver(new Outgoing({ kind: "private", from: from.nick, text }));
    return "sent";
  }

  /** Sends `text` from `from` to every teacher online. */
  toTeachers(from: Member, text: string): Promise<number> {
    const out = new Outgoing({ kind: "private", from: from.nick, text });
    let reached = 0;
    for (const m of this.#members.values()) {
      if (m.role === "teacher" && m.id !== from.id && m.deliver(out)) reached++;
    }
    return Promise.resolve(reached);
  }

  /** The nicknames online, in the order they joined. */
  nicks(): Promise<string[]> {
    return Promise.resolve(this.#members.nicks());
  }

  /** How many members are online. */
  size(): Promise<number> {
    return Promise.resolve(this.#members.size);
  }

  /** Nothing to record: a member's role is read from the member itself. */
  promote(_member: Member): Promise<void> {
    return Promise.resolve();
  }

  /** Sends a notice to every member. */
  notice(kind: NoticeKind, arg = ""): Promise<void> {
    this.#everyone({ kind: "notice", notice: kind, arg });
    return Promise.resolve();
  }

  /** Removes the member called `nick`. */
  kick(nick: string): Promise<string | undefined> {
    const target = this.#members.get(nick);
    if (target !== undefined) this.#moderation.kick({ ip: target.ip, nick: target.nick });
    target?.remove();
    return Promise.resolve(target?.nick);
  }

  /** Mutes or unmutes `nick`, online or not. */
  mute(nick: string, on: boolean): Promise<{ nick: string; changed: boolean } | undefined> {
    const target = this.#members.get(nick);
    if (target === undefined) return Promise.resolve(undefined);
    const changed = this.#moderation.setMuted(nick, on, target.ip);
    target.muted = on;
    return Promise.resolve({ nick: target.nick, changed });
  }

  /** Removes `nick` and bans its address. */
  ban(nick: string): Promise<Ban | undefined> {
    const target = this.#members.get(nick);
    if (target === undefined) return Promise.resolve(undefined);
    const ban = { ip: target.ip, nick: target.nick };
    this.#moderation.ban(ban);
    target.remove();
    return Promise.resolve(ban);
  }

  /** Lifts bans, kicks and muted addresses, by address or nickname; who is online there may speak. */
  unban(ipOrNick: string, kinds?: readonly BanKind[]): Promise<Ban[]> {
    const lifted = this.#moderation.unban(ipOrNick, kinds);
    const ips = new Set(lifted.filter((b) => b.kind === "mute").map((b) => b.ip));
    for (const m of ips.size > 0 ? this.#members.values() : []) {
      // Only one muted there is freed: one who spoke all along (a class behind one NAT) is not told.
      if (!m.muted || !ips.has(m.ip) || this.#moderation.isMuted(m.nick, m.ip)) continue;
      m.muted = false;
      void this.notice("unmuted", m.nick);
    }
    return Promise.resolve(lifted);
  }

  /** The banned addresses. */
  bans(): Promise<Ban[]> {
    return Promise.resolve(this.#moderation.bans());
  }

  /** Locks or unlocks the room. */
  lock(on: boolean): Promise<boolean> {
    return Promise.resolve(this.#moderation.setLocked(on));
  }

  /** Whether a connection from `ip` may come in. */
  admits(ip: string): Promise<Admission> {
    return Promise.resolve(this.#moderation.admits(ip));
  }

  /** Calls `listener` with every message to everyone. */
  subscribe(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the summaries' timer. */
  close(): Promise<void> {
    this.#crowd.close();
    return Promise.resolve();
  }

  /** A join or leave: to every other member (summarized in a large room), and to the listeners. */
  #notice(message: Extract<ServerMessage, { kind: "joined" | "left" }>, member: Member): void {
    this.#crowd.notice(message, member);
    for (const listener of this.#listeners) listener(message);
  }

  /** Sends a message to every member but `except`, rendered once, and to the listeners. */
  #everyone(message: ServerMessage, except?: Member, lazy = false): void {
    const out = new Outgoing(message);
    for (const m of this.#members.values()) {
      if (m.id !== except?.id) m.deliver(out, lazy);
    }
    for (const listener of this.#listeners) listener(message);
  }
}
