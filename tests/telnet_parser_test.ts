/** The one telnet parser (issue 20 item 5): every kind of sequence, and sequences across chunks. */
import assert from "node:assert/strict";
import { TelnetParser, TelnetStep } from "../wire/telnet_parser.ts";
import { TelnetSplitter } from "../conformance/telnet_split.ts";

const { text, held, command, option, subEnd, subOverflow, stray } = TelnetStep;

Deno.test("TelnetParser.push() tells each byte's part", async (t) => {
  const cases: [string, number[], TelnetStep[], number?][] = [
    ["text", [0x61, 0x0a], [text, text]],
    ["IAC IAC is a 255 of text", [0xff, 0xff], [held, text]],
    ["an option", [0xff, 0xfb, 0x01], [held, held, option], 0xfb],
    ["a command", [0xff, 0xf4], [held, command], 0xf4],
    ["RFC 1184's EOF is a command", [0xff, 0xec], [held, command], 0xec],
    ["a byte below 0xec after IAC is stray", [0xff, 0x41], [held, stray]],
    ["a subnegotiation, IAC IAC inside", [0xff, 0xfa, 0x18, 0xff, 0xff, 0x01, 0xff, 0xf0], [
      held,
      held,
      held,
      held,
      held,
      held,
      held,
      subEnd,
    ]],
  ];
  for (const [name, input, steps, verb] of cases) {
    await t.step(name, () => {
      const telnet = new TelnetParser();
      assert.deepEqual(input.map((b) => telnet.push(b)), steps);
      if (verb !== undefined) assert.equal(telnet.command, verb);
      assert.equal(telnet.inSequence, false);
    });
  }
});

Deno.test("TelnetParser gives up on a subnegotiation over its cap", () => {
  const telnet = new TelnetParser(2);
  assert.deepEqual([0xff, 0xfa, 1, 2, 3, 0x61].map((b) => telnet.push(b)), [
    held,
    held,
    held,
    held,
    subOverflow,
    text,
  ]);
});

Deno.test("TelnetSplitter keeps sequences split across chunks whole", () => {
  const telnet = new TelnetSplitter();
  const out: number[] = [];
  telnet.split(Uint8Array.of(0x61, 0xff), out);
  telnet.split(Uint8Array.of(0xfd, 0x03, 0xff, 0xff, 0xff, 0x41, 0x62), out);
  assert.deepEqual(out, [0x61, 0xff, 0x62]);
  assert.deepEqual(telnet.negotiation, [[0xff, 0xfd, 0x03], [0xff, 0x41]]);
});
