/**
 * The lines of a browser's WebSocket messages as the chat server reads them
 * (W2): each message one line, in order, and where each message refused
 * whole (a line break inside) stands among them, so that the session
 * answers it in its turn (`ByteStream.takeRefusal`).
 *
 * @module
 */

import { ByteQueue } from "./byte_queue.ts";

/**
 * A queue of lines with the places of the messages refused between them.
 *
 * @example
 * ```ts
 * import { MessageLines } from "./ws_lines.ts";
 * import assert from "node:assert/strict";
 * const lines = new MessageLines();
 * lines.push(new TextEncoder().encode("ze:oi\n"));
 * lines.refuse();
 * const buffer = new Uint8Array(64);
 * assert.equal(await lines.read(buffer), 6); // the line before the refused message, and no more
 * assert.equal(await lines.read(buffer), 0); // the refused message stands here
 * assert.ok(lines.takeRefusal() && !lines.waiting);
 * ```
 */
export class MessageLines {
  readonly #lines = new ByteQueue();
  /** Bytes of lines queued, and read, since the start: where the refused messages stand. */
  #queued = 0;
  #read = 0;
  /** Where each message refused whole stands (the bytes of lines before it), oldest first. */
  readonly #refusals: number[] = [];

  /** Whether a read has something to give now: bytes, or a refused message's place. */
  get waiting(): boolean {
    return this.#lines.queued > 0 || this.#refusals[0] === this.#read;
  }

  /**
   * Adds a message's line.
   *
   * @param line The line, with its line end; kept as it is.
   */
  push(line: Uint8Array): void {
    this.#lines.push(line);
    this.#queued += line.length;
  }

  /** A message was refused whole here, after the lines pushed so far. */
  refuse(): void {
    this.#refusals.push(this.#queued);
  }

  /** No more lines will come: a read returns what waits, then `null`. */
  end(): void {
    this.#lines.end();
  }

  /**
   * Reads the next bytes, up to where a refused message stands; there, `0`
   * until {@linkcode takeRefusal} takes it.
   *
   * @param buffer Where to put them.
   * @returns How many were read, or `null` once ended and empty.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    const refusal = this.#refusals[0];
    if (refusal === this.#read) return 0;
    const room = refusal === undefined ? buffer : buffer.subarray(0, refusal - this.#read);
    const n = await this.#lines.read(room);
    if (n !== null) this.#read += n;
    return n;
  }

  /** Whether a refused message stands where reading is; it is taken. */
  takeRefusal(): boolean {
    if (this.#refusals[0] !== this.#read) return false;
    this.#refusals.shift();
    return true;
  }
}
