/**
 * The room on Redis when something fails (N3, N5, N6), with a real
 * redis-server: a node killed with -9, Redis stopped and started again, one
 * node cut off from Redis while the others are not, a Redis that stops
 * answering, and start-up without Redis or without the env permission.
 * Skipped, saying why, where redis-server is not installed.
 */
import assert from "node:assert/strict";
import { join, LineClient } from "./line_client.ts";
import {
  freePort,
  hasRedis,
  NodeProcess,
  RedisProxy,
  RedisServer,
  sayIfSkipped,
  startNode,
  until,
} from "./redis_helpers.ts";
import { REDIS_ALLOW_ENV } from "../server/room/redis/env.ts";
import { REDIS_ALLOW_READ } from "../server/start.ts";

sayIfSkipped("tests/redis_failure_test.ts");

/** Lines of a client that start with `prefix`. */
function linesOf(c: LineClient, prefix: string): string[] {
  return c.received.filter((l) => l.startsWith(prefix));
}

Deno.test({
  name: "server.ts --redis: Redis unreachable at start-up is one sentence and exit 1 (N5)",
  ignore: !hasRedis,
  async fn(t) {
    await t.step("nothing listens on the port", async () => {
      const url = `redis://127.0.0.1:${freePort()}`;
      await using node = new NodeProcess(["--port", "0", "--redis", url]);
      const status = await node.finished();
      assert.equal(status.code, 1);
      assert.equal(
        node.output.trim(),
        `Cannot reach Redis at ${url}: connect ECONNREFUSED ${url.slice(8)}`,
      );
    });
    await t.step("something listens but never answers: given up within the deadline", async () => {
      using mute = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const held: Deno.Conn[] = [];
      const accepting = (async () => {
        for await (const c of mute) held.push(c);
      })().catch(() => {});
      const url = `redis://127.0.0.1:${mute.addr.port}`;
      await using node = new NodeProcess(["--port", "0", "--redis", url]);
      const status = await node.finished();
      assert.equal(status.code, 1);
      assert.match(
        node.output.trim(),
        /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: [^\n]+$/,
      );
      for (const c of held) c.close();
      mute.close();
      await accepting;
    });
    await t.step("a URL that is not redis:// is a usage error", async () => {
      await using node = new NodeProcess(["--port", "0", "--redis", "http://x"]);
      assert.equal((await node.finished()).code, 2);
      assert.match(
        node.output,
        /Cannot use Redis URL "http:\/\/x": give redis:\/\/HOST:PORT\[\/DB\]/,
      );
    });
  },
});

Deno.test({
  name: "server.ts --redis without its permissions says which flag to add, never prompts (N6)",
  async fn(t) {
    await t.step("reading the Redis room's modules (issue 19 #1)", async () => {
      await using node = new NodeProcess(
        ["--port", "0", "--redis", "redis://127.0.0.1:1"],
        ["--allow-net", REDIS_ALLOW_ENV, "--no-prompt"],
      );
      assert.equal((await node.finished()).code, 1);
      assert.equal(
        node.output.trim(),
        `Cannot use --redis without ${REDIS_ALLOW_READ}: the Redis room is loaded only when ` +
          "asked for; add that flag (deno task server:redis has it)",
      );
    });
    await t.step("the env names node-redis reads", async () => {
      await using node = new NodeProcess(
        ["--port", "0", "--redis", "redis://127.0.0.1:1"],
        ["--allow-net", REDIS_ALLOW_READ, "--no-prompt"],
      );
      assert.equal((await node.finished()).code, 1);
      assert.equal(
        node.output.trim(),
        "Cannot use --redis without --allow-env=REDIS_DEBUG_MAINTENANCE,REDIS_EMIT_DIAGNOSTICS: " +
          "the Redis library reads REDIS_DEBUG_MAINTENANCE and REDIS_EMIT_DIAGNOSTICS; " +
          "add that flag (deno task server:redis has it)",
      );
    });
  },
});

