/**
 * The room's state in Redis, as typed calls (N1-N4): each call is one
 * script or one command, so each change is atomic. This module knows the
 * replies' shapes; it keeps no state of its own but the names. The
 * teacher's calls are its part {@linkcode ModerationStore}
 * (`moderation_store.ts`); how a call reaches Redis is `calls.ts`.
 *
 * @module
 */

import { ENTRY_LIST_MAX } from "../../../protocol.ts";
import { nickKey } from "../../../wire/commands.ts";
import type { HistoryItem } from "../message.ts";
import type { Member, WhisperResult } from "../room.ts";
import { type Answer, Batcher } from "./batch.ts";
import { RedisCalls } from "./calls.ts";
import { ackFields, historyItem } from "./events.ts";
import type { Keys } from "./keys.ts";
import { ModerationStore } from "./moderation_store.ts";
import type { Scripts, Send } from "./scripts.ts";

/** What the join script answers. */
export type JoinReply =
  | { readonly kind: "noLease" }
  | { readonly kind: "taken" }
  | {
    readonly kind: "joined";
    readonly muted: boolean;
    readonly total: number;
    readonly first: string[];
    readonly history: HistoryItem[];
  };

/**
 * What the batch script answered for a private message (P4): `r`, in its
 * target's node's inbox (this node's own included: delivered from there,
 * in order with the room's stream); `t`, the target is not the teacher;
 * anything else (`n`), no such user.
 *
 * @example
 * ```ts
 * import { whisperResult } from "./store.ts";
 * import assert from "node:assert/strict";
 * assert.equal(whisperResult("r"), "sent");
 * assert.equal(whisperResult("t"), "notTeacher");
 * assert.equal(whisperResult("n"), "noSuchUser");
 * ```
 */
export function whisperResult(answer: string): WhisperResult {
  switch (answer) {
    case "r":
      return "sent";
    case "t":
      return "notTeacher";
  }
  return "noSuchUser";
}

/**
 * A field of a batch's record: a line feed would end it early, and none comes
 * in a line (the doors split lines at it); should one come anyway, it goes as a space.
 */
function oneLine(s: string): string {
  return s.includes("\n") ? s.replaceAll("\n", " ") : s;
}

/** The room's state in Redis, for one node. */
export class Store {
  readonly #calls: RedisCalls;
  readonly #batch: Batcher;
  /** This node's name in Redis (its lease, its inbox). */
  readonly node: string;
  /** The teacher's calls (C2, C3, N4). */
  readonly moderation: ModerationStore;

  /** The key names. */
  get keys(): Keys {
    return this.#calls.keys;
  }

  /**
   * @param send How to send a command.
   * @param scripts The scripts.
   * @param keys The key names.
   * @param node This node's name in Redis.
   * @param sendBatch How to send the batches of members' messages (issue 23:
   *   a connection of their own, `lane.ts`). @default {send}
   */
  constructor(send: Send, scripts: Scripts, keys: Keys, node: string, sendBatch: Send = send) {
    const calls = new RedisCalls(send, scripts, keys);
    this.#calls = calls;
    this.node = node;
    this.moderation = new ModerationStore(calls, node);
    this.#batch = new Batcher((batch) => calls.run("batch", [node, batch], sendBatch));
  }

  /** Sends one plain command. */
  command(...args: string[]): Promise<unknown> {
    return this.#calls.send(args);
  }

