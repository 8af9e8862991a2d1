/**
 * A busy room's round (issue 23, P4): when several nodes' users talk at
 * once, each node puts its users' public messages into the stream as one
 * batch per turn, and the batches of the nodes come a moment apart. A node
 * that handed each batch on as it came would write to each of its members
 * once per batch; waiting for the rest of the round (a batch from every node
 * that sent some lately) writes each member once per round, as one node does
 * for everyone who spoke in one turn. Only the nodes that sent in the last
 * {@linkcode ACTIVE_MS} are waited for, and never longer than
 * {@linkcode HOLD_MS}: a quiet room, or a room where one node alone talks,
 * is handed on at once. Waiting never reorders: what was read is handed on in
 * the stream's order, after what was held.
 *
 * @example
 * ```ts
 * import { Round } from "./round.ts";
 * import assert from "node:assert/strict";
 * const batch = (node: string) => ["t", "P", "b", `ana\noi\n${node}/1\n`] as const;
 * const round = new Round();
 * round.add([["1-0", batch("a")]], 0);
 * assert.equal(round.whole(0), true); // only node a talks: nothing to wait for
 * round.clear();
 * round.add([["2-0", batch("b")]], 1);
 * round.clear();
 * round.add([["3-0", batch("a")]], 2);
 * assert.equal(round.whole(2), false); // b sent 1 ms ago: its next batch is awaited
 * round.add([["4-0", batch("b")]], 3);
 * assert.equal(round.whole(3), true);
 * ```
 *
 * @module
 */

import { type Entry, publicsNode } from "./events.ts";

/** Milliseconds after its last public messages during which a node counts as talking. */
export const ACTIVE_MS = 10;

/** The longest a read's entries wait for the rest of their round, in milliseconds. */
export const HOLD_MS = 15;

/** Which nodes talk lately, and which of them the entries read since the last hand-on hold. */
export class Round {
  /** Each node that sent public messages, and when they were last read (`performance.now()`). */
  readonly #seen = new Map<string, number>();
  /** The nodes whose public messages are among the entries read since the last hand-on. */
  readonly #held = new Set<string>();

  /**
   * Notes the nodes whose public messages `events` (one read, at `now`) hold;
   * as part of the round being held, unless `handedOn` (read and handed on at once).
   */
  add(events: readonly Entry[], now: number, handedOn = false): void {
    for (const [, fields] of events) {
      const node = publicsNode(fields);
      if (node === undefined) continue;
      this.#seen.set(node, now);
      if (!handedOn) this.#held.add(node);
    }
  }

  /** Whether every node that talked in the last {@linkcode ACTIVE_MS} has sent since the last hand-on. */
  whole(now: number): boolean {
    for (const [node, at] of this.#seen) {
      if (now - at > ACTIVE_MS) this.#seen.delete(node);
      else if (!this.#held.has(node)) return false;
    }
    return true;
  }

  /** The entries read were handed on: a new round begins. */
  clear(): void {
    this.#held.clear();
  }
}
