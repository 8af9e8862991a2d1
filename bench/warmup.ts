/**
 * The warm-up before a timed private or broadcast run (`--warmup`, issue
 * 23): the same clients on the same server send `--warmup` messages per
 * sender in the same shape and window, untimed, and the timed run starts
 * once every one of them has arrived. A server that has served a class for a
 * minute is warm; a bench's first hundred milliseconds are not (V8 has not
 * yet compiled the message path, in the server and in the generators), and
 * with 12,700 deliveries in flight that cold start alone can reach a
 * broadcast's p99. It is kept visible, not hidden: the warm-up's own p99 is
 * `warmup_p99_ms` in the row's JSON, and `--warmup 0` measures without it.
 * Every server (papo, the ceiling, ngIRCd) gets the same warm-up.
 *
 * @module
 */

import type { Executor } from "./execute.ts";
import { measure, sum } from "./measure.ts";
import type { Spec } from "./spec.ts";
import type { Order } from "./wire.ts";

/** How the warm-up went. */
export interface WarmUp {
  /** Whether every line of it arrived (or there was none); otherwise the timed run is not run. */
  done: boolean;
  /** Its p99 in ms, or null when there was no warm-up. */
  p99_ms: number | null;
}

/**
 * Runs the warm-up's orders to completion, untimed.
 *
 * @param x Runs the orders.
 * @param s The run (its generators, server and notes).
 * @param orders One order per generator, with the warm-up's message count (none when it is 0).
 * @param expected The lines the warm-up must bring in all.
 * @returns Whether it completed, and its p99.
 */
export async function warmUp(
  x: Executor,
  s: Spec,
  orders: Order[],
  expected: number,
): Promise<WarmUp> {
  if (x.opts.warmup <= 0 || expected <= 0) return { done: true, p99_ms: null };
  const notes: string[] = [];
  const ran = await x.execute(`${s.label} (warm-up)`, s.gens, orders, expected, notes);
  const m = measure(ran, expected, sum(ran.results, (r) => r.received));
  const done = m.complete && m.lost === 0 && m.duplicates === 0 && m.disorder === 0;
  if (!done) {
    s.notes.push(
      `The warm-up (--warmup ${x.opts.warmup}) did not complete, so the timed run did not start`,
      ...notes,
    );
  }
  return { done, p99_ms: m.p99_ms };
}
