/**
 * RFC 6455's frames, written by us (pure: no I/O): the server's side of the
 * WebSocket framing the web door speaks on the raw socket. {@linkcode FrameReader}
 * takes what a browser sends, in pieces as they arrive, and tells its text
 * messages (reassembled from fragments, UTF-8 checked across them, kept up to
 * a limit), pings, pongs and close, or why the connection must fail (the close
 * code: 1002 protocol error, 1003 binary data, 1007 invalid UTF-8, 1009 too
 * big). {@linkcode frameLines} turns lines that end in CRLF into one unmasked
 * text frame each, all in one buffer: a turn's lines for a browser leave in
 * one socket write, still one line per message on the wire (W2).
 *
 * @module
 */

/** Opcodes (RFC 6455 5.2). */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** Close codes the server sends (RFC 6455 7.4.1). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  invalidData: 1007,
  policy: 1008,
  tooBig: 1009,
} as const;

/** What a browser's bytes said, frame by frame. */
export type FrameEvent =
  /** A whole text message: its first `limit + 1` bytes at most, and its length. */
  | { readonly kind: "text"; readonly bytes: Uint8Array; readonly length: number }
  /** A ping, with its payload (the pong carries it back). */
  | { readonly kind: "ping"; readonly payload: Uint8Array }
  /** A pong. */
  | { readonly kind: "pong" }
  /** The browser's close frame, with its code (none: `undefined`). Nothing is read after it. */
  | { readonly kind: "close"; readonly code: number | undefined }
  /** The connection fails: close with `code`. Nothing is read after it. */
  | { readonly kind: "fail"; readonly code: number; readonly reason: string };

const CR = 0x0d;
const LF = 0x0a;
const MAX_CONTROL = 125;
/** 2^53: a length past it cannot be counted exactly (nobody sends that much). */
const MAX_LENGTH_HIGH = 0x1fffff;

/**
 * Reads a browser's frames from its bytes, as they come.
 *
 * @example
 * ```ts
 * import { FrameReader, type FrameEvent } from "./ws_frames.ts";
 * import assert from "node:assert/strict";
 * const events: FrameEvent[] = [];
 * const reader = new FrameReader(1024);
 * // "hi", masked with 0 0 0 0, in two pieces
 * reader.push(new Uint8Array([0x81, 0x82, 0, 0]), events);
 * reader.push(new Uint8Array([0, 0, 0x68, 0x69]), events);
 * assert.equal(events[0]!.kind, "text");
 * ```
 */
export class FrameReader {
  readonly #limit: number;
  readonly #head = new Uint8Array(14);
  #headLength = 0;
  #headNeed = 2;
  #remaining = -1; // payload bytes left of the frame under way; -1 while reading a header
  readonly #mask = new Uint8Array(4);
  #maskAt = 0;
  #opcode = 0;
  #fin = false;
  readonly #control = new Uint8Array(MAX_CONTROL);
  #controlLength = 0;
  // The text message under way (#open), its parts kept, their bytes and its whole length.
  #open = false;
  #parts: Uint8Array[] = [];
  #kept = 0;
  #length = 0;
  #utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #done = false;

