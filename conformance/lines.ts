/**
 * What the papo-level checks share: waiting for a line exactly as
 * `protocol.ts` writes it, joining the chat, and a sync point (`{users}`)
 * after which a line that should not have come would have come already.
 *
 * Lines are compared without their ending; `S1.crlf` checks the endings.
 *
 * @module
 */

import {
  ErrorCode,
  errorLine,
  HOW_TO_LINE,
  joinedLine,
  leftLine,
  usersLines,
} from "../protocol.ts";
import { parseServerLine } from "../wire/server_lines.ts";
import type { Context } from "./check.ts";
import type { Probe } from "./probe.ts";

/**
 * A server line without its line ending.
 *
 * @param line A line as `protocol.ts` formats it.
 * @returns The line without its CRLF.
 *
 * @example
 * ```ts
 * import { bare } from "./lines.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(bare("OK Mensagem enviada\r\n"), "OK Mensagem enviada");
 * ```
 */
export function bare(line: string): string {
  return line.replace(/\r\n$/, "");
}

/** The start of every user-list line (`USUARIOS `), as protocol.ts writes it. */
export const USERS_HEAD: string = bare(usersLines(["x"])).split(" ")[0] + " ";

/** The warning a server with flood control (L4) may send; never judged as an answer. */
export const FLOOD_LINE: string = bare(errorLine(ErrorCode.flood, "slowDown"));

/**
 * What papo answers a nickname past its address's join rate (L10): not a refusal, the
 * nickname is registered in its turn.
 */
export const JOIN_WAIT_LINE: string = bare(errorLine(ErrorCode.flood, "joinsTooFast"));

/** The start of every error line (`ERRO `), as protocol.ts writes it. */
export const ERROR_HEAD: string = bare(errorLine(ErrorCode.badCommand)).split(" ")[0] + " ";

/** The line after papo's user list that says how to talk. */
const HOW_TO = HOW_TO_LINE.trimEnd();

