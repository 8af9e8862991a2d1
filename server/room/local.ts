/**
 * The room held in this process's memory: the single-node engine, and the
 * default. It needs nothing outside the process.
 *
 * @module
 */

import { ENTRY_LIST_MAX } from "../../protocol.ts";
import { Outgoing } from "../../wire/messages.ts";
import { HistoryRing } from "./history.ts";
import { NickRegistry } from "./registry.ts";
import type { Member, Room } from "./room.ts";

/** Options of a {@linkcode LocalRoom}. */
export interface LocalRoomOptions {
  /** How many public messages to remember for latecomers (C4). @default {0} */
  history?: number;
}

/** A room held in this process's memory. */
export class LocalRoom implements Room {
  readonly #members = new NickRegistry<Member>();
  readonly #history: HistoryRing;

  /** @param options What the room remembers. */
  constructor(options: LocalRoomOptions = {}) {
    this.#history = new HistoryRing(options.history ?? 0);
  }

  /**
   * Adds a member when its nickname is free.
   *
   * @example
   * ```ts
   * import { LocalRoom } from "./local.ts";
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * const room = new LocalRoom();
   * const member = (id: string, nick: string) => ({ id, nick, deliver: () => true });
   * assertEquals(await room.join(member("1", "Ana")), true);
   * assertEquals(await room.join(member("2", "ana")), false);
   * ```
   */
  join(member: Member): Promise<boolean> {
    if (!this.#members.claim(member)) return Promise.resolve(false);
    const first: string[] = [];
    for (const m of this.#members.values()) {
      if (first.length === ENTRY_LIST_MAX) break;
      first.push(m.nick);
    }
    member.deliver(
      new Outgoing({ kind: "entry", nick: member.nick, first, total: this.#members.size }),
    );
    this.#broadcast(member, new Outgoing({ kind: "joined", nick: member.nick }), true);
    return Promise.resolve(true);
  }

  /** Removes a member and tells the others; a member not in the room is ignored. */
  leave(member: Member): Promise<void> {
    if (this.#members.release(member)) {
      this.#broadcast(member, new Outgoing({ kind: "left", nick: member.nick }), true);
    }
    return Promise.resolve();
  }

  /** Sends `text` from `from` to every other member; the line is rendered once. */
  publish(from: Member, text: string): Promise<void> {
    this.#history.push({ at: Date.now(), from: from.nick, text });
    this.#broadcast(from, new Outgoing({ kind: "public", from: from.nick, text }));
    return Promise.resolve();
  }

  /** Sends `text` from `from` to `to` alone. */
  whisper(from: Member, to: string, text: string): Promise<boolean> {
    const target = this.#members.get(to);
    if (target === undefined) return Promise.resolve(false);
    target.deliver(new Outgoing({ kind: "private", from: from.nick, text }));
    return Promise.resolve(true);
  }

  /** The nicknames online, in the order they joined. */
  nicks(): Promise<string[]> {
    return Promise.resolve(this.#members.nicks());
  }

  /** How many members are online. */
  size(): Promise<number> {
    return Promise.resolve(this.#members.size);
  }

  /** Nothing to let go of. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  #broadcast(from: Member, message: Outgoing, lazy = false): void {
    for (const m of this.#members.values()) {
      if (m.id !== from.id) m.deliver(message, lazy);
    }
  }
}
