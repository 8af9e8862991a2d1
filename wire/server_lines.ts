/**
 * Reading the server's lines back, for a client to show them (S3): what kind
 * each line is, with its parts, and an error's text in the user's language.
 *
 * @module
 */

import {
  Detail,
  ERROR_TEXTS,
  type ErrorCode,
  Keyword,
  type Lang,
  Message,
  PRIVATE_PREFIX,
  type Text,
  toAscii,
  wire,
} from "../protocol.ts";

/** A line the server sent, parsed for display by a client. */
export type ServerLine =
  | { readonly kind: "nick" }
  | { readonly kind: "welcome"; readonly nick: string }
  | { readonly kind: "users"; readonly text: string }
  | { readonly kind: "joined"; readonly nick: string }
  | {
    readonly kind: "left";
    readonly nick: string;
    /** Set when the teacher removed them (C3). */
    readonly removed?: true;
  }
  | {
    /** Joins or leaves summarized in a large room (P1). */
    readonly kind: "joinedMany" | "leftMany";
    readonly count: number;
    readonly online: number;
    /** The names shown (the first ones). */
    readonly names: readonly string[];
  }
  | { readonly kind: "public"; readonly from: string; readonly text: string }
  | { readonly kind: "private"; readonly from: string; readonly text: string }
  | { readonly kind: "sent" }
  | { readonly kind: "ok"; readonly text: string }
  | { readonly kind: "notice"; readonly text: string }
  | {
    readonly kind: "history";
    readonly time: string;
    readonly from: string;
    readonly text: string;
  }
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
 * import { parseServerLine } from "./server_lines.ts";
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
      return many("joinedMany", rest) ?? { kind: "joined", nick: firstWord(rest) };
    case Keyword.left: {
      const summary = many("leftMany", rest);
      if (summary) return summary;
      const nick = firstWord(rest);
      return rest === wire(Message.leftRemoved, nick)
        ? { kind: "left", nick, removed: true }
        : { kind: "left", nick };
    }
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
      return rest === SENT_TEXT ? { kind: "sent" } : { kind: "ok", text: rest };
    case Keyword.notice:
      return { kind: "notice", text: rest };
    case Keyword.history: {
      const m = /^(\d\d:\d\d) ([^:]+): (.*)$/.exec(rest);
      if (m) return { kind: "history", time: m[1]!, from: m[2]!, text: m[3]! };
      break;
    }
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

const SENT_TEXT = wire(Message.sent);

/** `37 pessoas entraram (812 online): ana, bia, cid e mais 34`, read back. */
const MANY: Readonly<Record<"joinedMany" | "leftMany", RegExp>> = {
  joinedMany: wireTemplate(Message.joinedMany),
  leftMany: wireTemplate(Message.leftMany),
};
const AND_MORE = new RegExp(
  ` ${escapeRegExp(toAscii(Message.andMore.pt).replace("%s ", "")).replace("%s", "\\d+")}$`,
);

/**
 * Text as a regular expression that matches it literally.
 *
 * @param text Any text.
 * @returns The text with the expression's special characters escaped.
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * What a text looks like on the wire, as an expression: its ASCII Portuguese,
 * each `%s` a group, so a line can be read back into its values.
 *
 * @param text One of the protocol's texts.
 * @returns `^...$`, one `(.*)` per `%s`.
 */
export function wireTemplate(text: Text): RegExp {
  return new RegExp(`^${escapeRegExp(toAscii(text.pt)).replaceAll("%s", "(.*)")}$`);
}

function many(kind: "joinedMany" | "leftMany", rest: string): ServerLine | undefined {
  const m = MANY[kind].exec(rest);
  if (m === null || !/^\d+$/.test(m[1]!) || !/^\d+$/.test(m[2]!)) return undefined;
  const names = m[3]!.replace(AND_MORE, "").split(", ").filter((n) => n !== "");
  return { kind, count: Number(m[1]), online: Number(m[2]), names };
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
 * import { describeError } from "./server_lines.ts";
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
  const known = DETAIL_BY_WIRE.get(detail);
  if (known !== undefined) return known[lang];
  // A detail followed by its data (`removido pelo professor; minutos para voltar: 3`).
  const at = detail.indexOf(": ");
  const head = at < 0 ? undefined : DETAIL_BY_WIRE.get(detail.slice(0, at));
  return head === undefined ? detail : `${head[lang]}${detail.slice(at)}`;
}
