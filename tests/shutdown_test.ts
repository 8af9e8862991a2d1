/**
 * L12, shutdown under load: every client reads its `ERRO 03`, a client
 * still sending too. After the last line the server half-closes and drains
 * what the client still sends (within the drain bound), so the kernel never
 * turns the close into a reset that destroys the line. Real sockets. (The
 * reset was seen in 1 of 4 runs under a heavier load; this lighter load,
 * 3 runs, does not reproduce it reliably: it guards the behaviour.)
 */
import assert from "node:assert/strict";
import { join, LineClient, pause, startServer } from "./helpers.ts";

const SHUTDOWN = "ERRO 03 Cancelamento de conexao forcado: servidor encerrado";

Deno.test("L12: under load, every client reads ERRO 03 at shutdown, senders too", async () => {
  for (let run = 0; run < 3; run++) {
    const srv = startServer({ floodBurst: 0 });
    const senders: LineClient[] = [];
    const readers: LineClient[] = [];
    const waiting: LineClient[] = [];
    let sending = true;
    const loops: Promise<void>[] = [];
    try {
      for (let i = 0; i < 10; i++) senders.push(await join(srv.port, `s${run}x${i}`));
      for (let i = 0; i < 40; i++) {
        readers.push(await join(srv.port, `r${run}x${i}`, { keepRaw: false }));
      }
      for (let i = 0; i < 10; i++) {
        const c = await LineClient.connect(srv.port, { keepRaw: false });
        await c.expect("APELIDO");
        waiting.push(c);
      }
      const line = `:${"x".repeat(899)}`;
      for (const s of senders) {
        loops.push((async () => {
          while (sending) {
            await s.send(line).catch(() => {});
            await pause(10); // pacing only
          }
        })());
      }
      await pause(100); // the load is on (pacing only)
      await srv.stop();
      for (const c of [...senders, ...readers, ...waiting]) {
        await c.closed().catch(() => {});
        assert.ok(c.received.includes(SHUTDOWN), `run ${run}: no ERRO 03 read`);
      }
    } finally {
      sending = false;
      await Promise.all(loops);
      await Promise.all([...senders, ...readers, ...waiting].map((c) => c.close()));
      await srv.stop();
    }
  }
});
