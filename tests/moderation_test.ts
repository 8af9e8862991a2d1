/**
 * C3, moderation that sticks (issue 18 item 5), on the in-memory room: a
 * mute holds for the address under another nickname, a kick keeps the
 * address out for `--kick-minutes` (`{unban}` lifts it), `{bans}` lists bans,
 * kicks and mutes. Real sockets, from addresses of 127.0.0.0/8; the clock is
 * the test's, so nothing sleeps ten minutes.
 */
import assert from "node:assert/strict";
import { SYSTEM_TIMERS } from "../common/time.ts";
import { bytes, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";

const TOKEN = "giz-azul-longo";

async function teacher(port: number) {
  const prof = await join(port, "prof", { from: "127.0.9.1" });
  await prof.send(`{admin ${TOKEN}}`);
  await prof.expect("OK");
  return prof;
}

Deno.test("C3: a muted student stays muted under another nickname from the same address", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using other = await join(srv.port, "bia", { from: "127.0.9.3" });
  {
    await using eve = await join(srv.port, "eve", { from: "127.0.9.2" });
    await prof.send("{mute eve}");
    await prof.expect("AVISO eve");
    await eve.send(":oi");
    assert.match(await eve.expect("ERRO"), /^ERRO 14 /);
  } // gone abruptly (closed without {quit})
  await using eve2 = await join(srv.port, "outra", { from: "127.0.9.2" });
  await eve2.send(":agora falo");
  assert.match(await eve2.expect("ERRO"), /^ERRO 14 /);
  // A private message to the teacher still goes through.
  await eve2.send("prof:posso falar?");
  assert.equal(await prof.expect("PRIVADA"), "PRIVADA Mensagem recebida de: outra: posso falar?");
  // Another address speaks freely.
  await other.send(":livre");
  assert.equal(await prof.expect("PUBLICA"), "PUBLICA bia: livre");
  await prof.send("{bans}");
  assert.match(await prof.expect("OK"), /127\.0\.9\.2 \(eve, mute\)/);
  // {unmute} lifts it for the address.
  await prof.send("{unmute outra}");
  await prof.expect("AVISO outra");
  await eve2.send(":liberada");
  assert.equal(await other.expect("PUBLICA outra"), "PUBLICA outra: liberada");
});

Deno.test("C3 (field test): a mute outlives its user; {unmute name}, {unmute IP} and {unban IP} lift it and say what", async (t) => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  const muteAndLeave = async (nick: string, from: string) => {
    await using m = await join(srv.port, nick, { from });
    await prof.send(`{mute ${nick}}`);
    await prof.expect(`AVISO ${nick}`);
    await m.send("{quit}");
    await prof.expect(`SAIU ${nick}`);
  };
  const joinsFree = async (nick: string, from: string) => {
    await using back = await join(srv.port, nick, { from });
    await back.send(":voltei");
    assert.equal(await prof.expect("PUBLICA"), `PUBLICA ${nick}: voltei`);
    await back.send("{quit}");
    await prof.expect(`SAIU ${nick}`);
  };
  await t.step("{unmute davi}: by the name it was muted under", async () => {
    await muteAndLeave("davi", "127.0.9.20");
    await prof.send("{bans}");
    assert.equal(await prof.expect("OK"), "OK banidos: 127.0.9.20 (davi, mute)");
    await prof.send("{unmute davi}");
    assert.equal(await prof.expect("OK"), "OK liberado: 127.0.9.20 (davi, mute)");
    await prof.send("{unmute davi}");
    assert.equal(await prof.expect("OK"), "OK davi nao estava silenciado; nada mudou");
    await joinsFree("davi", "127.0.9.20");
  });
  await t.step("{unmute IP}: by the address", async () => {
    await muteAndLeave("davi", "127.0.9.21");
    await prof.send("{unmute 127.0.9.21}");
    assert.equal(await prof.expect("OK"), "OK liberado: 127.0.9.21 (davi, mute)");
    await joinsFree("outro", "127.0.9.21");
  });
  await t.step("{unban IP}: everything {bans} lists for it, a mute too", async () => {
    await muteAndLeave("davi", "127.0.9.22");
    await prof.send("{unban 127.0.9.22}");
    assert.equal(await prof.expect("OK"), "OK liberado: 127.0.9.22 (davi, mute)");
    await prof.send("{unban 127.0.9.22}");
    assert.equal(
      await prof.expect("OK"),
      "OK nada a liberar para 127.0.9.22: nenhum ban, kick ou silencio com esse endereco ou apelido; veja {bans}",
    );
    await prof.send("{bans}");
    assert.equal(await prof.expect("OK"), "OK nenhum endereco banido");
    await joinsFree("davi", "127.0.9.22");
  });
  assert.ok(
    srv.logs.some((l) => l.includes("unban 127.0.9.22: 127.0.9.22 (davi, mute)")),
    srv.logs.join("\n"),
  );
});

