/**
 * C3: `{lock}` says nobody else joins, so a connection opened before the
 * lock, still at the nickname prompt, is refused when it sends its nickname
 * (ERRO 16, then the server closes), on the in-memory room and on the room
 * over Redis (review item 6). Real sockets.
 */
import assert from "node:assert/strict";
import { SYSTEM_TIMERS } from "../common/time.ts";
import { startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { describeError } from "../wire/server_lines.ts";
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

Deno.test("C3: a kicked address that comes back is told the minutes left (review 9b)", async () => {
  let now = 7_000_000;
  await using srv = startServer({
    adminToken: TOKEN,
    kickMinutes: 5,
    timers: { ...SYSTEM_TIMERS, now: () => now },
  });
  await using prof = await join(srv.port, "prof", { from: "127.0.11.1" });
  await prof.send(`{admin ${TOKEN}}`);
  await prof.expect("OK");
  {
    await using eve = await join(srv.port, "eve", { from: "127.0.11.3" });
    await prof.send("{kick eve}");
    await prof.expect("OK");
    await eve.closed();
  }
  now += 2 * 60_000;
  await using back = await LineClient.connect(srv.port, { from: "127.0.11.3" });
  assert.equal(
    await back.expect("ERRO"),
    "ERRO 03 Cancelamento de conexao forcado: removido pelo professor; minutos para voltar: 3",
  );
  await back.closed();
});

Deno.test("C3: the client says the kicked address's minutes left in English too (review 9b)", () => {
  assert.equal(
    describeError(3, "removido pelo professor; minutos para voltar: 3", "en"),
    "ERRO 03: Connection closed by force (removed by the teacher; minutes before coming back: 3)",
  );
});
