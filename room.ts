/**
 * The chat room: who is online and where each line goes (S10-S12). It holds
 * no sockets: it delivers only through {@linkcode Member.send}, so it can be
 * tested with recording members and later be backed by another engine (one
 * room shared by several server nodes through Redis pub/sub, with its
 * nickname registry held there).
 *
 * @module
 */

import {
  encodeAscii,
  ENTRY_LIST_MAX,
  entryUsersLine,
  joinedLine,
  leftLine,
  nickKey,
  privateBytes,
  publicBytes,
  usersLines,
  welcomeLine,
} from "./protocol.ts";

/** Someone in the room: a nickname and a way to deliver lines to them. */
export interface Member {
  /** The nickname, as the user typed it. */
  readonly nick: string;
  /**
   * Queues bytes for the member, copying them (the caller may reuse `bytes`
   * at once). Never blocks.
   * @param bytes One or more whole lines.
   * @param lazy When `true` (join and leave notices), the line may wait a
   *   few milliseconds to be sent with others; the order of lines is kept.
   * @returns `false` when the member is being dropped and took nothing.
   */
  send(bytes: Uint8Array, lazy?: boolean): boolean;
}

/** A value, or a promise of it: what an engine over the network may return. */
export type Maybe<T> = T | Promise<T>;

/**
 * The room as the server sees it. {@linkcode LocalRoom} keeps it in memory;
 * an engine shared by several nodes implements the same methods (the ones
 * that must ask a shared registry may answer with a promise).
 */
export interface Room {
  /** How many members are online. */
  readonly size: number;
  /**
   * Adds a member under its nickname when the nickname is free (without
   * regard to case), sends it the welcome and the user list, and tells
   * everyone else (S10, S11).
   * @returns `false` when the nickname is taken (ERRO 01).
   */
  join(member: Member): Maybe<boolean>;
  /** Removes a member and tells everyone else (S11). Does nothing when it is not in. */
  leave(member: Member): void;
  /** Sends a public message from `from` to every other member (S12). */
  publish(from: Member, text: string): void;
  /**
   * Sends a private message from `from` to the member called `to` (S6, S12).
   * @returns `false` when no such member is online (ERRO 02).
   */
  whisper(from: Member, to: string, text: string): Maybe<boolean>;
  /** Sends the whole user list to `to` (X1). */
  listTo(to: Member): void;
  /** The nicknames online, in the order they joined. */
  nicks(): string[];
}

/** A room held in this process's memory: the single-node engine. */
export class LocalRoom implements Room {
  readonly #members = new Map<string, Member>();

  /** How many members are online. */
  get size(): number {
    return this.#members.size;
  }

  /**
   * Adds a member when its nickname is free.
   *
   * @example
   * ```ts
   * import { LocalRoom } from "./room.ts";
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * const room = new LocalRoom();
   * const member = (nick: string) => ({ nick, send: () => true });
   * assertEquals(room.join(member("Ana")), true);
   * assertEquals(room.join(member("ana")), false);
   * ```
   */
  join(member: Member): boolean {
    const key = nickKey(member.nick);
    if (this.#members.has(key)) return false;
    this.#members.set(key, member);
    member.send(encodeAscii(welcomeLine(member.nick) + this.#entryList()));
    this.#broadcast(member, encodeAscii(joinedLine(member.nick)), true);
    return true;
  }

  /** Removes a member and tells the others; a member not in the room is ignored. */
  leave(member: Member): void {
    const key = nickKey(member.nick);
    if (this.#members.get(key) !== member) return;
    this.#members.delete(key);
    this.#broadcast(member, encodeAscii(leftLine(member.nick)), true);
  }

  /** Sends `text` from `from` to every other member; the line is encoded once. */
  publish(from: Member, text: string): void {
    this.#broadcast(from, publicBytes(from.nick, text));
  }

  /** Sends `text` from `from` to `to` alone. */
  whisper(from: Member, to: string, text: string): boolean {
    const target = this.#members.get(nickKey(to));
    if (target === undefined) return false;
    target.send(privateBytes(from.nick, text));
    return true;
  }

  /** Sends the full user list to `to`. */
  listTo(to: Member): void {
    to.send(encodeAscii(usersLines(this.nicks())));
  }

  /** The nicknames online, in the order they joined. */
  nicks(): string[] {
    return Array.from(this.#members.values(), (m) => m.nick);
  }

  #entryList(): string {
    const first: string[] = [];
    for (const m of this.#members.values()) {
      if (first.length === ENTRY_LIST_MAX) break;
      first.push(m.nick);
    }
    return entryUsersLine(first, this.#members.size);
  }

  #broadcast(from: Member, bytes: Uint8Array, lazy = false): void {
    for (const m of this.#members.values()) {
      if (m !== from) m.send(bytes, lazy);
    }
  }
}
