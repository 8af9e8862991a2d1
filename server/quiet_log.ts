/**
 * The server log under churn (L10): an address that connects, joins and
 * leaves in a loop would write thousands of `connect`, `nick` and `leave`
 * lines a second. Each address writes its first {@linkcode CHURN_LINES}
 * such lines in a minute; the rest are counted and summarized in one line
 * when the minute ends. Every other line passes as it is.
 *
 * @module
 */

import { type Clock, SYSTEM_TIMERS } from "../common/time.ts";

/** Churn lines one address may log in a minute before they are summarized. */
export const CHURN_LINES = 30;
/** The window churn lines are counted in. */
export const CHURN_WINDOW_MS = 60_000;

/** A churn line: its kind, and the address in `kind IP:port ...`. */
const CHURN = /^(?:connect|nick|leave|refused) (\S+):\d+\b/;

interface Window {
  start: number;
  lines: number;
  hidden: number;
}

/**
 * Wraps a log function so that churning addresses are summarized.
 *
 * @example
 * ```ts
 * import { QuietLog } from "./quiet_log.ts";
 * import assert from "node:assert/strict";
 * const out: string[] = [];
 * let now = 0;
 * const log = new QuietLog((l) => out.push(l), { now: () => now }, false);
 * for (let i = 0; i < 100; i++) log.write(`connect 10.0.0.9:${1000 + i} (1 open)`);
 * assert.equal(out.length, 30);
 * now = 60_000;
 * log.write("connect 10.0.0.9:5000 (1 open)");
 * assert.match(out[30]!, /^churn 10\.0\.0\.9: 70 connect, nick and leave lines not logged/);
 * ```
 */
export class QuietLog {
  readonly #out: (line: string) => void;
  readonly #clock: Clock;
  readonly #timers: boolean;
  readonly #windows = new Map<string, Window>();
  readonly #timers_ = new Set<ReturnType<typeof setTimeout>>();

  /**
   * @param out Where lines go.
   * @param clock The time now. @default {SYSTEM_TIMERS}
   * @param timers Whether a summary is also written when a window ends with no
   *   later line (a timer that does not keep the process alive). @default {true}
   */
  constructor(out: (line: string) => void, clock: Clock = SYSTEM_TIMERS, timers = true) {
    this.#out = out;
    this.#clock = clock;
    this.#timers = timers;
  }

  /** Writes a line, or counts it when its address is churning. */
  write = (line: string): void => {
    const m = CHURN.exec(line);
    if (m === null) return this.#out(line);
    const ip = m[1]!;
    const now = this.#clock.now();
    let w = this.#windows.get(ip);
    if (w !== undefined && now - w.start >= CHURN_WINDOW_MS) {
      this.#summarize(ip, w);
      w = undefined;
    }
    if (w === undefined) this.#windows.set(ip, w = { start: now, lines: 0, hidden: 0 });
    if (++w.lines <= CHURN_LINES) return this.#out(line);
    if (w.hidden++ === 0 && this.#timers) {
      const timer = setTimeout(() => {
        this.#timers_.delete(timer);
        if (this.#windows.get(ip) === w) this.#summarize(ip, w);
      }, CHURN_WINDOW_MS - (now - w.start));
      this.#timers_.add(timer);
      Deno.unrefTimer(timer);
    }
  };

  /** Writes every summary still due, and stops its timers (the server stopped). */
  close(): void {
    for (const timer of this.#timers_) clearTimeout(timer);
    this.#timers_.clear();
    for (const [ip, w] of this.#windows) this.#summarize(ip, w);
  }

  #summarize(ip: string, w: Window): void {
    this.#windows.delete(ip);
    if (w.hidden > 0) {
      this.#out(
        `churn ${ip}: ${w.hidden} connect, nick and leave lines not logged in the last minute`,
      );
    }
  }
}