  /** @param limit A text message's bytes past `limit + 1` are counted but not kept. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Whether a close or a failure was read: nothing more is. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Reads bytes just received; appends to `out` what they complete.
   *
   * @param bytes The bytes; unmasked in place (the caller's read buffer).
   * @param out Where the events go.
   */
  push(bytes: Uint8Array, out: FrameEvent[]): void {
    let at = 0;
    while (at < bytes.length && !this.#done) {
      if (this.#remaining < 0) {
        const take = Math.min(this.#headNeed - this.#headLength, bytes.length - at);
        this.#head.set(bytes.subarray(at, at + take), this.#headLength);
        this.#headLength += take;
        at += take;
        if (this.#headLength === this.#headNeed) this.#header(out);
      } else {
        const take = Math.min(this.#remaining, bytes.length - at);
        this.#payload(bytes.subarray(at, at + take), out);
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0 && !this.#done) this.#endFrame(out);
      }
    }
  }

  /** A header grew to what it needs: checks what it knows so far, or starts the payload. */
  #header(out: FrameEvent[]): void {
    const h = this.#head;
    if (this.#headNeed === 2) {
      const problem = this.#check(h[0]!, h[1]!);
      if (problem !== undefined) return this.#fail(out, problem[0], problem[1]);
      const short = h[1]! & 0x7f;
      this.#headNeed = 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + 4;
      return;
    }
    const short = h[1]! & 0x7f;
    let length = short;
    let at = 2;
    if (short === 126) {
      length = (h[2]! << 8) | h[3]!;
      at = 4;
    } else if (short === 127) {
      const view = new DataView(h.buffer, 2, 8);
      const high = view.getUint32(0);
      if (high >= 0x80000000) return this.#fail(out, CloseCode.protocolError, "bad length");
      if (high > MAX_LENGTH_HIGH) return this.#fail(out, CloseCode.tooBig, "frame too big");
      length = high * 2 ** 32 + view.getUint32(4);
      at = 10;
    }
    this.#mask.set(h.subarray(at, at + 4));
    this.#maskAt = 0;
    this.#opcode = h[0]! & 0x0f;
    this.#fin = (h[0]! & 0x80) !== 0;
    this.#headLength = 0;
    this.#headNeed = 2;
    this.#controlLength = 0;
    this.#remaining = length;
    if (this.#opcode === Opcode.text) this.#startMessage();
    if (length === 0) this.#endFrame(out);
  }

  /** What is wrong with a frame's first two bytes, if anything: [close code, reason]. */
  #check(b0: number, b1: number): [number, string] | undefined {
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) return [CloseCode.protocolError, "reserved bits set"];
    if ((b1 & 0x80) === 0) return [CloseCode.protocolError, "client frames must be masked"];
    if (opcode >= 0x8) {
      if (opcode > Opcode.pong) return [CloseCode.protocolError, "unknown opcode"];
      if ((b0 & 0x80) === 0) return [CloseCode.protocolError, "fragmented control frame"];
      if ((b1 & 0x7f) > MAX_CONTROL) return [CloseCode.protocolError, "control frame too long"];
      return undefined;
    }
    if (opcode === Opcode.binary) {
      return [CloseCode.unsupportedData, "binary frames are refused; send text"];
    }
    if (opcode === Opcode.text) {
      return this.#open ? [CloseCode.protocolError, "message inside a fragmented one"] : undefined;
    }
    if (opcode === Opcode.continuation) {
      return this.#open ? undefined : [CloseCode.protocolError, "continuation of nothing"];
    }
    return [CloseCode.protocolError, "unknown opcode"];
  }

  /** Payload bytes of the frame under way. */
  #payload(chunk: Uint8Array, out: FrameEvent[]): void {
    const mask = this.#mask;
    let m = this.#maskAt;
    for (let i = 0; i < chunk.length; i++) {
      chunk[i]! ^= mask[m]!;
      m = (m + 1) & 3;
    }
    this.#maskAt = m;
    if (this.#opcode >= 0x8) {
      this.#control.set(chunk, this.#controlLength);
      this.#controlLength += chunk.length;
      return;
    }
    try {
      this.#utf8.decode(chunk, { stream: true });
    } catch {
      return this.#fail(out, CloseCode.invalidData, "invalid UTF-8");
    }
    this.#length += chunk.length;
    const room = this.#limit + 1 - this.#kept;
    if (room > 0) {
      const kept = chunk.slice(0, room);
      this.#parts.push(kept);
      this.#kept += kept.length;
    }
  }

  /** A frame's payload is complete. */
  #endFrame(out: FrameEvent[]): void {
    this.#remaining = -1;
    const opcode = this.#opcode;
    if (opcode < 0x8) {
      if (!this.#fin) return;
      try {
        this.#utf8.decode();
      } catch {
        return this.#fail(out, CloseCode.invalidData, "invalid UTF-8");
      }
      out.push({ kind: "text", bytes: this.#message(), length: this.#length });
      this.#open = false;
      return;
    }
    const payload = this.#control.slice(0, this.#controlLength);
    if (opcode === Opcode.ping) out.push({ kind: "ping", payload });
    else if (opcode === Opcode.pong) out.push({ kind: "pong" });
    else this.#close(payload, out);
  }

  #close(payload: Uint8Array, out: FrameEvent[]): void {
    if (payload.length === 0) {
      this.#done = true;
      out.push({ kind: "close", code: undefined });
      return;
    }
    if (payload.length === 1) return this.#fail(out, CloseCode.protocolError, "bad close frame");
    const code = (payload[0]! << 8) | payload[1]!;
    if (!validCloseCode(code)) return this.#fail(out, CloseCode.protocolError, "bad close code");
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
    } catch {
      return this.#fail(out, CloseCode.invalidData, "invalid UTF-8");
    }
    this.#done = true;
    out.push({ kind: "close", code });
  }

  #startMessage(): void {
    this.#open = true;
    this.#parts = [];
    this.#kept = 0;
    this.#length = 0;
    this.#utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  }

  #message(): Uint8Array {
    const parts = this.#parts;
    if (parts.length === 1) return parts[0]!;
    const bytes = new Uint8Array(this.#kept);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  }

  #fail(out: FrameEvent[], code: number, reason: string): void {
    this.#done = true;
    out.push({ kind: "fail", code, reason });
  }
}

/** Whether a close frame may carry `code` (RFC 6455 7.4). */
function validCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

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
 * Where the whole lines in `bytes` end: just past the last CRLF that ends
 * within the first `most` bytes, or past the first CRLF when none does (a
 * line is never cut); 0 when no line ends in `bytes`. A bare LF is part of
 * its line.
 *
 * @param bytes Lines, each ending in CRLF.
 * @param most The most bytes wanted.
 */
export function linesEnd(bytes: Uint8Array, most: number): number {
  return findLines(bytes, most);
}

/**
 * The whole lines of `bytes` (see {@linkcode linesEnd}: at most `most`
 * bytes of them, at least one) as one unmasked text frame each, without
 * their CRLF, all in one buffer: one pass to find the lines, one to copy.
 *
 * @example
 * ```ts
 * import { frameLines } from "./ws_frames.ts";
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
