/**
 * The protocol's numbers and names (S1, S3, L1, L3): the version, the
 * default address and port, the limits of a line and a nickname, the
 * keywords that start the server's lines, and the languages of its texts.
 *
 * @module
 */

import config from "../deno.json" with { type: "json" };

/** The version of papo (from `deno.json`), printed by `--version` of the server and the client. */
export const VERSION: string = config.version;

/** The default TCP port of the server, used when none is given (S8). */
export const DEFAULT_PORT = 7777;

/** The default TLS port: the server's with `--cert`, the client's with `--tls` (T1, T2). */
export const DEFAULT_TLS_PORT = 7778;

/** The default address the server listens on and the client connects to (S8, S14). */
export const DEFAULT_HOST = "127.0.0.1";

/**
 * L1: the most bytes one client line may have, counted on the bytes received
 * after telnet negotiation is removed and backspace applied, line ending excluded.
 */
export const MAX_LINE_BYTES = 1024;

/**
 * L11: the longest run of blanks a relayed message keeps. A longer run could
 * push the rest of a message onto a row of its own on an 80-column nc or
 * telnet screen, a forged `AVISO professor: ...` or `ERRO 03` line.
 */
export const MAX_BLANK_RUN = 4;

const LONG_BLANKS = new RegExp(` {${MAX_BLANK_RUN + 1},}`, "g");

/**
 * A message's text with every run of more than {@linkcode MAX_BLANK_RUN}
 * blanks shortened to that many (L11).
 *
 * @param text A message's text (tabs already made blanks).
 * @returns The text, no run of blanks longer than four.
 *
 * @example
 * ```ts
 * import { shortenBlanks } from "./limits.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shortenBlanks("hi" + " ".repeat(66) + "AVISO x"), "hi    AVISO x");
 * assert.equal(shortenBlanks("a    b"), "a    b");
 * ```
 */
export function shortenBlanks(text: string): string {
  return text.length <= MAX_BLANK_RUN ? text : text.replace(LONG_BLANKS, " ".repeat(MAX_BLANK_RUN));
}

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
