/**
 * What the server does for each command of the table in `protocol.ts`: one
 * handler per command name. The compiler asks for a handler for every
 * command in the table, so adding a command is one entry there and one
 * here. A handler refuses with a {@linkcode Refusal}: one `ERRO` line to the
 * sender only. A teacher's command from anyone else is `ERRO 13` before its
 * handler runs (C3).
 *
 * @module
 */

import { timingSafeEqual } from "node:crypto";
import {
  type CommandName,
  COMMANDS,
  type CommandSpec,
  type DetailName,
  ErrorCode,
  errorLine,
  Message,
  nobodyOnlineLine,
  okLine,
  type Role,
  type Text,
} from "../protocol.ts";
import { encodeAscii } from "../wire/ascii.ts";
import { type Command, nickKey } from "../wire/commands.ts";
import { Outgoing } from "./room/message.ts";
import { byeReply, errorReply, helpReply, Reply } from "./replies.ts";
import type { Limits } from "./options.ts";
import {
  type Ban,
  BAN_KINDS,
  type BanKind,
  type Member,
  type Room,
  RoomUnavailable,
  type WhisperResult,
} from "./room/room.ts";
import { type AddressBuckets, TOKEN_TRIES, type TokenGuard } from "./guard.ts";

/** What a session, and every other {@linkcode Caller}, needs of its server. */
export interface SessionHost {
  /** The room. */
  readonly room: Room;
  /** The limits. */
  readonly limits: Limits;
  /** The teacher's token (C2). */
  readonly adminToken: string;
  /** Who guessed the token wrong too often (L9). */
  readonly tokenGuard: TokenGuard;
  /** Each address's budgets of lines and joins (L10). */
  readonly budgets: AddressBuckets;
  /** Writes a log line (S9). */
  log(line: string): void;
  /** Records a teacher's action, with who did it, in the log and the transcript (C3, C5). */
  action(who: string, action: string): void;
  /** Tells the server that a member joined the room (`true`) or left it. */
  registered(member: Member, joined: boolean): void;
  /** Counts an error from a socket, contained to its session. */
  socketError(): void;
  /** Shows a student's message to the teacher at the server's console (C2, issue 19.2). */
  toConsole(from: string, text: string): void;
}

/** Who runs a command: a client's session, or the teacher at the server's console. */
export interface Caller {
  /** The nickname (the console's is `professor`). */
  readonly nick: string;
  /** `IP:port nick` (or `console`), for logs. */
  readonly who: string;
  /** The client's IP address; none for the console. */
  readonly ip?: string;
  /** Whether the teacher's commands are allowed. */
  role: Role;
  /** The server. */
  readonly host: SessionHost;
  /** The caller as a member of the room; `undefined` for the console. */
  readonly member: Member | undefined;
  /** Whether the teacher muted the caller. */
  readonly muted: boolean;
  /** Answers the caller. */
  send(bytes: Uint8Array): void;
  /** Waits for a room call, at most the room's deadline. */
  call<T>(call: Promise<T>, what: string): Promise<T>;
  /** As `call`, for a call an engine in memory answers at once: its answer, no promise (P3). */
  call<T>(call: T | Promise<T>, what: string): T | Promise<T>;
  /** Says goodbye and leaves. */
  quit(bye: Uint8Array): void;
  /** Counts a wrong teacher's token. */
  wrongToken(): void;
}

/** A handler's refusal: the error line its sender gets, and nothing else happens. */
export class Refusal extends Error {
  /** The line, ready to send. */
  readonly line: Uint8Array;

  /**
   * @param code The error code.
   * @param detail A fixed detail's name, `{ data }` for data such as a nickname, or the whole `{ line }`.
   */
  constructor(code: ErrorCode, detail?: DetailName | { data: string } | { line: string }) {
    const line = typeof detail !== "object"
      ? encodeAscii(errorLine(code, detail))
      : "line" in detail
      ? encodeAscii(detail.line)
      : errorReply(code, detail.data);
    super(new TextDecoder().decode(line).trimEnd());
    this.name = "Refusal";
    this.line = line;
  }
}

/** The command a handler gets: its parsed line, with its argument when the table gives it one. */
export type CommandOf<K extends CommandName> = Extract<Command, { kind: K }>;

/** What the server does for one command. */
export type Handler<K extends CommandName> = (
  s: Caller,
  cmd: CommandOf<K>,
) => void | Promise<void>;

/** An `OK` answer to the teacher, encoded. */
function ok(text: Text, ...args: string[]): Uint8Array {
  return encodeAscii(okLine(text, ...args));
}

/** The member behind a caller, or ERRO 07 for the console (which is no member). */
function memberOf(s: Caller): Member {
  if (s.member === undefined) throw new Refusal(ErrorCode.badCommand, "unknownCommand");
  return s.member;
}

/** ERRO 02 for a nickname nobody has. */
function noSuchUser(nick: string): Refusal {
  return new Refusal(ErrorCode.noSuchUser, { data: nick });
}

