/**
 * Who may connect (L5, L6, issue 15): the cap on clients, the optional cap
 * per address, and the caps on connections that have not chosen a nickname
 * yet, per address and in all, so that one student's loop of idle sockets
 * cannot fill the server while a class behind one NAT still joins at once.
 * Under pressure a new connection gets a shorter nickname timeout. Refusals
 * are logged once per episode, not once per socket.
 *
 * @module
 */

import type { CloseCause } from "./connection.ts";

/** The limits admission applies. */
export interface AdmissionLimits {
  /** L5: the most clients connected at once. */
  readonly maxClients: number;
  /** L5: the most connections from one address; 0 is no cap. */
  readonly maxPerIp: number;
  /** The most connections without a nickname from one address; 0 is no cap. */
  readonly maxPendingPerIp: number;
  /** The most connections without a nickname in all; 0 is no cap. */
  readonly maxPending: number;
  /** L6: milliseconds a new client has to choose a nickname. */
  readonly nickTimeoutMs: number;
}

/** The nickname timeout of a connection that came under pressure (L6). */
export const PRESSURE_NICK_TIMEOUT_MS = 10_000;

/**
 * Pressure, per address: more than this share of the per-address cap is
 * waiting (48 of 64 by default, so a class of 40 behind one NAT never
 * meets it); in all: more than half of the total cap.
 */
const PRESSURE_PER_IP = 3 / 4;
const PRESSURE_TOTAL = 1 / 2;

interface Address {
  open: number;
  pending: number;
}

/** The admission of connections for one server. */
export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #log: (line: string) => void;
  readonly #addresses = new Map<string, Address>();
  #open = 0;
  #pending = 0;
  /** Refusals counted since each episode began, by `cause address`. */
  readonly #episodes = new Map<string, number>();

  /**
   * @param limits The caps.
   * @param log Where the episodes are logged.
   */
  constructor(limits: AdmissionLimits, log: (line: string) => void) {
    this.#limits = limits;
    this.#log = log;
  }

  /** Connections without a nickname yet, in all. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Whether a new connection from `ip` may come in.
   *
   * @param ip The address.
   * @param peer `IP:port`, for the log.
   * @returns Why not, or `undefined` when it may.
   */
  admit(ip: string, peer: string): CloseCause | undefined {
    const limits = this.#limits;
    const here = this.#addresses.get(ip);
    let cause: CloseCause | undefined;
    if (this.#open >= limits.maxClients) cause = "serverFull";
    else if (limits.maxPerIp > 0 && (here?.open ?? 0) >= limits.maxPerIp) {
      cause = "tooManyFromAddress";
    } else if (limits.maxPendingPerIp > 0 && (here?.pending ?? 0) >= limits.maxPendingPerIp) {
      cause = "tooManyWaitingHere";
    } else if (limits.maxPending > 0 && this.#pending >= limits.maxPending) {
      cause = "tooManyWaiting";
    }
    if (cause !== undefined) this.#refused(cause, ip, peer);
    return cause;
  }

  /**
   * A connection came in: counted as open and waiting for its nickname.
   *
   * @param ip Its address.
   * @returns Its nickname timeout: shorter when unregistered connections press.
   */
  opened(ip: string): number {
    const here = this.#addresses.get(ip) ?? { open: 0, pending: 0 };
    this.#addresses.set(ip, here);
    here.open++;
    here.pending++;
    this.#open++;
    this.#pending++;
    const limits = this.#limits;
    const pressed = (limits.maxPendingPerIp > 0 &&
      here.pending > limits.maxPendingPerIp * PRESSURE_PER_IP) ||
      (limits.maxPending > 0 && this.#pending > limits.maxPending * PRESSURE_TOTAL);
    return pressed
      ? Math.min(limits.nickTimeoutMs, PRESSURE_NICK_TIMEOUT_MS)
      : limits.nickTimeoutMs;
  }

  /** A connection from `ip` chose its nickname. */
  registered(ip: string): void {
    const here = this.#addresses.get(ip);
    if (here === undefined || here.pending === 0) return;
    here.pending--;
    this.#pending--;
    this.#calm(ip);
  }

  /**
   * A connection from `ip` closed.
   *
   * @param pending Whether it never chose a nickname.
   */
  closed(ip: string, pending: boolean): void {
    const here = this.#addresses.get(ip);
    if (here === undefined) return;
    here.open--;
    this.#open--;
    if (pending) {
      here.pending--;
      this.#pending--;
    }
    if (here.open === 0) this.#addresses.delete(ip);
    this.#calm(ip);
  }

  /** The first refusal of an episode is logged; the others are counted. */
  #refused(cause: CloseCause, ip: string, peer: string): void {
    const key = cause === "tooManyWaiting" || cause === "serverFull"
      ? `${cause} *`
      : `${cause} ${ip}`;
    const count = this.#episodes.get(key);
    if (count === undefined) {
      this.#log(`refused ${peer} (${cause}); more refusals are counted until it eases`);
      this.#episodes.set(key, 0);
    } else this.#episodes.set(key, count + 1);
  }

  /** Ends the episodes that eased: below half their cap again. */
  #calm(ip: string): void {
    if (this.#episodes.size === 0) return;
    const limits = this.#limits;
    const here = this.#addresses.get(ip);
    const eased: [string, boolean][] = [
      [`tooManyWaitingHere ${ip}`, (here?.pending ?? 0) <= limits.maxPendingPerIp / 2],
      [`tooManyFromAddress ${ip}`, (here?.open ?? 0) <= limits.maxPerIp / 2],
      ["tooManyWaiting *", this.#pending <= limits.maxPending / 2],
      ["serverFull *", this.#open <= limits.maxClients * 0.9],
    ];
    for (const [key, calm] of eased) {
      const count = this.#episodes.get(key);
      if (count === undefined || !calm) continue;
      this.#episodes.delete(key);
      this.#log(`eased: ${key.replace(" *", "")}, ${count} more connections refused meanwhile`);
    }
  }
}
