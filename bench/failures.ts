/**
 * What went wrong in a run, in sentences for its row's notes: generators
 * that sent no result, the first failure and the limit it shows was hit,
 * the `ERRO` lines the clients received, how many clients failed.
 *
 * @module
 */

import { fmt, sum } from "./measure.ts";
import type { RunResult } from "./wire.ts";

/**
 * The notes of a run's results, in the order the row shows them.
 *
 * @param got The results that came.
 * @param gens How many generators were sent an order.
 * @param failure The first failure a generator reported, if any.
 * @param fdLimit The open files per process (for the limit's sentence).
 * @returns The notes.
 */
export function failureNotes(
  got: readonly RunResult[],
  gens: number,
  failure: string | undefined,
  fdLimit: number,
): string[] {
  const notes: string[] = [];
  if (got.length < gens) {
    notes.push(`${gens - got.length} generator process(es) sent no result`);
  }
  if (failure !== undefined) {
    notes.push(`Stopped at the first failure: ${failure}`);
    const limit = limitHit(failure, fdLimit);
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
  return notes;
}

/**
 * A plain sentence for a limit that a failure shows was hit, if one was.
 *
 * @example
 * ```ts
 * import { limitHit } from "./failures.ts";
 * import assert from "node:assert/strict";
 * assert.match(limitHit("ERRO 11 servidor cheio", 1024)!, /server is full/);
 * assert.equal(limitHit("connection reset", 1024), undefined);
 * ```
 */
export function limitHit(failure: string, fdLimit: number): string | undefined {
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
