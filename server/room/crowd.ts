/**
 * Join and leave notices in a large room (P1): above a room size, each
 * member gets at most one `ENTROU` and one `SAIU` line a second, with the
 * count and the first names, instead of one line per person. Every member is
 * told of exactly the arrivals and departures after its own entry, as the
 * lines of a small room would have told it. Below the size, notices go one
 * per person, at once.
 *
 * @module
 */

import { Outgoing, type ServerMessage } from "../../wire/messages.ts";

/** A member as the crowd sees it. */
export interface CrowdMember {
  /** Unique, never reused. */
  readonly id: string;
  /** Delivers a message; see `Member.deliver`. */
  deliver(message: Outgoing, lazy?: boolean): boolean;
}

/** Options of a {@linkcode Crowd}. */
export interface CrowdOptions<M extends CrowdMember> {
  /** Above this many members online, notices are summarized; 0 never summarizes. */
  threshold: number;
  /** How often a summary goes out, in milliseconds. @default {1000} */
  intervalMs?: number;
  /** The members online, in the order they entered. */
  members: () => Iterable<M>;
  /** How many are online. */
  size: () => number;
}

/** The most names a summary shows before its count of the others. */
export const SUMMARY_NAMES = 3;

interface Notice {
  readonly seq: number;
  readonly nick: string;
}

/** The notices of one room, summarized when it is large. */
export class Crowd<M extends CrowdMember> {
  readonly #opts: CrowdOptions<M>;
  readonly #interval: number;
  /** Counts every join and leave; a member has seen all up to its entry's. */
  #seq = 0;
  readonly #entered = new Map<string, number>();
  #joins: Notice[] = [];
  #leaves: Notice[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param options The size, the pace, and the members. */
  constructor(options: CrowdOptions<M>) {
    this.#opts = options;
    this.#interval = options.intervalMs ?? 1000;
  }

  /** A member entered: it knows of everyone before it from its user list. */
  entered(member: M): void {
    this.#entered.set(member.id, ++this.#seq);
  }

  /**
   * Someone joined or left: says so to everyone but `except`, at once in a
   * small room, in the next summary in a large one.
   */
  notice(message: Extract<ServerMessage, { kind: "joined" | "left" }>, except: M): void {
    const pending = this.#timer !== undefined;
    const threshold = this.#opts.threshold;
    if (!pending && (threshold === 0 || this.#opts.size() <= threshold)) {
      const out = new Outgoing(message);
      for (const m of this.#opts.members()) if (m.id !== except.id) m.deliver(out, true);
      if (message.kind === "left") this.#entered.delete(except.id);
      return;
    }
    const seq = message.kind === "joined"
      ? this.#entered.get(except.id) ?? ++this.#seq
      : ++this.#seq;
    (message.kind === "joined" ? this.#joins : this.#leaves).push({ seq, nick: message.nick });
    if (message.kind === "left") this.#entered.delete(except.id);
    this.#timer ??= setTimeout(() => this.flush(), this.#interval);
  }

  /** Sends the summaries waiting now (and stops the timer). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const joins = this.#joins;
    const leaves = this.#leaves;
    this.#joins = [];
    this.#leaves = [];
    const online = this.#opts.size();
    // Members that entered before the first notice share one message of each kind.
    const first = Math.min(joins[0]?.seq ?? Infinity, leaves[0]?.seq ?? Infinity);
    const shared = new Map<string, Outgoing | undefined>();
    for (const m of this.#opts.members()) {
      const since = this.#entered.get(m.id) ?? 0;
      const key = since < first ? "all" : String(since);
      for (const [kind, list] of [["joined", joins], ["left", leaves]] as const) {
        const cacheKey = `${kind} ${key}`;
        let out = shared.get(cacheKey);
        if (!shared.has(cacheKey)) {
          const after = key === "all" ? list : list.filter((n) => n.seq > since);
          out = after.length === 0 ? undefined : new Outgoing({
            kind: kind === "joined" ? "joinedMany" : "leftMany",
            count: after.length,
            online,
            names: after.slice(0, SUMMARY_NAMES).map((n) => n.nick),
          });
          shared.set(cacheKey, out);
        }
        if (out !== undefined) m.deliver(out, true);
      }
      // Only the members that entered during this second need their own messages.
      if (key !== "all") shared.delete(`joined ${key}`), shared.delete(`left ${key}`);
    }
  }

  /** Stops the timer; what waits is dropped (the room is closing). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
