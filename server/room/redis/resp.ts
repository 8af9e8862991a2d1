/**
 * RESP2, Redis's wire protocol, both ways (issue 23): a command as the bytes
 * Redis reads, and Redis's replies read back from bytes as they come, a
 * reply split over several reads included. Pure: no socket here (the
 * connection is `resp_conn.ts`).
 *
 * @example
 * ```ts
 * import { encodeCommand, ReplyReader } from "./resp.ts";
 * import assert from "node:assert/strict";
 * assert.equal(new TextDecoder().decode(encodeCommand(["GET", "k"])), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
 * const reader = new ReplyReader();
 * const bytes = new TextEncoder().encode("*2\r\n$2\r\noi\r\n:7\r\n+OK\r\n");
 * assert.deepEqual(reader.push(bytes.subarray(0, 9)), []);
 * assert.deepEqual(reader.push(bytes.subarray(9)), [["oi", 7], "OK"]);
 * ```
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NOT_ASCII = /[\u0080-\uffff]/;
const CR = 13;

/** An error reply of Redis (`-ERR ...`, `-NOSCRIPT ...`): its message is the reply's text. */
export class RedisReplyError extends Error {
  /** @param message The reply's text. */
  constructor(message: string) {
    super(message);
    this.name = "RedisReplyError";
  }
}

/**
 * A command as Redis reads it: an array of bulk strings.
 *
 * @param args The command and its arguments.
 * @returns Its bytes.
 */
export function encodeCommand(args: readonly string[]): Uint8Array {
  let s = `*${args.length}\r\n`;
  for (const arg of args) {
    const bytes = NOT_ASCII.test(arg) ? encoder.encode(arg).length : arg.length;
    s += `$${bytes}\r\n${arg}\r\n`;
  }
  return encoder.encode(s);
}

/** Not a whole reply yet: wait for more bytes. */
const MORE = Symbol("more");

/**
 * Reads replies from the bytes Redis sends, in order: a simple string or a
 * bulk string is a string (`null` for a null bulk), an integer a number, an
 * array an array (`null` for a null array), an error a
 * {@linkcode RedisReplyError}.
 */
export class ReplyReader {
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  #at = 0;

  /**
   * Takes the bytes just read.
   * @param bytes The bytes (copied; the caller may reuse them).
   * @returns The replies they complete, in order.
   */
  push(bytes: Uint8Array): unknown[] {
    this.#append(bytes);
    const out: unknown[] = [];
    while (this.#start < this.#end) {
      this.#at = this.#start;
      const reply = this.#value();
      if (reply === MORE) break;
      out.push(reply);
      this.#start = this.#at;
    }
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return out;
  }

  #append(bytes: Uint8Array): void {
    if (this.#end + bytes.length > this.#buf.length) {
      const kept = this.#end - this.#start;
      if (kept + bytes.length <= this.#buf.length) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const buf = new Uint8Array(2 * (kept + bytes.length));
        buf.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = buf;
      }
      this.#start = 0;
      this.#end = kept;
    }
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** The line from `#at` to its CRLF, as text; `MORE` when it has not all come. */
  #line(): string | typeof MORE {
    const buf = this.#buf;
    for (let i = this.#at; i + 1 < this.#end; i++) {
      if (buf[i] !== CR) continue;
      const line = decoder.decode(buf.subarray(this.#at, i));
      this.#at = i + 2;
      return line;
    }
    return MORE;
  }

  /** The whole number from `#at` to its CRLF (a length, a count); `NaN` when it has not all come. */
  #number(): number {
    const buf = this.#buf;
    let n = 0;
    let sign = 1;
    for (let i = this.#at; i + 1 < this.#end; i++) {
      const b = buf[i]!;
      if (b === CR) {
        this.#at = i + 2;
        return sign * n;
      }
      if (b === 0x2d) sign = -1;
      else n = n * 10 + b - 0x30;
    }
    return NaN;
  }

  /** `n` bytes from `#at` as text: ASCII by itself (no call out of JavaScript), else UTF-8. */
  #text(n: number): string {
    const buf = this.#buf;
    const from = this.#at;
    this.#at += n + 2;
    if (n > 64) return decoder.decode(buf.subarray(from, from + n));
    let s = "";
    for (let i = from; i < from + n; i++) {
      const b = buf[i]!;
      if (b > 0x7f) return decoder.decode(buf.subarray(from, from + n));
      s += String.fromCharCode(b);
    }
    return s;
  }

  #value(): unknown {
    if (this.#at >= this.#end) return MORE;
    const type = this.#buf[this.#at++];
    if (type === 0x24 || type === 0x2a || type === 0x3a) { // $ * :
      const n = this.#number();
      if (Number.isNaN(n)) return MORE;
      if (type === 0x3a) return n;
      if (n < 0) return null;
      if (type === 0x24) return this.#at + n + 2 > this.#end ? MORE : this.#text(n);
      const items: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const item = this.#value();
        if (item === MORE) return MORE;
        items[i] = item;
      }
      return items;
    }
    const line = this.#line();
    if (line === MORE) return MORE;
    if (type === 0x2b) return line; // +
    if (type === 0x2d) return new RedisReplyError(line); // -
    throw new SyntaxError(`Cannot read a Redis reply starting "${String.fromCharCode(type!)}"`);
  }
}
