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

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;

const enum Telnet {
  Text,
  Iac,
  Option,
  Sub,
  SubIac,
}

/** Splits a byte stream into text and telnet sequences; a sequence may span chunks. */
export class TelnetSplitter {
  /** Every telnet sequence seen (`IAC ...`), in order. */
  readonly negotiation: number[][] = [];
  #state = Telnet.Text;
  #sequence: number[] = [];

  /**
   * Takes the next bytes of the stream.
   *
   * @param chunk The bytes, as they came.
   * @param text Where the bytes of text are appended.
   */
  split(chunk: Uint8Array, text: number[]): void {
    for (const b of chunk) {
      switch (this.#state) {
        case Telnet.Text:
          if (b === IAC) {
            this.#state = Telnet.Iac;
            this.#sequence = [b];
          } else text.push(b);
          break;
        case Telnet.Iac:
          this.#sequence.push(b);
          if (b === IAC) {
            text.push(b);
            this.#state = Telnet.Text;
          } else if (b === SB) this.#state = Telnet.Sub;
          else if (b >= WILL) this.#state = Telnet.Option;
          else this.#end();
          break;
        case Telnet.Option:
          this.#sequence.push(b);
          this.#end();
          break;
        case Telnet.Sub:
          this.#sequence.push(b);
          if (b === IAC) this.#state = Telnet.SubIac;
          break;
        case Telnet.SubIac:
          this.#sequence.push(b);
          if (b === SE) this.#end();
          else this.#state = Telnet.Sub;
          break;
      }
    }
  }

  #end(): void {
    this.negotiation.push(this.#sequence);
    this.#sequence = [];
    this.#state = Telnet.Text;
  }
}
