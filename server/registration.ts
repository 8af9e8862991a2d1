/**
 * A session's nickname phase (S4, S10): a line at the nickname prompt, the
 * address's turn to register (L10), whether the room still lets the address
 * in (C3), and the join itself. The session that runs it holds the result:
 * once a nickname is joined, its lines are commands (`session.ts`).
 *
 * @module
 */

import { ErrorCode } from "../protocol.ts";
import { parseNick } from "../wire/commands.ts";
import type { CloseCause, Connection } from "./connection.ts";
import { errorReply, Reply } from "./replies.ts";
import type { SessionHost } from "./commands.ts";
import { type Member, RoomUnavailable } from "./room/room.ts";

/** What registering needs of a session: the member it joins as, its connection and its answers. */
export interface Registrant extends Member {
  /** The nickname: set while it is being joined, emptied when the join fails. */
  nick: string;
  /** The connection. */
  readonly c: Connection;
  /** The server. */
  readonly host: SessionHost;
  /** Queues bytes for the client. */
  send(bytes: Uint8Array): void;
  /** Says goodbye and leaves once the goodbye is written. */
  quit(bye: Uint8Array): void;
  /** Ends the session from the server's side, telling the client why. */
  end(cause: CloseCause): Promise<void>;
  /** Waits for a room call, at most the room's deadline. */
  call<T>(call: Promise<T>, what: string): Promise<T>;
  /** A room call failed or passed its deadline: the client is told and dropped. */
  roomFailed(e: unknown): Promise<void>;
  /** The room took the nickname: called at once, before anything else can run. */
  entered(): void;
}

/**
 * Handles a line sent at the nickname prompt (S4, S10): refuses a bad
 * nickname with its reason, leaves on `{quit}`, or joins the room.
 *
 * @param s The session registering; told with `entered` when it joined.
 * @param line The line, without its line ending.
 */
export async function register(s: Registrant, line: string): Promise<void> {
  const answer = parseNick(line);
  switch (answer.kind) {
    case "empty":
      return;
    case "quit":
      return s.quit(Reply.bye);
    case "invalid":
      return s.send(answer.detail === "nickReserved" ? Reply.nickReserved : Reply.nickRules);
  }
  // L10: an address registers at most its burst at once, then at a steady rate; the
  // nickname waits (never refused) and is told once.
  if (!(await joinTurn(s))) return;
  // C3: the room may have been locked (or the address banned or kicked) since this
  // connection was let in; {lock} says nobody else joins, so ask again now.
  if (!(await stillAdmitted(s))) return;
  s.nick = answer.nick;
  const room = s.host.room;
  const joining = room.join(s);
  let joined: boolean;
  try {
    joined = await s.call(joining, "join");
  } catch (e) {
    // Should the join still succeed, the member leaves at once.
    void joining.then((ok) => ok ? room.leave(s) : undefined).catch(() => {});
    s.nick = "";
    // N5: the room's broker is away; nothing was claimed, the prompt stays.
    if (e instanceof RoomUnavailable) {
      s.host.log(`login refused ${s.c.peer} ${answer.nick}: ${e.message}`);
      return s.send(Reply.loginRefused);
    }
    return s.roomFailed(e);
  }
  if (!joined) {
    s.nick = "";
    return s.send(errorReply(ErrorCode.nickTaken, answer.nick));
  }
  s.entered();
}

/** Whether the room still lets this address in (C3); if not, the session ends with why. */
async function stillAdmitted(s: Registrant): Promise<boolean> {
  let admission;
  try {
    admission = await s.call(s.host.room.admits(s.ip), "admits");
  } catch (e) {
    if (e instanceof RoomUnavailable) {
      s.host.log(`login refused ${s.c.peer}: ${e.message}`);
      s.send(Reply.loginRefused);
      return false;
    }
    await s.roomFailed(e);
    return false;
  }
  // The connection may have closed meanwhile (its session already ended): no join then.
  if (admission === "ok") return !s.c.closing;
  s.host.log(`login refused ${s.c.peer}: ${admission}`);
  await s.end(admission);
  return false;
}

/** Waits for the address's turn to register (L10); `false` when the connection closed. */
async function joinTurn(s: Registrant): Promise<boolean> {
  const joins = s.host.budgets.of(s.ip).joins;
  let wait = joins.take(s.host.limits.timers.now());
  if (wait > 0) s.send(Reply.joinsTooFast);
  while (wait > 0) {
    await s.c.sleep(wait);
    if (s.c.closing) return false;
    wait = joins.take(s.host.limits.timers.now());
  }
  return true;
}
