/**
 * Issue 23: the plain RESP connection of the batches and the reader
 * (server/room/redis/lane.ts) and its codec (resp.ts). The codec reads a
 * reply cut anywhere; with a real redis-server, commands sent together are
 * answered in order, an error answers its own command only, the URL's
 * database is used, and a connection cut through a proxy is said lost, then
 * back; the reader's read on a stalled connection is found wedged by its one
 * watchdog and made anew, and reads on from where it was; a read held for the rest of its round
 * (P4) is handed on once, in order, when the hold ends or at stop. Skipped, saying why, where
 * redis-server is not installed.
 */
import assert from "node:assert/strict";
import { Lane } from "../server/room/redis/lane.ts";
import type { Entry } from "../server/room/redis/events.ts";
import { StreamReader } from "../server/room/redis/reader.ts";
import { encodeCommand, RedisReplyError, ReplyReader } from "../server/room/redis/resp.ts";
import { hasRedis, RedisProxy, RedisServer, sayIfSkipped, until } from "./redis_helpers.ts";
import { readUntil } from "./wait.ts";

sayIfSkipped("tests/redis_lane_test.ts");

Deno.test("ReplyReader reads every kind of reply, cut at any byte (issue 23)", () => {
  const text = "+OK\r\n-NOSCRIPT No matching script\r\n:42\r\n$-1\r\n*-1\r\n$0\r\n\r\n" +
    "*2\r\n*2\r\n$5\r\n1-0\r\n\r\n*1\r\n$4\r\nolá\r\n$1\r\n\n\r\n";
  const bytes = new TextEncoder().encode(text);
  const want = (got: unknown[]) => {
    assert.equal(got.length, 7);
    assert.equal(got[0], "OK");
    assert.ok(got[1] instanceof RedisReplyError);
    assert.equal((got[1] as Error).message, "NOSCRIPT No matching script");
    assert.deepEqual(got.slice(2), [42, null, null, "", [["1-0\r\n", ["olá"]], "\n"]]);
  };
  want(new ReplyReader().push(bytes));
  for (let cut = 0; cut <= bytes.length; cut++) {
    const reader = new ReplyReader();
    want([...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))]);
  }
  const oneByOne = new ReplyReader();
  want([...bytes].flatMap((b) => oneByOne.push(new Uint8Array([b]))));
});

Deno.test("encodeCommand() counts bytes, not characters (issue 23)", () => {
  assert.equal(
    new TextDecoder().decode(encodeCommand(["SET", "k", "olá"])),
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nolá\r\n",
  );
});

Deno.test({
  name:
    "Lane: commands in flight answered in order, errors their own, the URL's database (issue 23)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const events = { down: () => {}, up: () => {} };
    const lane = await Lane.connect(`${redis.url}/2`, "batches", 3_000, events);
    try {
      const big = "x".repeat(200_000);
      const replies = await Promise.all([
        lane.sendCommand(["SET", "k", big]),
        lane.sendCommand(["INCR", "k"]).catch((e) => e),
        ...Array.from({ length: 100 }, (_, i) => lane.sendCommand(["ECHO", `e${i}`])),
        lane.sendCommand(["GET", "k"]),
      ]);
      assert.equal(replies[0], "OK");
      assert.ok(replies[1] instanceof RedisReplyError, String(replies[1]));
      assert.deepEqual(replies.slice(2, 102), Array.from({ length: 100 }, (_, i) => `e${i}`));
      assert.equal(replies[102], big);
      const other = await Lane.connect(redis.url, "reader", 3_000, events);
      try {
        assert.equal(await other.sendCommand(["EXISTS", "k"]), 0, "database 0 has no k");
      } finally {
        other.destroy();
      }
    } finally {
      lane.destroy();
    }
  },
});

Deno.test({
  name: "Lane: a cut connection fails at once, is said lost, then is made anew (issue 23)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    await using proxy = new RedisProxy(redis.port);
    const said: string[] = [];
    const events = {
      down: (which: string) => said.push(`down ${which}`),
      up: (which: string) => said.push(`up ${which}`),
    };
    const lane = await Lane.connect(proxy.url, "batches", 3_000, events, [["SELECT", "3"]]);
    try {
      assert.equal(await lane.sendCommand(["SET", "k", "1"]), "OK");
      await proxy.cut();
      await until(() => said.includes("down batches"), "the loss said");
      await assert.rejects(lane.sendCommand(["PING"]));
      proxy.mend();
      await until(() => said.includes("up batches"), "the connection back");
      assert.equal(await lane.sendCommand(["GET", "k"]), "1", "its hello commands again");
      assert.deepEqual(said, ["down batches", "up batches"]);
    } finally {
      lane.destroy();
    }
  },
});

