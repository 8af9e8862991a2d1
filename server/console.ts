/**
 * The teacher at the projector (C2): when the server runs in a terminal,
 * each line typed at its console is a command, run as the teacher's without
 * a token. Answers are printed on the console.
 *
 * @module
 */

import { ErrorCode, helpLines, type Role } from "../protocol.ts";
import { encodeAscii, latin1, toAscii } from "../wire/ascii.ts";
import { parseCommand } from "../wire/commands.ts";
import { type Caller, dispatch, type SessionHost } from "./commands.ts";
import { errorName } from "./log.ts";
import { errorReply, Reply } from "./replies.ts";
import { bounded, type Member } from "./room/room.ts";

/** The console's `{help}`: the commands it takes (the brace ones; `:text` is `{say text}`). */
const CONSOLE_HELP = encodeAscii(helpLines("teacher", (c) => c.syntax === "brace"));

/** The console as a {@linkcode Caller}: the teacher, with no place in the room. */
export class ConsoleCaller implements Caller {
  /** The name the console's notices are made under. */
  readonly nick = "professor";
  /** Who the log says did an action. */
  readonly who = "console";
  /** Always the teacher. */
  role: Role = "teacher";
  /** The console is no member of the room. */
  readonly member = undefined;
  /** Never muted. */
  readonly muted = false;
  /** The server. */
  readonly host: SessionHost;
  readonly #print: (line: string) => void;
  readonly #quit: () => void;
  /** The console as the sender of its private messages; it is in no room's list. */
  readonly #self: Member = {
    id: "console",
    nick: "professor",
    ip: "",
    role: "teacher",
    muted: false,
    deliver: () => true,
    remove: () => {},
  };
  /** `quit` was typed: the next line says whether to stop the server (issue 19.2). */
  #confirming = false;

  /**
   * @param host The server.
   * @param print Where answers go, a line each.
   * @param quit What `{quit}` at the console does: stops the server.
   */
  constructor(host: SessionHost, print: (line: string) => void, quit: () => void) {
    this.host = host;
    this.#print = print;
    this.#quit = quit;
  }

  /** How many answers were printed: a command that printed none gets one (issue 19.2). */
  #answers = 0;

  /** Prints the answer's lines. */
  send(bytes: Uint8Array): void {
    this.#answers++;
    for (const line of latin1(bytes).split("\r\n")) if (line !== "") this.#print(line);
  }

  /** Waits for a room call, at most the room's deadline. */
  call<T>(call: Promise<T>, what: string): Promise<T>;
  call<T>(call: T | Promise<T>, what: string): T | Promise<T>;
  call<T>(call: T | Promise<T>, what: string): T | Promise<T> {
    return bounded(this.host.room, call, this.host.limits.roomDeadlineMs, what);
  }

  /** `{quit}` at the console stops the server. */
  quit(): void {
    this.#quit();
  }

  /** The console's input ended (Ctrl+D): said, and the server goes on (issue 19.2). */
  ended(): void {
    this.#print(CONSOLE_TEXTS.inputEnded);
  }

  /** The console needs no token. */
  wrongToken(): void {}

  /**
   * Runs one line typed at the console.
   *
   * @param typed The line, as typed (accents become ASCII).
   */
  async run(typed: string): Promise<void> {
    if (this.#confirming) return this.#confirm(typed);
    const cmd = parseCommand(toAscii(typed));
    try {
      switch (cmd.kind) {
        case "quit":
          // It disconnects every student at once: ask first (issue 19.2).
          this.#confirming = true;
          return this.#print(CONSOLE_TEXTS.askQuit);
        case "public":
          // The teacher speaking at the console speaks to the room: `:text` is `{say text}`.
          return await dispatch(this, { kind: "say", arg: cmd.text.trim() });
        case "private":
          return await this.#whisper(cmd.to, cmd.text);
        case "admin":
          return this.#print("console: the console is the teacher's already, no token needed");
        case "help":
          return this.send(CONSOLE_HELP);
      }
      const before = this.#answers;
      await dispatch(this, cmd);
      // {say}, {mute}, {lock}... answer the room with an AVISO, which the console does not get.
      if (this.#answers === before && cmd.kind !== "empty") {
        this.#print(`${CONSOLE_TEXTS.done} ${typed.trim()}`);
      }
    } catch (e) {
      this.#print(`console: ${errorName(e)}`);
    }
  }

  /** `apelido:texto` at the console: a private message from the teacher (issue 19.2). */
  async #whisper(to: string, text: string): Promise<void> {
    const result = await this.call(this.host.room.whisper(this.#self, to, text), "whisper");
    if (result === "sent") this.send(Reply.sent);
    else this.send(errorReply(ErrorCode.noSuchUser, to));
  }

  /** The answer to {@linkcode CONSOLE_TEXTS.askQuit}: `sim`/`yes` stops the server. */
  #confirm(typed: string): void {
    this.#confirming = false;
    if (/^\s*(s|sim|y|yes)\s*$/i.test(typed)) return this.#quit();
    this.#print(CONSOLE_TEXTS.goesOn);
  }
}

/** The console's own sentences, in English and Portuguese (the banner's languages). */
export const CONSOLE_TEXTS = {
  askQuit: "console: stop the server and disconnect every student? type yes, or Enter to go on" +
    " / parar o servidor e desconectar todos os alunos? digite sim, ou Enter para continuar",
  goesOn: "console: the server goes on / o servidor continua",
  done: "OK done / feito:",
  inputEnded: "console: its input ended (Ctrl+D); the server goes on, Ctrl+C stops it" +
    " / console: a entrada terminou (Ctrl+D); o servidor continua, Ctrl+C o para",
} as const;

/**
 * Reads the console's lines until its input ends, running each in order.
 *
 * @param caller The console.
 * @param lines The lines typed.
 */
export async function runConsole(
  caller: ConsoleCaller,
  lines: AsyncIterable<string>,
): Promise<void> {
  for await (const line of lines) await caller.run(line);
  caller.ended();
}
