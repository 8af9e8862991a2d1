/**
 * What the server does for each command of the table in `protocol.ts`: one
 * handler per command name. The compiler asks for a handler for every
 * command in the table, so adding a command is one entry there and one
 * here. A handler refuses with a {@linkcode Refusal}: one `ERRO` line to the
 * sender only.
 *
 * @module
 */

import { type CommandName, type DetailName, ErrorCode, errorLine } from "../protocol.ts";
import { Outgoing } from "../wire/messages.ts";
import { encodeAscii } from "../wire/ascii.ts";
import type { BraceName, Command } from "../wire/commands.ts";
import { byeReply, errorReply, helpReply, Reply } from "./replies.ts";
import type { Session } from "./session.ts";

/** A handler's refusal: the error line its sender gets, and nothing else happens. */
export class Refusal extends Error {
  /** The line, ready to send. */
  readonly line: Uint8Array;

  /**
   * @param code The error code.
   * @param detail A fixed detail's name, or `{ data }` for data such as a nickname.
   */
  constructor(code: ErrorCode, detail?: DetailName | { data: string }) {
    const line = typeof detail === "object"
      ? errorReply(code, detail.data)
      : encodeAscii(errorLine(code, detail));
    super(new TextDecoder().decode(line).trimEnd());
    this.name = "Refusal";
    this.line = line;
  }
}

/** The command a handler gets: its parsed line. */
export type CommandOf<K extends CommandName> = K extends "public"
  ? Extract<Command, { kind: "public" }>
  : K extends "private" ? Extract<Command, { kind: "private" }>
  : { readonly kind: K & BraceName; readonly arg?: string };

/** What the server does for one command. */
export type Handler<K extends CommandName> = (
  s: Session,
  cmd: CommandOf<K>,
) => void | Promise<void>;

/** One handler per command of {@linkcode COMMANDS}. */
export const HANDLERS: { readonly [K in CommandName]: Handler<K> } = {
  async public(s, { text }) {
    if (s.host.limits.logMessages) s.host.log(`public ${s.nick}: ${text}`);
    await s.call(s.host.room.publish(s, text), "publish");
  },
  async private(s, { to, text }) {
    if (s.host.limits.logMessages) s.host.log(`private ${s.nick} -> ${to}: ${text}`);
    const delivered = await s.call(s.host.room.whisper(s, to, text), "whisper");
    if (!delivered) throw new Refusal(ErrorCode.noSuchUser, { data: to });
    s.send(Reply.sent);
  },
  async users(s) {
    const nicks = await s.call(s.host.room.nicks(), "nicks");
    s.deliver(new Outgoing({ kind: "users", nicks }));
  },
  help(s) {
    s.send(helpReply(s.role));
  },
  quit(s) {
    s.quit(byeReply(s.nick));
  },
};

/**
 * Runs the handler of a registered client's line, or answers why it is no
 * command (ERRO 07).
 *
 * @param s The sender's session.
 * @param cmd The parsed line.
 * @returns The handler's promise, when it waits for the room.
 */
export function dispatch(s: Session, cmd: Command): void | Promise<void> {
  switch (cmd.kind) {
    case "empty":
      return;
    case "invalid":
      return s.send(cmd.detail === "emptyMessage" ? Reply.emptyMessage : Reply.unknownCommand);
  }
  const handler = HANDLERS[cmd.kind] as Handler<CommandName>;
  try {
    const done = handler(s, cmd as CommandOf<CommandName>);
    return done && done.catch((e) => refused(s, e));
  } catch (e) {
    return refused(s, e);
  }
}

function refused(s: Session, e: unknown): void {
  if (!(e instanceof Refusal)) throw e;
  s.send(e.line);
}
