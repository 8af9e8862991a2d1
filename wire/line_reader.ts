/**
 * The server's and the client's line reader: cuts a byte stream into lines,
 * taking telnet's commands out (each reported, for `telnet.ts` to answer),
 * applying backspace and dropping control characters, with a hard cap on
 * what it holds (S1, S2, L1, L2). When asked, it also makes the echo a
 * character-mode telnet expects.
 *
 * @module
 */

import { MAX_LINE_BYTES } from "../protocol.ts";
import { latin1 } from "./ascii.ts";

const LF = 0x0a;
const CR = 0x0d;
const BS = 0x08;
const DEL = 0x7f;
const ESC = 0x1b;
const TAB = 0x09;
const NUL = 0x00;
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
const EC = 0xf7;
const EL = 0xf8;
const IP = 0xf4;
const AYT = 0xf6;
/**
 * Telnet's EOF, SUSP, ABORT (RFC 1184) and EOR (RFC 885), 0xec to 0xef, are
 * commands too: EOF, SUSP (Ctrl+Z) and EOR are dropped, ABORT is leaving.
 */
const EOF = 0xec;
const ABORT = 0xee;
/** The most bytes a subnegotiation may hold before the reader gives up on it. */
const MAX_SUB_BYTES = 64;

/** What a {@linkcode LineReader} finds in the bytes it is given. */
export type LineEvent =
  | { readonly kind: "line"; readonly text: string }
  | { readonly kind: "tooLong" }
  | { readonly kind: "notAscii" }
  /** A telnet command to answer: DO, DONT, WILL, WONT with their option; IP; AYT. */
  | { readonly kind: "telnet"; readonly command: number; readonly option?: number };

/** The echo of erasing one character: back, blank, back. */
const ERASE = [BS, 0x20, BS];
/** The smallest line buffer, which a long line's buffer shrinks back to. */
const MIN_BUF = 64;

const TOO_LONG: LineEvent = { kind: "tooLong" };
const NOT_ASCII: LineEvent = { kind: "notAscii" };

const enum State {
  Text,
  AfterCr,
  Iac,
  Negotiation,
  Ss3,
  Sub,
  SubIac,
  Esc,
  Csi,
}

/**
 * Cuts a byte stream into lines (S1, S2, L1, L2), keeping at most
 * `maxBytes` bytes of the line it is reading:
 * - LF, CRLF, a lone CR and CR NUL each end a line;
 * - telnet commands (IAC sequences) are removed, `IAC IAC` is the byte 255;
 *   DO, DONT, WILL, WONT, IP and AYT are reported as `telnet` events, EC
 *   erases a character and EL the line;
 * - backspace (0x08) and DEL (0x7f) remove the last byte of the line;
 * - ANSI escape sequences (ESC ...) and other control characters are removed,
 *   a tab becomes a space;
 * - a line over `maxBytes` bytes is reported as `tooLong` once its end comes,
 *   one with a byte over 127 as `notAscii`; neither is kept.
 *
 * @example
 * ```ts
 * import { LineReader } from "./line_reader.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * const reader = new LineReader();
 * const out = reader.push(new TextEncoder().encode("ab\x08c\r\nx"));
 * assertEquals(out, [{ kind: "line", text: "ac" }]);
 * ```
 */
export class LineReader {
  #buf: Uint8Array;
  readonly #highLines: boolean;
  #len = 0;
  #max: number;
  #state = State.Text;
  /** Bytes of the line past `maxBytes`: counted, never kept; backspace takes them first. */
  #excess = 0;
  /** How many bytes over 127 the line holds (backspace may erase them). */
  #high = 0;
  /** The telnet command whose option byte comes next. */
  #command = 0;
  /** Bytes of the subnegotiation being skipped. */
  #subBytes = 0;
  /** What is echoed since {@linkcode takeEcho}, when echoing. */
  #echo: number[] | undefined;

  /**
   * @param maxBytes The most bytes a line may have.
   * @default {MAX_LINE_BYTES}
   * @param keepHigh Give a line with bytes over 127 as a line (its bytes as Latin-1
   *   characters) instead of `notAscii`: the client reads a student's server that sends
   *   UTF-8. @default {false}
   */
  constructor(maxBytes: number = MAX_LINE_BYTES, keepHigh = false) {
    this.#max = maxBytes;
    this.#highLines = keepHigh;
    this.#buf = new Uint8Array(Math.min(maxBytes, MIN_BUF));
  }

  /** How many bytes of an unfinished line are held (at most `maxBytes`). */
  get pending(): number {
    return this.#len;
  }

  /**
   * Whether to echo what is typed (a telnet in character mode asked the
   * server to): each character kept, `\b \b` for one erased, CRLF for a
   * line's end; a byte over 127 shows as `?` (the wire stays ASCII).
   */
  get echo(): boolean {
    return this.#echo !== undefined;
  }

  set echo(on: boolean) {
    this.#echo = on ? (this.#echo ?? []) : undefined;
  }

  /** The echo made since the last call, or `undefined` when there is none. */
  takeEcho(): Uint8Array | undefined {
    const echo = this.#echo;
    if (echo === undefined || echo.length === 0) return undefined;
    this.#echo = [];
    return new Uint8Array(echo);
  }

