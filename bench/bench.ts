/**
 * The bench's runs: one scenario (`connect.ts`, `private.ts`,
 * `broadcast.ts`) against one server makes one row. A run is planned (open
 * files, generator processes), its server started (`fleet.ts`) and checked
 * before and after, its orders sent (`execute.ts`), the server's memory read
 * around it, and its row made (`row.ts`).
 *
 * @module
 */

import { broadcast } from "./broadcast.ts";
import { connect } from "./connect.ts";
import type { Executor } from "./execute.ts";
import type { Fleet } from "./fleet.ts";
import { fmt, type Measured, pause } from "./measure.ts";
import { privateMessages } from "./private.ts";
import { type ProbeResult, probeServer } from "./probe.ts";
import type { Shape } from "./options.ts";
import type { Row, Scenario, Target } from "./report.ts";
import { failedRow, joinsOnly, measuredRow, rowBase } from "./row.ts";
import type { Server, Spec } from "./spec.ts";
import type { Protocol } from "./wire.ts";

const SCENARIOS: Record<Scenario, (x: Executor, s: Spec) => Promise<Measured>> = {
  connect: (x, s) => connect(x, s, true),
  idle: (x, s) => connect(x, s, false),
  private: privateMessages,
  broadcast,
};

/** Runs the scenarios; one instance per `deno task bench`. */
export class Bench {
  readonly #x: Executor;
  readonly #fleet: Fleet;
  readonly #fdLimit: number;
  #runs = 0;
  #prefix = Math.random().toString(36).slice(2, 5);

  /**
   * @param x Runs the orders (and holds the bench's options).
   * @param fleet Starts the servers and the generator processes.
   * @param fdLimit The open files per process.
   */
  constructor(x: Executor, fleet: Fleet, fdLimit: number) {
    this.#x = x;
    this.#fleet = fleet;
    this.#fdLimit = fdLimit;
  }

  /** A nickname prefix no other run uses (nicknames stay within 16 characters). */
  #tag(target: Target, scenario: Scenario): string {
    this.#runs++;
    return `b${this.#prefix}${this.#runs.toString(36)}${target[0]}${scenario[0]}`;
  }

  /**
   * Runs a scenario against one server and makes its row (its goal is judged later).
   * @param web Private, broadcast on papo's server: clients of the run that come
   *   through its web door (`--scenario web`).
   * @param door Whether papo's server is started with `--web` (the web scenario's runs).
   */
  async run(
    scenario: Scenario,
    target: Target,
    clients: number,
    shape: Shape = "reply",
    web = 0,
    door = web > 0,
  ): Promise<Row> {
    const o = this.#x.opts;
    const notes: string[] = [];
    const joins = joinsOnly(scenario);
    const base = rowBase(scenario, target, clients, o, joins ? null : shape, web);
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
      server = await this.#fleet.open(target, clients, door);
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
      let rssJoined: number | null = null;
      const spec: Spec = {
        tag,
        clients,
        baseOnline,
        server,
        protocol,
        gens,
        label,
        notes,
        shape,
        web,
        webPort: server.webPort,
        onJoined: async () => {
          rssJoined = await rss();
        },
      };
      const m = await SCENARIOS[scenario](this.#x, spec);
      complete = m.complete;
      if (m.duplicates > 0 || m.disorder > 0) {
        notes.push(
          `${fmt(m.duplicates)} message(s) delivered twice, ${
            fmt(m.disorder)
          } out of order or skipped ` +
            "(a sequence number jumped: a message came late or not at all)",
        );
      }
      if (joins) rssJoined = await rss();
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
