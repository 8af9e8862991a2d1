/**
 * A thousand clients at once over real TCP on 127.0.0.1, port 0 (L5, S13):
 * joins, messages and departures all delivered, and a shutdown that tells
 * every reader and ends. Every loop is bounded; nothing asserts on time.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join } from "./line_client.ts";
import { until } from "./wait.ts";
import { inBatches, linesStarting, silentClient } from "./load_helpers.ts";

const ERR_SHUTDOWN = "ERRO 03 Cancelamento de conexao forcado: servidor encerrado";

Deno.test("ChatServer serves 1000 clients at once: joins, messages and departures all delivered (L5)", async () => {
  const total = 1000;
  // Many clients from one address at once: the per-address cap (issue 15) is off here, and
  // so are the summaries of a large room (P1, crowd_test.ts): every join is a line of its own.
  await using srv = startServer({ floodBurst: 0, maxPendingPerIp: 0, crowd: 0 });
  await using observer = await join(srv.port, "observer");
  const nicks = Array.from({ length: total }, (_, i) => `c${i}`);
  const clients = await inBatches(
    nicks,
    100,
    (nick) => join(srv.port, nick, { keepRaw: false, readSize: 4096 }),
  );
  try {
    assert.equal(srv.server.nicks().length, total + 1);
    // every join is announced to everyone already in
    await observer.waitFor(
      () => linesStarting(observer, "ENTROU").length === total,
      "every ENTROU",
    );
    assert.deepEqual(
      linesStarting(observer, "ENTROU").map((l) => l.split(" ")[1]).sort(),
      [...nicks].sort(),
    );
    for (const [i, c] of clients.entries()) {
      const entry = c.received.find((l) => l.startsWith("USUARIOS"))!;
      const before = Number(/^USUARIOS (\d+) /.exec(entry)![1]);
      const want = total + 1 - before;
      await c.waitFor(
        () => linesStarting(c, "ENTROU").length >= want,
        `${want} ENTROU for ${nicks[i]}`,
      );
      const seen = linesStarting(c, "ENTROU").map((l) => l.split(" ")[1]!);
      assert.equal(seen.length, want, nicks[i]);
      assert.equal(new Set(seen).size, want, `a join announced twice to ${nicks[i]}`);
      assert.ok(!seen.includes(nicks[i]!));
    }

    // 20 senders, 5 messages each: everyone else gets each exactly once, in order per sender
    const senders = clients.slice(0, total).filter((_, i) => i % 50 === 7);
    assert.equal(senders.length, 20);
    await Promise.all(senders.map(async (s, k) => {
      for (let m = 0; m < 5; m++) await s.send(`:msg ${k} ${m}`);
    }));
    const everyone = [observer, ...clients];
    await inBatches(everyone, 100, async (c) => {
      const want = senders.includes(c) ? 95 : 100;
      await c.waitFor(() => linesStarting(c, "PUBLICA").length >= want, "100 public messages");
      const got = linesStarting(c, "PUBLICA");
      assert.equal(got.length, want);
      const bySender = new Map<string, number[]>();
      for (const line of got) {
        const m = /^PUBLICA (c\d+): msg (\d+) (\d)$/.exec(line);
        assert.ok(m, line);
        assert.equal(nicks[clients.indexOf(senders[Number(m[2])]!)], m[1]);
        bySender.set(m[1]!, [...bySender.get(m[1]!) ?? [], Number(m[3])]);
      }
      for (const seq of bySender.values()) assert.deepEqual(seq, [0, 1, 2, 3, 4]);
    });

    // everyone leaves; the observer sees each departure once
    await inBatches(clients, 100, async (c) => {
      await c.send("quit");
      await c.expect("TCHAU");
      await c.closed();
    });
    await observer.waitFor(() => linesStarting(observer, "SAIU").length === total, "every SAIU");
    assert.deepEqual(
      linesStarting(observer, "SAIU").map((l) => l.split(" ")[1]).sort(),
      [...nicks].sort(),
    );
    assert.deepEqual(srv.server.nicks(), ["observer"]);
  } finally {
    await inBatches(clients, 200, (c) => c.close());
  }
});

Deno.test("ChatServer.shutdown() with 1000 clients, some not reading, tells every reader and ends (S13)", async () => {
  // Many clients from one address at once: the per-address cap (issue 15) is off here.
  await using srv = startServer({ floodBurst: 0, maxPendingPerIp: 0 });
  const readers = await inBatches(
    Array.from({ length: 900 }, (_, i) => `r${i}`),
    100,
    (nick) => join(srv.port, nick, { keepRaw: false, readSize: 4096 }),
  );
  const silent = await inBatches(
    Array.from({ length: 100 }, (_, i) => `s${i}`),
    100,
    (nick) => silentClient(srv.port, nick),
  );
  try {
    await until(() => srv.server.nicks().length >= 1000, "all 1000 registered");
    assert.equal(srv.server.nicks().length, 1000);
    await srv.stop();
    await srv.server.finished;
    await inBatches(readers, 100, async (c) => {
      await c.closed();
      assert.equal(c.received.at(-1), ERR_SHUTDOWN);
    });
    assert.equal(srv.server.stats.open, 0);
  } finally {
    await inBatches(readers, 200, (c) => c.close());
    for (const conn of silent) conn.close();
  }
});
