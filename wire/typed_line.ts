/**
 * The line being typed (S1, S2, X3, L8): what a user's keys add to it
 * (a character, a tab, backspace, telnet's erase line), the echo a
 * character-mode telnet expects (made by `line_echo.ts`), and what of it may
 * be shown. The
 * teacher's token in `{admin TOKEN}` is known here, where the line is
 * assembled, however it was typed (split over reads, key by key, with a tab
 * or erased letters): it is never echoed nor shown, only `*` (up to the
 * line's end, the closing brace too: a wrong guess may hold one, and the
 * line may not end where the token does); `token_start.ts` says where it starts.
 * Nor is its length: its keys (and those erased in it) are echoed by
 * nothing, and the line's end echoes the fixed {@linkcode TOKEN_MASK} once.
 *
 * @module
 */

import { latin1 } from "./ascii.ts";
import { LineEcho } from "./line_echo.ts";
import { mayBeAdmin, TOKEN_BEFORE, tokenStart } from "./token_start.ts";
import { toAscii } from "../protocol/ascii.ts";

const SPACE = 0x20;
const STAR = 0x2a;
const LF = 0x0a;
/** The smallest line buffer, which a long line's buffer shrinks back to. */
const MIN_BUF = 64;

const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** P3: ASCII bytes read as UTF-8 are the same text, and a decoder makes it faster than Latin-1 does. */
const ASCII = new TextDecoder();

/** How a line ended: as text, or refused (too long; not ASCII, and not UTF-8 either). */
export type LineEnd =
  | { readonly kind: "line"; readonly text: string }
  | { readonly kind: "tooLong" }
  | { readonly kind: "notAscii" };

const TOO_LONG: LineEnd = { kind: "tooLong" };
const NOT_ASCII: LineEnd = { kind: "notAscii" };

/** How a {@linkcode TypedLine} treats bytes over 127. */
export type HighBytes =
  /** Refused: the line is `notAscii` (a reader of a strict ASCII stream). */
  | "refuse"
  /** Kept as Latin-1 characters (the client reads a student's server that sends UTF-8). */
  | "latin1"
  /** UTF-8 made ASCII as the client does (`olá` is `ola`); not UTF-8 is `notAscii` (X3). */
  | "fold";

/**
 * One line as it is typed, at most `maxBytes` bytes kept (bytes past it are
 * counted, never kept, and the line is `tooLong`).
 *
 * @example
 * ```ts
 * import { TypedLine } from "./typed_line.ts";
 * import assert from "node:assert/strict";
 * const line = new TypedLine(100, "fold");
 * line.echo = true;
 * for (const b of new TextEncoder().encode("{admin s3cr")) line.keep(b);
 * assert.equal(new TextDecoder().decode(line.takeEcho()), "{admin ");
 * assert.deepEqual(line.end(), { kind: "line", text: "{admin s3cr" });
 * assert.equal(new TextDecoder().decode(line.takeEcho()), "********\r\n");
 * ```
 */
export class TypedLine {
  #buf: Uint8Array;
  readonly #max: number;
  readonly #high: HighBytes;
  #len = 0;
  /** Bytes past the cap: counted, never kept; backspace takes them first. */
  #excess = 0;
  /** How many bytes over 127 the line holds (backspace may erase them). */
  #highCount = 0;
  /** Where the token starts when the line is `{admin ...`; -1 when it is not. */
  #secretFrom = -1;
  /** Whether the line held something that was no text at all (it is `notAscii`). */
  #tainted = false;
  /** What is echoed since {@linkcode takeEcho}, when echoing. */
  #echo: LineEcho | undefined;

  /**
   * @param maxBytes The most bytes a line may have.
   * @param high What bytes over 127 become.
   */
  constructor(maxBytes: number, high: HighBytes) {
    this.#max = maxBytes;
    this.#high = high;
    this.#buf = new Uint8Array(Math.min(maxBytes, MIN_BUF));
  }

