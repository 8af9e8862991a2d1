/**
 * One client's socket: its outgoing queue, capped in bytes, with a single
 * writer that sends everything pending in one write (L7), and closing with a
 * cause that is reported once.
 *
 * @module
 */

import { clearImmediate, setImmediate } from "node:timers";

/** Why a connection ended; each is logged and may be told to the client. */
export type CloseCause =
  | "quit"
  | "eof"
  | "reset"
  | "shutdown"
  | "queueFull"
  | "nickTimeout"
  | "serverFull"
  | "tooManyFromAddress"
  | "error";

/**
 * Buffers that connections queue their outgoing bytes in, reused once
 * written, so a busy server neither allocates a buffer per line nor keeps one
 * per idle client.
 */
export class BufferPool {
  /** Sizes of the pooled buffers: a queue starts small and grows by class. */
  static readonly CLASSES: readonly number[] = [1024, 4096, 16384, 65536];
  /** Most bytes of spare buffers kept, over all classes. */
  static readonly SPARE_BYTES = 8 * 1024 * 1024;
  #spare: Uint8Array[][] = BufferPool.CLASSES.map(() => []);
  #spareBytes = 0;

  /** A buffer of at least `min` bytes. */
  take(min: number): Uint8Array {
    const classes = BufferPool.CLASSES;
    for (let i = 0; i < classes.length; i++) {
      const size = classes[i]!;
      if (min <= size) {
        const buf = this.#spare[i]!.pop();
        if (buf === undefined) return new Uint8Array(size);
        this.#spareBytes -= size;
        return buf;
      }
    }
    let size = classes[classes.length - 1]! * 2;
    while (size < min) size *= 2;
    return new Uint8Array(size);
  }

  /** Gives a buffer back once nothing reads it any more. */
  give(buf: Uint8Array): void {
    const i = BufferPool.CLASSES.indexOf(buf.length);
    if (i < 0 || this.#spareBytes + buf.length > BufferPool.SPARE_BYTES) return;
    this.#spare[i]!.push(buf);
    this.#spareBytes += buf.length;
  }
}

/**
 * Runs scheduled flushes once per event-loop turn, so that every line queued
 * for a connection during one turn leaves in one write.
 */
export class FlushScheduler {
  /**
   * Milliseconds a lazy line (a join or leave notice) may wait to be batched
   * with others: when a thousand students join at once, each of them gets
   * the notices in a few writes instead of a thousand.
   */
  static readonly LAZY_MS = 50;
  /** Where connections take their queue buffers from. */
  readonly pool: BufferPool = new BufferPool();
  #dirty: Connection[] = [];
  #timer: ReturnType<typeof setImmediate> | undefined;
  /** Flush rounds run so far: a write must outlive a few before its client counts as stalled. */
  round = 0;
  #lazy: Connection[] = [];
  #lazyTimer: ReturnType<typeof setTimeout> | undefined;

  /** Asks for `conn` to be flushed at the end of this turn. */
  add(conn: Connection): void {
    this.#dirty.push(conn);
    // setImmediate runs once the I/O of this turn is handled: every line
    // that turn produced leaves together. (setTimeout(0) waits about 2 ms.)
    this.#timer ??= setImmediate(this.#run);
  }

  /** Asks for `conn` to be flushed within {@linkcode FlushScheduler.LAZY_MS}. */
  addLazy(conn: Connection): void {
    this.#lazy.push(conn);
    this.#lazyTimer ??= setTimeout(this.#runLazy, FlushScheduler.LAZY_MS);
  }

  /** Flushes now what is waiting, and stops the timers. */
  runNow(): void {
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    clearTimeout(this.#lazyTimer);
    this.#run();
    this.#runLazy();
  }

  #run = (): void => {
    this.#timer = undefined;
    this.round++;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const conn of dirty) conn.flush();
  };

  #runLazy = (): void => {
    this.#lazyTimer = undefined;
    this.round++;
    const lazy = this.#lazy;
    this.#lazy = [];
    for (const conn of lazy) conn.flush();
  };
}

