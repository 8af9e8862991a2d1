/**
 * What one address may do, whatever its connections (L9, L10): guess the
 * teacher's token a few times (`TokenGuard`), and share one budget of
 * lines and one of registrations (`AddressBuckets`). The time comes from an
 * injected clock (`Timers.now`), so tests need not sleep. Memory stays bounded: an entry
 * that no longer holds anything back is let go.
 *
 * @module
 */

import { type Clock, SYSTEM_TIMERS } from "../common/time.ts";
import { TokenBucket } from "./flow.ts";

/** L9: wrong tokens from one address that lock it out. */
export const TOKEN_TRIES = 5;
/** L9: the window those wrong tries are counted in, and how long the lock lasts. */
export const TOKEN_WINDOW_MS = 10 * 60_000;

/** Entries past which the maps are swept of the ones that hold nothing back. */
const SWEEP_AT = 4096;

interface Guesses {
  /** When the recent wrong tries were made, oldest first (at most {@linkcode TOKEN_TRIES}). */
  times: number[];
  /** Until when `{admin}` is refused to the address (0: it is not). */
  lockedUntil: number;
}

/**
 * L9: per address, {@linkcode TOKEN_TRIES} wrong tokens within
 * {@linkcode TOKEN_WINDOW_MS} lock `{admin}` for that address for as long:
 * refused without the token being checked, so the right one does not get in
 * either. Other addresses are not affected (a student never locks the
 * teacher out).
 *
 * @example
 * ```ts
 * import { TokenGuard } from "./guard.ts";
 * import assert from "node:assert/strict";
 * let now = 0;
 * const guard = new TokenGuard({ now: () => now });
 * for (let i = 0; i < 4; i++) assert.equal(guard.wrong("10.0.0.9"), false);
 * assert.equal(guard.wrong("10.0.0.9"), true); // the fifth locks
 * assert.equal(guard.lockedFor("10.0.0.9"), 600_000);
 * assert.equal(guard.lockedFor("10.0.0.1"), 0);
 * now += 600_000;
 * assert.equal(guard.lockedFor("10.0.0.9"), 0);
 * ```
 */
export class TokenGuard {
  readonly #clock: Clock;
  readonly #byAddress = new Map<string, Guesses>();

  /** @param clock The time now. @default {SYSTEM_TIMERS} */
  constructor(clock: Clock = SYSTEM_TIMERS) {
    this.#clock = clock;
  }

  /** How many milliseconds `{admin}` stays refused to `ip` (0 when it is not). */
  lockedFor(ip: string): number {
    const g = this.#byAddress.get(ip);
    if (g === undefined) return 0;
    const left = g.lockedUntil - this.#clock.now();
    return left > 0 ? left : 0;
  }

  /**
   * Counts a wrong token from `ip`.
   * @returns Whether this try locked the address (an episode begins: log it once).
   */
  wrong(ip: string): boolean {
    const now = this.#clock.now();
    if (this.#byAddress.size >= SWEEP_AT) this.#sweep(now);
    let g = this.#byAddress.get(ip);
    if (g === undefined) this.#byAddress.set(ip, g = { times: [], lockedUntil: 0 });
    g.times = g.times.filter((t) => now - t < TOKEN_WINDOW_MS);
    g.times.push(now);
    if (g.times.length < TOKEN_TRIES) return false;
    g.times = [];
    g.lockedUntil = now + TOKEN_WINDOW_MS;
    return true;
  }

  #sweep(now: number): void {
    for (const [ip, g] of this.#byAddress) {
      if (g.lockedUntil <= now && g.times.every((t) => now - t >= TOKEN_WINDOW_MS)) {
        this.#byAddress.delete(ip);
      }
    }
  }
}

/** What an address shares: one budget of lines, one of registrations (L10). */
export interface AddressBudget {
  /** Lines of all the address's connections. */
  readonly lines: TokenBucket;
  /** Nicknames registered from the address. */
  readonly joins: TokenBucket;
  /** When either was last used. */
  last: number;
}

/** The budgets each address shares (L10). */
export interface BudgetLimits {
  /** Lines the address's connections may send at once, together; 0 is no budget. */
  readonly ipFloodBurst: number;
  /** Lines a second the address's connections may keep sending, together. */
  readonly ipFloodRate: number;
  /** Registrations the address may make at once (a class behind one NAT). */
  readonly joinBurst: number;
  /** Registrations a minute the address may keep making. */
  readonly joinRate: number;
}

/**
 * L10: one budget of lines and one of registrations per address, shared by
 * all its connections and kept between them (a loop that reconnects starts
 * where its last connection left off).
 *
 * @example
 * ```ts
 * import { AddressBuckets } from "./guard.ts";
 * import assert from "node:assert/strict";
 * let now = 0;
 * const budgets = new AddressBuckets(
 *   { ipFloodBurst: 2, ipFloodRate: 1, joinBurst: 1, joinRate: 60 },
 *   { now: () => now },
 * );
 * const b = budgets.of("10.0.0.9");
 * assert.equal(b.joins.take(now), 0);
 * assert.equal(b.joins.take(now), 1000); // the next join in a second
 * assert.equal(budgets.of("10.0.0.9"), b); // the same budget for the address
 * ```
 */
export class AddressBuckets {
  readonly #limits: BudgetLimits;
  readonly #clock: Clock;
  readonly #byAddress = new Map<string, AddressBudget>();
  /** How long an unused budget takes to fill again (then it is let go). */
  readonly #refillMs: number;

  /**
   * @param limits The budgets' sizes.
   * @param clock The time now. @default {SYSTEM_TIMERS}
   */
  constructor(limits: BudgetLimits, clock: Clock = SYSTEM_TIMERS) {
    this.#limits = limits;
    this.#clock = clock;
    const lines = limits.ipFloodRate > 0 ? (limits.ipFloodBurst / limits.ipFloodRate) * 1000 : 0;
    const joins = limits.joinRate > 0 ? (limits.joinBurst / limits.joinRate) * 60_000 : 0;
    this.#refillMs = Math.max(lines, joins);
  }

  /** The budget of `ip`, made when it has none. */
  of(ip: string): AddressBudget {
    const now = this.#clock.now();
    let b = this.#byAddress.get(ip);
    if (b === undefined) {
      if (this.#byAddress.size >= SWEEP_AT) this.#sweep(now);
      const l = this.#limits;
      b = {
        lines: new TokenBucket(Math.max(1, l.ipFloodBurst), Math.max(1, l.ipFloodRate), now),
        joins: new TokenBucket(Math.max(1, l.joinBurst), Math.max(1, l.joinRate) / 60, now),
        last: now,
      };
      this.#byAddress.set(ip, b);
    }
    b.last = now;
    return b;
  }

  #sweep(now: number): void {
    for (const [ip, b] of this.#byAddress) {
      if (now - b.last > this.#refillMs) this.#byAddress.delete(ip);
    }
  }
}
