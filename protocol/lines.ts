/**
 * The server's lines (S3): each kind formatted from its keyword and text,
 * one function or constant per line the server sends.
 *
 * @module
 */

import { toAscii } from "./ascii.ts";
import { type CommandSpec, helpTexts, type Role } from "./commands.ts";
import { CRLF, ENTRY_LIST_MAX, Keyword, type Lang, type Text, USERS_LINE_BYTES } from "./limits.ts";
import { Detail, type DetailName, ERROR_TEXTS, type ErrorCode, Message } from "./texts.ts";

/**
 * A text with each `%s` filled in, in order.
 *
 * @param template The text.
 * @param args Values for each `%s`.
 * @returns The filled-in text.
 */
function fill(template: string, ...args: string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? "");
}

/**
 * The text of a {@linkcode Message} or {@linkcode Detail} in a language, with
 * `%s` filled in.
 *
 * @param text The text.
 * @param lang The language.
 * @param args Values for each `%s`.
 * @returns The filled-in text.
 */
export function say(text: Text, lang: Lang, ...args: string[]): string {
  return fill(text[lang], ...args);
}

/** The wire (ASCII, Portuguese) form of a text, with `%s` filled in. */
export function wire(text: Text, ...args: string[]): string {
  return toAscii(fill(text.pt, ...args));
}

/** A server line: its keyword and text, with the line ending. */
function line(keyword: Keyword, text: string): string {
  return `${keyword} ${text}${CRLF}`;
}

/**
 * Formats an error line with a fixed detail: `ERRO NN meaning[: detail]`.
 * Data (a nickname, an address) goes through {@linkcode errorDataLine}, so
 * that it is never read as the name of a detail.
 *
 * @param code The error code.
 * @param detail The name of one of the {@linkcode Detail} texts, or none.
 * @param data Data shown after the detail, as in `uso: {kick apelido}`.
 * @returns The line, ending in CRLF.
 * @throws {TypeError} When `detail` is not the name of a detail.
 *
 * @example
 * ```ts
 * import { ErrorCode, errorLine } from "../protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(errorLine(ErrorCode.forcedClose, "shutdown"), "ERRO 03 Cancelamento de conexao forcado: servidor encerrado\r\n");
 * ```
 */
export function errorLine(code: ErrorCode, detail?: DetailName | "", data?: string): string {
  if (detail === undefined || detail === "") return errorDataLine(code, "");
  if (!Object.hasOwn(Detail, detail)) {
    throw new TypeError(`Cannot format detail "${detail}": use errorDataLine() for data`);
  }
  const known = wire(Detail[detail]);
  return errorDataLine(code, data === undefined ? known : `${known}: ${data}`);
}

/**
 * Formats an error line whose detail is data (a nickname), never read as the
 * name of a {@linkcode Detail}: a user may be called `shutdown` or `refused`.
 *
 * @param code The error code.
 * @param data The data shown after the meaning, made ASCII.
 * @returns The line, ending in CRLF.
 *
 * @example
 * ```ts
 * import { ErrorCode, errorDataLine } from "../protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(errorDataLine(ErrorCode.nickTaken, "shutdown"), "ERRO 01 Esse apelido ja esta em uso: shutdown\r\n");
 * ```
 */
export function errorDataLine(code: ErrorCode, data: string): string {
  const tail = data === "" ? "" : `: ${toAscii(data)}`;
  return line(Keyword.error, `${String(code).padStart(2, "0")} ${wire(ERROR_TEXTS[code])}${tail}`);
}

/**
 * ERRO 02 for a teacher's command on a nickname nobody online has: it speaks
 * of the command, not of a private message (issue 19.6).
 *
 * @param command The command as typed, such as `{kick zed}`.
 * @returns The line, ending in CRLF.
 *
 * @example
 * ```ts
 * import { nobodyOnlineLine } from "../protocol.ts";
 * import assert from "node:assert/strict";
 * assert.equal(nobodyOnlineLine("{kick zed}"), "ERRO 02 Ninguem online com esse apelido: {kick zed}\r\n");
 * ```
 */
export function nobodyOnlineLine(command: string): string {
  return line(Keyword.error, `02 ${wire(Message.nobodyOnline)}: ${toAscii(command)}`);
}

