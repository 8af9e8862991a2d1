/**
 * Members' messages sent to Redis together (P4): every public and private
 * message this node's sessions send in one turn of the event loop (the lines
 * of one read, several sessions' reads) goes in one run of the `batch`
 * script, in the order they were sent, instead of one script run each. Each
 * message still gets its own answer.
 *
 * @module
 */

/** The most messages in one script run. */
export const BATCH_MAX = 256;

interface Pending {
  readonly args: readonly string[];
  readonly resolve: (answer: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/** Gathers messages and runs them as batches. */
export class Batcher {
  readonly #run: (args: string[]) => Promise<unknown>;
  #pending: Pending[] = [];

  /** @param run Runs the batch script with these arguments (from `ARGV[4]` on); replies an array. */
  constructor(run: (args: string[]) => Promise<unknown>) {
    this.#run = run;
  }

  /**
   * Adds one message's arguments to the next batch.
   * @returns Its answer, once the batch has run; rejects when the batch fails.
   */
  add(args: readonly string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) queueMicrotask(() => this.#flush());
      this.#pending.push({ args, resolve, reject });
    });
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (let at = 0; at < pending.length; at += BATCH_MAX) {
      const part = pending.slice(at, at + BATCH_MAX);
      this.#run(part.flatMap((p) => p.args)).then(
        (answers) => {
          const list = answers as unknown[];
          part.forEach((p, i) => p.resolve(list[i]));
        },
        (e) => {
          for (const p of part) p.reject(e);
        },
      );
    }
  }
}
