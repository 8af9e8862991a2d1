/**
 * The text a probe's connection brought (telnet negotiation taken out by
 * `client_conn.ts`), kept whole, with positions in it.
 *
 * Positions are byte offsets in the text ({@linkcode Received.mark}), so a
 * check can look only at what came after it sent something.
 *
 * @module
 */

import { splitLines } from "../wire/line_splitter.ts";

/** The text received on one connection. */
export class Received {
  readonly #data: number[] = [];

  /** Keeps bytes of text that came. */
  take(text: number[]): void {
    for (const b of text) this.#data.push(b);
  }

  /** How many bytes of text (telnet removed) were received: the position now. */
  mark(): number {
    return this.#data.length;
  }

  /**
   * The bytes of text received from position `from` (telnet sequences removed).
   * @param from A position from {@linkcode mark}.
   * @default {0}
   */
  bytes(from = 0): Uint8Array {
    return Uint8Array.from(this.#data.slice(from));
  }

  /** The text received from position `from`, decoded as UTF-8 (bad bytes become U+FFFD). */
  text(from = 0): string {
    return new TextDecoder().decode(this.bytes(from));
  }

  /**
   * The lines received from position `from`, split at CRLF, LF or a lone CR,
   * without their endings.
   *
   * @param from A position from {@linkcode mark}.
   * @param partial Whether to add the last line when it has no ending yet (a prompt).
   * @returns The lines.
   */
  lines(from = 0, partial = false): string[] {
    const { lines, rest } = splitLines(this.text(from), "any");
    if (partial && rest !== "") lines.push(rest);
    return lines;
  }
}
