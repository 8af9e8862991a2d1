/**
 * The papo level, chat part: every line of PROTOCOL.md exactly as
 * `protocol.ts` writes it, for the nickname exchange, routing, the user list,
 * help, leaving and departures.
 *
 * @module
 */

import {
  byeLine,
  entryUsersLine,
  ErrorCode,
  errorDataLine,
  HELP_LINES,
  HOW_TO_LINE,
  NICK_PROMPT_LINE,
  privateLine,
  publicLine,
  SENT_LINE,
  usersLines,
  welcomeLine,
} from "../protocol.ts";
import { type Check, CheckSkip, type Context } from "./check.ts";
import {
  arrive,
  bare,
  expectLine,
  expectLines,
  expectNotice,
  join,
  JOIN_WAIT_LINE,
  joinAll,
  type Member,
  parseUsers,
  sync,
  told,
  USERS_HEAD,
} from "./lines.ts";
import type { Probe } from "./probe.ts";
import { sleep } from "./waits.ts";

async function prompt(ctx: Context): Promise<void> {
  const p = await ctx.connect(ctx.nick());
  await p.until(() => p.lines().length > 0, ctx.timing.waitMs);
  if (!p.text().startsWith(NICK_PROMPT_LINE)) {
    throw ctx.fail(`the first line to be ${bare(NICK_PROMPT_LINE)}, ending in CRLF`, p);
  }
}

async function welcome(ctx: Context): Promise<void> {
  const a = await join(ctx);
  const nick = ctx.nick();
  const p = await arrive(ctx, nick);
  const at = p.mark();
  await p.send(nick);
  // A nickname held for the address's join rate (ERRO 10, L10) is registered in its turn.
  const entry = () => p.lines(at).filter((l) => l !== JOIN_WAIT_LINE);
  const held = () => p.lines(at).includes(JOIN_WAIT_LINE);
  if (!await p.until(() => entry().length >= 3, ctx.timing.waitMs) && held()) {
    await p.until(() => entry().length >= 3, Infinity);
  }
  const [first, list, howTo] = entry();
  if (first !== bare(welcomeLine(nick))) {
    throw ctx.fail(`${nick} < ${bare(welcomeLine(nick))}`, { probe: p, from: at });
  }
  if (howTo !== bare(HOW_TO_LINE)) {
    throw ctx.fail(`${nick} < ${bare(HOW_TO_LINE)}, after the user list`, { probe: p, from: at });
  }
  const users = parseUsers(list ?? "");
  if (users !== undefined && users.names.length < users.total) {
    throw new CheckSkip(
      `${users.total} users are online, too many to check the entry list to the letter`,
    );
  }
  const names = users?.names ?? [];
  const both = names.includes(a.nick) && names.includes(nick);
  if (users === undefined || list !== bare(entryUsersLine(names, users.total)) || !both) {
    const want = bare(entryUsersLine([a.nick, nick], 2));
    throw ctx.fail(`then ${nick} < ${want} (with any others online, in any order)`, {
      probe: p,
      from: at,
    });
  }
}

async function nickTaken(ctx: Context): Promise<void> {
  const a = await join(ctx);
  const taken = a.nick.toUpperCase();
  const p = await arrive(ctx, taken);
  const at = p.mark();
  await p.send(taken);
  await expectLine(ctx, p, at, errorDataLine(ErrorCode.nickTaken, taken));
  const fresh = ctx.nick();
  p.label = fresh;
  const again = p.mark();
  await p.send(fresh);
  await expectLine(ctx, p, again, welcomeLine(fresh));
}

async function quitting(ctx: Context): Promise<void> {
  const p = await arrive(ctx, "(prompt)");
  let at = p.mark();
  await p.send("{quit}");
  await expectLine(ctx, p, at, byeLine());
  if (!await p.until(() => p.ended, ctx.timing.waitMs)) {
    throw ctx.fail("the server to close the connection after TCHAU ({quit} at the prompt)", p);
  }
  const d = await join(ctx);
  at = d.p.mark();
  await d.p.send("quit");
  await expectLine(ctx, d.p, at, byeLine(d.nick));
  if (!await d.p.until(() => d.p.ended, ctx.timing.waitMs)) {
    throw ctx.fail("the server to close the connection after TCHAU (quit)", d.p);
  }
}

