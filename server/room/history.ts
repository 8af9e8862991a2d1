/**
 * The room's memory of its last public messages, for latecomers (C4): a
 * ring of a fixed size; private messages are never kept.
 *
 * @module
 */

import type { HistoryItem } from "./message.ts";

/**
 * The last `capacity` entries, oldest first; a capacity of 0 keeps none.
 *
 * @example
 * ```ts
 * import { HistoryRing } from "./history.ts";
 * import assert from "node:assert/strict";
 * const ring = new HistoryRing(2);
 * for (const text of ["a", "b", "c"]) ring.push({ at: 0, from: "ana", text });
 * assert.deepEqual(ring.entries().map((e) => e.text), ["b", "c"]);
 * ```
 */
export class HistoryRing {
  readonly #slots: (HistoryItem | undefined)[];
  #next = 0;
  #count = 0;

  /** @param capacity How many entries to keep. */
  constructor(capacity: number) {
    this.#slots = new Array(Math.max(0, capacity));
  }

  /** How many entries it keeps at most. */
  get capacity(): number {
    return this.#slots.length;
  }

  /** Remembers an entry, forgetting the oldest when full. */
  push(entry: HistoryItem): void {
    const n = this.#slots.length;
    if (n === 0) return;
    this.#slots[this.#next] = entry;
    this.#next = (this.#next + 1) % n;
    if (this.#count < n) this.#count++;
  }

  /** The entries kept, oldest first. */
  entries(): HistoryItem[] {
    const n = this.#slots.length;
    const out: HistoryItem[] = [];
    for (let i = 0; i < this.#count; i++) {
      out.push(this.#slots[(this.#next - this.#count + i + n) % n]!);
    }
    return out;
  }
}
