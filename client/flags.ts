/**
 * The client's command line: its one flag table ({@linkcode CLIENT_FLAGS}),
 * from which parsing, `--help` in both languages and the docs' table come,
 * and the options read from it (S14, X2, X3).
 *
 * @module
 */

import { flagsHelp } from "../common/flag_help.ts";
import { type Flag, HELP_FLAGS, parseFlags, UsageError } from "../common/cli.ts";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_TLS_PORT,
  type Lang,
  say,
  type Text,
  VERSION,
} from "../protocol.ts";
import { TEXTS } from "./render.ts";
import { clientPort } from "./terminal_chat.ts";

/** Every flag of the client, in the order `--help` and the docs list them. */
export const CLIENT_FLAGS = {
  host: {
    type: "string",
    value: { pt: "ENDEREÇO", en: "ADDR" },
    help: {
      pt: "endereço IPv4 (ou nome) do servidor",
      en: "the server's IPv4 address (or a host name)",
    },
    defaultText: {
      pt: `perguntado num terminal; ${DEFAULT_HOST}`,
      en: `asked in a terminal; \`${DEFAULT_HOST}\``,
    },
  },
  port: {
    type: "string",
    value: "N",
    help: { pt: "porta do servidor, de 1 a 65535", en: "the server's port, 1 to 65535" },
    defaultText: {
      pt: `perguntada num terminal; ${DEFAULT_PORT}`,
      en: `asked in a terminal; \`${DEFAULT_PORT}\``,
    },
  },
  nick: {
    type: "string",
    value: { pt: "APELIDO", en: "NICK" },
    help: {
      pt: "seu apelido: 1 a 16 letras, dígitos, _ ou -",
      en: "your nickname: 1 to 16 letters, digits, _ or -",
    },
    doc: "your nickname: 1 to 16 letters, digits, `_` or `-`",
    defaultText: { pt: "perguntado num terminal", en: "asked in a terminal" },
  },
  lang: {
    type: "string",
    value: "pt|en",
    help: { pt: "idioma da interface", en: "the interface language" },
    defaultText: {
      pt: "o do sistema",
      en: "the system's locale: `pt*` is Portuguese, anything else English",
    },
  },
  "no-bell": {
    type: "boolean",
    help: {
      pt: "sem campainha em mensagem privada ou menção ao seu apelido",
      en: "no bell on a private message or a mention of you",
    },
    doc: "no bell on a private message or a mention of you (C6)",
    defaultText: { pt: "a campainha toca", en: "the bell rings" },
  },
  trace: {
    type: "boolean",
    help: {
      pt:
        "mostra cada evento do socket (connect, send, recv, close) com os bytes, na saída de erro",
      en: "print every socket event (connect, send, recv, close) with its bytes, on stderr",
    },
    doc: "every socket event (connect, send, recv, close) with its bytes, on stderr (C1)",
  },
  tls: {
    type: "boolean",
    help: {
      pt: "conecta com TLS (criptografado), na porta TLS do servidor",
      en: "connect with TLS (encrypted), to the server's TLS port",
    },
    doc: "connect with TLS (encrypted), to the server's TLS port (T2)",
    defaultText: {
      pt: `sem TLS; com --tls a porta padrão é ${DEFAULT_TLS_PORT}`,
      en: `plain TCP; with \`--tls\` the default port is \`${DEFAULT_TLS_PORT}\``,
    },
  },
  ca: {
    type: "string",
    value: "PEM",
    help: {
      pt: "confia também neste certificado (autoassinado); implica --tls; " +
        "precisa de --allow-read=PEM",
      en: "also trust this (self-signed) certificate; implies --tls; needs --allow-read=PEM",
    },
    doc: "also trust this (self-signed) certificate; implies `--tls`; needs " +
      "`--allow-read=PEM` (T2)",
  },
  ...HELP_FLAGS,
} as const satisfies Readonly<Record<string, Flag>>;