async function joinNotice(ctx: Context): Promise<void> {
  const a = await join(ctx);
  const at = a.p.mark();
  const d = await join(ctx);
  await expectNotice(ctx, a.p, at, "joined", d.nick);
}

/**
 * Waits (within the check's wait) until `watcher` was told that `nick` joined: a server that
 * holds notices for its summary (P1, L10; as papo does for an address that comes and goes,
 * like the kit's) says nothing of one who came and went within it. A server that sends no
 * join notice fails S11.join, not the departure checks: they go on after the wait.
 */
async function joinToldTo(ctx: Context, watcher: Member, nick: string): Promise<void> {
  await told(ctx, watcher.p, 0, "joined", nick);
}

function departure(how: "quit" | "close"): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const [a, d] = await joinAll(ctx, 2) as [Member, Member];
    await joinToldTo(ctx, a, d.nick);
    const at = a.p.mark();
    if (how === "quit") await d.p.send("{quit}");
    else await d.p.close();
    await expectNotice(ctx, a.p, at, "left", d.nick);
  };
}

/** Fails when `p` got a line with `token` after `from`. */
function refuse(ctx: Context, p: Probe, from: number, token: string, what: string): void {
  if (p.lines(from).some((l) => l.includes(token))) throw ctx.fail(what, { probe: p, from });
}

async function publicRouting(ctx: Context): Promise<void> {
  const [a, b, c] = await joinAll(ctx, 3) as [Member, Member, Member];
  const token = ctx.token();
  const [fa, fb, fc] = [a.p.mark(), b.p.mark(), c.p.mark()];
  await a.p.send(`:${token}`);
  await expectLine(ctx, b.p, fb, publicLine(a.nick, token));
  await expectLine(ctx, c.p, fc, publicLine(a.nick, token));
  await sync(ctx, a.p);
  refuse(ctx, a.p, fa, token, `no copy of the public message back to its sender, ${a.nick}`);
}

async function privateRouting(ctx: Context): Promise<void> {
  const [a, b, c] = await joinAll(ctx, 3) as [Member, Member, Member];
  const token = ctx.token();
  const [fb, fc] = [b.p.mark(), c.p.mark()];
  await a.p.send(`${b.nick}:${token}`);
  // Once b has it, a copy to c would be queued before c's sync answer.
  await expectLine(ctx, b.p, fb, privateLine(a.nick, token));
  await sync(ctx, c.p);
  refuse(ctx, c.p, fc, token, `the private message to ${b.nick} to reach no one else`);
}

async function caseless(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const token = ctx.token();
  const at = b.p.mark();
  await a.p.send(`${b.nick.toUpperCase()}:${token}`);
  await expectLine(ctx, b.p, at, privateLine(a.nick, token));
}

async function sent(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const at = a.p.mark();
  await a.p.send(`${b.nick}:${ctx.token()}`);
  await expectLine(ctx, a.p, at, SENT_LINE);
}

async function noSuchUser(ctx: Context): Promise<void> {
  const a = await join(ctx);
  const nobody = ctx.nick();
  const at = a.p.mark();
  await a.p.send(`${nobody}:${ctx.token()}`);
  await expectLine(ctx, a.p, at, errorDataLine(ErrorCode.noSuchUser, nobody));
}

async function users(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const at = b.p.mark();
  await b.p.send("{users}");
  const got = () => b.p.lines(at).filter((l) => l.startsWith(USERS_HEAD));
  const names = () => got().flatMap((l) => parseUsers(l)?.names ?? []);
  const total = () => parseUsers(got()[0] ?? "")?.total ?? Infinity;
  await b.p.until(() => names().length >= total(), ctx.timing.waitMs);
  const listed = names();
  const exact = got().join("\r\n") + "\r\n" === usersLines(listed);
  if (!exact || !listed.includes(a.nick) || !listed.includes(b.nick)) {
    throw ctx.fail(`${b.nick} < ${bare(usersLines([a.nick, b.nick]))} (with any others online)`, {
      probe: b.p,
      from: at,
    });
  }
}

async function help(ctx: Context): Promise<void> {
  const a = await join(ctx);
  const at = a.p.mark();
  await a.p.send("{help}");
  await expectLines(ctx, a.p, at, HELP_LINES);
}

