/**
 * The node's reader (N1): one loop that reads the room's stream and the
 * node's inbox with one blocking `XREAD`, from the last ids it handled, on
 * a connection of its own. When several nodes' users talk at once, what it
 * reads waits for the rest of the room's round (`round.ts`: a batch from
 * every node that sent lately, at most {@linkcode HOLD_MS}), so that the
 * nodes' batches go to each member in one piece of bytes (issue 23); a
 * private message's entry hands everything on at once. A whole round in a
 * busy room lets one turn of the event loop go by and reads once more
 * without blocking before it is handed on (a batch a moment later goes in
 * the same piece: on one node, its own next one). After a lost
 * connection it goes on from those ids, so nothing still in the streams is
 * missed. A read that does not
 * answer long after its block time counts as a wedged connection (the
 * failure Centrifugo's users saw after a failover, centrifugo#1189): the
 * connection is dropped and made anew.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { errorName } from "../../log.ts";
import { type Entry, notAfter, xreadEntries } from "./events.ts";
import type { Client } from "./link.ts";
import { ACTIVE_MS, HOLD_MS, Round } from "./round.ts";

/** Options of a {@linkcode StreamReader}. */
export interface ReaderOptions {
  /** The room's stream and the node's inbox. */
  streams: readonly [events: string, inbox: string];
  /** Where to start in each (the last id already handled). */
  from: readonly [events: string, inbox: string];
  /** Makes a new connection (after a wedge). */
  reconnect: () => Promise<Client>;
  /**
   * Handles the entries of one read: the room's and the inbox's, each in
   * order, neither past the other's last when that one came full (`count`),
   * for the handler to merge by their ids (P4).
   */
  handle(events: readonly Entry[], inbox: readonly Entry[]): void;
  /** Writes a log line. */
  log(line: string): void;
  /** Milliseconds one read blocks. @default {1000} */
  blockMs?: number;
  /** Milliseconds past the block time after which a read counts as wedged. @default {3000} */
  wedgeMs?: number;
  /** Entries per read at most. @default {1000} */
  count?: number;
}

/** The first of `entries` up to id `last` (ids in order). */
function upTo(entries: readonly Entry[], last: string): readonly Entry[] {
  let n = entries.length;
  while (n > 0 && !notAfter(entries[n - 1]![0], last)) n--;
  return n === entries.length ? entries : entries.slice(0, n);
}

/** The entries of a read, the room's and the inbox's. */
type Read = [events: readonly Entry[], inbox: readonly Entry[]];

/** Reads the streams until stopped. */
export class StreamReader {
  readonly #o: ReaderOptions;
  #client: Client;
  #ids: [string, string];
  /** Entries per read at most (`count`). */
  readonly #max: number;
  #stopped = false;
  #wake: (() => void) | undefined;
  /** When the read in flight was sent (`performance.now()`); 0 while none is. */
  #sentAt = 0;
  /** The watchdog found the read in flight wedged and dropped its connection. */
  #wedged = false;
  /** Which nodes talk lately, and which of them the held entries hold. */
  readonly #round = new Round();
  /** Entries read and not yet handed on: the room's round is not whole yet. */
  #held: Read | undefined;
  /** Hands the held entries on once {@linkcode HOLD_MS} have passed. */
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the loop has ended. */
  readonly finished: Promise<void>;

  /**
   * @param client The reader's own connection.
   * @param options Streams, start ids and the handler.
   */
  constructor(client: Client, options: ReaderOptions) {
    this.#client = client;
    this.#o = options;
    this.#ids = [...options.from];
    this.#max = options.count ?? 1000;
    this.finished = this.#loop();
  }

  /** The current connection (for the link to destroy at close). */
  get client(): Client {
    return this.#client;
  }

