/**
 * Sending a run's orders to the generator processes and gathering their
 * results: the first failure stops every generator, so does the time limit
 * (`--timeout`); the server's CPU is read before and after.
 *
 * @module
 */

import { failureNotes } from "./failures.ts";
import { type Executed, sum } from "./measure.ts";
import type { BenchOptions } from "./options.ts";
import type { Generator, ServerProcess } from "./processes.ts";
import { showProgress } from "./progress.ts";
import { round } from "./report.ts";
import { type Order, type RunResult, wallMs } from "./wire.ts";

/** Runs orders on generators; what every scenario is given, with its {@linkcode Spec}. */
export class Executor {
  /** The bench's options (sizes, windows, the time limit). */
  readonly opts: BenchOptions;
  readonly #fdLimit: number;

  /**
   * @param opts The bench's options.
   * @param fdLimit The open files per process (for a failure's note).
   */
  constructor(opts: BenchOptions, fdLimit: number) {
    this.opts = opts;
    this.#fdLimit = fdLimit;
  }

  /**
   * Sends one order to each generator and waits for every result, stopping
   * the run at the first failure or at the time limit; shows progress.
   *
   * @param label The run's name, for the progress line.
   * @param gens The generators, one order each.
   * @param orders The orders, in the generators' order.
   * @param total The lines expected in all, for the progress line.
   * @param notes Where what went wrong is written.
   * @param server The server whose CPU the run's figures include, when the bench started it.
   * @returns The results, whether the run completed, and the CPU it used.
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
      // Private, broadcast: nobody sends before every generator counts what arrives.
      if (orders.some((o) => o.op === "private" || o.op === "broadcast")) {
        const armed = await Promise.all(gens.map((g) => g.armed(deadline)));
        if (armed.every((a) => a)) await Promise.all(gens.map((g) => g.send({ op: "go" })));
      }
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
        server_cpu_s: cpu0 === undefined || cpu1 === undefined ? null : cpu1 - cpu0,
        generator_cpu: inCores(sum(got, (r) => r.cpuMs) / 1000),
      };
    } finally {
      clearTimeout(timer);
      stopProgress?.();
      for (const g of gens) g.onFail = undefined;
    }
  }
}
