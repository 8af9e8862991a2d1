/**
 * What the node does with each entry its reader brings (N1, N4): room
 * events to this node's members and to the room's listeners, private
 * messages to their target and an answer to the sender's node, answers to
 * this node's own private messages, and removals asked by the teacher on
 * another node.
 *
 * @module
 */

import type { ServerMessage } from "../message.ts";
import { Outgoing } from "../message.ts";
import { errorName } from "../../log.ts";
import { type Entry, inboxEvent, roomEvent } from "./events.ts";
import type { LocalMembers } from "./members.ts";
import type { Store } from "./store.ts";
import { nickKey } from "../../../wire/commands.ts";

/** A private message of this node waiting for its target's node to answer. */
interface Waiting {
  resolve(delivered: boolean): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Routes what the streams bring. */
export class Router {
  readonly #members: LocalMembers;
  readonly #store: Store;
  readonly #log: (line: string) => void;
  readonly #listeners = new Set<(message: ServerMessage) => void>();
  readonly #waiting = new Map<string, Waiting>();
  #req = 0;
  /** Called when the stream says a member this node holds left without this node asking. */
  onLostMember: (() => void) | undefined;

  /**
   * @param members This node's members.
   * @param store The room in Redis (for answers).
   * @param log Writes a log line.
   */
  constructor(members: LocalMembers, store: Store, log: (line: string) => void) {
    this.#members = members;
    this.#store = store;
    this.#log = log;
  }

  /** Adds a listener of every message to everyone (C5); returns its removal. */
  subscribe(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Registers a private message before it is sent.
   * @param ms How long its target's node has to answer.
   * @returns Its request id, and a promise of whether it was delivered.
   */
  awaitAnswer(ms: number): { req: string; answer: Promise<boolean> } {
    const req = String(++this.#req);
    const answer = new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(req);
        reject(new Error(`the target's node did not answer within ${ms} ms`));
      }, ms);
      this.#waiting.set(req, { resolve, reject, timer });
    });
    return { req, answer };
  }

  /** Gives up a private message that was never sent. */
  forget(req: string): void {
    const w = this.#waiting.get(req);
    if (w === undefined) return;
    clearTimeout(w.timer);
    this.#waiting.delete(req);
  }

  /** Every private message waiting fails (the broker is away, or the node stops). */
  failAll(why: string): void {
    for (const [req, w] of this.#waiting) {
      clearTimeout(w.timer);
      this.#waiting.delete(req);
      w.reject(new Error(why));
    }
  }

  /** Handles one read: the room's entries, then the inbox's. */
  handle(events: readonly Entry[], inbox: readonly Entry[]): void {
    for (const [, fields] of events) this.#room(fields);
    for (const [, fields] of inbox) this.#inbox(fields);
  }

  #room(fields: readonly string[]): void {
    const e = roomEvent(fields);
    if (e === undefined) return;
    let message: ServerMessage;
    switch (e.t) {
      case "public":
        message = { kind: "public", from: e.from, text: e.text };
        this.#members.deliver(message, e.id, false);
        break;
      case "joined":
        message = { kind: "joined", nick: e.nick };
        this.#members.deliver(message, e.id, true);
        this.#members.joined(e.id);
        break;
      case "left": {
        message = { kind: "left", nick: e.nick, removed: e.removed };
        const mine = this.#members.get(e.id);
        this.#members.deliver(message, e.id, true);
        // This node still holds the member: another node took this one for dead (N3, N5).
        if (mine !== undefined) this.onLostMember?.();
        break;
      }
      case "notice":
        message = { kind: "notice", notice: e.notice, arg: e.arg };
        this.#members.deliver(message, undefined, false);
        break;
      case "mute": {
        const m = this.#members.byNick(e.key);
        if (m !== undefined && nickKey(m.nick) === e.key) m.muted = e.on;
        return;
      }
    }
    for (const listener of this.#listeners) listener(message);
  }

  #inbox(fields: readonly string[]): void {
    const e = inboxEvent(fields);
    switch (e?.t) {
      case "whisper": {
        const target = this.#members.get(e.id);
        const delivered = target?.deliver(
          new Outgoing({ kind: "private", from: e.from, text: e.text }),
        ) ?? false;
        this.#store.ack(e.replyTo, e.req, delivered).catch((err) =>
          this.#log(`redis: answer to a private message not sent: ${errorName(err)}`)
        );
        return;
      }
      case "ack": {
        const w = this.#waiting.get(e.req);
        if (w === undefined) return;
        clearTimeout(w.timer);
        this.#waiting.delete(e.req);
        w.resolve(e.delivered);
        return;
      }
      case "kick":
        this.#members.get(e.id)?.remove();
        return;
    }
  }
}