Deno.test({
  name: "StreamReader: a read stalled past its block time is dropped and read anew (N5, issue 23)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    await using proxy = new RedisProxy(redis.port);
    const events = { down: () => {}, up: () => {} };
    const writer = await Lane.connect(redis.url, "batches", 3_000, events);
    const got: string[] = [];
    const logs: string[] = [];
    const reader = new StreamReader(await Lane.connect(proxy.url, "reader", 3_000, events), {
      streams: ["s", "i"],
      from: ["0-0", "0-0"],
      reconnect: () => Lane.connect(proxy.url, "reader", 3_000, events),
      handle: (e: readonly Entry[]) => got.push(...e.map(([, f]) => f[1]!)),
      log: (line) => logs.push(line),
      blockMs: 100,
      wedgeMs: 200,
    });
    try {
      await writer.sendCommand(["XADD", "s", "*", "n", "1"]);
      await until(() => got.length === 1, "the first entry");
      proxy.stall();
      await writer.sendCommand(["XADD", "s", "*", "n", "2"]);
      await until(() => logs.some((l) => l.includes("no answer")), "the wedge found");
      proxy.mend();
      await writer.sendCommand(["XADD", "s", "*", "n", "3"]);
      await until(() => got.length === 3, "the entries after");
      assert.deepEqual(got, ["1", "2", "3"], "each once, in order");
    } finally {
      await reader.stop();
      writer.destroy();
    }
  },
});

Deno.test({
  name: "StreamReader: a read held for the rest of its round is handed on once, in order, by " +
    "the hold's end or at stop, no timer left (N1, P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const events = { down: () => {}, up: () => {} };
    const writer = await Lane.connect(redis.url, "batches", 3_000, events);
    const batch = (node: string) => ["t", "P", "b", `ana\noi\n${node}/1\n`];
    try {
      // Node b's batch alone, then node a's a moment later: a's read waits for b's next batch,
      // which never comes. The reader is stopped before, about when, and after the hold ends.
      for (const [k, stopAfterMs] of [undefined, 0, 5].entries()) {
        const stream = `s${k}`;
        const got: string[] = [];
        const logs: string[] = [];
        let stopping: Promise<void> | undefined;
        const reader: StreamReader = new StreamReader(
          await Lane.connect(redis.url, "reader", 3_000, events),
          {
            streams: [stream, `i${k}`],
            from: ["0-0", "0-0"],
            reconnect: () => Lane.connect(redis.url, "reader", 3_000, events),
            handle: (e: readonly Entry[]) => {
              got.push(...e.map(([, f]) => f[3]!.split("\n")[2]!.split("/")[0]!));
              if (got.length === 1 && stopAfterMs !== undefined) {
                setTimeout(() => stopping = reader.stop(), stopAfterMs);
              }
            },
            log: (line) => logs.push(line),
          },
        );
        try {
          await readUntil(blockedReads, (n) => n === 1, (n) => `the reader waiting (${n})`);
          await Promise.all([
            writer.sendCommand(["XADD", stream, "*", ...batch("b")]),
            writer.sendCommand(["XADD", stream, "*", ...batch("a")]),
          ]);
          await until(() => got.length === 2 || stopping !== undefined, "the entries");
          await (stopping ?? Promise.resolve());
          await until(() => got.length === 2, "the held entry, handed on");
          assert.deepEqual(got, ["b", "a"], `each once, in order (stop after ${stopAfterMs} ms)`);
          assert.deepEqual(logs, []);
        } finally {
          await reader.stop();
        }
      }
    } finally {
      writer.destroy();
    }

    /** How many clients wait in a blocking XREAD. */
    async function blockedReads(): Promise<number> {
      const list = String(await writer.sendCommand(["CLIENT", "LIST"]));
      return list.split("\n").filter((l) => / flags=b /.test(l) && / cmd=xread /.test(l)).length;
    }
  },
});
