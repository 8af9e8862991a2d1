/**
 * The echo a character-mode telnet expects of the line being typed (S2,
 * L8): each character as the others will read it once its last byte comes
 * (`?` for a byte over 127 unless UTF-8 is made ASCII; the teacher's token
 * is echoed by nothing but one fixed mask at its line's end), backspace's back-blank-back for as many columns as the character
 * took, and CR LF at a line's end. `typed_line.ts` keeps the line and tells
 * this what happened to it.
 *
 * @module
 */

import { toAscii } from "../protocol/ascii.ts";

const BS = 0x08;
const SPACE = 0x20;
const QUESTION = 0x3f;
const CR = 0x0d;
const LF = 0x0a;
/** The echo of erasing one column: back, blank, back. */
const ERASE = [BS, SPACE, BS];

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The length of the UTF-8 sequence a lead byte starts (1 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 && lead < 0xf8
    ? 4
    : lead >= 0xe0
    ? (lead < 0xf0 ? 3 : 1)
    : lead >= 0xc2
    ? 2
    : 1;
}

/**
 * Where the UTF-8 character ending at `end` of `buf` starts, or -1 while it
 * is not complete; a byte that is no part of a character is one by itself.
 */
function charStart(buf: Uint8Array, end: number): number {
  let start = end - 1;
  while (start > end - 4 && start > 0 && (buf[start]! & 0xc0) === 0x80) start--;
  const need = sequenceLength(buf[start]!);
  if (need === 1) return end - 1;
  return end - start === need ? start : end - start < need ? -1 : end - 1;
}

/** The ASCII form of the bytes of `buf` from `start` to `end` (`?` when they are not UTF-8). */
function folded(buf: Uint8Array, start: number, end: number): string {
  try {
    return toAscii(UTF8.decode(buf.subarray(start, end)));
  } catch {
    return "?";
  }
}

/** The echo of one line being typed, gathered until it is taken. */
export class LineEcho {
  readonly #fold: boolean;
  #out: number[] = [];

  /** @param fold Whether UTF-8 is echoed made ASCII (else a byte over 127 is `?`). */
  constructor(fold: boolean) {
    this.#fold = fold;
  }

  /** The echo made since the last call, or `undefined` when there is none. */
  take(): Uint8Array | undefined {
    if (this.#out.length === 0) return undefined;
    const echo = new Uint8Array(this.#out);
    this.#out = [];
    return echo;
  }

  /** A byte past the line's cap, counted, not kept: shown as it comes. */
  past(b: number): void {
    this.#out.push(b > 0x7f ? QUESTION : b);
  }

  /** Shows `text` (ASCII): the fixed mask of the teacher's token, at its line's end (L8). */
  mask(text: string): void {
    for (let i = 0; i < text.length; i++) this.#out.push(text.charCodeAt(i));
  }

  /**
   * The byte that ends `buf`'s first `len` bytes was kept: a character shows
   * once its last byte comes, as the ASCII the others will read.
   */
  kept(buf: Uint8Array, len: number): void {
    const b = buf[len - 1]!;
    if (b <= 0x7f) this.#out.push(b);
    else if (!this.#fold) this.#out.push(QUESTION);
    else {
      const start = charStart(buf, len);
      if (start < 0) return;
      const shown = folded(buf, start, len);
      for (let i = 0; i < shown.length; i++) this.#out.push(shown.charCodeAt(i));
    }
  }

  /** The last character, `buf` from `start` to `end`, was erased: as many columns as its echo took. */
  erased(buf: Uint8Array, start: number, end: number): void {
    if (!this.#fold || buf[end - 1]! <= 0x7f) return this.erase(1);
    this.erase(charStart(buf, end) < 0 ? 0 : folded(buf, start, end).length);
  }

  /** Erases `columns` columns. */
  erase(columns: number): void {
    for (let i = 0; i < columns; i++) this.#out.push(...ERASE);
  }

  /** The line ended (or was dropped): the echo ends its row. */
  newline(): void {
    this.#out.push(CR, LF);
  }
}