async function vanish(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  // d vanishes with a real reset (RST), as a student's laptop lid closing does (issue 19.5).
  const d = await join(ctx, true);
  await joinToldTo(ctx, b, d.nick);
  // d stops reading too; what it is sent next stays unread.
  d.p.stopReading();
  for (let i = 0; i < 2; i++) {
    const token = ctx.token();
    const from = b.p.mark();
    await a.p.send(`:${token}`);
    await expectLine(ctx, b.p, from, publicLine(a.nick, token));
    if (i === 0 && !await d.p.until(() => d.p.paused, ctx.timing.waitMs)) {
      throw new CheckSkip(`${d.nick} received nothing, so it could not vanish with unread data`);
    }
  }
  await sleep(ctx.timing.quietMs / 4);
  // Closing with data unread resets the connection; the next message races the server's
  // noticing it, so a server may write to the vanished client and must survive that.
  const token = ctx.token();
  const from = b.p.mark();
  await d.p.reset();
  await a.p.send(`:${token}`);
  await expectLine(ctx, b.p, from, publicLine(a.nick, token), `${d.nick} vanished`);
  await expectNotice(ctx, b.p, from, "left", d.nick);
  await join(ctx);
}

/** The chat checks of the papo level, in the order they run. */
export const PAPO_CHECKS: readonly Check[] = [
  {
    id: "S4",
    title: { pt: "primeira linha: APELIDO ... com CRLF", en: "first line: APELIDO ... with CRLF" },
    run: prompt,
  },
  {
    id: "S10.welcome",
    title: { pt: "BEMVINDO e USUARIOS na entrada", en: "BEMVINDO and USUARIOS on entry" },
    run: welcome,
  },
  {
    id: "S10.taken",
    title: {
      pt: "apelido em uso (sem distinguir maiúsculas): ERRO 01, depois aceita outro",
      en: "taken nickname (any case): ERRO 01, then accepts another",
    },
    run: nickTaken,
  },
  {
    id: "S12.public",
    title: {
      pt: "PUBLICA a todos os outros, não ao remetente",
      en: "PUBLICA to everyone else, not the sender",
    },
    run: publicRouting,
  },
  {
    id: "S12.private",
    title: { pt: "PRIVADA só ao destino", en: "PRIVADA to the target only" },
    run: privateRouting,
  },
  {
    id: "S6",
    title: {
      pt: "destino privado sem distinguir maiúsculas",
      en: "private target matched without regard to case",
    },
    run: caseless,
  },
  {
    id: "S12.sent",
    title: { pt: "OK Mensagem enviada ao remetente", en: "OK Mensagem enviada to the sender" },
    run: sent,
  },
  {
    id: "S12.02",
    title: { pt: "ERRO 02 para destino inexistente", en: "ERRO 02 for a target not online" },
    run: noSuchUser,
  },
  {
    id: "X1.users",
    title: {
      pt: "{users}: linhas USUARIOS com todos",
      en: "{users}: USUARIOS lines naming everyone",
    },
    run: users,
  },
  {
    id: "X1.help",
    title: { pt: "{help}: as linhas AJUDA", en: "{help}: the AJUDA lines" },
    run: help,
  },
  {
    id: "S11.join",
    title: { pt: "ENTROU aos outros", en: "ENTROU to the others" },
    run: joinNotice,
  },
  {
    id: "S7",
    title: {
      pt: "{quit} no apelido e quit no chat: TCHAU e fecha",
      en: "{quit} at the prompt and quit in the chat: TCHAU, then close",
    },
    run: quitting,
  },
  {
    id: "S11.quit",
    title: { pt: "SAIU aos outros após {quit}", en: "SAIU to the others after {quit}" },
    run: departure("quit"),
  },
  {
    id: "S11.close",
    title: {
      pt: "SAIU aos outros quando a conexão fecha",
      en: "SAIU to the others when a connection closes",
    },
    run: departure("close"),
  },
];

/** The papo level's last check: a client vanishes (a server that breaks breaks last). */
export const PAPO_VANISH: Check = {
  id: "S11.vanish",
  title: {
    pt: "cliente some (reset): SAIU e o servidor continua",
    en: "a client vanishes (reset): SAIU, and the server carries on",
  },
  run: vanish,
};