  /** The unfinished line as it shows on the user's screen (for drawing it again). */
  partial(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    for (let i = 0; i < out.length; i++) if (out[i]! > 0x7f) out[i] = 0x3f;
    return out;
  }

  /**
   * Reads more bytes.
   *
   * @param bytes The bytes received.
   * @param out Where to append the events (a new array when not given).
   * @returns The events found, in order.
   */
  push(bytes: Uint8Array, out: LineEvent[] = []): LineEvent[] {
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      switch (this.#state) {
        case State.Text:
          if (b >= 0x20 && b < 0x7f) {
            this.#keep(b);
          } else if (b === LF) {
            this.#end(out);
          } else if (b === CR) {
            this.#end(out);
            this.#state = State.AfterCr;
          } else {
            this.#special(b);
          }
          break;
        case State.AfterCr:
          this.#state = State.Text;
          if (b !== LF && b !== NUL) i--;
          break;
        case State.Iac:
          if (b === IAC) {
            this.#state = State.Text;
            this.#keepHigh(b);
          } else if (b === SB) {
            this.#state = State.Sub;
            this.#subBytes = 0;
          } else if (b >= WILL && b <= DONT) {
            this.#command = b;
            this.#state = State.Negotiation;
          } else {
            this.#state = State.Text;
            if (b === ABORT) {
              // ABORT (RFC 1184): like IP, the user wants out.
              out.push({ kind: "telnet", command: IP });
            } else if (b < EOF) {
              // Not a telnet command: a stray 0xFF byte, and `b` is read again.
              this.#keepHigh(IAC);
              i--;
            } else if (b === IP || b === AYT) out.push({ kind: "telnet", command: b });
            else if (b === EC) this.#erase();
            else if (b === EL) this.#eraseLine();
            // NOP, DM, BRK, AO, GA: nothing to do
          }
          break;
        case State.Negotiation:
          this.#state = State.Text;
          out.push({ kind: "telnet", command: this.#command, option: b });
          break;
        case State.Sub:
          if (b === IAC) this.#state = State.SubIac;
          else if (++this.#subBytes > MAX_SUB_BYTES) {
            // A subnegotiation that never ends (or a stray IAC SB) holds nothing back for long.
            this.#state = State.Text;
            this.#high++;
          }
          break;
        case State.SubIac:
          this.#state = b === SE ? State.Text : State.Sub;
          break;
        case State.Esc:
          // CSI (ESC [) runs to its final byte; SS3 (ESC O) has one more byte
          this.#state = b === 0x5b ? State.Csi : b === 0x4f ? State.Ss3 : State.Text;
          // a control character (a line ending, another ESC) is read again
          if (b < 0x20) i--;
          break;
        case State.Ss3:
          this.#state = State.Text;
          if (b < 0x20) i--;
          break;
        case State.Csi:
          if (b >= 0x40 && b <= 0x7e) this.#state = State.Text;
          else if (b < 0x20 || b > 0x3f) {
            this.#state = State.Text;
            i--;
          }
          break;
      }
    }
    return out;
  }

  #special(b: number): void {
    if (b === IAC) this.#state = State.Iac;
    else if (b === BS || b === DEL) this.#erase();
    else if (b === ESC) this.#state = State.Esc;
    else if (b === TAB) this.#keep(0x20);
    else if (b > 0x7f) this.#keepHigh(b);
    // other control characters are dropped (L2)
  }

  /** Backspace: the last byte of the line goes (those past the cap first). */
  #erase(): void {
    if (this.#excess > 0) this.#excess--;
    else if (this.#len > 0) {
      if (this.#buf[--this.#len]! > 0x7f) this.#high--;
    } else return;
    this.#echo?.push(...ERASE);
  }

  /** Telnet's erase line (EL): the whole unfinished line goes. */
  #eraseLine(): void {
    const shown = this.#len + this.#excess;
    this.#len = 0;
    this.#excess = 0;
    this.#high = 0;
    if (this.#echo) { for (let i = 0; i < shown; i++) this.#echo.push(...ERASE); }
  }

  #keep(b: number): void {
    this.#echo?.push(b > 0x7f ? 0x3f : b);
    if (this.#len >= this.#max) {
      // Not kept; a byte over 127 out here keeps the line not ASCII even if erased.
      this.#excess++;
      return;
    }
    if (this.#len === this.#buf.length) {
      const bigger = new Uint8Array(Math.min(this.#max, this.#buf.length * 4));
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    this.#buf[this.#len++] = b;
  }

  #keepHigh(b: number): void {
    this.#high++;
    this.#keep(b);
  }

  #end(out: LineEvent[]): void {
    if (this.#excess > 0) out.push(TOO_LONG);
    else if (this.#high > 0 && !this.#highLines) out.push(NOT_ASCII);
    else out.push({ kind: "line", text: latin1(this.#buf, this.#len) });
    this.#echo?.push(CR, LF);
    this.#len = 0;
    this.#excess = 0;
    this.#high = 0;
    // A long line's buffer is let go: a quiet connection holds a small one (P2).
    if (this.#buf.length > 4 * MIN_BUF) this.#buf = new Uint8Array(MIN_BUF);
  }
}
