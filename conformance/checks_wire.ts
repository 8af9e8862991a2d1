/**
 * The papo level, bytes part: line endings both ways, ASCII, pipelined and
 * fragmented lines, telnet negotiation, invalid lines, and the limits of
 * PROTOCOL.md (L1 line length, L2 control characters, L3 nicknames).
 *
 * @module
 */

import {
  ErrorCode,
  errorLine,
  privateLine,
  publicLine,
  SENT_LINE,
  welcomeLine,
} from "../protocol.ts";
import { type Check, type Context, visible } from "./check.ts";
import {
  arrive,
  bare,
  ERROR_HEAD,
  expectLine,
  FLOOD_LINE,
  join,
  joinAll,
  type Member,
} from "./lines.ts";
import type { Probe } from "./probe.ts";
import { sleep } from "./waits.ts";

const encoder = new TextEncoder();
const IAC = 0xff;
const DONT = 0xfe;
const DO = 0xfd;
const WONT = 0xfc;
const WILL = 0xfb;
const SB = 0xfa;
const NOP = 0xf1;
const SE = 0xf0;

/** A telnet sequence a client may send inside a line (S2). */
export interface TelnetCase {
  /** Its name, as RFC 854 spells it. */
  readonly name: string;
  /** Its bytes. */
  readonly bytes: readonly number[];
  /** The answer the server must send to it, where PROTOCOL.md asks for one. */
  readonly reply?: readonly number[];
}

/** The telnet sequences S2.telnet weaves into a nickname and a message. */
export const TELNET_CASES: readonly TelnetCase[] = [
  { name: "IAC DO SUPPRESS-GO-AHEAD", bytes: [IAC, DO, 3], reply: [IAC, WILL, 3] },
  { name: "IAC WILL TERMINAL-TYPE", bytes: [IAC, WILL, 24], reply: [IAC, DONT, 24] },
  {
    name: "IAC SB TERMINAL-TYPE IS xterm IAC SE",
    bytes: [IAC, SB, 24, 0, ...encoder.encode("xterm"), IAC, SE],
  },
  { name: "IAC DONT ECHO", bytes: [IAC, DONT, 1] },
  { name: "IAC NOP", bytes: [IAC, NOP] },
  { name: "IAC DO TIMING-MARK", bytes: [IAC, DO, 6], reply: [IAC, WILL, 6] },
  { name: "IAC DO NAWS", bytes: [IAC, DO, 31], reply: [IAC, WONT, 31] },
];

/** The line endings a client may use (S1). */
const ENDINGS: readonly [string, string][] = [["LF", "\n"], ["CRLF", "\r\n"], ["CR", "\r"], [
  "CR NUL",
  "\r\0",
]];

/**
 * The first line in `bytes` that is not printable ASCII ended by CRLF.
 *
 * @param bytes What a connection received (telnet removed).
 * @returns The problem and the line, or `undefined` when every line is right.
 *
 * @example
 * ```ts
 * import { badLine } from "./checks_wire.ts";
 * import { strictEqual } from "node:assert/strict";
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * strictEqual(badLine(bytes("OK a\r\nOK b\r\n")), undefined);
 * strictEqual(badLine(bytes("OK a\r\nOK b\n")), "a line ending in LF without CR: OK b");
 * ```
 */
export function badLine(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder("latin1").decode(bytes);
  const lines = text.split("\n");
  const last = lines.pop()!;
  for (const line of lines) {
    if (!line.endsWith("\r")) return `a line ending in LF without CR: ${visible(line)}`;
    if (/[^\x20-\x7e]/.test(line.slice(0, -1))) {
      return `a byte that is not printable ASCII: ${visible(line.slice(0, -1))}`;
    }
  }
  return last === "" ? undefined : `a line with no ending: ${visible(last)}`;
}

/** Waits for a new line on `p` after `from` (any line: S1.crlf judges bytes, not words). */
function answered(ctx: Context, p: Probe, from: number): Promise<boolean> {
  return p.until(() => p.lines(from, true).length > 0, ctx.timing.waitMs);
}