/** ERRO 02 for a teacher's command on a nickname nobody has: it names the command (issue 19.6). */
function nobodyOnline(command: CommandName, nick: string): Refusal {
  return new Refusal(ErrorCode.noSuchUser, { line: nobodyOnlineLine(`{${command} ${nick}}`) });
}

/** The teacher cannot remove or ban themselves (a ban of their address would lock them out). */
function notYourself(s: Caller, nick: string): void {
  if (s.member !== undefined && nickKey(nick) === nickKey(s.nick)) {
    throw new Refusal(ErrorCode.badCommand, "notYourself");
  }
}

/** Logs a teacher's action with who did it (C3). */
function logAction(s: Caller, action: string): void {
  s.host.action(s.who, action);
}

async function mute(s: Caller, nick: string, on: boolean): Promise<void> {
  const done = await s.call(s.host.room.mute(nick, on), "mute");
  // Nobody online so called: `{unmute}` lifts a muted address by the name it was muted under,
  // or by the address itself (field test: a mute outlived its user).
  if (done === undefined && !on) return unban(s, nick, "unmute");
  if (done === undefined) throw nobodyOnline("mute", nick);
  logAction(s, `${on ? "mute" : "unmute"} ${done.nick}`);
  if (done.changed) await s.call(s.host.room.notice(on ? "muted" : "unmuted", done.nick), "notice");
  else s.send(ok(on ? Message.alreadyMuted : Message.notMuted, done.nick));
}

/**
 * Lifts what `{bans}` lists for an address or for the nickname it was recorded
 * under (C3): `{unban}` every kind, `{unmute}` the muted addresses. The teacher
 * is told each entry lifted, or that nothing matched.
 */
async function unban(s: Caller, arg: string, command: "unban" | "unmute"): Promise<void> {
  const kinds: readonly BanKind[] = command === "unban" ? BAN_KINDS : ["mute"];
  const lifted = await s.call(s.host.room.unban(arg, kinds), "unban");
  const list = lifted.map(banEntry).join(", ");
  logAction(s, `${command} ${arg}: ${list || "nothing"}`);
  if (list !== "") s.send(ok(Message.unbanDone, list));
  else s.send(ok(command === "unban" ? Message.notBanned : Message.notMuted, arg));
}

async function lock(s: Caller, on: boolean): Promise<void> {
  const changed = await s.call(s.host.room.lock(on), "lock");
  logAction(s, on ? "lock" : "unlock");
  if (changed) await s.call(s.host.room.notice(on ? "locked" : "unlocked"), "notice");
  // A repeat says it changed nothing (issue 19.2), not a new success.
  else s.send(ok(on ? Message.alreadyLocked : Message.notLocked));
}

