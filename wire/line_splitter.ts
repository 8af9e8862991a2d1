/**
 * The one line splitter for text read whole (issue 20 item 5): a stream (or
 * a text) cut into its lines, a line possibly spanning chunks. The server's
 * own input is read by `line_reader.ts` (telnet, backspace, caps); this one
 * reads what a server sends (the tests, the conformance kit, the bench) and
 * what a program writes (standard input, a child's output).
 *
 * @module
 */

/**
 * Where lines end:
 * - `"crlf"`: at CRLF only (papo's lines, S1);
 * - `"lf"`: at LF, a CR before it dropped (LF or CRLF);
 * - `"any"`: at CRLF, LF or a lone CR (what a student's server may send).
 */
export type LineEndings = "crlf" | "lf" | "any";

const ENDINGS: Record<LineEndings, string | RegExp> = {
  crlf: "\r\n",
  lf: /\r?\n/,
  any: /\r\n|\n|\r/,
};

/** Bytes as text, each byte one character. */
const decoder = new TextDecoder("latin1");

/**
 * Cuts a whole text into lines.
 *
 * @param text The text.
 * @param endings Where lines end. @default {"crlf"}
 * @returns The ended lines, without their endings, and the text after the last ending.
 *
 * @example
 * ```ts
 * import { splitLines } from "./line_splitter.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitLines("a\r\nb\nc"), { lines: ["a"], rest: "b\nc" });
 * assert.deepEqual(splitLines("a\r\nb\rc", "any"), { lines: ["a", "b"], rest: "c" });
 * ```
 */
export function splitLines(
  text: string,
  endings: LineEndings = "crlf",
): { lines: string[]; rest: string } {
  const lines = text.split(ENDINGS[endings]);
  const rest = lines.pop()!;
  return { lines, rest };
}

/**
 * A stream cut into its lines, a line possibly spanning chunks; bytes are
 * read one character each (latin1).
 *
 * @example
 * ```ts
 * import { LineSplitter } from "./line_splitter.ts";
 * import assert from "node:assert/strict";
 * const lines = new LineSplitter();
 * assert.deepEqual(lines.push(new TextEncoder().encode("OK a\r\nOK")), ["OK a"]);
 * assert.deepEqual(lines.push(new TextEncoder().encode(" b\r\n")), ["OK b"]);
 * assert.equal(lines.partial, "");
 * ```
 */
export class LineSplitter {
  readonly #endings: LineEndings;
  #partial = "";

  /**
   * Makes a splitter with nothing pending.
   * @param endings Where lines end. @default {"crlf"}
   */
  constructor(endings: LineEndings = "crlf") {
    this.#endings = endings;
  }

  /** The text after the last line ending, not a line yet. */
  get partial(): string {
    return this.#partial;
  }

  /**
   * Takes the next bytes (or text) of the stream.
   *
   * @param chunk The bytes or text, as they came.
   * @returns The lines they complete, without their endings.
   */
  push(chunk: Uint8Array | string): string[] {
    const text = this.#partial + (typeof chunk === "string" ? chunk : decoder.decode(chunk));
    // A CR at the end may be the first half of a CRLF: it waits for the next chunk.
    const held = this.#endings === "any" && text.endsWith("\r");
    const { lines, rest } = splitLines(held ? text.slice(0, -1) : text, this.#endings);
    this.#partial = held ? rest + "\r" : rest;
    return lines;
  }

  /**
   * The stream ended: the text after the last ending is the last line.
   *
   * @returns That line, when there is text; nothing otherwise.
   */
  end(): string[] {
    const { lines, rest } = splitLines(this.#partial, this.#endings);
    this.#partial = "";
    const last = this.#endings === "lf" ? rest.replace(/\r$/, "") : rest;
    if (last !== "") lines.push(last);
    return lines;
  }
}
