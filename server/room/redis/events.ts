/**
 * What travels in the room's streams, as typed values, and how an entry's
 * fields read back into one (N1). The Lua scripts write the same one-letter
 * fields (`scripts.ts`); this module is pure and is tested without Redis.
 *
 * Room stream (`events`), read by every node:
 * - `t=P b=NICK\nTEXT\nID\n...`: public messages of one batch sent one after the other
 *   (issue 23: one entry, one field, not one entry each), in order, each from member ID, each
 *   field ended by a line feed (none can hold one);
 * - `t=p f=NICK x=TEXT i=ID`: a public message from member ID (the way before);
 * - `t=j n=NICK i=ID`: a member joined;
 * - `t=l n=NICK i=ID r=0|1`: a member left (`r=1`: removed by the teacher);
 * - `t=n k=KIND a=ARG`: a notice to everyone (C3);
 * - `t=m k=KEY o=0|1`: a nickname muted or unmuted (C3), for the member's node.
 *
 * A node's inbox (`inbox:NODE`), read by that node only:
 * - `t=w o=NODE b=ID\nNICK\nSENDER\nTO\nTEXT\n...`: private messages of node NODE's one
 *   batch to this node, sent one after the other (P4: one entry, not one each; issue 23: one
 *   field, not one each), in order, each for member ID from member SENDER, sent to nickname TO
 *   (the sender had its `OK` when this was added); `m=ID\nNICK\nSENDER\nTO\nTEXT` fields, one
 *   per message, are read too;
 * - `t=a q=SENDER k=0 n=TO`: SENDER's private message to TO found its target gone (P4: told late);
 * - `t=k i=ID`: remove member ID (kick or ban, C3).
 *
 * Order (P4, N1): every entry of the room's stream and of every inbox has
 * its id from one clock (`scripts.ts`, `stamp`), so a node reads its two
 * streams in the order their entries were added, by the whole id
 * ({@linkcode notAfter}). A batch's messages go into entries in the order
 * they were sent: a `t=P` entry holds public messages sent one after the
 * other, a `t=w` entry private messages to one node sent one after the
 * other (a private message to a member of the sender's own node too).
 *
 * @module
 */

import type { NoticeKind } from "../../../protocol.ts";
import type { HistoryItem } from "../message.ts";

/** An entry of the room's stream. */
export type RoomEvent =
  | ({ readonly t: "public" } & Public)
  | { readonly t: "publics"; readonly messages: readonly Public[] }
  | { readonly t: "joined"; readonly id: string; readonly nick: string; readonly online?: number }
  | {
    readonly t: "left";
    readonly id: string;
    readonly nick: string;
    readonly removed: boolean;
    readonly online?: number;
  }
  | { readonly t: "notice"; readonly notice: NoticeKind; readonly arg: string }
  | { readonly t: "mute"; readonly key: string; readonly on: boolean };

/** One public message of a `publics` entry. */
export interface Public {
  /** The sender's member id. */
  readonly id: string;
  /** The sender's nickname. */
  readonly from: string;
  readonly text: string;
}

/** An entry of a node's inbox. */
export type InboxEvent =
  | {
    readonly t: "whisper";
    /** The senders' node. */
    readonly replyTo: string;
    /** The private messages, in the order they were sent. */
    readonly messages: readonly Whisper[];
  }
  | { readonly t: "ack"; readonly req: string; readonly delivered: boolean; readonly to: string }
  | { readonly t: "kick"; readonly id: string };

/** One private message of a `whisper` inbox entry. */
export interface Whisper {
  /** The target's member id. */
  id: string;
  /** The sender's nickname. */
  from: string;
  text: string;
  /** The sender's member id. */
  req: string;
  /** The nickname as the sender typed it. */
  to: string;
}

/** A stream entry as Redis returns it: its id and its fields, name then value. */
export type Entry = readonly [id: string, fields: readonly string[]];

/**
 * Whether stream entry id `a` comes after `b` (ids are `MS-SEQ`, compared as numbers).
 * @param a An entry id.
 * @param b An entry id (`0-0` before every entry).
 */
