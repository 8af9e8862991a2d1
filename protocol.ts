/**
 * The papo line protocol: the one place that defines every line on the wire,
 * both ways. What a client may send is the command table
 * {@linkcode COMMANDS}; what the server sends is a keyword
 * ({@linkcode Keyword}) and a text, formatted by the functions below, and
 * every error is a code of {@linkcode ErrorCode} with its meaning and a
 * detail. Texts are kept in Portuguese and English; the wire carries the
 * Portuguese, made ASCII.
 *
 * This module is pure: it does no I/O. `PROTOCOL.md` documents each line with
 * an example. Reading these lines back is done in `wire/`: client lines by
 * `wire/commands.ts`, server lines by `wire/server_lines.ts`.
 *
 * @example Format a server line
 * ```ts
 * import { joinedLine } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(joinedLine("bob"), "ENTROU bob entrou no chat\r\n");
 * ```
 *
 * @module
 */

import config from "./deno.json" with { type: "json" };
import { toAscii } from "./wire/ascii.ts";

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
  /** A private message was delivered (S12); a teacher's command was done (C2, C3). */
  sent: "OK",
  /** A notice to everyone from the teacher or about the room (C3). */
  notice: "AVISO",
  /** A public message from before one joined (C4). */
  history: "HISTORICO",
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

/** The error codes of the protocol (the requirement table in PROTOCOL.md). */
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
  /** Wrong teacher's token (C2). */
  badToken: 12,
  /** A teacher's command from someone else (C3). */
  teacherOnly: 13,
  /** The sender is muted (C3). */
  muted: 14,
  /** The address is banned (C3). */
  banned: 15,
  /** The room is locked (C3). */
  locked: 16,
  /** The room's shared engine (Redis) is away: nothing was done (N5). */
  roomDown: 17,
} as const;

/** One of the protocol's error codes. */
export type ErrorCode = typeof ErrorCode[keyof typeof ErrorCode];

/** The meaning of each error code, in both languages. */
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
  12: { pt: "Senha de professor incorreta", en: "Wrong teacher's token" },
  13: { pt: "Comando só do professor", en: "Only the teacher may do that" },
  14: { pt: "Você está silenciado", en: "You are muted" },
  15: { pt: "Endereço banido", en: "Address banned" },
  16: { pt: "Sala trancada", en: "Room locked" },
  17: { pt: "Sala indisponível", en: "Room unavailable" },
};

/** Who may use a command. */
export type Role = "anyone" | "teacher";

/** Where a command may be used: at the nickname prompt, in the chat, or both. */
export type Phase = "nick" | "chat" | "both";

/** How a client line names a command: `{name ...}`, `:text`, or `nick:text`. */
export type Syntax = "brace" | "public" | "private";

/** What follows a command's name inside its braces. */
export type ArgKind = "none" | "word" | "text";

/** One command a client may send: its form, where and by whom, and its help. */
export interface CommandSpec {
  /** Its name; for a `brace` command, what goes inside the braces. */
  readonly name: string;
  /** How a line names it. */
  readonly syntax: Syntax;
  /** Bare words (no braces) that stand for it too, such as `quit`. */
  readonly words?: readonly string[];
  /** What follows the name. @default {"none"} */
  readonly arg?: ArgKind;
  /** Where it may be used. */
  readonly phase: Phase;
  /** Who may use it. */
  readonly role: Role;
  /** How to write it, shown by `{help}`. */
  readonly usage: Text;
  /** What it does, shown by `{help}`. */
  readonly help: Text;
  /** Listed in the hint of `ERRO 07` and of the client. */
  readonly hint?: boolean;
  /** What the client's hint says of it (after its form), when it says more than the form. */
  readonly brief?: Text;
  /** Left out of `{help}` (a command one learns elsewhere, such as `{admin}`). */
  readonly hidden?: boolean;
}

