/**
 * The bench's runs: one scenario (`connect.ts`, `private.ts`,
 * `broadcast.ts`) against one server makes one row. A run is planned (open
 * files, generator processes), its server started (`fleet.ts`) and checked
 * before and after, its orders sent to the generators, the server's memory read
 * around it, and its row made (`row.ts`).
 *
 * @module
 */

import { broadcast } from "./broadcast.ts";
import { connect } from "./connect.ts";
import { failureNotes } from "./failures.ts";
import type { Fleet } from "./fleet.ts";
import { type Executed, fmt, type Measured, pause, sum } from "./measure.ts";
import { NGIRCD_CONNECTING } from "./ngircd.ts";
import type { BenchOptions } from "./options.ts";
import { privateMessages } from "./private.ts";
import { type ProbeResult, probeServer } from "./probe.ts";
import type { Generator, ServerProcess } from "./processes.ts";
import { showProgress } from "./progress.ts";
import { round, type Row, type Scenario, type Target } from "./report.ts";
import { failedRow, joinsOnly, measuredRow, rowBase } from "./row.ts";
import type { Server, Spec } from "./spec.ts";
import { type JoinOrder, type Order, type Protocol, type RunResult, wallMs } from "./wire.ts";

const SCENARIOS: Record<Scenario, (b: Bench, s: Spec) => Promise<Measured>> = {
  connect: (b, s) => connect(b, s, true),
  idle: (b, s) => connect(b, s, false),
  private: privateMessages,
  broadcast,
};

/** Runs the scenarios; one instance per `deno task bench`. */
export class Bench {
  /** The bench's options. */
  readonly opts: BenchOptions;
  readonly #fleet: Fleet;
  readonly #fdLimit: number;
  #runs = 0;
  #prefix = Math.random().toString(36).slice(2, 5);

  /**
   * @param opts The bench's options.
   * @param fleet Starts the servers and the generator processes.
   * @param fdLimit The open files per process.
   */
  constructor(opts: BenchOptions, fleet: Fleet, fdLimit: number) {
    this.opts = opts;
    this.#fleet = fleet;
    this.#fdLimit = fdLimit;
  }