export function idAfter(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am !== bm ? am > bm : as > bs;
}

/**
 * Whether stream entry `a` was added no later than `b` (P4): ids are
 * `MS-SEQ`, compared as numbers, milliseconds then sequence. Every entry of
 * the room's stream and of the inboxes takes its id from one clock (the
 * scripts' `stamp`), so this orders entries of different streams as they
 * were added; two entries written by Redis itself (`*`, before the clock)
 * may share an id across streams, and then either may go first.
 *
 * @param a An entry id.
 * @param b An entry id.
 *
 * @example
 * ```ts
 * import { notAfter } from "./events.ts";
 * import assert from "node:assert/strict";
 * assert.equal(notAfter("1700000000000-2", "1700000000000-10"), true);
 * assert.equal(notAfter("1700000000001-0", "1700000000000-10"), false);
 * assert.equal(notAfter("5-1", "5-1"), true);
 * ```
 */
export function notAfter(a: string, b: string): boolean {
  const da = a.indexOf("-");
  const db = b.indexOf("-");
  const am = Number(a.slice(0, da));
  const bm = Number(b.slice(0, db));
  if (am !== bm) return am < bm;
  return Number(a.slice(da + 1)) <= Number(b.slice(db + 1));
}

const NOTICES: ReadonlySet<string> = new Set(["say", "muted", "unmuted", "locked", "unlocked"]);

/** The fields of an entry by name. */
function fieldsOf(fields: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) out.set(fields[i]!, fields[i + 1]!);
  return out;
}

/**
 * The node that sent a `t=P` entry (a batch's public messages): one node
 * writes each batch, for its own members, whose ids begin with the node's
 * name and a slash (`redis_room.ts`, `idPrefix`).
 *
 * @param fields The entry's fields, name then value.
 * @returns The node's name; `undefined` for any other entry.
 *
 * @example
 * ```ts
 * import { publicsNode } from "./events.ts";
 * import assert from "node:assert/strict";
 * assert.equal(publicsNode(["t", "P", "b", "ana\noi\nn1/3\nbob\nola\nn1/4\n"]), "n1");
 * assert.equal(publicsNode(["t", "j", "n", "ana", "i", "n1/3"]), undefined);
 * ```
 */
export function publicsNode(fields: readonly string[]): string | undefined {
  if (fields[1] !== "P" || fields[0] !== "t") return undefined;
  const value = fields[3];
  if (value === undefined) return undefined;
  const a = value.indexOf("\n");
  const b = a < 0 ? -1 : value.indexOf("\n", a + 1);
  const c = b < 0 ? -1 : value.indexOf("\n", b + 1);
  const slash = c < 0 ? -1 : value.lastIndexOf("/", c);
  return slash <= b ? undefined : value.slice(b + 1, slash);
}

/**
 * Reads an entry of the room's stream.
 *
 * @param fields The entry's fields, name then value.
 * @returns The event, or `undefined` for an entry this version does not know.
 *
 * @example
 * ```ts
 * import { roomEvent } from "./events.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(roomEvent(["t", "p", "f", "ana", "x", "oi: todos", "i", "n1/3"]), {
 *   t: "public", id: "n1/3", from: "ana", text: "oi: todos",
 * });
 * assert.deepEqual(roomEvent(["t", "P", "b", "ana\noi\nn1/3\nbob\nola: x\nn2/1\n"]), {
 *   t: "publics", messages: [{ id: "n1/3", from: "ana", text: "oi" }, { id: "n2/1", from: "bob", text: "ola: x" }],
 * });
 * assert.equal(roomEvent(["t", "?"]), undefined);
 * ```
 */
