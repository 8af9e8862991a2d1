/**
 * What a probe's connection brought, kept whole: every byte as it came, the
 * text with telnet negotiation taken out (`telnet_split.ts`), positions in
 * it, and waits for what a check expects, each bounded by the check's
 * deadline.
 *
 * Positions are byte offsets in the text ({@linkcode Received.mark}), so a
 * check can look only at what came after it sent something.
 *
 * @module
 */

import { TelnetSplitter } from "./telnet_split.ts";
import { splitLines } from "../wire/line_splitter.ts";

/**
 * The most bytes one connection keeps. A student's server that never stops
 * sending (a common bug) ends the probe there, instead of filling the
 * teacher's memory: the check then fails on what it saw.
 */
export const MAX_RECEIVED_BYTES = 256 * 1024;

/** Everything received on one connection, and the waits on it. */
export class Received {
  readonly #deadline: number;
  readonly #telnet = new TelnetSplitter();
  readonly #data: number[] = [];
  readonly #raw: number[] = [];
  readonly #wakers = new Set<() => void>();
  #lastByteAt = performance.now();
  #done = false;
  #flooded = false;

  /** @param deadline `performance.now()` after which every wait gives up at once. */
  constructor(deadline: number) {
    this.#deadline = deadline;
  }

  /** Every telnet sequence received (`IAC ...`), in order. */
  get negotiation(): number[][] {
    return this.#telnet.negotiation;
  }

  /** Whether the server sent more than {@linkcode MAX_RECEIVED_BYTES}: reading stopped there. */
  get flooded(): boolean {
    return this.#flooded;
  }

  /** Whether no more bytes will come (the connection ended, or reading stopped). */
  get done(): boolean {
    return this.#done;
  }

  /** Keeps bytes that came, and wakes the waits. */
  take(chunk: Uint8Array): void {
    if (this.#done) return;
    if (this.#raw.length + chunk.length > MAX_RECEIVED_BYTES) {
      this.#flooded = true;
      return this.end();
    }
    this.#lastByteAt = performance.now();
    for (const b of chunk) this.#raw.push(b);
    this.#telnet.split(chunk, this.#data);
    this.#wake();
  }

  /** No more bytes will come: every wait ends now. */
  end(): void {
    this.#done = true;
    this.#wake();
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

  /** Every byte received, telnet sequences included. */
  raw(from = 0): Uint8Array {
    return Uint8Array.from(this.#raw.slice(from));
  }

  /** How many bytes were received in all, telnet sequences included. */
  rawMark(): number {
    return this.#raw.length;
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

  /**
   * Waits until `ok()` holds, checking each time bytes arrive.
   *
   * @param ok The condition.
   * @param ms The most milliseconds to wait (the deadline may cut it shorter).
   * @returns Whether it holds; `false` when time ran out or the bytes ended first.
   */
  until(ok: () => boolean, ms: number): Promise<boolean> {
    if (ok()) return Promise.resolve(true);
    const limit = Math.min(ms, this.#deadline - performance.now());
    if (limit <= 0 || this.#done) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(ok());
      };
      const wake = (): void => {
        if (ok() || this.#done) done();
      };
      const timer = setTimeout(done, limit);
      this.#wakers.add(wake);
    });
  }

  /**
   * Waits until nothing has arrived for `ms` milliseconds, counted from now
   * or from the last byte, whichever is later.
   *
   * @param ms The silence that ends the wait.
   * @param max The most milliseconds to wait in all.
   * @default {ms * 10}
   */
  async quiet(ms: number, max: number = ms * 10): Promise<void> {
    const start = performance.now();
    const end = Math.min(start + max, this.#deadline);
    while (!this.#done) {
      const now = performance.now();
      const idle = now - Math.max(start, this.#lastByteAt);
      if (idle >= ms || now >= end) return;
      await sleep(Math.min(ms - idle, end - now));
    }
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
