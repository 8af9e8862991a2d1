/**
 * Joining a run's clients to the server under test: the join order in the
 * server's protocol, and the joining of every client before a scenario's
 * messages start (private, broadcast).
 *
 * @module
 */

import type { Executor } from "./execute.ts";
import { NGIRCD_CONNECTING } from "./ngircd.ts";
import type { Spec } from "./spec.ts";
import type { JoinOrder, Order } from "./wire.ts";

/**
 * A join order to the run's server, in its protocol (ngIRCd: at most
 * {@linkcode NGIRCD_CONNECTING} clients connecting at once in all).
 *
 * @param s The run.
 * @param nicks The nicknames one generator joins.
 * @param o How: read buffer, clients at once, whether join notices are counted, the IRC channel.
 * @returns The order.
 */
export function joinOrder(
  s: Spec,
  nicks: string[],
  o: Pick<JoinOrder, "readBytes" | "concurrency" | "countJoins" | "channel" | "webFrom">,
): JoinOrder {
  const irc = s.protocol === "irc";
  const concurrency = irc
    ? Math.min(o.concurrency, Math.max(1, Math.floor(NGIRCD_CONNECTING / s.gens.length)))
    : o.concurrency;
  return {
    op: "join",
    protocol: s.protocol,
    host: s.server.host,
    port: s.server.port,
    nicks,
    total: o.countJoins ? s.clients : 0,
    base: o.countJoins ? s.baseOnline : 0,
    ...o,
    concurrency,
    channel: irc ? o.channel : "",
    webPort: s.webPort,
  };
}

/**
 * Joins every client of a scenario before its messages start (IRC: to
 * `channel`, or to none when it is "").
 *
 * @param x Runs the orders.
 * @param s The run.
 * @param nicks The nicknames, one list per generator.
 * @param channel The IRC channel, or "".
 * @param webFrom Per generator, the index from which its nicknames come through the web door.
 * @returns Whether every client joined (when not, a note says so); then `s.onJoined` ran.
 */
export async function joinAll(
  x: Executor,
  s: Spec,
  nicks: string[][],
  channel: string,
  webFrom?: number[],
): Promise<boolean> {
  const orders: Order[] = nicks.map((list, k) =>
    joinOrder(s, list, {
      readBytes: 64 * 1024,
      concurrency: Math.min(x.opts.concurrency, 64),
      countJoins: false,
      channel,
      webFrom: webFrom?.[k] ?? list.length,
    })
  );
  const total = nicks.reduce((n, l) => n + l.length, 0);
  const { complete } = await x.execute(`${s.label} (joining)`, s.gens, orders, total, s.notes);
  if (!complete) s.notes.push("Not every client could join; the run did not start");
  else await s.onJoined?.();
  return complete;
}