async function serverEndings(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const steps: [Probe, string, Probe][] = [
    [b.p, `:${ctx.token()}`, a.p],
    [a.p, `${b.nick}:${ctx.token()}`, b.p],
    [a.p, `${ctx.nick()}:${ctx.token()}`, a.p],
    [a.p, "{help}", a.p],
    [b.p, "{quit}", a.p],
  ];
  for (const [from, line, to] of steps) {
    const at = to.mark();
    await from.send(line);
    await answered(ctx, to, at);
  }
  await Promise.all([a.p.quiet(ctx.timing.quietMs), b.p.until(() => b.p.ended, ctx.timing.waitMs)]);
  for (const { p } of [a, b]) {
    const problem = badLine(p.bytes());
    if (problem !== undefined) {
      throw ctx.fail(`every line to ${p.label} in ASCII, ending in CRLF; found ${problem}`, p);
    }
  }
}

async function clientEndings(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const start = a.p.mark();
  for (const [name, eol] of ENDINGS) {
    const token = ctx.token();
    const at = b.p.mark();
    await a.p.send(`:${token}`, eol);
    await expectLine(ctx, b.p, at, publicLine(a.nick, token), `a line ending in ${name}`);
  }
  // An error for one of those lines would come before the OK for a private message after them.
  const at = a.p.mark();
  await a.p.send(`${b.nick}:${ctx.token()}`);
  await a.p.until(() => a.p.lines(at).includes(bare(SENT_LINE)), ctx.timing.waitMs);
  if (a.p.lines(start).some((l) => l.startsWith(ERROR_HEAD) && l !== FLOOD_LINE)) {
    throw ctx.fail("no error for lines ending in LF, CRLF, CR or CR NUL", {
      probe: a.p,
      from: start,
    });
  }
}

async function nonAscii(ctx: Context): Promise<void> {
  const [a, b] = await joinAll(ctx, 2) as [Member, Member];
  const [refused, folded, next] = [ctx.token(), ctx.token(), ctx.token()];
  const [at, atB] = [a.p.mark(), b.p.mark()];
  // UTF-8 is made ASCII as the client does (X3); bytes that are not UTF-8 are refused.
  await a.p.send(`:n\u00e3o ${folded}`);
  await expectLine(ctx, b.p, atB, publicLine(a.nick, `nao ${folded}`), "UTF-8 made ASCII");
  await a.p.sendBytes(
    new Uint8Array([...encoder.encode(":n"), 0xe3, ...encoder.encode(`o ${refused}\r\n`)]),
  );
  await expectLine(
    ctx,
    a.p,
    at,
    errorLine(ErrorCode.notAscii, "asciiOnly"),
    "a line in Latin-1, not UTF-8",
  );
  await a.p.send(`:${next}`);
  await expectLine(ctx, b.p, atB, publicLine(a.nick, next), "a refused line: the connection stays");
  if (b.p.lines(atB).some((l) => l.includes(refused))) {
    throw ctx.fail(`the line that is not ASCII not to reach ${b.nick}`, { probe: b.p, from: atB });
  }
}

async function pipelined(ctx: Context): Promise<void> {
  const b = await join(ctx);
  const nick = ctx.nick();
  const p = await arrive(ctx, nick);
  const [t1, t2, t3] = [ctx.token(), ctx.token(), ctx.token()];
  const [at, atB] = [p.mark(), b.p.mark()];
  await p.sendBytes(encoder.encode(`${nick}\r\n:${t1}\r\n${b.nick}:${t2}\r\n:${t3}\r\n`));
  await expectLine(ctx, p, at, welcomeLine(nick), "the nickname and three messages in one write");
  const want = [publicLine(nick, t1), privateLine(nick, t2), publicLine(nick, t3)].map(bare);
  const inOrder = () => {
    const got = b.p.lines(atB).filter((l) => want.includes(l));
    return got.length === want.length && got.every((l, i) => l === want[i]);
  };
  if (!await b.p.until(inOrder, ctx.timing.waitMs)) {
    throw ctx.fail(`${b.nick} < ${want.join(" / ")}, in this order (sent in one write)`, {
      probe: b.p,
      from: atB,
    });
  }
}

