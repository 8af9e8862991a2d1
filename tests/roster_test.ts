/**
 * client/roster.ts: who the client knows is online (S11, X1, C6), shared by
 * the terminal client's Tab completion and the page's Online list (field
 * test: the page's list kept names). Pure, no network.
 */
import assert from "node:assert/strict";
import { Roster } from "../client/roster.ts";
import { entryUsersLine, usersLines } from "../protocol.ts";
import { parseServerLine } from "../wire/server_lines.ts";

function feed(roster: Roster, ...lines: string[]): string[] {
  for (const l of lines.flatMap((l) => l.split("\r\n")).filter((l) => l !== "")) {
    roster.update(parseServerLine(l));
  }
  return roster.names;
}

Deno.test("Roster follows joins and leaves, however one leaves, and a summary's names (S11, P1)", () => {
  const roster = new Roster();
  assert.deepEqual(
    feed(roster, "BEMVINDO Bem-vindo ao papo, bia!", "USUARIOS 3 online: ana, bia, caio"),
    [
      "ana",
      "bia",
      "caio",
    ],
  );
  assert.deepEqual(feed(roster, "SAIU caio saiu do chat", "SAIU ana foi removido pelo professor"), [
    "bia",
  ]);
  assert.deepEqual(
    feed(roster, "ENTROU 3 pessoas entraram (4 online): dan, eva, fe"),
    ["bia", "dan", "eva", "fe"],
  );
  assert.deepEqual(feed(roster, "SAIU 2 pessoas sairam (2 online): dan, eva"), ["bia", "fe"]);
  roster.clear();
  assert.deepEqual(roster.names, [], "the connection ended: nobody is known online");
});

Deno.test("Roster: a whole user list replaces what was known, over all its lines (X1)", async (t) => {
  await t.step("a name missed leaving is forgotten at the next list", () => {
    const roster = new Roster();
    feed(roster, "USUARIOS 3 online: ana, bia, caio");
    assert.deepEqual(feed(roster, "USUARIOS 2 online: bia, caio"), ["bia", "caio"]);
  });
  await t.step("a list in several lines replaces once it has named everyone", () => {
    const roster = new Roster();
    feed(roster, "USUARIOS 1 online: velho");
    const nicks = Array.from({ length: 200 }, (_, i) => `user${i}`);
    const lines = usersLines(nicks).split("\r\n").filter((l) => l !== "");
    assert.ok(lines.length > 1, "several lines");
    feed(roster, lines[0]!);
    assert.ok(roster.names.includes("velho"), "not yet replaced");
    assert.deepEqual(feed(roster, ...lines.slice(1)), nicks);
  });
  await t.step("a list cut short (the entry's first 50) only adds", () => {
    const roster = new Roster();
    feed(roster, "ENTROU zed entrou no chat");
    const nicks = Array.from({ length: 60 }, (_, i) => `u${i}`);
    const names = feed(roster, entryUsersLine(nicks, 60));
    assert.equal(names.length, 51);
    assert.ok(names.includes("zed"));
  });
});
