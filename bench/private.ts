/**
 * The private scenario: P sender/receiver pairs, M private messages each, W
 * in flight per sender. On papo (and the ceiling) each `OK Mensagem enviada`
 * opens the sender's window by one; ngIRCd sends nothing back to the sender
 * of a `PRIVMSG`, so there each delivery to the receiver does (both ends of
 * a pair are in the same generator process).
 *
 * @module
 */

import type { Executor } from "./execute.ts";
import { joinAll } from "./join.ts";
import { count, cpuPerMessage, measure, type Measured, notRun, sum } from "./measure.ts";
import { round } from "./report.ts";
import type { Spec } from "./spec.ts";
import { type Order, wallMs } from "./wire.ts";

/**
 * Runs the private scenario.
 *
 * @param x Runs the orders (and holds the bench's options).
 * @param s The run.
 * @returns The figures; the rate is messages delivered per second.
 */
export async function privateMessages(x: Executor, s: Spec): Promise<Measured> {
  const { gens } = s;
  const o = x.opts;
  const nicks: string[][] = gens.map(() => []);
  const pairs: [number, number][][] = gens.map(() => []);
  for (let p = 0; p < o.pairs; p++) {
    const g = p % gens.length;
    const at = nicks[g]!.length;
    nicks[g]!.push(`${s.tag}s${p}`, `${s.tag}r${p}`);
    pairs[g]!.push([at, at + 1]);
  }
  // papo: each message and its OK; IRC: each message.
  const perMessage = s.protocol === "irc" ? 1 : 2;
  const expected = perMessage * o.pairs * o.privateMessages;
  if (!(await joinAll(x, s, nicks, ""))) return notRun(expected);
  const epochMs = wallMs();
  const orders: Order[] = pairs.map((list) => ({
    op: "private",
    shape: s.shape,
    epochMs,
    messages: o.privateMessages,
    window: o.window,
    pairs: list,
  }));
  const ran = await x.execute(s.label, gens, orders, expected, s.notes, s.server.proc);
  const m = measure(ran, expected, sum(ran.results, (r) => r.received));
  const delivered = sum(ran.results, count);
  return {
    ...m,
    rate: m.time_s > 0 ? round(delivered / m.time_s, 0) : 0,
    server_us_per_msg: cpuPerMessage(ran, delivered),
  };
}
