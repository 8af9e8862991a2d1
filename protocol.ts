/**
 * The papo line protocol: limits, parsing of client lines, validation of
 * nicknames, and the formatting of every line the server sends.
 *
 * This module is pure: it does no I/O. Every wire string is defined here once;
 * `PROTOCOL.md` documents each of them with an example.
 *
 * @example Parse a client line
 * ```ts
 * import { parseCommand } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseCommand("bob:oi"), { kind: "private", to: "bob", text: "oi" });
 * ```
 *
 * @module
 */

import config from "./deno.json" with { type: "json" };

/** The version of papo (from `deno.json`), printed by `--version` of the server and the client. */
export const VERSION: string = config.version;

/** The default TCP port of the server, used when none is given (S8). */
export const DEFAULT_PORT = 7777;

/** The default address the server listens on and the client connects to (S8, S14). */
export const DEFAULT_HOST = "127.0.0.1";

/**
 * L1: the most bytes one client line may have, counted on the bytes received
 * after telnet negotiation is removed and backspace applied, line ending excluded.
 */
export const MAX_LINE_BYTES = 1024;

/** L3: the most characters a nickname may have. */
export const MAX_NICK_LENGTH = 16;

/** L3: what a nickname may be made of: letters, digits, `_` and `-`. */
export const NICK_PATTERN = /^[A-Za-z0-9_-]+$/;

/** L3: names the protocol uses, refused as nicknames (compared without regard to case). */
export const RESERVED_NICKS: ReadonlySet<string> = new Set([
  "quit",
  "users",
  "help",
  "server",
  "servidor",
  "erro",
  "papo",
]);

/**
 * The most nicknames listed in the user list sent on entry (S10). Above it the
 * list names the first ones and the count, and points to `{users}`, so that the
 * entry of a user into a full room costs the same as into a small one.
 */
export const ENTRY_LIST_MAX = 50;

/** The most bytes of nicknames in one `USUARIOS` line of a `{users}` reply. */
export const USERS_LINE_BYTES = 900;

/** Line ending of every line the server sends (S1). */
export const CRLF = "\r\n";

/** The keyword that starts each kind of line the server sends (S3). */
export const Keyword = {
  /** Asks for the nickname (S4). */
  nick: "APELIDO",
  /** Welcome after a nickname is accepted (S10). */
  welcome: "BEMVINDO",
  /** Who is online (S10, X1). */
  users: "USUARIOS",
  /** Someone joined (S11). */
  joined: "ENTROU",
  /** Someone left (S11). */
  left: "SAIU",
  /** A public message (S5, S12). */
  public: "PUBLICA",
  /** A private message received (S6, S12). */
  private: "PRIVADA",
  /** A private message was delivered (S12). */
  sent: "OK",
  /** A line of the help text (X1). */
  help: "AJUDA",
  /** Goodbye after `{quit}` (S7). */
  bye: "TCHAU",
  /** An error, followed by its two-digit code. */
  error: "ERRO",
} as const;

/** A server line keyword. */
export type Keyword = typeof Keyword[keyof typeof Keyword];

/** A language the client can show text in (X3). */
export type Lang = "pt" | "en";

/** A text in both interface languages. */
export interface Text {
  /** Portuguese (pt-BR), with accents; its ASCII form is what goes on the wire. */
  readonly pt: string;
  /** English. */
  readonly en: string;
}

/** The error codes of the protocol (CONTRACT.md). */
export const ErrorCode = {
  /** Nickname already in use. */
  nickTaken: 1,
  /** No such user for a private message. */
  noSuchUser: 2,
  /** Connection closed by force (shutdown, a limit, connection lost). */
  forcedClose: 3,
  /** The server cannot be reached (client side). */
  badServer: 4,
  /** The server's IP address is invalid (server start-up). */
  badAddress: 5,
  /** Invalid nickname (L3). */
  badNick: 6,
  /** Invalid command. */
  badCommand: 7,
  /** Line too long (L1). */
  lineTooLong: 8,
  /** Text that is not ASCII (S1). */
  notAscii: 9,
  /** Messages too fast (L4). */
  flood: 10,
  /** Server full (L5). */
  serverFull: 11,
} as const;

