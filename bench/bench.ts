/**
 * The bench's coordinator: it starts the servers (papo's, the ceiling,
 * ngIRCd) and the generator processes, sends each generator its share of a
 * scenario (`connect.ts`, `private.ts`, `broadcast.ts`), gathers the
 * results and makes one row per scenario and server, with the server's
 * memory and CPU and a check that it still answers.
 *
 * @module
 */

import { broadcast } from "./broadcast.ts";
import { connect } from "./connect.ts";
import { type Executed, fmt, type Measured, pause, sum, unitOf } from "./measure.ts";
import { type Ngircd, NGIRCD_CONNECTING, startNgircd } from "./ngircd.ts";
import { type BenchOptions, PAPO_ARGS } from "./options.ts";
import { privateMessages } from "./private.ts";
import { type ProbeResult, probeServer } from "./probe.ts";
import { Generator, here, type ServerProcess, startServer } from "./processes.ts";
import { round, type Row, type Scenario, type Target } from "./report.ts";
import { type JoinOrder, type Order, type Protocol, type RunResult, wallMs } from "./wire.ts";

/** The IRC channel of the connect and broadcast scenarios on ngIRCd. */
export const CHANNEL = "#bench";

/** The cores the servers and the generators share. */
export const cores = navigator.hardwareConcurrency;
const tty = Deno.stderr.isTerminal();

/** A server to run against: started by the bench, or given. */
export interface Server {
  host: string;
  port: number;
  proc: ServerProcess | undefined;
}

/** One scenario run against one server, as a scenario sees it. */
export interface Spec {
  /** A nickname prefix no other run uses. */
  tag: string;
  clients: number;
  /** Users online (papo) or in the channel (IRC) before the run. */
  baseOnline: number;
  server: Server;
  protocol: Protocol;
  gens: Generator[];
  label: string;
  notes: string[];
}

const SCENARIOS: Record<Scenario, (b: Bench, s: Spec) => Promise<Measured>> = {
  connect: (b, s) => connect(b, s, true),
  idle: (b, s) => connect(b, s, false),
  private: privateMessages,
  broadcast,
};

/** Runs the scenarios; one instance per `deno task bench`. */
export class Bench {
  readonly opts: BenchOptions;
  readonly fdLimit: number;
  /** The ngIRCd to run, when it is installed and asked for. */
  readonly ngircd: Ngircd | undefined;
  readonly gens: Generator[] = [];
  readonly servers = new Set<ServerProcess>();
  #runs = 0;
  #tag = Math.random().toString(36).slice(2, 5);

  constructor(opts: BenchOptions, fdLimit: number, ngircd: Ngircd | undefined) {
    this.opts = opts;
    this.fdLimit = fdLimit;
    this.ngircd = ngircd;
  }

  /** Starts generator processes until there are `n`. */
  async generators(n: number): Promise<Generator[]> {
    while (this.gens.length < n) this.gens.push(await Generator.start());
    return this.gens.slice(0, n);
  }

  /** A nickname prefix no other run uses (nicknames stay within 16 characters). */
  tag(target: Target, scenario: Scenario): string {
    this.#runs++;
    return `b${this.#tag}${this.#runs.toString(36)}${target[0]}${scenario[0]}`;
  }

  async open(target: Target, clients: number): Promise<Server> {
    if (target === "papo" && this.opts.external) {
      return { ...this.opts.external, proc: undefined };
    }
    let proc: ServerProcess;
    if (target === "papo") {
      proc = await startServer("papo", here("../server.ts"), [
        ...PAPO_ARGS,
        "--max-clients",
        String(Math.max(20_000, clients + 16)),
        ...this.opts.serverArgs,
      ]);
    } else if (target === "ceiling") {
      proc = await startServer("ceiling", here("./ceiling_server.ts"), [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
      ]);
    } else {
      if (this.ngircd === undefined) throw new Error("ngIRCd is not installed");
      proc = await startNgircd(this.ngircd);
    }
    this.servers.add(proc);
    return { host: proc.host, port: proc.port, proc };
  }

