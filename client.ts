/**
 * The papo chat client: flags and prompts, the connection to the server, the
 * nickname exchange, and the chat, in a terminal (S14, S15) or with piped
 * input and output (X2), in Portuguese or English (X3).
 *
 * Run it with `deno run --allow-net client.ts --help`; it needs no other
 * permission.
 *
 * @module
 */

import { interactive, onStopSignals, parseFlags, UsageError } from "./cli.ts";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  describeError,
  Detail,
  type DetailName,
  ErrorCode,
  HELP,
  type Lang,
  LineReader,
  MAX_LINE_BYTES,
  Message,
  parseCommand,
  parseIPv4,
  parseNick,
  parsePort,
  parseServerLine,
  say,
  type ServerLine,
  type Text,
  toAscii,
  VERSION,
} from "./protocol.ts";
import { paint, Screen, type Style } from "./terminal.ts";

/** How long a connection attempt may take before it counts as timed out (ERRO 04). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** How long leaving waits for the server's goodbye before closing anyway. */
const LEAVE_WAIT_MS = 3_000;

/** The longest line the client accepts from the server; longer ones are dropped. */
const SERVER_LINE_BYTES = 8 * 1024;

/** Exit codes. */
const Exit = {
  /** The user left, or input ended, cleanly. */
  ok: 0,
  /** ERRO 03, ERRO 04, ERRO 11, or a nickname given with --nick refused. */
  failed: 1,
  /** A mistake in the command line. */
  usage: 2,
} as const;

/** The client's own interface texts, in both languages (X3). */
export const TEXTS = {
  askHost: { pt: "Endereço IP do servidor [%s]: ", en: "Server IP address [%s]: " },
  askPort: { pt: "Porta [%s]: ", en: "Port [%s]: " },
  askNick: { pt: "%s: ", en: "%s: " },
  connecting: { pt: "Conectando a %s porta %s...", en: "Connecting to %s port %s..." },
  connected: { pt: "Conectado a %s porta %s", en: "Connected to %s port %s" },
  hint: {
    pt: "Digite :texto para todos, apelido:texto para uma pessoa, {users}, {help} ou {quit}",
    en: "Type :text for everyone, nick:text for one person, {users}, {help} or {quit}",
  },
  privateTo: { pt: "Mensagem para %s", en: "Message to %s" },
  badPort: {
    pt: 'Porta inválida "%s": use um número de 1 a 65535',
    en: 'Invalid port "%s": use a number from 1 to 65535',
  },
  badLang: {
    pt: 'Idioma inválido "%s": use pt ou en',
    en: 'Invalid language "%s": use pt or en',
  },
  badFlags: { pt: "Opções inválidas: %s", en: "Invalid options: %s" },
  seeHelp: { pt: "Veja --help.", en: "See --help." },
} as const satisfies Record<string, Text>;