/**
 * Every command a client may send, in the order `{help}` lists them (S5-S7,
 * X1). Parsing (`wire/commands.ts`), the server's dispatch (each name has one
 * handler in `server/commands.ts`), `{help}`, the hint of `ERRO 07`, the
 * reserved nicknames and the client's hint all come from this table.
 */
export const COMMANDS = [
  {
    name: "public",
    syntax: "public",
    phase: "chat",
    role: "anyone",
    usage: { pt: ":texto", en: ":text" },
    help: { pt: "mensagem pública para todos", en: "public message to everyone" },
    hint: true,
    brief: { pt: "para todos", en: "for everyone" },
  },
  {
    name: "private",
    syntax: "private",
    phase: "chat",
    role: "anyone",
    usage: { pt: "apelido:texto", en: "nick:text" },
    help: { pt: "mensagem privada para apelido", en: "private message to nick" },
    hint: true,
    brief: { pt: "para uma pessoa", en: "for one person" },
  },
  {
    name: "users",
    syntax: "brace",
    phase: "chat",
    role: "anyone",
    usage: { pt: "{users}", en: "{users}" },
    help: { pt: "quem está online", en: "who is online" },
    hint: true,
  },
  {
    name: "help",
    syntax: "brace",
    phase: "chat",
    role: "anyone",
    usage: { pt: "{help}", en: "{help}" },
    help: { pt: "esta ajuda", en: "this help" },
    hint: true,
  },
  {
    name: "quit",
    syntax: "brace",
    words: ["quit"],
    phase: "both",
    role: "anyone",
    usage: { pt: "{quit} ou quit", en: "{quit} or quit" },
    help: { pt: "sair do chat", en: "leave the chat" },
    hint: true,
  },
  {
    name: "admin",
    syntax: "brace",
    arg: "word",
    phase: "chat",
    role: "anyone",
    hidden: true,
    usage: { pt: "{admin senha}", en: "{admin token}" },
    help: { pt: "tornar-se o professor", en: "become the teacher" },
  },
  teacher("kick", "word", ["{kick apelido}", "remover da sala"], [
    "{kick nick}",
    "remove from the room",
  ]),
  teacher("mute", "word", ["{mute apelido}", "silenciar"], ["{mute nick}", "mute"]),
  teacher("unmute", "word", ["{unmute apelido}", "deixar falar"], ["{unmute nick}", "let speak"]),
  teacher(
    "ban",
    "word",
    ["{ban apelido}", "remover e banir o endereço"],
    ["{ban nick}", "remove and ban the address"],
  ),
  teacher("unban", "word", ["{unban IP}", "desbanir um endereço"], [
    "{unban IP}",
    "unban an address",
  ]),
  teacher("bans", "none", ["{bans}", "endereços banidos"], ["{bans}", "banned addresses"]),
  teacher("lock", "none", ["{lock}", "trancar: ninguém mais entra"], [
    "{lock}",
    "lock: nobody else joins",
  ]),
  teacher("unlock", "none", ["{unlock}", "destrancar"], ["{unlock}", "unlock"]),
  teacher("say", "text", ["{say texto}", "aviso para todos"], ["{say text}", "notice to everyone"]),
] as const satisfies readonly CommandSpec[];

/** A teacher's command (C3): its name, argument, and usage and help in pt and en. */
function teacher<const N extends string>(
  name: N,
  arg: ArgKind,
  pt: readonly [string, string],
  en: readonly [string, string],
) {
  return {
    name,
    syntax: "brace",
    arg,
    phase: "chat",
    role: "teacher",
    usage: { pt: pt[0], en: en[0] },
    help: { pt: pt[1], en: en[1] },
  } as const;
}

/** The name of one of the {@linkcode COMMANDS}. */
export type CommandName = typeof COMMANDS[number]["name"];

/** Names the protocol uses for itself, refused as nicknames besides the commands' names (L3). */
const PROTOCOL_NAMES = ["server", "servidor", "erro", "papo", "professor", "teacher"] as const;