export function roomEvent(fields: readonly string[]): RoomEvent | undefined {
  // The hot path (issue 23): a batch's public messages, one field.
  if (fields.length === 4 && fields[0] === "t" && fields[1] === "P" && fields[2] === "b") {
    return { t: "publics", messages: publics(fields[3]!) };
  }
  const f = fieldsOf(fields);
  const id = f.get("i") ?? "";
  switch (f.get("t")) {
    case "p":
      return { t: "public", id, from: f.get("f") ?? "", text: f.get("x") ?? "" };
    case "j":
      return { t: "joined", id, nick: f.get("n") ?? "", ...online(f.get("c")) };
    case "l":
      return {
        t: "left",
        id,
        nick: f.get("n") ?? "",
        removed: f.get("r") === "1",
        ...online(f.get("c")),
      };
    case "n": {
      const kind = f.get("k") ?? "";
      if (!NOTICES.has(kind)) return undefined;
      return { t: "notice", notice: kind as NoticeKind, arg: f.get("a") ?? "" };
    }
    case "m":
      return { t: "mute", key: f.get("k") ?? "", on: f.get("o") === "1" };
  }
  return undefined;
}

/**
 * Reads an entry of a node's inbox.
 *
 * @param fields The entry's fields, name then value.
 * @returns The event, or `undefined` for an entry this version does not know.
 *
 * @example
 * ```ts
 * import { inboxEvent } from "./events.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(inboxEvent(["t", "a", "q", "7", "k", "1"]), { t: "ack", req: "7", delivered: true, to: "" });
 * assert.deepEqual(inboxEvent(["t", "w", "o", "a~1", "m", "b~2/1\nana\na~1/4\nBob\noi"]), {
 *   t: "whisper", replyTo: "a~1", messages: [{ id: "b~2/1", from: "ana", text: "oi", req: "a~1/4", to: "Bob" }],
 * });
 * assert.deepEqual(inboxEvent(["t", "w", "o", "a~1", "b", "b~2/1\nana\na~1/4\nBob\noi\n"]), {
 *   t: "whisper", replyTo: "a~1", messages: [{ id: "b~2/1", from: "ana", text: "oi", req: "a~1/4", to: "Bob" }],
 * });
 * ```
 */
export function inboxEvent(fields: readonly string[]): InboxEvent | undefined {
  if (fields[0] === "t" && fields[1] === "w") return whispers(fields);
  const f = fieldsOf(fields);
  switch (f.get("t")) {
    case "a":
      return {
        t: "ack",
        req: f.get("q") ?? "",
        delivered: f.get("k") === "1",
        to: f.get("n") ?? "",
      };
    case "k":
      return { t: "kick", id: f.get("i") ?? "" };
  }
  return undefined;
}

/**
 * A `whisper` entry: `o` once, then its messages: in one `b` field (issue
 * 23: the batch script's way), each message's target id, sender's nickname,
 * sender's id, the nickname as typed and the text, each ended by a line feed
 * (none can hold one); or one `m` field each (the way before: the same
 * fields, the text last and not ended, so it may hold anything).
 */
function whispers(fields: readonly string[]): InboxEvent {
  let replyTo = "";
  const messages: Whisper[] = [];
  for (let i = 2; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!;
    if (fields[i] === "o") replyTo = value;
    else if (fields[i] === "b") batched(value, messages);
    else if (fields[i] === "m") {
      const a = value.indexOf("\n");
      const b = value.indexOf("\n", a + 1);
      const c = value.indexOf("\n", b + 1);
      const d = value.indexOf("\n", c + 1);
      if (a < 0 || b < 0 || c < 0 || d < 0) continue;
      messages.push({
        id: value.slice(0, a),
        from: value.slice(a + 1, b),
        req: value.slice(b + 1, c),
        to: value.slice(c + 1, d),
        text: value.slice(d + 1),
      });
    }
  }
  return { t: "whisper", replyTo, messages };
}

/** The messages of a `b` field, five fields each, each field ended by a line feed. */
function batched(value: string, into: Whisper[]): void {
  let at = 0;
  for (;;) {
    const a = value.indexOf("\n", at);
    const b = value.indexOf("\n", a + 1);
    const c = value.indexOf("\n", b + 1);
    const d = value.indexOf("\n", c + 1);
    const e = value.indexOf("\n", d + 1);
    if (a < 0 || b < 0 || c < 0 || d < 0 || e < 0) return;
    into.push({
      id: value.slice(at, a),
      from: value.slice(a + 1, b),
      req: value.slice(b + 1, c),
      to: value.slice(c + 1, d),
      text: value.slice(d + 1, e),
    });
    at = e + 1;
  }
}

