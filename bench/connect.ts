/**
 * The connect and idle scenarios: N clients connect and register, a bounded
 * number at a time per generator.
 *
 * - connect: timed until every client has seen a join notice for every
 *   client that joined after it (papo's `ENTROU`; on ngIRCd, every client
 *   JOINs one channel and waits for the later clients' `JOIN`): N(N-1)/2
 *   notices, the join storm.
 * - idle: timed until every client is registered; no notice is waited for
 *   (papo and the ceiling still announce each join, as their protocol has
 *   no way to connect without entering the room; ngIRCd's clients join no
 *   channel, so there is no storm at all).
 *
 * @module
 */

import type { Executor } from "./execute.ts";
import { joinOrder } from "./join.ts";
import { fmt, measure, type Measured, sum } from "./measure.ts";
import { round } from "./report.ts";
import { CHANNEL, type Spec } from "./spec.ts";

/**
 * Runs connect (`countJoins`) or idle.
 *
 * @param x Runs the orders (and holds the bench's options).
 * @param s The run.
 * @param countJoins Whether to wait for every join notice (connect) or not (idle).
 * @returns The figures; the rate is clients per second.
 */
export async function connect(x: Executor, s: Spec, countJoins: boolean): Promise<Measured> {
  const { clients, gens } = s;
  const nicks: string[][] = gens.map(() => []);
  for (let i = 0; i < clients; i++) nicks[i % gens.length]!.push(`${s.tag}${i}`);
  const joins = countJoins ? (clients * (clients - 1)) / 2 : 0;
  const orders = nicks.map((list) =>
    joinOrder(s, list, {
      readBytes: 16 * 1024,
      concurrency: x.opts.concurrency,
      countJoins,
      channel: countJoins ? CHANNEL : "",
    })
  );
  const ran = await x.execute(s.label, gens, orders, clients + joins, s.notes, s.server.proc);
  const { results, complete } = ran;
  const registered = sum(results, (r) => r.registered);
  const announced = sum(results, (r) => r.received);
  const expectedJoins = sum(results, (r) => r.expected);
  if (complete && expectedJoins !== joins) {
    const from = s.protocol === "irc" ? "NAMES replies" : "USUARIOS counts";
    s.notes.push(
      `The clients' ${from} promised ${fmt(expectedJoins)} joins, not ${fmt(joins)}`,
    );
  }
  const m = measure(ran, clients + joins, registered + announced);
  return { ...m, rate: m.time_s > 0 ? round(clients / m.time_s, 0) : 0 };
}
