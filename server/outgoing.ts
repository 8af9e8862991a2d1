/**
 * One client's outgoing queue (L7): bounded in bytes, never blocking its
 * senders, with a single writer that sends everything pending in one write
 * and never reorders. Where the bound is decided, and why it is not a hard
 * cap, is {@linkcode Outbox.send}.
 *
 * @module
 */

import { PendingBytes } from "./pending_bytes.ts";
import type { Flushable, FlushScheduler } from "./queue.ts";
import { type Sleepers, sleepOn, wakeAll } from "./sleepers.ts";

/**
 * L7: how many times its bound a client's queue may hold while its writes
 * still finish (a burst), before the client is dropped whatever the reason.
 */
export const BURST_FACTOR = 4;

/**
 * L7: milliseconds a write may stay unfinished before a client whose queue
 * is over its bound counts as not reading.
 */
export const STALL_MS = 1000;

/** L7: bytes a stalled client must hold to be dropped when the server's total is over its bound. */
export const STALLED_FLOOR = 16 * 1024;

/** L7: flush rounds a write may stay unfinished before its client counts as not reading. */
export const STALL_ROUNDS = 3;

/** Counters shared by the queues of one server, read by tests and the bench. */
export interface QueueStats {
  /** Bytes queued and not yet written, over all connections. */
  queuedBytes: number;
  /** The most bytes ever queued for one connection. */
  peakConnectionBytes: number;
  /** Connections dropped because their queue was full (L7). */
  droppedSlowReaders: number;
}

/** Options of an {@linkcode Outbox}. */
export interface OutboxOptions {
  /** The most bytes that may wait to be written (L7); see {@linkcode Outbox.send}. */
  maxQueueBytes: number;
  /**
   * The most bytes queued over all connections before a stalled client holding
   * at least {@linkcode STALLED_FLOOR} bytes is dropped even under its own bound (L7).
   */
  maxTotalBytes: number;
  /** Where flushes are scheduled. */
  scheduler: FlushScheduler;
  /** Counters to keep up to date. */
  stats: QueueStats;
}

/**
 * Where an {@linkcode Outbox} writes: the socket, seen from the queue (the
 * connection is its own sink, so a connection makes no closures for it).
 */
export interface Sink {
  /** Writes some of `bytes`; resolves with how many were written. */
  writeSome(bytes: Uint8Array): Promise<number>;
  /** The write failed: the peer is gone. */
  broken(): void;
  /** Whether something observes the writes (then {@linkcode wrote} is called). */
  readonly watched: boolean;
  /** The bytes of a finished write, for whoever observes them. */
  wrote(bytes: Uint8Array): void;
  /** Called once when the queue overflows and was emptied (L7). */
  overflowed(): void;
}

/** A client's bounded outgoing queue and its writer. */
export class Outbox implements Flushable {
  readonly #sink: Sink;
  readonly #opts: OutboxOptions;
  /** Bytes waiting for the next write (P3: a broadcast's shared bytes without a copy). */
  readonly #pending: PendingBytes;
  #inFlight = 0;
  #writing = false;
  /** When the write in flight started (performance.now()). */
  #writeStart = 0;
  /** The flush round in which the write in flight started. */
  #writeRound = 0;
  /** 0: no flush asked for; 1: a lazy one; 2: one this turn. */
  #scheduled = 0;
  /** Takes no more lines (a last line may still be queued with {@linkcode sendFinal}). */
  #sealed = false;
  /** Writes nothing more. */
  #dead = false;
  #sleepers: Sleepers | undefined;

  /**
   * @param sink Where to write.
   * @param options Bounds, scheduler and counters.
   */
  constructor(sink: Sink, options: OutboxOptions) {
    this.#sink = sink;
    this.#opts = options;
    this.#pending = new PendingBytes(options.scheduler.pool);
  }

  /** Bytes queued or being written. */
  get queued(): number {
    return this.#pending.length + this.#inFlight;
  }

  /** Whether the queue takes no more lines. */
  get sealed(): boolean {
    return this.#sealed;
  }

