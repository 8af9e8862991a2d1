/**
 * A plain RESP connection to Redis over `Deno.connect` (issue 23), for the
 * node's two busiest connections: its batches of members' messages and its
 * blocking stream read. Each carries few commands, each with much in it,
 * so what matters is what a command costs in the node: here one string
 * encoded once and one write, and the reply read with `resp.ts`, without
 * the Node streams that node-redis writes and reads through. The commands
 * on it are pipelined, their replies taken in order. Like the node-redis
 * connections (`link.ts`): connecting has a deadline; once connected, a lost
 * connection is said once and made anew every {@linkcode RECONNECT_MS}, and
 * a command fails at once while it is away.
 *
 * @module
 */

import { errorName } from "../../log.ts";
import { type Client, type LinkEvents, RECONNECT_MS, RedisConnectError } from "./link.ts";
import { encodeCommand, RedisReplyError, ReplyReader } from "./resp.ts";

/** Which connection a lane is, in the events. */
export type LaneName = "batches" | "reader";

interface Waiting {
  resolve(reply: unknown): void;
  reject(e: unknown): void;
}

/** One plain connection to Redis, made anew when lost, until destroyed. */
export class Lane implements Client {
  readonly #url: URL;
  readonly #which: LaneName;
  readonly #events: LinkEvents;
  readonly #hello: readonly (readonly string[])[];
  #conn: Deno.TcpConn | undefined;
  #waiting: Waiting[] = [];
  #head = 0;
  #out: Uint8Array[] = [];
  /** The connection a write loop runs on, if one does. */
  #writer: Deno.TcpConn | undefined;
  #destroyed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    url: URL,
    which: LaneName,
    events: LinkEvents,
    hello: readonly (readonly string[])[],
  ) {
    this.#url = url;
    this.#which = which;
    this.#events = events;
    this.#hello = hello;
  }

  /**
   * Connects, giving up after `ms`.
   *
   * @param url The Redis URL (`redis://[USER:PASSWORD@]HOST:PORT[/DB]`).
   * @param which Which connection, for the events.
   * @param ms The deadline.
   * @param events Who is told of losses and recoveries.
   * @param hello Commands sent first on each connection, before any other
   *   (`SCRIPT LOAD`: a script is known before the first command that runs it,
   *   so no command of a pipeline waits to be sent again while a later one runs).
   * @returns The connected lane.
   * @throws {RedisConnectError} When Redis does not answer in time or refuses.
   */
  static async connect(
    url: string,
    which: LaneName,
    ms: number,
    events: LinkEvents,
    hello: readonly (readonly string[])[] = [],
  ): Promise<Lane> {
    const lane = new Lane(new URL(url), which, events, hello);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const opening = lane.#open();
    try {
      await Promise.race([
        opening,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
        }),
      ]);
    } catch (e) {
      lane.destroy();
      opening.catch(() => {});
      const why = e instanceof Error ? e.message : String(e);
      throw new RedisConnectError(`Cannot reach Redis at ${url}: ${why}`);
    } finally {
      clearTimeout(timer);
    }
    return lane;
  }

  /** Whether it is connected (commands are sent, not refused). */
  get isReady(): boolean {
    return this.#conn !== undefined;
  }

  /** Sends one command; rejects at once while the connection is away. */
  sendCommand(args: readonly string[]): Promise<unknown> {
    if (this.#conn === undefined) {
      return Promise.reject(new Error(`the ${this.#which} connection to Redis is away`));
    }
    return this.#send(this.#conn, encodeCommand(args));
  }

  /** Drops the connection for good; the commands waiting fail. */
  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#timer);
    this.#lost(new Error("the connection was closed"));
  }

  #send(conn: Deno.TcpConn, bytes: Uint8Array): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#out.push(bytes);
      if (this.#writer !== conn) void this.#write(conn);
    });
  }

  /** Writes what is queued, everything queued meanwhile in one write. */
  async #write(conn: Deno.TcpConn): Promise<void> {
    this.#writer = conn;
    try {
      while (this.#out.length > 0 && this.#conn === conn) {
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
        for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
      }
    } catch (e) {
      if (this.#conn === conn) this.#lost(e);
    } finally {
      if (this.#writer === conn) this.#writer = undefined;
    }
  }

  /** Connects, authenticates and selects the database of the URL; then reads replies. */
  async #open(): Promise<void> {
    const url = this.#url;
    const conn = await Deno.connect({
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 6379),
    });
    if (this.#destroyed) {
      conn.close();
      throw new Error("the connection was closed");
    }
    conn.setNoDelay(true);
    this.#conn = conn;
    const reading = this.#read(conn);
    const hello: Promise<unknown>[] = [];
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    if (password !== "") {
      hello.push(
        this.#send(conn, encodeCommand(user ? ["AUTH", user, password] : ["AUTH", password])),
      );
    }
    const db = url.pathname.replace(/^\//, "");
    if (db !== "" && db !== "0") hello.push(this.#send(conn, encodeCommand(["SELECT", db])));
    for (const command of this.#hello) hello.push(this.#send(conn, encodeCommand(command)));
    try {
      await Promise.all(hello);
    } catch (e) {
      if (this.#conn === conn) this.#lost(e);
      await reading;
      throw e;
    }
  }

  async #read(conn: Deno.TcpConn): Promise<void> {
    const reader = new ReplyReader();
    const buf = new Uint8Array(64 * 1024);
    let why: unknown = new Error("Redis closed the connection");
    try {
      for (;;) {
        const n = await conn.read(buf);
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
    if (this.#conn === conn) this.#lost(why);
  }

  /** The connection is gone: the commands waiting fail; said once, and made anew. */
  #lost(why: unknown): void {
    const conn = this.#conn;
    this.#conn = undefined;
    this.#out = [];
    const waiting = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const w of waiting) w.reject(why);
    if (conn !== undefined) {
      try {
        conn.close();
      } catch {
        // closed already
      }
      if (!this.#destroyed) this.#events.down(this.#which, errorName(why));
    }
    if (!this.#destroyed) this.#retry();
  }

  #retry(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#open().then(
        () => this.#events.up(this.#which),
        () => {
          if (!this.#destroyed && this.#conn === undefined && this.#timer === undefined) {
            this.#retry();
          }
        },
      );
    }, RECONNECT_MS);
  }
}
