/**
 * What the client shows, in the user's language (X3): its own interface
 * texts, and each line from the server as the user sees it.
 *
 * @module
 */

import {
  Detail,
  type DetailName,
  ErrorCode,
  helpTexts,
  type Lang,
  Message,
  say,
  type Text,
  toAscii,
} from "../protocol.ts";
import { clockOf } from "../common/time.ts";
import type { Command } from "../wire/commands.ts";
import {
  describeError,
  escapeRegExp,
  type ServerLine,
  wireTemplate,
} from "../wire/server_lines.ts";

/** The client's own interface texts, in both languages (X3). */
export const TEXTS = {
  askHost: { pt: "Endereço IP do servidor [%s]: ", en: "Server IP address [%s]: " },
  askPort: { pt: "Porta [%s]: ", en: "Port [%s]: " },
  askNick: { pt: "%s: ", en: "%s: " },
  connecting: { pt: "Conectando a %s porta %s...", en: "Connecting to %s port %s..." },
  connected: { pt: "Conectado a %s porta %s", en: "Connected to %s port %s" },
  hint: Message.howTo,
  privateTo: { pt: "Mensagem para %s", en: "Message to %s" },
  notSentMuted: {
    pt: "não enviada: você está silenciado; professor:texto passa",
    en: "not sent: you are muted; teacher:text goes through",
  },
  badPort: {
    pt: 'Porta inválida "%s": use um número de 1 a 65535',
    en: 'Invalid port "%s": use a number from 1 to 65535',
  },
  badLang: {
    pt: 'Idioma inválido "%s": use pt ou en',
    en: 'Invalid language "%s": use pt or en',
  },
  badFlags: { pt: "Opções inválidas: %s", en: "Invalid options: %s" },
  blankNick: {
    pt: "Apelido em branco em --nick: use de 1 a 16 letras, dígitos, _ ou -",
    en: "Blank nickname in --nick: use 1 to 16 letters, digits, _ or -",
  },
  seeHelp: { pt: "Veja --help.", en: "See --help." },
} as const satisfies Record<string, Text>;

/** The kinds of lines the chat shows, each in its own colour (here, not in `screen.ts`, so
 * the web page's script can use this module without the terminal's). */
export type Style =
  | "own"
  | "public"
  | "private"
  | "system"
  | "error"
  | "time"
  | "notice"
  | "history"
  | "mention";

/** One line to show: its text and its kind (for colours). */
export interface Shown {
  /** The kind of line. */
  readonly style: Style;
  /** The text, in the chosen language. */
  readonly text: string;
}

const WIRE_MORE = new RegExp(
  ` ${escapeRegExp(toAscii(Message.more.pt)).replace("%s", "(\\d+)")}$`,
);
const HELP_BY_WIRE: ReadonlyMap<string, Text> = new Map(
  // The teacher's help too (issue 19.6: an English client showed it in Portuguese); its
  // column is wider than everyone's, so both are known.
  [...helpTexts("anyone"), ...helpTexts("teacher"), Message.howTo].map((h) => [toAscii(h.pt), h]),
);

/**
 * How a line from the server is shown, in the chosen language: public
 * messages as `nick: text`, private ones as `Mensagem recebida de: nick: text`,
 * errors with their code (`ERRO 02: ...`).
 *
 * @param line A parsed server line.
 * @param lang The interface language.
 * @param nick The user's nickname, for the goodbye.
 * @returns What to show, or `undefined` for the nickname prompt (the client asks itself).
 *
 * @example
 * ```ts
 * import { showServerLine } from "./render.ts";
 * import { parseServerLine } from "../wire/server_lines.ts";
 * import assert from "node:assert/strict";
 * const line = parseServerLine("PRIVADA Mensagem recebida de: bob: oi");
 * assert.deepEqual(showServerLine(line, "en"), { style: "private", text: "Message received from: bob: oi" });
 * ```
 */