const HELP_TEXT: Text = {
  pt: `papo ${VERSION}: cliente de chat em texto sobre TCP

Uso: deno run --allow-net client.ts [opções]

Opções:
  --host ENDEREÇO  endereço IPv4 (ou nome) do servidor (padrão ${DEFAULT_HOST})
  --port N         porta do servidor (padrão ${DEFAULT_PORT})
  --nick APELIDO   seu apelido: 1 a 16 letras, dígitos, _ ou -
  --lang pt|en     idioma da interface (padrão: o do sistema)
  -h, --help       mostra esta ajuda
  -V, --version    mostra a versão

Num terminal, pergunta o que faltar (em branco = padrão) e pergunta de novo
quando o servidor não responde (ERRO 04) ou recusa o apelido (ERRO 01, 06).
Com a entrada redirecionada, envia cada linha, mostra o que recebe em texto
simples e sai quando a entrada acaba: 0 ao sair normalmente, 1 com ERRO 03 ou
04 ou apelido de --nick recusado, 2 com opções inválidas.

No chat: :texto (para todos), apelido:texto (privada), {users}, {help},
quit ou {quit} (Ctrl+C e Ctrl+D também saem). Acentos viram ASCII (não -> nao).`,
  en: `papo ${VERSION}: a text chat client over TCP

Usage: deno run --allow-net client.ts [options]

Options:
  --host ADDR      the server's IPv4 address (or name) (default ${DEFAULT_HOST})
  --port N         the server's port (default ${DEFAULT_PORT})
  --nick NICK      your nickname: 1 to 16 letters, digits, _ or -
  --lang pt|en     interface language (default: the system's)
  -h, --help       show this help
  -V, --version    show the version

In a terminal it asks for what is missing (blank = default) and asks again when
the server cannot be reached (ERRO 04) or refuses the nickname (ERRO 01, 06).
With piped input it sends each line, prints what it receives as plain text and
exits when input ends: 0 after leaving cleanly, 1 on ERRO 03 or 04 or a refused
--nick, 2 on bad options.

In the chat: :text (to everyone), nick:text (private), {users}, {help},
quit or {quit} (Ctrl+C and Ctrl+D leave too). Accents become ASCII (não -> nao).`,
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
}

const FLAGS = {
  host: { type: "string" },
  port: { type: "string" },
  nick: { type: "string" },
  lang: { type: "string" },
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
  if (f.nick !== undefined) options.nick = String(f.nick);
  return options;
}

/** A port to connect to: 1 to 65535, blank for the default. */
function clientPort(text: string): number | undefined {
  const port = parsePort(text);
  return port === 0 ? undefined : port;
}

// ----------------------------------------------------------- Connecting

/** ERRO 04: the server cannot be reached; `detail` says why. */
export class ConnectError extends Error {
  /** A known {@linkcode DetailName}, or the system's message. */
  readonly detail: DetailName | string;

  /**
   * @param host The address tried.
   * @param port The port tried.
   * @param detail Why it failed.
   */
  constructor(host: string, port: number, detail: DetailName | string) {
    super(`Cannot connect to "${host}" port ${port}: ${detail}`);
    this.name = "ConnectError";
    this.detail = detail;
  }
}

const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * Connects to the server, giving up after a timeout so that an address that
 * never answers does not hang (S14).
 *
 * @param host An IPv4 address or a host name; blank means {@linkcode DEFAULT_HOST}.
 * @param port The port.
 * @param options `timeoutMs` (@default {CONNECT_TIMEOUT_MS}) and a `signal` to give up early.
 * @returns The connection.
 * @throws {ConnectError} When the address is bad or unknown, or the
 *   connection is refused or times out (ERRO 04).
 */