/** One of the protocol's error codes. */
export type ErrorCode = typeof ErrorCode[keyof typeof ErrorCode];

/** The meaning of each error code, in both languages (CONTRACT.md). */
export const ERROR_TEXTS: Readonly<Record<ErrorCode, Text>> = {
  1: { pt: "Esse apelido já está em uso", en: "That nickname is already in use" },
  2: {
    pt: "Destino da mensagem privada não existe",
    en: "The private message's recipient does not exist",
  },
  3: { pt: "Cancelamento de conexão forçado", en: "Connection closed by force" },
  4: { pt: "Servidor de destino é inválido", en: "The destination server is invalid" },
  5: { pt: "Endereço IP do servidor é inválido", en: "The server's IP address is invalid" },
  6: { pt: "Apelido inválido", en: "Invalid nickname" },
  7: { pt: "Comando inválido", en: "Invalid command" },
  8: { pt: "Linha longa demais", en: "Line too long" },
  9: { pt: "Texto não ASCII", en: "Text is not ASCII" },
  10: { pt: "Mensagens rápidas demais", en: "Messages too fast" },
  11: { pt: "Servidor cheio", en: "Server full" },
};

/**
 * Details that follow an error's meaning after `: ` on the wire. A detail that
 * is not one of these is data (a nickname, an address) shown as it is.
 */
export const Detail = {
  nickRules: {
    pt: `use de 1 a ${MAX_NICK_LENGTH} letras, dígitos, _ ou -`,
    en: `use 1 to ${MAX_NICK_LENGTH} letters, digits, _ or -`,
  },
  nickReserved: {
    pt: "nome reservado; digite {quit} para sair",
    en: "reserved name; type {quit} to leave",
  },
  emptyMessage: { pt: "mensagem vazia", en: "empty message" },
  unknownCommand: {
    pt: "use :texto, apelido:texto, {users}, {help} ou {quit}",
    en: "use :text, nick:text, {users}, {help} or {quit}",
  },
  lineLimit: {
    pt: `máximo de ${MAX_LINE_BYTES} bytes; linha descartada`,
    en: `at most ${MAX_LINE_BYTES} bytes; line dropped`,
  },
  asciiOnly: {
    pt: "use só caracteres ASCII; linha descartada",
    en: "use ASCII characters only; line dropped",
  },
  slowDown: {
    pt: "aguarde; suas linhas serão entregues mais devagar",
    en: "wait; your lines will be delivered more slowly",
  },
  shutdown: { pt: "servidor encerrado", en: "server shut down" },
  queueFull: { pt: "cliente não lê o que recebe", en: "client is not reading" },
  nickTimeout: { pt: "tempo para o apelido esgotado", en: "nickname timed out" },
  tooManyFromAddress: {
    pt: "conexões demais deste endereço",
    en: "too many connections from this address",
  },
  connectionLost: { pt: "conexão perdida", en: "connection lost" },
  refused: { pt: "conexão recusada", en: "connection refused" },
  timedOut: { pt: "tempo de conexão esgotado", en: "connection timed out" },
  badHost: { pt: "endereço não encontrado", en: "address not found" },
} as const satisfies Record<string, Text>;

/** The name of one of the {@linkcode Detail} texts. */
export type DetailName = keyof typeof Detail;