Deno.test({
  name:
    "RedisRoom: a node killed with -9 has its users announced gone on every other node, once (N3)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    // The subprocess uses the default prefix and lease (5 s); so do the nodes in this process.
    await using a = await startNode(redis.url, { prefix: "papo:", nodeName: "a" });
    await using c = await startNode(redis.url, { prefix: "papo:", nodeName: "c" });
    const b = new NodeProcess(["--port", "0", "--redis", redis.url, "--node-name", "b"]);
    try {
      const bPort = await b.port();
      await using ana = await join(a.port, "ana");
      await using cid = await join(c.port, "cid");
      const bob = await join(bPort, "bob");
      const bea = await join(bPort, "bea");
      await bob.send(":antes");
      await ana.expect("PUBLICA bob: antes");
      await b.kill();
      await bob.close();
      await bea.close();
      for (const cl of [ana, cid]) {
        await cl.waitFor(() => linesOf(cl, "SAIU").length >= 2, "both of b's users gone");
      }
      // A reaper runs on every node every second. Once b's lease, its member set and its
      // users' records are gone from Redis (taken in the reaping script's one step), no
      // reaper can announce them again: checked on Redis's keys, not by waiting.
      const reaped = () => [...a.logs, ...c.logs].filter((l) => l.includes("dead node(s) reaped"));
      await until(() => reaped().length > 0, "a node to log the reaping");
      assert.equal(await redis.call("ZSCORE", "papo:nodes", "b"), "$-1", "b's lease is gone");
      assert.equal(await redis.call("EXISTS", "papo:node:b"), ":0", "b's member set is gone");
      assert.equal(await redis.call("HLEN", "papo:members"), ":2", "only ana and cid are left");
      for (const cl of [ana, cid]) {
        assert.deepEqual(linesOf(cl, "SAIU").sort(), [
          "SAIU bea saiu do chat",
          "SAIU bob saiu do chat",
        ]);
      }
      await ana.send("{users}");
      assert.equal(await ana.expect("USUARIOS"), "USUARIOS 2 online: ana, cid");
      await ana.send("bob:ainda ai?");
      assert.match(await ana.expect("ERRO"), /^ERRO 02 .*: bob$/);
      assert.deepEqual(reaped().map((l) => l.slice(l.indexOf(": ") + 2)), [
        "1 dead node(s) reaped, 2 user(s) announced gone",
      ]);
    } finally {
      await b.kill();
    }
  },
});

Deno.test({
  name:
    "RedisRoom: Redis stopped and started again: the nodes say so, refuse meanwhile, recover (N5)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = "outage:";
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a" });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b" });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await using lia = await LineClient.connect(a.port);
    await lia.expect("APELIDO");
    await redis.stop();
    for (const n of [a, b]) {
      await until(() => n.logs.some((l) => l.startsWith("redis lost")), "redis lost");
    }
    await ana.send(":alguem?");
    assert.equal(
      await ana.expect("ERRO"),
      "ERRO 17 Sala indisponivel: mensagem nao enviada; tente de novo em instantes",
    );
    await ana.send("bob:oi");
    assert.match(await ana.expect("ERRO"), /^ERRO 17 .*mensagem nao enviada/);
    await lia.send("lia");
    assert.equal(
      await lia.expect("ERRO"),
      "ERRO 17 Sala indisponivel: entrada recusada por enquanto; digite seu apelido de novo em instantes",
    );
    await using late = await LineClient.connect(b.port);
    assert.match(await late.expect("ERRO"), /^ERRO 03 .*sala indisponivel; tente de novo$/);
    await redis.restart();
    for (const n of [a, b]) {
      await until(() => n.logs.some((l) => l.startsWith("redis back")), "redis back");
    }
    await lia.send("lia");
    await lia.expect("BEMVINDO");
    assert.equal(await bob.expect("ENTROU"), "ENTROU lia entrou no chat");
    await ana.send(":voltei");
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: voltei");
    assert.equal(await lia.expect("PUBLICA"), "PUBLICA ana: voltei");
    await bob.send("ana:oi de novo");
    assert.equal(await bob.expect("OK"), "OK Mensagem enviada");
    await bob.send("{users}");
    const users = await bob.expect("USUARIOS");
    assert.deepEqual(users.replace("USUARIOS 3 online: ", "").split(", ").sort(), [
      "ana",
      "bob",
      "lia",
    ]);
    assert.equal(linesOf(ana, "SAIU").length + linesOf(bob, "SAIU").length, 0, "nobody left");
  },
});

