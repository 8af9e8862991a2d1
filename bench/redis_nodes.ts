/**
 * What the Redis engine costs (N1): broadcast and private messages on one
 * node with the in-memory room, one node on Redis, and two nodes on Redis
 * with every private message crossing nodes. It starts its own
 * redis-server (a fresh one per setup, no persistence) and its nodes as
 * subprocesses (`deno run --allow-net --allow-env=... server.ts --redis ...`),
 * and drives them with clients in this process. Separate from
 * `deno task bench` (bench/main.ts), which measures one node in depth.
 *
 * Usage: `deno task bench:redis [--quick] [--window N] [--warmup N] [--runs N] [--json]
 * [--scenario S] [--setups 1,2,3] [--profile DIR]`; `--window 1`
 * measures latency without queueing (one message in flight per sender); `--warmup N` (1500 by
 * default, 20 with `--quick`, 0 for none) has the same clients send N messages per sender (per
 * pair) in the same shape first, untimed, and the CPU times count from its end; `--runs 5` repeats
 * every setup five times and reports the ratios' median and range (bench/redis_runs.ts). Each
 * row shows each node's, redis-server's and the generator's (this process) CPU time per
 * delivery, read from `/proc`. `--scenario broadcast` (or `private`) runs that one only,
 * `--setups 3` the third setup only (two nodes on Redis); `--profile DIR` has every node write
 * a V8 CPU profile into DIR when it stops (one folder per run, setup and scenario).
 *
 * @module
 */

import { parseFlags } from "../common/cli.ts";
import { Client, cpuMsOf, nowUs, setup, startsWith, waitFor } from "./redis_setup.ts";
import { Histogram, leadingInt, trailingInt } from "./wire.ts";
import { type Row, summary, table } from "./redis_runs.ts";
import { profileInto } from "./launch.ts";

/** What a scenario measures; the CPU times are added around it. */
type Measured = Omit<Row, "setup" | "nodeUs" | "nodesUs" | "redisUs" | "generatorUs">;

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
  perSender: 6000,
  pairs: 20,
  perPair: 6000,
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

/**
 * Messages per sender (per pair) sent before the timed run, untimed: a server
 * that has served a class for a minute is warm, a bench's first 300 ms are
 * not (V8 has not compiled the message path yet, in the nodes or in the
 * generator), and a cold start weighs on the setups unequally.
 */
const WARMUP = 1500;

/** The setups, in order: `--setups 1,3` runs the first and the third. */
const SETUPS: readonly (readonly [name: string, nodes: number, redis: boolean])[] = [
  ["1 node, memory room", 1, false],
  ["1 node, Redis", 1, true],
  ["2 nodes, Redis", 2, true],
];

/** Latencies (in each message's text, µs) and the rate; latencies in ms. */
function summarize(lat: Histogram, count: number, ms: number) {
  return {
    rate: count / (ms / 1000),
    p50: lat.percentile(0.5) / 1000,
    p99: lat.percentile(0.99) / 1000,
  };
}

const encoder = new TextEncoder();
const PUBLICA_S = encoder.encode("PUBLICA s");
const PRIVADA = encoder.encode("PRIVADA");
const OK = encoder.encode("OK");

/** A scenario's clients, joined: each phase sends and measures, the first may warm up. */
interface Prepared {
  /** The timed phase's messages per sender (broadcast) or per pair (private). */
  readonly count: number;
  /** Sends `n` messages per sender (per pair) in the scenario's shape; waits for every one. */
  phase(n: number): Promise<Measured>;
  /** Closes every client. */
  close(): Promise<void>;
}

/** Closes every client. */
async function closeAll(clients: readonly Client[]): Promise<void> {
  for (const c of clients) await c.close();
}

