/**
 * The lecture view's model (W3): a connection observer, beside the trace on
 * the one seam (`ConnectionObserver`), that turns each socket event into a
 * {@linkcode LectureEvent} for the projector: accept with the peer's address
 * and door, recv and send with the byte count and escaped bytes, close with
 * its cause. For each recv it also tells the line boundaries (the lines the
 * bytes ended, and the part of a line still waiting): the lesson that TCP is a
 * byte stream. Received bytes are shown as the trace shows them, with the
 * teacher's token hidden (L8). The last {@linkcode LECTURE_KEEP} events are
 * kept so a view opened late can replay from the start.
 *
 * @module
 */

import { escapeBytes } from "../../common/trace.ts";
import type { CloseCause, Connection, ConnectionObserver } from "../connection.ts";

/** Events kept for a view that opens late (replay from the start). */
export const LECTURE_KEEP = 5000;

/** The escaped bytes shown in one event; the rest is counted. */
const SHOWN_BYTES = 160;

/** A partial line longer than this is shown cut (it is waiting for its end). */
const PARTIAL_SHOWN = 120;

/** One socket event, as the lecture page draws it and the export writes it (one JSON line). */
export interface LectureEvent {
  /** Its number, from 1. */
  readonly seq: number;
  /** When, in milliseconds since the epoch. */
  readonly time: number;
  /** The connection's number. */
  readonly conn: number;
  /** What happened to the socket. */
  readonly kind: "accept" | "recv" | "send" | "close";
  /** The door that let the connection in (`tcp`, `web`, `tls`). */
  readonly door: string;
  /** The peer's `IP:port`. */
  readonly peer: string;
  /** recv, send: how many bytes. */
  readonly bytes?: number;
  /** recv, send: the bytes escaped (`\r\n`, `\xff`), cut with the count of the rest. */
  readonly text?: string;
  /** recv: the lines these bytes ended, as the server reads them (token hidden). */
  readonly lines?: readonly string[];
  /** recv: the part of a line still waiting for its end, when there is one. */
  readonly partial?: string;
  /** close: its cause. */
  readonly cause?: string;
}

const decoder = new TextDecoder();

/**
 * The observer that keeps the lecture's events and tells each new one to
 * the views listening.
 *
 * @example
 * ```ts
 * import { LectureModel } from "./lecture_model.ts";
 * import assert from "node:assert/strict";
 * const model = new LectureModel();
 * const seen: string[] = [];
 * model.listen((e) => seen.push(e.kind));
 * const c = { id: 1, peer: "127.0.0.1:5000", remote: { door: "tcp" } } as never;
 * model.accepted(c);
 * model.received(c, new TextEncoder().encode(":o"));
 * model.received(c, new TextEncoder().encode("i\n:x\n"));
 * assert.deepEqual(seen, ["accept", "recv", "recv"]);
 * assert.deepEqual(model.events()[2]!.lines, [":oi", ":x"]);
 * ```
 */
export class LectureModel implements ConnectionObserver {
  readonly #events: LectureEvent[] = [];
  readonly #listeners = new Set<(e: LectureEvent) => void>();
  readonly #partial = new Map<number, string>();
  readonly #now: () => number;
  #seq = 0;

  /**
   * @param now The clock that times the events (a test's, to show how long after a close the
   * lecture moved on: the view removes a closed lane by the events' times).
   */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The events kept, oldest first. */
  events(): readonly LectureEvent[] {
    return this.#events;
  }

  /**
   * Calls `listener` with each new event.
   *
   * @param listener Called once per event, at once; it must not throw.
   * @returns What stops it.
   */
  listen(listener: (e: LectureEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Part of {@linkcode ConnectionObserver}. */
  accepted(c: Connection): void {
    this.#partial.set(c.id, "");
    this.#add(c, "accept", {});
  }

  /**
   * Part of {@linkcode ConnectionObserver}: the line boundaries found; the
   * teacher's token comes masked by the connection (L8), however it was typed.
   */
  received(c: Connection, shown: Uint8Array): void {
    const text = (this.#partial.get(c.id) ?? "") + decoder.decode(shown);
    const parts = text.split("\n");
    const rest = parts.pop() ?? "";
    this.#partial.set(c.id, rest.length > 4096 ? rest.slice(-4096) : rest);
    this.#add(c, "recv", {
      bytes: shown.length,
      text: escapeBytes(shown, SHOWN_BYTES),
      lines: parts.map((l) => l.replace(/\r$/, "")),
      ...(rest === "" ? {} : { partial: rest.slice(0, PARTIAL_SHOWN) }),
    });
  }

  /** Part of {@linkcode ConnectionObserver}. */
  sent(c: Connection, bytes: Uint8Array): void {
    this.#add(c, "send", { bytes: bytes.length, text: escapeBytes(bytes, SHOWN_BYTES) });
  }

  /** Part of {@linkcode ConnectionObserver}. */
  closed(c: Connection, cause: CloseCause): void {
    this.#partial.delete(c.id);
    this.#add(c, "close", { cause });
  }

  #add(c: Connection, kind: LectureEvent["kind"], more: Partial<LectureEvent>): void {
    const event: LectureEvent = {
      seq: ++this.#seq,
      time: this.#now(),
      conn: c.id,
      kind,
      door: c.remote.door,
      peer: c.peer,
      ...more,
    };
    this.#events.push(event);
    if (this.#events.length > LECTURE_KEEP) this.#events.shift();
    for (const listener of this.#listeners) listener(event);
  }
}

/**
 * Several observers on the one seam, each told every event in turn: the
 * trace in the terminal and the lecture view, when both are asked for.
 *
 * @param observers The observers.
 * @returns One observer that tells them all.
 */
export function observeAll(...observers: ConnectionObserver[]): ConnectionObserver {
  return {
    accepted: (c) => observers.forEach((o) => o.accepted?.(c)),
    received: (c, b) => observers.forEach((o) => o.received?.(c, b)),
    sent: (c, b) => observers.forEach((o) => o.sent?.(c, b)),
    closed: (c, cause) => observers.forEach((o) => o.closed?.(c, cause)),
  };
}