/** The nickname prompt (S4): a complete line with the word `apelido`. */
export const NICK_PROMPT_LINE: string = line(Keyword.nick, wire(Message.askNick));

/**
 * Formats the welcome line (S10).
 * @param nick The accepted nickname.
 * @returns `BEMVINDO Bem-vindo ao papo, nick!` with CRLF.
 */
export function welcomeLine(nick: string): string {
  return line(Keyword.welcome, wire(Message.welcome, nick));
}

/**
 * Formats the user list sent on entry (S10): at most {@linkcode ENTRY_LIST_MAX}
 * names, then the count of the others and a pointer to `{users}`.
 *
 * @param nicks The nicknames online (the new user included).
 * @param total How many users are online.
 * @returns One `USUARIOS` line with CRLF.
 */
export function entryUsersLine(nicks: readonly string[], total: number): string {
  const shown = nicks.slice(0, ENTRY_LIST_MAX).join(", ");
  const rest = total - Math.min(nicks.length, ENTRY_LIST_MAX);
  const list = rest > 0 ? `${shown} ${wire(Message.more, String(rest))}` : shown;
  return line(Keyword.users, wire(Message.online, String(total), list));
}

/**
 * Formats the full user list for `{users}` (X1): every name, in lines of at
 * most {@linkcode USERS_LINE_BYTES} bytes of names each.
 *
 * @param nicks The nicknames online.
 * @returns One or more `USUARIOS` lines, joined, each with CRLF.
 */
export function usersLines(nicks: readonly string[]): string {
  const total = String(nicks.length);
  const out: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const nick of nicks) {
    if (size + nick.length + 2 > USERS_LINE_BYTES && chunk.length > 0) {
      out.push(line(Keyword.users, wire(Message.online, total, chunk.join(", "))));
      chunk = [];
      size = 0;
    }
    chunk.push(nick);
    size += nick.length + 2;
  }
  out.push(line(Keyword.users, wire(Message.online, total, chunk.join(", "))));
  return out.join("");
}

/**
 * Formats a join notice (S11).
 * @param nick Who joined.
 * @returns `ENTROU nick entrou no chat` with CRLF.
 */
export function joinedLine(nick: string): string {
  return line(Keyword.joined, wire(Message.joined, nick));
}

/**
 * Formats a departure notice (S11), or a removal by the teacher (C3).
 * @param nick Who left.
 * @param removed Whether the teacher removed them.
 * @returns `SAIU nick saiu do chat` (or `SAIU nick foi removido pelo professor`) with CRLF.
 */
export function leftLine(nick: string, removed = false): string {
  return line(Keyword.left, wire(removed ? Message.leftRemoved : Message.left, nick));
}

/**
 * Formats a summary of joins or leaves in a large room (P1): the count, how
 * many are online, the first names and the count of the others. A summary
 * of one person is that person's own line.
 *
 * @param kind Joins or leaves.
 * @param count How many joined (or left).
 * @param online How many are online now.
 * @param names The first names, in order.
 * @returns For example `ENTROU 37 pessoas entraram (812 online): ana, bia, cid e mais 34` with CRLF.
 */
export function manyLine(
  kind: "joined" | "left",
  count: number,
  online: number,
  names: readonly string[],
): string {
  if (count === 1 && names.length === 1) {
    return kind === "joined" ? joinedLine(names[0]!) : leftLine(names[0]!);
  }
  const shown = names.join(", ");
  const list = count > names.length
    ? wire(Message.andMore, shown, String(count - names.length))
    : shown;
  return line(
    kind === "joined" ? Keyword.joined : Keyword.left,
    wire(
      kind === "joined" ? Message.joinedMany : Message.leftMany,
      String(count),
      String(online),
      list,
    ),
  );
}

/** What a notice to everyone (`AVISO`) says (C3). */
export type NoticeKind = "say" | "muted" | "unmuted" | "locked" | "unlocked" | "alive";

const NOTICE_TEXTS: Readonly<Record<NoticeKind, Text>> = {
  say: Message.teacherSays,
  muted: Message.mutedBy,
  unmuted: Message.unmutedBy,
  locked: Message.lockedBy,
  unlocked: Message.unlockedBy,
  alive: Message.alive,
};

