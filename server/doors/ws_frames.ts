/**
 * RFC 6455's frames, written by us (pure: no I/O): the server's side of the
 * WebSocket framing the web door speaks on the raw socket. {@linkcode FrameReader}
 * takes what a browser sends, in pieces as they arrive, and tells its text
 * messages (reassembled from fragments, UTF-8 checked across them, kept up to
 * a limit), pings, pongs and close, or why the connection must fail (the close
 * code: 1002 protocol error, 1003 binary data, 1007 invalid UTF-8, 1009 too
 * big). The server's frames are written by `ws_write.ts`.
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

/** The most payload bytes of a control frame. */
export const MAX_CONTROL = 125;
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
  /** Checks a text message's UTF-8 across its frames; its final decode resets it for the next. */
  readonly #utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
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
    else {
      const ev = closeEvent(payload);
      this.#done = true;
      out.push(ev);
    }
  }

  #startMessage(): void {
    this.#open = true;
    this.#parts = [];
    this.#kept = 0;
    this.#length = 0;
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

/** What a browser's close frame says: its code, or the failure it is. */
function closeEvent(payload: Uint8Array): FrameEvent {
  if (payload.length === 0) return { kind: "close", code: undefined };
  const fail = (code: number, reason: string): FrameEvent => ({ kind: "fail", code, reason });
  if (payload.length === 1) return fail(CloseCode.protocolError, "bad close frame");
  const code = (payload[0]! << 8) | payload[1]!;
  if (!validCloseCode(code)) return fail(CloseCode.protocolError, "bad close code");
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
  } catch {
    return fail(CloseCode.invalidData, "invalid UTF-8");
  }
  return { kind: "close", code };
}

/** Whether a close frame may carry `code` (RFC 6455 7.4). */
function validCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}
