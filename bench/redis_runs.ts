/**
 * The report of `deno task bench:redis` (bench/redis_nodes.ts): each run's
 * rows, and over every run the ratios that matter for P4 (two nodes on Redis
 * against one memory node, broadcast and private), with their median and
 * range, since one run on a shared machine says little.
 *
 * @module
 */

/** One row of results: one setup, one scenario, one run. */
export interface Row {
  setup: string;
  scenario: string;
  size: string;
  /** Deliveries (broadcast) or messages answered OK (private) per second. */
  rate: number;
  p50: number;
  p99: number;
  lost: number;
  /** The nodes' CPU time (all of them) per delivery, in microseconds. */
  nodeUs: number;
  /** Each node's CPU time per delivery, in microseconds (the sender's node first for private). */
  nodesUs: number[];
  /** The generator's (the bench process's) CPU time per delivery, in microseconds. */
  generatorUs: number;
  /** redis-server's CPU time per delivery, in microseconds (0 without Redis). */
  redisUs: number;
}

/** The setup every ratio is against, and the one measured against it. */
export const BASE = "1 node, memory room";
/** The setup of P4's goal. */
export const SCALED = "2 nodes, Redis";

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * What a setup could carry with a core for each of its processes: each node
 * busy all the time (the nodes share the deliveries), or Redis, whichever
 * saturates first. From CPU time per delivery, so a loaded machine skews it
 * less than the rates.
 *
 * @param setup The setup's name, starting with its number of nodes.
 * @param nodeUs Every node's CPU per delivery, in microseconds, together.
 * @param redisUs redis-server's CPU per delivery, in microseconds.
 * @returns Deliveries a second.
 */
export function ceiling(setup: string, nodeUs: number, redisUs: number): number {
  const nodes = Number(/^(\d+) node/.exec(setup)?.[1] ?? 1);
  const byNodes = nodeUs > 0 ? nodes * 1e6 / nodeUs : Infinity;
  const byRedis = redisUs > 0 ? 1e6 / redisUs : Infinity;
  return Math.min(byNodes, byRedis);
}

/** A run's rows as a table. */
export function table(rows: readonly Row[]): string {
  const head = "setup                     scenario   size                       rate/s   p50 ms" +
    "   p99 ms   lost  node us/d (each)          redis us/d  gen us/d";
  const line = (r: Row) =>
    `${r.setup.padEnd(26)}${r.scenario.padEnd(11)}${r.size.padEnd(24)}` +
    `${Math.round(r.rate).toLocaleString("en-US").padStart(10)}${r.p50.toFixed(2).padStart(9)}` +
    `${r.p99.toFixed(2).padStart(9)}${String(r.lost).padStart(7)}` +
    `${r.nodeUs.toFixed(2).padStart(11)} ${
      (r.nodesUs.length > 1 ? `(${r.nodesUs.map((u) => u.toFixed(2)).join(" + ")})` : "")
        .padEnd(15)
    }${r.redisUs.toFixed(2).padStart(12)}${r.generatorUs.toFixed(2).padStart(10)}`;
  return [head, ...rows.map(line)].join("\n");
}

/**
 * Over every run: for each scenario, the rate of {@linkcode SCALED} over
 * {@linkcode BASE} within the same run, its median and range, and the CPU
 * per delivery of each setup (median).
 *
 * @param runs Each run's rows.
 * @returns The lines of the summary.
 */
export function summary(runs: readonly (readonly Row[])[]): string[] {
  const out = [`${runs.length} run(s); ratio = ${SCALED} / ${BASE}, within each run`];
  const fmt = (x: number) => x.toFixed(2);
  for (const scenario of ["broadcast", "private"]) {
    const ratios: number[] = [];
    for (const rows of runs) {
      const base = rows.find((r) => r.setup === BASE && r.scenario === scenario);
      const scaled = rows.find((r) => r.setup === SCALED && r.scenario === scenario);
      if (base && scaled && base.rate > 0) ratios.push(scaled.rate / base.rate);
    }
    if (!runs.some((rows) => rows.some((r) => r.scenario === scenario))) continue;
    out.push(
      ratios.length === 0
        ? `${scenario.padEnd(10)} (no ratio: ${BASE} or ${SCALED} not run)`
        : `${scenario.padEnd(10)} ratio median ${fmt(median(ratios))}x, range ` +
          `${fmt(Math.min(...ratios))}-${fmt(Math.max(...ratios))}x (${
            ratios.map(fmt).join(", ")
          })`,
    );
    const setups = [...new Set(runs.flat().map((r) => r.setup))];
    let baseCeiling = NaN;
    for (const setup of setups) {
      const rows = runs.flat().filter((r) => r.setup === setup && r.scenario === scenario);
      const nodeUs = median(rows.map((r) => r.nodeUs));
      const eachUs = rows[0]!.nodesUs.map((_, i) => median(rows.map((r) => r.nodesUs[i] ?? 0)));
      const redisUs = median(rows.map((r) => r.redisUs));
      const generatorUs = median(rows.map((r) => r.generatorUs));
      const c = ceiling(setup, nodeUs, redisUs);
      if (setup === BASE) baseCeiling = c;
      out.push(
        `  ${setup.padEnd(24)} rate median ${
          Math.round(median(rows.map((r) => r.rate))).toLocaleString("en-US")
        }/s, CPU per delivery: nodes ${fmt(nodeUs)} us${
          eachUs.length > 1 ? ` (${eachUs.map(fmt).join(" + ")})` : ""
        }, redis ${fmt(redisUs)} us, generator ${fmt(generatorUs)} us, lost ${
          rows.reduce((n, r) => n + r.lost, 0)
        }; with a core each: ${Math.round(c).toLocaleString("en-US")}/s${
          Number.isFinite(baseCeiling) ? ` (${fmt(c / baseCeiling)}x)` : ""
        }`,
      );
    }
  }
  return out;
}