/**
 * L3: names refused as nicknames (compared without regard to case): the
 * names and words of the brace commands, and the protocol's own names.
 */
export const RESERVED_NICKS: ReadonlySet<string> = new Set([
  ...(COMMANDS as readonly CommandSpec[]).filter((c) => c.syntax === "brace").flatMap((
    c,
  ) => [c.name, ...(c.words ?? [])]),
  ...PROTOCOL_NAMES,
]);

/** The form a command takes in a hint: its usage, or `{name}` for a brace command. */
function hintForm(c: CommandSpec, lang: Lang): string {
  return c.syntax === "brace" ? `{${c.name}}` : c.usage[lang];
}

/** `a, b, c ou d` in Portuguese, `a, b, c or d` in English. */
function listOf(items: readonly string[], lang: Lang): string {
  if (items.length < 2) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${lang === "pt" ? "ou" : "or"} ${items.at(-1)}`;
}

/**
 * The commands of the hints, in a language, as `ERRO 07` lists them
 * (`:texto, apelido:texto, {users}, {help} ou {quit}`) or, with `brief`, as
 * the client's hint does (`:texto para todos, ...`).
 *
 * @param lang The language.
 * @param brief Whether to add each command's brief description.
 * @returns The list, joined as a sentence.
 */
export function commandHint(lang: Lang, brief = false): string {
  const hinted = (COMMANDS as readonly CommandSpec[]).filter((c) => c.hint === true);
  return listOf(
    hinted.map((c) =>
      brief && c.brief ? `${hintForm(c, lang)} ${c.brief[lang]}` : hintForm(c, lang)
    ),
    lang,
  );
}

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
  unknownCommand: { pt: `use ${commandHint("pt")}`, en: `use ${commandHint("en")}` },
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
  tooManyWaitingHere: {
    pt: "conexões demais sem apelido deste endereço",
    en: "too many connections without a nickname from this address",
  },
  tooManyWaiting: {
    pt: "conexões demais esperando apelido",
    en: "too many connections waiting for a nickname",
  },
  roomUnavailable: {
    pt: "sala indisponível; tente de novo",
    en: "room unavailable; try again",
  },
  connectionLost: { pt: "conexão perdida", en: "connection lost" },
  refused: { pt: "conexão recusada", en: "connection refused" },
  timedOut: { pt: "tempo de conexão esgotado", en: "connection timed out" },
  badHost: { pt: "endereço não encontrado", en: "address not found" },
  kicked: { pt: "removido pelo professor", en: "removed by the teacher" },
  tooManyTries: { pt: "tentativas demais", en: "too many tries" },
  mutedHint: {
    pt: "só mensagens privadas ao professor passam",
    en: "only private messages to the teacher go through",
  },
  usage: { pt: "uso", en: "usage" },
  loginRefused: {
    pt: "entrada recusada por enquanto; digite seu apelido de novo em instantes",
    en: "login refused for now; type your nickname again in a moment",
  },
  notSent: {
    pt: "mensagem não enviada; tente de novo em instantes",
    en: "message not sent; try again in a moment",
  },
  notDone: {
    pt: "comando não feito; tente de novo em instantes",
    en: "command not done; try again in a moment",
  },
  nickLost: {
    pt: "seu apelido foi tomado enquanto a sala estava indisponível",
    en: "your nickname was taken while the room was unavailable",
  },
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
  leftRemoved: { pt: "%s foi removido pelo professor", en: "%s was removed by the teacher" },
  joinedMany: { pt: "%s pessoas entraram (%s online): %s", en: "%s people joined (%s online): %s" },
  leftMany: { pt: "%s pessoas saíram (%s online): %s", en: "%s people left (%s online): %s" },
  andMore: { pt: "%s e mais %s", en: "%s and %s more" },
  teacher: {
    pt: "você agora é o professor; digite {help}",
    en: "you are now the teacher; type {help}",
  },
  teacherSays: { pt: "professor: %s", en: "teacher: %s" },
  mutedBy: { pt: "%s foi silenciado pelo professor", en: "%s was muted by the teacher" },
  unmutedBy: { pt: "%s pode falar de novo", en: "%s may speak again" },
  lockedBy: {
    pt: "a sala foi trancada pelo professor; ninguém mais entra",
    en: "the room was locked by the teacher; nobody else joins",
  },
  unlockedBy: { pt: "a sala foi destrancada", en: "the room was unlocked" },
  alive: { pt: "sim, o servidor está aqui", en: "yes, the server is here" },
  howTo: { pt: `Digite ${commandHint("pt", true)}`, en: `Type ${commandHint("en", true)}` },
  kickDone: { pt: "%s foi removido", en: "%s was removed" },
  banDone: {
    pt: "%s foi removido e o endereço %s banido",
    en: "%s was removed and address %s banned",
  },
  unbanDone: { pt: "endereço %s desbanido", en: "address %s unbanned" },
  notBanned: { pt: "o endereço %s não estava banido", en: "address %s was not banned" },
  bans: { pt: "banidos: %s", en: "banned: %s" },
  noBans: { pt: "nenhum endereço banido", en: "no address banned" },
  alreadyMuted: { pt: "%s já estava silenciado", en: "%s was muted already" },
  notMuted: { pt: "%s não estava silenciado", en: "%s was not muted" },
} as const satisfies Record<string, Text>;

/** The column where the help text of a command starts, per language. */
const HELP_COLUMN: Readonly<Record<Lang, number>> = { pt: 16, en: 15 };

/**
 * The help text (X1) for a role, one entry per command it may use in the
 * chat: the usage, padded to a column, then what it does.
 *
 * @param role `anyone` for the commands everyone has; `teacher` adds the teacher's.
 * @returns One text per command, in {@linkcode COMMANDS} order.
 */
export function helpTexts(role: Role = "anyone"): Text[] {
  const shown = (COMMANDS as readonly CommandSpec[]).filter((c) =>
    c.phase !== "nick" && c.hidden !== true && (role === "teacher" || c.role === "anyone")
  );
  const entry = (c: CommandSpec, lang: Lang) => {
    const column = Math.max(HELP_COLUMN[lang], c.usage[lang].length + 1);
    return c.usage[lang].padEnd(column) + c.help[lang];
  };
  return shown.map((c) => ({ pt: entry(c, "pt"), en: entry(c, "en") }));
}

/** The help text sent for `{help}` (X1) to everyone, one entry per line. */
export const HELP: readonly Text[] = helpTexts();

// --------------------------------------------------------- Server lines

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
 * import { ErrorCode, errorLine } from "./protocol.ts";
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
 * Formats a public message (S12), the sender attached by the server.
 * @param from The sender's nickname.
 * @param text The message text.
 * @returns `PUBLICA from: text` with CRLF.
 */
export function publicLine(from: string, text: string): string {
  return line(Keyword.public, `${from}: ${text}`);
}

/**
 * Formats a private message as its target receives it (S12).
 * @param from The sender's nickname.
 * @param text The message text.
 * @returns `PRIVADA Mensagem recebida de: from: text` with CRLF.
 */
export function privateLine(from: string, text: string): string {
  return line(Keyword.private, `${PRIVATE_PREFIX}${from}: ${text}`);
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
 * @returns The lines, joined, each with CRLF.
 */
export function helpLines(role: Role = "anyone"): string {
  return helpTexts(role).map((h) => line(Keyword.help, wire(h))).join("");
}

/** The help text (X1) everyone gets: one `AJUDA` line per command. */
export const HELP_LINES: string = helpLines();

/**
 * The line after the user list that tells a newcomer how to talk: one
 * `AJUDA` line, for `nc` and `telnet` users who have no client to tell them.
 */
export const HOW_TO_LINE: string = line(Keyword.help, wire(Message.howTo));