  /** A nickname prefix no other run uses (nicknames stay within 16 characters). */
  #tag(target: Target, scenario: Scenario): string {
    this.#runs++;
    return `b${this.#prefix}${this.#runs.toString(36)}${target[0]}${scenario[0]}`;
  }

  /**
   * Sends one order to each generator and waits for every result, stopping
   * the run at the first failure or at the time limit; shows progress.
   */
  async execute(
    label: string,
    gens: Generator[],
    orders: Order[],
    total: number,
    notes: string[],
    server?: ServerProcess,
  ): Promise<Executed> {
    let failure: string | undefined;
    const stopAll = () => {
      for (const g of gens) void g.send({ op: "stop" });
    };
    for (const g of gens) {
      g.onFail = (error) => {
        if (failure === undefined) {
          failure = error;
          stopAll();
        }
      };
    }
    const cpu0 = await server?.cpuSeconds();
    const start = wallMs();
    const deadline = start + this.opts.timeoutMs;
    const timer = setTimeout(stopAll, this.opts.timeoutMs);
    const stopProgress = this.opts.jsonOnly ? undefined : showProgress(label, gens, total, start);
    try {
      await Promise.all(gens.map((g, i) => g.send(orders[i]!)));
      const results = await Promise.all(gens.map((g) => g.result(deadline + 15_000)));
      const got = results.filter((r): r is RunResult => r !== undefined);
      notes.push(...failureNotes(got, gens.length, failure, this.#fdLimit));
      const timedOut = wallMs() - start >= this.opts.timeoutMs;
      if (timedOut && failure === undefined) {
        notes.push(`Stopped after the time limit of ${this.opts.timeoutMs / 1000} s (--timeout)`);
      }
      const wall = (wallMs() - start) / 1000;
      const cpu1 = await server?.cpuSeconds();
      const inCores = (cpu: number) => wall > 0 ? round(cpu / wall, 2) : 0;
      return {
        results: got,
        complete: got.length === gens.length && got.every((r) => !r.partial),
        server_cpu: cpu0 === undefined || cpu1 === undefined ? null : inCores(cpu1 - cpu0),
        generator_cpu: inCores(sum(got, (r) => r.cpuMs) / 1000),
      };
    } finally {
      clearTimeout(timer);
      stopProgress?.();
      for (const g of gens) g.onFail = undefined;
    }
  }

  /**
   * Joins every client of a scenario before its messages start (IRC: to
   * `channel`, or to none when it is "").
   */
  async setup(s: Spec, nicks: string[][], channel: string): Promise<boolean> {
    const orders: Order[] = nicks.map((list) =>
      this.joinOrder(s, list, {
        readBytes: 64 * 1024,
        concurrency: Math.min(this.opts.concurrency, 64),
        countJoins: false,
        channel,
      })
    );
    const total = nicks.reduce((n, l) => n + l.length, 0);
    const { complete } = await this.execute(`${s.label} (joining)`, s.gens, orders, total, s.notes);
    if (!complete) s.notes.push("Not every client could join; the run did not start");
    return complete;
  }

  /**
   * A join order to the run's server, in its protocol (ngIRCd: at most
   * {@linkcode NGIRCD_CONNECTING} clients connecting at once in all).
   */
  joinOrder(
    s: Spec,
    nicks: string[],
    o: Pick<JoinOrder, "readBytes" | "concurrency" | "countJoins" | "channel">,
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
    };
  }

  /** Runs a scenario against one server and makes its row (its goal is judged later). */
  async run(scenario: Scenario, target: Target, clients: number): Promise<Row> {
    const o = this.opts;
    const notes: string[] = [];
    const joins = joinsOnly(scenario);
    const base = rowBase(scenario, target, clients, o);
    const label = `${scenario} ${base.size} ${target}`;
    const failed = (why: string): Row => {
      notes.push(why);
      return failedRow(base, notes);
    };

    // Open files: the server needs one per client, each generator one per its clients.
    const serverFds = clients + 64;
    if (serverFds > this.#fdLimit && (target !== "papo" || !o.external)) {
      return failed(
        `Skipped: the server would need ${fmt(serverFds)} open files and the limit is ${
          fmt(this.#fdLimit)
        } (ulimit -Hn)`,
      );
    }
    const perGen = Math.max(1, this.#fdLimit - 64);
    let n = Math.max(o.workers, Math.ceil(clients / perGen), joins ? 2 : 1);
    if (scenario === "private") n = Math.min(n, o.pairs);
    if (scenario === "broadcast") n = Math.min(n, clients - o.senders);
    const gens = await this.#fleet.generators(n);

    let server: Server;
    try {
      server = await this.#fleet.open(target, clients);
    } catch (e) {
      return failed(e instanceof Error ? e.message : String(e));
    }
    const protocol: Protocol = target === "ngircd" ? "irc" : "papo";
    const tag = this.#tag(target, scenario);
    let answered: ProbeResult = { ok: false, online: 0, ms: 0 };
    let complete = false;
    try {
      const before = await probeServer(protocol, server.host, server.port, `${tag}p`);
      if (!before.ok) {
        return failed(`The server did not answer before the run: ${before.error}`);
      }
      // IRC counts members of the channel, which the probe never joins.
      const baseOnline = protocol === "irc" ? 0 : before.online - 1;
      const rss = async () => (await server.proc?.rssKiB()) ?? null;
      const rssBefore = await rss();
      const spec: Spec = { tag, clients, baseOnline, server, protocol, gens, label, notes };
      const m = await SCENARIOS[scenario](this, spec);
      complete = m.complete;
      const rssJoined = joins ? await rss() : null;
      if (joins && m.complete && o.settleMs > 0) await pause(o.settleMs);
      const rssAfter = await rss();
      answered = await probeServer(protocol, server.host, server.port, `${tag}q`);
      if (!answered.ok) notes.push(`The server did not answer after the run: ${answered.error}`);
      const memory = { before: rssBefore, joined: rssJoined, after: rssAfter };
      return measuredRow(base, gens.length, m, memory, answered, notes);
    } finally {
      const tail = server.proc?.tail() ?? [];
      await this.#fleet.close(server, gens, notes);
      if ((!answered.ok || !complete) && tail.length > 0) {
        notes.push(`The server's last lines: ${tail.slice(-3).join(" | ")}`);
      }
    }
  }
}
