/**
 * One TCP connection to Redis speaking RESP (issue 23), as long as it
 * lasts: its commands pipelined, each encoded once and everything queued
 * meanwhile sent in one write, their replies read with `resp.ts` and taken
 * in order. When it fails or Redis ends it, it says so once; who holds it
 * (`lane.ts`) closes it, failing the commands still waiting, and makes a
 * new one.
 *
 * @module
 */

import { encodeCommand, RedisReplyError, ReplyReader } from "./resp.ts";

interface Waiting {
  resolve(reply: unknown): void;
  reject(e: unknown): void;
}

/** One connection's pipeline of commands and replies. */
export class RespConn {
  /** Resolves when the connection's reading has ended. */
  readonly reading: Promise<void>;
  readonly #conn: Deno.TcpConn;
  readonly #lost: (why: unknown) => void;
  #waiting: Waiting[] = [];
  #head = 0;
  #out: Uint8Array[] = [];
  #writing = false;
  #closed = false;
  /** Why it was closed. */
  #why: unknown;

  /**
   * Starts reading the replies.
   *
   * @param conn The connection, open.
   * @param lost Called once reading or writing failed, or Redis ended the connection.
   */
  constructor(conn: Deno.TcpConn, lost: (why: unknown) => void) {
    this.#conn = conn;
    this.#lost = lost;
    this.reading = this.#read();
  }

  /** Sends one command: its reply, in order; rejects with an error reply, or when the connection goes. */
  send(args: readonly string[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#why);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#out.push(encodeCommand(args));
      if (!this.#writing) void this.#write();
    });
  }

  /** Closes the connection: the commands waiting fail with `why`. */
  close(why: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#why = why;
    this.#out = [];
    const waiting = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const w of waiting) w.reject(why);
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
  }

  /** Writes what is queued, everything queued meanwhile in one write. */
  async #write(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#out.length > 0 && !this.#closed) {
        const parts = this.#out;
        this.#out = [];
        let bytes = parts[0]!;
        if (parts.length > 1) {
          bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            bytes.set(p, at);
            at += p.length;
          }
        }
        for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
      }
    } catch (e) {
      if (!this.#closed) this.#lost(e);
    } finally {
      this.#writing = false;
    }
  }

  async #read(): Promise<void> {
    const reader = new ReplyReader();
    const buf = new Uint8Array(64 * 1024);
    let why: unknown = new Error("Redis closed the connection");
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        for (const reply of reader.push(buf.subarray(0, n))) {
          const w = this.#waiting[this.#head++];
          if (this.#head === this.#waiting.length) {
            this.#waiting = [];
            this.#head = 0;
          }
          if (w === undefined) continue;
          if (reply instanceof RedisReplyError) w.reject(reply);
          else w.resolve(reply);
        }
      }
    } catch (e) {
      why = e;
    }
    if (!this.#closed) this.#lost(why);
  }
}