/** Sends text one byte per write. */
async function dribble(p: Probe, text: string): Promise<void> {
  for (const byte of encoder.encode(text)) {
    await p.sendBytes(Uint8Array.of(byte));
    await sleep(2);
  }
}

async function fragmented(ctx: Context): Promise<void> {
  const b = await join(ctx);
  const nick = ctx.nick();
  const p = await arrive(ctx, nick);
  const at = p.mark();
  await dribble(p, `${nick}\r\n`);
  await expectLine(ctx, p, at, welcomeLine(nick), "the nickname sent one byte at a time");
  const token = ctx.token();
  const atB = b.p.mark();
  await dribble(p, `:${token}\r\n`);
  await expectLine(ctx, b.p, atB, publicLine(nick, token), "a message sent one byte at a time");
}

/** `text` with every telnet case woven in, one after each few characters. */
function weave(text: string): Uint8Array {
  const out: number[] = [];
  const step = Math.max(1, Math.floor(text.length / TELNET_CASES.length));
  for (let i = 0; i < text.length; i++) {
    if (i % step === 0 && i / step < TELNET_CASES.length) {
      out.push(...TELNET_CASES[i / step]!.bytes);
    }
    out.push(text.charCodeAt(i));
  }
  return Uint8Array.from([...out, 0x0d, 0x0a]);
}

async function telnet(ctx: Context): Promise<void> {
  const b = await join(ctx);
  const nick = ctx.nick();
  const p = await arrive(ctx, nick);
  const at = p.mark();
  await p.sendBytes(weave(nick));
  await expectLine(
    ctx,
    p,
    at,
    welcomeLine(nick),
    `a nickname with ${TELNET_CASES.map((c) => c.name).join(", ")}`,
  );
  const token = ctx.token();
  const [atB, rawB] = [b.p.mark(), b.p.rawMark()];
  await p.sendBytes(weave(`:${token}`));
  await expectLine(
    ctx,
    b.p,
    atB,
    publicLine(nick, token),
    "a message with telnet negotiation in it",
  );
  if (b.p.raw(rawB).includes(IAC)) {
    throw ctx.fail(`no telnet byte (IAC, 0xff) relayed to ${b.nick}`, { probe: b.p, from: atB });
  }
  for (const c of TELNET_CASES) {
    const reply = c.reply;
    if (reply === undefined) continue;
    const has = () =>
      p.negotiation.some((s) => s.length === reply.length && s.every((x, i) => x === reply[i]));
    if (!await p.until(has, ctx.timing.waitMs)) {
      throw ctx.fail(`an answer to ${c.name}: ${reply.join(" ")}`, p);
    }
  }
}

/** The byte-level checks of the papo level, in the order they run. */
export const WIRE_CHECKS: readonly Check[] = [
  {
    id: "S1.crlf",
    title: {
      pt: "o servidor envia ASCII, cada linha com CRLF",
      en: "the server sends ASCII, every line ending in CRLF",
    },
    run: serverEndings,
  },
  {
    id: "S1.eol",
    title: {
      pt: "aceita linhas com LF, CRLF, CR e CR NUL",
      en: "accepts lines ending in LF, CRLF, CR and CR NUL",
    },
    run: clientEndings,
  },
  {
    id: "S1.ascii",
    title: {
      pt: "UTF-8 vira ASCII; bytes que não são UTF-8: ERRO 09, não repassado",
      en: "UTF-8 made ASCII; bytes that are not UTF-8: ERRO 09, not relayed",
    },
    run: nonAscii,
  },
  {
    id: "S1.pipe",
    title: {
      pt: "várias linhas numa escrita, em ordem",
      en: "several lines in one write, in order",
    },
    run: pipelined,
  },
  {
    id: "S1.frag",
    title: {
      pt: "uma linha em pedaços (um byte por escrita)",
      en: "a line in pieces (one byte per write)",
    },
    run: fragmented,
  },
  {
    id: "S2.telnet",
    title: {
      pt: "negociação telnet removida, nunca repassada",
      en: "telnet negotiation removed, never relayed",
    },
    run: telnet,
  },
];
