/**
 * Bytes that arrive in pieces, read as a stream: what a door whose
 * transport comes in frames (a WebSocket's messages) serves its
 * {@linkcode ByteStream.read} from. The pieces are kept in order; a read
 * takes as much of them as its buffer holds and waits when there is none.
 *
 * @module
 */

import type { ByteStream } from "./door.ts";

/**
 * A queue of bytes with one reader.
 *
 * @example
 * ```ts
 * import { ByteQueue } from "./byte_queue.ts";
 * import assert from "node:assert/strict";
 * const q = new ByteQueue();
 * q.push(new TextEncoder().encode("oi\n"));
 * q.end();
 * const buf = new Uint8Array(2);
 * assert.equal(await q.read(buf), 2);
 * assert.equal(await q.read(buf), 1);
 * assert.equal(await q.read(buf), null);
 * ```
 */
export class ByteQueue implements Pick<ByteStream, "read"> {
  readonly #pieces: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #wake: (() => void) | undefined;

  /** Bytes waiting to be read (a door may bound it). */
  get queued(): number {
    return this.#queued;
  }

  /** Whether {@linkcode end} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Adds bytes after those waiting.
   *
   * @param bytes The bytes; the queue keeps them, so the caller does not change them after.
   */
  push(bytes: Uint8Array): void {
    if (this.#ended || bytes.length === 0) return;
    this.#pieces.push(bytes);
    this.#queued += bytes.length;
    this.#wake?.();
  }

  /** No more bytes will come: a read returns what waits, then `null`. */
  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  /**
   * Waits for bytes and reads them into `buffer`.
   *
   * @param buffer Where to put them.
   * @returns How many were read, or `null` once the queue ended and is empty.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#pieces.length === 0) {
      if (this.#ended) return null;
      await new Promise<void>((r) => this.#wake = r);
      this.#wake = undefined;
    }
    const piece = this.#pieces[0]!;
    const n = Math.min(buffer.length, piece.length);
    buffer.set(piece.subarray(0, n));
    if (n === piece.length) this.#pieces.shift();
    else this.#pieces[0] = piece.subarray(n);
    this.#queued -= n;
    return n;
  }
}