const USERS_PATTERN = (() => {
  const sample = bare(usersLines(["@"]));
  const one = sample.indexOf(" 1 ");
  const head = sample.slice(0, one + 1);
  const middle = sample.slice(one + 2, -1);
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${quote(head)}(\\d+)${quote(middle)}(.*)$`);
})();

/**
 * Reads a user-list line: how many are online and the names it shows.
 *
 * @param line A line received.
 * @returns The count and the names, or `undefined` when it is no user list.
 *
 * @example
 * ```ts
 * import { parseUsers } from "./lines.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(parseUsers("USUARIOS 2 online: ana, bia"), { total: 2, names: ["ana", "bia"] });
 * ```
 */
export function parseUsers(line: string): { total: number; names: string[] } | undefined {
  const m = USERS_PATTERN.exec(line);
  return m ? { total: Number(m[1]), names: m[2]!.split(", ") } : undefined;
}

/** A user in the chat. */
export interface Member {
  /** Its connection. */
  readonly p: Probe;
  /** Its nickname. */
  readonly nick: string;
}

/**
 * Waits until `p` received `line` (ending aside) after position `from`.
 *
 * @param ctx The check.
 * @param p The connection.
 * @param from Where to look from.
 * @param line The line expected, as protocol.ts formats it.
 * @param after What it answers, for the report: `a line of 5000 bytes`.
 * @throws {CheckFailure} When it did not come in time.
 */
export async function expectLine(
  ctx: Context,
  p: Probe,
  from: number,
  line: string,
  after = "",
): Promise<void> {
  const want = bare(line);
  if (!await p.until(() => p.lines(from).includes(want), ctx.timing.waitMs)) {
    throw ctx.fail(`${p.label} < ${want}${after === "" ? "" : ` (after ${after})`}`, {
      probe: p,
      from,
    });
  }
}

/**
 * Whether `line` tells that `nick` joined (or left): its own line
 * (`SAIU ana saiu do chat`), or a summary naming it
 * (`SAIU 2 pessoas sairam (5 online): ana, bia`), which PROTOCOL.md lets a
 * server send for a large room or an address that churns (P1, L10).
 */
function notes(line: string, kind: "joined" | "left", nick: string): boolean {
  if (line === bare(kind === "joined" ? joinedLine(nick) : leftLine(nick))) return true;
  const parsed = parseServerLine(line);
  return parsed.kind === `${kind}Many` && "names" in parsed && parsed.names.includes(nick);
}

/**
 * Waits until `p` is told, after `from`, that `nick` joined (or left), in its
 * own line or in a summary naming it.
 *
 * @param ctx The check.
 * @param p The connection told.
 * @param from Where to look from.
 * @param kind A join or a departure.
 * @param nick Who.
 * @returns Whether it was told within the check's wait.
 */
export function told(
  ctx: Context,
  p: Probe,
  from: number,
  kind: "joined" | "left",
  nick: string,
): Promise<boolean> {
  return p.until(() => p.lines(from).some((l) => notes(l, kind, nick)), ctx.timing.waitMs);
}

/**
 * As {@linkcode told}, and fails the check when `p` is not told.
 *
 * @throws {CheckFailure} Naming the line expected, when none came in time.
 */
export async function expectNotice(
  ctx: Context,
  p: Probe,
  from: number,
  kind: "joined" | "left",
  nick: string,
): Promise<void> {
  if (await told(ctx, p, from, kind, nick)) return;
  const want = bare(kind === "joined" ? joinedLine(nick) : leftLine(nick));
  throw ctx.fail(`${p.label} < ${want} (or a summary naming ${nick})`, { probe: p, from });
}

/**
 * Waits until `p` received every line of `lines`, in that order, one after
 * the other, after position `from`.
 *
 * @param ctx The check.
 * @param p The connection.
 * @param from Where to look from.
 * @param lines The lines, as protocol.ts formats them (one string of CRLF lines).
 * @throws {CheckFailure} When they did not come in time.
 */
export async function expectLines(
  ctx: Context,
  p: Probe,
  from: number,
  lines: string,
): Promise<void> {
  const want = lines.split("\r\n").filter((l) => l !== "");
  const found = () => {
    const got = p.lines(from);
    const start = got.indexOf(want[0]!);
    return start >= 0 && want.every((l, i) => got[start + i] === l);
  };
  if (!await p.until(found, ctx.timing.waitMs)) {
    throw ctx.fail(`${p.label} < ${want.join(" / ")}`, { probe: p, from });
  }
}

/**
 * Connects and waits for the first line (the prompt).
 *
 * @param ctx The check.
 * @param label The connection's name (its nickname to be).
 * @returns The connection.
 */
export async function arrive(ctx: Context, label: string, resettable = false): Promise<Probe> {
  const p = await ctx.connect(label, resettable);
  await p.until(() => p.lines().length > 0, ctx.replyMs);
  return p;
}

/**
 * Joins the chat: connects, sends a fresh nickname and waits for the user
 * list that follows the welcome (S10 judges the welcome itself).
 *
 * @param ctx The check.
 * @returns The new member.
 * @throws {CheckFailure} When no user list comes, the nickname is refused or the connection closed.
 */
export async function join(ctx: Context, resettable = false): Promise<Member> {
  const nick = ctx.nick();
  const p = await arrive(ctx, nick, resettable);
  const at = p.mark();
  await p.send(nick);
  const errors = () => p.lines(at).filter((l) => l.startsWith(ERROR_HEAD) && l !== JOIN_WAIT_LINE);
  const held = () => p.lines(at).includes(JOIN_WAIT_LINE);
  const answered = () => p.lines(at).some((l) => l.startsWith(USERS_HEAD)) || errors().length > 0;
  // A server that holds the nickname for its address's join rate (papo, L10) registers it a
  // moment later: that is waited for, as long as the check may last (field test).
  if (
    !await p.until(answered, ctx.timing.waitMs) && !(held() && await p.until(answered, Infinity))
  ) {
    throw ctx.fail(
      held()
        ? `the nickname ${nick} to be accepted (the server held it for its joins from this ` +
          "address, ERRO 10: run the kit again in a minute)"
        : `${nick} < ${USERS_HEAD}... after its nickname (to join the chat)`,
      p,
    );
  }
  if (p.ended || errors().length > 0) {
    throw ctx.fail(`the nickname ${nick} to be accepted`, { probe: p, from: at });
  }
  // papo says how to talk right after the list, in the same write: take it with the entry.
  await p.until(() => p.lines(at).includes(HOW_TO), ctx.timing.quietMs);
  return { p, nick };
}

/**
 * Several users join, one after the other (so the order of the user list is known).
 *
 * @param ctx The check.
 * @param n How many.
 * @returns The members, in the order they joined.
 */
export async function joinAll(ctx: Context, n: number): Promise<Member[]> {
  const out: Member[] = [];
  for (let i = 0; i < n; i++) out.push(await join(ctx));
  return out;
}

/**
 * A sync point: sends `{users}` and waits for its answer (the list, or an
 * error from a server without `{users}`). What the server queued for `p`
 * before it read `{users}` has arrived by then.
 *
 * @param ctx The check.
 * @param p The connection.
 */
export async function sync(ctx: Context, p: Probe): Promise<void> {
  const at = p.mark();
  await p.send("{users}");
  const answered = () =>
    p.lines(at).some((l) => l.startsWith(USERS_HEAD) || l.startsWith(ERROR_HEAD));
  if (!await p.until(answered, ctx.timing.waitMs)) await p.quiet(ctx.timing.quietMs);
}
