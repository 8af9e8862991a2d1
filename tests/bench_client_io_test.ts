/**
 * bench/client_io.ts: the bench clients' line cutting, without a network.
 */
import assert from "node:assert/strict";
import { LineCutter } from "../bench/client_io.ts";

Deno.test("LineCutter.cut() hands on whole lines, one cut across reads carried over", () => {
  const lines: string[] = [];
  const cutter = new LineCutter((b, s, e) =>
    lines.push(new TextDecoder().decode(b.subarray(s, e)))
  );
  const bytes = (text: string) => new TextEncoder().encode(text);
  cutter.cut(bytes("OK um\r\nPUBLICA a"));
  assert.deepEqual(lines, ["OK um\r"]);
  cutter.cut(bytes("na: oi"));
  assert.deepEqual(lines, ["OK um\r"], "no LF yet: the line waits");
  cutter.cut(bytes("\r\nSAIU bia\n"));
  assert.deepEqual(lines, ["OK um\r", "PUBLICA ana: oi\r", "SAIU bia"]);
});

Deno.test("LineCutter.cut() finds every LF of a read, aligned or not, as indexOf does", () => {
  // Random lines of 0-20 bytes (some bytes are LF's neighbours 0x09, 0x0b, 0x8a), read in
  // random pieces of one 64-byte buffer at offset 0 (word-aligned) and in unaligned views.
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  const alphabet = [0x41, 0x09, 0x0b, 0x8a, 0x20, 0x0d, 0x31];
  for (let round = 0; round < 200; round++) {
    const stream: number[] = [];
    for (let l = 0; l < 30; l++) {
      for (let k = random(21); k > 0; k--) stream.push(alphabet[random(alphabet.length)]!);
      stream.push(0x0a);
    }
    const expected: string[] = [];
    let from = 0;
    for (let i = 0; i < stream.length; i++) {
      if (stream[i] === 0x0a) {
        expected.push(String.fromCharCode(...stream.slice(from, i)));
        from = i + 1;
      }
    }
    const got: string[] = [];
    const cutter = new LineCutter((b, s, e) => got.push(String.fromCharCode(...b.subarray(s, e))));
    const buf = new Uint8Array(68);
    let at = 0;
    while (at < stream.length) {
      const n = Math.min(stream.length - at, 1 + random(64));
      const offset = random(2) === 0 ? 0 : random(4);
      buf.set(stream.slice(at, at + n), offset);
      cutter.cut(buf.subarray(offset, offset + n));
      at += n;
    }
    assert.deepEqual(got, expected, `round ${round}`);
  }
});
