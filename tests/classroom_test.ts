/**
 * The teacher's tools over real TCP (C1-C5): the socket trace, the teacher's
 * role and commands, history for latecomers, and the transcript.
 */
import assert from "node:assert/strict";
import { SocketTrace } from "../server/trace.ts";
import { Transcript, TranscriptError } from "../server/transcript.ts";
import { bytes, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";

const TOKEN = "s3nha-do-prof";

/** Joins and becomes the teacher. */
async function teacher(port: number, nick = "prof"): Promise<LineClient> {
  const c = await join(port, nick);
  await c.send(`{admin ${TOKEN}}`);
  assert.equal(await c.expect("OK"), "OK voce agora e o professor; digite {help}");
  return c;
}

Deno.test("--trace: every socket event of a session, in order, with its bytes (C1)", async () => {
  const lines: string[] = [];
  const trace = new SocketTrace((l) => lines.push(l));
  await using srv = startServer({ observer: trace });
  trace.listening({ transport: "tcp", hostname: "127.0.0.1", port: srv.port }, 4096);
  {
    await using c = await LineClient.connect(srv.port);
    await c.expect("APELIDO");
    await c.sendRaw(bytes("ana\r\n:oi", [0xff], "\r\n"));
    await c.expect("ERRO 09");
    await c.send("{quit}");
    await c.expect("TCHAU");
    await c.closed();
  }
  await srv.stop();
  const events = lines.map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ""));
  assert.ok(lines.every((l) => /^\d\d:\d\d:\d\d\.\d{3} #\d+ /.test(l)), lines.join("\n"));
  assert.equal(events[0], "#0 socket(AF_INET, SOCK_STREAM) -> listening socket");
  assert.equal(events[1], `#0 bind(127.0.0.1:${srv.port})`);
  assert.equal(events[2], "#0 listen(backlog 4096)");
  assert.match(events[3]!, /^#0 accept\(\) -> #1 from 127\.0\.0\.1:\d+$/);
  assert.equal(
    events[4],
    '#1 send 50 bytes "APELIDO Digite seu apelido (ou {quit} para sair)\\r\\n"',
  );
  const recv = events.filter((e) => e.startsWith("#1 recv"));
  assert.ok(recv.some((e) => e.includes('"ana\\r\\n:oi\\xff\\r\\n"')), recv.join("\n"));
  assert.ok(events.some((e) => e.startsWith("#1 send") && e.includes("BEMVINDO")));
  assert.ok(events.some((e) => e.startsWith("#1 send") && e.includes("TCHAU Ate logo, ana")));
  assert.equal(events.at(-1), "#1 close (quit)");
  const sent = events.filter((e) => e.startsWith("#1 send"))
    .reduce((n, e) => n + Number(/send (\d+) bytes/.exec(e)![1]), 0);
  assert.ok(sent > 100, `${sent} bytes sent in all`);
});

Deno.test("--trace shows at most 200 bytes of a large read, with the count of the rest (C1)", async () => {
  const lines: string[] = [];
  await using srv = startServer({ observer: new SocketTrace((l) => lines.push(l)) });
  await using c = await join(srv.port, "ana");
  await c.send(":" + "x".repeat(900));
  await c.send("{users}");
  await c.expect("USUARIOS");
  const big = lines.find((l) => Number(/ recv (\d+) bytes /.exec(l)?.[1] ?? 0) > 200);
  assert.ok(big, lines.join("\n"));
  assert.match(big, /\(\+\d+ bytes\)$/);
  assert.ok(big.length < 300, big);
});

Deno.test("{admin TOKEN} makes the teacher; a wrong token is ERRO 12, the 5th closes (C2)", async (t) => {
  await using srv = startServer({ adminToken: TOKEN });
  await t.step("the right token", async () => {
    await using prof = await teacher(srv.port);
    assert.ok(srv.logs.some((l) => l.startsWith("admin ") && l.includes("prof")), srv.logs.join());
    await prof.send("{help}");
    await prof.expect("AJUDA");
    await prof.send("{users}");
    await prof.expect("USUARIOS");
    assert.ok(prof.received.some((l) => l.startsWith("AJUDA {kick apelido}")));
  });
  await t.step("wrong tokens", async () => {
    // From an address of its own: 5 wrong tokens lock {admin} for it (L9, token_test.ts).
    await using c = await join(srv.port, "eve", { from: "127.0.0.9" });
    for (let i = 1; i <= 4; i++) {
      await c.send(`{admin chute${i}}`);
      assert.equal(await c.expect("ERRO"), "ERRO 12 Senha de professor incorreta");
    }
    await c.send("{admin chute5}");
    assert.equal(
      await c.expect("ERRO"),
      "ERRO 03 Cancelamento de conexao forcado: tentativas demais",
    );
    await c.closed();
    assert.ok(srv.logs.filter((l) => l.startsWith("admin refused")).length >= 4);
    assert.ok(
      srv.logs.some((l) => l.startsWith("admin locked for 127.0.0.9")),
      srv.logs.join("\n"),
    );
  });
  await t.step("{help} shows the teacher's commands only to the teacher", async () => {
    await using c = await join(srv.port, "student");
    await c.send("{help}");
    await c.send("{users}");
    await c.expect("USUARIOS");
    assert.ok(!c.received.some((l) => l.includes("{kick")), c.received.join("\n"));
    assert.ok(!c.received.some((l) => l.includes("{admin")), c.received.join("\n"));
  });
});

Deno.test("teacher's commands are ERRO 13 for anyone else (C3)", async (t) => {
  await using srv = startServer({ adminToken: TOKEN });
  await using bob = await join(srv.port, "bob");
  await using c = await join(srv.port, "student");
  for (
    const line of [
      "{kick bob}",
      "{mute bob}",
      "{unmute bob}",
      "{ban bob}",
      "{unban 1.2.3.4}",
      "{bans}",
      "{lock}",
      "{unlock}",
      "{say oi}",
      "{kick}",
    ]
  ) {
    await t.step(line, async () => {
      await c.send(line);
      assert.equal(await c.expect("ERRO"), "ERRO 13 Comando so do professor");
    });
  }
  assert.deepEqual(srv.server.nicks(), ["bob", "student"]);
  assert.deepEqual(bob.rest().filter((l) => !l.startsWith("ENTROU")), []);
});

Deno.test("{kick} removes a user; the others see a SAIU that says so (C3)", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using bob = await join(srv.port, "bob");
  await using cid = await join(srv.port, "cid");
  await prof.send("{kick BOB}");
  assert.equal(await prof.expect("OK"), "OK bob foi removido");
  assert.equal(
    await bob.expect("ERRO"),
    "ERRO 03 Cancelamento de conexao forcado: removido pelo professor",
  );
  await bob.closed();
  assert.equal(await cid.expect("SAIU"), "SAIU bob foi removido pelo professor");
  await prof.send("{kick zed}");
  assert.equal(await prof.expect("ERRO"), "ERRO 02 Ninguem online com esse apelido: {kick zed}");
  await prof.send("{MUTE Zed}");
  assert.equal(await prof.expect("ERRO"), "ERRO 02 Ninguem online com esse apelido: {mute Zed}");
  await prof.send("{kick}");
  assert.equal(await prof.expect("ERRO"), "ERRO 07 Comando invalido: uso: {kick apelido}");
  assert.ok(
    srv.logs.some((l) => l.includes("teacher") && l.includes("kick bob")),
    srv.logs.join("\n"),
  );
});

Deno.test("{mute}: the muted user's messages are ERRO 14 but for private ones to the teacher (C3)", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using bob = await join(srv.port, "bob");
  await using cid = await join(srv.port, "cid");
  await prof.send("{mute bob}");
  assert.equal(await cid.expect("AVISO"), "AVISO bob foi silenciado pelo professor");
  assert.equal(await bob.expect("AVISO"), "AVISO bob foi silenciado pelo professor");
  await bob.send(":posso falar?");
  assert.equal(
    await bob.expect("ERRO"),
    "ERRO 14 Voce esta silenciado: mensagem nao enviada; so mensagens privadas ao professor passam (professor:texto)",
  );
  await bob.send("cid:psiu");
  assert.match(await bob.expect("ERRO"), /^ERRO 14 /);
  await bob.send("prof:desculpa");
  assert.equal(await prof.expect("PRIVADA"), "PRIVADA Mensagem recebida de: bob: desculpa");
  assert.equal(await bob.expect("OK"), "OK Mensagem enviada");
  await prof.send("{mute bob}");
  assert.equal(await prof.expect("OK"), "OK bob ja estava silenciado");
  await prof.send("{unmute bob}");
  assert.equal(await cid.expect("AVISO"), "AVISO bob pode falar de novo");
  await bob.send(":voltei");
  assert.equal(await cid.expect("PUBLICA"), "PUBLICA bob: voltei");
  assert.ok(!cid.received.includes("PUBLICA bob: posso falar?"));
});

