/**
 * L4 flood control: a token bucket per client, and the gate that holds back
 * a client's excess lines (delayed, never dropped) with one `ERRO 10` per
 * burst.
 *
 * @module
 */

import { type Clock, SYSTEM_TIMERS } from "../common/time.ts";

/**
 * L4 flood control: a bucket of `burst` tokens that refills at `rate` tokens
 * a second; each line takes one.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./flow.ts";
 * import { strictEqual as assertEquals } from "node:assert/strict";
 * const bucket = new TokenBucket(2, 10, 0);
 * assertEquals(bucket.take(0), 0);
 * assertEquals(bucket.take(0), 0);
 * assertEquals(bucket.take(0), 100); // the third line waits 100 ms
 * assertEquals(bucket.take(100), 0);
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #burst: number;
  readonly #rate: number;

  /**
   * @param burst Lines that may come at once.
   * @param rate Lines a second that may keep coming.
   * @param now The time now, in milliseconds.
   */
  constructor(burst: number, rate: number, now: number = Date.now()) {
    this.#burst = burst;
    this.#rate = rate;
    this.#tokens = burst;
    this.#last = now;
  }

  /**
   * Takes a token when there is one.
   *
   * @param now The time now, in milliseconds.
   * @returns 0 when a token was taken, else the milliseconds until there is one.
   */
  take(now: number): number {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.#rate);
  }
}

/** What a {@linkcode FloodGate} needs of a connection: a warning line and a sleep. */
export interface Gated {
  /** Whether the connection is closing (the gate stops waiting). */
  readonly closing: boolean;
  /** Queues a line for the client. */
  send(bytes: Uint8Array): boolean;
  /** Resolves after `ms`, or sooner when the connection closes. */
  sleep(ms: number): Promise<void>;
}

/**
 * Lets a client's lines through at the bucket's pace (L4), and at its
 * address's shared pace when one is given (L10): every line counts, answered
 * with an error or not; an excess line waits for its token (delayed, not
 * dropped), and the first wait of a burst is told with the given warning
 * (ERRO 10).
 */
export class FloodGate extends TokenBucket {
  readonly #warning: Uint8Array;
  readonly #shared: TokenBucket | undefined;
  readonly #clock: Clock;
  /** Whether the connection's own bucket counts (a burst of 0 turns it off). */
  readonly #own: boolean;
  /** The connection's own token is taken; the line waits for the address's. */
  #ownTaken = false;
  #warned = false;

  /**
   * @param burst Lines that may come at once; 0 for no limit of the connection's own.
   * @param rate Lines a second that may keep coming.
   * @param warning The line sent when a burst starts to wait.
   * @param shared The budget the connection's address shares (L10), if any.
   * @param clock The time now. @default {SYSTEM_TIMERS}
   */
  constructor(
    burst: number,
    rate: number,
    warning: Uint8Array,
    shared?: TokenBucket,
    clock: Clock = SYSTEM_TIMERS,
  ) {
    super(Math.max(1, burst), Math.max(1, rate), clock.now());
    this.#own = burst > 0;
    this.#warning = warning;
    this.#shared = shared;
    this.#clock = clock;
  }

  /**
   * Waits until the next line of `c` may be handled.
   *
   * @returns `true` at once when the line may pass now, else a promise of
   *   whether it may (`false` when the connection closed meanwhile).
   */
  pass(c: Gated): true | Promise<boolean> {
    const wait = this.#next();
    if (wait === 0) {
      this.#warned = false;
      return true;
    }
    return this.#wait(c, wait);
  }

  /** Takes the connection's token, then the address's: 0, or how long to wait for one. */
  #next(): number {
    const now = this.#clock.now();
    if (this.#own && !this.#ownTaken) {
      const wait = this.take(now);
      if (wait > 0) return wait;
    }
    const wait = this.#shared?.take(now) ?? 0;
    this.#ownTaken = wait > 0;
    return wait;
  }

  async #wait(c: Gated, first: number): Promise<boolean> {
    let wait = first;
    while (wait > 0) {
      if (!this.#warned) c.send(this.#warning);
      this.#warned = true;
      await c.sleep(wait);
      if (c.closing) return false;
      wait = this.#next();
    }
    return true;
  }
}
