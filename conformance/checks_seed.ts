/**
 * The seed level: only what the assignment (seed-spec.pt.md) fixes, found in
 * whatever wording and format the server uses. No keyword is required, a
 * prompt may be missing or lack its line ending, any line ending and accents
 * or not are fine, nicknames may be case-sensitive or not, the server may
 * echo what a user types.
 *
 * The kit never sends a line before the server answered the one before (or
 * was given time to), so a server that handles one `recv()` as one message,
 * as students' Python servers do, is judged fairly. When a check cannot tell,
 * it is skipped with the reason rather than failed.
 *
 * @module
 */

import { type Check, CheckSkip, type Context, visible } from "./check.ts";
import { hasCode, hasInOrder, hasPhrase } from "./match.ts";
import { departure, vanish } from "./checks_seed_leave.ts";
import { answer, arrive, enter, enterAll, type Seat, sees } from "./seed_seats.ts";

async function nickExchange(ctx: Context): Promise<void> {
  const nick = ctx.nick();
  const p = await arrive(ctx, nick);
  const prompt = p.text().trim();
  const at = await answer(ctx, p, nick);
  const reply = p.text(at);
  if (p.ended) {
    throw ctx.fail({
      en: `the connection to stay open after the nickname ${nick}`,
      pt: `a conexão continuar aberta depois do apelido ${nick}`,
    }, p);
  }
  if (hasCode(reply, "01")) {
    throw ctx.fail({
      en: `the free nickname ${nick} to be accepted`,
      pt: `o apelido livre ${nick} ser aceito`,
    }, p);
  }
  if (prompt === "" && reply.trim() === "") {
    throw new CheckSkip(
      "the server sent nothing before or after the nickname, so whether it asked for one cannot be told",
    );
  }
  ctx.notes.push(
    prompt === "" ? "no prompt; the nickname was answered" : `prompt: ${visible(prompt)}`,
  );
}

async function nickTaken(ctx: Context): Promise<void> {
  const a = await enter(ctx);
  const p = await arrive(ctx, `${a.nick}(2)`);
  const at = await answer(ctx, p, a.nick);
  if (!await p.until(() => hasCode(p.text(at), "01"), ctx.timing.waitMs)) {
    throw ctx.fail({
      en: `code 01 when a second user asks for the nickname ${a.nick}, already in use`,
      pt: `código 01 quando um segundo usuário pede o apelido ${a.nick}, já em uso`,
    }, {
      probe: p,
      from: at,
    });
  }
  if (p.ended) {
    throw ctx.fail({
      en: "the server to ask again after code 01, not to close the connection",
      pt: "o servidor pedir de novo depois do código 01, não fechar a conexão",
    }, p);
  }
  const fresh = ctx.nick();
  p.label = fresh;
  const again = await answer(ctx, p, fresh);
  if (p.ended || hasCode(p.text(again), "01")) {
    throw ctx.fail({
      en: `the free nickname ${fresh} to be accepted after code 01`,
      pt: `o apelido livre ${fresh} ser aceito depois do código 01`,
    }, {
      probe: p,
      from: again,
    });
  }
  if (p.mark() === again) {
    // Nothing said: the nickname is accepted when a public message reaches it.
    const token = ctx.token();
    const from = p.mark();
    await a.p.send(`:${token}`);
    if (!await sees(ctx, p, from, token)) {
      throw new CheckSkip(
        `after code 01 the server said nothing to the nickname ${fresh}, nor relayed a public message to it: cannot tell whether it was accepted`,
      );
    }
  }
}

async function userList(ctx: Context): Promise<void> {
  const [a, b] = await enterAll(ctx, 2) as [Seat, Seat];
  const c = await enter(ctx);
  // The list may come before the nickname, with a welcome, or after it; in any form.
  const listed = () => hasPhrase(c.p.text(), a.nick) && hasPhrase(c.p.text(), b.nick);
  if (!await c.p.until(listed, ctx.replyMs)) {
    throw ctx.fail(
      {
        en: `the list shown on entry to ${c.nick} to name the users online: ${a.nick}, ${b.nick}`,
        pt:
          `a lista mostrada a ${c.nick} na entrada nomear os usuários online: ${a.nick}, ${b.nick}`,
      },
      c.p,
    );
  }
}

async function joinNotice(ctx: Context): Promise<void> {
  const a = await enter(ctx);
  const from = a.p.mark();
  const d = await enter(ctx);
  if (!await a.p.until(() => hasPhrase(a.p.text(from), d.nick), ctx.replyMs)) {
    throw new CheckSkip(
      `${a.nick} was told nothing when ${d.nick} joined; the assignment does not ask for it`,
    );
  }
}

async function publicRouting(ctx: Context): Promise<void> {
  const [a, b, c] = await enterAll(ctx, 3) as [Seat, Seat, Seat];
  const token = ctx.token();
  const sender = a.p.mark();
  const others = [b, c].map((s) => ({ s, probe: s.p, from: s.p.mark() }));
  await a.p.send(`:${token}`);
  const got = await Promise.all(others.map((o) => sees(ctx, o.probe, o.from, token)));
  await a.p.quiet(ctx.timing.quietMs);
  const missing = others.filter((_, i) => !got[i]);
  if (missing.length > 0) {
    const names = missing.map((o) => o.s.nick).join(", ");
    throw ctx.fail(
      {
        en: `":${token}" from ${a.nick} to reach every other user (${names} got nothing)`,
        pt:
          `":${token}" de ${a.nick} chegar a todos os outros usuários (${names} não recebeu nada)`,
      },
      ...missing,
    );
  }
  for (const o of others) {
    if (!hasPhrase(o.probe.text(o.from), a.nick)) {
      throw ctx.fail({
        en: `the public message to ${o.s.nick} to carry the sender's name, ${a.nick}`,
        pt: `a mensagem pública para ${o.s.nick} trazer o nome de quem enviou, ${a.nick}`,
      }, o);
    }
  }
  // The assignment says "para todos que estiverem online": the message sent back to its
  // sender too is a note, not a failure (issue 19.5).
  const back = a.p.lines(sender, true).filter((l) => hasPhrase(l, token) && hasPhrase(l, a.nick));
  if (back.length > 0) ctx.notes.push(`the public message came back to its sender, ${a.nick}`);
}

