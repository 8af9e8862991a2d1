/**
 * What the bench's processes share: the latency histogram, byte scanning
 * helpers for server lines, and the messages the coordinator (`main.ts`) and
 * its generator processes (`worker.ts`) exchange as JSON lines.
 *
 * @module
 */

import { LineSplitter } from "../wire/line_splitter.ts";

/** Line feed: every server line ends in CRLF. */
export const LF = 0x0a;
/** Carriage return. */
export const CR = 0x0d;

/**
 * A latency histogram in whole microseconds with about 0.1 % precision:
 * exact below 2048 µs, then 1024 buckets per power of two. Fixed size
 * (22,528 counters), so recording never allocates, and histograms from
 * several processes merge by adding counts.
 *
 * @example
 * ```ts
 * import { Histogram } from "./wire.ts";
 * import assert from "node:assert/strict";
 * const h = new Histogram();
 * for (let us = 1; us <= 100; us++) h.record(us * 1000);
 * assert.equal(h.count, 100);
 * assert.equal(Math.round(h.percentile(0.5) / 1000), 50);
 * assert.equal(h.max, 100_000);
 * ```
 */
export class Histogram {
  /** Counts per bucket. */
  readonly counts: Uint32Array = new Uint32Array(BUCKETS);
  /** How many values were recorded. */
  count = 0;
  /** The largest value recorded, exact, in microseconds. */
  max = 0;

  /**
   * Records one value.
   * @param us Microseconds; negative values (clock skew between processes) count as 0.
   */
  record(us: number): void {
    const v = us <= 0 ? 0 : us >= MAX_VALUE ? MAX_VALUE : Math.floor(us);
    this.counts[bucketOf(v)]!++;
    this.count++;
    if (v > this.max) this.max = v;
  }

  /**
   * The value below which a fraction `q` of the recorded values fall.
   * @param q From 0 to 1, e.g. 0.99.
   * @returns Microseconds (the middle of the bucket), or 0 when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, bucketMiddle(i));
    }
    return this.max;
  }

  /** The non-empty buckets as `[index, count, index, count, ...]`, for sending. */
  toSparse(): number[] {
    const out: number[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const n = this.counts[i]!;
      if (n > 0) out.push(i, n);
    }
    return out;
  }

  /**
   * Adds the counts of another histogram, given as {@linkcode toSparse} made them.
   * @param sparse `[index, count, ...]` pairs.
   * @param max The other histogram's largest value.
   */
  addSparse(sparse: readonly number[], max: number): void {
    for (let i = 0; i + 1 < sparse.length; i += 2) {
      this.counts[sparse[i]!]! += sparse[i + 1]!;
      this.count += sparse[i + 1]!;
    }
    if (max > this.max) this.max = max;
  }
}

const SUB = 1024;
const EXACT = 2 * SUB;
const BUCKETS = EXACT + 21 * SUB;
const MAX_VALUE = 2 ** 31 - 1;

function bucketOf(v: number): number {
  if (v < EXACT) return v;
  const shift = 31 - Math.clz32(v) - 10;
  return EXACT + (shift - 1) * SUB + ((v >>> shift) - SUB);
}

function bucketMiddle(i: number): number {
  if (i < EXACT) return i;
  const k = i - EXACT;
  const shift = Math.floor(k / SUB) + 1;
  const low = ((k % SUB) + SUB) * 2 ** shift;
  return low + 2 ** (shift - 1);
}

/** Where {@linkcode trailingInt} found the first digit of its number. */
export let digitsStart = 0;

/**
 * Reads the whole number that ends a line, scanning backwards from its end
 * (a CR before `end` is skipped). No string is made.
 *
 * @param b The bytes.
 * @param start Where the line starts.
 * @param end Where the line ends (the index of its LF).
 * @returns The number, or -1 when the line does not end in a digit.
 *
 * @example
 * ```ts
 * import { trailingInt } from "./wire.ts";
 * import assert from "node:assert/strict";
 * const line = new TextEncoder().encode("PUBLICA b1: 3 123456\r\n");
 * assert.equal(trailingInt(line, 0, line.length - 1), 123456);
 * ```
 */
export function trailingInt(b: Uint8Array, start: number, end: number): number {
  let i = end - 1;
  if (i >= start && b[i] === CR) i--;
  let value = 0;
  let scale = 1;
  let digits = 0;
  while (i >= start) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    value += c * scale;
    scale *= 10;
    digits++;
    i--;
  }
  digitsStart = i + 1;
  return digits === 0 ? -1 : value;
}

/**
 * Reads the whole number that starts at `at`.
 *
 * @param b The bytes.
 * @param at Where the digits start.
 * @param end Where to stop at the latest.
 * @returns The number, or -1 when there is no digit at `at`.
 */
export function leadingInt(b: Uint8Array, at: number, end: number): number {
  let value = -1;
  for (let i = at; i < end; i++) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    value = (value < 0 ? 0 : value * 10) + c;
  }
  return value;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

// ------------------------------------------------ coordinator <-> generator

/**
 * The wire protocol a generator's clients speak: papo's (papo's server and
 * the ceiling server) or IRC (ngIRCd).
 */
export type Protocol = "papo" | "irc";

