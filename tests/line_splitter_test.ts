/** The one line splitter (issue 20 item 5): each kind of line ending, across chunks. */
import assert from "node:assert/strict";
import { LineSplitter, splitLines } from "../wire/line_splitter.ts";

Deno.test("LineSplitter.push() cuts lines across chunks for each kind of ending", async (t) => {
  const cases: [string, "crlf" | "lf" | "any", string[], string[], string][] = [
    ["crlf: a lone LF or CR stays in the line", "crlf", ["a\nb\r", "\nc\rd\r\n"], [
      "a\nb",
      "c\rd",
    ], ""],
    ["lf: LF or CRLF, a CR split from its LF", "lf", ["a\nb\r", "\nc"], ["a", "b"], "c"],
    ["any: a CR at a chunk's end waits for its LF", "any", ["a\r", "\nb\r", "c\n\r"], [
      "a",
      "b",
      "c",
    ], "\r"],
  ];
  for (const [name, endings, chunks, lines, partial] of cases) {
    await t.step(name, () => {
      const splitter = new LineSplitter(endings);
      assert.deepEqual(chunks.flatMap((c) => splitter.push(c)), lines);
      assert.equal(splitter.partial, partial);
    });
  }
});

Deno.test("LineSplitter.push() reads bytes one character each", () => {
  assert.deepEqual(new LineSplitter().push(Uint8Array.of(0x6f, 0xe9, 0x0d, 0x0a)), ["o\u00e9"]);
});

Deno.test("LineSplitter.end() gives the last line without an ending, once", () => {
  const lf = new LineSplitter("lf");
  assert.deepEqual(lf.push("a\r\nb\r"), ["a"]);
  assert.deepEqual(lf.end(), ["b"]);
  assert.deepEqual(lf.end(), []);
  const any = new LineSplitter("any");
  any.push("x\r");
  assert.deepEqual(any.end(), ["x"]);
});

Deno.test("splitLines() keeps the text after the last ending apart", () => {
  assert.deepEqual(splitLines("OK a\r\nOK b\r\n"), { lines: ["OK a", "OK b"], rest: "" });
  assert.deepEqual(splitLines("a\nb\r\nc", "lf"), { lines: ["a", "b"], rest: "c" });
});
