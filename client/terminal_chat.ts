/**
 * The client in a terminal (S14, S15): asks for what is missing, connects
 * (asking again on ERRO 04), then runs the session with the input line kept
 * intact below incoming lines, in colours.
 *
 * @module
 */

import { parsePort } from "../common/address.ts";
import { onStopSignals } from "../common/cli.ts";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  ErrorCode,
  type Lang,
  Message,
  say,
  type Text,
  toAscii,
} from "../protocol.ts";
import { parseServerLine } from "../wire/server_lines.ts";
import { Roster } from "./roster.ts";
import { type Connect, ConnectError, connectTo, type ServerConn, ServerLink } from "./link.ts";
import { clientError, TEXTS } from "./render.ts";
import { Screen } from "./screen.ts";
import { type Action, ClientSession, Exit } from "./session.ts";
import { ChatView } from "./chat_view.ts";

/** How long leaving waits for the server's goodbye before closing anyway. */
const LEAVE_WAIT_MS = 3_000;

/** What the terminal client is given on its command line. */
export interface TerminalOptions {
  /** The server's address, when given with `--host`. */
  host?: string | undefined;
  /** The server's port, when given with `--port`. */
  port?: number | undefined;
  /** The nickname, when given with `--nick`. */
  nick?: string | undefined;
  /** The interface language. */
  lang: Lang;
  /** Ring the bell on a private message or a mention (C6). @default {true} */
  bell?: boolean;
  /** Where the socket trace goes (C1), if anywhere. */
  trace?: ((line: string) => void) | undefined;
  /** Opens the socket to the server (`client.ts` gives `Deno.connect`). */
  connect: Connect;
}

/**
 * Runs the client in a terminal: asks for what is missing, connects (asking
 * again on ERRO 04), exchanges the nickname (asking again on ERRO 01 / 06),
 * then chats with the input line kept intact below incoming lines (S14, S15).
 *
 * @param options The flags given.
 * @returns The exit code: 0 when the user leaves; 1 when the server goes away (ERRO 03).
 */
export async function runTerminal(options: TerminalOptions): Promise<number> {
  return await new TerminalChat(options).run();
}

/** A port to connect to: 1 to 65535, blank for the default. */
export function clientPort(text: string): number | undefined {
  const port = parsePort(text);
  return port === 0 ? undefined : port;
}

/** One terminal session, from the first prompt to the exit. */
class TerminalChat {
  readonly #lang: Lang;
  readonly #options: TerminalOptions;
  readonly #left = new AbortController();
  readonly #screen: Screen;
  readonly #view: ChatView;
  readonly #session: ClientSession;
  readonly #roster = new Roster();
  #link: ServerLink | undefined;
  #leaving = false;
  #leaveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: TerminalOptions) {
    this.#options = options;
    this.#lang = options.lang;
    this.#session = new ClientSession({ nick: options.nick, interactive: true });
    this.#screen = new Screen(() => this.#leave(), (line) => this.#roster.complete(line));
    this.#view = new ChatView(this.#screen, {
      lang: options.lang,
      colour: !Deno.noColor,
      bell: options.bell !== false,
    });
    // From the start: a line typed while connecting waits in the session (nothing is lost).
    this.#screen.onLine((line) => this.#typed(line));
  }

  async run(): Promise<number> {
    const stopListening = onStopSignals(() => this.#leave(), true);
    try {
      const conn = await this.#connect();
      if (conn === undefined) return Exit.ok;
      this.#link = new ServerLink(conn, this.#options.trace);
      return await this.#chat(this.#link);
    } finally {
      clearTimeout(this.#leaveTimer);
      stopListening();
      this.#link?.close();
      this.#screen.close();
    }
  }

  #say(text: Text, ...args: string[]): string {
    return say(text, this.#lang, ...args);
  }

  /** Asks for the address and port until a connection is made; `undefined` if the user leaves. */
  async #connect(): Promise<ServerConn | undefined> {
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
          this.#view.show("error", this.#say(TEXTS.badPort, answer.trim()));
          continue;
        }
      }
      const hostname = host.trim() === "" ? DEFAULT_HOST : host.trim();
      this.#view.show("system", this.#say(TEXTS.connecting, hostname, String(port)));
      try {
        const conn = await connectTo(hostname, port, {
          connect: this.#options.connect,
          signal: this.#left.signal,
        });
        this.#view.show("system", this.#say(TEXTS.connected, hostname, String(port)));
        return conn;
      } catch (e) {
        if (this.#leaving) return undefined;
        if (!(e instanceof ConnectError)) throw e;
        this.#view.show("error", clientError(ErrorCode.badServer, e.detail, this.#lang));
        host = undefined;
        port = undefined;
      }
    }
    return undefined;
  }

  /** Reads the server's lines until it closes; returns the exit code. */
  async #chat(link: ServerLink): Promise<number> {
    for await (const text of link.lines()) {
      this.#apply(this.#session.serverLine(parseServerLine(text)));
    }
    link.close();
    this.#screen.close();
    const end = this.#session.closed();
    if (end.lost) {
      this.#view.show("error", clientError(ErrorCode.forcedClose, "connectionLost", this.#lang));
    }
    return end.code;
  }

  /** Does what the session asks. */
  #apply(actions: Action[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case "show": {
          this.#roster.update(a.line);
          // A message the server refused comes back to the input line, to edit (nothing is lost).
          const refused = this.#view.serverLine(a.line, this.#session.nick);
          if (refused !== undefined) this.#screen.giveBack(refused.typed);
          break;
        }
        case "tell":
          this.#view.show(a.error ? "error" : "system", this.#say(a.text, ...(a.args ?? [])));
          if (a.line !== undefined) this.#screen.giveBack(a.line);
          break;
        case "askNick":
          this.#screen.prompt(this.#say(TEXTS.askNick, this.#say(Message.askNick)));
          break;
        case "enterChat":
          // The server's next line says how to talk (AJUDA), in the user's language.
          this.#screen.prompt(`${a.nick}> `);
          break;
        case "send":
          this.#view.own(a.command, this.#session.nick, a.typed ?? a.line);
          void this.#link?.send(a.line);
          break;
        case "close":
          this.#link?.close();
          break;
      }
    }
    if (this.#session.leaving) this.#leave();
  }

  /** A line typed: in the chat it is erased and shown again in the chat's form when sent. */
  #typed(typed: string): void {
    const line = toAscii(typed);
    if (this.#session.registered) {
      if (line.trim() === "") {
        this.#screen.eraseEntered(typed);
        this.#screen.prompt();
        return;
      }
      this.#screen.eraseEntered(typed);
    }
    this.#apply(this.#session.input(line, typed));
    if (this.#session.registered && !this.#leaving) this.#screen.prompt();
  }

  /** Leaves: restores the terminal, says `{quit}`, and waits a bounded time for the server to close. */
  #leave(): void {
    if (this.#leaving) return;
    this.#leaving = true;
    this.#screen.close();
    this.#left.abort();
    const link = this.#link;
    if (link === undefined) return;
    this.#apply(this.#session.leave());
    this.#leaveTimer = setTimeout(() => link.close(), LEAVE_WAIT_MS);
  }
}
