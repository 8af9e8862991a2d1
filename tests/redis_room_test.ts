/**
 * The room on Redis with a real redis-server (N1, N2, N4): the Room contract
 * (`room_contract.ts`) with two nodes on one Redis, then whole nodes over
 * TCP: users on different nodes chat, three nodes show the same order, two
 * nodes racing for one nickname admit one. Skipped, saying why, where
 * redis-server is not installed.
 */
import assert from "node:assert/strict";
import { RedisRoom } from "../server/room/redis/redis_room.ts";
import { join, LineClient } from "./line_client.ts";
import { hasRedis, RedisServer, sayIfSkipped, startNode } from "./redis_helpers.ts";
import { roomContract } from "./room_contract.ts";

sayIfSkipped("tests/redis_room_test.ts");

let rooms = 0;
/** A key prefix of its own for each test's room. */
function prefix(): string {
  return `t${++rooms}:`;
}

roomContract({
  name: "RedisRoom",
  ...(hasRedis ? {} : { skip: "redis-server is not installed" }),
  async open(history, timers) {
    const redis = await RedisServer.start();
    const o = {
      url: redis.url,
      prefix: prefix(),
      history,
      log: () => {},
      ...(timers && { timers }),
    };
    const a = await RedisRoom.connect({ ...o, nodeName: "a" });
    const b = await RedisRoom.connect({ ...o, nodeName: "b" });
    return {
      rooms: [a, b],
      async [Symbol.asyncDispose]() {
        await a.close();
        await b.close();
        await redis.stop();
      },
    };
  },
});

Deno.test({
  name: "RedisRoom: users on two nodes chat publicly and privately (N1, S12)",
  ignore: !hasRedis,
  async fn(t) {
    await using redis = await RedisServer.start();
    const p = prefix();
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a" });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b" });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await using cid = await join(a.port, "cid");
    await t.step("a join on one node is announced on the other", async () => {
      assert.equal(await ana.expect("ENTROU"), "ENTROU bob entrou no chat");
      assert.equal(await bob.expect("ENTROU"), "ENTROU cid entrou no chat");
    });
    await t.step("a public message reaches both nodes, not its sender", async () => {
      await bob.send(":oi de b");
      assert.equal(await ana.expect("PUBLICA"), "PUBLICA bob: oi de b");
      assert.equal(await cid.expect("PUBLICA"), "PUBLICA bob: oi de b");
      await ana.send(":oi de a");
      assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: oi de a");
      assert.equal(await cid.expect("PUBLICA"), "PUBLICA ana: oi de a");
      assert.deepEqual(ana.rest().filter((l) => l.startsWith("PUBLICA ana")), []);
    });
    await t.step("a private message to a user on the other node, any case", async () => {
      await ana.send("BOB:segredo: sim");
      assert.equal(await ana.expect("OK"), "OK Mensagem enviada");
      assert.equal(await bob.expect("PRIVADA"), "PRIVADA Mensagem recebida de: ana: segredo: sim");
    });
    await t.step("a private message to a user on the same node", async () => {
      await cid.send("ana:perto");
      assert.equal(await cid.expect("OK"), "OK Mensagem enviada");
      assert.equal(await ana.expect("PRIVADA"), "PRIVADA Mensagem recebida de: cid: perto");
    });
    await t.step("nobody of that name on any node: ERRO 02", async () => {
      await bob.send("zed:oi");
      assert.equal(await bob.expect("ERRO"), "ERRO 02 Destino da mensagem privada nao existe: zed");
    });
    await t.step("{users} and the entry list count every node, in join order (X1)", async () => {
      await cid.send("{users}");
      assert.equal(await cid.expect("USUARIOS"), "USUARIOS 3 online: ana, bob, cid");
      await using dan = await LineClient.connect(b.port);
      await dan.expect("APELIDO");
      await dan.send("dan");
      await dan.expect("BEMVINDO");
      assert.equal(await dan.expect("USUARIOS"), "USUARIOS 4 online: ana, bob, cid, dan");
      await dan.send("{quit}");
      await dan.expect("TCHAU");
      assert.equal(await ana.expect("SAIU"), "SAIU dan saiu do chat");
    });
    await t.step("a user who leaves one node is gone from the other", async () => {
      await bob.send("{quit}");
      await bob.expect("TCHAU");
      assert.equal(await ana.expect("SAIU"), "SAIU bob saiu do chat");
      await ana.send("bob:ainda?");
      assert.match(await ana.expect("ERRO"), /^ERRO 02 .*: bob$/);
    });
  },
});

