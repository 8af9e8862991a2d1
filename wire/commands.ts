/**
 * Reading a client's line into a command (S4-S7, X1, L3), by the command
 * table of `protocol.ts`: `:text`, `nick:text`, `{name}` or `{name arg}`, and
 * a command's bare words (`quit`).
 *
 * @module
 */

import {
  type ArgOf,
  type CommandName,
  COMMANDS,
  type CommandSpec,
  type DetailName,
  MAX_BLANK_RUN,
  MAX_NICK_LENGTH,
  type Phase,
  RESERVED_NICKS,
  shortenBlanks,
} from "../protocol.ts";

/** The name of a command written in braces (every command but `public` and `private`). */
export type BraceName = Exclude<CommandName, "public" | "private">;

/**
 * A brace command, parsed: with its argument when the table gives it one
 * (`{kick bob}`: `{ kind: "kick", arg: "bob" }`), without otherwise.
 */
export type BraceCommand = {
  [K in BraceName]: ArgOf<K> extends "none" ? { readonly kind: K }
    : { readonly kind: K; readonly arg: string };
}[BraceName];

/** A line a client sent, parsed (S5-S7, X1). */
export type Command =
  | { readonly kind: "public"; readonly text: string }
  | { readonly kind: "private"; readonly to: string; readonly text: string }
  | BraceCommand
  | { readonly kind: "empty" }
  | {
    readonly kind: "invalid";
    readonly detail: DetailName;
    /** The command whose usage was broken (with `usage`). */
    readonly command?: string;
  };

const TABLE = COMMANDS as readonly CommandSpec[];

/** The brace commands by name, and by bare word. */
const BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(
  TABLE.filter((c) => c.syntax === "brace").map((c) => [c.name, c]),
);
const BY_WORD: ReadonlyMap<string, CommandSpec> = new Map(
  TABLE.flatMap((c) => (c.words ?? []).map((w) => [w, c] as const)),
);

const EMPTY: Command = { kind: "empty" };
const UNKNOWN: Command = { kind: "invalid", detail: "unknownCommand" };
const EMPTY_MESSAGE: Command = { kind: "invalid", detail: "emptyMessage" };
/** Commands without an argument, made once. */
const BARE: ReadonlyMap<string, Command> = new Map(
  TABLE.filter((c) => c.syntax === "brace" && (c.arg ?? "none") === "none")
    .map((c) => [c.name, { kind: c.name } as Command]),
);

/**
 * Parses one line a registered client sent (line ending already removed) into
 * a command: `:text` (public), `nick:text` (private), a `{command}` of the
 * table or one of its bare words (`quit`); an empty line is `empty` (ignored,
 * L1); anything else, and `:` with no text, is `invalid` (ERRO 07).
 *
 * @param line A line of ASCII text without its line ending.
 * @param phase Where the line was sent: commands of the other phase are unknown there.
 * @returns The command the line stands for.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./commands.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseCommand(":oi"), { kind: "public", text: "oi" });
 * assertEquals(parseCommand("bob:oi"), { kind: "private", to: "bob", text: "oi" });
 * assertEquals(parseCommand("{QUIT}"), { kind: "quit" });
 * assertEquals(parseCommand(":"), { kind: "invalid", detail: "emptyMessage" });
 * ```
 */
export function parseCommand(line: string, phase: Exclude<Phase, "both"> = "chat"): Command {
  const colon = line.indexOf(":");
  if (colon >= 0) {
    // Spaces before the colon are ignored, as around a nickname: `  :oi` is public.
    const to = colon === 0 ? "" : line.slice(0, colon).trim();
    if (to === "") {
      const text = messageText(line, colon);
      return text === undefined ? EMPTY_MESSAGE : { kind: "public", text };
    }
    if (isNickShaped(to)) {
      const text = messageText(line, colon);
      return text === undefined ? EMPTY_MESSAGE : { kind: "private", to, text };
    }
  }
  const word = line.trim();
  if (word === "") return EMPTY;
  const spec = braceCommand(word) ?? BY_WORD.get(word.toLowerCase());
  if (spec === undefined || !usableIn(spec, phase)) return UNKNOWN;
  return brace(spec, word);
}

/** A run of blanks longer than a message may hold (L11). */
const LONG_BLANKS = " ".repeat(MAX_BLANK_RUN + 1);

/**
 * The text of a message after the colon at `colon`, with no run of more
 * than four blanks (L11: no forged rows); `undefined` when it is blank.
 */
function messageText(line: string, colon: number): string | undefined {
  let text = line.slice(colon + 1);
  // P3: most messages have no long run of blanks; looking for one is cheaper than replacing.
  if (text.includes(LONG_BLANKS)) text = shortenBlanks(text);
  return text.trim().length > 0 ? text : undefined;
}

/** The command a `{name ...}` line names, if it is one of the table's. */
function braceCommand(word: string): CommandSpec | undefined {
  if (word.length < 3 || word[0] !== "{" || word[word.length - 1] !== "}") return undefined;
  const inner = word.slice(1, -1);
  const space = inner.indexOf(" ");
  return BY_NAME.get((space < 0 ? inner : inner.slice(0, space)).toLowerCase());
}

/** The command of a brace line or bare word, with its argument checked. */
function brace(spec: CommandSpec, word: string): Command {
  const inner = word[0] === "{" ? word.slice(1, -1) : word;
  const space = inner.indexOf(" ");
  const arg = space < 0 ? "" : inner.slice(space + 1).trim();
  const kind = spec.name;
  // The table's entry says which argument its command takes; so does the type of its Command.
  switch (spec.arg ?? "none") {
    case "none":
      return arg === "" ? BARE.get(kind)! : UNKNOWN;
    case "word":
      return arg !== "" && !arg.includes(" ")
        ? { kind, arg } as Command
        : { kind: "invalid", detail: "usage", command: kind };
    case "text":
      // The teacher's notice too: no run of blanks puts a forged row on a screen (L11).
      return arg !== ""
        ? { kind, arg: shortenBlanks(arg) } as Command
        : { kind: "invalid", detail: "usage", command: kind };
  }
}

function usableIn(spec: CommandSpec, phase: "nick" | "chat"): boolean {
  return spec.phase === "both" || spec.phase === phase;
}

/** Whether `name` has the shape of a nickname (L3), reserved or not. */
export function isNickShaped(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NICK_LENGTH) return false;
  // P3: NICK_PATTERN's letters, digits, `_` and `-`, tested without the regular expression.
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (!letter && !(c >= 0x30 && c <= 0x39) && c !== 0x5f && c !== 0x2d) return false;
  }
  return true;
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
 * import { parseNick } from "./commands.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseNick(" alice "), { kind: "nick", nick: "alice" });
 * assertEquals(parseNick("quit"), { kind: "invalid", detail: "nickReserved" });
 * assertEquals(parseNick("a b"), { kind: "invalid", detail: "nickRules" });
 * ```
 */
export function parseNick(line: string): NickAnswer {
  const nick = line.trim();
  if (nick === "") return { kind: "empty" };
  const spec = braceCommand(nick);
  // At the prompt only braces name a command: a bare `quit` is a reserved name.
  if (spec !== undefined && usableIn(spec, "nick") && brace(spec, nick).kind === "quit") {
    return { kind: "quit" };
  }
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
