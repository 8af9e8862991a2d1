/**
 * The machinery of the outgoing queues (L7): pooled buffers that queues are
 * kept in, and the scheduler that flushes every connection written to in one
 * event-loop turn with one write each.
 *
 * @module
 */

import { clearImmediate, setImmediate } from "node:timers";

/** Something the scheduler can flush: a connection with bytes waiting. */
export interface Flushable {
  /** Writes what is waiting. */
  flush(): void;
}

/**
 * Buffers that connections queue their outgoing bytes in, reused once
 * written, so a busy server neither allocates a buffer per line nor keeps one
 * per idle client.
 */
export class BufferPool {
  /** Sizes of the pooled buffers: a queue starts small and grows by class. */
  static readonly CLASSES: readonly number[] = [1024, 4096, 16384, 65536];
  /** Most bytes of spare buffers kept, over all classes. */
  static readonly SPARE_BYTES = 2 * 1024 * 1024;
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
  #dirty: Flushable[] = [];
  #timer: ReturnType<typeof setImmediate> | undefined;
  /** Flush rounds run so far: a write must outlive a few before its client counts as stalled. */
  round = 0;
  /**
   * `performance.now()` when the last round began: when its writes started
   * (P3: read once a round, not once a write).
   */
  now = 0;
  #lazy: Flushable[] = [];
  #lazyTimer: ReturnType<typeof setTimeout> | undefined;

  /** Asks for `conn` to be flushed at the end of this turn. */
  add(conn: Flushable): void {
    this.#dirty.push(conn);
    // setImmediate runs once the I/O of this turn is handled: every line
    // that turn produced leaves together. (setTimeout(0) waits about 2 ms.)
    this.#timer ??= setImmediate(this.#run);
  }

  /** Asks for `conn` to be flushed within {@linkcode FlushScheduler.LAZY_MS}. */
  addLazy(conn: Flushable): void {
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
    this.now = performance.now();
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const conn of dirty) conn.flush();
  };

  #runLazy = (): void => {
    this.#lazyTimer = undefined;
    this.round++;
    this.now = performance.now();
    const lazy = this.#lazy;
    this.#lazy = [];
    for (const conn of lazy) conn.flush();
  };
}
