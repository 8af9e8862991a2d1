/**
 * What the bench shows while an order runs: on a terminal, one line on
 * standard error rewritten every 200 ms (lines done of the total, the
 * percentage, seconds so far); otherwise one line naming the run.
 *
 * @module
 */

import { fmt } from "./measure.ts";
import type { Generator } from "./processes.ts";
import { wallMs } from "./wire.ts";

const tty = Deno.stderr.isTerminal();
const encoder = new TextEncoder();

/**
 * Starts showing a run's progress.
 *
 * @param label The run's name.
 * @param gens The generators doing the run (their `done` counts).
 * @param total The lines the run expects in all (0: no percentage).
 * @param start When the run started (`wallMs()`).
 * @returns A function that stops showing it and clears the line.
 */
export function showProgress(
  label: string,
  gens: readonly Generator[],
  total: number,
  start: number,
): () => void {
  if (!tty) {
    console.error(`bench: ${label}`);
    return () => {};
  }
  const show = () => {
    const done = gens.reduce((s, g) => s + g.done, 0);
    const pct = total > 0 ? ` (${((100 * done) / total).toFixed(1)}%)` : "";
    const s = ((wallMs() - start) / 1000).toFixed(1);
    Deno.stderr.writeSync(
      encoder.encode(`\r\x1b[K${label}: ${fmt(done)}/${fmt(total)}${pct} ${s} s`),
    );
  };
  const ticker = setInterval(show, 200);
  return () => {
    clearInterval(ticker);
    Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
  };
}
