/**
 * What a chat server runs for its clients (S13): the work of each client a
 * door handed on, counted from its arrival until all of it settled (a
 * refused one's too), whatever fails contained; and the sessions let in,
 * which shutdown tells to end. `chat_server.ts` waits for the last before it
 * closes the room.
 *
 * @module
 */

import type { CloseCause } from "./connection.ts";

/** What shutdown needs of a session: that it ends, with a cause its client is told. */
export interface Ending {
  /** Ends the session; resolves when its client was told and its connection closed. */
  end(cause: CloseCause): Promise<void>;
}

/** The clients' work one server runs, and the sessions it let in. */
export class Sessions<S extends Ending> {
  readonly #live = new Set<S>();
  #running = 0;
  #idle: (() => void) | undefined;

  /**
   * Runs one client's work, counted until it settles.
   *
   * @param work The client's whole stay (admission, session, the last drain).
   * @param failed Called when it rejects: contained to that client.
   */
  run(work: Promise<void>, failed: (e: unknown) => void): void {
    this.#running++;
    work.catch(failed).finally(this.#settled);
  }

  /** A session was let in: shutdown will tell it to end. */
  add(session: S): void {
    this.#live.add(session);
  }

  /** The session ended. */
  delete(session: S): void {
    this.#live.delete(session);
  }

  /** S13: tells every session let in to end; resolves when each has. */
  endAll(cause: CloseCause): Promise<void> {
    return Promise.all(Array.from(this.#live, (s) => s.end(cause))).then(() => {});
  }

  /** Resolves when no client's work runs any more. */
  async idle(): Promise<void> {
    if (this.#running > 0) await new Promise<void>((resolve) => this.#idle = resolve);
  }

  /** One client's work settled; the last one lets {@linkcode idle} resolve. */
  #settled = (): void => {
    if (--this.#running === 0 && this.#idle !== undefined) this.#idle();
  };
}
