/**
 * What the node does with each entry its reader brings (N1, N4): room
 * events to this node's members and to the room's listeners, private
 * messages to their target and an answer to the sender's node, answers to
 * this node's own private messages, and removals asked by the teacher on
 * another node.
 *
 * @module
 */

import type { Timers } from "../../../common/time.ts";
import type { ServerMessage } from "../message.ts";
import { Outgoing } from "../message.ts";
import { errorName } from "../../log.ts";
import {
  type Entry,
  inboxEvent,
  notAfter,
  type Public,
  type RoomEvent,
  roomEvent,
} from "./events.ts";
import { Run } from "./run.ts";
import { Crowd, type CrowdMember } from "../crowd.ts";

/** A member of another node, as the crowd sees the one who joined or left. */
const NOBODY = { deliver: () => false };
import type { LocalMembers } from "./members.ts";
import type { Store } from "./store.ts";
import { nickKey } from "../../../wire/commands.ts";

/** Routes what the streams bring. */
export class Router {
  readonly #members: LocalMembers;
  readonly #store: Store;
  readonly #log: (line: string) => void;
  readonly #listeners = new Set<(message: ServerMessage) => void>();
  readonly #crowd: Crowd<CrowdMember>;
  /** How many are online on every node, as the last join or leave entry said. */
  #online = 0;
  /** Called (with the entry's id) when the stream says a member this node holds left unasked. */
  onLostMember: ((at: string) => void) | undefined;

  /**
   * @param members This node's members.
   * @param store The room in Redis (for answers).
   * @param log Writes a log line.
   * @param crowd P1: when joins and leaves are summarized, how often, and the summaries' timers.
   */
  constructor(
    members: LocalMembers,
    store: Store,
    log: (line: string) => void,
    crowd: { threshold: number; intervalMs: number; timers?: Timers } = {
      threshold: 0,
      intervalMs: 1000,
    },
  ) {
    this.#members = members;
    this.#store = store;
    this.#log = log;
    this.#crowd = new Crowd<CrowdMember>({
      ...crowd,
      members: () => members.values(),
      size: () => this.#online,
    });
  }

  /** Stops the summaries' timer (the node stops). */
  close(): void {
    this.#crowd.close();
  }

  /**
   * P1: a join or leave told to this node's members; summarized, as on one
   * node, when the whole room is large (the count the entry carries).
   */
  #notice(message: Extract<ServerMessage, { kind: "joined" | "left" }>, id: string): void {
    const crowd = this.#crowd;
    if (message.kind === "joined") {
      const joining = this.#members.joining(id);
      if (joining !== undefined) crowd.entered(joining);
    }
    if (crowd.summarizing) crowd.notice(message, this.#members.get(id) ?? { id, ...NOBODY });
    else this.#members.deliver(message, id, true);
  }

  /** Adds a listener of every message to everyone (C5); returns its removal. */
  subscribe(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Handles one read: the room's entries and the inbox's, in the order they
   * were added (P4, N1: by their whole ids, milliseconds then sequence, which
   * the scripts take from one clock for every stream; `notAfter`), so that a
   * sender's public and private messages come in the order sent, and what
   * follows a private message's `OK` comes after it. Public messages one
   * after the other go out together, as one run (P4).
   */
  handle(events: readonly Entry[], inbox: readonly Entry[]): void {
    let run: Run | undefined;
    let next = 0;
    for (const [id, fields] of events) {
      if (next < inbox.length && notAfter(inbox[next]![0], id)) {
        if (run !== undefined) this.#members.deliverRun(run);
        run = undefined;
        while (next < inbox.length && notAfter(inbox[next]![0], id)) this.#inbox(inbox[next++]![1]);
      }
      const e = roomEvent(fields);
      if (e === undefined) continue;
      if (e.t === "publics") {
        run ??= new Run();
        for (const m of e.messages) this.#public(run, m);
        continue;
      }
      if (e.t === "public") {
        this.#public(run ??= new Run(), e);
        continue;
      }
      if (run !== undefined) this.#members.deliverRun(run);
      run = undefined;
      this.#room(e, id);
    }
    if (run !== undefined) this.#members.deliverRun(run);
    while (next < inbox.length) this.#inbox(inbox[next++]![1]);
  }

  /** Adds a public message to the run and tells the listeners (C5). */
  #public(run: Run, m: Public): void {
    const out = run.add(m.id, m.from, m.text);
    for (const listener of this.#listeners) listener(out.message);
  }

  /** Every other entry of the room's stream (public messages go in runs: {@linkcode handle}). */
  #room(e: Exclude<RoomEvent, { t: "public" | "publics" }>, at: string): void {
    let message: ServerMessage;
    switch (e.t) {
      case "joined":
        message = { kind: "joined", nick: e.nick };
        if (e.online !== undefined) this.#online = e.online;
        this.#notice(message, e.id);
        this.#members.joined(e.id);
        break;
      case "left": {
        message = { kind: "left", nick: e.nick, removed: e.removed };
        if (e.online !== undefined) this.#online = e.online;
        const mine = this.#members.get(e.id);
        this.#notice(message, e.id);
        // This node still holds the member: another node took this one for dead (N3, N5).
        if (mine !== undefined) this.onLostMember?.(at);
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
      case "whisper":
        for (const w of e.messages) {
          const delivered = this.#members.get(w.id)?.deliver(
            new Outgoing({ kind: "private", from: w.from, text: w.text }),
          ) ?? false;
          // The sender had its OK (P4): only a target gone meanwhile is told back.
          if (delivered) continue;
          this.#store.ack(e.replyTo, w.req, false, w.to).catch((err) =>
            this.#log(`redis: a private message's target gone, not told: ${errorName(err)}`)
          );
        }
        return;
      case "ack":
        if (!e.delivered) {
          this.#members.get(e.req)?.deliver(new Outgoing({ kind: "notDelivered", nick: e.to }));
        }
        return;
      case "kick":
        this.#members.get(e.id)?.remove();
        return;
    }
  }
}
