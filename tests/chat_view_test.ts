/**
 * client/chat_view.ts: where the chat marks a mention of the user (C6). The
 * view on a real terminal is client_test.ts's, in tmux.
 */
import assert from "node:assert/strict";
import { mentionAt } from "../client/chat_view.ts";

Deno.test("mentionAt() finds the nickname as a whole word, in any case", async (t) => {
  const cases: [string, string, number][] = [
    ["oi ana, tudo bem?", "ana", 3],
    ["ANA: olha isso", "ana", 0],
    ["banana", "ana", -1],
    ["ana_b chegou", "ana", -1],
    ["oi jo-ao!", "jo-ao", 3],
    ["oi jo-ao2", "jo-ao", -1],
  ];
  for (const [text, nick, at] of cases) {
    await t.step(`${JSON.stringify(text)} for ${nick} is ${at}`, () => {
      assert.equal(mentionAt(text, nick), at);
    });
  }
});
