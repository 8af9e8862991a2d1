/**
 * Telnet negotiation taken out of what a server sends (S2): the bytes of
 * text go on, each `IAC ...` sequence is kept whole, apart, so that the
 * conformance kit never judges it as text. `IAC IAC` is a 255 of text.
 *
 * @example
 * ```ts
 * import { TelnetSplitter } from "./telnet_split.ts";
 * import assert from "node:assert/strict";
 * const telnet = new TelnetSplitter();
 * const text: number[] = [];
 * telnet.split(Uint8Array.of(0x6f, 0xff, 0xfb, 0x01, 0x69, 0xff, 0xff), text);
 * assert.deepEqual(text, [0x6f, 0x69, 0xff]);
 * assert.deepEqual(telnet.negotiation, [[0xff, 0xfb, 0x01]]);
 * ```
 *
 * @module
 */

import { TelnetParser, TelnetStep } from "../wire/telnet_parser.ts";

/**
 * Splits a byte stream into text and telnet sequences; a sequence may span
 * chunks. The sequences are read by the one telnet parser,
 * {@linkcode TelnetParser}; an IAC before a byte that is no command is kept
 * as a sequence of two bytes.
 */
export class TelnetSplitter {
  /** Every telnet sequence seen (`IAC ...`), in order. */
  readonly negotiation: number[][] = [];
  readonly #telnet = new TelnetParser();
  #sequence: number[] = [];

  /**
   * Takes the next bytes of the stream.
   *
   * @param chunk The bytes, as they came.
   * @param text Where the bytes of text are appended.
   */
  split(chunk: Uint8Array, text: number[]): void {
    for (const b of chunk) {
      const step = this.#telnet.push(b);
      if (step === TelnetStep.text) {
        text.push(b);
        if (this.#sequence.length > 0) this.#sequence = [];
      } else {
        this.#sequence.push(b);
        if (step !== TelnetStep.held) {
          this.negotiation.push(this.#sequence);
          this.#sequence = [];
        }
      }
    }
  }
}