  /** Ends the loop; the connection is dropped. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#client.destroy();
    this.#wake?.();
    return this.finished;
  }

  async #loop(): Promise<void> {
    const block = this.#o.blockMs ?? 1000;
    const wedge = this.#o.wedgeMs ?? 3000;
    const [events, inbox] = this.#o.streams;
    const max = this.#max;
    const count = String(max);
    const blocking = ["XREAD", "COUNT", count, "BLOCK", String(block), "STREAMS", events, inbox];
    const now = ["XREAD", "COUNT", count, "STREAMS", events, inbox];
    let busyUntil = 0;
    // One watchdog for every read (issue 23: not a timer and a race per read).
    const watchdog = setInterval(() => this.#watch(block, wedge), Math.min(wedge, 500));
    try {
      while (!this.#stopped) {
        const client = this.#client;
        try {
          const [e, i] = await this.#read(client, blocking);
          if (e.length === 0 && i.length === 0) continue;
          let read = this.#take(e, i);
          if (read === undefined) continue; // held for the rest of the round
          if (performance.now() < busyUntil && read[0].length < max && read[1].length < max) {
            // A whole round in a busy room: one turn of the event loop, one more look.
            await new Promise<void>((resolve) => setImmediate(resolve));
            let more: Read;
            try {
              more = this.#stopped ? [[], []] : await this.#read(client, now);
            } catch (err) {
              this.#o.handle(read[0], read[1]); // read already: handed on, then as after any failure
              throw err;
            }
            this.#round.add(more[0], performance.now(), true);
            if (more[0].length > 0 || more[1].length > 0) {
              read = [read[0].concat(more[0]), read[1].concat(more[1])];
            }
          }
          busyUntil = performance.now() + ACTIVE_MS;
          this.#o.handle(read[0], read[1]);
        } catch (e) {
          this.#sentAt = 0;
          if (this.#stopped) break;
          if (this.#wedged) {
            this.#wedged = false;
            client.destroy();
            this.#client = await this.#reconnected();
            continue;
          }
          // Offline or lost: node-redis reconnects by itself; try again shortly.
          if (client.isReady) this.#o.log(`redis reader: ${errorName(e)}`);
          await this.#sleep(100);
        }
      }
    } finally {
      clearInterval(watchdog);
      this.#handOnHeld();
    }
  }

  /**
   * A read's entries, after any held, to hand on now; or `undefined` when
   * they are held for the rest of the room's round: never past
   * {@linkcode HOLD_MS}, nor once a private message's entry came (what follows
   * its `OK` must not wait) or a read's most are held.
   */
  #take(events: readonly Entry[], inbox: readonly Entry[]): Read | undefined {
    const now = performance.now();
    this.#round.add(events, now);
    const held = this.#held;
    const read: Read = held === undefined
      ? [events, inbox]
      : [held[0].concat(events), held[1].concat(inbox)];
    if (inbox.length > 0 || read[0].length >= this.#max || this.#round.whole(now)) {
      this.#release();
      return read;
    }
    this.#held = read;
    this.#holdTimer ??= setTimeout(() => this.#handOnHeld(), HOLD_MS);
  }

  /** Hands the held entries on (the hold's time is up, or the reader stops). */
  #handOnHeld(): void {
    const held = this.#held;
    this.#release();
    if (held === undefined) return;
    try {
      this.#o.handle(held[0], held[1]);
    } catch (e) {
      this.#o.log(`redis reader: ${errorName(e)}`);
    }
  }

  /** Nothing is held any more: a new round begins. */
  #release(): void {
    this.#held = undefined;
    this.#round.clear();
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
  }

  /** One `XREAD` from the last ids (`command` without them); the ids move past its entries. */
  async #read(client: Client, command: readonly string[]): Promise<Read> {
    const ids = this.#ids;
    this.#sentAt = performance.now();
    const reply = await client.sendCommand([...command, ids[0], ids[1]]);
    this.#sentAt = 0;
    if (this.#wedged) throw new Error("wedged");
    const [events, inbox] = this.#o.streams;
    const got = xreadEntries(reply);
    let e: readonly Entry[] = got.get(events) ?? [];
    let i: readonly Entry[] = got.get(inbox) ?? [];
    const count = this.#max;
    // P4: a stream that brought `count` entries may hold more before the other's last: the
    // other's entries past its last are left for the next read, so both go on in order.
    if (e.length >= count && i.length > 0) i = upTo(i, e[e.length - 1]![0]);
    if (i.length >= count && e.length > 0) e = upTo(e, i[i.length - 1]![0]);
    if (e.length > 0) ids[0] = e[e.length - 1]![0];
    if (i.length > 0) ids[1] = i[i.length - 1]![0];
    return [e, i];
  }

  /**
   * A read that has not answered `wedge` ms past its block time counts as a
   * wedged connection: it is dropped (the read fails) and made anew.
   */
  #watch(block: number, wedge: number): void {
    if (this.#sentAt === 0 || this.#stopped || this.#wedged) return;
    if (performance.now() - this.#sentAt <= block + wedge) return;
    this.#wedged = true;
    this.#o.log(
      `redis reader: no answer ${block + wedge} ms into a ${block} ms read; reconnecting it`,
    );
    this.#client.destroy();
  }

  /** A new connection, tried until one comes or the reader stops. */
  async #reconnected(): Promise<Client> {
    for (let tries = 0;; tries++) {
      try {
        const client = await this.#o.reconnect();
        if (this.#stopped) client.destroy();
        else if (tries > 0) this.#o.log(`redis reader: connected again after ${tries + 1} tries`);
        return client;
      } catch (e) {
        if (this.#stopped) return this.#client;
        if (tries === 0) this.#o.log(`redis reader: ${errorName(e)}; retrying`);
        await this.#sleep(500);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
