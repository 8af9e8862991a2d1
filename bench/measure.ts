/**
 * What the scenarios share once the generators answered: the figures of a
 * run merged from every generator's result, and small helpers.
 *
 * @module
 */

import { round, type Row, type Scenario } from "./report.ts";
import { Histogram, type RunResult } from "./wire.ts";

/** The generators' results of one order, and the CPU the run used. */
export interface Executed {
  results: RunResult[];
  complete: boolean;
  server_cpu: number | null;
  /** The server's CPU seconds during the run, when the bench started it. */
  server_cpu_s: number | null;
  generator_cpu: number;
}

/** The figures a scenario measures; the rest of a row comes from the bench. */
export type Measured = Pick<
  Row,
  | "complete"
  | "time_s"
  | "rate"
  | "unit"
  | "p50_ms"
  | "p99_ms"
  | "max_ms"
  | "expected"
  | "received"
  | "lost"
  | "extra"
  | "server_cpu"
  | "server_us_per_msg"
  | "duplicates"
  | "disorder"
  | "generator_cpu"
  | "warmup_p99_ms"
>;

/** What a rate counts, per scenario. */
export function unitOf(scenario: Scenario): string {
  return scenario === "connect" || scenario === "idle"
    ? "clients"
    : scenario === "private"
    ? "messages"
    : "deliveries";
}

/** Merges the generators' results: time from the first start to the last line, latencies. */
export function measure(ran: Executed, expected: number, received: number): Measured {
  const { results } = ran;
  const hist = new Histogram();
  for (const r of results) hist.addSparse(r.hist, r.histMax);
  const start = Math.min(...results.map((r) => r.startAt));
  const end = Math.max(...results.map((r) => r.endAt));
  const time = results.length > 0 ? Math.max(0, end - start) / 1000 : 0;
  return {
    complete: ran.complete,
    time_s: round(time, 3),
    rate: 0,
    unit: "",
    p50_ms: round(hist.percentile(0.5) / 1000, 3),
    p99_ms: round(hist.percentile(0.99) / 1000, 3),
    max_ms: round(hist.max / 1000, 3),
    expected,
    received,
    lost: Math.max(0, expected - received),
    extra: sum(results, (r) => r.extra),
    duplicates: sum(results, (r) => r.duplicates ?? 0),
    disorder: sum(results, (r) => r.disorder ?? 0),
    server_cpu: ran.server_cpu,
    server_us_per_msg: null,
    generator_cpu: ran.generator_cpu,
    warmup_p99_ms: null,
  };
}

/** The figures of a run that did not start. */
export function notRun(expected: number): Measured {
  return {
    complete: false,
    time_s: 0,
    rate: 0,
    unit: "",
    p50_ms: 0,
    p99_ms: 0,
    max_ms: 0,
    expected,
    received: 0,
    lost: expected,
    extra: 0,
    duplicates: 0,
    disorder: 0,
    server_cpu: null,
    server_us_per_msg: null,
    generator_cpu: 0,
    warmup_p99_ms: null,
  };
}

/** Latency samples in a result: one per message delivered. */
export function count(r: RunResult): number {
  let n = 0;
  for (let i = 1; i < r.hist.length; i += 2) n += r.hist[i]!;
  return n;
}

/**
 * The server's CPU per message, in microseconds, when the bench started it.
 * @param ran The run.
 * @param messages What the server handled: private messages, or deliveries.
 */
export function cpuPerMessage(ran: Executed, messages: number): number | null {
  return ran.server_cpu_s === null || messages <= 0
    ? null
    : round(ran.server_cpu_s * 1e6 / messages, 2);
}

/** The sum of `f` over `items`. */
export function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((s, x) => s + f(x), 0);
}

/** A whole number with thousands separators. */
export function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Waits `ms` milliseconds. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