export function showServerLine(line: ServerLine, lang: Lang, nick = ""): Shown | undefined {
  switch (line.kind) {
    case "nick":
      return undefined;
    case "welcome":
      return { style: "system", text: say(Message.welcome, lang, line.nick) };
    case "users": {
      const text = line.text.replace(WIRE_MORE, (_, n: string) => ` ${say(Message.more, lang, n)}`);
      return { style: "system", text };
    }
    case "joined":
      return { style: "system", text: say(Message.joined, lang, line.nick) };
    case "left":
      return {
        style: "system",
        text: say(line.removed ? Message.leftRemoved : Message.left, lang, line.nick),
      };
    case "joinedMany":
    case "leftMany": {
      const shown = line.names.join(", ");
      const names = line.count > line.names.length
        ? say(Message.andMore, lang, shown, String(line.count - line.names.length))
        : shown;
      const text = line.kind === "joinedMany" ? Message.joinedMany : Message.leftMany;
      return {
        style: "system",
        text: say(text, lang, String(line.count), String(line.online), names),
      };
    }
    case "public":
      return { style: "public", text: `${line.from}: ${line.text}` };
    case "private":
      return { style: "private", text: `${say(Message.received, lang, line.from)}: ${line.text}` };
    case "sent":
      return { style: "system", text: say(Message.sent, lang) };
    case "ok":
      return { style: "system", text: translate(line.text, lang) };
    case "notice":
      return { style: "notice", text: translate(line.text, lang) };
    case "history":
      return { style: "history", text: `[${line.time}] ${line.from}: ${line.text}` };
    case "help":
      return { style: "system", text: HELP_BY_WIRE.get(line.text)?.[lang] ?? line.text };
    case "bye":
      return { style: "system", text: say(Message.bye, lang) + (nick === "" ? "" : `, ${nick}`) };
    case "error":
      // A teacher's command on nobody names the command (`{kick zed}`), not a private message.
      if (line.code === ErrorCode.noSuchUser && line.detail.startsWith("{")) {
        return {
          style: "error",
          text: `ERRO 02: ${say(Message.nobodyOnline, lang)} (${line.detail})`,
        };
      }
      return { style: "error", text: describeError(line.code, line.detail, lang) };
    case "other":
      return { style: "system", text: line.text };
  }
}

/** Texts the server fills in, matched on the wire to be shown in the user's language. */
const TEMPLATES: readonly [RegExp, Text][] = [
  Message.teacher,
  Message.teacherSays,
  Message.mutedBy,
  Message.unmutedBy,
  Message.lockedBy,
  Message.unlockedBy,
  Message.kickDone,
  Message.banDone,
  Message.unbanDone,
  Message.notBanned,
  Message.bans,
  Message.noBans,
  Message.alreadyMuted,
  Message.notMuted,
  Message.alreadyLocked,
  Message.notLocked,
].map((t) => [wireTemplate(t), t]);

/**
 * A line's text from the wire in the user's language, when it is one of the
 * server's texts; as it came otherwise.
 *
 * @param text The ASCII text after the keyword.
 * @param lang The language.
 * @returns The text to show.
 */
export function translate(text: string, lang: Lang): string {
  for (const [pattern, t] of TEMPLATES) {
    const m = pattern.exec(text);
    if (m) return say(t, lang, ...m.slice(1));
  }
  return text;
}

/**
 * An error the client itself shows (ERRO 03, 04, 08), with a fixed detail
 * or data (the system's reason), in the user's language.
 *
 * @param code The error code.
 * @param detail A fixed detail's name, or `{ data }` shown as it is.
 * @param lang The language.
 * @returns The text, as {@linkcode describeError} writes it.
 */
export function clientError(
  code: number,
  detail: DetailName | { data: string },
  lang: Lang,
): string {
  const wire = typeof detail === "object" ? detail.data : toAscii(Detail[detail].pt);
  return describeError(code, wire, lang);
}

/**
 * The user's own message as the chat shows it (the server does not echo it):
 * `ana: text` for a public one, `Message to bob: text` for a private one.
 *
 * @param command The message.
 * @param nick The user's nickname.
 * @param lang The interface language.
 */
export function ownText(
  command: Extract<Command, { kind: "public" | "private" }>,
  nick: string,
  lang: Lang,
): string {
  return command.kind === "public"
    ? `${nick}: ${command.text}`
    : `${say(TEXTS.privateTo, lang, command.to)}: ${command.text}`;
}

/** The time now as `HH:MM`, local time (as history lines give theirs). */
export function clock(): string {
  return clockOf(Date.now());
}