/** Whether `given` is the teacher's token, compared in constant time. */
function tokenMatches(given: string, token: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a private message to nobody called so means: the teacher (C2, issue 19.2), any case. */
export const TEACHER_NAMES = /^(professor|teacher)$/i;

/**
 * `professor:texto` (or `teacher:`) when nobody has that nickname: to the
 * server's console and to every teacher in a client (C2, issue 19.2).
 */
async function toTeachers(s: Caller, from: Member, text: string): Promise<void> {
  await s.call(s.host.room.toTeachers(from, text), "toTeachers");
  s.host.toConsole(s.nick, text);
  s.send(Reply.sent);
}

/** Answers the sender of a private message with what the room did with it. */
function whispered(
  s: Caller,
  to: string,
  text: string,
  result: WhisperResult,
): void | Promise<void> {
  if (result === "noSuchUser" && TEACHER_NAMES.test(to)) return toTeachers(s, memberOf(s), text);
  if (result === "noSuchUser") throw noSuchUser(to);
  if (result === "notTeacher") throw new Refusal(ErrorCode.muted, "mutedHint");
  s.send(Reply.sent);
}

/** One handler per command of {@linkcode COMMANDS}. */
export const HANDLERS: { readonly [K in CommandName]: Handler<K> } = {
  // The two hot paths return no promise when the room answers at once (P3).
  public(s, { text }) {
    const from = memberOf(s);
    if (s.muted) throw new Refusal(ErrorCode.muted, "mutedHint");
    if (s.host.limits.logMessages) s.host.log(`public ${s.nick}: ${text}`);
    return s.call(s.host.room.publish(from, text), "publish");
  },
  private(s, { to, text }) {
    const from = memberOf(s);
    if (s.host.limits.logMessages) s.host.log(`private ${s.nick} -> ${to}: ${text}`);
    const result = s.call(s.host.room.whisper(from, to, text, s.muted), "whisper");
    return result instanceof Promise
      ? result.then((r) => whispered(s, to, text, r))
      : whispered(s, to, text, result);
  },
  async users(s) {
    const nicks = await s.call(s.host.room.nicks(), "nicks");
    s.send(new Outgoing({ kind: "users", nicks }).bytes);
  },
  help(s) {
    s.send(helpReply(s.role));
  },
  quit(s) {
    s.quit(byeReply(s.nick));
  },
  async admin(s, { arg }) {
    const guard = s.host.tokenGuard;
    // L9: a locked address is refused without the token being looked at.
    if (s.ip !== undefined && guard.lockedFor(s.ip) > 0) return s.send(Reply.tokenLocked);
    if (!tokenMatches(arg, s.host.adminToken)) {
      if (s.ip !== undefined && guard.wrong(s.ip)) {
        // One line per episode: the tries before it were logged, the refusals after are not.
        s.host.log(`admin locked for ${s.ip}: ${TOKEN_TRIES} wrong tokens; refused for 10 minutes`);
      } else s.host.log(`admin refused ${s.who}: wrong token`);
      return s.wrongToken();
    }
    s.role = "teacher";
    if (s.member !== undefined) await s.call(s.host.room.promote(s.member), "promote");
    s.host.log(`admin ${s.who}: is the teacher`);
    s.send(Reply.teacher);
  },
  async kick(s, { arg }) {
    notYourself(s, arg);
    const nick = await s.call(s.host.room.kick(arg), "kick");
    if (nick === undefined) throw nobodyOnline("kick", arg);
    logAction(s, `kick ${nick}`);
    s.send(ok(Message.kickDone, nick));
  },
  mute: (s, { arg }) => mute(s, arg, true),
  unmute: (s, { arg }) => mute(s, arg, false),
  async ban(s, { arg }) {
    notYourself(s, arg);
    const ban = await s.call(s.host.room.ban(arg), "ban");
    if (ban === undefined) throw nobodyOnline("ban", arg);
    logAction(s, `ban ${ban.nick} ${ban.ip}`);
    s.send(ok(Message.banDone, ban.nick, ban.ip));
  },
  unban: (s, { arg }) => unban(s, arg, "unban"),
  async bans(s) {
    const bans = await s.call(s.host.room.bans(), "bans");
    const list = bans.map(banEntry).join(", ");
    s.send(list === "" ? ok(Message.noBans) : ok(Message.bans, list));
  },
  lock: (s) => lock(s, true),
  unlock: (s) => lock(s, false),
  async say(s, { arg }) {
    logAction(s, `say ${arg}`);
    await s.call(s.host.room.notice("say", arg), "notice");
  },
};

/** One entry of `{bans}` (C3): `IP (nick)`, a kick with its minutes left, a muted address. */
function banEntry(b: Ban): string {
  if (b.kind === "kick") {
    return `${b.ip} (${b.nick}, kick ${Math.ceil((b.leftMs ?? 0) / 60_000)} min)`;
  }
  if (b.kind === "mute") return `${b.ip} (${b.nick}, mute)`;
  return `${b.ip} (${b.nick})`;
}

const SPECS: ReadonlyMap<string, CommandSpec> = new Map(
  (COMMANDS as readonly CommandSpec[]).map((c) => [c.name, c]),
);

/**
 * Runs the handler of a registered client's line, or answers why it is no
 * command (ERRO 07), or refuses a teacher's command to anyone else (ERRO 13).
 *
 * @param s Who sent the line.
 * @param cmd The parsed line.
 * @returns The handler's promise, when it waits for the room.
 */
export function dispatch(s: Caller, cmd: Command): void | Promise<void> {
  switch (cmd.kind) {
    case "empty":
      return;
    case "invalid":
      if (cmd.command !== undefined && SPECS.get(cmd.command)?.role === "teacher") {
        if (s.role !== "teacher") return s.send(Reply.teacherOnly);
      }
      return s.send(invalidReply(cmd.detail, cmd.command));
  }
  if (SPECS.get(cmd.kind)?.role === "teacher" && s.role !== "teacher") {
    return s.send(Reply.teacherOnly);
  }
  const handler = HANDLERS[cmd.kind] as Handler<CommandName>;
  try {
    const done = handler(s, cmd as CommandOf<CommandName>);
    return done && done.catch((e) => refused(s, e, cmd.kind));
  } catch (e) {
    return refused(s, e, cmd.kind);
  }
}

/** The ERRO 07 for an invalid line: its detail, or the usage of the command it names. */
function invalidReply(detail: DetailName, command: string | undefined): Uint8Array {
  if (detail === "emptyMessage") return Reply.emptyMessage;
  const spec = command === undefined ? undefined : SPECS.get(command);
  if (detail === "usage" && spec !== undefined) {
    return encodeAscii(errorLine(ErrorCode.badCommand, "usage", spec.usage.pt));
  }
  return Reply.unknownCommand;
}

/** A handler's refusal, or a room whose broker is away (N5), told to the sender only. */
function refused(s: Caller, e: unknown, kind: CommandName): void {
  if (e instanceof RoomUnavailable) {
    s.host.log(`not done for ${s.who}: ${kind}: ${e.message}`);
    return s.send(kind === "public" || kind === "private" ? Reply.notSent : Reply.notDone);
  }
  if (!(e instanceof Refusal)) throw e;
  s.send(e.line);
}
