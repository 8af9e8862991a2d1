/**
 * C3: `{lock}` says nobody else joins, so a connection opened before the
 * lock, still at the nickname prompt, is refused when it sends its nickname
 * (ERRO 16, then the server closes), on the in-memory room and on the room
 * over Redis (review item 6). Real sockets.
 */
import assert from "node:assert/strict";
import { join, LineClient, startServer } from "./helpers.ts";
import { hasRedis, RedisServer, sayIfSkipped, startNode } from "./redis_helpers.ts";

sayIfSkipped("tests/lock_test.ts");

const TOKEN = "giz-azul-longo";

/** Opens a connection, locks the room, then registers on that connection. */
async function lockedBeforeNickname(port: number): Promise<void> {
  const prof = await join(port, "prof", { from: "127.0.11.1" });
  await using _prof = prof;
  await prof.send(`{admin ${TOKEN}}`);
  await prof.expect("OK");
  await using early = await LineClient.connect(port, { from: "127.0.11.2" });
  await early.expect("APELIDO");
  await prof.send("{lock}");
  await prof.expect("AVISO");
  await early.send("tardio");
  assert.match(await early.expect("ERRO"), /^ERRO 16 /);
  await early.closed();
  // Nobody named tardio is online.
  await prof.send("{users}");
  assert.doesNotMatch(await prof.expect("USUARIOS"), /tardio/);
  // After {unlock}, a new connection joins.
  await prof.send("{unlock}");
  await prof.expect("AVISO");
  await using later = await join(port, "tardio", { from: "127.0.11.2" });
  assert.ok(later);
}

Deno.test("C3: a connection opened before {lock} cannot register a nickname after it (memory room)", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  await lockedBeforeNickname(srv.port);
});

Deno.test({
  name: "C3 over Redis: a connection opened before {lock} cannot register a nickname after it",
  ignore: !hasRedis,
  async fn() {
    const redis = await RedisServer.start();
    try {
      const node = await startNode(redis.url, {
        prefix: "lock:",
        adminToken: TOKEN,
        nodeName: "a",
      });
      try {
        await lockedBeforeNickname(node.port);
      } finally {
        await node.stop();
      }
    } finally {
      await redis.stop();
    }
  },
});
