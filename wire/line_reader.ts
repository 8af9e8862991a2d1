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
import { Telnet } from "./telnet.ts";
import { TelnetParser, TelnetStep } from "./telnet_parser.ts";
import { type HighBytes, type LineEnd, TypedLine } from "./typed_line.ts";

const LF = 0x0a;
const CR = 0x0d;
const BS = 0x08;
const DEL = 0x7f;
const ESC = 0x1b;
const TAB = 0x09;
const NUL = 0x00;
/** Ctrl+C and Ctrl+D, as a character-mode telnet sends them. */
const ETX = 0x03;
const EOT = 0x04;
const STAR = 0x2a;
const { IAC, EC, EL, IP, AYT } = Telnet;
/**
 * Telnet's EOF, SUSP, ABORT (RFC 1184) and EOR (RFC 885), 0xec to 0xef, are
 * commands too: EOF, SUSP (Ctrl+Z) and EOR are dropped, ABORT is leaving.
 */
const ABORT = 0xee;
/** The most bytes a subnegotiation may hold before the reader gives up on it. */
const MAX_SUB_BYTES = 64;

/** What a {@linkcode LineReader} finds in the bytes it is given. */
export type LineEvent =
  | LineEnd
  /** A telnet command to answer: DO, DONT, WILL, WONT with their option; IP; AYT. */
  | { readonly kind: "telnet"; readonly command: number; readonly option?: number };

/** Ctrl+C in character mode, or Ctrl+D on an empty line: the user leaves, as with IAC IP. */
const INTERRUPT: LineEvent = { kind: "telnet", command: IP };

