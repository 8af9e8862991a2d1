/**
 * The web scenario (`--scenario web`, issue 23 item 3): what the web door
 * costs. Per load shape, papo's broadcast and private runs twice, each on a
 * server started with `--web`: without WebSocket users, then with
 * `--web-users` of them beside the TCP users (broadcast: receivers;
 * private: every receiver, the rest online and idle). The second row of each
 * pair carries its figures divided by the first's, within one bench run.
 *
 * @module
 */

import type { BenchOptions, Shape } from "./options.ts";
import { round, type Row, type Scenario, type WebRatios } from "./report.ts";

/** One run of the bench: a scenario at a size and shape; `web` is null outside the web scenario. */
export interface Run {
  scenario: Scenario;
  clients: number;
  shape: Shape;
  /** Web scenario: its WebSocket users (0: the run without them); null: not a web run. */
  web: number | null;
}

/** The web scenario's runs, in pairs (without, with), per shape. */
export function webRuns(o: BenchOptions): Run[] {
  const n = o.webUsers;
  if (n === 0) return [];
  const runs: Run[] = [];
  const broadcast = o.broadcastSizes[0]!;
  const privateClients = 2 * o.pairs;
  for (const shape of o.shapes) {
    runs.push(
      { scenario: "broadcast", clients: broadcast, shape, web: 0 },
      { scenario: "broadcast", clients: broadcast + n, shape, web: n },
      { scenario: "private", clients: privateClients, shape, web: 0 },
      { scenario: "private", clients: privateClients + Math.max(0, n - o.pairs), shape, web: n },
    );
  }
  return runs;
}

/**
 * Compares a run with WebSocket users to the same run without.
 * @param without The row without them.
 * @param withWeb The row with them.
 * @returns The ratios (null where a figure is missing or zero).
 */
export function webRatios(without: Row, withWeb: Row): WebRatios {
  const r = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? null : round(a / b, 3);
  const grew = (row: Row) =>
    row.rss_joined_kib === null || row.rss_before_kib === null
      ? null
      : row.rss_joined_kib - row.rss_before_kib;
  const a = grew(withWeb);
  const b = grew(without);
  const added = withWeb.clients - without.clients;
  return {
    rate: r(withWeb.rate, without.rate),
    p99: r(withWeb.p99_ms, without.p99_ms),
    server_us_per_msg: r(withWeb.server_us_per_msg, without.server_us_per_msg),
    rss_per_client: r(withWeb.rss_per_client_kib, without.rss_per_client_kib),
    kib_per_web_user: a === null || b === null || added <= 0 ? null : round((a - b) / added, 2),
  };
}

/** The line printed under a web pair. */
export function webRatioLine(withWeb: Row, v: WebRatios): string {
  const x = (n: number | null) => n === null ? "-" : `${n.toFixed(2)}x`;
  return `  web door, ${withWeb.scenario} ${withWeb.shape}: with ${withWeb.web_users} ` +
    `WebSocket users / without: rate ${x(v.rate)}, p99 ${x(v.p99)}, srv us/msg ` +
    `${x(v.server_us_per_msg)}, KiB/cl ${x(v.rss_per_client)}; ` +
    `KiB per added web user ${v.kib_per_web_user === null ? "-" : v.kib_per_web_user.toFixed(1)}`;
}
