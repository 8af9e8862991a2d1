/**
 * The seed level's departures (S11, `checks_seed.ts`): a user who leaves with
 * `{quit}`, who closes, or whose connection vanishes with unread data, and
 * whether the others are told.
 *
 * @module
 */

import { CheckSkip, type Context, type Text } from "./check.ts";
import { fold, hasPhrase } from "./match.ts";
import type { Probe } from "./probe.ts";
import { sleep } from "./waits.ts";
import { enter, type Seat, sees } from "./seed_seats.ts";

/** `from` sends two public messages; each of `to` must get both. */
async function talks(ctx: Context, from: Seat, to: Seat[], after: Text): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const token = ctx.token();
    const marks = to.map((s) => s.p.mark());
    await from.p.send(`:${token}`);
    for (const [j, s] of to.entries()) {
      if (!await sees(ctx, s.p, marks[j]!, token)) {
        throw ctx.fail({
          en: `${s.nick} to get ${from.nick}'s message ${i + 1} ${after.en}`,
          pt: `${s.nick} receber a mensagem ${i + 1} de ${from.nick} ${after.pt}`,
        }, {
          probe: s.p,
          from: marks[j]!,
        });
      }
    }
  }
}

/** A leave notice: a line naming the user, other than its own `{quit}` relayed (`ana: {quit}`). */
function toldLeft(p: Probe, from: number, nick: string): boolean {
  const relayed = (l: string) => fold(l).replace(nick, "").replace(/[^a-z{}]/g, "") === "{quit}";
  return p.lines(from, true).some((l) => hasPhrase(l, nick) && !relayed(l));
}

/** S11.quit and S11.close: a user leaves with `{quit}` or by closing; the others are told. */
export function departure(how: "quit" | "close"): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const a = await enter(ctx);
    const before = a.p.mark();
    const d = await enter(ctx);
    // Let the join notice come first, if the server sends one.
    await a.p.until(() => hasPhrase(a.p.text(before), d.nick), ctx.replyMs);
    await a.p.quiet(ctx.timing.quietMs);
    const at = a.p.mark();
    const told = () => a.p.until(() => toldLeft(a.p, at, d.nick), ctx.timing.waitMs);
    if (how === "close") await d.p.close();
    else {
      await d.p.send("{quit}");
      // The vocabulary says {quit}, the manual "digitar quit": either will do.
      if (!await told() && !d.p.ended) {
        await d.p.send("quit");
        if (await told()) ctx.notes.push("leaves with quit, not {quit}");
      }
    }
    if (!await told()) {
      const after = how === "quit"
        ? { en: "typed {quit} (then quit)", pt: "digitou {quit} (e depois quit)" }
        : { en: "closed its connection", pt: "fechou a conexão" };
      throw ctx.fail({
        en: `${a.nick} to be told that ${d.nick} left when it ${after.en}`,
        pt: `${a.nick} saber que ${d.nick} saiu quando ${after.pt}`,
      }, {
        probe: a.p,
        from: at,
      });
    }
  };
}

/** S11.vanish: a connection reset with unread data; the server carries on and tells the others. */
export async function vanish(ctx: Context): Promise<void> {
  // d vanishes with a real reset (RST), as a student's laptop lid closing does (issue 19.5).
  const [a, b, d] = await Promise.all([enter(ctx), enter(ctx), enter(ctx, true)]);
  await Promise.all([a, b, d].map((s) => s.p.quiet(ctx.timing.quietMs)));
  // d stops reading; what it is sent next stays unread, so closing resets the connection.
  d.p.stopReading();
  for (let i = 0; i < 2; i++) {
    const token = ctx.token();
    const from = b.p.mark();
    await a.p.send(`:${token}`);
    if (!await sees(ctx, b.p, from, token)) {
      throw new CheckSkip(
        "public messages do not reach the others (see S12.public): no user could vanish with unread data",
      );
    }
    // b got it, so d is being sent it too: wait for that (the whole answer window, not the
    // short one for answers that may never come), or a loaded machine skips instead of failing.
    if (i === 0 && !await d.p.until(() => d.p.paused, ctx.timing.waitMs)) {
      throw new CheckSkip(`${d.nick} received nothing, so it could not vanish with unread data`);
    }
  }
  await sleep(ctx.timing.quietMs / 4);
  // The connection is reset (RST, with data unread too); the next message races the server's
  // noticing it, so a server may write to the vanished client and must survive that.
  await d.p.reset();
  // The server goes on talking (issue 19.5): a server whose send to the dead socket raises
  // loses the sender's thread, or stops its broadcasts there, on one of these.
  const after = {
    en: `after ${d.nick} vanished (connection reset)`,
    pt: `depois que ${d.nick} sumiu (conexão resetada)`,
  };
  await talks(ctx, a, [b], after);
  await talks(ctx, b, [a], after);
  const e = await enter(ctx);
  await talks(ctx, e, [a, b], {
    en: `, ${e.nick} having joined ${after.en}`,
    pt: `, ${e.nick} tendo entrado ${after.pt}`,
  });
  await talks(ctx, a, [e], after);
}
