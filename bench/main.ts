/**
 * `deno task bench`: papo's load benchmark (issue 5). It starts papo's server
 * (or uses one given with `--host`/`--port`) and its own do-nothing ceiling
 * server, drives them with clients spread over generator processes, and
 * prints a table and one JSON line per scenario and server.
 *
 * Scenarios:
 * - connect: N clients connect and register; timed until every client has
 *   seen every later join announced (`ENTROU`); server memory per client.
 * - private: P sender/receiver pairs, M private messages each, W in flight
 *   per sender (one more per `OK Mensagem enviada`); messages/s, latency.
 * - broadcast: N clients, S senders of M public messages each, W in flight
 *   per sender (one more per delivery to a pacing receiver); deliveries/s
 *   (messages x receivers), latency.
 *
 * Run `deno task bench --help` for the flags.
 *
 * @module
 */

import { intFlag, parseFlags, UsageError } from "../common/cli.ts";
import { VERSION } from "../protocol.ts";
import {
  Generator,
  here,
  openFileLimit,
  probe,
  type ProbeResult,
  profileInto,
  type ServerProcess,
  startServer,
} from "./processes.ts";
import {
  judge,
  ratioRow,
  ratios,
  round,
  type Row,
  type Scenario,
  tableHeader,
  tableRow,
  type Target,
} from "./report.ts";
import { Histogram, type Order, type RunResult, wallMs } from "./wire.ts";

const HELP =
  `papo bench ${VERSION}: load scenarios against papo's server and a do-nothing ceiling server

Usage: deno task bench [options]

Options:
  --scenario LIST   connect, private, broadcast or all, comma-separated (default all)
  --clients LIST    clients per run, comma-separated: connect runs once per value
                    (default 1000,5000,10000), broadcast too (default 200)
  --messages N      messages per private pair and per broadcast sender (default 4000 and 1500)
  --pairs N         private sender/receiver pairs (default 50)
  --senders N       broadcast senders (default 4)
  --window N        messages in flight per sender (default 16)
  --host ADDR       use the papo server at ADDR:PORT instead of starting one
  --port N          (with --host) its port
  --target WHICH    papo, ceiling or both (default both)
  --workers N       generator processes (default ${defaultWorkers()}; connect uses at least 2, and
                    enough for each to stay under the open-file limit)
  --concurrency N   clients connecting at once per generator (default 100)
  --timeout S       seconds each run may take before it is stopped (default 300)
  --profile DIR     write V8 CPU profiles of the servers and generators into DIR
  --quick           tiny sizes, for CI: a few seconds in all
  --json-only       print only the JSON lines, one per scenario and server
  -h, --help        show this help

The server started is: deno run --allow-net server.ts --host 127.0.0.1 --port 0 --flood-burst 0
--max-clients 20000 (a new one per run). Exit code 1 when a run lost lines or a server stopped
answering.`;

const FLAGS = {
  scenario: { type: "string" },
  clients: { type: "string" },
  messages: { type: "string" },
  pairs: { type: "string" },
  senders: { type: "string" },
  window: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  target: { type: "string" },
  workers: { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  profile: { type: "string" },
  quick: { type: "boolean" },
  "json-only": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The bench's settings, from the flags. */
export interface BenchOptions {
  scenarios: Scenario[];
  connectSizes: number[];
  broadcastSizes: number[];
  senders: number;
  broadcastMessages: number;
  pairs: number;
  privateMessages: number;
  window: number;
  external: { host: string; port: number } | undefined;
  targets: Target[];
  workers: number;
  concurrency: number;
  timeoutMs: number;
  jsonOnly: boolean;
  profileDir: string | undefined;
}

/** One generator process per core the server does not use (connect uses at least 2). */
function defaultWorkers(): number {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency - 1));
}

function list(value: string | boolean | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = String(value).split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) throw new UsageError(`Cannot use --${name} "${value}": give numbers`);
  return parts.map((p) => intFlag(p, name, 0, 1));
}

/**
 * Reads the command line.
 * @param args The arguments.
 * @returns The options, or "help".
 * @throws {UsageError} When a flag is unknown or its value is wrong.
 */