async function privateRouting(ctx: Context): Promise<void> {
  const [a, b, c] = await enterAll(ctx, 3) as [Seat, Seat, Seat];
  const token = ctx.token();
  const atB = b.p.mark();
  const atC = c.p.mark();
  await a.p.send(`${b.nick}:${token}`);
  const got = await sees(ctx, b.p, atB, token);
  await c.p.quiet(ctx.timing.quietMs);
  if (!got) {
    throw ctx.fail({
      en: `${b.nick} to receive the private message "${token}" from ${a.nick}`,
      pt: `${b.nick} receber a mensagem privada "${token}" de ${a.nick}`,
    }, {
      probe: b.p,
      from: atB,
    });
  }
  if (!hasInOrder(b.p.text(atB), "Mensagem recebida de", a.nick)) {
    throw ctx.fail(
      {
        en: `"Mensagem recebida de" and the sender's name, ${a.nick}, with the private message`,
        pt: `"Mensagem recebida de" e o nome de quem enviou, ${a.nick}, com a mensagem privada`,
      },
      {
        probe: b.p,
        from: atB,
      },
    );
  }
  if (hasPhrase(c.p.text(atC), token)) {
    throw ctx.fail({
      en: `the private message to ${b.nick} to reach no one else (${c.nick} got it)`,
      pt: `a mensagem privada para ${b.nick} não chegar a mais ninguém (${c.nick} a recebeu)`,
    }, {
      probe: c.p,
      from: atC,
    });
  }
}

async function privateSent(ctx: Context): Promise<void> {
  const [a, b] = await enterAll(ctx, 2) as [Seat, Seat];
  const at = a.p.mark();
  await a.p.send(`${b.nick}:${ctx.token()}`);
  if (!await a.p.until(() => hasPhrase(a.p.text(at), "Mensagem enviada"), ctx.timing.waitMs)) {
    throw ctx.fail({
      en: `"Mensagem enviada" to ${a.nick} after its private message to ${b.nick}`,
      pt: `"Mensagem enviada" para ${a.nick} depois da mensagem privada para ${b.nick}`,
    }, {
      probe: a.p,
      from: at,
    });
  }
}

async function noSuchUser(ctx: Context): Promise<void> {
  const a = await enter(ctx);
  const nobody = ctx.nick();
  const at = a.p.mark();
  await a.p.send(`${nobody}:${ctx.token()}`);
  if (!await a.p.until(() => hasCode(a.p.text(at), "02"), ctx.timing.waitMs)) {
    throw ctx.fail({
      en: `code 02 for a private message to ${nobody}, who is not online`,
      pt: `código 02 para uma mensagem privada a ${nobody}, que não está online`,
    }, {
      probe: a.p,
      from: at,
    });
  }
}

/** The checks of the seed level, in the order they run (the one that may break a server last). */
export const SEED_CHECKS: readonly Check[] = [
  {
    id: "S4",
    title: {
      pt: "pede um apelido e aceita um novo",
      en: "asks for a nickname and accepts a fresh one",
    },
    run: nickExchange,
  },
  {
    id: "S10.taken",
    title: {
      pt: "apelido em uso: código 01 e pede outro",
      en: "taken nickname: code 01, then asks again",
    },
    run: nickTaken,
  },
  {
    id: "S10.list",
    title: { pt: "lista de usuários online na entrada", en: "list of users online on entry" },
    run: userList,
  },
  {
    id: "S11.join",
    title: {
      pt: "aviso de entrada aos outros (opcional)",
      en: "join notice to the others (optional)",
    },
    run: joinNotice,
  },
  {
    id: "S12.public",
    title: {
      pt: ":texto chega a todos os outros com o nome de quem enviou",
      en: ":text reaches everyone else with the sender's name",
    },
    run: publicRouting,
  },
  {
    id: "S12.private",
    title: {
      pt: 'apelido:texto só ao destino, com "Mensagem recebida de" e o remetente',
      en: 'nick:text to the target only, with "Mensagem recebida de" and the sender',
    },
    run: privateRouting,
  },
  {
    id: "S12.sent",
    title: { pt: '"Mensagem enviada" ao remetente', en: '"Mensagem enviada" to the sender' },
    run: privateSent,
  },
  {
    id: "S12.02",
    title: { pt: "código 02 para destino inexistente", en: "code 02 for a target not online" },
    run: noSuchUser,
  },
  {
    id: "S11.quit",
    title: {
      pt: "aviso de saída aos outros após {quit}",
      en: "leave notice to the others after {quit}",
    },
    run: departure("quit"),
  },
  {
    id: "S11.close",
    title: {
      pt: "aviso de saída quando a conexão fecha",
      en: "leave notice when a connection is closed",
    },
    run: departure("close"),
  },
  {
    id: "S11.vanish",
    title: {
      pt: "continua servindo após um cliente sumir (reset)",
      en: "keeps serving after a client vanishes (reset)",
    },
    run: vanish,
  },
];
