/**
 * The lines of the socket trace for a lecture (C1): one line per socket
 * event, named as the BSD-sockets lecture names them, with a time to the
 * millisecond, the connection's number, and the exact bytes escaped
 * (`\r\n`, `\xff`), at most {@linkcode TRACE_MAX_BYTES} of them per line.
 * The server's trace and the client's (`--trace`) both write these.
 *
 * @module
 */

/** The most bytes of one read or write a trace line shows; the rest is counted. */
export const TRACE_MAX_BYTES = 200;

/**
 * Bytes as a quoted string a student can read: printable ASCII as it is,
 * `\r`, `\n`, `\t`, `\\`, `\"`, and every other byte as `\xHH` (telnet's
 * IAC is `\xff`).
 *
 * @param bytes The bytes.
 * @param max The most bytes to show; the rest is counted after the quote.
 * @returns For example `"oi\r\n"` or `"aaaa..." (+4800 bytes)`.
 *
 * @example
 * ```ts
 * import { escapeBytes } from "./trace.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(escapeBytes(new Uint8Array([0x6f, 0x69, 0x0d, 0x0a, 0xff])), '"oi\\r\\n\\xff"');
 * strictEqual(escapeBytes(new TextEncoder().encode("abcdef"), 2), '"ab" (+4 bytes)');
 * ```
 */
export function escapeBytes(bytes: Uint8Array, max: number = TRACE_MAX_BYTES): string {
  const shown = Math.min(bytes.length, max);
  let out = '"';
  for (let i = 0; i < shown; i++) {
    const b = bytes[i]!;
    if (b === 0x0d) out += "\\r";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x5c) out += "\\\\";
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  out += '"';
  return bytes.length > shown ? `${out} (+${bytes.length - shown} bytes)` : out;
}

/**
 * The local time of day to the millisecond, `HH:MM:SS.mmm`.
 *
 * @param at Milliseconds since the epoch.
 * @returns The time.
 */
export function traceTime(at: number = Date.now()): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${
    String(d.getMilliseconds()).padStart(3, "0")
  }`;
}

/**
 * One trace line.
 *
 * @param conn The connection's number (0 for the listening socket).
 * @param event What happened, with its arguments: `accept() <- 127.0.0.1:51234`.
 * @param bytes The bytes read or written, if any: shown with their count.
 * @param at When, in milliseconds since the epoch.
 * @returns `HH:MM:SS.mmm #N event` and, with bytes, `N bytes "..."`.
 *
 * @example
 * ```ts
 * import { traceLine } from "./trace.ts";
 * import { match } from "node:assert/strict";
 * match(traceLine(3, "recv", new TextEncoder().encode("oi\n")), /^\d\d:\d\d:\d\d\.\d{3} #3 recv 3 bytes "oi\\n"$/);
 * ```
 */
export function traceLine(conn: number, event: string, bytes?: Uint8Array, at?: number): string {
  const tail = bytes === undefined ? "" : ` ${bytes.length} bytes ${escapeBytes(bytes)}`;
  return `${traceTime(at)} #${conn} ${event}${tail}`;
}