/**
 * L4 flood control: a bucket of `burst` tokens that refills at `rate` tokens
 * a second; each line takes one.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./connection.ts";
 * import { strictEqual as assertEquals } from "node:assert/strict";
 * const bucket = new TokenBucket(2, 10, 0);
 * assertEquals(bucket.take(0), 0);
 * assertEquals(bucket.take(0), 0);
 * assertEquals(bucket.take(0), 100); // the third line waits 100 ms
 * assertEquals(bucket.take(100), 0);
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #burst: number;
  readonly #rate: number;

  /**
   * @param burst Lines that may come at once.
   * @param rate Lines a second that may keep coming.
   * @param now The time now, in milliseconds.
   */
  constructor(burst: number, rate: number, now: number = Date.now()) {
    this.#burst = burst;
    this.#rate = rate;
    this.#tokens = burst;
    this.#last = now;
  }

  /**
   * Takes a token when there is one.
   *
   * @param now The time now, in milliseconds.
   * @returns 0 when a token was taken, else the milliseconds until there is one.
   */
  take(now: number): number {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.#rate);
  }
}

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

/** Counters shared by the connections of one server, read by tests and the bench. */
export interface QueueStats {
  /** Bytes queued and not yet written, over all connections. */
  queuedBytes: number;
  /** The most bytes ever queued for one connection. */
  peakConnectionBytes: number;
  /** Connections dropped because their queue was full (L7). */
  droppedSlowReaders: number;
}

/** Options of a {@linkcode Connection}. */
export interface ConnectionOptions {
  /** The most bytes that may wait to be written (L7). */
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
  /** Called once when the queue overflows. */
  onOverflow: (conn: Connection) => void;
}

/** A client's TCP connection and its outgoing queue. */
export class Connection {
  /** The socket. */
  readonly conn: Deno.TcpConn;
  /** `IP:port` of the client, for logs. */
  readonly peer: string;
  /** The client's IP address. */
  readonly ip: string;
  #opts: ConnectionOptions;
  /** Bytes waiting for the next write, in a pooled buffer (none when empty). */
  #out: Uint8Array | undefined;
  #pendingBytes = 0;
  #inFlight = 0;
  #writing = false;
  /** When the write in flight started (performance.now()). */
  #writeStart = 0;
  /** The flush round in which the write in flight started. */
  #writeRound = 0;
  /** 0: no flush asked for; 1: a lazy one; 2: one this turn. */
  #scheduled = 0;
  #closed = false;
  #closing = false;
  #waiters: Set<() => void> | undefined;

  /**
   * @param conn The accepted socket.
   * @param options Queue bound, scheduler and counters.
   */
  constructor(conn: Deno.TcpConn, options: ConnectionOptions) {
    this.conn = conn;
    this.#opts = options;
    const addr = conn.remoteAddr;
    this.ip = addr.hostname;
    this.peer = `${addr.hostname}:${addr.port}`;
  }

  /** Bytes queued or being written. */
  get queued(): number {
    return this.#pendingBytes + this.#inFlight;
  }

  /** Whether the connection is closed or closing (it takes no more lines). */
  get closing(): boolean {
    return this.#closing || this.#closed;
  }

