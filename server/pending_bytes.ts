/**
 * The bytes a client's outgoing queue holds for its next write (L7, P3):
 * copied into a pooled buffer, or, while they are one run of shared bytes (a
 * room's messages rendered one after the other into the same slab), kept as
 * that run and written as it is, with no copy per receiver.
 *
 * @module
 */

import type { BufferPool } from "./queue.ts";

/** Bytes waiting for a queue's next write, in a pooled buffer or as one run of shared bytes. */
export class PendingBytes {
  readonly #pool: BufferPool;
  /** The pooled buffer they are in (none when empty or shared). */
  #out: Uint8Array | undefined;
  /** A run of shared bytes: the buffer and where the run starts. */
  #shared: ArrayBuffer | undefined;
  #sharedAt = 0;
  /** Bytes waiting. */
  length = 0;

  /** @param pool Where buffers come from and go back to. */
  constructor(pool: BufferPool) {
    this.#pool = pool;
  }

  /**
   * Adds bytes after those waiting: `shared` ones (bytes nobody changes any
   * more) are kept as they are when nothing waits or when they follow the
   * shared run waiting in the same buffer; any others are copied, and so is
   * a shared run waiting before them.
   */
  add(bytes: Uint8Array, shared: boolean): void {
    if (!shared || !this.#share(bytes)) this.#copy(bytes);
  }

  #share(bytes: Uint8Array): boolean {
    const len = this.length;
    if (len === 0) {
      this.#shared = bytes.buffer as ArrayBuffer;
      this.#sharedAt = bytes.byteOffset;
    } else if (
      this.#shared === undefined || bytes.buffer !== this.#shared ||
      bytes.byteOffset !== this.#sharedAt + len
    ) return false;
    this.length = len + bytes.length;
    return true;
  }

  #copy(bytes: Uint8Array): void {
    const len = this.length;
    const need = len + bytes.length;
    const pool = this.#pool;
    let out = this.#out;
    if (this.#shared !== undefined) {
      out = this.#out = pool.take(need);
      if (len > 0) out.set(new Uint8Array(this.#shared, this.#sharedAt, len));
      this.#shared = undefined;
    } else if (out === undefined) out = this.#out = pool.take(need);
    else if (need > out.length) {
      const bigger = pool.take(need);
      bigger.set(out.subarray(0, len));
      pool.give(out);
      out = this.#out = bigger;
    }
    out.set(bytes, len);
    this.length = need;
  }

  /** Whether what waits is in a pooled buffer (to give back once written), not shared bytes. */
  get pooled(): boolean {
    return this.#shared === undefined;
  }

  /**
   * Takes everything waiting, for one write: a pooled buffer (its first
   * `length` bytes are the ones waiting) or the shared run. Nothing waits after.
   */
  take(): Uint8Array {
    const shared = this.#shared;
    const buf = shared === undefined
      ? this.#out!
      : new Uint8Array(shared, this.#sharedAt, this.length);
    this.#out = undefined;
    this.#shared = undefined;
    this.length = 0;
    return buf;
  }

  /** Drops what waits, giving its buffer back. */
  drop(): void {
    this.length = 0;
    if (this.#out !== undefined) this.#pool.give(this.#out);
    this.#out = undefined;
    this.#shared = undefined;
  }
}
