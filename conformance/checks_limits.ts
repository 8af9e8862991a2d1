/**
 * The papo level, limits part: invalid lines and empty messages (ERRO 07),
 * the line length limit (L1, ERRO 08), control characters (L2) and the
 * nickname rules (L3), as PROTOCOL.md states them.
 *
 * @module
 */

import {
  type DetailName,
  ErrorCode,
  errorLine,
  MAX_LINE_BYTES,
  MAX_NICK_LENGTH,
  publicLine,
  RESERVED_NICKS,
  welcomeLine,
} from "../protocol.ts";
import type { Check, Context } from "./check.ts";
import { arrive, bare, expectLine, FLOOD_LINE, join, joinAll, type Member } from "./lines.ts";

async function invalidLines(ctx: Context): Promise<void> {
  const a = await join(ctx);
  const cases: [string, string, string][] = [
    [":", errorLine(ErrorCode.badCommand, "emptyMessage"), '":" alone'],
    [`${a.nick}:`, errorLine(ErrorCode.badCommand, "emptyMessage"), '"nick:" with no text'],
    ["ola", errorLine(ErrorCode.badCommand, "unknownCommand"), '"ola", no command'],
  ];
  for (const [line, want, what] of cases) {
    const at = a.p.mark();
    await a.p.send(line);
    await expectLine(ctx, a.p, at, want, what);
  }
  // An empty line gets no answer: the next line is the answer to the ":" that follows it.
  const at = a.p.mark();
  await a.p.send("");
  await a.p.quiet(ctx.timing.quietMs);
  await a.p.send(":");
  // Notices of other users (joins, leaves) are no answer.
  const answers = () =>
    a.p.lines(at).filter((l) => l !== FLOOD_LINE && !/^(ENTROU|SAIU|AVISO) /.test(l));
  await a.p.until(() => answers().length > 0, ctx.timing.waitMs);
  if (answers()[0] !== bare(errorLine(ErrorCode.badCommand, "emptyMessage"))) {
    throw ctx.fail('no answer to an empty line (then ERRO 07 for the ":" after it)', {
      probe: a.p,
      from: at,
    });
  }
}

async function longLine(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const [at, atB] = [a.p.mark(), b.p.mark()];
  await a.p.send(`:${"x".repeat(4999)}`);
  await expectLine(
    ctx,
    a.p,
    at,
    errorLine(ErrorCode.lineTooLong, "lineLimit"),
    "a line of 5000 bytes",
  );
  const longest = "y".repeat(MAX_LINE_BYTES - 1);
  await a.p.send(`:${longest}`);
  await expectLine(
    ctx,
    b.p,
    atB,
    publicLine(a.nick, longest),
    `a message line of exactly ${MAX_LINE_BYTES} bytes`,
  );
  if (b.p.lines(atB).some((l) => l.includes("xxxxxxxxxx"))) {
    throw ctx.fail(`the 5000-byte line not to reach ${b.nick}`, { probe: b.p, from: atB });
  }
}

async function controls(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const token = ctx.token();
  const at = b.p.mark();
  await a.p.send(`:a\x1b[31mb\x1b[0mc\x07d\tef\x08gh\x7fi ${token}`);
  await expectLine(
    ctx,
    b.p,
    at,
    publicLine(a.nick, `abcd egi ${token}`),
    "ESC [31m, ESC [0m, BEL, TAB, BS and DEL in a message",
  );
}

async function nicknames(ctx: Context): Promise<void> {
  const p = await arrive(ctx, "(nicknames)");
  const cases: [string, DetailName][] = [
    ["x".repeat(MAX_NICK_LENGTH + 1), "nickRules"],
    ["ana maria", "nickRules"],
    ["ana!", "nickRules"],
    ["a.b", "nickRules"],
    ...[...RESERVED_NICKS, "QUIT"].map((n): [string, DetailName] => [n, "nickReserved"]),
  ];
  for (const [nick, detail] of cases) {
    const at = p.mark();
    await p.send(nick);
    await expectLine(ctx, p, at, errorLine(ErrorCode.badNick, detail), `the nickname "${nick}"`);
  }
  const longest = `${ctx.nick()}_-0123456789`.slice(0, MAX_NICK_LENGTH);
  p.label = longest;
  const at = p.mark();
  await p.send(longest);
  await expectLine(
    ctx,
    p,
    at,
    welcomeLine(longest),
    `the nickname "${longest}" (${MAX_NICK_LENGTH} characters)`,
  );
}

/** The limit checks of the papo level, in the order they run. */
export const LIMIT_CHECKS: readonly Check[] = [
  {
    id: "L3",
    title: {
      pt: "regras de apelido: ERRO 06, 16 caracteres aceitos",
      en: "nickname rules: ERRO 06, 16 characters accepted",
    },
    run: nicknames,
  },
  {
    id: "L1.07",
    title: {
      pt: "linha inválida ou mensagem vazia: ERRO 07; linha vazia ignorada",
      en: "invalid line or empty message: ERRO 07; empty line ignored",
    },
    run: invalidLines,
  },
  {
    id: "L1.long",
    title: {
      pt: "linha de 5000 bytes: ERRO 08; 1024 bytes passam",
      en: "a 5000-byte line: ERRO 08; 1024 bytes go through",
    },
    run: longLine,
  },
  {
    id: "L2",
    title: {
      pt: "caracteres de controle não chegam aos outros",
      en: "control characters never reach the others",
    },
    run: controls,
  },
];
