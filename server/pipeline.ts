/**
 * A session's messages in flight (P4): with a remote room (Redis), a session
 * does not wait for one message's round trip before it reads its next line.
 * Each public or private message's room call starts at once, in the order of
 * the lines (one connection to Redis keeps that order), up to
 * {@linkcode PIPELINE_DEPTH} at a time; the replies each line makes (`OK`,
 * `ERRO`) wait for the earlier lines' and leave in the order of the lines.
 *
 * @example
 * ```ts ignore
 * const pipe = new Pipeline(session);
 * const full = pipe.start((caller) => dispatch(caller, command)); // a promise only when full
 * await pipe.drain(); // before a line that must wait for the others (a command, {quit})
 * ```
 *
 * @module
 */

import type { Role } from "../protocol.ts";
import type { Caller, SessionHost } from "./commands.ts";
import type { Member } from "./room/room.ts";

/** The most lines of one session whose room calls are under way at once. */
export const PIPELINE_DEPTH = 64;

/** One line in flight: the replies it made, held until the earlier lines' have left. */
export interface Slot {
  /** The replies made, not yet sent. */
  readonly out: Uint8Array[];
  /** Whether the line's work has ended. */
  done: boolean;
}

/** A session's lines in flight, their replies sent in the lines' order. */
export class Pipeline {
  readonly #session: Caller;
  readonly #slots: Slot[] = [];
  #head = 0;
  #room: (() => void)[] = [];
  #empty: (() => void)[] = [];

  /** @param session Whose lines; its `send` gets the replies, in order. */
  constructor(session: Caller) {
    this.#session = session;
  }

  /** How many lines are in flight. */
  get size(): number {
    return this.#slots.length - this.#head;
  }

  /**
   * Starts a line's work now, with a caller whose replies wait their turn.
   * @param work The line's handler; it must not reject (the session catches).
   * @returns A promise while the pipeline is full (read no further until it settles).
   */
  start(work: (caller: Caller) => void | Promise<void>): void | Promise<void> {
    const slot: Slot = { out: [], done: false };
    this.#slots.push(slot);
    const done = work(new LineCaller(this.#session, this, slot));
    if (done === undefined) this.#finish(slot);
    else done.then(() => this.#finish(slot));
    if (this.size < PIPELINE_DEPTH) return;
    return new Promise((resolve) => this.#room.push(resolve));
  }

  /** @returns A promise until every line in flight has replied; nothing when none is. */
  drain(): void | Promise<void> {
    if (this.size === 0) return;
    return new Promise((resolve) => this.#empty.push(resolve));
  }

  /** Whether `slot` is the oldest line in flight (its replies may leave at once). */
  first(slot: Slot): boolean {
    return this.#slots[this.#head] === slot;
  }

  #finish(slot: Slot): void {
    slot.done = true;
    const slots = this.#slots;
    while (this.#head < slots.length && slots[this.#head]!.done) {
      for (const bytes of slots[this.#head]!.out) this.#session.send(bytes);
      this.#head++;
    }
    if (this.#head === slots.length) {
      slots.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024) {
      slots.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.size < PIPELINE_DEPTH && this.#room.length > 0) {
      const waiting = this.#room;
      this.#room = [];
      for (const resolve of waiting) resolve();
    }
    if (this.size === 0 && this.#empty.length > 0) {
      const waiting = this.#empty;
      this.#empty = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/** The session as one line's caller: everything is the session's but where replies go. */
class LineCaller implements Caller {
  readonly #s: Caller;
  readonly #pipe: Pipeline;
  readonly #slot: Slot;

  constructor(s: Caller, pipe: Pipeline, slot: Slot) {
    this.#s = s;
    this.#pipe = pipe;
    this.#slot = slot;
  }

  get nick(): string {
    return this.#s.nick;
  }
  get who(): string {
    return this.#s.who;
  }
  get role(): Role {
    return this.#s.role;
  }
  set role(role: Role) {
    this.#s.role = role;
  }
  get host(): SessionHost {
    return this.#s.host;
  }
  get member(): Member | undefined {
    return this.#s.member;
  }
  get muted(): boolean {
    return this.#s.muted;
  }
  send(bytes: Uint8Array): void {
    if (this.#pipe.first(this.#slot)) this.#s.send(bytes);
    else this.#slot.out.push(bytes);
  }
  call<T>(call: Promise<T>, what: string): Promise<T> {
    return this.#s.call(call, what);
  }
  quit(bye: Uint8Array): void {
    this.#s.quit(bye);
  }
  wrongToken(): void {
    this.#s.wrongToken();
  }
}