/** Other interface texts the server sends, in both languages. */
export const Message = {
  askNick: {
    pt: "Digite seu apelido (ou {quit} para sair)",
    en: "Type your nickname (or {quit} to leave)",
  },
  welcome: { pt: "Bem-vindo ao papo, %s!", en: "Welcome to papo, %s!" },
  online: { pt: "%s online: %s", en: "%s online: %s" },
  more: { pt: "e mais %s; digite {users}", en: "and %s more; type {users}" },
  joined: { pt: "%s entrou no chat", en: "%s joined the chat" },
  left: { pt: "%s saiu do chat", en: "%s left the chat" },
  received: { pt: "Mensagem recebida de: %s", en: "Message received from: %s" },
  sent: { pt: "Mensagem enviada", en: "Message sent" },
  bye: { pt: "Até logo", en: "See you" },
} as const satisfies Record<string, Text>;

/** The help text sent for `{help}` (X1), one line each. */
export const HELP: readonly Text[] = [
  {
    pt: ":texto          mensagem pública para todos",
    en: ":text          public message to everyone",
  },
  {
    pt: "apelido:texto   mensagem privada para apelido",
    en: "nick:text      private message to nick",
  },
  { pt: "{users}         quem está online", en: "{users}        who is online" },
  { pt: "{help}          esta ajuda", en: "{help}         this help" },
  { pt: "{quit} ou quit  sair do chat", en: "{quit} or quit leave the chat" },
];

// ---------------------------------------------------------------- ASCII

const DIACRITICS = /[\u0300-\u036f]/g;
const NON_ASCII = /[^ -~\t\n\r]/gu;
const SPECIAL: Readonly<Record<string, string>> = {
  "ß": "ss",
  "æ": "ae",
  "Æ": "AE",
  "œ": "oe",
  "Œ": "OE",
  "ø": "o",
  "Ø": "O",
  "ð": "d",
  "Ð": "D",
  "þ": "th",
  "Þ": "TH",
  "ł": "l",
  "Ł": "L",
  "‘": "'",
  "’": "'",
  "“": '"',
  "”": '"',
  "–": "-",
  "—": "-",
  "…": "...",
  "«": '"',
  "»": '"',
  "\u00a0": " ",
};

/**
 * Turns text into ASCII: accents are removed (`não` becomes `nao`) and a
 * character with no ASCII form becomes `?` (X3).
 *
 * @param text Any text.
 * @returns The text with only ASCII characters.
 *
 * @example
 * ```ts
 * import { toAscii } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(toAscii("não, ação!"), "nao, acao!");
 * assertEquals(toAscii("日本"), "??");
 * ```
 */
export function toAscii(text: string): string {
  return text.normalize("NFKD").replace(DIACRITICS, "").replace(
    NON_ASCII,
    (ch) => SPECIAL[ch] ?? "?",
  );
}

/**
 * Encodes a line of ASCII text into bytes, faster than `TextEncoder` for the
 * short lines of this protocol. Every server line is ASCII by construction.
 *
 * @param text ASCII text.
 * @returns One byte per character.
 */
