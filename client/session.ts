/**
 * The client's session as a pure state machine (S10, S14-S16, X2): a line
 * from the server or from the user goes in, and what to do comes out (send
 * a line, ask for a nickname, enter the chat, exit with a code). Both the
 * terminal and the piped mode run it; it touches no socket and no terminal.
 *
 * What the user types is never lost: a line typed before it can go (while a
 * nickname waits for its answer, or before the server asks for one) waits in
 * order and goes as soon as it may.
 *
 * @module
 */

import { ErrorCode, type Text } from "../protocol.ts";
import { type Command, parseNick } from "../wire/commands.ts";
import type { ServerLine } from "../wire/server_lines.ts";
import { ChatLines } from "./chat_line.ts";

/** Exit codes of the client. */
export const Exit = {
  /** The user left, or input ended, cleanly. */
  ok: 0,
  /** ERRO 03, ERRO 04, ERRO 11, or a nickname given with --nick refused. */
  failed: 1,
  /** A mistake in the command line. */
  usage: 2,
} as const;

/** What the session asks its mode to do. */
export type Action =
  /**
   * Send a line to the server; `command` is set for a chat line, and `typed` for a chat line
   * typed (before its ASCII fold, to give back as typed if the server refuses it).
   */
  | {
    readonly kind: "send";
    readonly line: string;
    readonly command?: Command;
    readonly typed?: string;
  }
  /** Show a line the server sent. */
  | { readonly kind: "show"; readonly line: ServerLine }
  /** Ask the user for a nickname (a terminal shows its prompt). */
  | { readonly kind: "askNick" }
  /** The chat begins: show the hint and the chat's prompt. */
  | { readonly kind: "enterChat"; readonly nick: string }
  /** Close the connection now (a refused `--nick` with nobody to ask). */
  | { readonly kind: "close" }
  /**
   * Tell the user something of the client's own (an error when `error`); `line`, when set, is a
   * line typed that was not sent, given back to be edited (nothing typed is lost).
   */
  | {
    readonly kind: "tell";
    readonly text: Text;
    readonly args?: readonly string[];
    readonly error?: true;
    readonly line?: string;
  };

/** How the session ends: the exit code, and whether to say the connection was lost. */
export interface Ending {
  /** The exit code. */
  readonly code: number;
  /** Show ERRO 03 (connection lost): the server went away unasked. */
  readonly lost: boolean;
}

/** Options of a {@linkcode ClientSession}. */
export interface ClientSessionOptions {
  /** The nickname given with `--nick`, sent when the server first asks. */
  nick?: string | undefined;
  /** Whether a person is there to ask (a terminal), or input is piped. */
  interactive: boolean;
}

/** Whether an error ends the session (the server closes after it). */
export function isFatal(code: number): boolean {
  return code === ErrorCode.forcedClose || code === ErrorCode.serverFull;
}

/** Whether an error refuses a nickname (the client may try another). */
function isNickRefusal(code: number): boolean {
  return code === ErrorCode.nickTaken || code === ErrorCode.badNick;
}

/**
 * One client session, from the connection to the exit.
 *
 * @example
 * ```ts
 * import { ClientSession } from "./session.ts";
 * import { parseServerLine } from "../wire/server_lines.ts";
 * import assert from "node:assert/strict";
 * const s = new ClientSession({ nick: "ana", interactive: false });
 * const actions = s.serverLine(parseServerLine("APELIDO Digite seu apelido"));
 * assert.deepEqual(actions, [{ kind: "send", line: "ana" }]);
 * ```
 */
export class ClientSession {
  readonly #interactive: boolean;
  #flagNick: string | undefined;
  /** Lines typed that may not go yet, in order: as they go, and as they were typed. */
  readonly #queue: { line: string; typed: string }[] = [];
  /** The server has asked for a nickname and none is on its way. */
  #asked = false;
  /** A nickname is on its way: whether it came from `--nick`. */
  #waiting: { fromFlag: boolean } | undefined;
  #nick = "";
  #registered = false;
  #chatting = false;
  #nickRefused = false;
  #quitSent = false;
  #inputEnded = false;
  /** Whether the server has sent a line: before that, `--nick` may still be asked for. */
  #heard = false;
  #bye = false;
  #fatal = false;
  #gaveUp = false;
  /** What the lines typed in the chat become (`{reply}`, a beginner's plain line). */
  readonly #chatLines: ChatLines;

  /** @param options The `--nick`, and whether there is a person to ask. */
  constructor(options: ClientSessionOptions) {
    this.#flagNick = options.nick;
    this.#interactive = options.interactive;
    this.#chatLines = new ChatLines(options.interactive);
  }

  /** The nickname accepted by the server, or `""`. */
  get nick(): string {
    return this.#nick;
  }

  /** Whether the user is in the chat (the nickname accepted). */
  get registered(): boolean {
    return this.#registered;
  }

  /** Whether `{quit}` was sent: the session is leaving. */
  get leaving(): boolean {
    return this.#quitSent;
  }

