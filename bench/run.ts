/**
 * A generator process's run in progress (one at a time) and what it counts:
 * its latency histogram, its deliveries and its CPU time; and the reports
 * sent to the coordinator, one JSON line each on standard output.
 *
 * @module
 */

import process from "node:process";
import { setImmediate } from "node:timers";
import {
  digitsStart,
  Histogram,
  type JoinOrder,
  JsonWriter,
  type Report,
  type RunResult,
  trailingInt,
  wallMs,
} from "./wire.ts";

const out = new JsonWriter(async (bytes) => {
  let at = 0;
  while (at < bytes.length) at += await Deno.stdout.write(bytes.subarray(at));
});

/** Sends a report to the coordinator (one JSON line on stdout). */
export function report(r: Report): Promise<void> {
  return out.send(r);
}

/** Resolves once every report sent so far is written. */
export function reported(): Promise<void> {
  return out.idle();
}

/**
 * `performance.now()`, read once per turn of the event loop: every line read
 * in one turn arrived before the turn began, and reading the clock per line
 * would cost more than the rest of the line's handling.
 */
function loopNow(): number {
  if (turnNow < 0) {
    turnNow = performance.now();
    setImmediate(newTurn);
  }
  return turnNow;
}
let turnNow = -1;
function newTurn(): void {
  turnNow = -1;
}

/** The state of the run in progress (one at a time). */
export class Run {
  /** What the run measures. */
  readonly kind: "join" | "private" | "broadcast";
  /** The latency of each line received, in microseconds. */
  readonly hist = new Histogram();
  /** Wall-clock milliseconds when the run started (private, broadcast: reset at "go"). */
  startAt: number = wallMs();
  readonly #cpu = process.cpuUsage();
  /** `performance.now()` minus this, times 1000, is microseconds since the epoch. */
  readonly offsetMs: number;
  /** Lines expected, and received (private, broadcast). */
  expected = 0;
  /** Lines received so far. */
  received = 0;
  /** Lines beyond what was expected. */
  extra = 0;
  /** Messages delivered a second time, and sequence numbers skipped (a message late or lost). */
  duplicates = 0;
  /** Sequence numbers skipped. */
  disorder = 0;
  /** Clients registered. */
  registered = 0;
  /** Clients that failed (refused, closed, an error). */
  failures = 0;
  /** The first few failures, for the report. */
  errors: string[] = [];
  /** `ERRO` lines received, by their first 40 characters. */
  erro: Record<string, number> = {};
  /** Wall-clock milliseconds when the last expected line arrived, or 0. */
  endAt = 0;
  /** Whether the result was sent. */
  reported = false;
  /** Join runs: clients that still wait for the line that says how many joins follow. */
  unknown = 0;
  /** Senders: messages in flight at most. */
  window = 0;
  /** Senders: messages each sends. */
  messages = 0;
  /** Join runs: how many clients must register. */
  mustRegister = 0;

  /**
   * A run starting now.
   * @param kind What it measures.
   * @param epochMs The coordinator's clock origin, so latencies compare across processes.
   */
  constructor(kind: Run["kind"], epochMs = 0) {
    this.kind = kind;
    this.offsetMs = performance.timeOrigin - epochMs;
  }

  /** Whether every client registered and every expected line arrived. */
  get complete(): boolean {
    return this.registered >= this.mustRegister && this.unknown === 0 &&
      this.received >= this.expected;
  }

  /** Now, in microseconds since the coordinator's epoch (read once per turn). */
  nowUs(): number {
    return Math.floor((this.offsetMs + loopNow()) * 1000);
  }

  /** Counts a failure; the first is reported at once. */
  fail(what: string): void {
    this.failures++;
    if (this.errors.length < 5) this.errors.push(what);
    if (this.failures === 1) void report({ op: "fail", error: what });
  }

  /** Sends the result once: complete, or partial when stopped. */
  finish(partial: boolean): void {
    if (this.reported) return;
    this.reported = true;
    if (this.endAt === 0) this.endAt = wallMs();
    const cpu = process.cpuUsage(this.#cpu);
    const r: RunResult = {
      op: "result",
      partial,
      startAt: this.startAt,
      endAt: this.endAt,
      registered: this.registered,
      expected: this.expected,
      received: this.received,
      extra: this.extra,
      duplicates: this.duplicates,
      disorder: this.disorder,
      hist: this.hist.toSparse(),
      histMax: this.hist.max,
      failures: this.failures,
      errors: this.errors,
      erro: this.erro,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    void report(r);
  }

  /**
   * Counts a message's arrival at a receiver, from its body's end,
   * `id seq ts`: its sender's id, its sequence number from that sender and
   * its send time. The latency is recorded; a sequence number seen before
   * is a duplicate, one beyond the next expected means an earlier message
   * came late or not at all.
   *
   * @param nextSeq The receiver's next sequence number expected, by sender id.
   * @param b The line's bytes.
   * @param s Where the line starts.
   * @param e Where it ends (its LF).
   * @returns The sender's id, or -1 when the body carries none.
   */
  arrived(nextSeq: number[], b: Uint8Array, s: number, e: number): number {
    const ts = trailingInt(b, s, e);
    if (ts >= 0) this.hist.record(this.nowUs() - ts);
    // Each read moves digitsStart to its own number: the body ends "<id> <seq> <ts>".
    const seq = trailingInt(b, s, digitsStart - 1);
    const id = trailingInt(b, s, digitsStart - 1);
    if (seq >= 0 && id >= 0) {
      const next = nextSeq[id] ?? 0;
      if (seq === next) nextSeq[id] = next + 1;
      else if (seq < next) this.duplicates++;
      else {
        this.disorder++;
        nextSeq[id] = seq + 1;
      }
    }
    return id;
  }

  /** Sends the result when the run is complete. */
  check(): void {
    if (!this.reported && this.complete) {
      this.endAt = wallMs();
      this.finish(false);
    }
  }
}

/** The run in progress and, for join runs, its order. */
export const state: { run: Run | undefined; join: JoinOrder | undefined } = {
  run: undefined,
  join: undefined,
};
