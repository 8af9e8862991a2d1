/**
 * The server's limits over real TCP on 127.0.0.1, port 0 (issue 4, L4-L7):
 * flood control, client caps, the nickname timeout and slow readers. Random
 * input is `fuzz_test.ts`, a thousand clients at once `thousand_test.ts`.
 * Every loop is bounded; nothing asserts on time.
 */
import assert from "node:assert/strict";
import { BURST_FACTOR } from "../server/outgoing.ts";
import { LocalRoom } from "../server/room/local.ts";
import type { Member } from "../server/room/room.ts";
import { ManualTimers, roomOver, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { pause } from "./wait.ts";
import { LineSplitter } from "../wire/line_splitter.ts";
import { inBatches, linesStarting, silentClient } from "./load_helpers.ts";

const encoder = new TextEncoder();

const ERR_FLOOD =
  "ERRO 10 Mensagens rapidas demais: aguarde; suas linhas serao entregues mais devagar";
const ERR_FULL = "ERRO 11 Servidor cheio";
const ERR_PER_IP = "ERRO 11 Servidor cheio: conexoes demais deste endereco";
const ERR_NICK_TIMEOUT = "ERRO 03 Cancelamento de conexao forcado: tempo para o apelido esgotado";
const ERR_QUEUE_FULL = "ERRO 03 Cancelamento de conexao forcado: cliente nao le o que recebe";
const ERR_SHUTDOWN = "ERRO 03 Cancelamento de conexao forcado: servidor encerrado";

Deno.test("ChatServer slows a flooding client with ERRO 10 and delivers every line in order (L4)", async () => {
  await using srv = startServer({ floodBurst: 5, floodRate: 20 });
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await alice.expect("ENTROU bob");
  const count = 30;
  const paste = Array.from({ length: count }, (_, i) => `:line ${i}\n`).join("");
  await alice.sendRaw(encoder.encode(paste));
  for (let i = 0; i < count; i++) assert.equal(await bob.line(), `PUBLICA alice: line ${i}`);
  assert.ok(alice.received.includes(ERR_FLOOD), JSON.stringify(alice.rest()));
  for (const line of alice.rest()) assert.equal(line, ERR_FLOOD);
  // bob, who did not flood, is not slowed or warned
  await bob.send(":not flooding");
  assert.equal(await alice.line(), "PUBLICA bob: not flooding");
  assert.ok(!bob.received.includes(ERR_FLOOD));
});

Deno.test("ChatServer lets a paste of 12 lines through with the default limits (L4)", async () => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await alice.expect("ENTROU bob");
  const paste = Array.from({ length: 12 }, (_, i) => `:pasted ${i}\r\n`).join("");
  await alice.sendRaw(encoder.encode(paste));
  for (let i = 0; i < 12; i++) assert.equal(await bob.line(), `PUBLICA alice: pasted ${i}`);
  await alice.send("{users}");
  assert.equal(await alice.line(), "USUARIOS 2 online: alice, bob");
  assert.deepEqual(alice.rest(), []);
});

Deno.test("ChatServer refuses a client past maxClients with ERRO 11 (L5)", async () => {
  await using srv = startServer({ maxClients: 2 });
  const alice = await join(srv.port, "alice");
  await using pending = await LineClient.connect(srv.port);
  await pending.expect("APELIDO");
  await using third = await LineClient.connect(srv.port);
  assert.equal(await third.line(), ERR_FULL);
  await third.closed();
  assert.deepEqual(third.rest(), []);
  assert.deepEqual(srv.server.nicks(), ["alice"]);
  // a place freed is taken again
  await alice.send("quit");
  await alice.closed();
  await alice.close();
  await using _fourth = await join(srv.port, "dave");
  assert.deepEqual(srv.server.nicks(), ["dave"]);
  assert.ok(
    srv.logs.some((l) => l.startsWith("refused ") && l.includes("serverFull")),
    srv.logs.join("\n"),
  );
});

Deno.test("ChatServer refuses connections past maxPerIp from one address with ERRO 11 (L5)", async () => {
  await using srv = startServer({ maxPerIp: 2 });
  await using _a = await join(srv.port, "a");
  await using b = await LineClient.connect(srv.port);
  await b.expect("APELIDO");
  await using c = await LineClient.connect(srv.port);
  assert.equal(await c.line(), ERR_PER_IP);
  await c.closed();
  await b.close();
  // b's place is free once the server has seen it go, which this side cannot observe:
  // try again until a connection is admitted (bounded).
  let admitted: LineClient | undefined;
  for (let i = 0; i < 50 && admitted === undefined; i++) {
    const d = await LineClient.connect(srv.port);
    const first = await d.line();
    if (first.startsWith("APELIDO")) admitted = d;
    else {
      assert.equal(first, ERR_PER_IP);
      await d.close();
      await pause(20);
    }
  }
  assert.ok(admitted, "a place freed by a departure is never given again");
  await admitted.close();
});