  /**
   * Queues bytes to send, copying them: the caller may reuse `bytes` at once,
   * unless they are `shared`: bytes that nobody changes any more (a room's
   * rendered message), which are written as they are when they follow the
   * bytes waiting in the same buffer, as a broadcast's messages do (P3: no
   * copy per receiver). Never blocks. A `lazy` line may wait up to the
   * scheduler's lazy delay to leave with others; any other line takes it
   * along at once.
   *
   * L7, the bound: `maxQueueBytes` is not a hard cap. A queue over it is
   * dropped only when its client is not reading (a write unfinished for
   * {@linkcode STALL_MS} and {@linkcode STALL_ROUNDS} flush rounds), when it
   * passes {@linkcode BURST_FACTOR} times the bound whatever the reason, or
   * when the server's total is over `maxTotalBytes` and the client stalls
   * with {@linkcode STALLED_FLOOR} bytes. So a burst (four hundred students
   * pressing Enter at once) is written before anyone who reads is judged
   * slow, and one client holds at most four times its bound. A dropped
   * queue is emptied, sealed, and `overflowed` is called (which sends a
   * last line with {@linkcode sendFinal}).
   *
   * @returns `false` when the bytes were not queued.
   */
  send(bytes: Uint8Array, lazy = false, shared = false): boolean {
    if (this.#sealed) return false;
    const size = this.queued + bytes.length;
    const stats = this.#opts.stats;
    const over = size > this.#opts.maxQueueBytes ||
      (size > STALLED_FLOOR && stats.queuedBytes > this.#opts.maxTotalBytes);
    if (over && this.#overflows(size)) {
      this.#sealed = true;
      stats.droppedSlowReaders++;
      this.#drop();
      this.#sink.overflowed();
      return false;
    }
    this.#pending.add(bytes, shared);
    this.#queued(bytes.length, lazy);
    if (size > stats.peakConnectionBytes) stats.peakConnectionBytes = size;
    return true;
  }

  #overflows(size: number): boolean {
    const stuck = this.#writing &&
      this.#opts.scheduler.round - this.#writeRound >= STALL_ROUNDS &&
      performance.now() - this.#writeStart > STALL_MS;
    return stuck || size > this.#opts.maxQueueBytes * BURST_FACTOR;
  }

  /** Queues a last line past the bound and seals the queue: nothing more is taken. */
  sendFinal(bytes: Uint8Array): void {
    if (this.#dead) return;
    this.#sealed = true;
    this.#pending.add(bytes, false);
    this.#queued(bytes.length, false);
  }

  /** Counts bytes just queued, and asks for a flush unless the writer will take them. */
  #queued(size: number, lazy: boolean): void {
    this.#opts.stats.queuedBytes += size;
    if (this.#writing) return; // the writer takes it when done
    if (!lazy) this.#schedule();
    else if (this.#scheduled === 0) {
      this.#scheduled = 1;
      this.#opts.scheduler.addLazy(this);
    }
  }

  /** Asks for a flush at the end of this turn's round. */
  #schedule(): void {
    if (this.#scheduled < 2) {
      this.#scheduled = 2;
      this.#opts.scheduler.add(this);
    }
  }

  #drop(): void {
    this.#opts.stats.queuedBytes -= this.#pending.length;
    this.#pending.drop();
  }

  /** Writes everything pending in one write. Called by the scheduler. */
  flush(): void {
    this.#scheduled = 0;
    const pending = this.#pending;
    if (this.#writing || this.#dead || pending.length === 0) return;
    const total = pending.length;
    // Shared bytes leave as they are; a pooled buffer goes back to the pool once written.
    const pooled = pending.pooled;
    const buf = pending.take();
    this.#inFlight = total;
    this.#writing = true;
    // (A connection closing flushes outside a round; it takes no more lines, so it is never
    // judged stalled, and the round's time is good enough.)
    this.#writeStart = this.#opts.scheduler.now;
    this.#writeRound = this.#opts.scheduler.round;
    void this.#write(buf, total, pooled);
  }

  async #write(buf: Uint8Array, total: number, pooled: boolean): Promise<void> {
    const sink = this.#sink;
    try {
      let at = 0;
      while (at < total) {
        const n = await sink.writeSome(
          at === 0 && buf.length === total ? buf : buf.subarray(at, total),
        );
        if (sink.watched) sink.wrote(buf.subarray(at, at + n));
        at += n;
      }
    } catch {
      // The peer is gone; the reader sees it too and ends the session.
      sink.broken();
    } finally {
      if (pooled) this.#opts.scheduler.pool.give(buf);
      this.#opts.stats.queuedBytes -= total;
      this.#inFlight = 0;
      this.#writing = false;
    }
    if (this.#pending.length > 0 && !this.#dead) {
      // P3: what came while writing leaves with the rest of this turn's lines, in one write
      // (a write ends in the same turn as the reads whose lines it would otherwise split).
      this.#schedule();
    } else if (this.#pending.length === 0) wakeAll(this.#sleepers);
  }

  /**
   * Resolves when everything queued has been written, the queue is closed,
   * or `ms` milliseconds pass, whichever comes first.
   */
  drain(ms: number): Promise<void> {
    return this.queued === 0 ? Promise.resolve() : this.sleep(ms);
  }

  /**
   * Resolves after `ms` milliseconds, or sooner when the queue is closed or
   * empties (a sleeper woken early checks again what it waits for).
   */
  sleep(ms: number): Promise<void> {
    if (this.#dead) return Promise.resolve();
    return sleepOn(this.#sleepers ??= new Set(), ms);
  }

  /** Resolves when no write is in flight (after a close: once the last write ended or failed). */
  idle(): Promise<void> {
    if (!this.#writing) return Promise.resolve();
    return sleepOn(this.#sleepers ??= new Set());
  }

  /** Takes no more lines; what is queued still leaves. */
  seal(): void {
    this.#sealed = true;
  }

  /** Seals the queue for good: drops what is waiting and wakes every sleeper. */
  close(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#sealed = true;
    this.#drop();
    wakeAll(this.#sleepers);
  }
}
