/**
 * One sender's order on the Redis engine (P4, N1): public and private
 * messages sent in one write reach their readers in the order they were
 * sent, the target on the sender's node or on another, and everyone else
 * sees the public ones in that order too. The conformance kit's papo level
 * passes against a Redis node (its S1.pipe found the bug). Real
 * redis-server, real nodes over TCP; skipped, saying why, without redis-server.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CHECKS, runConformance, type ServerReport } from "../conformance/run.ts";
import { join, type LineClient } from "./line_client.ts";
import { hasRedis, RedisServer, sayIfSkipped, startNode } from "./redis_helpers.ts";

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

/** `:t1`, `bob:t2`, `:t3`, `bob:t4`, `:t5` in one write; bob and two watchers see them in order. */
async function mixedInOneWrite(bobOnSenderNode: boolean): Promise<void> {
  await using redis = await RedisServer.start();
  const p = prefix();
  await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
  await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
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
