/**
 * PROTOCOL.md stays true to the code: every line the server can send is
 * documented verbatim (S3). README's flag tables: `flags_test.ts`.
 */
import assert from "node:assert/strict";
import {
  byeLine,
  type DetailName,
  entryUsersLine,
  ErrorCode,
  errorDataLine,
  errorLine,
  HELP_LINES,
  historyLine,
  HOW_TO_LINE,
  joinedLine,
  leftLine,
  manyLine,
  Message,
  NICK_PROMPT_LINE,
  noticeLine,
  okLine,
  privateLine,
  publicLine,
  SENT_LINE,
  usersLines,
  welcomeLine,
} from "../protocol.ts";

const protocolDoc = await Deno.readTextFile(new URL("../PROTOCOL.md", import.meta.url));

/** The error lines the server sends, with the detail each is sent with (`{ data }` for data). */
const SENT_ERRORS: [ErrorCode, DetailName | { data: string } | undefined][] = [
  [ErrorCode.nickTaken, { data: "alice" }],
  [ErrorCode.noSuchUser, { data: "zed" }],
  [ErrorCode.forcedClose, "shutdown"],
  [ErrorCode.forcedClose, "queueFull"],
  [ErrorCode.forcedClose, "nickTimeout"],
  [ErrorCode.forcedClose, "roomUnavailable"],
  [ErrorCode.badNick, "nickRules"],
  [ErrorCode.badNick, "nickReserved"],
  [ErrorCode.badCommand, "emptyMessage"],
  [ErrorCode.badCommand, "unknownCommand"],
  [ErrorCode.lineTooLong, "lineLimit"],
  [ErrorCode.notAscii, "asciiOnly"],
  [ErrorCode.flood, "slowDown"],
  [ErrorCode.serverFull, undefined],
  [ErrorCode.serverFull, "tooManyFromAddress"],
  [ErrorCode.serverFull, "tooManyWaitingHere"],
  [ErrorCode.serverFull, "tooManyWaiting"],
  [ErrorCode.forcedClose, "kicked"],
  [ErrorCode.badCommand, "notYourself"],
  [ErrorCode.forcedClose, "tooManyTries"],
  [ErrorCode.badToken, undefined],
  [ErrorCode.teacherOnly, undefined],
  [ErrorCode.muted, "mutedHint"],
  [ErrorCode.banned, undefined],
  [ErrorCode.locked, undefined],
  [ErrorCode.forcedClose, "nickLost"],
  [ErrorCode.roomDown, "loginRefused"],
  [ErrorCode.roomDown, "notSent"],
  [ErrorCode.roomDown, "notDone"],
];

Deno.test("PROTOCOL.md shows every error line the server sends, verbatim", () => {
  for (const [code, detail] of SENT_ERRORS) {
    const line =
      (typeof detail === "object" ? errorDataLine(code, detail.data) : errorLine(code, detail))
        .trimEnd();
    assert(protocolDoc.includes(line), `PROTOCOL.md lacks: ${line}`);
  }
});

Deno.test("PROTOCOL.md shows an example of every other server line", () => {
  const lines = [
    NICK_PROMPT_LINE,
    welcomeLine("alice"),
    usersLines(["alice", "bob"]),
    joinedLine("bob"),
    leftLine("bob"),
    publicLine("alice", "oi, pessoal"),
    privateLine("alice", "oi, bob"),
    SENT_LINE,
    byeLine("alice"),
    HELP_LINES.split("\r\n")[2]!,
    entryUsersLine(["ana", "bia"], 812).replace("ana, bia", "ana, bia, ..."),
    leftLine("bob", true),
    HOW_TO_LINE,
    noticeLine("alive"),
    manyLine("joined", 37, 812, ["ana", "bia", "cid"]),
    manyLine("left", 2, 810, ["dan", "eva"]),
    noticeLine("say", "prova na sexta"),
    noticeLine("muted", "bob"),
    noticeLine("unmuted", "bob"),
    noticeLine("locked"),
    noticeLine("unlocked"),
    historyLine("14:05", "ana", "oi, pessoal"),
    errorLine(ErrorCode.badCommand, "usage", "{kick apelido}"),
    okLine(Message.teacher),
    okLine(Message.kickDone, "bob"),
    okLine(Message.banDone, "bob", "192.168.0.23"),
    okLine(Message.unbanDone, "192.168.0.23"),
    okLine(Message.notBanned, "192.168.0.23"),
    okLine(Message.bans, "192.168.0.23 (bob)"),
    okLine(Message.noBans),
    okLine(Message.alreadyMuted, "bob"),
    okLine(Message.notMuted, "bob"),
    okLine(Message.alreadyLocked),
    okLine(Message.notLocked),
  ];
  for (const line of lines) {
    assert(protocolDoc.includes(line.trimEnd()), `PROTOCOL.md lacks: ${line.trimEnd()}`);
  }
});
