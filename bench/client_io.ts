/**
 * A bench client's bytes, apart from what they mean (`gen_client.ts`):
 * {@linkcode LineCutter} cuts the bytes that arrive into lines in place,
 * carrying an unfinished line over to the next read; {@linkcode TurnWriter}
 * gathers the lines sent in one turn of the event loop into one write.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { LF } from "./wire.ts";

/** Four LF bytes in one 32-bit word. */
const LF_WORD = LF * 0x01010101;

/**
 * Cuts bytes into lines where they lie: each line is handed on as the bytes
 * of a buffer from a start to its LF (excluded), copied only when it spans
 * two reads.
 */
export class LineCutter {
  readonly #line: (b: Uint8Array, s: number, e: number) => void;
  readonly #carry = new Uint8Array(4096);
  #carryLen = 0;
  /** The last buffer scanned, as 32-bit words. */
  #words: Int32Array | undefined;

  /**
   * A cutter with nothing carried over.
   *
   * @param line Called with each line: the bytes of `b` from `s` to `e` (its LF, excluded).
   */
  constructor(line: (b: Uint8Array, s: number, e: number) => void) {
    this.#line = line;
  }

  /**
   * Hands on every line ended in `view`, and keeps the start of an unfinished one.
   *
   * The bytes are scanned four at a time where `view` lies on a 4-byte
   * boundary of its buffer (a client's read buffer does): a word with no LF
   * is passed over in one test, so the generator, which reads as many bytes
   * as the server writes, spends less per line than a call to `indexOf` per
   * line costs.
   */
  cut(view: Uint8Array): void {
    const n = view.length;
    let start = 0;
    if (this.#carryLen > 0) {
      const lf = view.indexOf(LF);
      if (lf < 0) {
        this.#keep(view, 0, n);
        return;
      }
      this.#keep(view, 0, lf + 1);
      const carry = this.#carry;
      const len = this.#carryLen;
      this.#carryLen = 0;
      this.#line(carry, 0, carry[len - 1] === LF ? len - 1 : len);
      start = lf + 1;
    }
    let i = start;
    const words = this.#wordsOf(view);
    if (words !== undefined) {
      for (; i < n && (i & 3) !== 0; i++) {
        if (view[i] === LF) {
          this.#line(view, start, i);
          start = i + 1;
        }
      }
      const base = view.byteOffset >> 2;
      const last = n >> 2;
      for (let k = i >> 2; k < last; k++) {
        // Whether one of the word's four bytes is LF: x has a zero byte where one is.
        const x = words[base + k]! ^ LF_WORD;
        if (((x - 0x01010101) & ~x & 0x80808080) === 0) continue;
        for (let j = k << 2, end = j + 4; j < end; j++) {
          if (view[j] === LF) {
            this.#line(view, start, j);
            start = j + 1;
          }
        }
      }
      if (i < last << 2) i = last << 2;
    }
    for (; i < n; i++) {
      if (view[i] === LF) {
        this.#line(view, start, i);
        start = i + 1;
      }
    }
    if (start < n) this.#keep(view, start, n);
  }

  /** `view`'s buffer as 32-bit words when `view` starts on a word boundary (kept for the next read). */
  #wordsOf(view: Uint8Array): Int32Array | undefined {
    if ((view.byteOffset & 3) !== 0) return undefined;
    if (this.#words?.buffer !== view.buffer) {
      const buffer = view.buffer as ArrayBuffer;
      this.#words = new Int32Array(buffer, 0, buffer.byteLength >> 2);
    }
    return this.#words;
  }

  /** Keeps the start of an unfinished line (lines are short; a longer tail is cut). */
  #keep(b: Uint8Array, from: number, to: number): void {
    const room = this.#carry.length - this.#carryLen;
    const n = Math.min(room, to - from);
    this.#carry.set(b.subarray(from, from + n), this.#carryLen);
    this.#carryLen += n;
  }
}

/** What a {@linkcode TurnWriter} writes to. */
export interface WriteTarget {
  /** The connection, once open. */
  readonly conn: Deno.TcpConn | undefined;
  /** Whether it is closed: nothing more is written. */
  readonly closed: boolean;
  /** A write failed. */
  writeFailed(e: unknown): void;
  /** Text made as a write begins, added to it (messages stamped with the write's time). */
  beforeWrite(): string;
}

const encoder = new TextEncoder();

/** An output written once at the end of the event loop's turn. */
export interface TurnOutput {
  /** Whether it waits for the turn's end. */
  dirty: boolean;
  /** Writes what it gathered. */
  flush(): void;
}

const dirty: TurnOutput[] = [];
let flushQueued = false;

function flushAll(): void {
  flushQueued = false;
  for (const w of dirty.splice(0)) {
    w.dirty = false;
    w.flush();
  }
}

/** Has `out` flushed at the end of this turn, with every other output of the process. */
export function flushAtTurnEnd(out: TurnOutput): void {
  if (out.dirty) return;
  out.dirty = true;
  dirty.push(out);
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(flushAll);
  }
}

/**
 * Gathers the text sent in one turn of the event loop, over every writer of
 * the process, into one write per connection at the turn's end; a write
 * still going gathers what comes meanwhile into the next.
 */
export class TurnWriter implements TurnOutput {
  readonly #target: WriteTarget;
  #out = "";
  #writing = false;
  /** Whether it waits for the turn's end. */
  dirty = false;

  /**
   * A writer with nothing gathered.
   *
   * @param target The connection written to.
   */
  constructor(target: WriteTarget) {
    this.#target = target;
  }

  /** Adds `text` to this turn's write. */
  send(text: string): void {
    this.#out += text;
    flushAtTurnEnd(this);
  }

  /** Writes what was gathered, unless a write is going (it writes the rest when it ends). */
  flush(): void {
    const t = this.#target;
    if (this.#writing || t.closed || t.conn === undefined) return;
    this.#out += t.beforeWrite();
    if (this.#out === "") return;
    const bytes = encoder.encode(this.#out);
    this.#out = "";
    this.#writing = true;
    void this.#write(t.conn, bytes);
  }

  async #write(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
    try {
      let at = 0;
      while (at < bytes.length) at += await conn.write(bytes.subarray(at));
    } catch (e) {
      this.#target.writeFailed(e);
    }
    this.#writing = false;
    // What was sent meanwhile, and what its target makes now (see beforeWrite).
    this.flush();
  }
}
