/**
 * The wire's alphabet (S1, X3): every line on the wire is ASCII, and any
 * text (a Portuguese text of the protocol, what a user typed) is made ASCII
 * one way, here.
 *
 * @module
 */

const DIACRITICS = /[\u0300-\u036f]/g;
const NON_ASCII = /[^ -~\t\n\r]/gu;
const SPECIAL: Readonly<Record<string, string>> = {
  "ß": "ss",
  "æ": "ae",
  "Æ": "AE",
  "œ": "oe",
  "Œ": "OE",
  "ø": "o",
  "Ø": "O",
  "ð": "d",
  "Ð": "D",
  "þ": "th",
  "Þ": "TH",
  "ł": "l",
  "Ł": "L",
  "‘": "'",
  "’": "'",
  "“": '"',
  "”": '"',
  "–": "-",
  "—": "-",
  "…": "...",
  "«": '"',
  "»": '"',
  "\u00a0": " ",
};

/**
 * Turns text into ASCII: accents are removed (`não` becomes `nao`) and a
 * character with no ASCII form becomes `?` (X3).
 *
 * @param text Any text.
 * @returns The text with only ASCII characters.
 *
 * @example
 * ```ts
 * import { toAscii } from "./ascii.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(toAscii("não, ação!"), "nao, acao!");
 * assertEquals(toAscii("日本"), "??");
 * ```
 */
export function toAscii(text: string): string {
  return text.normalize("NFKD").replace(DIACRITICS, "").replace(
    NON_ASCII,
    (ch) => SPECIAL[ch] ?? "?",
  );
}
