/**
 * One client's session, from the nickname prompt to its departure: the
 * nickname phase (S4, S10, `registration.ts`), then each line dispatched
 * through the command table (`commands.ts`), with flood control (L4), the
 * nickname timeout (L6) and a deadline on every room call.
 *
 * @module
 */

import type { Role } from "../protocol.ts";
import type { Outgoing } from "./room/message.ts";
import { parseCommand } from "../wire/commands.ts";
import { type Caller, dispatch, type SessionHost } from "./commands.ts";
import type { CloseCause, Connection, ConnectionOwner, InputEvent } from "./connection.ts";
import { FloodGate } from "./flow.ts";
import { byeReply, CLOSE_LINES, Reply } from "./replies.ts";
import { bounded, type Member, type RemovalReason, RoomTimeout } from "./room/room.ts";
import { register, type Registrant } from "./registration.ts";
import { errorName } from "./log.ts";
import { Pipeline } from "./pipeline.ts";

/** How long a closing client's last lines may take to leave, in milliseconds. */
export const CLOSE_DRAIN_MS = 2_000;

/** L4-like limit on guessing the teacher's token (C2): the try that closes the connection. */
export const MAX_TOKEN_TRIES = 5;

/** One client: its connection, and once registered, its place in the room. */
export class Session implements Member, Caller, ConnectionOwner, Registrant {
  /** Unique in the room: this node's connection number. */
  readonly id: string;
  /** The nickname, once one is being joined or was accepted. */
  nick = "";
  /** Who may use the teacher's commands. */
  role: Role = "anyone";
  /** Whether the teacher muted this user (C3). */
  muted = false;
  /** The connection. */
  readonly c: Connection;
  /** The server. */
  readonly host: SessionHost;
  #joined = false;
  #timer: unknown;
  #wrongTokens = 0;
  /** P4: with a remote room, messages in flight without waiting for each round trip. */
  #pipe: Pipeline | undefined;

  /**
   * @param c The client's connection, admitted.
   * @param host The server.
   * @param idPrefix What makes ids unique beyond this node (a node name).
   */
  constructor(c: Connection, host: SessionHost, idPrefix = "") {
    this.c = c;
    this.host = host;
    this.id = `${idPrefix}${c.id}`;
    c.owner = this;
    if (host.room.remote) this.#pipe = new Pipeline(this);
  }

  /** Whether the session is in the room. */
  get joined(): boolean {
    return this.#joined;
  }

  /** The client's IP address. */
  get ip(): string {
    return this.c.ip;
  }

  /** `IP:port nick`, for logs. */
  get who(): string {
    return `${this.c.peer} ${this.nick}`;
  }

  /** The session as a member of the room (for the commands). */
  get member(): Member {
    return this;
  }

  /** Part of {@linkcode ConnectionOwner}: a client that does not read is dropped (L7). */
  overflowed(): void {
    void this.end("queueFull");
  }

  /** The teacher removed this user (C3), or its nickname was lost (N5): the connection closes. */
  remove(reason: RemovalReason = "kicked"): void {
    void this.end(reason);
  }

