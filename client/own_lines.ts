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
 * latest sent. A `{kick}` or `{ban}` gets its `OK` or an `ERRO`; only after an
 * `OK` does its `SAIU` come, and only that one is kept back.
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
  /**
   * The user's `{kick}` and `{ban}`, in order: the nickname key, and whether its `OK` came
   * (until its `SAIU`). One refused (`ERRO`) removes nobody: no `SAIU` of its own follows.
   */
  readonly #removing: { key: string; done: boolean }[] = [];
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
      this.#removing.push({ key: nickKey(command.arg), done: false });
      if (this.#removing.length > OWN_WAITING_MAX) this.#removing.shift();
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
      case "ok": {
        // A teacher's command's answer: the oldest kick waiting for one was done.
        const kick = this.#removing.find((r) => !r.done);
        if (kick !== undefined) kick.done = true;
        return undefined;
      }
      case "left":
        return line.removed === true && this.#removed(line.nick) ? { kind: "told" } : undefined;
      case "leftMany":
        for (const nick of line.names) this.#removed(nick);
        return undefined;
      case "error": {
        // Any refusal while a kick waits for its answer may be its own (`{kick zed}` of nobody,
        // ERRO 13, 17): it is then forgotten, so that no one else's SAIU is ever kept back.
        const kick = this.#removing.findIndex((r) => !r.done);
        if (kick >= 0 && line.code !== ErrorCode.flood) this.#removing.splice(kick, 1);
        if (!REFUSALS.has(line.code) || line.detail.startsWith("{")) return undefined;
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

  /** Whether `nick`'s removal is one the user's own command made (then it is forgotten). */
  #removed(nick: string): boolean {
    const key = nickKey(nick);
    const at = this.#removing.findIndex((r) => r.key === key);
    if (at >= 0) this.#removing.splice(at, 1);
    return at >= 0;
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