Deno.test("professor:texto / teacher:text reach the console's log and every teacher, muted or not (C2, issue 19.2)", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using tia = await teacher(srv.port, "tia");
  await using bob = await join(srv.port, "bob");
  await using cid = await join(srv.port, "cid");
  await prof.send("{mute bob}");
  await bob.expect("AVISO");
  await bob.send("PROFESSOR:posso ir ao banheiro?");
  assert.equal(await bob.expect("OK"), "OK Mensagem enviada");
  for (const t of [prof, tia]) {
    assert.equal(
      await t.expect("PRIVADA"),
      "PRIVADA Mensagem recebida de: bob: posso ir ao banheiro?",
    );
  }
  assert.ok(srv.logs.includes("bob -> professor: posso ir ao banheiro?"), srv.logs.join("\n"));
  await cid.send("teacher:e eu?");
  assert.equal(await cid.expect("OK"), "OK Mensagem enviada");
  assert.equal(await tia.expect("PRIVADA"), "PRIVADA Mensagem recebida de: cid: e eu?");
  assert.ok(srv.logs.includes("cid -> professor: e eu?"), srv.logs.join("\n"));
  await cid.send("{users}");
  await cid.expect("USUARIOS");
  assert.ok(!cid.received.some((l) => l.startsWith("PRIVADA")), cid.received.join("\n"));
});