  /** How many bytes of the unfinished line are held. */
  get pending(): number {
    return this.#len;
  }

  /** Whether nothing has been typed since the last line's end (or all was erased). */
  get empty(): boolean {
    return this.#len === 0 && this.#excess === 0;
  }

  /**
   * Whether the line holds the teacher's token from here on (`{admin ` was
   * typed): each key now is part of it, until the line ends (L8).
   */
  get inToken(): boolean {
    return this.#secretFrom >= 0;
  }

  /** Whether what is typed is echoed (a character-mode telnet asked for it). */
  get echo(): boolean {
    return this.#echo !== undefined;
  }

  set echo(on: boolean) {
    this.#echo = on ? (this.#echo ?? new LineEcho(this.#high === "fold")) : undefined;
  }

  /** The echo made since the last call, or `undefined` when there is none. */
  takeEcho(): Uint8Array | undefined {
    return this.#echo?.take();
  }

  /** A byte kept although it is not ASCII text (a telnet subnegotiation that never ended). */
  taint(): void {
    this.#tainted = true;
  }

  /**
   * Adds a typed byte to the line.
   * @returns Whether the byte is part of the teacher's token (to be shown as `*`).
   */
  keep(b: number): boolean {
    const secret = this.#secretFrom >= 0;
    if (b > 0x7f) this.#highCount++;
    if (this.#len >= this.#max) {
      this.#excess++;
      if (!secret) this.#echo?.past(b);
      return secret;
    }
    this.#room(1);
    this.#buf[this.#len++] = b;
    if (!secret) this.#echo?.kept(this.#buf, this.#len);
    if (!secret && b === SPACE) this.#secretFrom = tokenStart(this.#buf, this.#len);
    return secret;
  }