  /** N2: claims `m`'s nickname and announces it. */
  async join(m: Member, history: number): Promise<JoinReply> {
    const r = await this.#calls.run(
      "join",
      [m.id, nickKey(m.nick), m.nick, m.role, this.node, m.ip, ENTRY_LIST_MAX, history],
    ) as [number, number?, string?, number?, string[]?, string[]?];
    if (r[0] === -1) return { kind: "noLease" };
    if (r[0] === 0) return { kind: "taken" };
    return {
      kind: "joined",
      muted: r[1] === 1,
      total: Number(r[3]),
      first: r[4] ?? [],
      history: (r[5] ?? []).flatMap(historyItem),
    };
  }

  /** Drops `m` and announces it; `false` when it was not in. */
  async leave(m: Member, removed: boolean): Promise<boolean> {
    return await this.#calls.run("leave", [m.id, removed ? 1 : 0]) === 1;
  }

  /**
   * N1: a public message into the stream (batched, P4).
   * @param answer What the script's answer becomes (`"1"`, or `"0"` when `m`
   *   no longer holds its nickname), with `a` and `b`.
   */
  publish<T, A, B>(
    m: Member,
    text: string,
    history: number,
    answer: Answer<T, A, B>,
    a: A,
    b: B,
  ): Promise<T> {
    const record = `p\n${m.id}\n${nickKey(m.nick)}\n${m.nick}\n${oneLine(text)}\n${history}\n`;
    return this.#batch.add(record, answer, a, b);
  }

  /**
   * S12: finds a private message's target (batched, P4), which gets it in
   * its node's inbox (this node's own too), as it is here: the sender's
   * nickname and member id, the nickname as typed, the text (`events.ts`).
   * @returns What became of it ({@linkcode whisperResult}).
   */
  whisper(from: Member, to: string, text: string, teacherOnly: boolean): Promise<WhisperResult> {
    const record = `${teacherOnly ? "W" : "w"}\n${nickKey(to)}\n${from.nick}\n${from.id}\n${
      oneLine(to)
    }\n${oneLine(text)}\n`;
    return this.#batch.add(record, whisperResult, undefined, undefined);
  }

  /** Tells a private message's sender's node (`req`: the sender) what became of it. */
  async ack(node: string, req: string, delivered: boolean, to = ""): Promise<void> {
    await this.#calls.xadd(this.keys.inbox(node), ackFields(req, delivered, to));
  }

  /** X1: every nickname online, in join order. */
  async nicks(): Promise<string[]> {
    return await this.#calls.run("nicks", []) as string[];
  }

  /** How many members are online. */
  async size(): Promise<number> {
    return Number(await this.#calls.send(["ZCARD", this.keys.order]));
  }

  /** N3: renews this node's lease and reaps dead nodes. */
  async renew(leaseMs: number): Promise<{ had: boolean; nodes: number; members: number }> {
    const r = await this.#calls.run("renew", [this.node, leaseMs]) as [number, number, number];
    return { had: r[0] === 1, nodes: r[1], members: r[2] };
  }

  /**
   * N5: takes this node's lease and members back; the ids whose nickname is
   * taken, and the room stream's last entry then (`at`: the entries up to it
   * are answered by the reclaim).
   */
  async reclaim(
    leaseMs: number,
    announce: boolean,
    members: Iterable<Member>,
  ): Promise<{ had: boolean; taken: string[]; at: string }> {
    const args: string[] = [];
    for (const m of members) args.push(m.id, nickKey(m.nick), m.nick, m.role, m.ip);
    const r = await this.#calls.run(
      "reclaim",
      [this.node, leaseMs, announce ? "auto" : "quiet", ...args],
    ) as [number, string[], string];
    return { had: r[0] === 1, taken: r[1], at: String(r[2]) };
  }

  /** Leaves the room for good. */
  async goodbye(): Promise<void> {
    await this.#calls.run("goodbye", [this.node]);
  }

  /** The room's epoch: set when there is none, then read. */
  async epoch(proposal: string): Promise<string> {
    await this.#calls.send(["SET", this.keys.epoch, proposal, "NX"]);
    return String(await this.#calls.send(["GET", this.keys.epoch]));
  }

  /** The id of the room stream's last entry, or `0-0`. */
  async lastEventId(): Promise<string> {
    const r = await this.#calls.send(["XREVRANGE", this.keys.events, "+", "-", "COUNT", "1"]);
    const first = Array.isArray(r) ? r[0] : undefined;
    if (Array.isArray(first)) return String(first[0]);
    if (first !== null && typeof first === "object" && "id" in first) return String(first.id);
    return "0-0";
  }
}