Deno.test("{ban} removes a user and refuses its address with ERRO 15 until {unban} (C3)", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using bob = await join(srv.port, "bob", { from: "127.0.0.2" });
  await prof.send("{ban bob}");
  assert.equal(await prof.expect("OK"), "OK bob foi removido e o endereco 127.0.0.2 banido");
  assert.match(await bob.expect("ERRO"), /^ERRO 03 .*removido pelo professor$/);
  await bob.closed();
  {
    await using again = await LineClient.connect(srv.port, { from: "127.0.0.2" });
    assert.equal(await again.line(), "ERRO 15 Endereco banido");
    await again.closed();
  }
  {
    await using other = await join(srv.port, "other");
    await other.send("{users}");
    assert.equal(await other.expect("USUARIOS"), "USUARIOS 2 online: prof, other");
  }
  await prof.send("{bans}");
  assert.equal(await prof.expect("OK"), "OK banidos: 127.0.0.2 (bob)");
  await prof.send("{unban bob}"); // by nickname: the reply names the address lifted
  assert.equal(await prof.expect("OK"), "OK liberado: 127.0.0.2 (bob)");
  await prof.send("{unban 127.0.0.2}");
  assert.equal(
    await prof.expect("OK"),
    "OK nada a liberar para 127.0.0.2: nenhum ban, kick ou silencio com esse endereco ou apelido; veja {bans}",
  );
  await prof.send("{bans}");
  assert.equal(await prof.expect("OK"), "OK nenhum endereco banido");
  await using back = await join(srv.port, "bob", { from: "127.0.0.2" });
  assert.equal(await prof.expect("ENTROU"), "ENTROU bob entrou no chat");
  await back.send(":voltei");
  assert.equal(await prof.expect("PUBLICA"), "PUBLICA bob: voltei");
});

