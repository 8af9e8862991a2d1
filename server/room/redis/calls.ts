/**
 * How the room's calls reach Redis (N1-N4): a script run with the key
 * prefix and the streams' bound before its own arguments (as every script
 * of `scripts.ts` reads them), a plain command, an entry added to a stream
 * under that bound and the room's clock. The store's parts share one (`store.ts`,
 * `moderation_store.ts`).
 *
 * @module
 */

import type { Keys } from "./keys.ts";
import type { ScriptName, Scripts, Send } from "./scripts.ts";

/** The most entries kept in each stream (approximately: `MAXLEN ~`). */
export const STREAM_MAXLEN = 10_000;

/** The calls of one node to the room in Redis. */
export class RedisCalls {
  /** The key names. */
  readonly keys: Keys;
  readonly #send: Send;
  readonly #scripts: Scripts;
  /** What every script reads first: the key prefix and the streams' bound. */
  readonly #head: readonly string[];

  /**
   * @param send How to send a command.
   * @param scripts The scripts.
   * @param keys The key names.
   */
  constructor(send: Send, scripts: Scripts, keys: Keys) {
    this.#send = send;
    this.#scripts = scripts;
    this.keys = keys;
    this.#head = [keys.prefix, String(STREAM_MAXLEN)];
  }

  /** Runs script `name` with its own arguments, sent by `send`. @default {the commands' send} */
  run(name: ScriptName, args: (string | number)[], send: Send = this.#send): Promise<unknown> {
    const argv = [...this.#head, ...args.map(String)];
    return this.#scripts.run(send, name, argv);
  }

  /** Sends one plain command. */
  send(args: readonly string[]): Promise<unknown> {
    return this.#send(args);
  }

  /**
   * Adds an entry to the stream `key`, keeping the stream bounded: by the
   * `add` script, so that its id comes from the room's clock like every
   * other entry's (P4: the room's stream and the inboxes ordered together).
   */
  xadd(key: string, fields: string[]): Promise<unknown> {
    return this.run("add", [key, ...fields]);
  }
}
