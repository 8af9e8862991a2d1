/**
 * Where the teacher's token starts in a line being typed (L8): after
 * `{admin ` (in any case, after at most {@linkcode MAX_LEAD} blanks, which
 * the parser trims), every byte up to the line's end is the token's. Pure:
 * the line's bytes are read, never kept (`typed_line.ts` keeps them).
 *
 * @example
 * ```ts
 * import { tokenStart } from "./token_start.ts";
 * import assert from "node:assert/strict";
 * const line = new TextEncoder().encode("  {ADMIN ");
 * assert.equal(tokenStart(line, line.length), 9);
 * assert.equal(tokenStart(line, 8), -1);
 * ```
 *
 * @module
 */

const SPACE = 0x20;
/** `{admin ` in lower case: what starts a line whose rest is the teacher's token. */
const ADMIN = [0x7b, 0x61, 0x64, 0x6d, 0x69, 0x6e, 0x20];
/** Leading blanks the token's check looks past (the parser trims them). */
const MAX_LEAD = 16;
/** A line at least this long cannot be `{admin ` after blanks: the token begins no later. */
export const TOKEN_BEFORE: number = MAX_LEAD + ADMIN.length;

/**
 * Where the token starts, when the line's first `len` bytes read `{admin `
 * after blanks (its last byte is the space that ends it).
 *
 * @param buf The line's bytes.
 * @param len How many of them are the line so far.
 * @returns `len`, where the token begins; -1 when the line is not `{admin `.
 */
export function tokenStart(buf: Uint8Array, len: number): number {
  let i = 0;
  while (i < len && i < MAX_LEAD && buf[i] === SPACE) i++;
  if (len - i !== ADMIN.length) return -1;
  for (let j = 0; j < ADMIN.length; j++) {
    const b = buf[i + j]!;
    if (b !== ADMIN[j] && (b | 0x20) !== ADMIN[j]) return -1;
  }
  return len;
}

/**
 * Whether the line (its first `len` bytes), with the run `bytes` from `from`
 * to `to` after it, may read `{admin ` after its leading blanks: its first
 * byte that is no blank is a `{`, or comes later than this run shows.
 *
 * @param buf The line's bytes.
 * @param len How many of them are the line so far.
 * @param bytes The run that follows.
 * @param from Where the run begins in `bytes`.
 * @param to Where it ends.
 */
export function mayBeAdmin(
  buf: Uint8Array,
  len: number,
  bytes: Uint8Array,
  from: number,
  to: number,
): boolean {
  for (let i = 0; i <= MAX_LEAD; i++) {
    const b = i < len ? buf[i]! : from + i - len < to ? bytes[from + i - len]! : -1;
    if (b === -1) return true;
    if (b !== SPACE) return b === ADMIN[0];
  }
  return false;
}
