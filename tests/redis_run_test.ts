/**
 * P4: public messages read together from the room's stream go out as one run
 * (server/room/redis/run.ts): the run's bytes are the messages' lines in the
 * stream's order; a sender gets the run without its own lines. With a real
 * redis-server: senders on both nodes writing many lines at once, every
 * receiver on every node sees one same order and nothing twice. Skipped,
 * saying why, where redis-server is not installed.
 */
import assert from "node:assert/strict";
import { join } from "./line_client.ts";
import { hasRedis, RedisServer, sayIfSkipped, startNode } from "./redis_helpers.ts";
import { Run } from "../server/room/redis/run.ts";

sayIfSkipped("tests/redis_run_test.ts");

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

Deno.test("Run: one piece for everyone, one without its own lines for each sender (P4)", () => {
  const run = new Run();
  run.add("a/1", "ana", "um");
  run.add("a/2", "bob", "dois");
  run.add("a/1", "ana", "tres");
  const all = "PUBLICA ana: um\r\nPUBLICA bob: dois\r\nPUBLICA ana: tres\r\n";
  assert.equal(text(run.forMember("b/9")?.bytes), all);
  assert.equal(run.forMember("b/9"), run.forMember("b/8"), "rendered once for everyone");
  assert.equal(text(run.forMember("a/1")?.bytes), "PUBLICA bob: dois\r\n");
  assert.equal(text(run.forMember("a/2")?.bytes), "PUBLICA ana: um\r\nPUBLICA ana: tres\r\n");
  const alone = new Run();
  alone.add("a/1", "ana", "so");
  assert.equal(alone.forMember("a/1"), undefined, "a sender alone in its run gets nothing");
  assert.equal(alone.length, 1);
});

Deno.test({
  name: "RedisRoom: runs of public messages from both nodes: one order everywhere, none twice (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = "run:";
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await using eva = await join(a.port, "eva");
    await using ivo = await join(b.port, "ivo");
    const n = 150;
    const lines = (who: string) => Array.from({ length: n }, (_, i) => `:${who}${i}`).join("\n");
    await Promise.all([ana.send(lines("a")), bob.send(lines("b"))]);
    const publics = (c: typeof ana) => c.received.filter((l) => l.startsWith("PUBLICA"));
    for (const c of [eva, ivo]) {
      await c.waitFor(() => publics(c).length >= 2 * n, "every public message");
    }
    await ana.waitFor(() => publics(ana).length >= n, "bob's messages");
    await bob.waitFor(() => publics(bob).length >= n, "ana's messages");
    const order = publics(eva);
    assert.deepEqual(publics(ivo), order, "the same order on both nodes");
    assert.equal(new Set(order).size, 2 * n, "none twice");
    for (const [who, nick] of [["a", "ana"], ["b", "bob"]]) {
      const mine = order.filter((l) => l.startsWith(`PUBLICA ${nick}:`));
      assert.deepEqual(mine, Array.from({ length: n }, (_, i) => `PUBLICA ${nick}: ${who}${i}`));
    }
    assert.deepEqual(publics(ana), order.filter((l) => !l.startsWith("PUBLICA ana:")));
    assert.deepEqual(publics(bob), order.filter((l) => !l.startsWith("PUBLICA bob:")));
  },
});