/** The messages of a `publics` entry's field: nick, text and id, each ended by a line feed. */
function publics(value: string): Public[] {
  const out: Public[] = [];
  let at = 0;
  for (;;) {
    const a = value.indexOf("\n", at);
    const b = value.indexOf("\n", a + 1);
    const c = value.indexOf("\n", b + 1);
    if (a < 0 || b < 0 || c < 0) return out;
    out.push({ id: value.slice(b + 1, c), from: value.slice(at, a), text: value.slice(a + 1, b) });
    at = c + 1;
  }
}

/**
 * One item of the room's history list (C4): the milliseconds of the stream
 * entry that published it, the nickname and the text, each after a line feed
 * but the first (issue 23: no JSON per message); an item written as JSON
 * `{at, from, text}`, as before, reads too.
 *
 * @param raw The list's item.
 * @returns The message, or none for an item that is neither.
 *
 * @example
 * ```ts
 * import { historyItem } from "./events.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(historyItem("1700000000000\nana\noi: todos"), [
 *   { at: 1700000000000, from: "ana", text: "oi: todos" },
 * ]);
 * assert.deepEqual(historyItem('{"at":5,"from":"bob","text":"ola"}'), [
 *   { at: 5, from: "bob", text: "ola" },
 * ]);
 * assert.deepEqual(historyItem("garbage"), []);
 * ```
 */
export function historyItem(raw: string): HistoryItem[] {
  if (raw.startsWith("{")) {
    try {
      const h = JSON.parse(raw);
      if (typeof h?.from === "string" && typeof h?.text === "string" && Number.isFinite(h?.at)) {
        return [{ at: h.at, from: h.from, text: h.text }];
      }
    } catch {
      // not JSON after all: read as the other form
    }
  }
  const a = raw.indexOf("\n");
  const b = a < 0 ? -1 : raw.indexOf("\n", a + 1);
  const at = Number(raw.slice(0, a));
  if (b < 0 || !Number.isFinite(at)) return [];
  return [{ at, from: raw.slice(a + 1, b), text: raw.slice(b + 1) }];
}

/** P1 on Redis: how many were online after a join or leave (`c`), when the entry says. */
function online(c: string | undefined): { online?: number } {
  const n = Number(c);
  return c !== undefined && Number.isInteger(n) && n >= 0 ? { online: n } : {};
}

/** The fields of a notice entry (written by a plain XADD, not a script). */
export function noticeFields(kind: NoticeKind, arg: string): string[] {
  return ["t", "n", "k", kind, "a", arg];
}

/** The fields of an ack entry: `req` the sender's member id, `to` the nickname it wrote to. */
export function ackFields(req: string, delivered: boolean, to = ""): string[] {
  return ["t", "a", "q", req, "k", delivered ? "1" : "0", "n", to];
}

/**
 * The entries of an `XREAD` reply, by stream name. node-redis 6 gives the
 * reply as an object keyed by stream; RESP's own shape (an array of
 * `[name, entries]`) is read too.
 *
 * @param reply What `XREAD` returned (`null` when it timed out).
 * @returns The entries of each stream that had any.
 *
 * @example
 * ```ts
 * import { xreadEntries } from "./events.ts";
 * import assert from "node:assert/strict";
 * const got = xreadEntries({ s: [["1-0", ["t", "k", "i", "x"]]] });
 * assert.deepEqual(got.get("s"), [["1-0", ["t", "k", "i", "x"]]]);
 * assert.equal(xreadEntries(null).size, 0);
 * ```
 */
export function xreadEntries(reply: unknown): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  if (reply === null || typeof reply !== "object") return out;
  const pairs: [unknown, unknown][] = Array.isArray(reply)
    ? reply.map((p) => [p?.[0], p?.[1]])
    : reply instanceof Map
    ? [...reply.entries()]
    : Object.entries(reply);
  for (const [name, entries] of pairs) {
    if (typeof name !== "string" || !Array.isArray(entries)) continue;
    out.set(name, entries as Entry[]);
  }
  return out;
}