export function readOptions(args: string[]): BenchOptions | "help" {
  const f = parseFlags(args, FLAGS);
  if (f.help) return "help";
  const quick = f.quick === true;
  const names = String(f.scenario ?? "all").split(",").map((s) => s.trim().toLowerCase());
  const scenarios: Scenario[] = [];
  for (const n of names) {
    if (n === "all") scenarios.push("connect", "private", "broadcast");
    else if (n === "connect" || n === "private" || n === "broadcast") scenarios.push(n);
    else {
      throw new UsageError(
        `Cannot run scenario "${n}": choose connect, private, broadcast or all`,
      );
    }
  }
  const clients = list(f.clients, "clients");
  const messages = f.messages === undefined ? undefined : intFlag(f.messages, "messages", 0, 1);
  const target = String(f.target ?? "both");
  if (!["papo", "ceiling", "both"].includes(target)) {
    throw new UsageError(`Cannot use --target "${target}": choose papo, ceiling or both`);
  }
  let external: BenchOptions["external"];
  if (f.host !== undefined || f.port !== undefined) {
    if (f.host === undefined || f.port === undefined) {
      throw new UsageError("Cannot use --host or --port alone: give both");
    }
    external = { host: String(f.host), port: intFlag(f.port, "port", 0, 1) };
  }
  const senders = intFlag(f.senders, "senders", quick ? 2 : 4, 1);
  const broadcastSizes = clients ?? [quick ? 20 : 200];
  for (const n of broadcastSizes) {
    if (scenarios.includes("broadcast") && n < senders + 1) {
      throw new UsageError(
        `Cannot run broadcast with --clients ${n} and --senders ${senders}: give more clients than senders`,
      );
    }
  }
  return {
    scenarios: [...new Set(scenarios)],
    connectSizes: clients ?? (quick ? [50] : [1000, 5000, 10_000]),
    broadcastSizes,
    senders,
    broadcastMessages: messages ?? (quick ? 100 : 1500),
    pairs: intFlag(f.pairs, "pairs", quick ? 4 : 50, 1),
    privateMessages: messages ?? (quick ? 200 : 4000),
    window: intFlag(f.window, "window", quick ? 8 : 16, 1),
    external,
    targets: target === "both" ? ["papo", "ceiling"] : [target as Target],
    workers: intFlag(f.workers, "workers", defaultWorkers(), 1),
    concurrency: intFlag(f.concurrency, "concurrency", 100, 1),
    timeoutMs: intFlag(f.timeout, "timeout", 300, 1) * 1000,
    jsonOnly: f["json-only"] === true,
    profileDir: f.profile === undefined ? undefined : String(f.profile),
  };
}

// ------------------------------------------------------------- the bench

const cores = navigator.hardwareConcurrency;
const tty = Deno.stderr.isTerminal();

/** A server to run against: started by the bench, or given. */
interface Server {
  host: string;
  port: number;
  proc: ServerProcess | undefined;
}

/** Runs the scenarios; one instance per `deno task bench`. */
class Bench {
  readonly opts: BenchOptions;
  readonly fdLimit: number;
  readonly gens: Generator[] = [];
  readonly servers = new Set<ServerProcess>();
  #runs = 0;
  #tag = Math.random().toString(36).slice(2, 5);

