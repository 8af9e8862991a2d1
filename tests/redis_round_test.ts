/**
 * A busy room's round (issue 23, P4): which nodes a read's entries wait for.
 * Pure: times are given, not read from a clock.
 */

import assert from "node:assert/strict";
import { ACTIVE_MS, Round } from "../server/room/redis/round.ts";
import type { Entry } from "../server/room/redis/events.ts";

/** A batch of public messages written by `node` (its members' ids begin with `node/`). */
function batch(node: string, id = "1-0"): Entry {
  return [id, ["t", "P", "b", `ana\noi\n${node}/7\nbia\nola: x\n${node}/8\n`]];
}

Deno.test("Round: one node talking alone waits for nobody (P4)", () => {
  const round = new Round();
  for (let t = 0; t < 5; t++) {
    round.add([batch("a")], t);
    assert.equal(round.whole(t), true);
    round.clear();
  }
});

Deno.test("Round: with two nodes talking, a batch waits for the other's next, then both go (P4)", () => {
  const round = new Round();
  round.add([batch("a")], 0);
  round.clear();
  round.add([batch("b")], 1);
  round.clear();
  round.add([batch("a")], 2);
  assert.equal(round.whole(2), false, "b talked 1 ms ago: its next batch is awaited");
  round.add([batch("a")], 3);
  assert.equal(round.whole(3), false, "a second batch of a does not end the round");
  round.add([batch("b")], 4);
  assert.equal(round.whole(4), true);
});

Deno.test("Round: a node silent for longer than ACTIVE_MS is not waited for (P4)", () => {
  const round = new Round();
  round.add([batch("b")], 0);
  round.clear();
  round.add([batch("a")], ACTIVE_MS);
  assert.equal(round.whole(ACTIVE_MS), false);
  assert.equal(round.whole(ACTIVE_MS + 1), true, "b's last batch is over ACTIVE_MS old");
  round.clear();
  round.add([batch("a")], ACTIVE_MS + 2);
  assert.equal(round.whole(ACTIVE_MS + 2), true, "and b is forgotten");
});

Deno.test("Round: joins, leaves, notices and odd entries count for no node (P4)", () => {
  const round = new Round();
  round.add([batch("b")], 0);
  round.clear();
  const others: Entry[] = [
    ["2-0", ["t", "j", "n", "ana", "i", "b/9"]],
    ["3-0", ["t", "n", "k", "lock", "a", ""]],
    ["4-0", ["t", "P", "b", "no id here\n"]],
    ["5-0", ["t", "P"]],
    ["6-0", []],
  ];
  round.add(others, 1);
  assert.equal(round.whole(1), false, "b's join is not a batch of its messages");
  round.add([batch("b")], 2);
  assert.equal(round.whole(2), true);
});

Deno.test("Round: a node name is what comes before the id's last slash (P4)", () => {
  const round = new Round();
  round.add([batch("sala/1")], 0);
  round.clear();
  round.add([batch("sala/2")], 1);
  assert.equal(round.whole(1), false, "two nodes, not one called sala");
  round.add([batch("sala/1")], 2);
  assert.equal(round.whole(2), true);
});
