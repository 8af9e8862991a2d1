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
 * const answers = await Promise.all([batcher.add("p\nana\n"), batcher.add("w\nbob\n")]);
 * assert.deepEqual(answers, ["1", "r"]);
 * assert.deepEqual(sent, ["p\nana\nw\nbob\n"]);
 * ```
 *
 * @module
 */

/** The most messages in one script run. */
export const BATCH_MAX = 256;

/** Gathers messages and runs them as batches. */
export class Batcher {
  readonly #run: (batch: string) => Promise<unknown>;
  #records: string[] = [];
  #resolves: ((answer: string) => void)[] = [];
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
   * @returns Its answer (one line of the script's reply), once the batch has
   *   run; rejects when the batch fails.
   */
  add(record: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.#records.length === 0) queueMicrotask(() => this.#flush());
      this.#records.push(record);
      this.#resolves.push(resolve);
      this.#rejects.push(reject);
    });
  }

  #flush(): void {
    const records = this.#records;
    const resolves = this.#resolves;
    const rejects = this.#rejects;
    this.#records = [];
    this.#resolves = [];
    this.#rejects = [];
    for (let at = 0; at < records.length; at += BATCH_MAX) {
      const end = Math.min(records.length, at + BATCH_MAX);
      const batch = at === 0 && end === records.length
        ? records.join("")
        : records.slice(at, end).join("");
      this.#run(batch).then(
        (reply) => {
          const answers = typeof reply === "string" ? reply.split("\n") : [];
          for (let i = at; i < end; i++) {
            const answer = answers[i - at];
            if (answer !== undefined) resolves[i]!(answer);
            else {rejects[i]!(
                new Error(`the batch script answered ${answers.length} of ${end - at}`),
              );}
          }
        },
        (e) => {
          for (let i = at; i < end; i++) rejects[i]!(e);
        },
      );
    }
  }
}