  constructor(opts: BenchOptions, fdLimit: number) {
    this.opts = opts;
    this.fdLimit = fdLimit;
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
    const proc = target === "papo"
      ? await startServer("papo", here("../server.ts"), [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--flood-burst",
        "0",
        "--max-clients",
        String(Math.max(20_000, clients + 16)),
      ])
      : await startServer("ceiling", here("./ceiling_server.ts"), [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
      ]);
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
      const cores = (cpu: number) => wall > 0 ? round(cpu / wall, 2) : 0;
      return {
        results: got,
        complete: got.length === gens.length && got.every((r) => !r.partial),
        server_cpu: cpu0 === undefined || cpu1 === undefined ? null : cores(cpu1 - cpu0),
        generator_cpu: cores(sum(got, (r) => r.cpuMs) / 1000),
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

  /** Runs a scenario against one server and makes its row. */
  async run(scenario: Scenario, target: Target, clients: number): Promise<Row> {
    const o = this.opts;
    const notes: string[] = [];
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
      window: scenario === "connect" ? null : o.window,
      size: scenario === "connect"
        ? `${fmt(clients)} clients`
        : scenario === "private"
        ? `${o.pairs} pairs x ${fmt(o.privateMessages)}, w${o.window}`
        : `${fmt(clients)} cl, ${o.senders} x ${fmt(o.broadcastMessages)}, w${o.window}`,
    };
    const label = `${scenario} ${base.size} ${target}`;
    const failed = (why: string, m: Partial<Row> = {}): Row => {
      notes.push(why);
      const row: Omit<Row, "goal"> = {
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
        rss_after_kib: null,
        rss_per_client_kib: null,
        answered: false,
        check_ms: 0,
        server_cpu: null,
        generator_cpu: 0,
        notes,
        ...m,
      };
      return { ...row, goal: judge(row) };
    };

    // Open files: the server needs one per client, each generator one per its clients.
    const serverFds = clients + 64;
    if (serverFds > this.fdLimit && (target === "ceiling" || !o.external)) {
      return failed(
        `Skipped: the server would need ${fmt(serverFds)} open files and the limit is ${
          fmt(this.fdLimit)
        } (ulimit -Hn)`,
      );
    }
    const perGen = Math.max(1, this.fdLimit - 64);
    let n = Math.max(o.workers, Math.ceil(clients / perGen), scenario === "connect" ? 2 : 1);
    if (scenario === "private") n = Math.min(n, o.pairs);
    if (scenario === "broadcast") n = Math.min(n, clients - o.senders);
    const gens = await this.generators(n);

    let server: Server;
    try {
      server = await this.open(target, clients);
    } catch (e) {
      return failed(e instanceof Error ? e.message : String(e));
    }
    const tag = this.tag(target, scenario);
    let answered: ProbeResult = { ok: false, online: 0, ms: 0 };
    try {
      const before = await probe(server.host, server.port, `${tag}p`);
      if (!before.ok) {
        return failed(`The server did not answer before the run: ${before.error}`);
      }
      const baseOnline = before.online - 1;
      const rssBefore = (await server.proc?.rssKiB()) ?? null;
      const spec: Spec = { tag, clients, baseOnline, server, gens, label, notes };
      const m = scenario === "connect"
        ? await this.connect(spec)
        : scenario === "private"
        ? await this.private(spec)
        : await this.broadcast(spec);
      if (scenario === "connect" && m.complete) await pause(1000);
      const rssAfter = (await server.proc?.rssKiB()) ?? null;
      answered = await probe(server.host, server.port, `${tag}q`);
      if (!answered.ok) notes.push(`The server did not answer after the run: ${answered.error}`);
      const perClient = scenario === "connect" && rssBefore !== null && rssAfter !== null
        ? round((rssAfter - rssBefore) / clients, 2)
        : null;
      const row: Omit<Row, "goal"> = {
        ...base,
        workers: gens.length,
        cores,
        ...m,
        unit: unitOf(scenario),
        rss_before_kib: rssBefore,
        rss_after_kib: rssAfter,
        rss_per_client_kib: perClient,
        answered: answered.ok,
        check_ms: round(answered.ms, 1),
        notes,
      };
      return { ...row, goal: judge(row) };
    } finally {
      const tail = server.proc?.tail() ?? [];
      await this.close(server, gens, notes);
      if (!answered.ok && tail.length > 0) {
        notes.push(`The server's last lines: ${tail.slice(-3).join(" | ")}`);
      }
    }
  }

  /** connect: every client registers; done when each has seen every later join. */
  async connect(s: Spec): Promise<Measured> {
    const { clients, gens } = s;
    const nicks: string[][] = gens.map(() => []);
    for (let i = 0; i < clients; i++) nicks[i % gens.length]!.push(`${s.tag}${i}`);
    const joins = (clients * (clients - 1)) / 2;
    const orders: Order[] = nicks.map((list) => ({
      op: "join",
      host: s.server.host,
      port: s.server.port,
      nicks: list,
      readBytes: 16 * 1024,
      concurrency: this.opts.concurrency,
      countJoins: true,
      total: clients,
      base: s.baseOnline,
    }));
    const ran = await this.execute(
      s.label,
      gens,
      orders,
      clients + joins,
      s.notes,
      s.server.proc,
    );
    const { results, complete } = ran;
    const registered = sum(results, (r) => r.registered);
    const announced = sum(results, (r) => r.received);
    const expectedJoins = sum(results, (r) => r.expected);
    if (complete && expectedJoins !== joins) {
      s.notes.push(
        `The clients' USUARIOS counts promised ${fmt(expectedJoins)} joins, not ${fmt(joins)}`,
      );
    }
    const m = measure(ran, clients + joins, registered + announced);
    return { ...m, rate: m.time_s > 0 ? round(clients / m.time_s, 0) : 0 };
  }

  /** Joins every client of a scenario before its messages start. */
  async setup(s: Spec, nicks: string[][]): Promise<boolean> {
    const orders: Order[] = nicks.map((list) => ({
      op: "join",
      host: s.server.host,
      port: s.server.port,
      nicks: list,
      readBytes: 64 * 1024,
      concurrency: Math.min(this.opts.concurrency, 64),
      countJoins: false,
      total: 0,
      base: 0,
    }));
    const total = nicks.reduce((n, l) => n + l.length, 0);
    const { complete } = await this.execute(`${s.label} (joining)`, s.gens, orders, total, s.notes);
    if (!complete) s.notes.push("Not every client could join; the run did not start");
    return complete;
  }

  /** private: pairs exchange messages, a window in flight per sender. */
  async private(s: Spec): Promise<Measured> {
    const { gens } = s;
    const o = this.opts;
    const nicks: string[][] = gens.map(() => []);
    const pairs: [number, number][][] = gens.map(() => []);
    for (let p = 0; p < o.pairs; p++) {
      const g = p % gens.length;
      const at = nicks[g]!.length;
      nicks[g]!.push(`${s.tag}s${p}`, `${s.tag}r${p}`);
      pairs[g]!.push([at, at + 1]);
    }
    const expected = 2 * o.pairs * o.privateMessages;
    if (!(await this.setup(s, nicks))) return notRun(expected);
    const epochMs = wallMs();
    const orders: Order[] = pairs.map((list) => ({
      op: "private",
      epochMs,
      messages: o.privateMessages,
      window: o.window,
      pairs: list,
    }));
    const ran = await this.execute(s.label, gens, orders, expected, s.notes, s.server.proc);
    const m = measure(ran, expected, sum(ran.results, (r) => r.received));
    const delivered = sum(ran.results, count);
    return { ...m, rate: m.time_s > 0 ? round(delivered / m.time_s, 0) : 0 };
  }

  /** broadcast: senders send public messages, paced by one receiver per generator. */
  async broadcast(s: Spec): Promise<Measured> {
    const { clients, gens } = s;
    const o = this.opts;
    const g = gens.length;
    const nicks: string[][] = gens.map(() => []);
    for (let i = 0; i < clients; i++) nicks[i % g]!.push(`${s.tag}${i}`);
    const expected = o.senders * o.broadcastMessages * (clients - 1);
    if (!(await this.setup(s, nicks))) return notRun(expected);
    const epochMs = wallMs();
    const orders: Order[] = gens.map((_, k) => {
      const senders: [number, number][] = [];
      for (let i = k; i < o.senders; i += g) senders.push([Math.floor(i / g), i]);
      // The first non-sender of this generator paces its senders.
      let pacer = -1;
      for (let i = k; i < clients; i += g) {
        if (i >= o.senders) {
          pacer = Math.floor(i / g);
          break;
        }
      }
      return {
        op: "broadcast",
        epochMs,
        messages: o.broadcastMessages,
        window: o.window,
        senders,
        sendersTotal: o.senders,
        pacer,
      };
    });
    const ran = await this.execute(s.label, gens, orders, expected, s.notes, s.server.proc);
    const received = sum(ran.results, (r) => r.received);
    const m = measure(ran, expected, received);
    return { ...m, rate: m.time_s > 0 ? round(received / m.time_s, 0) : 0 };
  }

  /** Stops everything at once (Ctrl+C). */
  kill(): void {
    for (const p of this.servers) void p.stop();
    for (const g of this.gens) g.kill();
  }

  async exit(): Promise<void> {
    await Promise.all(this.gens.map((g) => g.exit()));
  }
}

interface Executed {
  results: RunResult[];
  complete: boolean;
  server_cpu: number | null;
  generator_cpu: number;
}

interface Spec {
  tag: string;
  clients: number;
  baseOnline: number;
  server: Server;
  gens: Generator[];
  label: string;
  notes: string[];
}

type Measured = Pick<
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
  | "generator_cpu"
>;

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
  return undefined;
}