/** `--help`, in both languages: the usage, every flag of {@linkcode CLIENT_FLAGS}, and the chat. */
export const CLIENT_HELP: Text = {
  pt: `papo ${VERSION}: cliente de chat em texto sobre TCP

Uso: deno run --allow-net client.ts [opções]

Opções:
${flagsHelp(CLIENT_FLAGS, "pt")}

Num terminal, pergunta o que faltar (em branco = padrão) e pergunta de novo
quando o servidor não responde (ERRO 04) ou recusa o apelido (ERRO 01, 06).
Com a entrada redirecionada, envia cada linha, mostra o que recebe em texto
simples e sai quando a entrada acaba: 0 ao sair normalmente, 1 com ERRO 03 ou
04 ou apelido de --nick recusado, 2 com opções inválidas.

No chat: :texto (para todos), apelido:texto (privada), {users}, {help},
{reply texto} (responde à última privada), quit ou {quit} (Ctrl+C e Ctrl+D
também saem). Tab completa apelidos e comandos. Acentos viram ASCII (não -> nao).`,
  en: `papo ${VERSION}: a text chat client over TCP

Usage: deno run --allow-net client.ts [options]

Options:
${flagsHelp(CLIENT_FLAGS, "en")}

In a terminal it asks for what is missing (blank = default) and asks again when
the server cannot be reached (ERRO 04) or refuses the nickname (ERRO 01, 06).
With piped input it sends each line, prints what it receives as plain text and
exits when input ends: 0 after leaving cleanly, 1 on ERRO 03 or 04 or a refused
--nick, 2 on bad options.

In the chat: :text (to everyone), nick:text (private), {users}, {help},
{reply text} (answers the last private message), quit or {quit} (Ctrl+C and
Ctrl+D leave too). Tab completes nicknames and commands. Accents become ASCII
(não -> nao).`,
};

/** What the command line asks for. */
export interface ClientOptions {
  /** The server's address, when given with `--host`. */
  host?: string;
  /** The server's port, when given with `--port`. */
  port?: number;
  /** The nickname, when given with `--nick`. */
  nick?: string;
  /** The interface language: `--lang`, or the system's. */
  lang: Lang;
  /** C6: no bell (`--no-bell`). */
  noBell?: true;
  /** C1: the socket trace on stderr (`--trace`). */
  trace?: true;
  /** T2: connect with TLS (`--tls`, or `--ca`). */
  tls?: true;
  /** T2: the certificate trusted beside the system's (`--ca`), its path. */
  ca?: string;
}

/**
 * Reads the client's command line.
 *
 * @param args The arguments, usually `Deno.args`.
 * @param fallbackLang The language when `--lang` is not given.
 * @returns The options, or `"help"` / `"version"` with the language to print in.
 * @throws {UsageError} When a flag is unknown or its value is bad, naming it.
 *
 * @example
 * ```ts
 * import { readClientFlags } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(readClientFlags(["--port", "7000", "--lang", "en"], "pt"), { port: 7000, lang: "en" });
 * ```
 */
export function readClientFlags(
  args: string[],
  fallbackLang: Lang,
): ClientOptions | { show: "help" | "version"; lang: Lang } {
  let f;
  try {
    f = parseFlags(args, CLIENT_FLAGS);
  } catch (e) {
    throw new UsageError(say(TEXTS.badFlags, fallbackLang, (e as Error).message));
  }
  let lang = fallbackLang;
  if (f.lang !== undefined) {
    const given = f.lang.trim().toLowerCase();
    if (given !== "pt" && given !== "en") {
      throw new UsageError(say(TEXTS.badLang, fallbackLang, f.lang));
    }
    lang = given;
  }
  if (f.help) return { show: "help", lang };
  if (f.version) return { show: "version", lang };
  const options: ClientOptions = { lang };
  if (f.host !== undefined) options.host = f.host;
  if (f.port !== undefined) {
    const port = clientPort(f.port);
    if (port === undefined) throw new UsageError(say(TEXTS.badPort, lang, f.port));
    options.port = port;
  }
  if (f.nick !== undefined) {
    // A blank nickname would never be answered (the server ignores an empty line);
    // any other is the server's to judge (ERRO 01, 06).
    if (f.nick.trim() === "") throw new UsageError(say(TEXTS.blankNick, lang));
    options.nick = f.nick;
  }
  if (f["no-bell"] === true) options.noBell = true;
  if (f.trace === true) options.trace = true;
  if (f.tls === true || f.ca !== undefined) options.tls = true;
  if (f.ca !== undefined) options.ca = f.ca;
  return options;
}