Deno.test("{lock} refuses new connections with ERRO 16 until {unlock}; {say} is an AVISO (C3)", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using ana = await join(srv.port, "ana");
  await prof.send("{lock}");
  assert.equal(
    await ana.expect("AVISO"),
    "AVISO a sala foi trancada pelo professor; ninguem mais entra",
  );
  // A second {lock} says it changed nothing (issue 19.2), not a new success.
  await prof.send("{lock}");
  assert.equal(await prof.expect("OK"), "OK a sala ja estava trancada; nada mudou");
  {
    await using late = await LineClient.connect(srv.port);
    assert.equal(await late.line(), "ERRO 16 Sala trancada");
    await late.closed();
  }
  await prof.send("{say prova na sexta, {sem consulta}}");
  assert.equal(await ana.expect("AVISO"), "AVISO professor: prova na sexta, {sem consulta}");
  await prof.send("{unlock}");
  assert.equal(await ana.expect("AVISO"), "AVISO a sala foi destrancada");
  await prof.send("{unlock}");
  assert.equal(await prof.expect("OK"), "OK a sala nao estava trancada; nada mudou");
  await using late = await join(srv.port, "late");
  assert.equal(await ana.expect("ENTROU"), "ENTROU late entrou no chat");
  await late.send(":cheguei");
  assert.equal(await ana.expect("PUBLICA"), "PUBLICA late: cheguei");
});

Deno.test("--history: a newcomer gets the last N public messages, oldest first, never private ones (C4)", async (t) => {
  await t.step("capped at N, in order", async () => {
    await using srv = startServer({ history: 3 });
    await using ana = await join(srv.port, "ana");
    await using _bob = await join(srv.port, "bob");
    for (const text of ["um", "dois", "tres", "quatro"]) await ana.send(`:${text}`);
    await ana.send("bob:segredo");
    await ana.expect("OK");
    await using late = await LineClient.connect(srv.port);
    await late.expect("APELIDO");
    await late.send("late");
    await late.expect("BEMVINDO");
    await late.expect("USUARIOS");
    await late.expect("AJUDA");
    const history = [await late.line(), await late.line(), await late.line()];
    for (const h of history) assert.match(h, /^HISTORICO \d\d:\d\d ana: /);
    assert.deepEqual(history.map((h) => h.slice("HISTORICO 00:00 ".length)), [
      "ana: dois",
      "ana: tres",
      "ana: quatro",
    ]);
    await late.send("{users}");
    assert.match(await late.line(), /^USUARIOS 3 online/);
    assert.ok(!late.received.some((l) => l.includes("segredo")));
  });
  await t.step("0 is none", async () => {
    await using srv = startServer({ history: 0 });
    await using ana = await join(srv.port, "ana");
    await ana.send(":oi");
    await using late = await join(srv.port, "late");
    await late.send("{users}");
    assert.match(await late.line(), /^USUARIOS/);
    assert.ok(!late.received.some((l) => l.startsWith("HISTORICO")));
  });
});

Deno.test("--transcript: public messages, joins, leaves and teacher's actions, never private text (C5)", async () => {
  const path = await Deno.makeTempFile({ suffix: ".log" });
  try {
    const transcript = await Transcript.open(path);
    {
      await using srv = startServer({ adminToken: TOKEN, transcript });
      await using prof = await teacher(srv.port);
      await using ana = await join(srv.port, "ana");
      await ana.send(":bom dia");
      await ana.send("prof:segredo");
      await prof.expect("PRIVADA");
      await prof.send("{say atencao}");
      await ana.expect("AVISO");
      await prof.send("{kick ana}");
      await ana.closed();
      await prof.expect("OK");
    }
    transcript.close();
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}([+-]\d\d:\d\d|Z) /;
    for (const l of lines) assert.match(l, iso);
    const text = lines.map((l) => l.replace(iso, ""));
    assert.ok(text.includes("ENTROU ana entrou no chat"), text.join("\n"));
    assert.ok(text.includes("PUBLICA ana: bom dia"), text.join("\n"));
    assert.ok(text.includes("AVISO professor: atencao"), text.join("\n"));
    assert.ok(
      text.some((l) => l.startsWith("PROFESSOR ") && l.endsWith("kick ana")),
      text.join("\n"),
    );
    assert.ok(text.includes("SAIU ana foi removido pelo professor"), text.join("\n"));
    assert.ok(!text.some((l) => l.includes("segredo")), text.join("\n"));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("Transcript.open() refuses a path it cannot open with one sentence", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(() => Transcript.open(dir), TranscriptError);
    await assert.rejects(() => Transcript.open(`${dir}/no/such/dir/t.log`), (e: Error) => {
      assert.ok(e instanceof TranscriptError);
      assert.match(e.message, /^Cannot open the transcript ".*t\.log": /);
      assert.ok(!e.message.includes("\n"), e.message);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
