/**
 * When a WebSocket has sent what it was handed (L7 on the web door). Deno's
 * WebSocket tells how many bytes wait in it (`bufferedAmount`) but fires no
 * event when they leave, so the door has to look. One timer looks for every
 * socket that waits, and runs only while one does: a thousand slow browsers
 * cost one timer, not a thousand.
 *
 * @module
 */

/** Milliseconds between two looks at the sockets that wait. */
export const DRAIN_TICK_MS = 5;

/** A socket as the watcher sees it: what it still holds, and whether it is open. */
export interface Draining {
  /** Bytes handed to the socket and not sent yet. */
  readonly bufferedAmount: number;
  /** The socket's state (`WebSocket.OPEN` is 1). */
  readonly readyState: number;
}

interface Waiter {
  readonly socket: Draining;
  readonly low: number;
  readonly resolve: () => void;
}

/**
 * Wakes whoever waits for a socket to hold no more than a given number of
 * bytes, or to be closed.
 *
 * @example
 * ```ts
 * import { DrainWatch } from "./ws_drain.ts";
 * import assert from "node:assert/strict";
 * const socket = { bufferedAmount: 10_000, readyState: 1 };
 * const watch = new DrainWatch();
 * const drained = watch.until(socket, 4096);
 * assert.equal(watch.waiting, 1);
 * socket.bufferedAmount = 0;
 * await drained;
 * assert.equal(watch.waiting, 0);
 * ```
 */
export class DrainWatch {
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** How many wait. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves once `socket` holds at most `low` bytes or is no longer open
   * (the caller looks which); at once if it is so already.
   *
   * @param socket The socket.
   * @param low The most bytes it may hold.
   */
  until(socket: Draining, low: number): Promise<void> {
    if (socket.readyState !== 1 || socket.bufferedAmount <= low) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ socket, low, resolve });
      this.#timer ??= setTimeout(this.#look, DRAIN_TICK_MS);
    });
  }

  #look = (): void => {
    this.#timer = undefined;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.socket.readyState !== 1 || w.socket.bufferedAmount <= w.low) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
    if (still.length > 0) this.#timer = setTimeout(this.#look, DRAIN_TICK_MS);
  };
}