  async close(server: Server, gens: Generator[], notes: string[]): Promise<void> {
    if (server.proc) {
      const code = await server.proc.stop();
      this.servers.delete(server.proc);
      if (code !== 0) {
        notes.push(`The ${server.proc.name} server exited with code ${code} on SIGTERM`);
      }
    }
    await Promise.all(gens.map((g) => g.closeClients()));
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
    const show = () => {
      const done = gens.reduce((s, g) => s + g.done, 0);
      const pct = total > 0 ? ` (${((100 * done) / total).toFixed(1)}%)` : "";
      const s = ((wallMs() - start) / 1000).toFixed(1);
      Deno.stderr.writeSync(
        new TextEncoder().encode(`\r\x1b[K${label}: ${fmt(done)}/${fmt(total)}${pct} ${s} s`),
      );
    };
    const ticker = tty && !this.opts.jsonOnly ? setInterval(show, 200) : undefined;
    if (!tty && !this.opts.jsonOnly) console.error(`bench: ${label}`);
    try {
      await Promise.all(gens.map((g, i) => g.send(orders[i]!)));
      const results = await Promise.all(gens.map((g) => g.result(deadline + 15_000)));
      const got = results.filter((r): r is RunResult => r !== undefined);
      if (got.length < gens.length) {
        notes.push(`${gens.length - got.length} generator process(es) sent no result`);
      }
      if (failure !== undefined) {
        notes.push(`Stopped at the first failure: ${failure}`);
        const limit = limitHit(failure, this.fdLimit);
        if (limit !== undefined) notes.push(limit);
      }
      const erro = new Map<string, number>();
      for (const r of got) {
        for (const [line, n] of Object.entries(r.erro)) erro.set(line, (erro.get(line) ?? 0) + n);
      }
      for (const [line, n] of erro) notes.push(`Received ${fmt(n)} x "${line}"`);
      const failures = sum(got, (r) => r.failures);
      if (failures > 1) notes.push(`${fmt(failures)} clients failed in all`);
      const errors = got.flatMap((r) => r.errors).slice(1, 4);
      if (errors.length > 0) notes.push(`Other failures: ${errors.join("; ")}`);
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
      if (ticker !== undefined) {
        clearInterval(ticker);
        Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      }
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
    const joins = scenario === "connect" || scenario === "idle";
    const base = {
      scenario,
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
      size: joins
        ? `${fmt(clients)} clients`
        : scenario === "private"
        ? `${o.pairs} pairs x ${fmt(o.privateMessages)}, w${o.window}`
        : `${fmt(clients)} cl, ${o.senders} x ${fmt(o.broadcastMessages)}, w${o.window}`,
      settle_s: joins ? o.settleMs / 1000 : null,
      goal: "-" as const,
    };
    const label = `${scenario} ${base.size} ${target}`;
    const failed = (why: string): Row => {
      notes.push(why);
      return {
        ...base,
        workers: 0,
        cores,
        complete: false,
        time_s: 0,
        rate: 0,
        unit: unitOf(scenario),
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
        generator_cpu: 0,
        notes,
      };
    };

    // Open files: the server needs one per client, each generator one per its clients.
    const serverFds = clients + 64;
    if (serverFds > this.fdLimit && (target !== "papo" || !o.external)) {
      return failed(
        `Skipped: the server would need ${fmt(serverFds)} open files and the limit is ${
          fmt(this.fdLimit)
        } (ulimit -Hn)`,
      );
    }
    const perGen = Math.max(1, this.fdLimit - 64);
    let n = Math.max(o.workers, Math.ceil(clients / perGen), joins ? 2 : 1);
    if (scenario === "private") n = Math.min(n, o.pairs);
    if (scenario === "broadcast") n = Math.min(n, clients - o.senders);
    const gens = await this.generators(n);

    let server: Server;
    try {
      server = await this.open(target, clients);
    } catch (e) {
      return failed(e instanceof Error ? e.message : String(e));
    }
    const protocol: Protocol = target === "ngircd" ? "irc" : "papo";
    const tag = this.tag(target, scenario);
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
      const perClient = (kib: number | null) =>
        joins && rssBefore !== null && kib !== null ? round((kib - rssBefore) / clients, 2) : null;
      return {
        ...base,
        workers: gens.length,
        cores,
        ...m,
        unit: unitOf(scenario),
        rss_before_kib: rssBefore,
        rss_joined_kib: rssJoined,
        rss_after_kib: rssAfter,
        rss_per_client_kib: perClient(rssJoined),
        rss_settled_per_client_kib: perClient(rssAfter),
        answered: answered.ok,
        check_ms: round(answered.ms, 1),
        notes,
      };
    } finally {
      const tail = server.proc?.tail() ?? [];
      await this.close(server, gens, notes);
      if ((!answered.ok || !complete) && tail.length > 0) {
        notes.push(`The server's last lines: ${tail.slice(-3).join(" | ")}`);
      }
    }
  }

  /**
   * Stops everything (Ctrl+C): the generators at once, the servers with
   * SIGTERM, waiting at most 2 s for them (and for ngIRCd's temporary files).
   */
  async kill(): Promise<void> {
    for (const g of this.gens) g.kill();
    const stopped = Promise.all([...this.servers].map((p) => p.stop()));
    await Promise.race([stopped, pause(2000)]);
  }

  async exit(): Promise<void> {
    await Promise.all(this.gens.map((g) => g.exit()));
  }
}

/** A plain sentence for a limit that a failure shows was hit, if one was. */
function limitHit(failure: string, fdLimit: number): string | undefined {
  if (/os error 24|Too many open files/i.test(failure)) {
    return `A generator process hit the open-file limit (${
      fmt(fdLimit)
    } per process, ulimit -n): ` +
      "raise the hard limit or give --workers more processes";
  }
  if (/os error 99|Cannot assign requested address/i.test(failure)) {
    return "The machine ran out of local TCP ports (net.ipv4.ip_local_port_range)";
  }
  if (/ERRO 11/.test(failure)) return "The server is full (its --max-clients or --max-per-ip)";
  if (/nao le o que recebe/.test(failure)) {
    return "The server dropped a client as a slow reader (L7, its --max-queue)";
  }
  if (/Write buffer space exhausted/i.test(failure)) {
    return "ngIRCd dropped a client whose unsent output passed its fixed 32 KiB write buffer";
  }
  return undefined;
}