Deno.test("ChatServer drops a client that never gives a nickname after the timeout (L6)", async () => {
  const timers = new ManualTimers();
  await using srv = startServer({ nickTimeoutMs: 60_000, timers });
  // registered at once (the nickname goes with the connection): its timer is stopped
  const early = await LineClient.connect(srv.port);
  await early.send("early");
  await early.expect("BEMVINDO");
  await using idle = await LineClient.connect(srv.port);
  await idle.expect("APELIDO");
  assert.equal(timers.waiting, 1, "only the client without a nickname has a timer");
  timers.advance(59_999);
  assert.equal(timers.waiting, 1, "not a millisecond early");
  timers.advance(1);
  assert.equal(await idle.line(), ERR_NICK_TIMEOUT);
  await idle.closed();
  assert.deepEqual(srv.server.nicks(), ["early"]);
  await early.send("{users}");
  assert.equal(await early.line(), "USUARIOS 1 online: early");
  await early.close();
  assert.ok(
    srv.logs.some((l) => l.startsWith("leave ") && l.includes("nickTimeout")),
    srv.logs.join("\n"),
  );
});

Deno.test("ChatServer drops a client that stops reading, and everyone else carries on (L7)", async () => {
  const maxQueueBytes = 64 * 1024;
  await using srv = startServer({ maxQueueBytes, floodBurst: 0 });
  await using reader = await LineClient.connect(srv.port, { keepRaw: false });
  await reader.expect("APELIDO");
  await reader.send("reader");
  await reader.expect("BEMVINDO");
  await using flooder = await join(srv.port, "flooder");
  const slow = await silentClient(srv.port, "slow");
  await reader.expect("ENTROU slow");
  await flooder.expect("ENTROU slow");

  const pad = "x".repeat(1000);
  let scanned = 0;
  let publics = 0;
  const countPublic = () => {
    for (; scanned < reader.received.length; scanned++) {
      if (reader.received[scanned]!.startsWith("PUBLICA flooder: ")) publics++;
    }
    return publics;
  };
  // Small batches, each read by `reader` before the next: see the ignored test below.
  const batch = 20;
  const maxLines = 30_000; // 30 MB: well past any socket buffers
  let sent = 0;
  while (srv.server.stats.droppedSlowReaders === 0 && sent < maxLines) {
    const lines: string[] = [];
    for (let i = 0; i < batch; i++) lines.push(`:${String(sent++).padStart(6, "0")} ${pad}\n`);
    await flooder.sendRaw(encoder.encode(lines.join("")));
    await reader.waitFor(() => countPublic() === sent, "a batch");
  }
  assert.equal(srv.server.stats.droppedSlowReaders, 1, `not dropped after ${sent} lines`);

  // The slow client, reading now, finds whole lines in order, then ERRO 03, then the end.
  const slowLines: string[] = [];
  {
    const buf = new Uint8Array(65536);
    const splitter = new LineSplitter();
    while (true) {
      const n = await slow.read(buf).catch(() => null);
      if (n === null) break;
      for (const p of splitter.push(buf.subarray(0, n))) {
        if (!p.startsWith("PUBLICA")) slowLines.push(p);
        else slowLines.push(p.slice(17, 23));
      }
    }
    slow.close();
    assert.equal(splitter.partial, "");
  }
  assert.equal(slowLines.at(-1), ERR_QUEUE_FULL);
  const numbers = slowLines.filter((l) => /^\d{6}$/.test(l));
  numbers.forEach((n, i) => assert.equal(Number(n), i));

  await flooder.send(":after the drop");
  assert.equal(await reader.expect("PUBLICA flooder: after"), "PUBLICA flooder: after the drop");
  const got = linesStarting(reader, "PUBLICA flooder: ").slice(0, sent);
  assert.equal(got.length, sent);
  got.forEach((line, i) =>
    assert.ok(line.startsWith(`PUBLICA flooder: ${String(i).padStart(6, "0")} `))
  );
  assert.deepEqual(linesStarting(reader, "SAIU"), ["SAIU slow saiu do chat"]);
  assert.equal(await flooder.expect("SAIU"), "SAIU slow saiu do chat");
  assert.deepEqual(srv.server.nicks(), ["reader", "flooder"]);
  // A queue may hold a burst of BURST_FACTOR times its bound while its writes finish;
  // past that, or once a write is stalled, the client is dropped (L7).
  const peak = srv.server.stats.peakConnectionBytes;
  assert.ok(peak <= maxQueueBytes * BURST_FACTOR + 1100, `a queue reached ${peak} bytes`);
  assert.ok(
    srv.logs.some((l) => l.includes(" slow ") && l.includes("queueFull")),
    srv.logs.join("\n"),
  );
});