  /** Counts a wrong teacher's token (C2); the last allowed try closes the connection. */
  wrongToken(): void {
    if (++this.#wrongTokens >= MAX_TOKEN_TRIES) void this.end("tooManyTries");
    else this.send(Reply.badToken);
  }

  /** Queues a room message for the client (see {@linkcode Member.deliver}). */
  deliver(message: Outgoing, lazy?: boolean): boolean {
    return this.c.send(message.bytes, lazy, true);
  }

  /** Queues bytes for the client. */
  send(bytes: Uint8Array): void {
    this.c.send(bytes);
  }

  /**
   * Waits for a room call, at most the room deadline (a stuck engine delays
   * this session only).
   * @throws {RoomTimeout} When the deadline passes.
   */
  call<T>(call: Promise<T>, what: string): Promise<T>;
  call<T>(call: T | Promise<T>, what: string): T | Promise<T>;
  call<T>(call: T | Promise<T>, what: string): T | Promise<T> {
    return bounded(this.host.room, call, this.host.limits.roomDeadlineMs, what);
  }

  /** Says goodbye and leaves once the goodbye is written (S7). */
  quit(bye: Uint8Array): void {
    this.c.cause ??= "quit";
    this.c.sendFinal(bye);
  }

  /** Ends the session from the server's side, telling the client why. */
  end(cause: CloseCause): Promise<void> {
    return this.c.end(cause, CLOSE_LINES[cause], CLOSE_DRAIN_MS);
  }

  /**
   * Runs the session until the client leaves or is dropped; never rejects.
   * @param nickTimeoutMs How long the client has to choose a nickname (L6).
   */
  async run(nickTimeoutMs: number = this.host.limits.nickTimeoutMs): Promise<void> {
    const { c, host } = this;
    const limits = host.limits;
    this.#timer = limits.timers.setTimeout(() => void this.end("nickTimeout"), nickTimeoutMs);
    // L4 per connection, L10 per address: one budget shared by the address's connections.
    const shared = limits.ipFloodBurst > 0 ? host.budgets.of(c.ip).lines : undefined;
    const gate = limits.floodBurst > 0 || shared !== undefined
      ? new FloodGate(limits.floodBurst, limits.floodRate, Reply.flood, shared, limits.timers)
      : undefined;
    try {
      c.send(Reply.prompt);
      await c.readLines((ev) => {
        // L4: every line counts, answered with an error or not.
        if (gate === undefined || (ev.kind === "line" && ev.text === "")) return this.#line(ev);
        const open = gate.pass(c);
        return open === true ? this.#line(ev) : open.then((ok) => ok ? this.#line(ev) : undefined);
      });
    } catch (e) {
      // A read cut short because a write found the peer gone is a reset too.
      c.cause ??= e instanceof Deno.errors.ConnectionReset || c.closing ? "reset" : "error";
      if (c.cause === "error") {
        host.socketError();
        host.log(`error ${c.peer}: ${errorName(e)}`);
      }
    } finally {
      this.host.limits.timers.clearTimeout(this.#timer);
      c.cause ??= "eof";
      // The lines already read get their replies before the member leaves (P4).
      await this.#pipe?.drain();
      if (this.#joined) {
        this.#joined = false;
        host.registered(this, false);
        const removed = c.cause === "kicked";
        await this.call(host.room.leave(this, removed), "leave").catch((e) =>
          host.log(`leave of ${this.nick} not recorded by the room: ${errorName(e)}`)
        );
      }
      host.log(`leave ${c.peer}${this.nick ? ` ${this.nick}` : ""} (${c.cause})`);
      // L12: the session ends here; a graceful close drains the socket on its own, within its
      // bound (the server waits for it through `c.gone`, not the room or the admission slot).
      void c.close(c.cause === "quit" ? CLOSE_DRAIN_MS : 0);
    }
  }

  #line(ev: InputEvent): void | Promise<void> {
    const pipe = this.#pipe;
    if (pipe === undefined) return this.#lineNow(ev);
    if (this.c.closing) return;
    // P4: a message starts now and replies in its turn; any other line waits for them.
    if (this.#joined && ev.kind === "line") {
      const cmd = parseCommand(ev.text);
      if (cmd.kind === "public" || cmd.kind === "private") {
        return pipe.start((caller) => {
          const done = dispatch(caller, cmd);
          return done && done.catch((e) => this.roomFailed(e));
        });
      }
    }
    const busy = pipe.drain();
    return busy === undefined ? this.#lineNow(ev) : busy.then(() => this.#lineNow(ev));
  }

  #lineNow(ev: InputEvent): void | Promise<void> {
    if (this.c.closing) return;
    if (ev.kind === "tooLong") return this.send(Reply.lineTooLong);
    if (ev.kind === "notAscii") return this.send(Reply.notAscii);
    if (ev.kind === "oneLine") return this.send(Reply.oneLine);
    if (ev.kind === "areYouThere") return this.send(Reply.alive);
    // Ctrl+C in telnet (IAC IP): the user leaves, as with {quit} (S7).
    if (ev.kind === "interrupt") return this.quit(this.#joined ? byeReply(this.nick) : Reply.bye);
    if (!this.#joined) return register(this, ev.text);
    const done = dispatch(this, parseCommand(ev.text));
    return done && done.catch((e) => this.roomFailed(e));
  }

  /** Part of {@linkcode Registrant}: the room took the nickname; from now on lines are commands. */
  entered(): void {
    this.#joined = true;
    this.host.limits.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.host.registered(this, true);
    this.host.log(`nick ${this.c.peer} ${this.nick}`);
  }

  /** A room call failed or passed its deadline: the client is told and dropped. */
  roomFailed(e: unknown): Promise<void> {
    this.host.log(`room ${e instanceof RoomTimeout ? "timeout" : "error"}: ${errorName(e)}`);
    return this.end("roomUnavailable");
  }
}