Deno.test({
  name:
    "RedisRoom: professor:texto reaches the teachers on every node and the sender's console (C2, issue 19.2)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = prefix();
    await using a = await startNode(redis.url, {
      prefix: p,
      nodeName: "a",
      adminToken: "s3nha-longa",
    });
    await using b = await startNode(redis.url, {
      prefix: p,
      nodeName: "b",
      adminToken: "s3nha-longa",
    });
    await using prof = await join(a.port, "prof");
    await prof.send("{admin s3nha-longa}");
    await prof.expect("OK");
    await using bob = await join(b.port, "bob");
    await prof.send("{mute bob}");
    await bob.expect("AVISO");
    await bob.send("professor:posso ir ao banheiro?");
    assert.equal(await bob.expect("OK"), "OK Mensagem enviada");
    assert.equal(
      await prof.expect("PRIVADA"),
      "PRIVADA Mensagem recebida de: bob: posso ir ao banheiro?",
    );
    assert.ok(b.logs.includes("bob -> professor: posso ir ao banheiro?"), b.logs.join("\n"));
    await prof.send("{quit}");
    await prof.expect("TCHAU");
    await bob.expect("SAIU");
    await bob.send("TEACHER:ainda ai?");
    assert.equal(await bob.expect("OK"), "OK Mensagem enviada", "the console still gets it");
    assert.ok(b.logs.includes("bob -> professor: ainda ai?"), b.logs.join("\n"));
  },
});

Deno.test({
  name: "RedisRoom: three nodes show public messages in the same order (N1)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = prefix();
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
    await using c = await startNode(redis.url, { prefix: p, nodeName: "c", floodBurst: 0 });
    const nodes = [a, b, c];
    const watchers = await Promise.all(nodes.map((n, i) => join(n.port, `w${i}`)));
    const senders = await Promise.all(nodes.map((n, i) => join(n.port, `s${i}`)));
    const each = 30;
    // Every sender writes all its lines at once, so the nodes' messages interleave in Redis.
    await Promise.all(
      senders.map((s, i) =>
        s.send(Array.from({ length: each }, (_, k) => `:m${i}-${k}`).join("\n"))
      ),
    );
    const total = each * senders.length;
    const seen = (w: LineClient) => w.received.filter((l) => l.startsWith("PUBLICA "));
    for (const w of watchers) await w.waitFor(() => seen(w).length >= total, `${total} messages`);
    const orders = watchers.map(seen);
    assert.equal(orders[0]!.length, total);
    assert.deepEqual(orders[1], orders[0], "node b shows another order than node a");
    assert.deepEqual(orders[2], orders[0], "node c shows another order than node a");
    for (let i = 0; i < senders.length; i++) {
      const own = orders[0]!.filter((l) => l.startsWith(`PUBLICA s${i}:`));
      assert.deepEqual(own, Array.from({ length: each }, (_, k) => `PUBLICA s${i}: m${i}-${k}`));
    }
    for (const cl of [...watchers, ...senders]) await cl.close();
  },
});

Deno.test({
  name: "RedisRoom: one nickname namespace over every node (N2)",
  ignore: !hasRedis,
  async fn(t) {
    await using redis = await RedisServer.start();
    const p = prefix();
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a" });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b" });
    await t.step("a nickname held on one node is refused on the other, in any case", async () => {
      await using ana = await join(a.port, "Ana");
      for (const nick of ["ana", "ANA", "aNa"]) {
        await using other = await LineClient.connect(b.port);
        await other.expect("APELIDO");
        await other.send(nick);
        assert.equal(await other.expect("ERRO"), `ERRO 01 Esse apelido ja esta em uso: ${nick}`);
      }
      await ana.send("{quit}");
      await ana.expect("TCHAU");
    });
    await t.step("two nodes racing for one nickname admit one", async () => {
      for (let round = 0; round < 8; round++) {
        const nick = `race${round}`;
        const clients = await Promise.all([a, b, a, b].map((n) => LineClient.connect(n.port)));
        await Promise.all(clients.map((c) => c.expect("APELIDO")));
        await Promise.all(clients.map((c, i) => c.send(i % 2 ? nick.toUpperCase() : nick)));
        const firsts: string[] = [];
        for (const c of clients) {
          await c.waitFor(
            () => c.received.some((l) => l.startsWith("BEMVINDO") || l.startsWith("ERRO")),
            "an answer to the nickname",
          );
          firsts.push(c.received.find((l) => l.startsWith("BEMVINDO") || l.startsWith("ERRO"))!);
        }
        assert.equal(firsts.filter((l) => l.startsWith("BEMVINDO")).length, 1, firsts.join(" | "));
        assert.equal(firsts.filter((l) => l.startsWith("ERRO 01")).length, 3, firsts.join(" | "));
        for (const c of clients) await c.close();
      }
    });
  },
});

Deno.test({
  name: "RedisRoom: the history reads its items, and an item an earlier version wrote as JSON (C4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = prefix();
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", history: 5 });
    await using ana = await join(a.port, "ana");
    await using cid = await join(a.port, "cid");
    await ana.send(":novo: com dois pontos");
    await cid.expect("PUBLICA ana: novo: com dois pontos");
    const old = JSON.stringify({ at: Date.UTC(2026, 0, 1, 9, 5), from: "eva", text: "antigo" });
    const pushed = await new Deno.Command("redis-cli", {
      args: ["-p", String(redis.port), "LPUSH", `${p}history`, old],
      stdout: "null",
    }).output();
    assert.equal(pushed.code, 0, "redis-cli LPUSH");
    await using bob = await join(a.port, "bob");
    const history = [await bob.expect("HISTORICO"), await bob.expect("HISTORICO")];
    assert.match(history[0]!, /^HISTORICO \d\d:05 eva: antigo$/);
    assert.match(history[1]!, /^HISTORICO \d\d:\d\d ana: novo: com dois pontos$/);
  },
});
