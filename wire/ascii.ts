/**
 * ASCII on the wire (S1, X3): testing for it, and converting between ASCII
 * strings and bytes without `TextEncoder`; turning any text into ASCII is
 * the protocol's (`toAscii` in `protocol/ascii.ts`).
 *
 * @module
 */

/**
 * Encodes a line of ASCII text into bytes, faster than `TextEncoder` for the
 * short lines of this protocol. Every server line is ASCII by construction.
 *
 * @param text ASCII text.
 * @returns One new byte array, one byte per character.
 *
 * @example
 * ```ts
 * import { encodeAscii } from "./ascii.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(encodeAscii("ok\r\n"), new Uint8Array([0x6f, 0x6b, 0x0d, 0x0a]));
 * ```
 */
export function encodeAscii(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Whether every character of `text` is ASCII (S1).
 *
 * @param text The text to test.
 * @returns `true` when every code unit is below 128.
 */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

/**
 * The string of the first `len` bytes of `buf`, one character per byte
 * (Latin-1), without `TextDecoder`.
 *
 * @param buf The bytes.
 * @param len How many of them.
 * @returns The string.
 *
 * @example
 * ```ts
 * import { latin1 } from "./ascii.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(latin1(new Uint8Array([0x6f, 0x69, 0x21]), 2), "oi");
 * ```
 */
export function latin1(buf: Uint8Array, len: number = buf.length): string {
  if (len <= 256) {
    return String.fromCharCode.apply(null, buf.subarray(0, len) as unknown as number[]);
  }
  let s = "";
  for (let i = 0; i < len; i += 256) {
    s += String.fromCharCode.apply(
      null,
      buf.subarray(i, Math.min(len, i + 256)) as unknown as number[],
    );
  }
  return s;
}
