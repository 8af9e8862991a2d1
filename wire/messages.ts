/**
 * The messages the room routes, as typed values (S10-S12): engines carry
 * these (a Redis engine between nodes), and each is turned into bytes once,
 * whatever the number of its receivers (as ergo's message cache). The lines
 * are the ones `protocol.ts` defines; public and private messages, the hot
 * path of routing, are built straight into bytes.
 *
 * @module
 */

import {
  entryUsersLine,
  historyLine,
  HOW_TO_LINE,
  joinedLine,
  Keyword,
  leftLine,
  manyLine,
  type NoticeKind,
  noticeLine,
  PRIVATE_PREFIX,
  usersLines,
  welcomeLine,
} from "../protocol.ts";
import { encodeAscii } from "./ascii.ts";

/** One public message remembered for latecomers (C4). */
export interface HistoryItem {
  /** When it was sent (milliseconds since the epoch). */
  readonly at: number;
  /** Who sent it. */
  readonly from: string;
  /** Its text. */
  readonly text: string;
}

/**
 * A time as `HH:MM` in this computer's local time.
 *
 * @param at Milliseconds since the epoch.
 * @returns Hours and minutes, two digits each.
 */
export function clockOf(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/**
 * Bytes for one message, cut from a larger buffer that is never written
 * again once cut: no buffer of its own per message (the routing's hot
 * path), and bytes a member keeps are never overwritten. A slab lives as
 * long as one of its messages does.
 */
function slab(size: number): Uint8Array {
  if (size > SLAB_BYTES / 4) return new Uint8Array(size);
  if (slabAt + size > current.length) {
    current = new Uint8Array(SLAB_BYTES);
    slabAt = 0;
  }
  const out = current.subarray(slabAt, slabAt + size);
  slabAt += size;
  return out;
}

const SLAB_BYTES = 16 * 1024;
let current = new Uint8Array(SLAB_BYTES);
let slabAt = 0;

const PUBLIC_HEAD = encodeAscii(`${Keyword.public} `);
const PRIVATE_HEAD = encodeAscii(`${Keyword.private} ${PRIVATE_PREFIX}`);

/**
 * `head from: text` CRLF, built into new bytes without an intermediate
 * string: done once per message whatever the number of receivers.
 */
function messageBytes(head: Uint8Array, from: string, text: string): Uint8Array {
  const out = slab(head.length + from.length + text.length + 4);
  out.set(head);
  let at = head.length;
  for (let i = 0; i < from.length; i++) out[at++] = from.charCodeAt(i);
  out[at++] = 0x3a; // ":"
  out[at++] = 0x20;
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  out[at++] = 0x0d;
  out[at] = 0x0a;
  return out;
}

/**
 * A line the room sends to its members, as a typed value: engines route
 * these (a Redis engine carries them between nodes), and
 * {@linkcode renderMessage} turns each into bytes once.
 */
export type ServerMessage =
  | {
    /** The welcome and the user list a new member gets (S10). */
    readonly kind: "entry";
    readonly nick: string;
    /** The first names online, the new member included. */
    readonly first: readonly string[];
    readonly total: number;
    /** The last public messages, oldest first (C4). */
    readonly history?: readonly HistoryItem[];
  }
  | { readonly kind: "users"; readonly nicks: readonly string[] }
  | { readonly kind: "joined"; readonly nick: string }
  | { readonly kind: "left"; readonly nick: string; readonly removed?: boolean }
  | { readonly kind: "notice"; readonly notice: NoticeKind; readonly arg?: string }
  | {
    /** Joins or leaves in a large room, summarized (P1). */
    readonly kind: "joinedMany" | "leftMany";
    readonly count: number;
    readonly online: number;
    /** The first names. */
    readonly names: readonly string[];
  }
  | { readonly kind: "public"; readonly from: string; readonly text: string }
  | { readonly kind: "private"; readonly from: string; readonly text: string };

/**
 * The bytes of a message: new bytes each call, never shared or reused.
 *
 * @param m The message.
 * @returns One or more whole lines, each with CRLF.
 *
 * @example
 * ```ts
 * import { renderMessage } from "./messages.ts";
 * import { strictEqual } from "node:assert/strict";
 * const bytes = renderMessage({ kind: "public", from: "ana", text: "oi" });
 * strictEqual(new TextDecoder().decode(bytes), "PUBLICA ana: oi\r\n");
 * ```
 */
export function renderMessage(m: ServerMessage): Uint8Array {
  switch (m.kind) {
    case "public":
      return messageBytes(PUBLIC_HEAD, m.from, m.text);
    case "private":
      return messageBytes(PRIVATE_HEAD, m.from, m.text);
    case "entry":
      return encodeAscii(
        welcomeLine(m.nick) + entryUsersLine(m.first, m.total) + HOW_TO_LINE +
          (m.history ?? []).map((h) => historyLine(clockOf(h.at), h.from, h.text)).join(""),
      );
    case "users":
      return encodeAscii(usersLines(m.nicks));
    case "joined":
      return encodeAscii(joinedLine(m.nick));
    case "left":
      return encodeAscii(leftLine(m.nick, m.removed === true));
    case "notice":
      return encodeAscii(noticeLine(m.notice, m.arg ?? ""));
    case "joinedMany":
    case "leftMany":
      return encodeAscii(
        manyLine(m.kind === "joinedMany" ? "joined" : "left", m.count, m.online, m.names),
      );
  }
}

/**
 * A message on its way to one or many members: rendered the first time its
 * bytes are asked for, then the same bytes for every receiver (as ergo's
 * message cache). The bytes are never changed afterwards.
 */
export class Outgoing {
  /** The message. */
  readonly message: ServerMessage;
  #bytes: Uint8Array | undefined;

  /** @param message The message to send. */
  constructor(message: ServerMessage) {
    this.message = message;
  }

  /** The message's bytes, rendered once. */
  get bytes(): Uint8Array {
    return this.#bytes ??= renderMessage(this.message);
  }
}
