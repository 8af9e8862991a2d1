/**
 * The teacher at the projector (C2): when the server runs in a terminal,
 * each line typed at its console is a command, run as the teacher's without
 * a token. Answers are printed on the console.
 *
 * @module
 */

import {
  COMMANDS,
  type CommandSpec,
  ErrorCode,
  Message,
  type Role,
  say,
  type Text,
  toAscii,
} from "../protocol.ts";
import { describeError, parseServerLine, wireTemplate } from "../wire/server_lines.ts";
import { latin1 } from "../wire/ascii.ts";
import { splitLines } from "../wire/line_splitter.ts";
import { parseCommand } from "../wire/commands.ts";
import { type Caller, dispatch, type SessionHost } from "./commands.ts";
import { errorName } from "./log.ts";
import { errorReply, Reply } from "./replies.ts";
import { bounded, type Member } from "./room/room.ts";

/**
 * The console's `{help}`: the commands it takes (the brace ones; `:text` is `{say text}`),
 * each in English and Portuguese like the console's other lines; `{quit}` there stops the
 * server (review 9d).
 */
function consoleHelp(): string[] {
  const brace = (COMMANDS as readonly CommandSpec[]).filter((c) =>
    c.syntax === "brace" && c.phase !== "nick" && c.hidden !== true
  );
  const width = Math.max(...brace.map((c) => c.usage.en.length + 2));
  return brace.map((c) => {
    const help = c.name === "quit" ? CONSOLE_TEXTS.quitHelp : c.help;
    return toAscii(`${c.usage.en.padEnd(width)}${help.en} / ${help.pt}`);
  });
}

/** The console's lines of a reply the students get in Portuguese: English first, then it. */
function bilingual(line: string): string {
  const parsed = parseServerLine(line);
  if (parsed.kind === "error") {
    // A teacher's command on nobody names the command (`{kick zed}`), as the client says it.
    const en = parsed.code === ErrorCode.noSuchUser && parsed.detail.startsWith("{")
      ? `ERRO 02: ${say(Message.nobodyOnline, "en")} (${parsed.detail})`
      : describeError(parsed.code, parsed.detail, "en");
    return `${toAscii(en)} / ${line}`;
  }
  const m = /^(OK|AVISO) (.*)$/.exec(line);
  if (m === null) return line;
  for (const [pattern, t] of CONSOLE_TEMPLATES) {
    const args = pattern.exec(m[2]!);
    if (args) return `${m[1]} ${say(t, "en", ...args.slice(1))} / ${m[2]}`;
  }
  return line;
}

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
    const { lines, rest } = splitLines(latin1(bytes));
    for (const line of [...lines, rest]) if (line !== "") this.#print(bilingual(line));
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
        case "private":
          return await this.#whisper(cmd.to, cmd.text);
        case "admin":
          return this.#print("console: the console is the teacher's already, no token needed");
        case "help":
          return consoleHelp().forEach((l) => this.#print(l));
      }
      const before = this.#answers;
      // The teacher speaking at the console speaks to the room: `:text` is `{say text}`, and
      // gets its answer line like every other command (review 9c).
      await dispatch(this, cmd.kind === "public" ? { kind: "say", arg: cmd.text.trim() } : cmd);
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
  quitHelp: {
    pt: "parar o servidor (pergunta antes)",
    en: "stop the server (asks first)",
  } satisfies Text,
  inputEnded: "console: its input ended (Ctrl+D); the server goes on, Ctrl+C stops it" +
    " / console: a entrada terminou (Ctrl+D); o servidor continua, Ctrl+C o para",
} as const;

/** The teacher's replies the console says in English too (review 9d). */
const CONSOLE_TEMPLATES: readonly [RegExp, Text][] = [
  Message.sent,
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