/** Broadcast: S senders, R receivers, spread over the nodes; each sender paced by one receiver. */
async function broadcast(ports: number[], s: Sizes): Promise<Prepared> {
  const at = (i: number) => ports[i % ports.length]!;
  const receivers = await Promise.all(
    Array.from({ length: s.receivers }, (_, i) => Client.join(at(i + 1), `r${i}`)),
  );
  const senders = await Promise.all(
    Array.from({ length: s.senders }, (_, i) => Client.join(at(i), `s${i}`)),
  );
  await new Promise((r) => setTimeout(r, 300));
  let lat = new Histogram();
  let delivered = 0;
  const acked: number[] = new Array(s.senders).fill(0);
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of waiting) w();
    waiting.clear();
  };
  receivers.forEach((r, ri) => {
    // "PUBLICA s3: 1234567": sender 3's message, sent at 1234567 µs.
    r.onLine = (b, st, e) => {
      if (!startsWith(b, st, e, PUBLICA_S)) return;
      delivered++;
      lat.record(r.readUs - trailingInt(b, st, e));
      const si = leadingInt(b, st + 9, e);
      if (ri === si % s.receivers) {
        acked[si]!++;
        wake();
      }
    };
  });
  const phase = async (n: number): Promise<Measured> => {
    lat = new Histogram();
    delivered = 0;
    acked.fill(0);
    const expected = s.receivers * s.senders * n;
    const start = performance.now();
    await Promise.all(senders.map(async (c, si) => {
      for (let k = 0; k < n; k++) {
        while (k - acked[si]! >= s.window) await new Promise<void>((r) => waiting.add(r));
        await c.send(`:${nowUs()}`);
      }
    }));
    await waitFor(() => delivered >= expected, "every delivery", 60_000).catch(() => {});
    const ms = performance.now() - start;
    return {
      scenario: "broadcast",
      size: `${s.receivers} cl, ${s.senders} x ${n}, w${s.window}`,
      ...summarize(lat, delivered, ms),
      lost: expected - delivered,
    };
  };
  return { count: s.perSender, phase, close: () => closeAll([...senders, ...receivers]) };
}

/** Private: P pairs, each receiver on the next node (across nodes when there are two). */
async function privates(ports: number[], s: Sizes): Promise<Prepared> {
  const from = await Promise.all(
    Array.from({ length: s.pairs }, (_, i) => Client.join(ports[0]!, `f${i}`)),
  );
  const to = await Promise.all(
    Array.from({ length: s.pairs }, (_, i) => Client.join(ports[1 % ports.length]!, `g${i}`)),
  );
  await new Promise((r) => setTimeout(r, 300));
  let lat = new Histogram();
  let oks = 0;
  let received = 0;
  const acked: number[] = new Array(s.pairs).fill(0);
  const wakes: (() => void)[] = new Array(s.pairs).fill(() => {});
  to.forEach((c) =>
    // "PRIVADA f3: 1234567": sent at 1234567 µs.
    c.onLine = (b, s, e) => {
      if (!startsWith(b, s, e, PRIVADA)) return;
      received++;
      lat.record(c.readUs - trailingInt(b, s, e));
    }
  );
  from.forEach((c, i) =>
    c.onLine = (b, s, e) => {
      if (startsWith(b, s, e, OK)) {
        acked[i]!++;
        oks++;
        wakes[i]!();
      }
    }
  );
  const phase = async (n: number): Promise<Measured> => {
    lat = new Histogram();
    oks = received = 0;
    acked.fill(0);
    const start = performance.now();
    await Promise.all(from.map(async (c, i) => {
      for (let k = 0; k < n; k++) {
        while (k - acked[i]! >= s.window) await new Promise<void>((r) => wakes[i] = r);
        await c.send(`g${i}:${nowUs()}`);
      }
      await waitFor(() => acked[i]! >= n, "every OK", 60_000).catch(() => {});
    }));
    const expected = s.pairs * n;
    // A message's OK can come before its PRIVADA (on Redis: once it is in the target's node's
    // inbox): the run ends when every message is both answered and delivered.
    await waitFor(() => received >= expected, "every PRIVADA", 60_000).catch(() => {});
    const ms = performance.now() - start;
    return {
      scenario: "private",
      size: `${s.pairs} pairs x ${n}, w${s.window}`,
      ...summarize(lat, oks, ms),
      lost: 2 * expected - oks - received,
    };
  };
  return { count: s.perPair, phase, close: () => closeAll([...from, ...to]) };
}

