/**
 * Which lanes the lecture view draws (W3, field test: 15 lanes after a short
 * lesson, closed ones included): the open connections always, a closed one
 * while its close is news, closed ones first to go when room is needed.
 * The browser draws them in web_browser_test.ts.
 */
import assert from "node:assert/strict";
import {
  LANE_LINGER_MS,
  LANE_ROOM,
  type LaneEvent,
  lanesShown,
} from "../server/web/lecture_lanes.ts";

const at = (conn: number, kind: string, time = 0): LaneEvent => ({ conn, kind, time });

Deno.test("W3 lanes: open connections are all kept, beyond the room too", () => {
  const events = Array.from({ length: LANE_ROOM + 3 }, (_, i) => at(i + 1, "accept"));
  assert.equal(lanesShown(events).length, LANE_ROOM + 3);
  events.push(at(1, "close"));
  assert.deepEqual(lanesShown(events), events.slice(1, -1).map((e) => e.conn), "no room: it goes");
});

Deno.test("W3 lanes: a closed lane stays for the linger time of the lecture's clock, then goes", () => {
  const events = [at(1, "accept"), at(2, "accept"), at(2, "recv", 5), at(2, "close", 10)];
  assert.deepEqual(lanesShown(events), [1, 2]);
  events.push(at(1, "recv", 10 + LANE_LINGER_MS - 1));
  assert.deepEqual(lanesShown(events), [1, 2]);
  events.push(at(1, "send", 10 + LANE_LINGER_MS));
  assert.deepEqual(lanesShown(events), [1]);
  // A step back (replay) draws the lanes as they were then.
  assert.deepEqual(lanesShown(events.slice(0, 4)), [1, 2]);
});

Deno.test("W3 lanes: when room is needed the longest closed go first, in order of closing", () => {
  const events = [at(1, "accept")];
  for (let c = 2; c <= 12; c++) events.push(at(c, "accept"), at(c, "close"));
  events.push(at(3, "close")); // a second close of one (garbage): counted at its last
  const lanes = lanesShown(events);
  assert.equal(lanes.length, LANE_ROOM);
  assert.equal(lanes[0], 1);
  assert.ok(lanes.includes(3) && lanes.includes(12) && !lanes.includes(2), String(lanes));
  assert.deepEqual(lanesShown([]), []);
});
