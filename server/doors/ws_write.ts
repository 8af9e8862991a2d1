/**
 * RFC 6455's frames as the server writes them (pure: no I/O): the lines of a
 * write, each ending in CRLF, as one unmasked text frame each, all in one
 * buffer ({@linkcode frameLines}): a turn's lines for a browser leave in one
 * socket write, still one line per message on the wire (W2); and the control
 * frames (close, ping, pong).
 *
 * @module
 */

import { MAX_CONTROL, Opcode } from "./ws_frames.ts";

const CR = 0x0d;
const LF = 0x0a;

/** How many bytes a server frame's header takes for a payload of `length`. */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes a server frame's header (FIN set, unmasked) at `at`; returns where the payload goes. */
function writeHeader(out: Uint8Array, at: number, opcode: number, length: number): number {
  out[at] = 0x80 | opcode;
  if (length < 126) {
    out[at + 1] = length;
    return at + 2;
  }
  if (length < 65536) {
    out[at + 1] = 126;
    out[at + 2] = length >> 8;
    out[at + 3] = length & 0xff;
    return at + 4;
  }
  out[at + 1] = 127;
  const view = new DataView(out.buffer, out.byteOffset + at + 2, 8);
  view.setUint32(0, Math.floor(length / 2 ** 32));
  view.setUint32(4, length >>> 0);
  return at + 10;
}

/** Where the lines found by {@linkcode frameLines} end (their CR), reused from call to call. */
const lineEnds: number[] = [];

/**
 * Finds the whole lines of `bytes` (each ending in CRLF; a bare LF is part
 * of its line): those that end within the first `most` bytes, or the first
 * one when none does (a line is never cut). Their CRs' places go in
 * `lineEnds`.
 *
 * @returns Where the lines taken end (just past the last LF); 0 when no line ends in `bytes`.
 */
function findLines(bytes: Uint8Array, most: number): number {
  lineEnds.length = 0;
  let end = 0;
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] !== LF || bytes[i - 1] !== CR) continue;
    if (i + 1 > most && end > 0) break;
    lineEnds.push(i - 1);
    end = i + 1;
  }
  return end;
}

/**
 * The whole lines of `bytes` (at most `most` bytes of them, at least one:
 * `end` is just past the last CRLF that ends within the first `most` bytes,
 * or past the first CRLF when none does, so a line is never cut; 0 when no
 * line ends in `bytes`; a bare LF is part of its line) as one unmasked text frame each, without
 * their CRLF, all in one buffer: one pass to find the lines, one to copy.
 *
 * @example
 * ```ts
 * import { frameLines } from "./ws_write.ts";
 * import assert from "node:assert/strict";
 * const { frames, end } = frameLines(new TextEncoder().encode("OK\r\nhi\r\n"));
 * assert.deepEqual([...frames], [0x81, 2, 0x4f, 0x4b, 0x81, 2, 0x68, 0x69]);
 * assert.equal(end, 8);
 * ```
 *
 * @param bytes Lines, each ending in CRLF.
 * @param most The most bytes wanted. @default {Infinity}
 * @returns The frames, and where the lines taken end in `bytes` (0: no whole line).
 */
export function frameLines(
  bytes: Uint8Array,
  most = Infinity,
): { frames: Uint8Array; end: number } {
  const end = findLines(bytes, most);
  const count = lineEnds.length;
  let size = 0;
  for (let k = 0, start = 0; k < count; k++) {
    const length = lineEnds[k]! - start;
    size += headerLength(length) + length;
    start = lineEnds[k]! + 2;
  }
  const out = new Uint8Array(size);
  let to = 0;
  for (let k = 0, start = 0; k < count; k++) {
    const cr = lineEnds[k]!;
    const length = cr - start;
    to = writeHeader(out, to, Opcode.text, length);
    if (length > 64) out.set(bytes.subarray(start, cr), to);
    else for (let i = 0; i < length; i++) out[to + i] = bytes[start + i]!;
    to += length;
    start = cr + 2;
  }
  return { frames: out, end };
}

/**
 * One unmasked control frame (close, ping, pong).
 *
 * @param opcode Its opcode.
 * @param payload At most 125 bytes.
 */
export function controlFrame(opcode: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(2 + payload.length);
  out.set(payload, writeHeader(out, 0, opcode, payload.length));
  return out;
}

/**
 * A close frame with its code and a short reason (cut to fit 125 bytes).
 *
 * @param code The close code.
 * @param reason Why, in ASCII.
 */
export function closeFrame(code: number, reason = ""): Uint8Array {
  const text = new TextEncoder().encode(reason).subarray(0, MAX_CONTROL - 2);
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return controlFrame(Opcode.close, payload);
}
