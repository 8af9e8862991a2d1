/**
 * Unit tests of wire/line_reader.ts: cutting a byte stream into lines, the
 * 1024-byte cap, non-ASCII lines, telnet's commands, backspace and control
 * characters, and the echo of character mode (S1, S2, L1, L2). Pure: no network.
 */
import assert from "node:assert/strict";
import { bytes } from "./helpers.ts";
import { MAX_LINE_BYTES } from "../protocol.ts";
import { type LineEvent, LineReader } from "../wire/line_reader.ts";

const encoder = new TextEncoder();

/** Whether every character of `text` is printable ASCII (0x20-0x7E). */
function printable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Pushes each chunk in turn into a new reader and returns every event but
 * telnet's commands (which `telnet_test.ts` and the test below check).
 */
function read(...chunks: Uint8Array[]): LineEvent[] {
  const reader = new LineReader();
  const out: LineEvent[] = [];
  for (const chunk of chunks) reader.push(chunk, out);
  return out.filter((e) => e.kind !== "telnet");
}

/** Splits bytes into one-byte chunks. */
function byteByByte(data: Uint8Array): Uint8Array[] {
  return Array.from(data, (b) => new Uint8Array([b]));
}

function lines(...texts: string[]): LineEvent[] {
  return texts.map((text) => ({ kind: "line", text }));
}

Deno.test("LineReader.push() ends lines at LF, CRLF, a lone CR and CR NUL", async (t) => {
  const table: [string, Uint8Array, LineEvent[]][] = [
    ["LF", bytes("a\nb\n"), lines("a", "b")],
    ["CRLF", bytes("a\r\nb\r\n"), lines("a", "b")],
    ["lone CR", bytes("a\rb\r"), lines("a", "b")],
    ["CR NUL", bytes("a\r", [0], "b\r", [0]), lines("a", "b")],
    ["CR CR", bytes("a\r\rb\n"), lines("a", "", "b")],
    ["LF LF", bytes("a\n\nb\n"), lines("a", "", "b")],
    ["no ending yet", bytes("abc"), []],
    ["several lines at once", bytes(":one\r\n:two\n:three\r"), lines(":one", ":two", ":three")],
  ];
  for (const [name, data, want] of table) {
    await t.step(name, () => assert.deepEqual(read(data), want));
  }
  await t.step("a CRLF split across two pushes is one ending", () => {
    assert.deepEqual(read(bytes("a\r"), bytes("\nb\n")), lines("a", "b"));
  });
  await t.step("a line split byte by byte", () => {
    const data = bytes("hello world\r\n:second line\rthird\n");
    assert.deepEqual(read(...byteByByte(data)), lines("hello world", ":second line", "third"));
  });
  await t.step("a line split at every point", () => {
    const data = bytes("ab\x1b[31mc\r\nd", [0xff, 0xfb, 0x01], "e\n");
    for (let at = 0; at <= data.length; at++) {
      assert.deepEqual(
        read(data.subarray(0, at), data.subarray(at)),
        lines("abc", "de"),
        `at ${at}`,
      );
    }
  });
});

