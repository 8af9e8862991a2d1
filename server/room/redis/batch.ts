/**
 * Members' messages sent to Redis together (P4): every public and private
 * message this node's sessions send in one turn of the event loop (the lines
 * of one read, several sessions' reads) goes in one run of the `batch`
 * script, in the order they were sent, instead of one script run each. Each
 * message still gets its own answer.
 *
 * Issue 23: the batch travels as one argument (the messages' records joined),
 * and its answers come back as one string, one line each: no argument, reply
 * array or string of its own per message for the Redis client to encode and
 * decode.
 *
 * @example
 * ```ts
 * import { Batcher } from "./batch.ts";
 * import assert from "node:assert/strict";
 * const sent: string[] = [];
 * const batcher = new Batcher((batch) => {
 *   sent.push(batch);
 *   return Promise.resolve("1\nr");
 * });
 * const same = (answer: string) => answer;
 * const answers = await Promise.all([
 *   batcher.add("p\nana\n", same, 0, 0),
 *   batcher.add("w\nbob\n", (answer, a: string, b: number) => `${answer} ${a} ${b}`, "x", 2),
 * ]);
 * assert.deepEqual(answers, ["1", "r x 2"]);
 * assert.deepEqual(sent, ["p\nana\nw\nbob\n"]);
 * ```
 *
 * @module
 */

import { errorName } from "../../log.ts";
import { RoomUnavailable } from "../room.ts";

/** The most messages in one script run. */
export const BATCH_MAX = 256;

/**
 * What becomes of a message's answer (one line of the script's reply): its
 * caller's result, from the answer and two values of the caller's (no
 * closure, no promise more per message). It may throw: the message's promise rejects.
 */
export type Answer<T, A, B> = (answer: string, a: A, b: B) => T;

// deno-lint-ignore no-explicit-any
type AnyAnswer = Answer<unknown, any, any>;

/** Gathers messages and runs them as batches. */
export class Batcher {
  readonly #run: (batch: string) => Promise<unknown>;
  #records: string[] = [];
  #answers: AnyAnswer[] = [];
  #as: unknown[] = [];
  #bs: unknown[] = [];
  #resolves: ((value: unknown) => void)[] = [];
  #rejects: ((e: unknown) => void)[] = [];

  /**
   * @param run Runs the batch script with the batch (the records joined); it
   *   replies the answers as one string, one line each, in order.
   */
  constructor(run: (batch: string) => Promise<unknown>) {
    this.#run = run;
  }

  /**
   * Adds one message to the next batch.
   * @param record The message's fields, each ended by a line feed (`scripts.ts`, `batch`).
   * @param answer What its answer becomes, with `a` and `b`.
   * @returns What `answer` makes of the message's answer, once the batch has
   *   run; rejects with a {@linkcode RoomUnavailable} when the batch fails.
   */
  add<T, A, B>(record: string, answer: Answer<T, A, B>, a: A, b: B): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#records.length === 0) queueMicrotask(() => this.#flush());
      this.#records.push(record);
      this.#answers.push(answer);
      this.#as.push(a);
      this.#bs.push(b);
      this.#resolves.push(resolve as (value: unknown) => void);
      this.#rejects.push(reject);
    });
  }

  #flush(): void {
    const records = this.#records;
    const answers = this.#answers;
    const as = this.#as;
    const bs = this.#bs;
    const resolves = this.#resolves;
    const rejects = this.#rejects;
    this.#records = [];
    this.#answers = [];
    this.#as = [];
    this.#bs = [];
    this.#resolves = [];
    this.#rejects = [];
    for (let at = 0; at < records.length; at += BATCH_MAX) {
      const end = Math.min(records.length, at + BATCH_MAX);
      const batch = at === 0 && end === records.length
        ? records.join("")
        : records.slice(at, end).join("");
      this.#run(batch).then(
        (reply) => {
          const lines = typeof reply === "string" ? reply.split("\n") : [];
          for (let i = at; i < end; i++) {
            const line = lines[i - at];
            try {
              if (line === undefined) {
                throw new RoomUnavailable(
                  `the batch script answered ${lines.length} of ${end - at}`,
                );
              }
              resolves[i]!(answers[i]!(line, as[i], bs[i]));
            } catch (e) {
              rejects[i]!(e);
            }
          }
        },
        (e) => {
          const failed = e instanceof RoomUnavailable
            ? e
            : new RoomUnavailable(`Redis: ${errorName(e)}`);
          for (let i = at; i < end; i++) rejects[i]!(failed);
        },
      );
    }
  }
}
