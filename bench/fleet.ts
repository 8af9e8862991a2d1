/**
 * The bench's processes: the generator processes, kept for every run, and
 * the servers under test (papo's, the ceiling, ngIRCd), a new one per run;
 * stopped one by one after each run, or all at once on Ctrl+C.
 *
 * @module
 */

import { pause } from "./measure.ts";
import { type Ngircd, startNgircd } from "./ngircd.ts";
import { type BenchOptions, PAPO_ARGS } from "./options.ts";
import { here } from "./launch.ts";
import { Generator, type ServerProcess, startServer } from "./processes.ts";
import type { Target } from "./report.ts";
import type { Server } from "./spec.ts";

/** Starts and stops the generator processes and the servers; one instance per `deno task bench`. */
export class Fleet {
  /** Every generator process started, in order. */
  readonly #gens: Generator[] = [];
  /** The servers running now. */
  readonly #servers = new Set<ServerProcess>();
  readonly #opts: BenchOptions;
  readonly #ngircd: Ngircd | undefined;

  /**
   * @param opts The bench's options (`external`, `serverArgs`).
   * @param ngircd The ngIRCd to run, when it is installed and asked for.
   */
  constructor(opts: BenchOptions, ngircd: Ngircd | undefined) {
    this.#opts = opts;
    this.#ngircd = ngircd;
  }

  /** Starts generator processes until there are `n`. */
  async generators(n: number): Promise<Generator[]> {
    while (this.#gens.length < n) this.#gens.push(await Generator.start());
    return this.#gens.slice(0, n);
  }

  /**
   * Starts a server to run against (papo's: room for `clients`), or gives
   * the one at `--host`/`--port`.
   * @param web papo's: also open its web door (`--web`) on a free port.
   * @throws {Error} When ngIRCd is asked for and not installed, or a server does not start.
   */
  async open(target: Target, clients: number, web = false): Promise<Server> {
    if (target === "papo" && this.#opts.external) {
      return { ...this.#opts.external, proc: undefined };
    }
    let proc: ServerProcess;
    let webPort: number | undefined;
    if (target === "papo") {
      if (web) webPort = freePort();
      proc = await startServer("papo", here("../server.ts"), [
        ...PAPO_ARGS,
        "--max-clients",
        String(Math.max(20_000, clients + 16)),
        ...(webPort === undefined ? [] : ["--web", String(webPort)]),
        ...this.#opts.serverArgs,
      ]);
    } else if (target === "ceiling") {
      proc = await startServer("ceiling", here("./ceiling_server.ts"), [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
      ]);
    } else {
      if (this.#ngircd === undefined) throw new Error("ngIRCd is not installed");
      proc = await startNgircd(this.#ngircd);
    }
    this.#servers.add(proc);
    return { host: proc.host, port: proc.port, proc, webPort };
  }

  /** Stops a run's server (a note when it exits badly) and the generators' clients. */
  async close(server: Server, gens: Generator[], notes: string[]): Promise<void> {
    if (server.proc) {
      const code = await server.proc.stop();
      this.#servers.delete(server.proc);
      if (code !== 0) {
        notes.push(`The ${server.proc.name} server exited with code ${code} on SIGTERM`);
      }
    }
    await Promise.all(gens.map((g) => g.closeClients()));
  }

  /**
   * Stops everything (Ctrl+C): the generators at once, the servers with
   * SIGTERM, waiting at most 2 s for them (and for ngIRCd's temporary files).
   */
  async kill(): Promise<void> {
    for (const g of this.#gens) g.kill();
    const stopped = Promise.all([...this.#servers].map((p) => p.stop()));
    await Promise.race([stopped, pause(2000)]);
  }

  /** Lets every generator process exit once the runs are done. */
  async exit(): Promise<void> {
    await Promise.all(this.#gens.map((g) => g.exit()));
  }
}

/**
 * A loopback port free a moment ago, for the server's web door: the server
 * prints its web address after the "listening on" line the bench waits for,
 * so the bench chooses the port rather than reading it.
 */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}
