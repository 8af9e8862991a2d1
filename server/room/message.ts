/**
 * The messages the room routes, as typed values (S10-S12): engines carry
 * these (a Redis engine between nodes), and each is turned into bytes once,
 * whatever the number of its receivers (as ergo's message cache). Every
 * line is rendered by `protocol.ts`; public and private messages, the hot
 * path of routing, fill the protocol's template straight into bytes.
 *
 * @module
 */

import {
  entryUsersLine,
  ErrorCode,
  errorDataLine,
  historyLine,
  HOW_TO_LINE,
  joinedLine,
  leftLine,
  manyLine,
  type MessageTemplate,
  type NoticeKind,
  noticeLine,
  PRIVATE_TEMPLATE,
  PUBLIC_TEMPLATE,
  usersLines,
  welcomeLine,
} from "../../protocol.ts";
import { clockOf } from "../../common/time.ts";
import { encodeAscii } from "../../wire/ascii.ts";

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
  // (A view made with its constructor: cheaper than subarray's.)
  const out = new Uint8Array(current.buffer, slabAt, size);
  slabAt += size;
  return out;
}

const SLAB_BYTES = 16 * 1024;
let current = new Uint8Array(SLAB_BYTES);
let slabAt = 0;

/** A message line's template (`protocol/lines.ts`), its fixed parts encoded once. */
interface Template {
  readonly head: Uint8Array;
  readonly between: Uint8Array;
  readonly end: Uint8Array;
}

function encodeTemplate(t: MessageTemplate): Template {
  return { head: encodeAscii(t.head), between: encodeAscii(t.between), end: encodeAscii(t.end) };
}

const PUBLIC = encodeTemplate(PUBLIC_TEMPLATE);
const PRIVATE = encodeTemplate(PRIVATE_TEMPLATE);

/**
 * The protocol's message line, its template filled with the sender and the
 * text straight into new bytes, without an intermediate string: done once
 * per message whatever the number of receivers.
 */
function messageBytes(t: Template, from: string, text: string): Uint8Array {
  const out = slab(t.head.length + from.length + t.between.length + text.length + t.end.length);
  let at = put(out, 0, t.head);
  for (let i = 0; i < from.length; i++) out[at++] = from.charCodeAt(i);
  at = put(out, at, t.between);
  // P3: the encoder copies a long text faster than a loop (a short one is faster by the loop);
  // a text is ASCII (S1), one byte a character, else the loop writes each character's low
  // byte, as before.
  const view = new Uint8Array(out.buffer, out.byteOffset + at, text.length);
  if (text.length < ENCODE_FROM || ENCODER.encodeInto(text, view).written !== text.length) {
    for (let i = 0; i < text.length; i++) view[i] = text.charCodeAt(i);
  }
  put(out, at + text.length, t.end);
  return out;
}

const ENCODER = new TextEncoder();
/** The length from which a text is copied by the encoder rather than a loop. */
const ENCODE_FROM = 48;

/** Copies a few bytes (a template's part) into `out` at `at`; returns where they end. */
function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i]!;
  return at;
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
  | { readonly kind: "private"; readonly from: string; readonly text: string }
  | {
    /** P4: a private message answered `OK` whose target had gone when its node got it. */
    readonly kind: "notDelivered";
    readonly nick: string;
  };

/**
 * The bytes of a message: new bytes each call, never shared or reused.
 *
 * @param m The message.
 * @returns One or more whole lines, each with CRLF.
 *
 * @example
 * ```ts
 * import { renderMessage } from "./message.ts";
 * import { strictEqual } from "node:assert/strict";
 * const bytes = renderMessage({ kind: "public", from: "ana", text: "oi" });
 * strictEqual(new TextDecoder().decode(bytes), "PUBLICA ana: oi\r\n");
 * ```
 */
export function renderMessage(m: ServerMessage): Uint8Array {
  switch (m.kind) {
    case "public":
      return messageBytes(PUBLIC, m.from, m.text);
    case "private":
      return messageBytes(PRIVATE, m.from, m.text);
    case "notDelivered":
      return encodeAscii(errorDataLine(ErrorCode.noSuchUser, m.nick));
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

  /**
   * @param message The message to send.
   * @param bytes Its bytes already rendered (P4: a run of several public
   *   messages read together from the stream, `message` the first of them).
   */
  constructor(message: ServerMessage, bytes?: Uint8Array) {
    this.message = message;
    this.#bytes = bytes;
  }

  /** The message's bytes, rendered once. */
  get bytes(): Uint8Array {
    return this.#bytes ??= renderMessage(this.message);
  }
}
