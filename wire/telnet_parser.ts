/**
 * The one telnet parser (RFC 854, 855): a byte stream's IAC sequences told
 * apart from its text, one byte at a time, whichever side reads it. The
 * server's line reader (`line_reader.ts`) reads what users type with it, the
 * conformance kit and the tests what a server sends (`conformance/telnet_split.ts`);
 * each decides what a sequence does. Pure: no I/O, no allocation.
 *
 * @module
 */

import { Telnet } from "./telnet.ts";

/**
 * What one byte was, as {@linkcode TelnetParser.push} says.
 * - `text`: a byte of text (the second byte of `IAC IAC` is a 255 of text);
 * - `held`: part of a sequence not ended yet;
 * - `command`: it ends `IAC <command>` (the command is {@linkcode TelnetParser.command});
 * - `option`: it ends `IAC WILL|WONT|DO|DONT <option>` (the verb is
 *   {@linkcode TelnetParser.command}, the option the byte);
 * - `subEnd`: it ends a subnegotiation (`IAC SB ... IAC SE`);
 * - `subOverflow`: a subnegotiation ran over its cap; the parser is back in text
 *   and the byte is dropped;
 * - `stray`: IAC was followed by a byte that is no telnet command (below
 *   0xec, EOF of RFC 1184): the parser is back in text and the byte was not
 *   taken; the reader decides what the lone IAC and the byte are.
 */
export const TelnetStep = {
  text: 0,
  held: 1,
  command: 2,
  option: 3,
  subEnd: 4,
  subOverflow: 5,
  stray: 6,
} as const;

/** One of {@linkcode TelnetStep}'s values. */
export type TelnetStep = typeof TelnetStep[keyof typeof TelnetStep];

/** The lowest command byte: EOF of RFC 1184 (0xec); a byte below it after IAC is no command. */
const FIRST_COMMAND = 0xec;

const enum State {
  Text,
  Iac,
  Option,
  Sub,
  SubIac,
}

/**
 * Tells a byte stream's telnet sequences from its text; a sequence may span chunks.
 *
 * @example
 * ```ts
 * import { TelnetParser, TelnetStep } from "./telnet_parser.ts";
 * import assert from "node:assert/strict";
 * const telnet = new TelnetParser();
 * const steps = [0x6f, 0xff, 0xfd, 0x01, 0xff, 0xff].map((b) => telnet.push(b));
 * assert.deepEqual(steps, [
 *   TelnetStep.text, TelnetStep.held, TelnetStep.held, TelnetStep.option,
 *   TelnetStep.held, TelnetStep.text,
 * ]);
 * assert.equal(telnet.command, 0xfd); // DO, of option 1
 * ```
 */
export class TelnetParser {
  /** The command of the sequence that ended last (for `option`, its verb: WILL, WONT, DO or DONT). */
  command = 0;
  readonly #maxSubBytes: number;
  #state = State.Text;
  #subBytes = 0;

  /**
   * Makes a parser reading text.
   * @param maxSubBytes The most bytes a subnegotiation may hold before the
   *   parser gives up on it (`subOverflow`). @default {Infinity}
   */
  constructor(maxSubBytes: number = Infinity) {
    this.#maxSubBytes = maxSubBytes;
  }

  /** Whether the parser is inside a sequence (the next byte is not plain text). */
  get inSequence(): boolean {
    return this.#state !== State.Text;
  }

  /**
   * Reads one byte.
   *
   * @param b The byte.
   * @returns What it was.
   */
  push(b: number): TelnetStep {
    switch (this.#state) {
      case State.Text:
        if (b !== Telnet.IAC) return TelnetStep.text;
        this.#state = State.Iac;
        return TelnetStep.held;
      case State.Iac:
        if (b === Telnet.IAC) {
          this.#state = State.Text;
          return TelnetStep.text;
        }
        if (b === Telnet.SB) {
          this.#state = State.Sub;
          this.#subBytes = 0;
          return TelnetStep.held;
        }
        if (b >= Telnet.WILL) {
          this.command = b;
          this.#state = State.Option;
          return TelnetStep.held;
        }
        this.#state = State.Text;
        if (b < FIRST_COMMAND) return TelnetStep.stray;
        this.command = b;
        return TelnetStep.command;
      case State.Option:
        this.#state = State.Text;
        return TelnetStep.option;
      case State.Sub:
        if (b === Telnet.IAC) this.#state = State.SubIac;
        else if (++this.#subBytes > this.#maxSubBytes) {
          this.#state = State.Text;
          return TelnetStep.subOverflow;
        }
        return TelnetStep.held;
      case State.SubIac:
        if (b === Telnet.SE) {
          this.#state = State.Text;
          return TelnetStep.subEnd;
        }
        this.#state = State.Sub;
        return TelnetStep.held;
    }
  }
}
