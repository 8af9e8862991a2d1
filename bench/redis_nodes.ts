/**
 * What the Redis engine costs (N1): broadcast and private messages on one
 * node with the in-memory room, one node on Redis, and two nodes on Redis
 * with every private message crossing nodes. It starts its own
 * redis-server (a fresh one per setup, no persistence) and its nodes as
 * subprocesses (`deno run --allow-net --allow-env=... server.ts --redis ...`),
 * and drives them with clients in this process. Separate from
 * `deno task bench` (bench/main.ts), which measures one node in depth.
 *
 * Usage: `deno task bench:redis [--quick] [--window N] [--runs N] [--json]`; `--window 1`
 * measures latency without queueing (one message in flight per sender); `--runs 5` repeats
 * every setup five times and reports the ratios' median and range (bench/redis_runs.ts). Each
 * row shows the nodes' and redis-server's CPU time per delivery, read from `/proc`.
 *
 * @module
 */

import { parseFlags } from "../common/cli.ts";
import { Client, type Proc, setup, waitFor } from "./redis_setup.ts";
import { type Row, summary, table } from "./redis_runs.ts";

/** The sizes of one run. */
interface Sizes {
  receivers: number;
  senders: number;
  perSender: number;
  pairs: number;
  perPair: number;
  window: number;
}

