/**
 * A room far larger than a class (P1), over real TCP: above the room size,
 * joins and leaves arrive as summaries, and every client is still told of
 * every client that joined after it, exactly once.
 */
import assert from "node:assert/strict";
import { LocalRoom } from "../server/room/local.ts";
import { startServer } from "./helpers.ts";
import { LineClient } from "./line_client.ts";

/** What a client's lines tell of joins: one per line, or a summary's count. */
function joinsTold(lines: string[]): number {
  let n = 0;
  for (const l of lines) {
    if (!l.startsWith("ENTROU ")) continue;
    const m = /^ENTROU (\d+) pessoas entraram \(\d+ online\): /.exec(l);
    n += m ? Number(m[1]) : 1;
  }
  return n;
}

Deno.test("a large room: 60 clients joining at once are each told of every later one (P1)", async () => {
  const room = new LocalRoom({ crowd: 10, crowdIntervalMs: 50 });
  await using srv = startServer({ room, maxPendingPerIp: 0 });
  const total = 60;
  const clients: LineClient[] = [];
  try {
    for (let i = 0; i < total; i++) clients.push(await LineClient.connect(srv.port));
    await Promise.all(clients.map(async (c, i) => {
      await c.expect("APELIDO");
      await c.send(`c${i}`);
      await c.expect("BEMVINDO");
    }));
    // The k-th online (from its USUARIOS line) is told of the total - k after it.
    await Promise.all(clients.map(async (c) => {
      const list = await c.expect("USUARIOS");
      const k = Number(/^USUARIOS (\d+) online/.exec(list)![1]);
      await c.waitFor(() => joinsTold(c.received) >= total - k, `${total - k} joins told`);
      assert.equal(joinsTold(c.received), total - k, c.received.join("\n"));
    }));
    const summaries = clients.flatMap((c) => c.received.filter((l) => /pessoas entraram/.test(l)));
    assert.ok(summaries.length > 0, "the room summarized");
    for (const s of summaries) {
      assert.match(s, /^ENTROU \d+ pessoas entraram \(\d+ online\): c\d+(, c\d+)*( e mais \d+)?$/);
    }
    assert.equal(srv.server.nicks().length, total);
  } finally {
    for (const c of clients) await c.close();
  }
});
