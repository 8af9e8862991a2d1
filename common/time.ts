/**
 * Times as people read them: ISO-8601 in this computer's local time, with
 * its offset from UTC (`2026-12-01T08:12:03.123-03:00`), for logs and the
 * transcript; `HH:MM` for the chat.
 *
 * @module
 */

/**
 * A time in ISO-8601, local, with its offset.
 *
 * @param at The time. @default {now}
 * @returns For example `2026-12-01T08:12:03.123-03:00`.
 *
 * @example
 * ```ts
 * import { isoLocal } from "./time.ts";
 * import { match } from "node:assert/strict";
 * match(isoLocal(new Date(0)), /^19(69|70)-\d\d-\d\dT\d\d:\d\d:00\.000([+-]\d\d:\d\d|Z)$/);
 * ```
 */
export function isoLocal(at: Date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const offset = -at.getTimezoneOffset();
  const zone = offset === 0
    ? "Z"
    : `${offset > 0 ? "+" : "-"}${two(Math.floor(Math.abs(offset) / 60))}:${
      two(Math.abs(offset) % 60)
    }`;
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${
    two(at.getHours())
  }:${two(at.getMinutes())}:${two(at.getSeconds())}.${
    String(at.getMilliseconds()).padStart(3, "0")
  }${zone}`;
}

/**
 * A time as `HH:MM` in this computer's local time.
 *
 * @param at Milliseconds since the epoch.
 * @returns Hours and minutes, two digits each.
 */
export function clockOf(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/**
 * The clock and timers a piece of code reads the time and waits with: the
 * system's by default ({@linkcode SYSTEM_TIMERS}), a test's own to move time
 * by hand, so that nothing in a test sleeps.
 */
export interface Timers {
  /** The time now, in milliseconds since the epoch (as `Date.now()`). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a handle for {@linkcode Timers.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a call not made yet; an unknown or spent handle is ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The part of {@linkcode Timers} that tells the time, for code that reads the
 * time and sets no timer.
 */
export type Clock = Pick<Timers, "now">;

/** The system's clock and timers (`Date.now`, `setTimeout`, `clearTimeout`). */
export const SYSTEM_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
};