const enum State {
  Text,
  AfterCr,
  /** In a telnet sequence: {@linkcode TelnetParser} reads it. */
  Telnet,
  Ss3,
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
 * - backspace (0x08) and DEL (0x7f) remove the last character of the line;
 * - ANSI escape sequences (ESC ...) and other control characters are removed,
 *   a tab becomes a space;
 * - a line over `maxBytes` bytes is reported as `tooLong` once its end comes;
 *   bytes over 127 are treated as `high` says (`typed_line.ts`);
 * - when reading what a user types (`keys`), Ctrl+C and Ctrl+D on an empty
 *   line, and Ctrl+C anywhere while echoing (character mode), are reported as
 *   telnet's IP (the user leaves, S2); in a line they are dropped (L2).
 *
 * What the user typed is assembled in a {@linkcode TypedLine}, which knows the
 * teacher's token however it was typed: {@linkcode push} can say which
 * received bytes are the token, for whoever shows them (L8).
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
  readonly #line: TypedLine;
  readonly #keys: boolean;
  /** The one telnet parser; a subnegotiation that never ends holds nothing back for long. */
  readonly #telnet = new TelnetParser(MAX_SUB_BYTES);
  #state = State.Text;
  /** Where, in the bytes last pushed, the unfinished line began. */
  #lineFrom = 0;

  /**
   * @param maxBytes The most bytes a line may have.
   * @default {MAX_LINE_BYTES}
   * @param high What bytes over 127 become: a line with them is `notAscii`
   *   (`"refuse"`), Latin-1 characters (`"latin1"`: the client reads a student's
   *   server that sends UTF-8), or UTF-8 made ASCII (`"fold"`: the server reads
   *   what nc and telnet users type, X3). A boolean is the older form: `true` is
   *   `"latin1"`. @default {"refuse"}
   * @param keys Whether the bytes are a user's keys (Ctrl+C and Ctrl+D leave). @default {false}
   */
  constructor(
    maxBytes: number = MAX_LINE_BYTES,
    high: HighBytes | boolean = "refuse",
    keys = false,
  ) {
    this.#line = new TypedLine(
      maxBytes,
      high === true ? "latin1" : high === false ? "refuse" : high,
    );
    this.#keys = keys;
  }

  /** How many bytes of an unfinished line are held (at most `maxBytes`). */
  get pending(): number {
    return this.#line.pending;
  }

  /**
   * Whether to echo what is typed (a telnet in character mode asked the
   * server to): each character kept (as ASCII; the token as `*`), `\b \b`
   * for one erased, CRLF for a line's end.
   */
  get echo(): boolean {
    return this.#line.echo;
  }

  set echo(on: boolean) {
    this.#line.echo = on;
  }

  /** The echo made since the last call, or `undefined` when there is none. */
  takeEcho(): Uint8Array | undefined {
    return this.#line.takeEcho();
  }

  /** Whether the unfinished line holds the teacher's token from here on (L8). */
  get inToken(): boolean {
    return this.#line.inToken;
  }

  /**
   * Where, in the bytes last pushed, the unfinished line began: 0 when it
   * began before them (L8: what an observer holds back is from its token on).
   */
  get lineFrom(): number {
    return this.#lineFrom;
  }

  /** The unfinished line as it shows on the user's screen (for drawing it again). */
  partial(): Uint8Array {
    return this.#line.partial();
  }

  /**
   * Reads more bytes.
   *
   * @param bytes The bytes received.
   * @param out Where to append the events (a new array when not given).
   * @param shown A copy of `bytes` to show (the trace's): each byte of the
   *   teacher's token in it becomes `*`.
   * @returns The events found, in order.
   */
  push(bytes: Uint8Array, out: LineEvent[] = [], shown?: Uint8Array): LineEvent[] {
    const line = this.#line;
    const n = bytes.length;
    this.#lineFrom = 0;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      switch (this.#state) {
        case State.Text:
          if (b >= 0x20 && b < 0x7f) {
            // P3: a run of printable bytes is kept at once (most of what comes is text).
            let end = i + 1;
            while (end < n && bytes[end]! >= 0x20 && bytes[end]! < 0x7f) end++;
            const secret = line.keepRun(bytes, i, end);
            if (secret >= 0 && shown) shown.fill(STAR, secret, end);
            i = end - 1;
          } else if (b === LF) {
            out.push(line.end());
            this.#lineFrom = i + 1;
          } else if (b === CR) {
            out.push(line.end());
            this.#lineFrom = i + 1;
            this.#state = State.AfterCr;
          } else if (this.#special(b) && shown) shown[i] = STAR;
          else if (
            this.#keys && (line.empty || (b === ETX && line.echo)) && (b === ETX || b === EOT)
          ) {
            line.discard();
            this.#lineFrom = i + 1;
            out.push(INTERRUPT);
          }
          break;
        case State.AfterCr:
          this.#state = State.Text;
          if (b !== LF && b !== NUL) i--;
          break;
        case State.Telnet: {
          const step = this.#telnet.push(b);
          if (step === TelnetStep.held) break;
          this.#state = State.Text;
          if (step === TelnetStep.text) {
            // IAC IAC: the byte 255
            if (line.keep(b) && shown) shown[i] = STAR;
          } else if (step === TelnetStep.option) {
            out.push({ kind: "telnet", command: this.#telnet.command, option: b });
          } else if (step === TelnetStep.command) {
            if (this.#command(this.#telnet.command, out)) this.#lineFrom = i + 1;
          } else if (step === TelnetStep.stray) {
            // Not a telnet command: a stray 0xFF byte, and `b` is read again.
            line.keep(IAC);
            i--;
          } else if (step === TelnetStep.subOverflow) line.taint();
          break;
        }
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

  /**
   * A telnet command (IAC and one byte) but for the negotiation of options.
   * @returns Whether it dropped the unfinished line.
   */
  #command(command: number, out: LineEvent[]): boolean {
    const line = this.#line;
    if (command === ABORT || command === IP) {
      // IP, or ABORT (RFC 1184): the user wants out; a half-typed line's row ends.
      line.discard();
      out.push(INTERRUPT);
      return true;
    } else if (command === AYT) out.push({ kind: "telnet", command });
    else if (command === EC) line.erase();
    else if (command === EL) line.eraseLine();
    // NOP, DM, BRK, AO, GA, EOF, SUSP, EOR: nothing to do
    return false;
  }

  /**
   * A byte that is not printable ASCII; returns whether it is to be shown as
   * part of the token (kept in it, or a key that erased in it: L8).
   */
  #special(b: number): boolean {
    const line = this.#line;
    if (b === IAC) {
      this.#telnet.push(b);
      this.#state = State.Telnet;
    } else if (b === BS || b === DEL) {
      const inToken = line.inToken;
      line.erase();
      return inToken;
    } else if (b === ESC) this.#state = State.Esc;
    else if (b === TAB) return line.keep(0x20);
    else if (b > 0x7f) return line.keep(b);
    // other control characters are dropped (L2)
    return false;
  }
}
