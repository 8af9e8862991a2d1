/**
 * What a client may send (S5-S7, X1, C2, C3): the command table, and what
 * comes from it (the reserved nicknames, the hints, the help text).
 *
 * @module
 */

import { Keyword, type Lang, type Text } from "./limits.ts";

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
  teacher("unmute", "word", ["{unmute apelido}", "deixar falar (apelido ou IP)"], [
    "{unmute nick}",
    "let speak (nick or IP)",
  ]),
  teacher(
    "ban",
    "word",
    ["{ban apelido}", "remover e banir o endereço"],
    ["{ban nick}", "remove and ban the address"],
  ),
  teacher("unban", "word", ["{unban IP}", "liberar ban, kick e silêncio (IP ou apelido)"], [
    "{unban IP}",
    "lift ban, kick and mute (IP or nick)",
  ]),
  teacher("bans", "none", ["{bans}", "bans, kicks e silêncios"], [
    "{bans}",
    "bans, kicks and mutes",
  ]),
  teacher("lock", "none", ["{lock}", "trancar: ninguém mais entra"], [
    "{lock}",
    "lock: nobody else joins",
  ]),
  teacher("unlock", "none", ["{unlock}", "destrancar"], ["{unlock}", "unlock"]),
  teacher("say", "text", ["{say texto}", "aviso para todos"], ["{say text}", "notice to everyone"]),
] as const satisfies readonly CommandSpec[];

/** A teacher's command (C3): its name, argument, and usage and help in pt and en. */
function teacher<const N extends string, const A extends ArgKind>(
  name: N,
  arg: A,
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

/** The kind of argument a command of the table takes (`none` when its entry names none). */
export type ArgOf<K extends CommandName> = Extract<typeof COMMANDS[number], { name: K }> extends
  { readonly arg: infer A extends ArgKind } ? A : "none";

/** Names the protocol uses for itself, refused as nicknames besides the commands' names (L3). */
const PROTOCOL_NAMES = ["server", "servidor", "erro", "papo", "professor", "teacher"] as const;

/**
 * L3: names refused as nicknames (compared without regard to case): the
 * names and words of the brace commands, the protocol's own names, and every
 * keyword a server line starts with (`AVISO`, `ENTROU`, `OK`...), so nobody
 * is called `AVISO` and no join reads `ENTROU SAIU entrou no chat`.
 */
export const RESERVED_NICKS: ReadonlySet<string> = new Set([
  ...(COMMANDS as readonly CommandSpec[]).filter((c) => c.syntax === "brace").flatMap((
    c,
  ) => [c.name, ...(c.words ?? [])]),
  ...PROTOCOL_NAMES,
  ...Object.values(Keyword).map((k) => k.toLowerCase()),
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

/** The column where the help text of a command starts, per language. */
const HELP_COLUMN: Readonly<Record<Lang, number>> = { pt: 16, en: 15 };

/**
 * The help text (X1) for a role, one entry per command it may use in the
 * chat: the usage, padded to a column, then what it does.
 *
 * @param role `anyone` for the commands everyone has; `teacher` adds the teacher's.
 * @param only Which of those to show (the console shows the brace commands only).
 * @returns One text per command, in {@linkcode COMMANDS} order.
 */
export function helpTexts(
  role: Role = "anyone",
  only: (c: CommandSpec) => boolean = () => true,
): Text[] {
  const shown = (COMMANDS as readonly CommandSpec[]).filter((c) =>
    c.phase !== "nick" && c.hidden !== true && (role === "teacher" || c.role === "anyone") &&
    only(c)
  );
  // One column for every row shown (issue 19.6: `{unmute apelido}` stood out of line).
  const column = (lang: Lang) =>
    Math.max(HELP_COLUMN[lang], ...shown.map((c) => c.usage[lang].length + 2));
  const width = { pt: column("pt"), en: column("en") };
  const entry = (c: CommandSpec, lang: Lang) => c.usage[lang].padEnd(width[lang]) + c.help[lang];
  return shown.map((c) => ({ pt: entry(c, "pt"), en: entry(c, "en") }));
}

/** The help text sent for `{help}` (X1) to everyone, one entry per line. */
export const HELP: readonly Text[] = helpTexts();
