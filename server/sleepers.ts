/**
 * Promises that wait on a queue (L7, S13): each resolves when its time is
 * up or sooner, when the queue wakes them all (it emptied or closed); a
 * sleeper woken early checks again what it waits for.
 *
 * @module
 */

/** The sleepers of one queue: what to call to wake each. */
export type Sleepers = Set<() => void>;

/**
 * Waits until {@linkcode wakeAll} is called on `sleepers`, or `ms` milliseconds pass.
 *
 * @param sleepers The queue's sleepers.
 * @param ms The most to wait; none for no limit.
 * @returns A promise that resolves when woken or when the time is up.
 *
 * @example
 * ```ts
 * import { sleepOn, wakeAll, type Sleepers } from "./sleepers.ts";
 * const sleepers: Sleepers = new Set();
 * const woken = sleepOn(sleepers, 60_000);
 * wakeAll(sleepers);
 * await woken; // at once, not after a minute
 * ```
 */
export function sleepOn(sleepers: Sleepers, ms?: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      sleepers.delete(done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    sleepers.add(done);
  });
}

/**
 * Wakes every sleeper of a queue.
 *
 * @param sleepers The queue's sleepers, if it ever had any.
 */
export function wakeAll(sleepers: Sleepers | undefined): void {
  if (sleepers === undefined) return;
  for (const done of [...sleepers]) done();
}