  /**
   * Queues bytes to send, copying them: the caller may reuse `bytes` at once.
   * Never blocks. A `lazy` line may wait up to {@linkcode FlushScheduler.LAZY_MS}
   * to leave with others; any other line takes it along at once. When the queue would pass its bound
   * the connection is marked closing, its queue emptied, and `onOverflow`
   * called (which sends a last line with {@linkcode sendFinal}).
   *
   * @returns `false` when the bytes were not queued.
   */
  send(bytes: Uint8Array, lazy = false): boolean {
    if (this.#closing || this.#closed) return false;
    const size = this.queued + bytes.length;
    const over = size > this.#opts.maxQueueBytes ||
      (size > STALLED_FLOOR && this.#opts.stats.queuedBytes > this.#opts.maxTotalBytes);
    if (over && this.#overflows(size)) {
      this.#closing = true;
      this.#opts.stats.droppedSlowReaders++;
      this.#drop();
      this.#opts.onOverflow(this);
      return false;
    }
    this.#enqueue(bytes, lazy);
    if (size > this.#opts.stats.peakConnectionBytes) this.#opts.stats.peakConnectionBytes = size;
    return true;
  }

  /**
   * Whether a queue of `size` bytes, over a bound, means the client is not
   * reading: a write has been unfinished for {@linkcode STALL_MS} and
   * {@linkcode STALL_ROUNDS} flush rounds (a busy event loop is not a stalled
   * client), or the queue is past {@linkcode BURST_FACTOR} times its bound.
   * A burst (four hundred students pressing Enter at once) is written before
   * anyone who reads is judged slow.
   */
  #overflows(size: number): boolean {
    const stuck = this.#writing &&
      this.#opts.scheduler.round - this.#writeRound >= STALL_ROUNDS &&
      performance.now() - this.#writeStart > STALL_MS;
    return stuck || size > this.#opts.maxQueueBytes * BURST_FACTOR;
  }

  /**
   * Queues a last line past the bound and marks the connection closing:
   * nothing more is taken. Use {@linkcode close} afterwards.
   */
  sendFinal(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#closing = true;
    this.#enqueue(bytes, false);
  }

  #enqueue(bytes: Uint8Array, lazy: boolean): void {
    const len = this.#pendingBytes;
    const need = len + bytes.length;
    const pool = this.#opts.scheduler.pool;
    let out = this.#out;
    if (out === undefined) out = this.#out = pool.take(need);
    else if (need > out.length) {
      const bigger = pool.take(need);
      bigger.set(out.subarray(0, len));
      pool.give(out);
      out = this.#out = bigger;
    }
    out.set(bytes, len);
    this.#pendingBytes = need;
    this.#opts.stats.queuedBytes += bytes.length;
    if (this.#writing) return; // the writer takes it when done
    if (!lazy && this.#scheduled < 2) {
      this.#scheduled = 2;
      this.#opts.scheduler.add(this);
    } else if (lazy && this.#scheduled === 0) {
      this.#scheduled = 1;
      this.#opts.scheduler.addLazy(this);
    }
  }

  #drop(): void {
    this.#opts.stats.queuedBytes -= this.#pendingBytes;
    this.#pendingBytes = 0;
    if (this.#out !== undefined) this.#opts.scheduler.pool.give(this.#out);
    this.#out = undefined;
  }

  /** Writes everything pending in one write. Called by the scheduler. */
  flush(): void {
    this.#scheduled = 0;
    if (this.#writing || this.#closed || this.#pendingBytes === 0) return;
    const buf = this.#out!;
    const total = this.#pendingBytes;
    this.#out = undefined;
    this.#inFlight = total;
    this.#pendingBytes = 0;
    this.#writing = true;
    this.#writeStart = performance.now();
    this.#writeRound = this.#opts.scheduler.round;
    void this.#write(buf, total);
  }

  async #write(buf: Uint8Array, total: number): Promise<void> {
    try {
      let at = 0;
      while (at < total) {
        at += await this.conn.write(buf.subarray(at, total));
      }
    } catch {
      // The peer is gone; the reader sees it too and ends the session.
      this.#closeSocket();
    } finally {
      this.#opts.scheduler.pool.give(buf);
      this.#opts.stats.queuedBytes -= total;
      this.#inFlight = 0;
      this.#writing = false;
    }
    if (this.#pendingBytes > 0 && !this.#closed) this.flush();
    else if (this.#pendingBytes === 0) this.#wake();
  }

  /**
   * Resolves when everything queued has been written, the connection is
   * closed, or `ms` milliseconds pass, whichever comes first.
   */
  drain(ms: number): Promise<void> {
    return this.queued === 0 ? Promise.resolve() : this.sleep(ms);
  }

  /**
   * Resolves after `ms` milliseconds, or sooner when the connection closes or
   * its queue empties (a sleeper woken early checks again what it waits for).
   */
  sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      (this.#waiters ??= new Set()).add(done);
    });
  }

  #wake(): void {
    if (this.#waiters === undefined) return;
    for (const done of [...this.#waiters]) done();
  }

  /**
   * Writes what is queued (waiting at most `ms` milliseconds for a peer that
   * does not read), then closes the socket. Safe to call more than once.
   */
  async close(ms = 0): Promise<void> {
    this.#closing = true;
    if (ms > 0 && !this.#closed) {
      this.flush();
      await this.drain(ms);
    }
    this.#closeSocket();
  }

  #closeSocket(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    this.#drop();
    try {
      this.conn.close();
    } catch {
      // Already closed by Deno when its readable side ended.
    }
    this.#wake();
  }
}
