/**
 * Which connections the lecture view draws a lane for (W3, field test: a
 * short lesson left 15 lanes, closed ones included, where about 8 fit on a
 * 1280 px projector and the rest were squeezed to `|`). Pure: the page
 * (`pages/lecture.ts`) asks it at every draw, for the events shown so far, so a
 * replay or a step back draws the lanes as they were at that moment.
 *
 * - Every connection still open has its lane, however many there are.
 * - A closed connection's lane stays while its close is news: for
 *   {@linkcode LANE_LINGER_MS} of the lecture's own time (the time of the
 *   last event shown, not the page's clock), so the class sees the close
 *   arrow; then it goes. While nothing more happens, it stays.
 * - When room is needed (more than {@linkcode LANE_ROOM} lanes), closed
 *   lanes go first, the longest closed first; open ones are never removed.
 *
 * A lane removed is not lost: the filter still lists every connection and
 * shows any one's lane with all its events, and the export has them all.
 *
 * @module
 */

/** What of an event the lanes depend on. */
export interface LaneEvent {
  /** The connection's number. */
  readonly conn: number;
  /** What happened to its socket. */
  readonly kind: string;
  /** When, in milliseconds since the epoch (the server's clock). */
  readonly time: number;
}

/** How long, in the lecture's time, a closed connection's lane stays after its close. */
export const LANE_LINGER_MS = 15_000;

/** How many lanes fit side by side on a 1280 px projector, the server's column beside them. */
export const LANE_ROOM = 8;

/**
 * The connections whose lanes are drawn after `events`, in the order they
 * were first seen.
 *
 * @param events The events shown so far, oldest first.
 * @param room How many lanes fit; open connections are kept beyond it.
 * @param linger How long a closed lane stays, in the lecture's time.
 * @returns The connections' numbers.
 *
 * @example
 * ```ts
 * import { lanesShown } from "./lecture_lanes.ts";
 * import assert from "node:assert/strict";
 * const events = [
 *   { conn: 1, kind: "accept", time: 0 },
 *   { conn: 2, kind: "accept", time: 0 },
 *   { conn: 2, kind: "close", time: 1000 },
 * ];
 * assert.deepEqual(lanesShown(events), [1, 2]); // the close is news
 * events.push({ conn: 1, kind: "recv", time: 60_000 });
 * assert.deepEqual(lanesShown(events), [1]); // a minute later, only the open one
 * ```
 */
export function lanesShown(
  events: readonly LaneEvent[],
  room: number = LANE_ROOM,
  linger: number = LANE_LINGER_MS,
): number[] {
  /** Each connection seen, and its close's time and place among the closes, if it closed. */
  const seen = new Map<number, { time: number; order: number } | undefined>();
  let closes = 0;
  for (const e of events) {
    if (e.kind === "close") seen.set(e.conn, { time: e.time, order: closes++ });
    else if (!seen.has(e.conn)) seen.set(e.conn, undefined);
  }
  const now = events.at(-1)?.time ?? 0;
  const kept = [...seen].filter(([, closed]) => closed === undefined || now - closed.time < linger);
  const over = kept.length - room;
  if (over <= 0) return kept.map(([conn]) => conn);
  // Room is needed: the closed lanes go, the longest closed first.
  const closed = kept.filter(([, c]) => c !== undefined).sort((a, b) => a[1]!.order - b[1]!.order);
  const gone = new Set(closed.slice(0, over).map(([conn]) => conn));
  return kept.filter(([conn]) => !gone.has(conn)).map(([conn]) => conn);
}