Deno.test("LineReader.push() caps a line at 1024 bytes (L1)", async (t) => {
  await t.step("1024 bytes is a line", () => {
    const text = "x".repeat(MAX_LINE_BYTES);
    assert.deepEqual(read(bytes(text + "\n")), lines(text));
  });
  await t.step("1025 bytes is tooLong", () => {
    assert.deepEqual(read(bytes("x".repeat(MAX_LINE_BYTES + 1) + "\n")), [{ kind: "tooLong" }]);
  });
  await t.step("a 5000-byte line is exactly one tooLong, then lines go on", () => {
    const got = read(bytes("y".repeat(5000) + "\r\n:after\n"));
    assert.deepEqual(got, [{ kind: "tooLong" }, { kind: "line", text: ":after" }]);
  });
  await t.step("a 5000-byte line sent byte by byte is exactly one tooLong", () => {
    const got = read(...byteByByte(bytes("y".repeat(5000) + "\n")));
    assert.deepEqual(got, [{ kind: "tooLong" }]);
  });
  await t.step("the reader never holds more than 1024 bytes", () => {
    const reader = new LineReader();
    const chunk = bytes("z".repeat(100));
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(reader.push(chunk), []);
      assert.ok(reader.pending <= MAX_LINE_BYTES, `${reader.pending} bytes held`);
    }
    assert.equal(reader.pending, MAX_LINE_BYTES);
    assert.deepEqual(reader.push(bytes("\n")), [{ kind: "tooLong" }]);
    assert.equal(reader.pending, 0);
  });
  await t.step("backspace is applied before the cap is judged (L1)", () => {
    const got = read(bytes("x".repeat(MAX_LINE_BYTES + 5) + "\x08".repeat(10) + "\n"));
    assert.deepEqual(got, lines("x".repeat(MAX_LINE_BYTES - 5)));
    const still = read(bytes("x".repeat(MAX_LINE_BYTES + 5) + "\x08".repeat(4) + "\n"));
    assert.deepEqual(still, [{ kind: "tooLong" }]);
  });
  await t.step("the cap counts bytes kept: stripped sequences do not count", () => {
    const text = "x".repeat(MAX_LINE_BYTES);
    const got = read(
      bytes("\x1b[1m" + text.slice(0, 10), [0xff, 0xfb, 0x18], text.slice(10), "\n"),
    );
    assert.deepEqual(got, lines(text));
  });
  await t.step("a smaller cap", () => {
    const reader = new LineReader(4);
    assert.deepEqual(reader.push(bytes("abcd\nabcde\nab\n")), [
      { kind: "line", text: "abcd" },
      { kind: "tooLong" },
      { kind: "line", text: "ab" },
    ]);
  });
});

Deno.test("LineReader.push() reports a line with bytes 0x80-0xFF as notAscii (S1)", async (t) => {
  await t.step("each byte 0x80-0xFE", () => {
    for (let b = 0x80; b < 0xff; b++) {
      assert.deepEqual(read(bytes("a", [b], "b\n:ok\n")), [
        { kind: "notAscii" },
        { kind: "line", text: ":ok" },
      ], `byte ${b}`);
    }
  });
  await t.step("UTF-8 text", () => {
    assert.deepEqual(read(encoder.encode(":não\n")), [{ kind: "notAscii" }]);
  });
  await t.step("IAC IAC stands for the byte 0xFF", () => {
    assert.deepEqual(read(bytes("a", [0xff, 0xff], "b\n")), [{ kind: "notAscii" }]);
  });
  await t.step("a lone 0xFF before the line ending does not swallow it", () => {
    assert.deepEqual(read(bytes("a", [0xff], "\n:ok\n")), [
      { kind: "notAscii" },
      { kind: "line", text: ":ok" },
    ]);
  });
  await t.step("a non-ASCII byte erased with backspace leaves an ASCII line", () => {
    assert.deepEqual(read(bytes("a", [0xe9], "\x08b\n")), lines("ab"));
    assert.deepEqual(read(encoder.encode(":é\x08\x08ok\n")), lines(":ok"));
  });
  await t.step("over the cap, tooLong wins", () => {
    assert.deepEqual(read(bytes([0xe9], "x".repeat(2000), "\n")), [{ kind: "tooLong" }]);
  });
});