/** Joins clients to the server (the connect scenario, or the setup of the others). */
export interface JoinOrder {
  readonly op: "join";
  readonly protocol: Protocol;
  readonly host: string;
  readonly port: number;
  /**
   * IRC: the channel each client JOINs once registered (`001`), or "" for
   * none; a client counts as registered once its `366` (end of NAMES) came.
   */
  readonly channel: string;
  /** The nicknames of this generator's clients, in order. */
  readonly nicks: readonly string[];
  /** Bytes of each client's read buffer. */
  readonly readBytes: number;
  /** Most clients of this generator connecting at once. */
  readonly concurrency: number;
  /**
   * Count the join notices (`ENTROU`, or IRC `JOIN`): each client waits for
   * one per client that joins after it, out of `total` joining, with `base`
   * users already online (papo) or in the channel (IRC).
   */
  readonly countJoins: boolean;
  readonly total: number;
  readonly base: number;
  /**
   * The nicknames from this index on connect through the server's web door
   * (a WebSocket at `ws://host:webPort/ws`) instead of TCP (`--web-users`);
   * absent or `nicks.length` for none.
   */
  readonly webFrom?: number;
  readonly webPort?: number | undefined;
}

/** Private messages between pairs of this generator's clients. */
export interface PrivateOrder {
  readonly op: "private";
  /** reply: each OK opens the sender's window (papo); delivery: each delivery does. */
  readonly shape: "reply" | "delivery";
  /** Wall-clock milliseconds that timestamps in message bodies count from. */
  readonly epochMs: number;
  readonly messages: number;
  readonly window: number;
  /** `[sender, receiver]` as indices into this generator's clients. */
  readonly pairs: readonly (readonly [number, number])[];
}

/** Public messages from some clients to everyone. */
export interface BroadcastOrder {
  readonly op: "broadcast";
  /** delivery: 64-byte bodies; reply: short ones (both paced by deliveries). */
  readonly shape: "reply" | "delivery";
  readonly epochMs: number;
  readonly messages: number;
  readonly window: number;
  /** `[client index, sender id]` of this generator's senders. */
  readonly senders: readonly (readonly [number, number])[];
  /** How many senders there are in all generators. */
  readonly sendersTotal: number;
  /** The local client whose deliveries open the windows of local senders, or -1. */
  readonly pacer: number;
}

/** A message from the coordinator to a generator. */
export type Order =
  | JoinOrder
  | PrivateOrder
  | BroadcastOrder
  /** Private, broadcast: every generator is armed; start sending. */
  | { readonly op: "go" }
  | { readonly op: "stop" }
  | { readonly op: "close" }
  | { readonly op: "exit" };

/** What a generator measured in one run. */
export interface RunResult {
  readonly op: "result";
  /** `true` when the run was stopped before every count was reached. */
  readonly partial: boolean;
  /** Wall-clock milliseconds when the run started (first connect or first send). */
  readonly startAt: number;
  /** Wall-clock milliseconds when the last expected line arrived. */
  readonly endAt: number;
  /** Clients registered (join) or lines expected and received (private, broadcast). */
  readonly registered: number;
  readonly expected: number;
  readonly received: number;
  /** Lines beyond what was expected (duplicates would show here). */
  readonly extra: number;
  /** Messages delivered twice, and sequence numbers skipped (a message late or lost). */
  readonly duplicates: number;
  readonly disorder: number;
  /** Latencies: registration (join) or delivery (private, broadcast). */
  readonly hist: number[];
  readonly histMax: number;
  /** Clients whose connection ended or failed, and the first few reasons. */
  readonly failures: number;
  readonly errors: readonly string[];
  /** `ERRO` lines received during the run, by their first 40 characters. */
  readonly erro: Readonly<Record<string, number>>;
  /** CPU time this generator process used during the run, in milliseconds. */
  readonly cpuMs: number;
}

/** A message from a generator to the coordinator. */
export type Report =
  | { readonly op: "ready"; readonly pid: number }
  /** Private, broadcast: the run is set up and counts what arrives; it sends on "go". */
  | { readonly op: "armed" }
  | { readonly op: "progress"; readonly done: number }
  | { readonly op: "fail"; readonly error: string }
  | RunResult
  | { readonly op: "closed" };

const encoder = new TextEncoder();

/**
 * Reads JSON lines from a byte stream.
 *
 * @param stream The stream (a child's stdout, or stdin).
 * @returns Each line parsed, in order.
 */
export async function* jsonLines<T>(stream: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const lines = new LineSplitter("lf");
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    for (const line of lines.push(text)) {
      if (line.trim() !== "") yield JSON.parse(line) as T;
    }
  }
}

/**
 * Writes JSON lines to a writer one after another, never interleaved.
 */
export class JsonWriter {
  #chain: Promise<void> = Promise.resolve();
  #write: (bytes: Uint8Array) => Promise<unknown>;

  /** @param write Writes all of the bytes. */
  constructor(write: (bytes: Uint8Array) => Promise<unknown>) {
    this.#write = write;
  }

  /**
   * Queues one value as a line.
   * @returns A promise that settles once it is written.
   */
  send(value: unknown): Promise<void> {
    const bytes = encoder.encode(JSON.stringify(value) + "\n");
    this.#chain = this.#chain.then(() => this.#write(bytes)).then(() => {}, () => {});
    return this.#chain;
  }

  /** Resolves once every value queued so far is written. */
  idle(): Promise<void> {
    return this.#chain;
  }
}
