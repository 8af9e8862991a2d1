/**
 * A plain RESP connection to Redis over `Deno.connect` (issue 23), for the
 * node's two busiest connections: its batches of members' messages and its
 * blocking stream read. Each carries few commands, each with much in it,
 * so what matters is what a command costs in the node: here one string
 * encoded once and one write, and the reply read with `resp.ts`, without
 * the Node streams that node-redis writes and reads through. The commands
 * on it are pipelined, their replies taken in order (`resp_conn.ts`, one
 * connection as long as it lasts); this is the lane that outlives its
 * connections: it opens each one (authenticated, the database selected,
 * its first commands sent) and makes it anew when it is lost. Like the node-redis
 * connections (`link.ts`): connecting has a deadline; once connected, a lost
 * connection is said once and made anew every {@linkcode RECONNECT_MS}, and
 * a command fails at once while it is away.
 *
 * @module
 */

import { errorName } from "../../log.ts";
import { type Client, type LinkEvents, RECONNECT_MS, RedisConnectError } from "./link.ts";
import { RespConn } from "./resp_conn.ts";

/** Which connection a lane is, in the events. */
export type LaneName = "batches" | "reader";

/** The commands that open a connection to `url`: its password and its database. */
function opening(url: URL): string[][] {
  const commands: string[][] = [];
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (password !== "") commands.push(user ? ["AUTH", user, password] : ["AUTH", password]);
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && db !== "0") commands.push(["SELECT", db]);
  return commands;
}

/** One plain connection to Redis, made anew when lost, until destroyed. */
export class Lane implements Client {
  readonly #url: URL;
  readonly #which: LaneName;
  readonly #events: LinkEvents;
  readonly #hello: readonly (readonly string[])[];
  /** The connection, while there is one. */
  #conn: RespConn | undefined;
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
    return this.#conn.send(args);
  }

  /** Drops the connection for good; the commands waiting fail. */
  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#timer);
    this.#lost(new Error("the connection was closed"));
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
    const resp: RespConn = new RespConn(conn, (why) => {
      if (this.#conn === resp) this.#lost(why);
    });
    this.#conn = resp;
    try {
      await Promise.all([...opening(url), ...this.#hello].map((command) => resp.send(command)));
    } catch (e) {
      if (this.#conn === resp) this.#lost(e);
      await resp.reading;
      throw e;
    }
  }

  /** The connection is gone: the commands waiting fail; said once, and made anew. */
  #lost(why: unknown): void {
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn !== undefined) {
      conn.close(why);
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
