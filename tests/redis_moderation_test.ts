/**
 * C3, moderation that sticks (issue 18 item 5), on the room over Redis: two
 * nodes on one real redis-server, clients over real TCP from addresses of
 * 127.0.0.0/8. A student muted on node a who comes back on node b under
 * another nickname from the same address is still muted; a kicked address
 * is refused on every node until the minutes pass (the test's clock) or
 * `{unban}`. The same cases without TCP, for both engines, are in
 * `room_contract.ts`; on the memory room over TCP, in `moderation_test.ts`.
 */
import assert from "node:assert/strict";
import { SYSTEM_TIMERS } from "../common/time.ts";
import { bytes } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import {
  hasRedis,
  type NodeOptions,
  RedisServer,
  sayIfSkipped,
  startNode,
  type TestNode,
} from "./redis_helpers.ts";

sayIfSkipped("tests/redis_moderation_test.ts");

const TOKEN = "giz-azul-longo";

let rooms = 0;

/** Two nodes of one room on a test's Redis, closed by `await using`. */
async function twoNodes(
  options: Partial<NodeOptions> = {},
): Promise<{ a: TestNode; b: TestNode } & AsyncDisposable> {
  const redis = await RedisServer.start();
  const o = { ...options, prefix: `m${++rooms}:`, adminToken: TOKEN };
  const a = await startNode(redis.url, { ...o, nodeName: "a" });
  const b = await startNode(redis.url, { ...o, nodeName: "b" });
  return {
    a,
    b,
    async [Symbol.asyncDispose]() {
      await a.stop();
      await b.stop();
      await redis.stop();
    },
  };
}

async function teacher(port: number): Promise<LineClient> {
  const prof = await join(port, "prof", { from: "127.0.10.1" });
  await prof.send(`{admin ${TOKEN}}`);
  await prof.expect("OK");
  return prof;
}

Deno.test({
  name:
    "C3 over Redis: muted on node a, still muted on node b under another nickname until {unmute}",
  ignore: !hasRedis,
  async fn() {
    await using nodes = await twoNodes();
    const { a, b } = nodes;
    await using prof = await teacher(a.port);
    await using bia = await join(b.port, "bia", { from: "127.0.10.3" });
    {
      await using eve = await join(a.port, "eve", { from: "127.0.10.2" });
      await prof.send("{mute eve}");
      await prof.expect("AVISO eve");
      await eve.send(":oi");
      assert.match(await eve.expect("ERRO"), /^ERRO 14 /);
    } // gone abruptly (closed without {quit})
    await prof.expect("SAIU eve");
    await using eve2 = await join(b.port, "outra", { from: "127.0.10.2" });
    await eve2.send(":agora falo");
    assert.match(await eve2.expect("ERRO"), /^ERRO 14 /);
    // A private message to the teacher, on the other node, still goes through.
    await eve2.send("prof:posso falar?");
    assert.equal(await prof.expect("PRIVADA"), "PRIVADA Mensagem recebida de: outra: posso falar?");
    // Another address, on the same node, speaks freely.
    await bia.send(":livre");
    assert.equal(await prof.expect("PUBLICA"), "PUBLICA bia: livre");
    await prof.send("{bans}");
    assert.match(await prof.expect("OK"), /127\.0\.10\.2 \(eve, mute\)/);
    // {unmute}, typed on node a, lifts it for the address on node b.
    await prof.send("{unmute outra}");
    await prof.expect("AVISO outra");
    await eve2.send(":liberada");
    assert.equal(await bia.expect("PUBLICA outra"), "PUBLICA outra: liberada");
    await prof.send("{bans}");
    assert.doesNotMatch(await prof.expect("OK"), /127\.0\.10\.2/);
  },
});

Deno.test({
  name:
    "C3 over Redis (field test): a mute outlives its user; {unmute name} on node a, {unban IP} on node b lift it",
  ignore: !hasRedis,
  async fn() {
    await using nodes = await twoNodes();
    const { a, b } = nodes;
    await using prof = await teacher(a.port);
    await using tia = await join(b.port, "tia", { from: "127.0.10.9" });
    await tia.send(`{admin ${TOKEN}}`);
    await tia.expect("OK");
    for (const [lift, there] of [["{unmute DAVI}", prof], ["{unban 127.0.10.20}", tia]] as const) {
      {
        await using davi = await join(b.port, "davi", { from: "127.0.10.20" });
        await prof.send("{mute davi}");
        await prof.expect("AVISO davi");
        await davi.send("{quit}");
        await prof.expect("SAIU davi");
      }
      // One already online at the address, under another name, is muted by it, until the lift.
      await using outra = await join(b.port, "outra", { from: "127.0.10.20" });
      await outra.send(":oi");
      assert.match(await outra.expect("ERRO"), /^ERRO 14 /);
      await there.send(lift);
      assert.equal(await there.expect("OK"), "OK liberado: 127.0.10.20 (davi, mute)", lift);
      assert.equal(await outra.expect("AVISO outra"), "AVISO outra pode falar de novo");
      await outra.send(":liberada");
      assert.equal(await prof.expect("PUBLICA"), "PUBLICA outra: liberada");
      await prof.send("{bans}");
      assert.equal(await prof.expect("OK"), "OK nenhum endereco banido");
      await outra.send("{quit}");
      await prof.expect("SAIU outra");
    }
  },
});

