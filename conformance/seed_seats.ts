/**
 * The seed level's users (`checks_seed.ts`): connecting, letting the prompt
 * come, entering with a nickname, and waiting for a word, in whatever wording
 * the server uses, every wait bounded by the check's timing.
 *
 * @module
 */

import type { Context } from "./check.ts";
import { hasPhrase } from "./match.ts";
import type { Probe } from "./probe.ts";

/** A user in the chat. */
export interface Seat {
  /** Its connection. */
  readonly p: Probe;
  /** Its nickname. */
  readonly nick: string;
  /** What the server sent before the nickname: a prompt, a list, or nothing. */
  readonly prompt: string;
  /** The position after the nickname was sent. */
  readonly at: number;
}

/** Connects and lets the prompt come, if there is one. */
export async function arrive(ctx: Context, label: string, resettable = false): Promise<Probe> {
  const p = await ctx.connect(label, resettable);
  if (await p.until(() => p.mark() > 0, ctx.replyMs)) await p.quiet(ctx.timing.quietMs / 2);
  return p;
}

/** Sends one line and lets the server's answer come (its first bytes, then silence), if any. */
export async function answer(ctx: Context, p: Probe, line: string): Promise<number> {
  const at = p.mark();
  await p.send(line);
  if (await p.until(() => p.mark() > at, ctx.replyMs)) await p.quiet(ctx.timing.quietMs);
  return at;
}

/** Joins the chat with a fresh nickname. */
export async function enter(ctx: Context, resettable = false): Promise<Seat> {
  const nick = ctx.nick();
  const p = await arrive(ctx, nick, resettable);
  const prompt = p.text();
  const at = await answer(ctx, p, nick);
  if (p.ended) {
    throw ctx.fail({
      en: `the server to keep the connection of ${nick} after its nickname`,
      pt: `o servidor manter a conexão de ${nick} depois do apelido`,
    }, p);
  }
  return { p, nick, prompt, at };
}

/** Several users join at once; returns when every connection is quiet. */
export async function enterAll(ctx: Context, n: number): Promise<Seat[]> {
  const seats = await Promise.all(Array.from({ length: n }, () => enter(ctx)));
  await Promise.all(seats.map((s) => s.p.quiet(ctx.timing.quietMs)));
  return seats;
}

/** Waits until `p` received `word` after position `from`. */
export function sees(ctx: Context, p: Probe, from: number, word: string): Promise<boolean> {
  return p.until(() => hasPhrase(p.text(from), word), ctx.timing.waitMs);
}
