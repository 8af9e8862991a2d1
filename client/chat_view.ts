/**
 * The chat as the terminal shows it (S15, C6): each line with its time and
 * the colour of its kind, a mention of the user marked and, with a private
 * message, ringing the bell, and the user's own messages shown in the
 * chat's form (a muted user's public ones as refused, issue 19.6).
 *
 * @module
 */

import { ErrorCode, type Lang, Message, say } from "../protocol.ts";
import type { Command } from "../wire/commands.ts";
import { type ServerLine, wireTemplate } from "../wire/server_lines.ts";
import { clock, ownText, showServerLine, type Style, TEXTS } from "./render.ts";
import { paint, type Screen } from "./screen.ts";
import { type OwnLine, OwnLines } from "./own_lines.ts";

/** The teacher's notices that mute and unmute a user, as they come on the wire. */
const MUTED = wireTemplate(Message.mutedBy);
const UNMUTED = wireTemplate(Message.unmutedBy);

/**
 * Where `nick` is mentioned in `text` as a whole word, in any case.
 *
 * @returns The index, or -1.
 */
export function mentionAt(text: string, nick: string): number {
  const escaped = nick.replace(/[-]/g, "\\-");
  const m = new RegExp(`(^|[^A-Za-z0-9_-])(${escaped})(?![A-Za-z0-9_-])`, "i").exec(text);
  return m ? m.index + m[1]!.length : -1;
}

/** How a {@linkcode ChatView} shows the chat. */
export interface ChatViewOptions {
  /** The interface language. */
  readonly lang: Lang;
  /** Whether lines are coloured. */
  readonly colour: boolean;
  /** Ring the bell on a private message or a mention (C6). */
  readonly bell: boolean;
}

/** The chat's lines on the terminal's screen, and whether the teacher muted the user. */
export class ChatView {
  readonly #screen: Screen;
  readonly #options: ChatViewOptions;
  /** Whether the teacher muted this user: its public messages are shown as refused (issue 19.6). */
  #muted = false;
  /** The user's messages waiting for the server's answer, and the members its commands removed. */
  readonly #own = new OwnLines();

  /**
   * A view of the chat on a screen.
   *
   * @param screen Where lines are printed.
   * @param options The language, the colours, the bell.
   */
  constructor(screen: Screen, options: ChatViewOptions) {
    this.#screen = screen;
    this.#options = options;
  }

  /** Prints a line with the time (now, or the time it was said), coloured by its kind. */
  show(style: Style, text: string, time: string = clock()): void {
    const colour = this.#options.colour;
    this.#screen.print(`${paint("time", time, colour)} ${paint(style, text, colour)}`);
  }

  /**
   * Shows a server line; a private message or a mention of the user rings the bell (C6). The
   * room's `SAIU` for a member the user's own `{kick}` or `{ban}` removed is not shown: the
   * command's `OK` said it (field test: a kick was shown twice).
   *
   * @param line The line.
   * @param nick The user's nickname, or `""` before it is accepted.
   * @returns The user's message this line refuses (an `ERRO`), to give its text back.
   */
  serverLine(line: ServerLine, nick: string): OwnLine | undefined {
    this.#noteMuted(line, nick);
    const answer = this.#own.answer(line);
    if (answer?.kind === "told") return;
    this.#show(line, nick);
    return answer?.own;
  }

  #show(line: ServerLine, nick: string): void {
    const shown = showServerLine(line, this.#options.lang, nick);
    if (shown === undefined) return;
    // A line from before one joined shows once the time it was said, where the others show now.
    if (line.kind === "history") {
      return this.show("history", `${line.from}: ${line.text}`, line.time);
    }
    const mention = line.kind === "public" && nick !== "" ? mentionAt(line.text, nick) : -1;
    if (line.kind === "private" || mention >= 0) {
      if (this.#options.bell) this.#screen.bell();
    }
    if (mention < 0 || line.kind !== "public") return this.show(shown.style, shown.text);
    const text = line.text;
    const marked = text.slice(0, mention) +
      paint("mention", text.slice(mention, mention + nick.length), this.#options.colour) +
      text.slice(mention + nick.length);
    this.show(shown.style, `${line.from}: ${marked}`);
  }

  /**
   * Shows the user's own public or private message in the chat's form; a muted one as refused.
   *
   * @param command The command sent, when it was a chat line.
   * @param nick The user's nickname.
   * @param typed The line as the user typed it (accents and all), given back if the server
   * refuses it.
   */
  own(command: Command | undefined, nick: string, typed = ""): void {
    const c = command;
    if (c === undefined) return;
    this.#own.sent(c, typed);
    if (c.kind !== "public" && c.kind !== "private") return;
    const lang = this.#options.lang;
    const text = ownText(c, nick, lang);
    if (c.kind === "public" && this.#muted) {
      this.show("error", `${text}  (${say(TEXTS.notSentMuted, lang)})`);
    } else this.show("own", text);
  }

  /** Follows whether this user is muted: the teacher's notices about it, and ERRO 14. */
  #noteMuted(line: ServerLine, nick: string): void {
    if (line.kind === "error" && line.code === ErrorCode.muted) this.#muted = true;
    if (line.kind !== "notice" || nick === "") return;
    if (MUTED.exec(line.text)?.[1] === nick) this.#muted = true;
    if (UNMUTED.exec(line.text)?.[1] === nick) this.#muted = false;
  }
}