Deno.test("LineReader.push() strips telnet negotiation (S2)", async (t) => {
  const IAC = 0xff, WILL = 0xfb, WONT = 0xfc, DO = 0xfd, DONT = 0xfe, SB = 0xfa, SE = 0xf0;
  const table: [string, Uint8Array, LineEvent[]][] = [
    ["IAC WILL x", bytes([IAC, WILL, 1], "ab\n"), lines("ab")],
    [
      "IAC DO x, IAC WONT x, IAC DONT x",
      bytes("a", [IAC, DO, 3, IAC, WONT, 31, IAC, DONT, 34], "b\n"),
      lines("ab"),
    ],
    ["an option byte that is LF", bytes("a", [IAC, WILL, 0x0a], "b\n"), lines("ab")],
    ["IAC SB ... IAC SE", bytes("a", [IAC, SB, 24, 0], "xterm", [IAC, SE], "b\n"), lines("ab")],
    [
      "SB with LF and IAC IAC inside",
      bytes([IAC, SB, 31, 0x0a, IAC, IAC, 1, IAC, SE], ":x\n"),
      lines(":x"),
    ],
    ["IAC NOP, IAC GA", bytes("a", [IAC, 241, IAC, 249], "b\n"), lines("ab")],
    [
      "what Windows telnet sends first",
      bytes([IAC, DO, 3, IAC, WILL, 24, IAC, WILL, 31], "alice\r\n"),
      lines("alice"),
    ],
  ];
  for (const [name, data, want] of table) {
    await t.step(name, () => assert.deepEqual(read(data), want));
    await t.step(`${name}, byte by byte`, () => assert.deepEqual(read(...byteByByte(data)), want));
  }
});

Deno.test("LineReader.push() applies backspace and DEL, and removes control characters (L2)", async (t) => {
  const table: [string, Uint8Array, LineEvent[]][] = [
    ["backspace", bytes("abc\x08\x08d\n"), lines("ad")],
    ["DEL", bytes("abc\x7fd\n"), lines("abd")],
    ["backspace on an empty line", bytes("\x08\x08a\n"), lines("a")],
    ["backspace erases everything", bytes("ab\x08\x08\x08\n"), lines("")],
    ["tab becomes a space", bytes(":a\tb\n"), lines(":a b")],
    ["ESC [ 31 m removed", bytes(":\x1b[31mred\x1b[0m\n"), lines(":red")],
    ["ESC [ 1 ; 31 m removed", bytes(":\x1b[1;31mx\n"), lines(":x")],
    ["arrow keys removed", bytes(":a\x1b[A\x1b[D\x1bOBb\n"), lines(":ab")],
    ["bell and other controls dropped", bytes(":\x01a\x07b\x00c\x1fd\n"), lines(":abcd")],
    ["ESC c removed", bytes(":a\x1bcb\n"), lines(":ab")],
    ["ESC before the line ending keeps the ending", bytes(":a\x1b\n:b\n"), lines(":a", ":b")],
    ["ESC [ before the line ending keeps the ending", bytes(":a\x1b[\n:b\n"), lines(":a", ":b")],
    ["ESC O before the line ending keeps the ending", bytes(":a\x1bO\r\n:b\n"), lines(":a", ":b")],
    ["ESC ESC [ A", bytes(":a\x1b\x1b[Ab\n"), lines(":ab")],
  ];
  for (const [name, data, want] of table) {
    await t.step(name, () => assert.deepEqual(read(data), want));
  }
  await t.step("no line ever holds a control character", () => {
    const all = new Uint8Array(256 * 3);
    for (let b = 0; b < 256; b++) all.set([0x61, b, 0x0a], b * 3);
    for (const ev of read(all)) {
      if (ev.kind === "line") {
        assert.ok(printable(ev.text), JSON.stringify(ev.text));
      }
    }
  });
});

Deno.test("LineReader.push() reports telnet's commands in order with the lines (S2)", () => {
  const reader = new LineReader();
  const out = reader.push(bytes("a", [255, 253, 6], "b\r\n", [255, 244, 255, 251, 31, 255, 246]));
  assert.deepEqual(out, [
    { kind: "telnet", command: 253, option: 6 },
    { kind: "line", text: "ab" },
    { kind: "telnet", command: 244 },
    { kind: "telnet", command: 251, option: 31 },
    { kind: "telnet", command: 246 },
  ]);
});

Deno.test("LineReader echo: keys, erases and line ends as a character-mode telnet shows them", () => {
  const reader = new LineReader();
  reader.echo = true;
  reader.push(bytes("ab\x7fc\xe9", [255, 248], "ok\r\0"));
  assert.equal(new TextDecoder().decode(reader.takeEcho()), "ab\b \bc?\b \b\b \b\b \bok\r\n");
  assert.equal(reader.takeEcho(), undefined);
  reader.push(bytes("meio"));
  assert.deepEqual(reader.partial(), bytes("meio"));
  reader.echo = false;
  reader.push(bytes("x"));
  assert.equal(reader.takeEcho(), undefined);
});

