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

import type { Outgoing } from "../../wire/messages.ts";

/** Someone in the room: an id, a nickname, and a way to deliver messages to them. */
export interface Member {
  /** Unique among every member of the room, on every node; never reused. */
  readonly id: string;
  /** The nickname, as the user typed it. */
  readonly nick: string;
  /**
   * Queues a message for the member. Never blocks; the message's bytes are
   * copied, and are never changed afterwards.
   * @param message The message, rendered once for all its receivers.
   * @param lazy When `true` (join and leave notices), the line may wait a
   *   few milliseconds to be sent with others; the order of lines is kept.
   * @returns `false` when the member is being dropped and took nothing.
   */
  deliver(message: Outgoing, lazy?: boolean): boolean;
}

/** The room, as any engine keeps it. */
export interface Room {
  /**
   * Adds a member under its nickname when the nickname is free (without
   * regard to case), sends it the welcome and the user list, and tells
   * everyone else (S10, S11).
   * @returns `false` when the nickname is taken (ERRO 01).
   */
  join(member: Member): Promise<boolean>;
  /** Removes a member and tells everyone else (S11). Does nothing when it is not in. */
  leave(member: Member): Promise<void>;
  /** Sends a public message from `from` to every other member (S12). */
  publish(from: Member, text: string): Promise<void>;
  /**
   * Sends a private message from `from` to the member called `to` (S6, S12).
   * @returns `false` when no such member is online (ERRO 02).
   */
  whisper(from: Member, to: string, text: string): Promise<boolean>;
  /** The nicknames online, in the order they joined (X1). */
  nicks(): Promise<string[]>;
  /** How many members are online. */
  size(): Promise<number>;
  /** Lets go of what the engine holds (connections to a broker); the room is not used after. */
  close(): Promise<void>;
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
 * Waits for a room call at most `ms` milliseconds: a stuck engine delays one
 * session, never the others or shutdown.
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RoomTimeout(what)), ms);
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}
