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
import { warmUp } from "./warmup.ts";
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
  // Per generator: its senders, then their receivers, then idle web users (--scenario web:
  // receivers and idle users come through the web door).
  const senders: string[][] = gens.map(() => []);
  const receivers: string[][] = gens.map(() => []);
  for (let p = 0; p < o.pairs; p++) {
    senders[p % gens.length]!.push(`${s.tag}s${p}`);
    receivers[p % gens.length]!.push(`${s.tag}r${p}`);
  }
  const nicks = gens.map((_, g) => [...senders[g]!, ...receivers[g]!]);
  for (let i = 0; i < Math.max(0, s.web - o.pairs); i++) {
    nicks[i % gens.length]!.push(`${s.tag}w${i}`);
  }
  const pairs = senders.map((list) => list.map((_, j): [number, number] => [j, list.length + j]));
  const webFrom = s.web > 0 ? senders.map((list) => list.length) : undefined;
  // papo: each message and its OK; IRC: each message.
  const perMessage = s.protocol === "irc" ? 1 : 2;
  const expected = perMessage * o.pairs * o.privateMessages;
  if (!(await joinAll(x, s, nicks, "", webFrom))) return notRun(expected);
  const ordersOf = (messages: number): Order[] => {
    const epochMs = wallMs();
    return pairs.map((list) => ({
      op: "private",
      shape: s.shape,
      epochMs,
      messages,
      window: o.window,
      pairs: list,
    }));
  };
  const warm = await warmUp(x, s, ordersOf(o.warmup), perMessage * o.pairs * o.warmup);
  if (!warm.done) return notRun(expected);
  const orders = ordersOf(o.privateMessages);
  const ran = await x.execute(s.label, gens, orders, expected, s.notes, s.server.proc);
  const m = measure(ran, expected, sum(ran.results, (r) => r.received));
  const delivered = sum(ran.results, count);
  return {
    ...m,
    rate: m.time_s > 0 ? round(delivered / m.time_s, 0) : 0,
    server_us_per_msg: cpuPerMessage(ran, delivered),
    warmup_p99_ms: warm.p99_ms,
  };
}
