/**
 * The web door's framing on its own (`server/doors/ws_frames.ts` and
 * `ws_write.ts`, pure):
 * a browser's frames read the same however the bytes are split, lengths at
 * every encoding's edge, and the server's frames as RFC 6455 writes them.
 */
import assert from "node:assert/strict";
import { type FrameEvent, FrameReader } from "../server/doors/ws_frames.ts";
import { closeFrame, frameLines } from "../server/doors/ws_write.ts";
import { concat } from "./web_frames.ts";
import { clientFrame, closePayload } from "./ws_raw.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function read(bytes: Uint8Array, limit = 1024, step = bytes.length): FrameEvent[] {
  const reader = new FrameReader(limit);
  const out: FrameEvent[] = [];
  const copy = bytes.slice();
  for (let at = 0; at < copy.length; at += step) reader.push(copy.subarray(at, at + step), out);
  return out;
}

Deno.test("FrameReader: the same events whether the bytes come at once or one at a time", () => {
  const bytes = concat(
    clientFrame(0x01, "frag"),
    clientFrame(0x89, "p"),
    clientFrame(0x80, "mento ã"),
    clientFrame(0x81, "x".repeat(200)),
    clientFrame(0x81, ""),
    clientFrame(0x8a, ""),
    clientFrame(0x88, closePayload(1001, "bye")),
    clientFrame(0x81, "after the close: never read"),
  );
  const whole = read(bytes);
  for (const step of [1, 2, 3, 7, 64]) {
    assert.deepEqual(read(bytes, 1024, step), whole, `step ${step}`);
  }
  assert.deepEqual(whole.map((e) => e.kind), ["ping", "text", "text", "text", "pong", "close"]);
  const texts = whole.flatMap((e) => e.kind === "text" ? [decoder.decode(e.bytes)] : []);
  assert.deepEqual(texts, ["fragmento ã", "x".repeat(200), ""]);
  assert.deepEqual(whole.at(-1), { kind: "close", code: 1001 });
});

Deno.test("FrameReader: a message over the limit is kept to limit + 1 bytes, its length counted", () => {
  for (const size of [125, 126, 65535, 65536, 100_000]) {
    const [ev] = read(clientFrame(0x81, "z".repeat(size)), 1024, 4096);
    assert.ok(ev?.kind === "text");
    assert.equal(ev.length, size);
    assert.equal(ev.bytes.length, Math.min(size, 1025));
  }
});

Deno.test("frameLines: one unmasked text frame per CRLF line, lengths in 7, 16 and 64 bits", () => {
  const lines = [
    "",
    "a",
    "b".repeat(125),
    "c".repeat(126),
    "d".repeat(65535),
    "e".repeat(65536),
    "f\ng",
  ];
  const { frames } = frameLines(encoder.encode(lines.map((l) => l + "\r\n").join("")));
  const got: string[] = [];
  for (let at = 0; at < frames.length;) {
    assert.equal(frames[at], 0x81);
    let length = frames[at + 1]!;
    let head = 2;
    if (length === 126) [length, head] = [(frames[at + 2]! << 8) | frames[at + 3]!, 4];
    else if (length === 127) {
      [length, head] = [Number(new DataView(frames.buffer, at + 2, 8).getBigUint64(0)), 10];
    }
    got.push(decoder.decode(frames.subarray(at + head, at + head + length)));
    at += head + length;
  }
  assert.deepEqual(got, lines);
});

Deno.test("frameLines: its end is past the whole lines within the most, at least one; none without a CRLF", () => {
  const bytes = encoder.encode("aaaa\r\nbb\ncc\r\ndd");
  assert.equal(frameLines(bytes, 100).end, 13);
  assert.equal(frameLines(bytes, 8).end, 6);
  assert.equal(frameLines(bytes, 1).end, 6);
  assert.equal(frameLines(encoder.encode("no end"), 100).end, 0);
});

Deno.test("closeFrame: the code in two bytes, the reason cut to fit a control frame", () => {
  assert.deepEqual([...closeFrame(1002, "x")], [0x88, 3, 0x03, 0xea, 0x78]);
  assert.equal(closeFrame(1000, "y".repeat(300)).length, 2 + 125);
});