export async function connectTo(
  host: string,
  port: number,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Deno.TcpConn> {
  const hostname = host.trim() === "" ? DEFAULT_HOST : host.trim();
  const numeric = /^[0-9.]+$/.test(hostname);
  if (numeric ? parseIPv4(hostname) === undefined : !HOST_NAME.test(hostname)) {
    throw new ConnectError(hostname, port, "badHost");
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? CONNECT_TIMEOUT_MS);
  const signal = options.signal
    ? AbortSignal.any([timeout.signal, options.signal])
    : timeout.signal;
  try {
    return await Deno.connect({ hostname, port, transport: "tcp", signal });
  } catch (e) {
    if (timeout.signal.aborted) throw new ConnectError(hostname, port, "timedOut");
    if (e instanceof Deno.errors.ConnectionRefused) {
      throw new ConnectError(hostname, port, "refused");
    }
    const message = e instanceof Error ? e.message : String(e);
    if (/lookup|resolve|name or service|nodename|no such host/i.test(message)) {
      throw new ConnectError(hostname, port, "badHost");
    }
    throw new ConnectError(hostname, port, message.replace(/ \(os error \d+\)$/, ""));
  } finally {
    clearTimeout(timer);
  }
}

// --------------------------------------------------------- The server link

const encoder = new TextEncoder();

/**
 * The connection to the server: its lines in, the user's lines out (each
 * converted to ASCII, in order, one writer).
 */
export class ServerLink {
  readonly #conn: Deno.TcpConn;
  #writing: Promise<void> = Promise.resolve();
  #pending = 0;
  #closed = false;

  /** @param conn A connection to the server. */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Bytes given to {@linkcode send} and not yet written. */
  get pendingBytes(): number {
    return this.#pending;
  }

  /**
   * The server's lines, without line endings, until it closes the
   * connection. Control characters and escape codes are removed (L2).
   */
  async *lines(): AsyncGenerator<string> {
    const reader = new LineReader(SERVER_LINE_BYTES);
    const buf = new Uint8Array(16 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await this.#conn.read(buf);
      } catch {
        return; // reset, or closed by us
      }
      if (n === null) return;
      for (const ev of reader.push(buf.subarray(0, n))) {
        if (ev.kind === "line") yield ev.text;
      }
    }
  }

  /**
   * Sends one line, converted to ASCII (`não` becomes `nao`), with LF.
   *
   * @param line The line, without a line ending.
   * @returns A promise that settles when it is written (or cannot be).
   */
  send(line: string): Promise<void> {
    const bytes = encoder.encode(`${toAscii(line)}\n`);
    this.#pending += bytes.length;
    this.#writing = this.#writing.then(async () => {
      try {
        let at = 0;
        while (at < bytes.length && !this.#closed) {
          at += await this.#conn.write(bytes.subarray(at));
        }
      } catch {
        // the connection is gone; the reader sees its end
      } finally {
        this.#pending -= bytes.length;
      }
    });
    return this.#writing;
  }

  /** Resolves when every line given to {@linkcode send} so far is written. */
  drained(): Promise<void> {
    return this.#writing;
  }

  /** Closes the connection; the reader's loop then ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // closed already (Deno closes it when its reading end is reached)
    }
  }
}

// ------------------------------------------------------------ Rendering

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
const HELP_BY_WIRE: ReadonlyMap<string, Text> = new Map(HELP.map((h) => [toAscii(h.pt), h]));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

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
 * import { showServerLine } from "./client.ts";
 * import { parseServerLine } from "./protocol.ts";
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
      return { style: "system", text: say(Message.left, lang, line.nick) };
    case "public":
      return { style: "public", text: `${line.from}: ${line.text}` };
    case "private":
      return { style: "private", text: `${say(Message.received, lang, line.from)}: ${line.text}` };
    case "sent":
      return { style: "system", text: say(Message.sent, lang) };
    case "help":
      return { style: "system", text: HELP_BY_WIRE.get(line.text)?.[lang] ?? line.text };
    case "bye":
      return { style: "system", text: say(Message.bye, lang) + (nick === "" ? "" : `, ${nick}`) };
    case "error":
      return { style: "error", text: describeError(line.code, line.detail, lang) };
    case "other":
      return { style: "system", text: line.text };
  }
}

/** Whether an error ends the session (the server closes after it). */
function isFatal(code: number): boolean {
  return code === ErrorCode.forcedClose || code === ErrorCode.serverFull;
}

/** Whether an error refuses a nickname (the client may try another). */
function isNickRefusal(code: number): boolean {
  return code === ErrorCode.nickTaken || code === ErrorCode.badNick;
}

/** Whether the server's answer to a nickname line has come. */
function answersNick(line: ServerLine): boolean {
  return line.kind === "welcome" || line.kind === "bye" || line.kind === "error";
}

/** Whether a line the user sends leaves, before or after the nickname. */
function leaves(line: string, registered: boolean): boolean {
  return registered ? parseCommand(line).kind === "quit" : parseNick(line).kind === "quit";
}

