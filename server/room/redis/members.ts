/**
 * This node's own members of a shared room, and how the room's events reach
 * them (N1). Everything a member receives from the room comes from the
 * stream, in the stream's order, the sender's own node included; a member
 * is given the events after its own join entry, and its welcome first.
 *
 * A join is two things that may arrive in either order: the join script's
 * reply (the welcome, the list and the history as they were when the
 * nickname was claimed) and the join's entry read back from the stream.
 * Until both are in, what the stream brings after the join entry waits in
 * the member's own small buffer.
 *
 * @module
 */

import { nickKey } from "../../../wire/commands.ts";
import { Outgoing, type ServerMessage } from "../message.ts";
import { type Member, RoomUnavailable } from "../room.ts";
import type { Run } from "./run.ts";

/** A member joining: its welcome, and what came after its join entry. */
interface Joining {
  readonly member: Member;
  entry: Outgoing | undefined;
  seen: boolean;
  readonly waiting: [Outgoing, boolean][];
  readonly done: () => void;
  readonly fail: (e: Error) => void;
}

/** The members this node holds, and those joining. */
export class LocalMembers {
  readonly #live = new Map<string, Member>();
  readonly #byKey = new Map<string, Member>();
  readonly #joining = new Map<string, Joining>();

  /** How many members are in (not joining). */
  get size(): number {
    return this.#live.size;
  }

  /** The members in, in the order they came in. */
  values(): IterableIterator<Member> {
    return this.#live.values();
  }

  /** The member with this id, in. */
  get(id: string): Member | undefined {
    return this.#live.get(id);
  }

  /** The member with this id, joining (its welcome not sent yet). */
  joining(id: string): Member | undefined {
    return this.#joining.get(id)?.member;
  }

  /** The member in with this nickname, in any case. */
  byNick(nick: string): Member | undefined {
    return this.#byKey.get(nickKey(nick));
  }

  /**
   * Starts a member's join, before the join script runs.
   * @returns A promise that resolves once the member is in and has its welcome.
   */
  expect(member: Member): Promise<void> {
    return new Promise((done, fail) => {
      this.#joining.set(member.id, {
        member,
        entry: undefined,
        seen: false,
        waiting: [],
        done,
        fail,
      });
    });
  }

  /** The join script claimed the nickname: the member's welcome. */
  welcome(id: string, entry: Outgoing): void {
    const j = this.#joining.get(id);
    if (j === undefined) return;
    j.entry = entry;
    if (j.seen) this.#finish(j);
  }

  /** The join did not happen, or is given up. */
  cancel(id: string): void {
    this.#joining.delete(id);
  }

  /** Lets a member go (it leaves, or is removed): it is sent nothing more. */
  delete(member: Member): boolean {
    this.#joining.delete(member.id);
    if (!this.#live.delete(member.id)) return false;
    const key = nickKey(member.nick);
    if (this.#byKey.get(key)?.id === member.id) this.#byKey.delete(key);
    return true;
  }

  /** Every member joining is given up (the broker is away); their joins fail. */
  cancelAll(why: string): void {
    for (const j of this.#joining.values()) j.fail(new RoomUnavailable(why));
    this.#joining.clear();
  }

  /**
   * Delivers a room message to every member in but `except`, rendered once,
   * and keeps it for those joining whose join entry came before it.
   */
  deliver(message: ServerMessage, except: string | undefined, lazy: boolean): Outgoing {
    const out = new Outgoing(message);
    for (const m of this.#live.values()) {
      if (m.id !== except) m.deliver(out, lazy);
    }
    for (const j of this.#joining.values()) {
      if (j.seen && j.member.id !== except) j.waiting.push([out, lazy]);
    }
    return out;
  }

  /**
   * Delivers a run of public messages (P4): to each member in, all but its
   * own as one piece; to each member joining, message by message.
   */
  deliverRun(run: Run): void {
    for (const m of this.#live.values()) {
      const out = run.forMember(m.id);
      if (out !== undefined) m.deliver(out, false);
    }
    for (const j of this.#joining.values()) {
      if (!j.seen) continue;
      for (const { out, from } of run.items) if (from !== j.member.id) j.waiting.push([out, false]);
    }
  }

  /** The stream brought the join entry of member `id`. */
  joined(id: string): void {
    const j = this.#joining.get(id);
    if (j === undefined) return;
    j.seen = true;
    if (j.entry !== undefined) this.#finish(j);
  }

  #finish(j: Joining): void {
    this.#joining.delete(j.member.id);
    j.member.deliver(j.entry!);
    for (const [out, lazy] of j.waiting) j.member.deliver(out, lazy);
    this.#live.set(j.member.id, j.member);
    this.#byKey.set(nickKey(j.member.nick), j.member);
    j.done();
  }
}