async function main(args: string[]): Promise<number> {
  const f = parseFlags(args, {
    quick: { type: "boolean" },
    json: { type: "boolean" },
    window: { type: "string" },
    warmup: { type: "string" },
    runs: { type: "string" },
    scenario: { type: "string" },
    setups: { type: "string" },
    profile: { type: "string" },
  });
  const profiles = f.profile === undefined
    ? undefined
    : String(f.profile).startsWith("/")
    ? String(f.profile)
    : `${Deno.cwd()}/${f.profile}`;
  const scenarios = [broadcast, privates].filter((s) =>
    f.scenario === undefined || s.name.startsWith(String(f.scenario).slice(0, 4))
  );
  if (scenarios.length === 0) {
    console.error(`Cannot use scenario "${f.scenario}": give broadcast or private`);
    return 2;
  }
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
  const warmup = f.warmup === undefined ? (f.quick ? 20 : WARMUP) : Number(f.warmup);
  if (!(Number.isInteger(warmup) && warmup >= 0)) {
    console.error(`Cannot use warmup "${f.warmup}": give a whole number, 0 for none`);
    return 2;
  }
  const setups = SETUPS.filter((_, i) =>
    f.setups === undefined || String(f.setups).split(",").includes(String(i + 1))
  );
  if (setups.length === 0) {
    console.error(`Cannot use setups "${f.setups}": give some of 1,2,3`);
    return 2;
  }
  console.log(
    `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, one generator process`,
  );
  const all: Row[][] = [];
  for (let run = 1; run <= runs; run++) {
    const rows: Row[] = [];
    for (const [name, nodes, redis] of setups) {
      for (const scenario of scenarios) {
        // One folder per run, setup and scenario: `1-2-nodes-redis-privates/CPU.*.cpuprofile`.
        const slug = `${run}-${name.replace(/\W+/g, "-")}-${scenario.name}`.toLowerCase();
        if (profiles !== undefined) profileInto(`${profiles}/${slug}`);
        const s = await setup(nodes, redis);
        try {
          const prepared = await scenario(s.ports, sizes);
          // The warm-up: the same clients, shape and window, untimed (as `deno task bench`'s).
          const warm = warmup > 0 ? await prepared.phase(warmup) : undefined;
          const before = await Promise.all([...s.nodes, s.redis].map((p) => p?.cpuMs() ?? 0));
          const generator = await cpuMsOf(Deno.pid);
          const row = await prepared.phase(prepared.count);
          const generatorMs = await cpuMsOf(Deno.pid) - generator;
          const after = await Promise.all([...s.nodes, s.redis].map((p) => p?.cpuMs() ?? 0));
          await prepared.close();
          if (warm !== undefined && warm.lost !== 0) {
            console.error(`${name}, ${row.scenario}: the warm-up lost ${warm.lost}`);
            row.lost += warm.lost;
          }
          const us = (ms: number) => ms * 1000 / Math.max(1, deliveriesOf(row, sizes));
          const nodesUs = s.nodes.map((_, i) => us(after[i]! - before[i]!));
          rows.push({
            setup: name,
            ...row,
            nodeUs: nodesUs.reduce((a, b) => a + b, 0),
            nodesUs,
            redisUs: us(after.at(-1)! - before.at(-1)!),
            generatorUs: us(generatorMs),
          });
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
function deliveriesOf(row: Measured, s: Sizes): number {
  return row.scenario === "broadcast"
    ? s.receivers * s.senders * s.perSender - row.lost
    : s.pairs * s.perPair - Math.max(0, row.lost);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