/**
 * Formats a notice to everyone (C3).
 * @param kind What it says.
 * @param arg The teacher's text for `say`; the nickname for `muted` and `unmuted`.
 * @returns For example `AVISO professor: prova amanha` with CRLF.
 */
export function noticeLine(kind: NoticeKind, arg = ""): string {
  return line(Keyword.notice, wire(NOTICE_TEXTS[kind], arg));
}

/**
 * Formats one public message from before a member joined (C4).
 * @param time When it was sent, `HH:MM` in the server's local time.
 * @param from Who sent it.
 * @param text What it said.
 * @returns `HISTORICO HH:MM from: text` with CRLF.
 */
export function historyLine(time: string, from: string, text: string): string {
  return line(Keyword.history, `${time} ${from}: ${text}`);
}

/**
 * Formats the answer to a teacher's command that was done (C2, C3).
 * @param text What was done.
 * @param args Values for its `%s`.
 * @returns For example `OK bob foi removido` with CRLF.
 */
export function okLine(text: Text, ...args: string[]): string {
  return line(Keyword.sent, wire(text, ...args));
}

/** What comes before the sender's name in a private message: `Mensagem recebida de: `. */
export const PRIVATE_PREFIX: string = wire(Message.received, "");

/**
 * A message line (S12) as a template: what comes before the sender, between
 * the sender and the text, and after the text. {@linkcode publicLine} and
 * {@linkcode privateLine} fill it; the server fills it straight into bytes,
 * once per message, on the hot path of routing.
 */
export interface MessageTemplate {
  /** Before the sender: the keyword and its space (and a private message's prefix). */
  readonly head: string;
  /** Between the sender and the text. */
  readonly between: string;
  /** After the text: the line ending. */
  readonly end: string;
}

/** The template of a public message: `PUBLICA from: text` CRLF. */
export const PUBLIC_TEMPLATE: MessageTemplate = {
  head: `${Keyword.public} `,
  between: ": ",
  end: CRLF,
};

/** The template of a private message: `PRIVADA Mensagem recebida de: from: text` CRLF. */
export const PRIVATE_TEMPLATE: MessageTemplate = {
  head: `${Keyword.private} ${PRIVATE_PREFIX}`,
  between: ": ",
  end: CRLF,
};

/** A message template filled in. */
function filled(t: MessageTemplate, from: string, text: string): string {
  return `${t.head}${from}${t.between}${text}${t.end}`;
}

/**
 * Formats a public message (S12), the sender attached by the server.
 * @param from The sender's nickname.
 * @param text The message text.
 * @returns `PUBLICA from: text` with CRLF.
 */
export function publicLine(from: string, text: string): string {
  return filled(PUBLIC_TEMPLATE, from, text);
}

/**
 * Formats a private message as its target receives it (S12).
 * @param from The sender's nickname.
 * @param text The message text.
 * @returns `PRIVADA Mensagem recebida de: from: text` with CRLF.
 */
export function privateLine(from: string, text: string): string {
  return filled(PRIVATE_TEMPLATE, from, text);
}

/** The reply to the sender of a delivered private message (S12). */
export const SENT_LINE: string = line(Keyword.sent, wire(Message.sent));

/**
 * Formats the goodbye sent after `{quit}` (S7).
 * @param nick The user leaving, if registered.
 * @returns `TCHAU Ate logo, nick` with CRLF.
 */
export function byeLine(nick = ""): string {
  return line(Keyword.bye, wire(Message.bye) + (nick === "" ? "" : `, ${nick}`));
}

/**
 * The help text (X1) for a role: one `AJUDA` line per command.
 *
 * @param role Who asks.
 * @param only Which of the commands to list.
 * @returns The lines, joined, each with CRLF.
 */
export function helpLines(
  role: Role = "anyone",
  only?: (c: CommandSpec) => boolean,
): string {
  return helpTexts(role, only).map((h) => line(Keyword.help, wire(h))).join("");
}

/** The help text (X1) everyone gets: one `AJUDA` line per command. */
export const HELP_LINES: string = helpLines();

/**
 * The line after the user list that tells a newcomer how to talk: one
 * `AJUDA` line, for `nc` and `telnet` users who have no client to tell them.
 */
export const HOW_TO_LINE: string = line(Keyword.help, wire(Message.howTo));
