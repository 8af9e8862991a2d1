/**
 * One sender's order on the Redis engine (P4, N1): public and private
 * messages sent in one write reach their readers in the order they were
 * sent, the target on the sender's node or on another, and everyone else
 * sees the public ones in that order too. The conformance kit's papo level
 * passes against a Redis node (its S1.pipe found the bug). Every entry of
 * the room's streams has its id from one clock, and the reader hands no
 * stream on past the other's unread entries; a private message to a member
 * of the sender's node that is gone by the read is told back. Real
 * redis-server, real nodes over TCP; skipped, saying why, without redis-server.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CHECKS, runConformance, type ServerReport } from "../conformance/run.ts";
import { notAfter } from "../server/room/redis/events.ts";
import { Lane } from "../server/room/redis/lane.ts";
import { RedisRoom } from "../server/room/redis/redis_room.ts";
import { StreamReader } from "../server/room/redis/reader.ts";
import { join, type LineClient } from "./line_client.ts";
import { enter } from "./room_members.ts";
import { hasRedis, RedisServer, sayIfSkipped, startNode, until } from "./redis_helpers.ts";

sayIfSkipped("tests/redis_order_test.ts");

let rooms = 0;
/** A key prefix of its own for each test's room. */
function prefix(): string {
  return `o${++rooms}:`;
}

/** The lines of `c` that are messages (public or private), in the order they came. */
function messages(c: LineClient): string[] {
  return c.received.filter((l) => l.startsWith("PUBLICA ") || l.startsWith("PRIVADA "));
}

/**
 * `:t1`, `bob:t2`, `:t3`, `bob:t4`, `:t5` in one write, three times; bob
 * and a watcher on each node see them in order.
 * @param bobOnSenderNode Whether bob is on ana's node.
 * @param ahead Something done to the room's Redis before the users join.
 */
async function mixedInOneWrite(
  bobOnSenderNode: boolean,
  ahead?: (redis: RedisServer, prefix: string) => Promise<void>,
): Promise<void> {
  await using redis = await RedisServer.start();
  const p = prefix();
  await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
  await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
  await ahead?.(redis, p);
  await using ana = await join(a.port, "ana");
  await using bob = await join(bobOnSenderNode ? a.port : b.port, "bob");
  await using wa = await join(a.port, "wa");
  await using wb = await join(b.port, "wb");
  for (let round = 0; round < 3; round++) {
    const t = (i: number) => `r${round}t${i}`;
    const mark = [bob, wa, wb].map((c) => messages(c).length);
    await ana.send([`:${t(1)}`, `bob:${t(2)}`, `:${t(3)}`, `bob:${t(4)}`, `:${t(5)}`].join("\n"));
    const want = [
      `PUBLICA ana: ${t(1)}`,
      `PRIVADA Mensagem recebida de: ana: ${t(2)}`,
      `PUBLICA ana: ${t(3)}`,
      `PRIVADA Mensagem recebida de: ana: ${t(4)}`,
      `PUBLICA ana: ${t(5)}`,
    ];
    const publics = want.filter((l) => l.startsWith("PUBLICA "));
    const readers: [string, LineClient, string[]][] = [
      ["bob", bob, want],
      ["wa (node a)", wa, publics],
      ["wb (node b)", wb, publics],
    ];
    for (const [i, [name, c, expected]] of readers.entries()) {
      const from = mark[i]!;
      await c.waitFor(() => messages(c).length >= from + expected.length, `${name}'s messages`);
      assert.deepEqual(messages(c).slice(from), expected, `round ${round}: ${name}`);
    }
  }
}

Deno.test({
  name:
    "Redis order: one write's public and private messages reach a target on the sender's node in order (P4, N1)",
  ignore: !hasRedis,
  fn: () => mixedInOneWrite(true),
});

Deno.test({
  name:
    "Redis order: one write's public and private messages reach a target on another node in order (P4, N1)",
  ignore: !hasRedis,
  fn: () => mixedInOneWrite(false),
});

Deno.test({
  name: "Redis order: a stream holding a later id than the room's clock (entries from before " +
    "it) takes the next ones without an error, in order (P4)",
  ignore: !hasRedis,
  fn: () =>
    mixedInOneWrite(false, async (redis, p) => {
      // As Redis's own ids (`*`) left by a version before the clock, one minute ahead of it.
      const later = `${Date.now() + 60_000}-5`;
      await redis.call("XADD", `${p}events`, later, "t", "?");
    }),
});