export function encodeAscii(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Whether every character of `text` is ASCII (S1).
 *
 * @param text The text to test.
 * @returns `true` when every code unit is below 128.
 */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

// ------------------------------------------------------------- Commands

/** A line a client sent, parsed (S5-S7, X1). */
export type Command =
  | { readonly kind: "public"; readonly text: string }
  | { readonly kind: "private"; readonly to: string; readonly text: string }
  | { readonly kind: "quit" }
  | { readonly kind: "users" }
  | { readonly kind: "help" }
  | { readonly kind: "empty" }
  | { readonly kind: "invalid"; readonly detail: DetailName };

const QUIT: Command = { kind: "quit" };
const USERS: Command = { kind: "users" };
const HELP_COMMAND: Command = { kind: "help" };
const EMPTY: Command = { kind: "empty" };

/**
 * Parses one line a registered client sent (line ending already removed) into
 * a command: `:text` (public), `nick:text` (private), `{quit}` or `quit`,
 * `{users}`, `{help}`; an empty line is `empty` (ignored, L1); anything else,
 * and `:` with no text, is `invalid` (ERRO 07).
 *
 * @param line A line of ASCII text without its line ending.
 * @returns The command the line stands for.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseCommand(":oi"), { kind: "public", text: "oi" });
 * assertEquals(parseCommand("{QUIT}"), { kind: "quit" });
 * assertEquals(parseCommand(":"), { kind: "invalid", detail: "emptyMessage" });
 * ```
 */
export function parseCommand(line: string): Command {
  const colon = line.indexOf(":");
  if (colon === 0) {
    return line.trim().length > 1
      ? { kind: "public", text: line.slice(1) }
      : { kind: "invalid", detail: "emptyMessage" };
  }
  if (colon > 0) {
    const to = line.slice(0, colon).trim();
    if (isNickShaped(to)) {
      const text = line.slice(colon + 1);
      return text.trim().length > 0
        ? { kind: "private", to, text }
        : { kind: "invalid", detail: "emptyMessage" };
    }
  }
  const word = line.trim().toLowerCase();
  switch (word) {
    case "":
      return EMPTY;
    case "{quit}":
    case "quit":
      return QUIT;
    case "{users}":
      return USERS;
    case "{help}":
      return HELP_COMMAND;
  }
  return { kind: "invalid", detail: "unknownCommand" };
}

function isNickShaped(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NICK_LENGTH && NICK_PATTERN.test(name);
}

/** What a line sent at the nickname prompt asks for (S4, S7, L3). */
export type NickAnswer =
  | { readonly kind: "nick"; readonly nick: string }
  | { readonly kind: "quit" }
  | { readonly kind: "empty" }
  | { readonly kind: "invalid"; readonly detail: "nickRules" | "nickReserved" };

/**
 * Validates a line sent at the nickname prompt. Spaces around it are
 * trimmed; `{quit}` leaves; `quit` and the other reserved names are refused
 * with a hint (ERRO 06); a name of other characters or length is refused.
 *
 * @param line The line, without its line ending.
 * @returns The nickname, or why it is refused.
 *
 * @example
 * ```ts
 * import { parseNick } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseNick(" alice "), { kind: "nick", nick: "alice" });
 * assertEquals(parseNick("quit"), { kind: "invalid", detail: "nickReserved" });
 * assertEquals(parseNick("a b"), { kind: "invalid", detail: "nickRules" });
 * ```
 */
export function parseNick(line: string): NickAnswer {
  const nick = line.trim();
  if (nick === "") return { kind: "empty" };
  if (nick.toLowerCase() === "{quit}") return { kind: "quit" };
  if (!isNickShaped(nick)) return { kind: "invalid", detail: "nickRules" };
  if (RESERVED_NICKS.has(nick.toLowerCase())) return { kind: "invalid", detail: "nickReserved" };
  return { kind: "nick", nick };
}

/**
 * The key under which a nickname is unique: nicknames match without regard
 * to case (S6, L3).
 *
 * @param nick A nickname.
 * @returns Its lower-case form.
 */
export function nickKey(nick: string): string {
  return nick.toLowerCase();
}

// --------------------------------------------------------- Server lines

function fill(template: string, ...args: string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? "");
}

/** The wire (ASCII, Portuguese) form of a text, with `%s` filled in. */
function wire(text: Text, ...args: string[]): string {
  return toAscii(fill(text.pt, ...args));
}

/** A server line: its keyword and text, without the line ending. */
function line(keyword: Keyword, text: string): string {
  return `${keyword} ${text}${CRLF}`;
}

/**
 * Formats an error line: `ERRO NN meaning[: detail]` (CONTRACT.md).
 *
 * @param code The error code.
 * @param detail A known detail's name, or data such as a nickname.
 * @returns The line, ending in CRLF.
 *
 * @example
 * ```ts
 * import { ErrorCode, errorLine } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(errorLine(ErrorCode.noSuchUser, "bob"), "ERRO 02 Destino da mensagem privada nao existe: bob\r\n");
 * ```
 */
