/**
 * Join and leave notices in a large room (P1): above a room size, each
 * member gets at most one `ENTROU` and one `SAIU` line a second, with the
 * count and the first names, instead of one line per person. Every member is
 * told of exactly the arrivals and departures after its own entry, as the
 * lines of a small room would have told it. Below the size, notices go one
 * per person, at once.
 *
 * A churning address (L10) is summarized the same way in a room of any size:
 * after its first {@linkcode CHURN_PAIRS} leaves in a minute, its joins and
 * leaves wait for the next summary, where one who came and went within it is
 * no news, so a reconnecting loop costs the room at most a line or two a second.
 *
 * @module
 */

import { SYSTEM_TIMERS, type Timers } from "../../common/time.ts";
import { Outgoing, type ServerMessage } from "./message.ts";

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
  /** The timers the summaries wait with, and the clock of the churn window (a test's own). @default {SYSTEM_TIMERS} */
  timers?: Timers;
  /** The members online, in the order they entered. */
  members: () => Iterable<M>;
  /** How many are online. */
  size: () => number;
  /** A member's address, for the churn hold (L10); without it nothing is held for churn. */
  address?: (member: M) => string;
  /** Leaves an address is announced one by one in a minute before it is summarized. @default {CHURN_PAIRS} */
  churnPairs?: number;
}

/** Join/leave pairs of one address announced one by one in a minute before the rest are summarized (L10). */
export const CHURN_PAIRS = 5;
/** The window an address's leaves are counted in. */
export const CHURN_WINDOW_MS = 60_000;
/** Addresses remembered before expired windows are pruned. */
const CHURN_PRUNE = 4096;

/** The most names a summary shows before its count of the others. */
export const SUMMARY_NAMES = 3;

interface Notice {
  readonly seq: number;
  readonly kind: "joined" | "left";
  readonly nick: string;
  /** A departure the teacher caused (C3): said as such, never folded into a count. */
  readonly removed: boolean;
}

/** The notices of one room, summarized when it is large. */
export class Crowd<M extends CrowdMember> {
  readonly #opts: CrowdOptions<M>;
  readonly #interval: number;
  /** Counts every join and leave; a member has seen all up to its entry's. */
  #seq = 0;
  readonly #entered = new Map<string, number>();
  #events: Notice[] = [];
  readonly #timers: Timers;
  #timer: unknown;
  /** Per address, the churn window's start and leaves in it (L10). */
  readonly #churn = new Map<string, { start: number; pairs: number }>();

  /** @param options The size, the pace, and the members. */
  constructor(options: CrowdOptions<M>) {
    this.#opts = options;
    this.#interval = options.intervalMs ?? 1000;
    this.#timers = options.timers ?? SYSTEM_TIMERS;
  }

  /** Whether a notice now would wait for the next summary (the room is large, or one is due). */
  get summarizing(): boolean {
    const threshold = this.#opts.threshold;
    return this.#timer !== undefined || (threshold > 0 && this.#opts.size() > threshold);
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
    const held = this.#churning(message.kind, except);
    if (!pending && !held && (threshold === 0 || this.#opts.size() <= threshold)) {
      const out = new Outgoing(message);
      for (const m of this.#opts.members()) if (m.id !== except.id) m.deliver(out, true);
      if (message.kind === "left") this.#entered.delete(except.id);
      return;
    }
    const seq = message.kind === "joined"
      ? this.#entered.get(except.id) ?? ++this.#seq
      : ++this.#seq;
    const removed = message.kind === "left" && message.removed === true;
    this.#events.push({ seq, kind: message.kind, nick: message.nick, removed });
    if (message.kind === "left") this.#entered.delete(except.id);
    this.#timer ??= this.#timers.setTimeout(() => this.flush(), this.#interval);
  }

  /**
   * Counts a leave of `member`'s address; whether its notices are held for
   * the summary (L10): a class joining at once behind one NAT leaves nothing
   * to count, a loop that comes and goes does.
   */
  #churning(kind: "joined" | "left", member: M): boolean {
    const address = this.#opts.address?.(member);
    if (address === undefined) return false;
    const now = this.#timers.now();
    const churn = this.#churn;
    if (churn.size > CHURN_PRUNE) {
      for (const [a, w] of churn) if (now - w.start >= CHURN_WINDOW_MS) churn.delete(a);
    }
    let w = churn.get(address);
    if (w === undefined || now - w.start >= CHURN_WINDOW_MS) {
      if (kind === "joined") return false;
      churn.set(address, w = { start: now, pairs: 0 });
    }
    if (kind === "left") w.pairs++;
    return w.pairs > (this.#opts.churnPairs ?? CHURN_PAIRS);
  }

  /** Sends the summaries waiting now (and stops the timer). */
  flush(): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const events = this.#events;
    this.#events = [];
    if (events.length === 0) return;
    const online = this.#opts.size();
    // Members that entered before the first notice share one set of messages.
    const first = events[0]!.seq;
    let shared: Outgoing[] | undefined;
    for (const m of this.#opts.members()) {
      const since = this.#entered.get(m.id) ?? 0;
      const outs = since < first
        ? (shared ??= summaries(events, online))
        : summaries(events.filter((e) => e.seq > since), online);
      for (const out of outs) m.deliver(out, true);
    }
  }

  /** Stops the timer; what waits is dropped (the room is closing). */
  close(): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * What a member is told of `events`: each nickname netted to its final
 * state (one who left and came back within the second is no news), the
 * joins in one summary, the departures in another, and each removal by the
 * teacher as its own line.
 */
function summaries(events: readonly Notice[], online: number): Outgoing[] {
  const byNick = new Map<string, { first: Notice; last: Notice }>();
  for (const e of events) {
    const key = e.nick.toLowerCase();
    const seen = byNick.get(key);
    if (seen === undefined) byNick.set(key, { first: e, last: e });
    else seen.last = e;
  }
  const joins: string[] = [];
  const leaves: string[] = [];
  const out: Outgoing[] = [];
  for (const { first, last } of byNick.values()) {
    if (first.kind !== last.kind) continue; // back where it was
    if (last.kind === "joined") joins.push(last.nick);
    else if (last.removed) out.push(new Outgoing({ kind: "left", nick: last.nick, removed: true }));
    else leaves.push(last.nick);
  }
  const many = (kind: "joinedMany" | "leftMany", names: string[]) =>
    new Outgoing({ kind, count: names.length, online, names: names.slice(0, SUMMARY_NAMES) });
  if (leaves.length > 0) out.unshift(many("leftMany", leaves));
  if (joins.length > 0) out.unshift(many("joinedMany", joins));
  return out;
}
