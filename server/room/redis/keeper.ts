/**
 * The node's standing in the shared room (N3, N5): its lease, renewed every
 * second, with the reaping of dead nodes in the same script; whether Redis
 * is there (`up`), away (`down`) or being caught up with (`recovering`);
 * and the recovery after an outage or a lost lease: the node takes its
 * lease and its users back, and a user whose nickname someone else took
 * meanwhile is told and disconnected.
 *
 * @module
 */

import { errorName } from "../../log.ts";
import { RoomUnavailable, withDeadline } from "../room.ts";
import { idAfter } from "./events.ts";
import type { LocalMembers } from "./members.ts";
import type { Store } from "./store.ts";

/** Whether the room's broker can be used. */
export type LinkState = "up" | "down" | "recovering" | "closed";

/** Options of a {@linkcode Keeper}. */
export interface KeeperOptions {
  /** Milliseconds a lease lasts (N3). */
  leaseMs: number;
  /** Milliseconds between renewals. */
  renewMs: number;
  /** The room's epoch as this node knows it. */
  epoch: string;
  /** What Redis is, for log lines (its URL). */
  where: string;
  /** Writes a log line. */
  log(line: string): void;
  /** Whether the command connection is ready (recovery is tried only then). */
  ready(): boolean;
}

/** Keeps the node's lease, and the room usable or plainly not. */
export class Keeper {
  readonly #store: Store;
  readonly #members: LocalMembers;
  readonly #o: KeeperOptions;
  #state: LinkState = "up";
  #epoch: string;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing: Promise<void> | undefined;
  #recovering: Promise<void> | undefined;
  #failSaid = false;
  /** The room stream's last entry when the last reclaim was done: what it answered. */
  #reclaimedAt = "0-0";

  /**
   * @param store The room in Redis.
   * @param members This node's members.
   * @param options Lease, epoch and what to tell.
   */
  constructor(store: Store, members: LocalMembers, options: KeeperOptions) {
    this.#store = store;
    this.#members = members;
    this.#o = options;
    this.#epoch = options.epoch;
    this.#timer = setInterval(() => this.#tick(), options.renewMs);
  }

  /** The broker's state. */
  get state(): LinkState {
    return this.#state;
  }

  /**
   * Throws unless the room can be used now.
   * @throws {RoomUnavailable} While Redis is away or being caught up with.
   */
  ensureUp(): void {
    if (this.#state === "up") return;
    throw new RoomUnavailable(
      this.#state === "closed" ? "the room is closed" : `Redis at ${this.#o.where} is unavailable`,
    );
  }

  /** A connection to Redis was lost or failed: said once, and every join waiting fails. */
  down(why: string): void {
    if (this.#state === "closed") return;
    if (this.#state !== "down") {
      this.#failSaid = false;
      this.#o.log(
        `redis lost (${why}): new logins refused, messages not sent, until Redis at ${this.#o.where} is back`,
      );
    }
    this.#state = "down";
    this.#members.cancelAll(why);
  }

  /**
   * Something says this node lost its lease: take it back now.
   * @param at The stream entry that says so, when one does: an entry the last
   *   reclaim answered already (a reader catching up after an outage reads the
   *   reaper's "gone" of users the reclaim took back) is no reason for another,
   *   which would refuse every call while it runs.
   */
  suspect(at?: string): void {
    if (at !== undefined && !idAfter(at, this.#reclaimedAt)) return;
    if (this.#state === "up") void this.#recover("this node's users were announced gone");
  }

  /** Redis answers again: catch up with it. */
  up(): void {
    if (this.#state === "down") void this.#recover("redis is back");
  }

  /**
   * Stops renewing; the lease ends with the node's goodbye or runs out. A
   * call still waiting on Redis is not waited for: it fails when the
   * connection is dropped.
   */
  close(): void {
    this.#state = "closed";
    clearInterval(this.#timer);
  }

  #tick(): void {
    if (this.#renewing !== undefined || this.#recovering !== undefined) return;
    if (this.#state === "down") {
      if (this.#o.ready()) void this.#recover("redis answers again");
      return;
    }
    if (this.#state !== "up") return;
    const deadline = this.#o.leaseMs / 2;
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.#renewing = Promise.race([
      this.#store.renew(this.#o.leaseMs),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadline} ms`)), deadline);
      }),
    ]).then((r) => {
      if (r.nodes > 0) {
        this.#o.log(`redis: ${r.nodes} dead node(s) reaped, ${r.members} user(s) announced gone`);
      }
      if (!r.had && this.#state === "up") {
        void this.#recover("this node's lease had run out");
      }
    }, (e) => {
      if (this.#state === "up") this.down(`lease renewal: ${errorName(e)}`);
    }).finally(() => {
      clearTimeout(timer);
      this.#renewing = undefined;
    });
  }

  /** Takes the lease and the users back; the room is usable again when it is done. */
  #recover(why: string): Promise<void> {
    this.#recovering ??= this.#reclaim(why).finally(() => this.#recovering = undefined);
    return this.#recovering;
  }

  async #reclaim(why: string): Promise<void> {
    if (this.#state === "closed") return;
    this.#state = "recovering";
    try {
      const ms = this.#o.leaseMs;
      const epoch = await withDeadline(this.#store.epoch(crypto.randomUUID()), ms, "epoch");
      const lost = epoch !== this.#epoch;
      if (lost) {
        this.#o.log(
          "redis lost the room's data (restarted without persistence): users re-claimed by their " +
            "nodes; bans, lock, mutes and history are gone",
        );
        this.#epoch = epoch;
      }
      const { had, taken, at } = await withDeadline(
        this.#store.reclaim(this.#o.leaseMs, !lost, this.#members.values()),
        ms,
        "reclaim",
      );
      for (const id of taken) {
        const m = this.#members.get(id);
        if (m === undefined) continue;
        this.#members.delete(m);
        this.#o.log(`redis: ${m.nick} was taken by another user meanwhile; disconnected`);
        m.remove("nickLost");
      }
      if (this.#state !== "recovering") return;
      this.#reclaimedAt = at;
      this.#state = "up";
      this.#o.log(
        `redis back (${why}${had ? "" : "; lease renewed"}): ${this.#members.size} user(s) kept, ` +
          `${taken.length} lost their nickname`,
      );
    } catch (e) {
      if (this.#state === "recovering") this.#state = "down";
      if (!this.#failSaid) this.#o.log(`redis: recovery failed, retrying: ${errorName(e)}`);
      this.#failSaid = true;
    }
  }
}