Deno.test({
  name:
    "RedisRoom: a node cut off past its lease takes its users back, or tells the one whose nickname went (N3, N5)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    await using proxy = new RedisProxy(redis.port);
    const p = "cut:";
    const lease = { leaseMs: 2_000, renewMs: 400 };
    await using a = await startNode(proxy.url, { prefix: p, nodeName: "a", ...lease });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b", ...lease });
    await using ana = await join(a.port, "ana");
    await using bob = await join(a.port, "bob");
    await using cid = await join(b.port, "cid");
    await proxy.cut();
    await until(() => a.logs.some((l) => l.startsWith("redis lost")), "a to say redis is lost");
    await cid.waitFor(() => linesOf(cid, "SAIU").length >= 2, "a's users announced gone");
    await using ana2 = await join(b.port, "ANA");
    proxy.mend();
    assert.equal(
      await ana.expect("ERRO"),
      "ERRO 03 Cancelamento de conexao forcado: seu apelido foi tomado enquanto a sala estava indisponivel",
    );
    await ana.closed();
    assert.equal(await cid.expect("ENTROU bob"), "ENTROU bob entrou no chat");
    // The reclaim announces bob before a is up again: a message sent between would get ERRO 17.
    await until(() => a.logs.some((l) => l.startsWith("redis back")), "a to say redis is back");
    // a's reader reads on from where it was cut: past the reaper's "bob left" (written before
    // the reclaim, answered by it) by the time bob reads ANA's join. That stale entry must not
    // take the room down again for a second reclaim, refusing bob's message meanwhile.
    await bob.expect("ENTROU ANA");
    await bob.send(":voltei");
    assert.equal(await cid.expect("PUBLICA"), "PUBLICA bob: voltei");
    assert.equal(await ana2.expect("PUBLICA"), "PUBLICA bob: voltei");
    await cid.send("{users}");
    assert.equal(await cid.expect("USUARIOS"), "USUARIOS 3 online: cid, ANA, bob");
    assert.ok(a.logs.some((l) => l.includes("ana was taken by another user meanwhile")));
    const backs = a.logs.filter((l) => l.startsWith("redis back"));
    assert.equal(backs.length, 1, `one recovery, not one per stale entry: ${backs.join(" / ")}`);
  },
});

Deno.test({
  name:
    "RedisRoom: a Redis that stops answering delays a session at most its deadline, and never shutdown (N5)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    await using proxy = new RedisProxy(redis.port);
    await using a = await startNode(proxy.url, {
      prefix: "stall:",
      nodeName: "a",
      roomDeadlineMs: 1_500,
      leaseMs: 2_000,
      connectTimeoutMs: 1_000,
    });
    await using ana = await join(a.port, "ana");
    await using bia = await LineClient.connect(a.port);
    await bia.expect("APELIDO");
    proxy.stall();
    await ana.send(":alguem?");
    assert.match(await ana.expect("ERRO"), /^ERRO (03|17) /);
    await until(() => a.logs.some((l) => l.startsWith("redis lost")), "a to say redis is lost");
    await bia.send("bia");
    assert.match(await bia.expect("ERRO"), /^ERRO 17 .*entrada recusada/);
    await a.stop();
    assert.ok(
      a.logs.some((l) => /redis lost \(lease renewal: .*no answer/.test(l)),
      a.logs.join("\n"),
    );
  },
});

Deno.test({
  name:
    "RedisRoom: a node whose Redis stalled past its lease announces its users back, though its late renewal landed first (N3, N5)",
  ignore: !hasRedis,
  async fn() {
    // Field test: Redis stopped (SIGSTOP) for 10 s. The other node's reaper announced this
    // node's users gone; the renewal this node had sent into the stall then ran, putting its
    // lease back, so its reclaim thought the lease had held and took them back without a word:
    // the room was told they left and never that they were there again.
    await using redis = await RedisServer.start();
    await using proxy = new RedisProxy(redis.port);
    const p = "thaw:";
    const lease = { leaseMs: 2_000, renewMs: 400 };
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", ...lease });
    await using b = await startNode(proxy.url, { prefix: p, nodeName: "b", ...lease });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await ana.expect("ENTROU bob");
    proxy.stall();
    await until(() => b.logs.some((l) => l.startsWith("redis lost")), "b to say redis is lost");
    assert.equal(await ana.expect("SAIU"), "SAIU bob saiu do chat");
    // What b sent into the stall (its lease's renewal) reaches Redis now, before b's reclaim.
    proxy.mend();
    await until(() => b.logs.some((l) => l.startsWith("redis back")), "b to say redis is back");
    assert.equal(await ana.expect("ENTROU"), "ENTROU bob entrou no chat");
    await ana.send("{users}");
    assert.equal(await ana.expect("USUARIOS"), "USUARIOS 2 online: ana, bob");
    await bob.send(":voltei");
    assert.equal(await ana.expect("PUBLICA"), "PUBLICA bob: voltei");
  },
});
