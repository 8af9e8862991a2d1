/**
 * The papo chat client's entry: flags, then the chat of `client/` in a
 * terminal (S14, S15) or with piped input and output (X2), in Portuguese or
 * English (X3). `deno compile` builds this file into `papo-client`.
 *
 * Run it with `deno run --allow-net client.ts --help`; it needs no other
 * permission.
 *
 * @module
 */

import { interactive, parseFlags, UsageError } from "./common/cli.ts";
import { clientError, TEXTS } from "./client/render.ts";
import { ConnectError, connectTo, ServerLink } from "./client/link.ts";
import { runPiped, writeOut } from "./client/piped.ts";
import { Exit } from "./client/session.ts";
import { clientPort, runTerminal } from "./client/terminal_chat.ts";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  ErrorCode,
  type Lang,
  say,
  type Text,
  VERSION,
} from "./protocol.ts";

export { type Shown, showServerLine } from "./client/render.ts";
export type { ServerLine } from "./wire/server_lines.ts";

const HELP_TEXT: Text = {
  pt: `papo ${VERSION}: cliente de chat em texto sobre TCP

Uso: deno run --allow-net client.ts [opções]

Opções:
  --host ENDEREÇO  endereço IPv4 (ou nome) do servidor (padrão ${DEFAULT_HOST})
  --port N         porta do servidor (padrão ${DEFAULT_PORT})
  --nick APELIDO   seu apelido: 1 a 16 letras, dígitos, _ ou -
  --lang pt|en     idioma da interface (padrão: o do sistema)
  --no-bell        sem campainha em mensagem privada ou menção ao seu apelido
  --trace          mostra cada evento do socket (connect, send, recv, close)
                   com os bytes, na saída de erro
  -h, --help       mostra esta ajuda
  -V, --version    mostra a versão

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
  --host ADDR      the server's IPv4 address (or name) (default ${DEFAULT_HOST})
  --port N         the server's port (default ${DEFAULT_PORT})
  --nick NICK      your nickname: 1 to 16 letters, digits, _ or -
  --lang pt|en     interface language (default: the system's)
  --no-bell        no bell on a private message or a mention of your nickname
  --trace          print every socket event (connect, send, recv, close) with
                   its bytes, on stderr
  -h, --help       show this help
  -V, --version    show the version

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

// ---------------------------------------------------------------- Flags

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
}

const FLAGS = {
  host: { type: "string" },
  port: { type: "string" },
  nick: { type: "string" },
  lang: { type: "string" },
  "no-bell": { type: "boolean" },
  trace: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/**
 * The language of the system's locale: Portuguese when it is `pt*`, English
 * otherwise. Reads `navigator.language`, which needs no permission.
 *
 * @returns `"pt"` or `"en"`.
 */
export function systemLang(): Lang {
  let locale = "";
  try {
    locale = navigator.language || Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    // no locale known
  }
  return locale.toLowerCase().startsWith("pt") ? "pt" : "en";
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
 * import { readClientFlags } from "./client.ts";
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
    f = parseFlags(args, FLAGS);
  } catch (e) {
    throw new UsageError(say(TEXTS.badFlags, fallbackLang, (e as Error).message));
  }
  let lang = fallbackLang;
  if (f.lang !== undefined) {
    const given = String(f.lang).trim().toLowerCase();
    if (given !== "pt" && given !== "en") {
      throw new UsageError(say(TEXTS.badLang, fallbackLang, String(f.lang)));
    }
    lang = given;
  }
  if (f.help) return { show: "help", lang };
  if (f.version) return { show: "version", lang };
  const options: ClientOptions = { lang };
  if (f.host !== undefined) options.host = String(f.host);
  if (f.port !== undefined) {
    const port = clientPort(String(f.port));
    if (port === undefined) throw new UsageError(say(TEXTS.badPort, lang, String(f.port)));
    options.port = port;
  }
  if (f.nick !== undefined) {
    // A blank nickname would never be answered (the server ignores an empty line);
    // any other is the server's to judge (ERRO 01, 06).
    if (String(f.nick).trim() === "") throw new UsageError(say(TEXTS.blankNick, lang));
    options.nick = String(f.nick);
  }
  if (f["no-bell"] === true) options.noBell = true;
  if (f.trace === true) options.trace = true;
  return options;
}

/**
 * Runs the client from the command line.
 *
 * @param args The arguments, usually `Deno.args`.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const fallbackLang = systemLang();
  let options: ClientOptions;
  try {
    // `deno task client -- --nick ana` passes the `--` along.
    const read = readClientFlags(args[0] === "--" ? args.slice(1) : args, fallbackLang);
    if ("show" in read) {
      console.log(read.show === "help" ? HELP_TEXT[read.lang] : `papo-client ${VERSION}`);
      return Exit.ok;
    }
    options = read;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    console.error(say(TEXTS.seeHelp, fallbackLang));
    return Exit.usage;
  }
  const trace = options.trace ? (line: string) => writeOut(Deno.stderr, line) : undefined;
  if (interactive()) {
    return await runTerminal({ ...options, bell: options.noBell !== true, trace });
  }
  let conn: Deno.TcpConn;
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  try {
    conn = await connectTo(host, port);
  } catch (e) {
    if (!(e instanceof ConnectError)) throw e;
    writeOut(Deno.stderr, clientError(ErrorCode.badServer, e.detail, options.lang));
    return Exit.failed;
  }
  writeOut(Deno.stderr, say(TEXTS.connected, options.lang, host, String(port)));
  return await runPiped(new ServerLink(conn, trace), { ...options, typed: stdinIsTerminal() });
}

function stdinIsTerminal(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