function unitOf(scenario: Scenario): string {
  return scenario === "connect" ? "clients" : scenario === "private" ? "messages" : "deliveries";
}

/** Merges the generators' results: time from the first start to the last line, latencies. */
function measure(ran: Executed, expected: number, received: number): Measured {
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
    server_cpu: ran.server_cpu,
    generator_cpu: ran.generator_cpu,
  };
}

function notRun(expected: number): Measured {
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
    server_cpu: null,
    generator_cpu: 0,
  };
}

/** Latency samples in a result: one per private message delivered. */
function count(r: RunResult): number {
  let n = 0;
  for (let i = 1; i < r.hist.length; i += 2) n += r.hist[i]!;
  return n;
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((s, x) => s + f(x), 0);
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The lines printed under the table: what each column means and where the ceiling is. */
function legend(o: BenchOptions): string {
  return [
    "",
    "time s: from the first connect (connect) or first message sent to the last line expected.",
    "rate/s: clients registered per second with every join announced (connect); private messages",
    "  delivered per second, each with its OK reply (private); deliveries per second, messages x",
    "  receivers (broadcast). ratio rows: papo divided by ceiling (rate near 1.00x: the generator",
    "  or the machine is the limit, not papo).",
    "p50/p99/max ms: registration time, connect to BEMVINDO (connect); send to delivery, from the",
    "  timestamp in the message body (private, broadcast).",
    "lost: lines expected that never came (connect: registrations and ENTROU; private: PRIVADA and",
    "  OK; broadcast: PUBLICA); '!' marks a run stopped before it completed.",
    "RSS MiB: the server's VmRSS before the clients came > after the run (after 1 s idle for",
    "  connect); KiB/cl: the growth per client (connect).",
    "check: a new client registered and got answers to {users} and {quit} after the run.",
    `goal (issue 5, papo at the issue's sizes): broadcast >= 1.5M deliveries/s and p99 < 20 ms;`,
    "  private >= 500k msgs/s and p99 < 10 ms; connect 10,000 in < 20 s, < 8 KiB per idle client.",
    ...(o.external ? [`papo rows: the server at ${o.external.host}:${o.external.port}.`] : []),
  ].join("\n");
}

/**
 * Runs the bench from the command line.
 * @param args The arguments.
 * @returns The exit code: 0, 1 when a run lost lines or a server stopped answering, 2 on bad flags.
 */
export async function main(args: string[]): Promise<number> {
  let opts: BenchOptions | "help";
  try {
    opts = readOptions(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\nSee --help.`);
      return 2;
    }
    throw e;
  }
  if (opts === "help") {
    console.log(HELP);
    return 0;
  }
  if (opts.profileDir !== undefined) {
    const dir = opts.profileDir;
    profileInto(dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`);
  }
  const fdLimit = await openFileLimit();
  const bench = new Bench(opts, fdLimit);
  const onSignal = () => {
    bench.kill();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const rows: Row[] = [];
  try {
    await bench.generators(opts.workers);
    if (!opts.jsonOnly) {
      console.log(
        `papo bench ${VERSION} on Deno ${Deno.version.deno}: ${cores} cores ` +
          `(navigator.hardwareConcurrency) shared by the server under test and ` +
          `${opts.workers} generator process(es) (connect: at least 2); open files per process: ${
            Number.isFinite(fdLimit) ? fmt(fdLimit) : "unlimited"
          }`,
      );
      console.log(
        opts.external
          ? `papo: the server at ${opts.external.host}:${opts.external.port}`
          : "papo: deno run --allow-net server.ts --host 127.0.0.1 --port 0 --flood-burst 0 " +
            "--max-clients 20000 (a new server per run); ceiling: bench/ceiling_server.ts",
      );
      console.log();
      console.log(tableHeader());
    }
    const runs: [Scenario, number][] = [];
    for (const s of opts.scenarios) {
      if (s === "connect") { for (const n of opts.connectSizes) runs.push([s, n]); }
      else if (s === "private") runs.push([s, 2 * opts.pairs]);
      else for (const n of opts.broadcastSizes) runs.push([s, n]);
    }
    for (const [scenario, clients] of runs) {
      const pair: Row[] = [];
      for (const target of opts.targets) pair.push(await bench.run(scenario, target, clients));
      const papo = pair.find((r) => r.target === "papo");
      const ceiling = pair.find((r) => r.target === "ceiling");
      if (papo && ceiling) papo.vs_ceiling = ratios(papo, ceiling);
      for (const row of pair) {
        rows.push(row);
        if (opts.jsonOnly) console.log(JSON.stringify(row));
        else {
          console.log(tableRow(row));
          for (const note of row.notes) console.log(`  ${row.target}: ${note}`);
        }
      }
      if (!opts.jsonOnly && papo && ceiling) console.log(ratioRow(papo));
    }
    if (!opts.jsonOnly) {
      console.log(legend(opts));
      console.log();
      for (const row of rows) console.log(JSON.stringify(row));
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await bench.exit();
  }
  const bad = rows.some((r) => !r.complete || r.lost > 0 || !r.answered);
  return bad ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