function clock(): string {
  const now = new Date();
  return `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
}

// ----------------------------------------------------------- Piped mode

const stdoutEncoder = new TextEncoder();

function writeOut(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = stdoutEncoder.encode(`${text}\n`);
  let at = 0;
  while (at < bytes.length) at += file.writeSync(bytes.subarray(at));
}

/** Lines of standard input, decoded as UTF-8, without line endings. */
async function* stdinLines(): AsyncGenerator<string> {
  let partial = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const part of parts) yield part.replace(/\r$/, "");
  }
  if (partial !== "") yield partial.replace(/\r$/, "");
}

/**
 * Runs the chat with piped input and output (X2): each input line is sent in
 * order (before the nickname is accepted, one at a time, each waiting for the
 * server's answer); what the server sends is printed as plain text, one line
 * each; at the end of input `{quit}` is sent and the client waits for the
 * server to close.
 *
 * @param link The connection.
 * @param options The nickname (sent first) and the language.
 * @returns The exit code: 0 after leaving cleanly; 1 on ERRO 03 or 11, a
 *   connection lost, a refused `--nick`, or a nickname refused and none accepted.
 */
export async function runPiped(link: ServerLink, options: ClientOptions): Promise<number> {
  const { lang } = options;
  const print = (text: string) => writeOut(Deno.stdout, text);
  const queue: { line: string; fromFlag: boolean }[] = [];
  if (options.nick !== undefined) queue.push({ line: options.nick, fromFlag: true });
  let eof = false;
  let registered = false;
  let waitingNick: { fromFlag: boolean } | undefined;
  let nickRefused = false;
  let quitSent = false;
  let code: number | undefined;

  const pump = () => {
    while (queue.length > 0 && waitingNick === undefined && !quitSent) {
      const { line, fromFlag } = queue.shift()!;
      if (!registered) {
        if (line.trim() === "") continue; // the server ignores it, and would not answer
        waitingNick = { fromFlag };
      }
      if (leaves(line, registered)) quitSent = true;
      void link.send(line);
    }
    if (eof && queue.length === 0 && waitingNick === undefined && !quitSent) {
      quitSent = true;
      void link.send("{quit}");
    }
  };

  void (async () => {
    try {
      for await (const line of stdinLines()) {
        queue.push({ line, fromFlag: false });
        pump();
        // Do not read far ahead of what the server takes.
        if (link.pendingBytes > 64 * 1024) await link.drained();
      }
    } catch {
      // standard input closed under us: treat as its end
    }
    eof = true;
    pump();
  })();
  pump();

  let bye = false;
  let nick = "";
  for await (const text of link.lines()) {
    const line = parseServerLine(text);
    if (line.kind === "welcome") nick = line.nick;
    const shown = showServerLine(line, lang, nick);
    if (shown) print(shown.text);
    if (line.kind === "bye") bye = true;
    if (line.kind === "error" && isFatal(line.code)) code = Exit.failed;
    if (!registered && waitingNick !== undefined && answersNick(line)) {
      const attempt = waitingNick;
      waitingNick = undefined;
      if (line.kind === "welcome") {
        registered = true;
        nickRefused = false;
      } else if (line.kind === "error" && isNickRefusal(line.code)) {
        nickRefused = true;
        if (attempt.fromFlag) {
          // --nick was refused and there is nobody to ask for another (X2).
          link.close();
          return Exit.failed;
        }
      }
    }
    pump();
  }
  link.close();
  if (code !== undefined) return code;
  if (!bye) {
    print(describeError(ErrorCode.forcedClose, wireDetail("connectionLost"), lang));
    return Exit.failed;
  }
  return nickRefused && !registered ? Exit.failed : Exit.ok;
}

// --------------------------------------------------------- Terminal mode

/**
 * Runs the client in a terminal: asks for what is missing, connects (asking
 * again on ERRO 04), exchanges the nickname (asking again on ERRO 01 / 06),
 * then chats with the input line kept intact below incoming lines (S14, S15).
 *
 * @param options The flags given.
 * @returns The exit code: 0 when the user leaves; 1 when the server goes away (ERRO 03).
 */
export async function runTerminal(options: ClientOptions): Promise<number> {
  const chat = new TerminalChat(options);
  return await chat.run();
}

/** One terminal session, from the first prompt to the exit. */
class TerminalChat {
  readonly #lang: Lang;
  readonly #colour: boolean;
  readonly #options: ClientOptions;
  readonly #left = new AbortController();
  readonly #screen: Screen;
  #link: ServerLink | undefined;
  #nick = "";
  #flagNick: string | undefined;
  #registered = false;
  #chatting = false;
  #asking = false;
  #leaving = false;
  #leaveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.#lang = options.lang;
    this.#flagNick = options.nick;
    this.#colour = !Deno.noColor;
    this.#screen = new Screen(() => this.#leave());
  }

  async run(): Promise<number> {
    const stopListening = onStopSignals(() => this.#leave(), true);
    try {
      const conn = await this.#connect();
      if (conn === undefined) return Exit.ok;
      this.#link = new ServerLink(conn);
      return await this.#session(this.#link);
    } finally {
      clearTimeout(this.#leaveTimer);
      stopListening();
      this.#link?.close();
      this.#screen.close();
    }
  }

  /** Prints a line with the time, coloured by its kind. */
  #show(style: Style, text: string): void {
    this.#screen.print(
      `${paint("time", clock(), this.#colour)} ${paint(style, text, this.#colour)}`,
    );
  }

  #say(text: Text, ...args: string[]): string {
    return say(text, this.#lang, ...args);
  }

  /** Asks for the address and port until a connection is made; `undefined` if the user leaves. */
  async #connect(): Promise<Deno.TcpConn | undefined> {
    let host = this.#options.host;
    let port = this.#options.port;
    while (!this.#leaving) {
      if (host === undefined) {
        host = await this.#screen.ask(this.#say(TEXTS.askHost, DEFAULT_HOST));
        if (host === undefined) return undefined;
      }
      if (port === undefined) {
        const answer = await this.#screen.ask(this.#say(TEXTS.askPort, String(DEFAULT_PORT)));
        if (answer === undefined) return undefined;
        port = clientPort(answer);
        if (port === undefined) {
          this.#show("error", this.#say(TEXTS.badPort, answer.trim()));
          continue;
        }
      }
      const hostname = host.trim() === "" ? DEFAULT_HOST : host.trim();
      this.#show("system", this.#say(TEXTS.connecting, hostname, String(port)));
      try {
        const conn = await connectTo(hostname, port, { signal: this.#left.signal });
        this.#show("system", this.#say(TEXTS.connected, hostname, String(port)));
        return conn;
      } catch (e) {
        if (this.#leaving) return undefined;
        if (!(e instanceof ConnectError)) throw e;
        this.#show("error", describeError(ErrorCode.badServer, wireDetail(e.detail), this.#lang));
        host = undefined;
        port = undefined;
      }
    }
    return undefined;
  }

  /** Reads the server's lines until it closes; returns the exit code. */
  async #session(link: ServerLink): Promise<number> {
    let bye = false;
    let fatal = false;
    for await (const text of link.lines()) {
      const line = parseServerLine(text);
      if (line.kind === "nick") {
        this.#sendNick();
        continue;
      }
      const shown = showServerLine(line, this.#lang, this.#nick);
      if (shown) this.#show(shown.style, shown.text);
      switch (line.kind) {
        case "welcome":
          this.#registered = true;
          this.#nick = line.nick;
          break;
        case "users":
          if (this.#registered && !this.#leaving) this.#enterChat();
          break;
        case "bye":
          bye = true;
          break;
        case "error":
          if (isFatal(line.code)) fatal = true;
          // ERRO 01 / 06 (or 08 for a huge answer): ask for another nickname.
          else if (!this.#registered) void this.#askNick();
          break;
      }
    }
    link.close();
    this.#screen.close();
    if (this.#leaving && !fatal) return Exit.ok;
    if (bye && !fatal) return Exit.ok;
    if (!fatal) {
      this.#show(
        "error",
        describeError(ErrorCode.forcedClose, wireDetail("connectionLost"), this.#lang),
      );
    }
    return Exit.failed;
  }

  /** The first time the user list comes after the welcome: show the hint and the chat prompt. */
  #enterChat(): void {
    if (this.#chatting) return;
    this.#chatting = true;
    this.#show("system", this.#say(TEXTS.hint));
    this.#screen.onLine((line) => this.#onChatLine(line));
    this.#screen.prompt(`${this.#nick}> `);
  }

  /** Answers the server's nickname prompt with `--nick`, or asks the user. */
  #sendNick(): void {
    if (this.#flagNick !== undefined) {
      const nick = this.#flagNick;
      this.#flagNick = undefined;
      void this.#link?.send(nick);
      return;
    }
    void this.#askNick();
  }

  async #askNick(): Promise<void> {
    if (this.#asking) return;
    this.#asking = true;
    try {
      while (!this.#leaving) {
        const question = this.#say(TEXTS.askNick, this.#say(Message.askNick));
        const answer = await this.#screen.ask(question);
        if (answer === undefined) return; // the user left
        if (answer.trim() === "") continue;
        if (parseNick(answer).kind === "quit") {
          this.#leave();
          return;
        }
        void this.#link?.send(answer.trim());
        return;
      }
    } finally {
      this.#asking = false;
    }
  }

  /** A line typed in the chat. */
  #onChatLine(typed: string): void {
    const line = toAscii(typed);
    if (line.trim() === "") {
      this.#screen.eraseEntered(typed);
      this.#screen.prompt();
      return;
    }
    if (encoder.encode(line).length > MAX_LINE_BYTES) {
      this.#show(
        "error",
        describeError(ErrorCode.lineTooLong, wireDetail("lineLimit"), this.#lang),
      );
      this.#screen.prompt();
      return;
    }
    const command = parseCommand(line);
    switch (command.kind) {
      case "quit":
        this.#leave();
        return;
      case "public":
        this.#screen.eraseEntered(typed);
        this.#show("own", `${this.#nick}: ${command.text}`);
        break;
      case "private":
        this.#screen.eraseEntered(typed);
        this.#show("own", `${this.#say(TEXTS.privateTo, command.to)}: ${command.text}`);
        break;
    }
    void this.#link?.send(line);
    this.#screen.prompt();
  }

  /** Leaves: restores the terminal, says `{quit}`, and waits a bounded time for the server to close. */
  #leave(): void {
    if (this.#leaving) return;
    this.#leaving = true;
    this.#screen.close();
    this.#left.abort();
    const link = this.#link;
    if (link === undefined) return;
    void link.send("{quit}");
    this.#leaveTimer = setTimeout(() => link.close(), LEAVE_WAIT_MS);
  }
}

/** The ASCII wire form of a known detail, as {@linkcode describeError} expects it. */
function wireDetail(detail: DetailName | string): string {
  const known: Record<string, Text> = Detail;
  return Object.hasOwn(known, detail) ? toAscii(known[detail]!.pt) : detail;
}

// ------------------------------------------------------------------- CLI

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
  if (interactive()) return await runTerminal(options);
  let conn: Deno.TcpConn;
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  try {
    conn = await connectTo(host, port);
  } catch (e) {
    if (!(e instanceof ConnectError)) throw e;
    writeOut(Deno.stderr, describeError(ErrorCode.badServer, wireDetail(e.detail), options.lang));
    return Exit.failed;
  }
  writeOut(Deno.stderr, say(TEXTS.connected, options.lang, host, String(port)));
  return await runPiped(new ServerLink(conn), options);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
