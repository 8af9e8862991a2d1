/**
 * The web door's bounds on its HTTP connections, those not (yet) upgraded to
 * a WebSocket (W5, L5): node:http's own timeouts never see the sockets our
 * listener hands it, so the door keeps its own.
 *
 * - A deadline: a connection sends a whole request head within
 *   {@linkcode HTTP_HEADERS_MS} of connecting, or of the end of its previous
 *   answer, or it is closed: a request sent a header line at a time
 *   (slowloris) and an idle keep-alive connection both end there. While a
 *   request is answered (a long answer, the lecture's feed) no deadline runs;
 *   a write stuck on a client that does not read meets the socket's idle
 *   timeout (60 s) instead.
 * - Caps: at most {@linkcode MAX_HTTP} such connections in all and
 *   {@linkcode MAX_HTTP_PER_ADDRESS} from one address; one beyond is told
 *   `503` and closed. A WebSocket leaves its place once upgraded: the chat
 *   server's own caps count it from there (`--max-pending-per-ip`, ...).
 *
 * @module
 */

import { SYSTEM_TIMERS, type Timers } from "../../common/time.ts";

/**
 * Milliseconds a connection has to send a whole request head, from its
 * connect or from the end of its previous answer (idle keep-alive).
 */
export const HTTP_HEADERS_MS = 15_000;

/** HTTP connections not upgraded, at most, in all. */
export const MAX_HTTP = 1024;

/**
 * HTTP connections not upgraded, at most, from one address: a class of 64
 * behind one NAT address, each browser with its few connections open at once.
 */
export const MAX_HTTP_PER_ADDRESS = 256;

/** A socket the guard watches: what it needs of it. */
export interface Guarded {
  /** Closes the socket. */
  destroy(): void;
}

/** One connection's place and deadline. */
interface Place {
  readonly address: string;
  /** Requests being answered: while any is, no deadline runs. */
  busy: number;
  timer: unknown;
}

/** Where the guard's limits and clock come from. */
export interface GuardOptions {
  /** The clock and timers of the deadline. @default {SYSTEM_TIMERS} */
  timers?: Timers;
  /** @default {MAX_HTTP} */
  maxHttp?: number;
  /** @default {MAX_HTTP_PER_ADDRESS} */
  maxHttpPerAddress?: number;
}

/**
 * The web door's HTTP connections, counted and timed.
 *
 * @example
 * ```ts
 * import { HttpGuard } from "./http_guard.ts";
 * import assert from "node:assert/strict";
 * const guard = new HttpGuard({ maxHttpPerAddress: 1 });
 * const socket = { destroy() {} };
 * assert.ok(guard.admit(socket, "10.0.0.7"));
 * assert.ok(!guard.admit({ destroy() {} }, "10.0.0.7"));
 * guard.leave(socket);
 * assert.ok(guard.admit({ destroy() {} }, "10.0.0.7") && guard.size === 1);
 * guard.clear(); // (its deadline stopped)
 * ```
 */
export class HttpGuard {
  readonly #timers: Timers;
  readonly #max: number;
  readonly #maxPerAddress: number;
  readonly #places = new Map<Guarded, Place>();
  readonly #perAddress = new Map<string, number>();

  /** @param options The clock and the caps. */
  constructor(options: GuardOptions = {}) {
    this.#timers = options.timers ?? SYSTEM_TIMERS;
    this.#max = options.maxHttp ?? MAX_HTTP;
    this.#maxPerAddress = options.maxHttpPerAddress ?? MAX_HTTP_PER_ADDRESS;
  }

  /** HTTP connections holding a place. */
  get size(): number {
    return this.#places.size;
  }

  /**
   * Gives a new connection its place, and starts its deadline.
   *
   * @param socket The connection.
   * @param address Its client's address.
   * @returns Whether a place was left (when not, the caller refuses it).
   */
  admit(socket: Guarded, address: string): boolean {
    const here = this.#perAddress.get(address) ?? 0;
    if (this.#places.size >= this.#max || here >= this.#maxPerAddress) return false;
    this.#perAddress.set(address, here + 1);
    const place: Place = { address, busy: 0, timer: undefined };
    this.#places.set(socket, place);
    this.#arm(socket, place);
    return true;
  }

  /** A request's head came (and, for a body, the body): no deadline while it is answered. */
  begun(socket: Guarded): void {
    const place = this.#places.get(socket);
    if (place === undefined) return;
    place.busy++;
    this.#timers.clearTimeout(place.timer);
    place.timer = undefined;
  }

  /** A request's answer ended: the next request's head has its deadline. */
  answered(socket: Guarded): void {
    const place = this.#places.get(socket);
    if (place === undefined || place.busy === 0) return;
    if (--place.busy === 0) this.#arm(socket, place);
  }

  /** The connection closed, or became a WebSocket: its place is given back. */
  leave(socket: Guarded): void {
    const place = this.#places.get(socket);
    if (place === undefined) return;
    this.#places.delete(socket);
    this.#timers.clearTimeout(place.timer);
    const here = (this.#perAddress.get(place.address) ?? 1) - 1;
    if (here > 0) this.#perAddress.set(place.address, here);
    else this.#perAddress.delete(place.address);
  }

  /** Every place given back, every deadline stopped (the web server stops). */
  clear(): void {
    for (const socket of [...this.#places.keys()]) this.leave(socket);
  }

  #arm(socket: Guarded, place: Place): void {
    this.#timers.clearTimeout(place.timer);
    place.timer = this.#timers.setTimeout(() => {
      place.timer = undefined;
      this.leave(socket);
      socket.destroy();
    }, HTTP_HEADERS_MS);
  }
}