Deno.test("ChatServer.shutdown() ends when clients leave a full queue unread (S13, L7)", async () => {
  await using srv = startServer({ maxQueueBytes: 1024 * 1024, floodBurst: 0 });
  await using reader = await join(srv.port, "reader");
  await using flooder = await join(srv.port, "flooder");
  const silent = [await silentClient(srv.port, "s1"), await silentClient(srv.port, "s2")];
  try {
    await reader.expect("ENTROU s2");
    const pad = "x".repeat(1000);
    let sent = 0;
    // pump, paced by the reader, until both silent clients have bytes stuck in their queues
    while (srv.server.stats.queuedBytes < 600_000 && sent < 30_000) {
      const lines: string[] = [];
      for (let i = 0; i < 20; i++) lines.push(`:${sent++} ${pad}\n`);
      await flooder.sendRaw(encoder.encode(lines.join("")));
      const last = `PUBLICA flooder: ${sent - 1} ${pad}`;
      await reader.waitFor(() => reader.received.at(-1) === last, "a batch");
    }
    assert.ok(
      srv.server.stats.queuedBytes >= 600_000,
      `${srv.server.stats.queuedBytes} bytes queued`,
    );
    assert.equal(srv.server.stats.droppedSlowReaders, 0);
    await srv.stop();
    await srv.server.finished;
    for (const c of [reader, flooder]) {
      await c.closed();
      assert.equal(c.received.at(-1), ERR_SHUTDOWN);
    }
    assert.equal(srv.server.stats.open, 0);
    assert.equal(srv.server.stats.queuedBytes, 0);
  } finally {
    for (const conn of silent) conn.close();
  }
});

// A client that reads must not be dropped as slow when many lines for it arrive at once:
// a burst up to BURST_FACTOR times the bound is written before anyone is judged, and only a
// write stalled for STALL_MS makes a queue over its bound count as not reading (L7).
Deno.test({
  name: "ChatServer never drops a client that reads when many lines arrive at once (L7)",
  async fn(t) {
    await t.step("one client pastes 200 lines of 1000 bytes, maxQueueBytes 64 KiB", async () => {
      await using srv = startServer({
        maxQueueBytes: 64 * 1024,
        floodBurst: 0,
        maxPendingPerIp: 0,
      });
      await using reader = await join(srv.port, "reader");
      await using flooder = await join(srv.port, "flooder");
      const lines = Array.from({ length: 200 }, (_, i) => `:${i} ${"x".repeat(1000)}\n`);
      await flooder.sendRaw(encoder.encode(lines.join("")));
      await reader.waitFor(
        () => reader.ended || linesStarting(reader, "PUBLICA").length === 200,
        "200 lines",
      );
      assert.equal(srv.server.stats.droppedSlowReaders, 0);
      assert.equal(linesStarting(reader, "PUBLICA").length, 200);
    });
    await t.step(
      "100 clients send one 1000-byte line each at once, maxQueueBytes 64 KiB",
      async () => {
        await using srv = startServer({ maxQueueBytes: 64 * 1024, maxPendingPerIp: 0 });
        const clients = await inBatches(
          Array.from({ length: 100 }, (_, i) => `b${i}`),
          100,
          (nick) => join(srv.port, nick, { keepRaw: false, readSize: 8192 }),
        );
        try {
          const line = encoder.encode(`:${"y".repeat(1000)}\n`);
          await Promise.all(clients.map((c) => c.sendRaw(line)));
          await inBatches(
            clients,
            100,
            (c) =>
              c.waitFor(() => c.ended || linesStarting(c, "PUBLICA").length === 99, "99 lines"),
          );
          assert.equal(srv.server.stats.droppedSlowReaders, 0);
        } finally {
          await inBatches(clients, 200, (c) => c.close());
        }
      },
    );
  },
});

Deno.test("ChatServer counts bad lines and nickname tries against flood control (L4)", async () => {
  await using srv = startServer({ floodBurst: 5, floodRate: 50 });
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  // 20 lines of a byte over 127 before any nickname: each is ERRO 09, but not at full speed.
  await c.sendRaw(new Uint8Array(Array.from({ length: 20 }, () => [0xff, 0x41, 0x0a]).flat()));
  await c.expect(ERR_FLOOD);
  await c.send("late");
  await c.expect("BEMVINDO");
  const errors = c.received.filter((l) => l.startsWith("ERRO 09")).length;
  assert.equal(errors, 20);
});

Deno.test("ChatServer works with a room whose join answers later, as a shared engine would", async () => {
  const local = new LocalRoom();
  const later = <T>(f: () => T | Promise<T>) => pause(1).then(f);
  const room = roomOver(local, {
    size: () => later(() => local.size()),
    join: (m: Member) => later(() => local.join(m)),
    leave: (m) => later(() => local.leave(m)),
    publish: (m, text) => later(() => local.publish(m, text)),
    whisper: (m, to, text) => later(() => local.whisper(m, to, text)),
    nicks: () => later(() => local.nicks()),
  });
  await using srv = startServer({ room });
  await using ana = await join(srv.port, "ana");
  await using other = await LineClient.connect(srv.port);
  await other.expect("APELIDO");
  await other.send("ANA");
  assert.equal(await other.line(), "ERRO 01 Esse apelido ja esta em uso: ANA");
  await other.send("bia");
  await other.expect("BEMVINDO");
  assert.equal(await ana.expect("ENTROU"), "ENTROU bia entrou no chat");
  await ana.send("bia:oi");
  assert.equal(await ana.line(), "OK Mensagem enviada");
});
