/**
 * The user's own lines, matched with the server's answers (S12, C3; field
 * test of the web page): which message a refusal (`ERRO`) refuses, so that
 * a client shows that message as not sent, with the server's sentence, and
 * gives its text back to be typed again; and the room's `SAIU` for a member
 * the user's own `{kick}` or `{ban}` removed, which that command's `OK`
 * already said (the teacher saw a kick twice). Pure: the terminal client
 * (`chat_view.ts`) and the web page both use it.
 *
 * The server answers a connection's lines in order, one line each at most:
 * a private message always gets `OK Mensagem enviada` or an `ERRO`; a public
 * one gets nothing when it goes and an `ERRO` when it is refused. So `ERRO 02`
 * (no such user) refuses the oldest private message waiting, and `OK
 * Mensagem enviada` answers it (every message sent before it went). Any other
 * refusal of a message (`ERRO 08`, `09`, `14`, `17` "mensagem nao enviada")
 * refuses the newest message waiting: what refuses messages (a mute, an
 * outage) refuses every one sent after it began, so the refused ones are the
 * latest sent.
 *
 * @module
 */

import { Detail, ErrorCode, toAscii } from "../protocol.ts";
import { type Command, nickKey } from "../wire/commands.ts";
import type { ServerLine } from "../wire/server_lines.ts";

/** A message the user sent, while its fate is open. */
export interface OwnLine {
  /** Its number, from 1, in the order sent. */
  readonly id: number;
  /** What the user typed, to give back when it is refused. */
  readonly typed: string;
  /** The message: a public or a private one. */
  readonly command: Extract<Command, { kind: "public" | "private" }>;
}

/** What an answer of the server means for the user's own lines. */
export type OwnAnswer =
  /** The server refused `own`: the error line says why. */
  | { readonly kind: "refused"; readonly own: OwnLine }
  /** The room's `SAIU` for a member the user removed: the command's `OK` said it already. */
  | { readonly kind: "told" };

/** Errors that refuse a message: the line was dropped, not delivered. */
const REFUSALS: ReadonlySet<number> = new Set([
  ErrorCode.noSuchUser,
  ErrorCode.lineTooLong,
  ErrorCode.notAscii,
  ErrorCode.muted,
  ErrorCode.roomDown,
]);

/** ERRO 17's detail for a message (not for a command, `notDone`). */
const NOT_SENT = toAscii(Detail.notSent.pt);

/** How many messages may wait for their fate; older ones are taken as gone. */
export const OWN_WAITING_MAX = 64;

/**
 * The user's messages waiting for the server's answer, and the members the
 * user's own commands removed.
 *
 * @example
 * ```ts
 * import { OwnLines } from "./own_lines.ts";
 * import { parseCommand } from "../wire/commands.ts";
 * import { parseServerLine } from "../wire/server_lines.ts";
 * import assert from "node:assert/strict";
 * const own = new OwnLines();
 * own.sent(parseCommand(":oi"), "oi");
 * const answer = own.answer(parseServerLine("ERRO 14 Voce esta silenciado: mensagem nao enviada"));
 * assert.equal(answer?.kind === "refused" && answer.own.typed, "oi");
 * ```
 */
export class OwnLines {
  readonly #waiting: OwnLine[] = [];
  /** Nickname keys the user's `{kick}` or `{ban}` is removing. */
  readonly #removing = new Set<string>();
  #next = 1;

  /**
   * The user sent a line.
   *
   * @param command The line, parsed.
   * @param typed What the user typed for it.
   * @returns The message waiting, for a public or private one; `undefined` for any other line.
   */
  sent(command: Command, typed: string): OwnLine | undefined {
    if (command.kind === "kick" || command.kind === "ban") {
      this.#removing.add(nickKey(command.arg));
      return undefined;
    }
    if (command.kind !== "public" && command.kind !== "private") return undefined;
    const own = { id: this.#next++, typed, command };
    this.#waiting.push(own);
    if (this.#waiting.length > OWN_WAITING_MAX) this.#waiting.shift();
    return own;
  }

  /**
   * A line of the server: what it means for the user's own lines, if anything.
   *
   * @param line The line.
   */
  answer(line: ServerLine): OwnAnswer | undefined {
    switch (line.kind) {
      case "sent":
        this.#settle(this.#oldestPrivate());
        return undefined;
      case "left":
        if (line.removed !== true || !this.#removing.delete(nickKey(line.nick))) return undefined;
        return { kind: "told" };
      case "leftMany":
        for (const nick of line.names) this.#removing.delete(nickKey(nick));
        return undefined;
      case "error": {
        if (line.code === ErrorCode.noSuchUser && line.detail.startsWith("{")) {
          // `{kick zed}` of nobody online: no SAIU follows.
          const m = /^\{(?:kick|ban) (.*)\}$/.exec(line.detail);
          if (m) this.#removing.delete(nickKey(m[1]!));
          return undefined;
        }
        if (!REFUSALS.has(line.code)) return undefined;
        if (line.code === ErrorCode.roomDown && line.detail !== NOT_SENT) return undefined;
        const at = line.code === ErrorCode.noSuchUser
          ? this.#oldestPrivate()
          : this.#waiting.length - 1;
        const own = this.#waiting[at];
        if (own === undefined) return undefined;
        this.#waiting.splice(at, 1);
        return { kind: "refused", own };
      }
    }
    return undefined;
  }

  /** Where the oldest private message waiting is, or -1. */
  #oldestPrivate(): number {
    return this.#waiting.findIndex((w) => w.command.kind === "private");
  }

  /** The private message at `at` went, and every message sent before it. */
  #settle(at: number): void {
    if (at >= 0) this.#waiting.splice(0, at + 1);
  }
}
