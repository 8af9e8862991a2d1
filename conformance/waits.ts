/**
 * The line client's waits (issue 20 item 5): for a condition on what has
 * arrived, or for a silence, each bounded in time and by the client's
 * deadline, and woken as bytes arrive. No I/O: the connection
 * (`client_conn.ts`) reads the socket and tells the waits what came.
 *
 * @module
 */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** The waits on one connection's arrivals, under one deadline. */
export class Waits {
  /** `performance.now()` after which every wait gives up at once. */
  readonly deadline: number;
  readonly #wakers = new Set<() => void>();
  #lastAt = performance.now();
  #done = false;

  /** @param deadline `performance.now()` after which every wait gives up at once. @default {Infinity} */
  constructor(deadline: number = Infinity) {
    this.deadline = deadline;
  }

  /** Whether nothing more will arrive. */
  get done(): boolean {
    return this.#done;
  }

  /** Bytes arrived (and were handed on): the silence starts again, the waits look. */
  arrived(): void {
    this.#lastAt = performance.now();
    this.#wake();
  }

  /** Nothing more will arrive: every wait ends. */
  end(): void {
    this.#done = true;
    this.#wake();
  }

  /**
   * Waits until `ok()` holds, checking each time bytes arrive.
   *
   * @param ok The condition.
   * @param ms The most milliseconds to wait (the deadline may cut it shorter).
   * @returns Whether it holds; `false` when time ran out or the bytes ended first.
   */
  until(ok: () => boolean, ms: number): Promise<boolean> {
    if (ok()) return Promise.resolve(true);
    const limit = Math.min(ms, this.deadline - performance.now());
    if (limit <= 0 || this.#done) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(ok());
      };
      const wake = (): void => {
        if (ok() || this.#done) done();
      };
      const timer = setTimeout(done, limit);
      this.#wakers.add(wake);
    });
  }

  /**
   * Waits until nothing has arrived for `ms` milliseconds, counted from now
   * or from the last arrival, whichever is later.
   *
   * @param ms The silence that ends the wait.
   * @param max The most milliseconds to wait in all.
   * @default {ms * 10}
   */
  async quiet(ms: number, max: number = ms * 10): Promise<void> {
    const start = performance.now();
    const end = Math.min(start + max, this.deadline);
    while (!this.#done) {
      const now = performance.now();
      const idle = now - Math.max(start, this.#lastAt);
      if (idle >= ms || now >= end) return;
      await sleep(Math.min(ms - idle, end - now));
    }
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
