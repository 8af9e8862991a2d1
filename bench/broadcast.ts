/**
 * The broadcast scenario: N clients (on ngIRCd, all in one channel), S of
 * them send M public messages each (`:text`, or `PRIVMSG #bench :text`), W
 * in flight per sender. No server echoes a message to its sender, so one
 * receiver per generator process paces that process's senders: one more
 * message per delivery of that sender's messages to it.
 *
 * @module
 */

import type { Executor } from "./execute.ts";
import { joinAll } from "./join.ts";
import { cpuPerMessage, measure, type Measured, notRun, sum } from "./measure.ts";
import { round } from "./report.ts";
import { CHANNEL, type Spec } from "./spec.ts";
import { warmUp } from "./warmup.ts";
import { type Order, wallMs } from "./wire.ts";

/**
 * Runs the broadcast scenario.
 *
 * @param x Runs the orders (and holds the bench's options).
 * @param s The run.
 * @returns The figures; the rate is deliveries (messages x receivers) per second.
 */
export async function broadcast(x: Executor, s: Spec): Promise<Measured> {
  const { clients, gens } = s;
  const o = x.opts;
  const g = gens.length;
  const nicks: string[][] = gens.map(() => []);
  // The last s.web clients come through the web door (--scenario web); senders never do.
  const webFrom = gens.map(() => 0);
  for (let i = 0; i < clients; i++) {
    nicks[i % g]!.push(`${s.tag}${i}`);
    if (i < clients - s.web) webFrom[i % g]!++;
  }
  const expected = o.senders * o.broadcastMessages * (clients - 1);
  if (!(await joinAll(x, s, nicks, CHANNEL, webFrom))) return notRun(expected);
  const ordersOf = (messages: number): Order[] => {
    const epochMs = wallMs();
    return gens.map((_, k) => {
      const senders: [number, number][] = [];
      for (let i = k; i < o.senders; i += g) senders.push([Math.floor(i / g), i]);
      // The first non-sender of this generator paces its senders.
      let pacer = -1;
      for (let i = k; i < clients; i += g) {
        if (i >= o.senders) {
          pacer = Math.floor(i / g);
          break;
        }
      }
      return {
        op: "broadcast",
        shape: s.shape,
        epochMs,
        messages,
        window: o.window,
        senders,
        sendersTotal: o.senders,
        pacer,
      };
    });
  };
  const warm = await warmUp(x, s, ordersOf(o.warmup), o.senders * o.warmup * (clients - 1));
  if (!warm.done) return notRun(expected);
  const orders = ordersOf(o.broadcastMessages);
  const ran = await x.execute(s.label, gens, orders, expected, s.notes, s.server.proc);
  const received = sum(ran.results, (r) => r.received);
  const m = measure(ran, expected, received);
  return {
    ...m,
    rate: m.time_s > 0 ? round(received / m.time_s, 0) : 0,
    server_us_per_msg: cpuPerMessage(ran, received),
    warmup_p99_ms: warm.p99_ms,
  };
}
