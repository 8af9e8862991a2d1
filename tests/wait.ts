/**
 * Bounded waits for the tests: a test that hangs fails with a message
 * instead; nothing asserts on time.
 *
 * @module
 */

/** How long a test waits for an expected line before failing. */
export const WAIT_MS = 10_000;

/**
 * Waits until `ok()` holds, checking every 20 ms (state with no event to
 * wait on: a count of the server's, a process's output), failing after `ms`.
 * @param what What is awaited, for the error (a function: read when it fails).
 */
export async function until(
  ok: () => boolean,
  what: string | (() => string),
  ms: number = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${typeof what === "string" ? what : what()}`);
    }
    await pause(20);
  }
}

/**
 * Reads `read()` every 50 ms until `ok` holds of what it gave, and returns
 * that (state read by a slower step: a terminal's capture, a file another
 * process writes), failing after `ms`.
 * @param what What is awaited, for the error, given the last value read.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: (last: T | undefined) => string,
  ms: number = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() <= deadline) {
    last = await read();
    if (ok(last)) return last;
    await pause(50);
  }
  throw new Error(`Timed out waiting for ${what(last)}`);
}

/** Resolves after `ms` milliseconds (for pacing, never for assertions). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