Deno.test("C3: a kicked student's address stays out for --kick-minutes; {unban} lifts it", async (t) => {
  let now = 5_000_000;
  await using srv = startServer({
    adminToken: TOKEN,
    kickMinutes: 5,
    timers: { ...SYSTEM_TIMERS, now: () => now },
  });
  await using prof = await teacher(srv.port);
  await using eve = await join(srv.port, "eve", { from: "127.0.9.4" });
  await prof.send("{kick eve}");
  await prof.expect("OK");
  await eve.closed();
  await t.step("at once, under another nickname: refused", async () => {
    await using back = await LineClient.connect(srv.port, { from: "127.0.9.4" });
    assert.match(await back.expect("ERRO"), /^ERRO 03 .*removido pelo professor/);
    await back.closed();
  });
  await t.step("{bans} shows the kick with its minutes left", async () => {
    await prof.send("{bans}");
    assert.match(await prof.expect("OK"), /127\.0\.9\.4 \(eve, kick 5 min\)/);
  });
  await t.step("another address joins", async () => {
    await using bia = await join(srv.port, "bia", { from: "127.0.9.5" });
    assert.ok(bia);
  });
  await t.step("after the minutes, the address is let in", async () => {
    now += 5 * 60_000;
    await using back = await join(srv.port, "eve", { from: "127.0.9.4" });
    assert.ok(back);
  });
  await t.step("{unban nickname} lifts a kick before its time", async () => {
    await using zed = await join(srv.port, "zed", { from: "127.0.9.6" });
    await prof.send("{kick zed}");
    await prof.expect("OK");
    await zed.closed();
    await prof.send("{unban zed}");
    await prof.expect("OK");
    await using back = await join(srv.port, "zed", { from: "127.0.9.6" });
    assert.ok(back);
  });
});

Deno.test("C3: a ban keeps the address out under any nickname until {unban}", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  await using eve = await join(srv.port, "eve", { from: "127.0.9.7" });
  await prof.send("{ban eve}");
  await prof.expect("OK");
  await eve.closed();
  await using back = await LineClient.connect(srv.port, { from: "127.0.9.7" });
  await back.closed();
  assert.ok(back.received.some((l) => l.startsWith("ERRO 15 ")), back.received.join("\n"));
  await prof.send("{unban 127.0.9.7}");
  await prof.expect("OK");
  await using again = await join(srv.port, "outra", { from: "127.0.9.7" });
  assert.ok(again);
});

Deno.test("C3: {kick|mute|ban nobody} is ERRO 02; garbage, oversize and non-ASCII arguments crash nothing", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await using prof = await teacher(srv.port);
  for (const cmd of ["kick", "mute", "ban"]) {
    await prof.send(`{${cmd} ninguem}`);
    assert.match(await prof.expect("ERRO"), /^ERRO 02 /, cmd);
  }
  await prof.sendRaw(new TextEncoder().encode("{mute zoé}\n"));
  assert.match(await prof.expect("ERRO"), /^ERRO 02 /);
  await prof.sendRaw(bytes("{kick ", [0xc3], "}\n"));
  assert.match(await prof.expect("ERRO"), /^ERRO 09 /);
  await prof.send(`{ban ${"x".repeat(1000)}}`);
  assert.match(await prof.expect("ERRO"), /^ERRO 0[27] /);
  await prof.send("{bans}");
  assert.match(await prof.expect("OK"), /^OK /);
});
