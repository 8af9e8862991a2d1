/**
 * What a program's flag table says to people: its part of `--help`, and
 * the docs' table of its flags (`tests/flags_test.ts` holds the docs to it).
 *
 * @module
 */

import type { Lang, Text } from "../protocol.ts";
import type { Flag } from "./cli.ts";

/** The columns of the help text. */
const HELP_WIDTH = 80;

/** `--name VALUE`, or `-h, --help`: how a flag is written. */
function flagForm(name: string, flag: Flag, lang: Lang): string {
  const long = `--${name}${flag.value === undefined ? "" : ` ${textIn(flag.value, lang)}`}`;
  return flag.short === undefined ? long : `-${flag.short}, ${long}`;
}

/** A text in a language: the text itself when it has one language. */
function textIn(text: string | Text, lang: Lang): string {
  return typeof text === "string" ? text : text[lang];
}

/** Markdown as plain text: without its backticks. */
function plain(markdown: string): string {
  return markdown.replaceAll("`", "");
}

/** What the help says of a flag's default, in a language. */
function defaultNote(flag: Flag, lang: Lang): string {
  const word = lang === "pt" ? "padrão" : "default";
  if (flag.default !== undefined) return ` (${word} ${flag.default})`;
  if (flag.defaultText !== undefined) return ` (${word}: ${plain(textIn(flag.defaultText, lang))})`;
  return "";
}

/** `text` cut into lines of at most `width` columns at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

/**
 * The options part of a program's `--help`, one flag after another in the
 * table's order: its form, then what it does and its default, wrapped at 80
 * columns under a column of their own.
 *
 * @param table The flags.
 * @param lang The language, for a table with texts in both.
 * @returns The lines, joined, without a final line ending.
 *
 * @example
 * ```ts
 * import { flagsHelp } from "./flag_help.ts";
 * import assert from "node:assert/strict";
 * const table = {
 *   port: { type: "string", value: "N", help: "TCP port", default: 7777 },
 *   help: { type: "boolean", short: "h", help: "show this help" },
 * } as const;
 * assert.equal(flagsHelp(table, "en"), "  --port N    TCP port (default 7777)\n  -h, --help  show this help");
 * ```
 */
export function flagsHelp(table: Readonly<Record<string, Flag>>, lang: Lang = "en"): string {
  const rows = Object.entries(table).map(([name, f]) => [flagForm(name, f, lang), f] as const);
  const column = Math.min(28, Math.max(...rows.map(([form]) => form.length)) + 4);
  const out: string[] = [];
  for (const [form, f] of rows) {
    const lines = wrap(textIn(f.help, lang) + defaultNote(f, lang), HELP_WIDTH - column);
    const first = form.length + 4 > column ? [`  ${form}`, ""] : [`  ${form.padEnd(column - 2)}`];
    if (first.length === 2) out.push(first[0]!);
    out.push(`${first.length === 2 ? " ".repeat(column) : first[0]}${lines[0]}`);
    for (const more of lines.slice(1)) out.push(`${" ".repeat(column)}${more}`);
  }
  return out.join("\n");
}

/**
 * the docs' table of a program's flags, in Markdown: the flag, what it does
 * (its `doc`, or its help in English) and its default (a value in
 * backticks, a sentence, or `off` for a flag with none).
 *
 * @param table The flags.
 * @returns The rows, header first, each as its cells (a `|` in a cell escaped).
 */
export function flagsTable(table: Readonly<Record<string, Flag>>): string[][] {
  const rows = [["flag", "meaning", "default"]];
  for (const [name, f] of Object.entries(table)) {
    const form = f.short === undefined
      ? `\`${flagForm(name, f, "en")}\``
      : `\`-${f.short}\`, \`--${name}\``;
    // A flag with no default is off unless given (but -h and -V, which have no default at all).
    const fallback = f.default !== undefined
      ? `\`${f.default}\``
      : f.defaultText !== undefined
      ? textIn(f.defaultText, "en")
      : f.short === undefined
      ? "off"
      : "";
    rows.push([form, f.doc ?? textIn(f.help, "en"), fallback].map((c) => c.replaceAll("|", "\\|")));
  }
  return rows;
}
