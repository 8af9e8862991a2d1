/**
 * How a run becomes its row: the sizes in words, the figures a scenario
 * measured, the server's memory per client, and the check after the run;
 * or the row of a run that could not start.
 *
 * @module
 */

import { fmt, type Measured, unitOf } from "./measure.ts";
import type { BenchOptions, Shape } from "./options.ts";
import { round, type Row, type Scenario, type Target } from "./report.ts";

/** The cores the servers and the generators share. */
export const cores = navigator.hardwareConcurrency;

/** What a row says of its run before it ran: the scenario, the server and the sizes. */
export type RowBase = Pick<
  Row,
  | "scenario"
  | "shape"
  | "target"
  | "clients"
  | "pairs"
  | "senders"
  | "messages"
  | "window"
  | "warmup"
  | "size"
  | "settle_s"
  | "goal"
  | "web_users"
>;

/** The server's memory (VmRSS, KiB) around a run; `null` when it is not the bench's server. */
export interface Memory {
  before: number | null;
  /** Once every client joined (private, broadcast: before the messages). */
  joined: number | null;
  after: number | null;
}

/** Whether a scenario measures joins (connect, idle), with memory per client. */
export function joinsOnly(scenario: Scenario): boolean {
  return scenario === "connect" || scenario === "idle";
}

/**
 * The start of a run's row: its scenario, server and sizes.
 *
 * @param scenario The scenario.
 * @param target The server.
 * @param clients The clients of the run.
 * @param o The bench's options (pairs, senders, messages, window, settle time).
 * @param shape The load shape (private, broadcast).
 * @param web Clients that come through the web door (`--scenario web`).
 * @returns The row's first fields, its goal not judged yet.
 */
export function rowBase(
  scenario: Scenario,
  target: Target,
  clients: number,
  o: BenchOptions,
  shape: Shape | null = null,
  web = 0,
): RowBase {
  const joins = joinsOnly(scenario);
  const w = shape === null ? `w${o.window}` : `w${o.window} ${shape}`;
  const ws = web > 0 ? ` +${fmt(web)} ws` : "";
  return {
    scenario,
    shape,
    target,
    clients,
    pairs: scenario === "private" ? o.pairs : null,
    senders: scenario === "broadcast" ? o.senders : null,
    messages: scenario === "private"
      ? o.privateMessages
      : scenario === "broadcast"
      ? o.broadcastMessages
      : null,
    window: joins ? null : o.window,
    warmup: joins ? null : o.warmup,
    size: joins
      ? `${fmt(clients)} clients`
      : scenario === "private"
      ? `${o.pairs} pairs x ${fmt(o.privateMessages)}${ws}, ${w}`
      : `${fmt(clients - web)} cl${ws}, ${o.senders}x${fmt(o.broadcastMessages)}, ${w}`,
    settle_s: joins ? o.settleMs / 1000 : null,
    goal: "-" as const,
    web_users: web,
  };
}

/**
 * The row of a run that could not start, or stopped before it measured.
 *
 * @param base The row's start.
 * @param notes The run's notes (kept: later notes still reach the row).
 * @returns A row of zeros, not complete, the server not answered.
 */
export function failedRow(base: RowBase, notes: string[]): Row {
  return {
    ...base,
    workers: 0,
    cores,
    complete: false,
    time_s: 0,
    rate: 0,
    unit: unitOf(base.scenario),
    p50_ms: 0,
    p99_ms: 0,
    max_ms: 0,
    expected: 0,
    received: 0,
    lost: 0,
    extra: 0,
    rss_before_kib: null,
    rss_joined_kib: null,
    rss_after_kib: null,
    rss_per_client_kib: null,
    rss_settled_per_client_kib: null,
    answered: false,
    check_ms: 0,
    server_cpu: null,
    server_us_per_msg: null,
    duplicates: 0,
    disorder: 0,
    generator_cpu: 0,
    warmup_p99_ms: null,
    notes,
  };
}

/**
 * The row of a run that was measured.
 *
 * @param base The row's start.
 * @param workers The generator processes of the run.
 * @param m What the scenario measured.
 * @param rss The server's memory around the run.
 * @param check Whether a new client was answered after the run, and in how many ms.
 * @param notes The run's notes (kept: later notes still reach the row).
 * @returns The row, its goal not judged yet.
 */
export function measuredRow(
  base: RowBase,
  workers: number,
  m: Measured,
  rss: Memory,
  check: { ok: boolean; ms: number },
  notes: string[],
): Row {
  const perClient = (kib: number | null) =>
    rss.before !== null && kib !== null ? round((kib - rss.before) / base.clients, 2) : null;
  return {
    ...base,
    workers,
    cores,
    ...m,
    unit: unitOf(base.scenario),
    rss_before_kib: rss.before,
    rss_joined_kib: rss.joined,
    rss_after_kib: rss.after,
    rss_per_client_kib: perClient(rss.joined),
    rss_settled_per_client_kib: joinsOnly(base.scenario) ? perClient(rss.after) : null,
    answered: check.ok,
    check_ms: round(check.ms, 1),
    notes,
  };
}
