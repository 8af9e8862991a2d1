/**
 * What a line typed in the chat becomes (C6, X2): sent as it is, but for the
 * client's own `{reply}`, which answers whoever sent the last private
 * message, and a beginner's plain line (`oi pessoal`) at a terminal, which
 * goes to everyone, the user told once how to say so. Pure: no socket, no
 * terminal.
 *
 * @module
 */

import { ErrorCode, MAX_LINE_BYTES, type Text } from "../protocol.ts";
import { type Command, parseCommand } from "../wire/commands.ts";
import { clientError } from "./render.ts";

/**
 * The longest line a person may type in the chat (L1): the protocol's line
 * limit, less the `:` a plain line gets when it goes to everyone. A longer
 * line that the chat makes of it (`{reply}` names the nickname) is refused
 * here, before it goes, as the server would ({@linkcode CHAT_LINE_TEXTS}).
 */
export const TYPED_LINE_MAX = MAX_LINE_BYTES - ":".length;

/** Why a line too long was not sent, and where it is (the wire's `lineLimit` says "dropped"). */
const NOT_SENT_LONG = {
  pt:
    `máximo de ${MAX_LINE_BYTES} bytes; não enviada: continua na sua linha de digitação, para encurtar`,
  en: `at most ${MAX_LINE_BYTES} bytes; not sent: it is still in your input line, to shorten`,
} as const satisfies Text;

/** What the chat's own lines tell the user (X3: both languages). */
export const CHAT_LINE_TEXTS = {
  noReply: {
    pt: "Ninguém lhe mandou mensagem privada ainda: {reply} responde à última",
    en: "Nobody has sent you a private message yet: {reply} answers the last one",
  },
  sentAsPublic: {
    pt:
      "Enviado para todos. Da próxima vez comece com : (:texto), ou apelido:texto para uma pessoa",
    en: "Sent to everyone. Next time start with : (:text), or nick:text for one person",
  },
  /**
   * A line too long, refused here: said as the server's ERRO 08 would be, but truthfully, for
   * it is not dropped: it is back in the input line (the page's field), to shorten.
   */
  tooLong: {
    pt: clientError(ErrorCode.lineTooLong, { data: NOT_SENT_LONG.pt }, "pt"),
    en: clientError(ErrorCode.lineTooLong, { data: NOT_SENT_LONG.en }, "en"),
  },
} as const satisfies Record<string, Text>;

/** What a typed line becomes. */
export type ChatLine =
  /** Send `line` (its `command` parsed); then tell the user `tell`, when set. */
  | {
    readonly kind: "send";
    readonly line: string;
    readonly command: Command;
    readonly tell?: Text;
  }
  /** Send nothing; tell the user `text` (an error when `error`); the line typed is theirs to edit again. */
  | { readonly kind: "tell"; readonly text: Text; readonly error?: true }
  /** The user typed `{quit}`. */
  | { readonly kind: "quit" };

/**
 * The lines a user types in the chat, with what they remember: who sent the
 * last private message, and whether the user was told where a plain line goes.
 *
 * @example
 * ```ts
 * import { ChatLines } from "./chat_line.ts";
 * import assert from "node:assert/strict";
 * const lines = new ChatLines(true);
 * lines.privateFrom("bia");
 * const out = lines.typed("{reply oi}");
 * assert.equal(out.kind === "send" && out.line, "bia:oi");
 * ```
 */
export class ChatLines {
  readonly #interactive: boolean;
  /** Who sent the last private message, for `{reply}` (C6). */
  #lastFrom: string | undefined;
  /** Whether the user was told that a plain line went to everyone. */
  #toldPublic = false;

  /**
   * Lines with nothing remembered yet.
   *
   * @param interactive Whether a person types (a terminal), or input is piped.
   */
  constructor(interactive: boolean) {
    this.#interactive = interactive;
  }

  /** A private message came from `nick`: `{reply}` now answers it. */
  privateFrom(nick: string): void {
    this.#lastFrom = nick;
  }

  /** What the line `typed` becomes. */
  typed(typed: string): ChatLine {
    let line = typed;
    const reply = /^\s*\{reply(?: (.*))?\}\s*$/i.exec(line);
    if (reply) {
      if (this.#lastFrom === undefined) return { kind: "tell", text: CHAT_LINE_TEXTS.noReply };
      line = `${this.#lastFrom}:${reply[1] ?? ""}`;
    }
    const command = parseCommand(line);
    if (
      this.#interactive && command.kind === "invalid" && command.detail === "unknownCommand" &&
      !line.trimStart().startsWith("{") && line.trim().toLowerCase() !== "quit"
    ) {
      // A beginner's plain line (`oi pessoal`) goes to everyone, and once they are told how.
      line = `:${line}`;
      if (tooLong(line)) return TOO_LONG;
      const told = this.#toldPublic;
      this.#toldPublic = true;
      return {
        kind: "send",
        line,
        command: parseCommand(line),
        ...(told ? {} : { tell: CHAT_LINE_TEXTS.sentAsPublic }),
      };
    }
    if (command.kind === "quit") return { kind: "quit" };
    if (tooLong(line)) return TOO_LONG;
    return { kind: "send", line, command };
  }
}

const encoder = new TextEncoder();

/** A line over the protocol's limit: not sent, the user told why (it stays theirs to shorten). */
const TOO_LONG: ChatLine = { kind: "tell", text: CHAT_LINE_TEXTS.tooLong, error: true };

/** Whether a line is over the protocol's limit (L1): the server would refuse it (ERRO 08). */
function tooLong(line: string): boolean {
  return encoder.encode(line).length > MAX_LINE_BYTES;
}