Deno.test("LineReader echo: the token's keys, and erasing them, echo nothing; its line's end the mask (L8)", () => {
  const reader = new LineReader();
  reader.echo = true;
  const echo = () => new TextDecoder().decode(reader.takeEcho() ?? new Uint8Array());
  for (const key of "{admin abc") reader.push(bytes(key));
  assert.equal(echo(), "{admin ");
  assert.ok(reader.inToken);
  assert.deepEqual(reader.partial(), bytes("{admin "), "drawn again: nothing of the token");
  reader.push(bytes("\x7f\x7f\x7f")); // the token gone: still `{admin `, nothing echoed
  assert.equal(echo(), "");
  reader.push(bytes("\x7f")); // the blank: erased on the screen
  assert.equal(echo(), "\b \b");
  assert.ok(!reader.inToken);
  reader.push(bytes(" xy", [255, 248])); // telnet's erase line: the columns shown, `{admin `
  assert.equal(echo(), " " + "\b \b".repeat(7));
  const shown = new Uint8Array(9);
  reader.push(bytes("{admin q\n"), [], shown);
  assert.equal(echo(), "{admin ********\r\n");
  assert.deepEqual([...shown].map((b) => b === 0x2a), [...Array(7).fill(false), true, false]);
  assert.equal(reader.lineFrom, 9);
});

Deno.test("LineReader.push() keeps a run of text as it keeps each byte, the token masked alike (P3, L8)", () => {
  // The token's check looks past 16 leading blanks, not 17, whether a line comes at once or not.
  for (
    const [line, masked] of [
      [" ".repeat(16) + "{admin s3cr}", " ".repeat(16) + "{admin *****"],
      [" ".repeat(17) + "{admin s3cr}", " ".repeat(17) + "{admin s3cr}"],
      ["{admin " + "x".repeat(40), "{admin " + "*".repeat(40)],
    ]
  ) {
    const input = encoder.encode(line + "\n");
    const shown = input.slice();
    new LineReader().push(input, [], shown);
    assert.equal(new TextDecoder().decode(shown), masked + "\n");
  }
  // A small pseudo-random generator: the same cases every run.
  let seed = 23;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const parts = [
    "{admin ",
    "{ADMIN ",
    " ",
    "     ",
    "s3cr",
    "x",
    ":oi ",
    "bob:",
    "\b",
    "\r\n",
    "}",
  ];
  for (let round = 0; round < 400; round++) {
    // Up to 19 blanks before `{admin `: the token's check looks past at most 16.
    let text = next(2) === 0 ? " ".repeat(next(20)) + "{admin " : "";
    while (text.length < 60) text += parts[next(parts.length)]!;
    if (next(4) === 0) text += "y".repeat(next(1100));
    const input = encoder.encode(text + "\n");
    const max = [MAX_LINE_BYTES, 30, 20][next(3)]!;
    // One byte a push (the byte-by-byte path), against random chunks (runs of text).
    const one = new LineReader(max);
    const oneOut: LineEvent[] = [];
    const oneShown = input.slice();
    for (let i = 0; i < input.length; i++) {
      const shown = oneShown.subarray(i, i + 1);
      one.push(input.subarray(i, i + 1), oneOut, shown);
    }
    const runs = new LineReader(max);
    const runsOut: LineEvent[] = [];
    const runsShown = input.slice();
    for (let at = 0; at < input.length;) {
      const end = Math.min(input.length, at + 1 + next(80));
      runs.push(input.subarray(at, end), runsOut, runsShown.subarray(at, end));
      at = end;
    }
    assert.deepEqual(runsOut, oneOut, JSON.stringify(text));
    assert.deepEqual(runsShown, oneShown, JSON.stringify(text));
  }
});