const FULL: Sizes = {
  receivers: 100,
  senders: 4,
  perSender: 1500,
  pairs: 20,
  perPair: 2000,
  window: 16,
};
const QUICK: Sizes = {
  receivers: 10,
  senders: 2,
  perSender: 100,
  pairs: 4,
  perPair: 100,
  window: 8,
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Latencies from the time in each message's text, and the rate. */
function summarize(lat: number[], count: number, ms: number) {
  const sorted = Float64Array.from(lat).sort();
  return { rate: count / (ms / 1000), p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Broadcast: S senders, R receivers, spread over the nodes; each sender paced by one receiver. */
async function broadcast(
  ports: number[],
  s: Sizes,
): Promise<Omit<Row, "setup" | "nodeUs" | "redisUs">> {
  const at = (i: number) => ports[i % ports.length]!;
  const receivers = await Promise.all(
    Array.from({ length: s.receivers }, (_, i) => Client.join(at(i + 1), `r${i}`)),
  );
  const senders = await Promise.all(
    Array.from({ length: s.senders }, (_, i) => Client.join(at(i), `s${i}`)),
  );
  await new Promise((r) => setTimeout(r, 300));
  const lat: number[] = [];
  let delivered = 0;
  const acked = new Array(s.senders).fill(0);
  const expected = s.receivers * s.senders * s.perSender;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of waiting) w();
    waiting.clear();
  };
  receivers.forEach((r, ri) => {
    r.onLine = (line) => {
      if (!line.startsWith("PUBLICA s")) return;
      delivered++;
      const colon = line.indexOf(": ");
      lat.push(performance.now() - Number(line.slice(colon + 3)));
      const si = Number(line.slice(9, colon));
      if (ri === si % s.receivers) {
        acked[si]++;
        wake();
      }
    };
  });
  const start = performance.now();
  await Promise.all(senders.map(async (c, si) => {
    for (let k = 0; k < s.perSender; k++) {
      while (k - acked[si] >= s.window) await new Promise<void>((r) => waiting.add(r));
      await c.send(`:t${performance.now()}`);
    }
  }));
  await waitFor(() => delivered >= expected, "every delivery", 60_000).catch(() => {});
  const ms = performance.now() - start;
  for (const c of [...senders, ...receivers]) await c.close();
  const size = `${s.receivers} cl, ${s.senders} x ${s.perSender}, w${s.window}`;
  return {
    scenario: "broadcast",
    size,
    ...summarize(lat, delivered, ms),
    lost: expected - delivered,
  };
}

/** Private: P pairs, each receiver on the next node (across nodes when there are two). */
async function privates(
  ports: number[],
  s: Sizes,
): Promise<Omit<Row, "setup" | "nodeUs" | "redisUs">> {
  const from = await Promise.all(
    Array.from({ length: s.pairs }, (_, i) => Client.join(ports[0]!, `f${i}`)),
  );
  const to = await Promise.all(
    Array.from({ length: s.pairs }, (_, i) => Client.join(ports[1 % ports.length]!, `g${i}`)),
  );
  await new Promise((r) => setTimeout(r, 300));
  const lat: number[] = [];
  let oks = 0;
  let received = 0;
  to.forEach((c) =>
    c.onLine = (line) => {
      if (!line.startsWith("PRIVADA")) return;
      received++;
      lat.push(performance.now() - Number(line.slice(line.lastIndexOf(": t") + 3)));
    }
  );
  const start = performance.now();
  await Promise.all(from.map(async (c, i) => {
    let acked = 0;
    let wake: () => void = () => {};
    c.onLine = (line) => {
      if (line.startsWith("OK")) {
        acked++;
        oks++;
        wake();
      }
    };
    for (let k = 0; k < s.perPair; k++) {
      while (k - acked >= s.window) await new Promise<void>((r) => wake = r);
      await c.send(`g${i}:t${performance.now()}`);
    }
    await waitFor(() => acked >= s.perPair, "every OK", 60_000).catch(() => {});
  }));
  const ms = performance.now() - start;
  for (const c of [...from, ...to]) await c.close();
  const expected = s.pairs * s.perPair;
  const size = `${s.pairs} pairs x ${s.perPair}, w${s.window}`;
  return {
    scenario: "private",
    size,
    ...summarize(lat, oks, ms),
    lost: 2 * expected - oks - received,
  };
}

async function main(args: string[]): Promise<number> {
  const f = parseFlags(args, {
    quick: { type: "boolean" },
    json: { type: "boolean" },
    window: { type: "string" },
    runs: { type: "string" },
  });
  const runs = f.runs === undefined ? 1 : Number(f.runs);
  if (!(Number.isInteger(runs) && runs > 0 && runs <= 20)) {
    console.error(`Cannot use runs "${f.runs}": give a whole number from 1 to 20`);
    return 2;
  }
  const window = f.window === undefined ? undefined : Number(f.window);
  if (window !== undefined && !(Number.isInteger(window) && window > 0)) {
    console.error(`Cannot use window "${f.window}": give a whole number above 0`);
    return 2;
  }
  const sizes = { ...(f.quick ? QUICK : FULL), ...(window ? { window } : {}) };
  const setups: [string, number, boolean][] = [
    ["1 node, memory room", 1, false],
    ["1 node, Redis", 1, true],
    ["2 nodes, Redis", 2, true],
  ];
  console.log(
    `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, one generator process`,
  );
  const all: Row[][] = [];
  for (let run = 1; run <= runs; run++) {
    const rows: Row[] = [];
    for (const [name, nodes, redis] of setups) {
      for (const scenario of [broadcast, privates]) {
        const s = await setup(nodes, redis);
        try {
          const cpu = async (procs: Proc[]) => {
            let ms = 0;
            for (const p of procs) ms += await p.cpuMs();
            return ms;
          };
          const before = [await cpu(s.nodes), await s.redis?.cpuMs() ?? 0];
          const row = await scenario(s.ports, sizes);
          const deliveries = Math.max(1, deliveriesOf(row, sizes));
          const nodeUs = (await cpu(s.nodes) - before[0]!) * 1000 / deliveries;
          const redisUs = ((await s.redis?.cpuMs() ?? 0) - before[1]!) * 1000 / deliveries;
          rows.push({ setup: name, ...row, nodeUs, redisUs });
          if (f.json) console.log(JSON.stringify({ run, ...rows.at(-1) }));
        } finally {
          for (const p of s.procs.reverse()) await p.stop();
        }
      }
    }
    all.push(rows);
    console.log(`run ${run} of ${runs}`);
    console.log(table(rows));
  }
  console.log(summary(all).join("\n"));
  return all.flat().every((r) => r.lost === 0) ? 0 : 1;
}

/** How many deliveries a row counted: lines received (broadcast) or messages answered (private). */
function deliveriesOf(row: Omit<Row, "setup" | "nodeUs" | "redisUs">, s: Sizes): number {
  return row.scenario === "broadcast"
    ? s.receivers * s.senders * s.perSender - row.lost
    : s.pairs * s.perPair - Math.max(0, row.lost);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