export function errorLine(code: ErrorCode, detail?: DetailName | string): string {
  const known = detail !== undefined && Object.hasOwn(Detail, detail)
    ? wire(Detail[detail as DetailName])
    : detail;
  return errorDataLine(code, known ?? "");
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
 * import { ErrorCode, errorDataLine } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(errorDataLine(ErrorCode.nickTaken, "shutdown"), "ERRO 01 Esse apelido ja esta em uso: shutdown\r\n");
 * ```
 */
export function errorDataLine(code: ErrorCode, data: string): string {
  const tail = data === "" ? "" : `: ${toAscii(data)}`;
  return line(Keyword.error, `${String(code).padStart(2, "0")} ${wire(ERROR_TEXTS[code])}${tail}`);
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
 * Formats a departure notice (S11).
 * @param nick Who left.
 * @returns `SAIU nick saiu do chat` with CRLF.
 */
export function leftLine(nick: string): string {
  return line(Keyword.left, wire(Message.left, nick));
}

/**
 * Formats a public message (S12), the sender attached by the server.
 * @param from The sender's nickname.
 * @param text The message text.
 * @returns `PUBLICA from: text` with CRLF.
 */
export function publicLine(from: string, text: string): string {
  const bytes = publicBytes(from, text);
  return latin1(bytes, bytes.length);
}

/**
 * Formats a private message as its target receives it (S12).
 * @param from The sender's nickname.
 * @param text The message text.
 * @returns `PRIVADA Mensagem recebida de: from: text` with CRLF.
 */
export function privateLine(from: string, text: string): string {
  const bytes = privateBytes(from, text);
  return latin1(bytes, bytes.length);
}

const PRIVATE_PREFIX = wire(Message.received, "");
const PUBLIC_HEAD = encodeAscii(`${Keyword.public} `);
const PRIVATE_HEAD = encodeAscii(`${Keyword.private} ${PRIVATE_PREFIX}`);

/**
 * The bytes of {@linkcode publicLine}, built without an intermediate string
 * in a scratch buffer: the view is valid until the next call, so copy it
 * (as `Member.send` does) before building another. This is the hot path of
 * routing, done once per message whatever the number of receivers.
 *
 * @example
 * ```ts
 * import { publicBytes } from "./protocol.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(new TextDecoder().decode(publicBytes("ana", "oi")), "PUBLICA ana: oi\r\n");
 * ```
 */
export function publicBytes(from: string, text: string): Uint8Array {
  return messageBytes(PUBLIC_HEAD, from, text);
}

/**
 * The bytes of {@linkcode privateLine}, in the same scratch buffer as
 * {@linkcode publicBytes}.
 *
 * @example
 * ```ts
 * import { privateBytes } from "./protocol.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(
 *   new TextDecoder().decode(privateBytes("ana", "oi")),
 *   "PRIVADA Mensagem recebida de: ana: oi\r\n",
 * );
 * ```
 */
export function privateBytes(from: string, text: string): Uint8Array {
  return messageBytes(PRIVATE_HEAD, from, text);
}

let scratch = new Uint8Array(2 * MAX_LINE_BYTES + 128);

function messageBytes(head: Uint8Array, from: string, text: string): Uint8Array {
  const size = head.length + from.length + text.length + 4;
  if (size > scratch.length) scratch = new Uint8Array(size * 2);
  const out = scratch;
  out.set(head);
  let at = head.length;
  for (let i = 0; i < from.length; i++) out[at++] = from.charCodeAt(i);
  out[at++] = 0x3a; // ":"
  out[at++] = 0x20;
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  return out.subarray(0, at);
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

/** The help text (X1): one `AJUDA` line per command. */
export const HELP_LINES: string = HELP.map((h) => line(Keyword.help, wire(h))).join("");

// ------------------------------------------------ Reading server lines

/** A line the server sent, parsed for display by a client. */
export type ServerLine =
  | { readonly kind: "nick" }
  | { readonly kind: "welcome"; readonly nick: string }
  | { readonly kind: "users"; readonly text: string }
  | { readonly kind: "joined"; readonly nick: string }
  | { readonly kind: "left"; readonly nick: string }
  | { readonly kind: "public"; readonly from: string; readonly text: string }
  | { readonly kind: "private"; readonly from: string; readonly text: string }
  | { readonly kind: "sent" }
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "bye" }
  | { readonly kind: "error"; readonly code: number; readonly detail: string }
  | { readonly kind: "other"; readonly text: string };

/**
 * Parses a line the server sent (line ending removed), for a client to show.
 *
 * @param text The line.
 * @returns What kind of line it is, with its parts.
 *
 * @example
 * ```ts
 * import { parseServerLine } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseServerLine("PUBLICA bob: oi"), { kind: "public", from: "bob", text: "oi" });
 * assertEquals(parseServerLine("ERRO 02 Destino da mensagem privada nao existe: x"), { kind: "error", code: 2, detail: "x" });
 * ```
 */
export function parseServerLine(text: string): ServerLine {
  const space = text.indexOf(" ");
  const keyword = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space + 1);
  switch (keyword) {
    case Keyword.nick:
      return { kind: "nick" };
    case Keyword.welcome: {
      const m = /, ([^ ,!]+)!$/.exec(rest);
      return { kind: "welcome", nick: m?.[1] ?? "" };
    }
    case Keyword.users:
      return { kind: "users", text: rest };
    case Keyword.joined:
      return { kind: "joined", nick: firstWord(rest) };
    case Keyword.left:
      return { kind: "left", nick: firstWord(rest) };
    case Keyword.public: {
      const at = rest.indexOf(": ");
      if (at > 0) return { kind: "public", from: rest.slice(0, at), text: rest.slice(at + 2) };
      break;
    }
    case Keyword.private: {
      if (rest.startsWith(PRIVATE_PREFIX)) {
        const body = rest.slice(PRIVATE_PREFIX.length);
        const at = body.indexOf(": ");
        if (at > 0) return { kind: "private", from: body.slice(0, at), text: body.slice(at + 2) };
      }
      break;
    }
    case Keyword.sent:
      return { kind: "sent" };
    case Keyword.help:
      return { kind: "help", text: rest };
    case Keyword.bye:
      return { kind: "bye" };
    case Keyword.error: {
      const m = /^(\d\d) ([^:]*)(?:: (.*))?$/.exec(rest);
      if (m) return { kind: "error", code: Number(m[1]), detail: m[3] ?? "" };
      break;
    }
  }
  return { kind: "other", text };
}

function firstWord(text: string): string {
  const space = text.indexOf(" ");
  return space < 0 ? text : text.slice(0, space);
}

/**
 * The text of an error in a language, with its detail translated when it is
 * one of the known {@linkcode Detail} texts, or shown as it is otherwise.
 *
 * @param code The error code.
 * @param detail The detail after `: ` on the wire, or `""`.
 * @param lang The language to show it in.
 * @returns For example `ERRO 02: Destino da mensagem privada não existe (bob)`.
 *
 * @example
 * ```ts
 * import { describeError } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(describeError(6, "nome reservado; digite {quit} para sair", "en"), "ERRO 06: Invalid nickname (reserved name; type {quit} to leave)");
 * ```
 */
export function describeError(code: number, detail: string, lang: Lang): string {
  const known = ERROR_TEXTS[code as ErrorCode];
  const meaning = known ? known[lang] : "?";
  const shown = detail === "" ? "" : ` (${translateDetail(detail, lang)})`;
  return `ERRO ${String(code).padStart(2, "0")}: ${meaning}${shown}`;
}

const DETAIL_BY_WIRE: ReadonlyMap<string, Text> = new Map(
  Object.values(Detail).map((d) => [toAscii(d.pt), d]),
);

/**
 * Translates a detail from the wire into a language, when it is a known one.
 *
 * @param detail The ASCII detail received.
 * @param lang The language to show it in.
 * @returns The translated detail, or `detail` unchanged.
 */
export function translateDetail(detail: string, lang: Lang): string {
  return DETAIL_BY_WIRE.get(detail)?.[lang] ?? detail;
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

// ----------------------------------------------------------- Line reader

const LF = 0x0a;
const CR = 0x0d;
const BS = 0x08;
const DEL = 0x7f;
const ESC = 0x1b;
const TAB = 0x09;
const NUL = 0x00;
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;

/** What a {@linkcode LineReader} finds in the bytes it is given. */
export type LineEvent =
  | { readonly kind: "line"; readonly text: string }
  | { readonly kind: "tooLong" }
  | { readonly kind: "notAscii" };

const TOO_LONG: LineEvent = { kind: "tooLong" };
const NOT_ASCII: LineEvent = { kind: "notAscii" };

const enum State {
  Text,
  AfterCr,
  Iac,
  SkipOne,
  Ss3,
  Sub,
  SubIac,
  Esc,
  Csi,
}

/**
 * Cuts a byte stream into lines (S1, S2, L1, L2), keeping at most
 * `maxBytes` bytes of the line it is reading:
 * - LF, CRLF, a lone CR and CR NUL each end a line;
 * - telnet negotiation (IAC sequences) is removed, `IAC IAC` is the byte 255;
 * - backspace (0x08) and DEL (0x7f) remove the last byte of the line;
 * - ANSI escape sequences (ESC ...) and other control characters are removed,
 *   a tab becomes a space;
 * - a line over `maxBytes` bytes is reported as `tooLong` once its end comes,
 *   one with a byte over 127 as `notAscii`; neither is kept.
 *
 * @example
 * ```ts
 * import { LineReader } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * const reader = new LineReader();
 * const out = reader.push(new TextEncoder().encode("ab\x08c\r\nx"));
 * assertEquals(out, [{ kind: "line", text: "ac" }]);
 * ```
 */
export class LineReader {
  #buf: Uint8Array;
  #len = 0;
  #max: number;
  #state = State.Text;
  /** Bytes of the line past `maxBytes`: counted, never kept; backspace takes them first. */
  #excess = 0;
  /** How many bytes over 127 the line holds (backspace may erase them). */
  #high = 0;

  /**
   * @param maxBytes The most bytes a line may have.
   * @default {MAX_LINE_BYTES}
   */
  constructor(maxBytes: number = MAX_LINE_BYTES) {
    this.#max = maxBytes;
    this.#buf = new Uint8Array(Math.min(maxBytes, 64));
  }

  /** How many bytes of an unfinished line are held (at most `maxBytes`). */
  get pending(): number {
    return this.#len;
  }

  /**
   * Reads more bytes.
   *
   * @param bytes The bytes received.
   * @param out Where to append the events (a new array when not given).
   * @returns The events found, in order.
   */
  push(bytes: Uint8Array, out: LineEvent[] = []): LineEvent[] {
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      switch (this.#state) {
        case State.Text:
          if (b >= 0x20 && b < 0x7f) {
            this.#keep(b);
          } else if (b === LF) {
            this.#end(out);
          } else if (b === CR) {
            this.#end(out);
            this.#state = State.AfterCr;
          } else {
            this.#special(b);
          }
          break;
        case State.AfterCr:
          this.#state = State.Text;
          if (b !== LF && b !== NUL) i--;
          break;
        case State.Iac:
          if (b === IAC) {
            this.#state = State.Text;
            this.#keepHigh(b);
          } else if (b === SB) this.#state = State.Sub;
          else if (b >= WILL && b <= DONT) this.#state = State.SkipOne;
          else {
            this.#state = State.Text;
            if (b < SE) {
              // Not a telnet command: a stray 0xFF byte, and `b` is read again.
              this.#keepHigh(IAC);
              i--;
            }
          }
          break;
        case State.SkipOne:
          this.#state = State.Text;
          break;
        case State.Sub:
          if (b === IAC) this.#state = State.SubIac;
          break;
        case State.SubIac:
          this.#state = b === SE ? State.Text : State.Sub;
          break;
        case State.Esc:
          // CSI (ESC [) runs to its final byte; SS3 (ESC O) has one more byte
          this.#state = b === 0x5b ? State.Csi : b === 0x4f ? State.Ss3 : State.Text;
          // a control character (a line ending, another ESC) is read again
          if (b < 0x20) i--;
          break;
        case State.Ss3:
          this.#state = State.Text;
          if (b < 0x20) i--;
          break;
        case State.Csi:
          if (b >= 0x40 && b <= 0x7e) this.#state = State.Text;
          else if (b < 0x20 || b > 0x3f) {
            this.#state = State.Text;
            i--;
          }
          break;
      }
    }
    return out;
  }

  #special(b: number): void {
    if (b === IAC) this.#state = State.Iac;
    else if (b === BS || b === DEL) {
      if (this.#excess > 0) this.#excess--;
      else if (this.#len > 0 && this.#buf[--this.#len]! > 0x7f) this.#high--;
    } else if (b === ESC) this.#state = State.Esc;
    else if (b === TAB) this.#keep(0x20);
    else if (b > 0x7f) this.#keepHigh(b);
    // other control characters are dropped (L2)
  }

  #keep(b: number): void {
    if (this.#len >= this.#max) {
      // Not kept; a byte over 127 out here keeps the line not ASCII even if erased.
      this.#excess++;
      return;
    }
    if (this.#len === this.#buf.length) {
      const bigger = new Uint8Array(Math.min(this.#max, this.#buf.length * 4));
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    this.#buf[this.#len++] = b;
  }

  #keepHigh(b: number): void {
    this.#high++;
    this.#keep(b);
  }

  #end(out: LineEvent[]): void {
    if (this.#excess > 0) out.push(TOO_LONG);
    else if (this.#high > 0) out.push(NOT_ASCII);
    else out.push({ kind: "line", text: latin1(this.#buf, this.#len) });
    this.#len = 0;
    this.#excess = 0;
    this.#high = 0;
  }
}

function latin1(buf: Uint8Array, len: number): string {
  if (len <= 256) {
    return String.fromCharCode.apply(null, buf.subarray(0, len) as unknown as number[]);
  }
  let s = "";
  for (let i = 0; i < len; i += 256) {
    s += String.fromCharCode.apply(
      null,
      buf.subarray(i, Math.min(len, i + 256)) as unknown as number[],
    );
  }
  return s;
}

// ------------------------------------------------------ Addresses, ports

/**
 * Checks an IPv4 address in dotted-decimal form (S1, S8): four numbers from
 * 0 to 255 without leading zeros. A blank answer means {@linkcode DEFAULT_HOST}.
 *
 * @param text The address typed or given with `--host`.
 * @returns The address, or `undefined` when it is not an IPv4 address (ERRO 05).
 *
 * @example
 * ```ts
 * import { parseIPv4 } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseIPv4(" "), "127.0.0.1");
 * assertEquals(parseIPv4("10.0.0.256"), undefined);
 * ```
 */
export function parseIPv4(text: string): string | undefined {
  const s = text.trim();
  if (s === "") return DEFAULT_HOST;
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
  }
  return s;
}

/**
 * Checks a TCP port: a whole number from 0 to 65535 (0 asks the system for a
 * free port). A blank answer means {@linkcode DEFAULT_PORT}.
 *
 * @param text The port typed or given with `--port`.
 * @returns The port, or `undefined` when it is not a port.
 *
 * @example
 * ```ts
 * import { parsePort } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parsePort(""), 7777);
 * assertEquals(parsePort("65536"), undefined);
 * ```
 */
export function parsePort(text: string): number | undefined {
  const s = text.trim();
  if (s === "") return DEFAULT_PORT;
  if (!/^[0-9]{1,5}$/.test(s)) return undefined;
  const port = Number(s);
  return port <= 65535 ? port : undefined;
}
