/**
 * The nickname registry: who is online under which nickname, unique without
 * regard to case (S10, L3). It is its own piece, apart from routing (as
 * ergo's client manager is apart from its channels), so that an engine over
 * several nodes can keep it in one shared place.
 *
 * @module
 */

import { nickKey } from "../../wire/commands.ts";

/** What the registry holds: something with an id and a nickname. */
export interface Named {
  /** Unique, never reused. */
  readonly id: string;
  /** The nickname. */
  readonly nick: string;
}

/**
 * Nicknames claimed by members, in the order they were claimed.
 *
 * @example
 * ```ts
 * import { NickRegistry } from "./registry.ts";
 * import assert from "node:assert/strict";
 * const names = new NickRegistry();
 * assert.equal(names.claim({ id: "1", nick: "Ana" }), true);
 * assert.equal(names.claim({ id: "2", nick: "ana" }), false);
 * assert.equal(names.get("ANA")?.id, "1");
 * ```
 */
export class NickRegistry<T extends Named = Named> {
  readonly #byKey = new Map<string, T>();

  /** How many nicknames are claimed. */
  get size(): number {
    return this.#byKey.size;
  }

  /**
   * Claims a member's nickname.
   * @returns `false` when it is taken, in any case.
   */
  claim(member: T): boolean {
    const key = nickKey(member.nick);
    if (this.#byKey.has(key)) return false;
    this.#byKey.set(key, member);
    return true;
  }

  /**
   * Lets go of a member's nickname.
   * @returns `false` when the nickname is not this member's (by id).
   */
  release(member: Named): boolean {
    const key = nickKey(member.nick);
    if (this.#byKey.get(key)?.id !== member.id) return false;
    this.#byKey.delete(key);
    return true;
  }

  /** The member called `nick`, in any case. */
  get(nick: string): T | undefined {
    return this.#byKey.get(nickKey(nick));
  }

  /** The members, in the order they claimed their nicknames. */
  values(): IterableIterator<T> {
    return this.#byKey.values();
  }

  /** The nicknames, in the order they were claimed. */
  nicks(): string[] {
    return Array.from(this.#byKey.values(), (m) => m.nick);
  }
}