Deno.test({
  name:
    "C3 over Redis: a kicked address is refused on every node for --kick-minutes; {unban} lifts it",
  ignore: !hasRedis,
  async fn(t) {
    let now = 5_000_000;
    await using nodes = await twoNodes({
      kickMinutes: 5,
      timers: { ...SYSTEM_TIMERS, now: () => now },
    });
    const { a, b } = nodes;
    await using prof = await teacher(a.port);
    await using eve = await join(b.port, "eve", { from: "127.0.10.4" });
    await prof.send("{kick eve}");
    await prof.expect("OK");
    await eve.closed();
    await t.step("at once, on either node, under another nickname: refused", async () => {
      for (const node of [a, b]) {
        await using back = await LineClient.connect(node.port, { from: "127.0.10.4" });
        assert.match(await back.expect("ERRO"), /^ERRO 03 .*removido pelo professor/);
        await back.closed();
      }
    });
    await t.step("{bans} on either node shows the kick with its minutes left", async () => {
      await prof.send("{bans}");
      assert.match(await prof.expect("OK"), /127\.0\.10\.4 \(eve, kick 5 min\)/);
      await using prof2 = await join(b.port, "prof2", { from: "127.0.10.1" });
      await prof2.send(`{admin ${TOKEN}}`);
      await prof2.expect("OK");
      now += 2 * 60_000;
      await prof2.send("{bans}");
      assert.match(await prof2.expect("OK"), /127\.0\.10\.4 \(eve, kick 3 min\)/);
    });
    await t.step("another address joins", async () => {
      await using bia = await join(b.port, "bia", { from: "127.0.10.5" });
      assert.ok(bia);
    });
    await t.step("after the minutes, the address is let in on every node", async () => {
      now += 3 * 60_000;
      await using back = await join(b.port, "eve", { from: "127.0.10.4" });
      await using again = await join(a.port, "eva", { from: "127.0.10.4" });
      assert.ok(back && again);
    });
    await t.step(
      "{unban nickname} on one node lifts a kick before its time on the other",
      async () => {
        await using zed = await join(b.port, "zed", { from: "127.0.10.6" });
        await prof.send("{kick zed}");
        await prof.expect("OK");
        await zed.closed();
        await prof.send("{unban zed}");
        await prof.expect("OK");
        await using back = await join(b.port, "zed", { from: "127.0.10.6" });
        assert.ok(back);
      },
    );
  },
});

Deno.test({
  name: "C3 over Redis: a ban holds on every node until {unban}; {kick|mute|ban nobody} is ERRO 02",
  ignore: !hasRedis,
  async fn() {
    await using nodes = await twoNodes();
    const { a, b } = nodes;
    await using prof = await teacher(a.port);
    for (const cmd of ["kick", "mute", "ban"]) {
      await prof.send(`{${cmd} ninguem}`);
      assert.match(await prof.expect("ERRO"), /^ERRO 02 /, cmd);
    }
    // {unmute} of nobody online looks for a muted address under that name (field test).
    await prof.send("{unmute ninguem}");
    assert.equal(await prof.expect("OK"), "OK ninguem nao estava silenciado; nada mudou");
    // Garbage, oversize and non-ASCII arguments reach the scripts harmlessly, or not at all.
    await prof.sendRaw(new TextEncoder().encode("{mute zoé}\n"));
    assert.match(await prof.expect("ERRO"), /^ERRO 02 /);
    await prof.sendRaw(bytes("{kick ", [0xc3], "}\n"));
    assert.match(await prof.expect("ERRO"), /^ERRO 09 /);
    await prof.send(`{ban ${"x".repeat(1000)}}`);
    assert.match(await prof.expect("ERRO"), /^ERRO 0[27] /);
    for (const arg of ["zoé|1|x", "');redis.call('FLUSHALL')--", "1|2|3"]) {
      await prof.sendRaw(new TextEncoder().encode(`{unban ${arg}}\n`));
      assert.match(await prof.expect("OK"), /^OK /, arg);
    }
    await using eve = await join(b.port, "eve", { from: "127.0.10.7" });
    await prof.send("{ban eve}");
    await prof.expect("OK");
    await eve.closed();
    for (const node of [a, b]) {
      await using back = await LineClient.connect(node.port, { from: "127.0.10.7" });
      await back.closed();
      assert.ok(back.received.some((l) => l.startsWith("ERRO 15 ")), back.received.join("\n"));
    }
    await prof.send("{unban 127.0.10.7}");
    await prof.expect("OK");
    await using again = await join(b.port, "outra", { from: "127.0.10.7" });
    assert.ok(again);
  },
});
