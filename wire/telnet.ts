/**
 * The server's side of telnet (S2): RFC 854 (commands), 855 (option
 * negotiation), 857 (ECHO), 858 (SUPPRESS-GO-AHEAD) and 860 (TIMING-MARK).
 * A telnet that asks a question and gets no answer stalls (after Ctrl+C,
 * Linux telnet sends IAC IP, IAC DO TIMING-MARK and discards all output
 * until the mark is answered), so every question gets its answer:
 * - `DO ECHO` and `DO SUPPRESS-GO-AHEAD` are agreed to (`WILL`): the server
 *   then echoes what is typed, as a character-mode telnet expects;
 * - `WILL SUPPRESS-GO-AHEAD` is agreed to (`DO`);
 * - `DO TIMING-MARK` is answered `WILL TIMING-MARK`, in order with the rest;
 * - any other `DO` is refused with `WONT`, any other `WILL` with `DONT`;
 * - `DONT`/`WONT` of an option that is on turn it off, acknowledged once;
 * - `IP` (interrupt) is the user leaving, `AYT` (are you there) is answered.
 *
 * Negotiation follows RFC 1143's rule: a request for the state an option is
 * already in is not answered, so two peers never loop. Pure: no I/O.
 *
 * @module
 */

/** Telnet's command bytes (RFC 854). */
export const Telnet = {
  IAC: 255,
  DONT: 254,
  DO: 253,
  WONT: 252,
  WILL: 251,
  SB: 250,
  GA: 249,
  EL: 248,
  EC: 247,
  AYT: 246,
  AO: 245,
  IP: 244,
  BRK: 243,
  DM: 242,
  NOP: 241,
  SE: 240,
} as const;

/** The options the server knows by name. */
export const TelnetOption = {
  ECHO: 1,
  SUPPRESS_GO_AHEAD: 3,
  TIMING_MARK: 6,
} as const;

/** What the server does about one telnet command. */
export interface TelnetAnswer {
  /** Bytes to send back, if any. */
  readonly reply?: Uint8Array;
  /** The server now echoes (`true`) or stops echoing (`false`) what is typed. */
  readonly echo?: boolean;
  /** The user pressed Ctrl+C (IAC IP): they leave. */
  readonly interrupt?: true;
  /** The user asked whether the server is there (IAC AYT). */
  readonly areYouThere?: true;
}

const NOTHING: TelnetAnswer = {};

function reply(command: number, option: number): Uint8Array {
  return new Uint8Array([Telnet.IAC, command, option]);
}

/**
 * One connection's telnet options, and the answer to each command the
 * client sends.
 *
 * @example
 * ```ts
 * import { Telnet, TelnetOption, TelnetPeer } from "./telnet.ts";
 * import assert from "node:assert/strict";
 * const peer = new TelnetPeer();
 * const mark = peer.answer(Telnet.DO, TelnetOption.TIMING_MARK);
 * assert.deepEqual(mark.reply, new Uint8Array([255, 251, 6]));
 * assert.deepEqual(peer.answer(Telnet.DO, 31).reply, new Uint8Array([255, 252, 31]));
 * ```
 */
export class TelnetPeer {
  /** Options the server has agreed to do (WILL). */
  readonly #mine = new Set<number>();
  /** Options the server has agreed the client does (DO). */
  readonly #theirs = new Set<number>();

  /** Whether the server echoes what is typed (it agreed to `DO ECHO`). */
  get echoing(): boolean {
    return this.#mine.has(TelnetOption.ECHO);
  }

  /**
   * The answer to one command.
   *
   * @param command The command byte after IAC.
   * @param option The option byte, for DO, DONT, WILL and WONT.
   * @returns What to send back and what changes.
   */
  answer(command: number, option = -1): TelnetAnswer {
    switch (command) {
      case Telnet.DO:
        return this.#do(option);
      case Telnet.DONT:
        if (!this.#mine.delete(option)) return NOTHING;
        return {
          reply: reply(Telnet.WONT, option),
          ...(option === TelnetOption.ECHO ? { echo: false } : {}),
        };
      case Telnet.WILL:
        if (option === TelnetOption.SUPPRESS_GO_AHEAD) {
          if (this.#theirs.has(option)) return NOTHING;
          this.#theirs.add(option);
          return { reply: reply(Telnet.DO, option) };
        }
        return { reply: reply(Telnet.DONT, option) };
      case Telnet.WONT:
        return this.#theirs.delete(option) ? { reply: reply(Telnet.DONT, option) } : NOTHING;
      case Telnet.IP:
        return { interrupt: true };
      case Telnet.AYT:
        return { areYouThere: true };
    }
    return NOTHING;
  }

  #do(option: number): TelnetAnswer {
    if (option === TelnetOption.TIMING_MARK) {
      // RFC 860: answered each time, and never an option left on.
      return { reply: reply(Telnet.WILL, option) };
    }
    if (option === TelnetOption.ECHO || option === TelnetOption.SUPPRESS_GO_AHEAD) {
      if (this.#mine.has(option)) return NOTHING;
      this.#mine.add(option);
      return {
        reply: reply(Telnet.WILL, option),
        ...(option === TelnetOption.ECHO ? { echo: true } : {}),
      };
    }
    return { reply: reply(Telnet.WONT, option) };
  }
}