Deno.test({
  name: "Redis order: every entry of the room stream and the inboxes has its own id from one " +
    "clock, the last of which the clock holds (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = prefix();
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await using cid = await join(a.port, "cid");
    await ana.send(":1\nbob:2\ncid:3\n:4\ncid:5\nbob:6");
    await bob.waitFor(() => messages(bob).length === 4, "bob's four");
    await cid.waitFor(() => messages(cid).length === 4, "cid's four");
    const ids: string[] = [];
    for (const key of [`${p}events`, `${p}inbox:${a.room.node}`, `${p}inbox:${b.room.node}`]) {
      ids.push(...(await redis.call("XRANGE", key, "-", "+")).match(/\d{13,}-\d+/g) ?? []);
    }
    ids.sort((x, y) => notAfter(x, y) ? (x === y ? 0 : -1) : 1);
    // Three joins, two public entries, and bob's and cid's private ones: two inbox entries each
    // (more should the node read ana's lines in two pieces).
    assert.ok(ids.length >= 9, ids.join(" "));
    assert.equal(new Set(ids).size, ids.length, `an id given twice: ${ids.join(" ")}`);
    assert.equal(await redis.call("GET", `${p}clock`), `$${ids.at(-1)!.length}\r\n${ids.at(-1)}`);
  },
});

Deno.test({
  name: "StreamReader: a read that fills one stream's count hands on none of the other's " +
    "entries past it; every entry comes once, in the ids' order (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const events = { down: () => {}, up: () => {} };
    const writer = await Lane.connect(redis.url, "batches", 3_000, events);
    for (const id of ["1-0", "2-0", "3-0", "4-0", "5-0"]) {
      await writer.sendCommand(["XADD", "s", id, "n", id]);
    }
    for (const id of ["2-1", "4-1"]) await writer.sendCommand(["XADD", "i", id, "n", id]);
    const got: string[] = [];
    const reader = new StreamReader(await Lane.connect(redis.url, "reader", 3_000, events), {
      streams: ["s", "i"],
      from: ["0-0", "0-0"],
      reconnect: () => Lane.connect(redis.url, "reader", 3_000, events),
      // As the router merges one read's two streams (router.ts, handle).
      handle: (e, i) => {
        let next = 0;
        for (const [id] of e) {
          while (next < i.length && notAfter(i[next]![0], id)) got.push(i[next++]![0]);
          got.push(id);
        }
        while (next < i.length) got.push(i[next++]![0]);
      },
      log: () => {},
      count: 2,
      blockMs: 100,
    });
    try {
      await until(() => got.length === 7, "every entry");
      assert.deepEqual(got, ["1-0", "2-0", "2-1", "3-0", "4-0", "4-1", "5-0"]);
    } finally {
      await reader.stop();
      writer.destroy();
    }
  },
});

Deno.test({
  name: "Redis order: a private message to a member of the sender's node gone by the time the " +
    "node reads it: OK, then ERRO 02, never silence (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const a = await RedisRoom.connect({
      url: redis.url,
      prefix: prefix(),
      history: 0,
      log: () => {},
      nodeName: "a",
    });
    try {
      const ana = await enter(a, "ana");
      const bob = await enter(a, "bob");
      bob.accepting = false; // bob's connection is being dropped: nothing reaches him
      assert.equal(await a.whisper(ana, "bob", "oi"), "sent", "in a's inbox: OK");
      assert.match(await ana.expect("ERRO"), /^ERRO 02 .*: bob$/);
    } finally {
      await a.close();
    }
  },
});

/** Why a report is not what a test expects: the failures with what was expected and seen. */
function explain(report: ServerReport): string {
  return report.results.filter((r) => r.status !== "ok")
    .map((r) => `${r.id} ${r.status}: ${r.expected ?? r.reason}\n  ${(r.seen ?? []).join("\n  ")}`)
    .join("\n");
}

Deno.test({
  name: "Redis order: the conformance kit's papo level passes against a Redis node (P4, C7)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    await using a = await startNode(redis.url, { prefix: prefix(), nodeName: "a" });
    const target = { label: `127.0.0.1:${a.port}`, host: "127.0.0.1", port: a.port };
    const timing = { timeoutMs: 4000, waitMs: 1000, quietMs: 120 };
    const [report] = await runConformance([target], { level: "papo", timing });
    const ok = report!.results.filter((r) => r.status === "ok").length;
    assert.equal(ok, CHECKS.papo.length, explain(report!));
  },
});
