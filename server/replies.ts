/**
 * The server's fixed lines, encoded once at start (the texts are in
 * `protocol.ts`), and the line each way of closing tells the client.
 *
 * @module
 */

import {
  byeLine,
  type DetailName,
  ErrorCode,
  errorDataLine,
  errorLine,
  helpLines,
  Message,
  NICK_PROMPT_LINE,
  noticeLine,
  okLine,
  type Role,
  SENT_LINE,
} from "../protocol.ts";
import { encodeAscii } from "../wire/ascii.ts";
import type { CloseCause } from "./connection.ts";

function err(code: ErrorCode, detail?: DetailName): Uint8Array {
  return encodeAscii(errorLine(code, detail));
}

/** Lines that never change, as bytes. */
export const Reply = {
  prompt: encodeAscii(NICK_PROMPT_LINE),
  sent: encodeAscii(SENT_LINE),
  bye: encodeAscii(byeLine()),
  emptyMessage: err(ErrorCode.badCommand, "emptyMessage"),
  unknownCommand: err(ErrorCode.badCommand, "unknownCommand"),
  lineTooLong: err(ErrorCode.lineTooLong, "lineLimit"),
  notAscii: err(ErrorCode.notAscii, "asciiOnly"),
  oneLine: err(ErrorCode.badCommand, "oneLine"),
  flood: err(ErrorCode.flood, "slowDown"),
  nickRules: err(ErrorCode.badNick, "nickRules"),
  nickReserved: err(ErrorCode.badNick, "nickReserved"),
  badToken: err(ErrorCode.badToken),
  tokenLocked: err(ErrorCode.badToken, "tokenLocked"),
  joinsTooFast: err(ErrorCode.flood, "joinsTooFast"),
  teacherOnly: err(ErrorCode.teacherOnly),
  muted: err(ErrorCode.muted, "mutedHint"),
  teacher: encodeAscii(okLine(Message.teacher)),
  alive: encodeAscii(noticeLine("alive")),
  loginRefused: err(ErrorCode.roomDown, "loginRefused"),
  notSent: err(ErrorCode.roomDown, "notSent"),
  notDone: err(ErrorCode.roomDown, "notDone"),
} as const;

const HELP: Readonly<Record<Role, Uint8Array>> = {
  anyone: encodeAscii(helpLines("anyone")),
  teacher: encodeAscii(helpLines("teacher")),
};

/** The `{help}` reply for a role (X1). */
export function helpReply(role: Role): Uint8Array {
  return HELP[role];
}

/** The goodbye to a registered user (S7). */
export function byeReply(nick: string): Uint8Array {
  return encodeAscii(byeLine(nick));
}

/** An error line whose detail is data, such as a nickname. */
export function errorReply(code: ErrorCode, data: string): Uint8Array {
  return encodeAscii(errorDataLine(code, data));
}

/** The last line a client gets when the server closes for each cause, if any. */
export const CLOSE_LINES: Partial<Record<CloseCause, Uint8Array>> = {
  shutdown: err(ErrorCode.forcedClose, "shutdown"),
  queueFull: err(ErrorCode.forcedClose, "queueFull"),
  nickTimeout: err(ErrorCode.forcedClose, "nickTimeout"),
  roomUnavailable: err(ErrorCode.forcedClose, "roomUnavailable"),
  kicked: err(ErrorCode.forcedClose, "kicked"),
  nickLost: err(ErrorCode.forcedClose, "nickLost"),
  tooManyTries: err(ErrorCode.forcedClose, "tooManyTries"),
  banned: err(ErrorCode.banned),
  locked: err(ErrorCode.locked),
  serverFull: err(ErrorCode.serverFull),
  tooManyFromAddress: err(ErrorCode.serverFull, "tooManyFromAddress"),
  tooManyWaitingHere: err(ErrorCode.serverFull, "tooManyWaitingHere"),
  tooManyWaiting: err(ErrorCode.serverFull, "tooManyWaiting"),
};