  /** A line from the server. */
  serverLine(line: ServerLine): Action[] {
    const out: Action[] = [];
    const first = !this.#heard;
    this.#heard = true;
    if (line.kind !== "nick") out.push({ kind: "show", line });
    const answer = this.#waiting;
    const answered = line.kind === "welcome" || line.kind === "bye" || line.kind === "error";
    if (answer !== undefined && answered) this.#waiting = undefined;
    switch (line.kind) {
      case "private":
        this.#chatLines.privateFrom(line.from);
        break;
      case "nick":
        this.#asked = true;
        this.#nextNick(out);
        return out;
      case "welcome":
        this.#registered = true;
        this.#nickRefused = false;
        this.#asked = false;
        this.#nick = line.nick;
        return out;
      case "bye":
        this.#bye = true;
        return out;
      case "error":
        if (isFatal(line.code)) this.#fatal = true;
        else if (!this.#registered && answer !== undefined) {
          this.#nickRefused ||= isNickRefusal(line.code);
          // A nickname refused, or the room unavailable to log in (ERRO 17, N5).
          const refused = isNickRefusal(line.code) || line.code === ErrorCode.roomDown;
          if (answer.fromFlag && !this.#interactive && refused) {
            // --nick was refused and there is nobody to ask for another (X2).
            this.#gaveUp = true;
            out.push({ kind: "close" });
            return out;
          }
          this.#asked = true;
          this.#nextNick(out);
        }
        return out;
    }
    if (this.#registered && !this.#chatting && !this.#quitSent) {
      this.#chatting = true;
      out.push({ kind: "enterChat", nick: this.#nick });
      this.#flush(out);
    } else if (first && this.#inputEnded) {
      // A server that speaks otherwise and never asks: the end of input goes on (X2).
      this.#flush(out);
    }
    return out;
  }

  /**
   * A line the user typed (or piped in), in order.
   *
   * @param line The line as it goes (ASCII, S1).
   * @param typed The line as typed, accents and all: what a refusal gives back.
   */
  input(line: string, typed: string = line): Action[] {
    const out: Action[] = [];
    if (this.#quitSent) return out;
    this.#queue.push({ line, typed });
    if (this.#chatting || this.#asked) this.#flush(out);
    // A blank answer at the nickname prompt: ask again.
    if (this.#asked && this.#waiting === undefined && this.#interactive && !this.#quitSent) {
      out.push({ kind: "askNick" });
    }
    return out;
  }

  /** Piped input ended: once every line waiting has gone, `{quit}` is sent. */
  inputEnded(): Action[] {
    this.#inputEnded = true;
    const out: Action[] = [];
    this.#flush(out);
    return out;
  }

  /** The user leaves now (Ctrl+C, Ctrl+D, `{quit}` in a terminal): `{quit}` goes at once. */
  leave(): Action[] {
    this.#queue.length = 0;
    const out: Action[] = [];
    this.#quit(out);
    return out;
  }

  /**
   * The server closed the connection (or it was closed after leaving).
   * @returns The exit code, and whether the connection was lost unasked.
   */
  closed(): Ending {
    if (this.#fatal || this.#gaveUp) return { code: Exit.failed, lost: false };
    if (this.#interactive && this.#quitSent) return { code: Exit.ok, lost: false };
    if (!this.#bye) return { code: Exit.failed, lost: true };
    const refused = !this.#interactive && this.#nickRefused && !this.#registered;
    return { code: refused ? Exit.failed : Exit.ok, lost: false };
  }

  /** Answers the server's request for a nickname: `--nick`, a line typed ahead, or the user. */
  #nextNick(out: Action[]): void {
    if (this.#flagNick !== undefined) {
      const nick = this.#flagNick;
      this.#flagNick = undefined;
      this.#asked = false;
      this.#waiting = { fromFlag: true };
      out.push({ kind: "send", line: nick });
      return;
    }
    this.#flush(out);
    if (this.#asked && this.#interactive && !this.#quitSent) out.push({ kind: "askNick" });
  }

  /** Sends the lines waiting, as far as they may go now. */
  #flush(out: Action[]): void {
    while (this.#queue.length > 0 && !this.#quitSent) {
      if (this.#chatting) {
        this.#chatLine(this.#queue.shift()!, out);
        continue;
      }
      if (!this.#asked || this.#waiting !== undefined) break;
      const { line } = this.#queue.shift()!;
      const answer = parseNick(line);
      if (answer.kind === "empty") continue; // the server ignores it, and would not answer
      if (answer.kind === "quit") {
        this.#quit(out);
        break;
      }
      this.#asked = false;
      this.#waiting = { fromFlag: false };
      out.push({ kind: "send", line: line.trim() });
    }
    // The end of input waits for the server's first line, which may ask for `--nick`, and
    // then for its answer (X2): a refused `--nick` is always its ERRO and a non-zero exit,
    // however early input ends.
    if (
      this.#inputEnded && this.#queue.length === 0 && this.#waiting === undefined &&
      (this.#flagNick === undefined || this.#heard) && !this.#quitSent
    ) {
      this.#quit(out);
    }
  }

  /**
   * A line typed in the chat: sent as it is, but for the client's own `{reply}`; one not sent
   * is given back as typed.
   */
  #chatLine({ line, typed }: { line: string; typed: string }, out: Action[]): void {
    const chat = this.#chatLines.typed(line);
    if (chat.kind === "quit") return this.#quit(out);
    if (chat.kind === "tell") return void out.push({ ...chat, line: typed });
    out.push({ kind: "send", line: chat.line, command: chat.command, typed });
    if (chat.tell !== undefined) out.push({ kind: "tell", text: chat.tell });
  }

  #quit(out: Action[]): void {
    if (this.#quitSent) return;
    this.#quitSent = true;
    out.push({ kind: "send", line: "{quit}" });
  }
}