  /**
   * Adds a run of printable ASCII bytes (`bytes` from `from` to `to`), as
   * {@linkcode keep} does byte by byte.
   * @returns Where the teacher's token starts in the run (every byte from
   *   there on is part of it), or -1 when none of the run is.
   */
  keepRun(bytes: Uint8Array, from: number, to: number): number {
    let i = from;
    // Byte by byte while the token may begin here (a short line that may read `{admin `), is
    // being typed, or is echoed.
    const mayBegin = this.#len < TOKEN_BEFORE &&
      mayBeAdmin(this.#buf, this.#len, bytes, from, to);
    for (
      ;
      i < to && ((mayBegin && this.#len < TOKEN_BEFORE) || this.#echo || this.#secretFrom >= 0);
      i++
    ) {
      if (!this.keep(bytes[i]!)) continue;
      // The token began: the rest of the run is the token's.
      for (let j = i + 1; j < to; j++) this.keep(bytes[j]!);
      return i;
    }
    // P3: past where `{admin ` could end, the rest is copied: no token starts, nothing is echoed.
    const kept = Math.min(to - i, this.#max - this.#len);
    if (kept > 0) {
      this.#room(kept);
      const buf = this.#buf;
      let len = this.#len;
      for (let j = i; j < i + kept; j++) buf[len++] = bytes[j]!;
      this.#len = len;
    }
    this.#excess += to - i - kept;
    return -1;
  }

  /** Grows the buffer (4 times at a step, at most the line's limit) to hold `n` more bytes. */
  #room(n: number): void {
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 4;
    while (size < need) size *= 4;
    const bigger = new Uint8Array(Math.min(this.#max, size));
    bigger.set(this.#buf.subarray(0, this.#len));
    this.#buf = bigger;
  }

  /** Backspace or DEL: the last character goes (bytes past the cap first). */
  erase(): void {
    if (this.#excess > 0) {
      this.#excess--;
      if (this.#secretFrom < 0) this.#echo?.erase(1);
      return;
    }
    if (this.#len === 0) return;
    let start = this.#len - 1;
    if (this.#buf[start]! > 0x7f && this.#high === "fold") {
      // A whole character goes.
      while (start > 0 && (this.#buf[start]! & 0xc0) === 0x80) start--;
    }
    // L8: a key of the token was never echoed: nor is its erasing.
    if (this.#secretFrom < 0 || start < this.#secretFrom) {
      this.#echo?.erased(this.#buf, start, this.#len);
    }
    for (let i = start; i < this.#len; i++) if (this.#buf[i]! > 0x7f) this.#highCount--;
    this.#len = start;
    if (this.#len < this.#secretFrom) this.#secretFrom = -1;
  }

  /** Telnet's erase line (EL): the whole unfinished line goes. */
  eraseLine(): void {
    const shown = this.partial().length + (this.#secretFrom >= 0 ? 0 : this.#excess);
    this.#clear();
    this.#echo?.erase(shown);
  }

  /** The unfinished line is dropped (the user pressed Ctrl+C): the echo ends its row. */
  discard(): void {
    if (!this.empty) this.#echo?.newline();
    this.#clear();
  }

  /**
   * The unfinished line as the user's screen shows it (for drawing it
   * again): up to where the token begins (its keys are echoed by nothing, L8).
   */
  partial(): Uint8Array {
    let text = this.#high === "fold" && this.#highCount > 0
      ? toAscii(new TextDecoder().decode(this.#buf.subarray(0, this.#len)))
      : latin1(this.#buf, this.#len).replace(/[^ -~]/g, "?");
    if (this.#secretFrom >= 0) text = text.slice(0, this.#secretFrom);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  /** Forgets the unfinished line: a fresh one begins. */
  #clear(): void {
    this.#len = 0;
    this.#excess = 0;
    this.#highCount = 0;
    this.#tainted = false;
    this.#secretFrom = -1;
  }

  /** The line's end: what it was, and a fresh line begins. */
  end(): LineEnd {
    let ended: LineEnd;
    if (this.#excess > 0) ended = TOO_LONG;
    else if (this.#tainted) ended = NOT_ASCII;
    else if (this.#highCount === 0) {
      ended = { kind: "line", text: ASCII.decode(this.#buf.subarray(0, this.#len)) };
    } else if (this.#high === "latin1") {
      ended = { kind: "line", text: latin1(this.#buf, this.#len) };
    } else if (this.#high === "fold") {
      try {
        ended = { kind: "line", text: toAscii(UTF8.decode(this.#buf.subarray(0, this.#len))) };
      } catch {
        ended = NOT_ASCII;
      }
    } else ended = NOT_ASCII;
    // L8: the token's keys were echoed by nothing; its line's end shows the fixed mask once.
    if (this.#secretFrom >= 0) this.#echo?.mask(TOKEN_MASK);
    this.#echo?.newline();
    this.#clear();
    // A long line's buffer is let go: a quiet connection holds a small one (P2).
    if (this.#buf.length > 4 * MIN_BUF) this.#buf = new Uint8Array(MIN_BUF);
    return ended;
  }
}

/**
 * The fixed mask the teacher's token is shown as where the class can see it
 * (L8: the server's trace, the lecture view, the client's trace): the same
 * whatever the token's length.
 */
export const TOKEN_MASK = "********";

/**
 * Bytes as the class may see them (L8): each run of the token's bytes (those
 * `hidden` marks with `*`) becomes one {@linkcode TOKEN_MASK}, or one `*`
 * when the run at the start goes on with a token shown before (`goesOn`: the
 * rest of a line split over reads, a key of a character-mode telnet).
 *
 * @param bytes The bytes.
 * @param hidden As long as `bytes`: `*` where the token is.
 * @param goesOn Whether the bytes before these ended inside the token.
 * @returns The bytes to show.
 *
 * @example
 * ```ts
 * import { showHidden } from "./typed_line.ts";
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode("{admin s3cr}\n");
 * const hidden = new Uint8Array(bytes.length).fill(0x2a, 7, 12);
 * assert.equal(new TextDecoder().decode(showHidden(bytes, hidden)), "{admin ********\n");
 * ```
 */
export function showHidden(bytes: Uint8Array, hidden: Uint8Array, goesOn = false): Uint8Array {
  if (!hidden.includes(STAR)) return bytes.slice();
  const out: number[] = [];
  for (let i = 0; i < bytes.length;) {
    if (hidden[i] !== STAR) {
      out.push(bytes[i++]!);
      continue;
    }
    if (i === 0 && goesOn) out.push(STAR);
    else for (let k = 0; k < TOKEN_MASK.length; k++) out.push(STAR);
    while (i < bytes.length && hidden[i] === STAR) i++;
  }
  return new Uint8Array(out);
}

/**
 * Part of whole lines of bytes as the class may see them (L8): the token
 * found by the rule the server's line reader keeps, shown by
 * {@linkcode showHidden} (what the client's trace, C1, shows of a write).
 *
 * @param bytes Whole lines, each ending with LF.
 * @param from Where the part shown begins. @default {0}
 * @param to Where it ends. @default {bytes.length}
 * @returns The part, the token as one fixed mask.
 *
 * @example
 * ```ts
 * import { hideToken } from "./typed_line.ts";
 * import assert from "node:assert/strict";
 * const shown = hideToken(new TextEncoder().encode("{ADMIN s3cr}\n:oi\n"));
 * assert.equal(new TextDecoder().decode(shown), "{ADMIN ********\n:oi\n");
 * ```
 */
export function hideToken(bytes: Uint8Array, from = 0, to: number = bytes.length): Uint8Array {
  const hidden = new Uint8Array(bytes.length);
  for (const i of tokenAt(bytes.length, (i) => bytes[i]!)) hidden[i] = STAR;
  return showHidden(
    bytes.subarray(from, to),
    hidden.subarray(from, to),
    from > 0 && hidden[from - 1] === STAR,
  );
}

/**
 * The text of a line being typed with the teacher's token shown as `*`, by
 * the same rule as {@linkcode hideToken}: what the client's input line
 * draws (L8).
 *
 * @param text One line, as typed so far.
 * @returns The text, each character of a token `*`.
 *
 * @example
 * ```ts
 * import { maskText } from "./typed_line.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maskText("{admin giz12345"), "{admin ********");
 * assert.equal(maskText(":{admin giz"), ":{admin giz");
 * ```
 */
export function maskText(text: string): string {
  let out = "";
  let from = 0;
  for (const i of tokenAt(text.length, (i) => Math.min(text.charCodeAt(i), 0xff))) {
    out += text.slice(from, i) + "*";
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Where the teacher's token begins in a line being typed, by the same rule as
 * {@linkcode maskText}: every character from there to the line's end is the token's.
 *
 * @param text One line, as typed so far.
 * @returns The index of the token's first character; -1 when the line holds none.
 *
 * @example
 * ```ts
 * import { tokenFrom } from "./typed_line.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tokenFrom(" {Admin giz"), 8);
 * assert.equal(tokenFrom("{admin "), -1);
 * assert.equal(tokenFrom(":{admin giz"), -1);
 * ```
 */
export function tokenFrom(text: string): number {
  // The token begins no later than TOKEN_BEFORE: the characters past it need no look.
  const length = Math.min(text.length, TOKEN_BEFORE + 1);
  for (const i of tokenAt(length, (i) => Math.min(text.charCodeAt(i), 0xff))) return i;
  return -1;
}

/** Where the token's bytes are in `length` bytes read by `at`, lines ending at LF. */
function* tokenAt(length: number, at: (i: number) => number): Generator<number> {
  const line = new TypedLine(Math.max(length, 1), "latin1");
  for (let i = 0; i < length; i++) {
    const b = at(i);
    if (b === LF) line.end();
    else if (line.keep(b)) yield i;
  }
}
