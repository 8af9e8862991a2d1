/**
 * displayWidth() (issue 20 item 8): the columns a terminal gives each
 * grapheme cluster, so that the client's input line keeps its cursor where
 * the user typed, whatever the text.
 */
import assert from "node:assert/strict";
import { displayWidth } from "../client/width.ts";

const CASES: [string, string, number][] = [
  ["empty", "", 0],
  ["ASCII", "alice> oi", 9],
  ["an accent, composed", "não", 3],
  ["an accent, as a combining mark", "na\u0303o", 3],
  ["two combining marks on one letter", "e\u0301\u0323", 1],
  ["a combining mark alone", "\u0301", 0],
  ["CJK ideographs", "日本", 4],
  ["Hangul syllables", "한국", 4],
  ["Hangul from its jamo", "\u1112\u1161\u11ab", 2],
  ["hiragana and katakana", "ひらがなカタカナ", 16],
  ["fullwidth Latin", "ＡＢ", 4],
  ["halfwidth katakana", "ｱｲ", 2],
  ["a rocket", "🚀", 2],
  ["a thumbs-up with a skin tone", "👍🏽", 2],
  ["a family joined by ZWJ", "👨‍👩‍👧", 2],
  ["a technologist with a skin tone, joined by ZWJ", "👩🏽‍💻", 2],
  ["a flag", "🇧🇷", 2],
  ["the rainbow flag (VS16 and ZWJ)", "🏳️‍🌈", 2],
  ["a keycap", "1️⃣", 2],
  ["a heart asked to be an emoji", "❤️", 2],
  ["a heart as text", "❤", 1],
  ["an emoji asked to be text (VS15)", "☺︎", 1],
  ["a watch, an emoji by default", "⌚", 2],
  ["the copyright sign", "©", 1],
  ["an emoji newer than the width table", "🫨", 2],
  ["zero-width space and BOM", "a\u200bb\ufeff", 2],
  ["control characters", "a\tb\x1b\x7f", 2],
  ["a line of chat", "ana: oi 👋 tudo bem? 日本語も", 29],
];

Deno.test("displayWidth() counts the columns of each grapheme cluster", async (t) => {
  for (const [name, text, columns] of CASES) {
    await t.step(name, () => assert.equal(displayWidth(text), columns));
  }
});
