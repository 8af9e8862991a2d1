/**
 * The door seam (issue 20): the chat server serves a client from any door as
 * a byte stream and a peer, and nothing past the door knows which door it
 * was. A door of the test's own, an in-memory pipe, chats with a client of
 * the TCP door; the trace names the door.
 */
import assert from "node:assert/strict";
import { ByteQueue } from "../server/doors/byte_queue.ts";
import type { ByteStream } from "../server/doors/door.ts";
import { SocketTrace } from "../server/trace.ts";
import { startServer } from "./helpers.ts";
import { join, LineClient, type TestConn } from "./line_client.ts";

/** The two ends of a pipe door: the server's stream and the client's connection. */
function pipeDoor(): { server: ByteStream; client: TestConn } {
  const up = new ByteQueue();
  const down = new ByteQueue();
  const close = () => {
    up.end();
    down.end();
  };
  /** Writes into a direction of the pipe, as a socket would: a closed pipe is an error. */
  const into = (q: ByteQueue) => (bytes: Uint8Array) => {
    if (q.ended) return Promise.reject(new Deno.errors.BrokenPipe("the pipe is closed"));
    q.push(bytes.slice());
    return Promise.resolve(bytes.length);
  };
  return {
    server: {
      read: (buf) => up.read(buf),
      write: into(down),
      closeWrite: () => Promise.resolve(down.end()),
      close,
    },
    client: {
      read: (buf) => down.read(buf),
      write: into(up),
      close,
      closeWrite: () => Promise.resolve(up.end()),
      localAddr: { port: 40000 },
    },
  };
}

Deno.test("ChatServer.enter() serves a client from any door beside the TCP door's", async () => {
  const lines: string[] = [];
  await using srv = startServer({ observer: new SocketTrace((l) => lines.push(l)) });
  await using bob = await join(srv.port, "bob");
  const { server, client } = pipeDoor();
  srv.server.enter(server, { address: "10.0.0.7", port: 40000, door: "pipe" });
  await using ana = LineClient.over(client);
  await ana.expect("APELIDO");
  await ana.send("ana");
  assert.match(await ana.expect("USUARIOS"), /ana/);
  assert.equal(await bob.expect("ENTROU"), "ENTROU ana entrou no chat");
  await ana.send(":oi, bob");
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: oi, bob");
  await bob.send("ana:oi, ana");
  assert.equal(await ana.expect("PRIVADA"), "PRIVADA Mensagem recebida de: bob: oi, ana");
  await ana.send("{quit}");
  assert.equal(await ana.expect("TCHAU"), "TCHAU Ate logo, ana");
  await ana.closed();
  assert.equal(await bob.expect("SAIU"), "SAIU ana saiu do chat");
  assert.ok(srv.logs.some((l) => l.startsWith("connect 10.0.0.7:40000")), srv.logs.join("\n"));
  assert.ok(
    lines.some((l) => l.endsWith("accept() -> #2 from 10.0.0.7:40000 (pipe)")),
    lines.join("\n"),
  );
  assert.ok(lines.some((l) => /accept\(\) -> #1 from 127\.0\.0\.1:\d+$/.test(l)), lines.join("\n"));
});

Deno.test("ChatServer.enter() tells a door's client of shutdown and closes its stream (S13)", async () => {
  await using srv = startServer();
  const { server, client } = pipeDoor();
  srv.server.enter(server, { address: "10.0.0.8", port: 40001, door: "pipe" });
  await using ana = LineClient.over(client);
  await ana.expect("APELIDO");
  await srv.stop();
  assert.match(await ana.expect("ERRO"), /^ERRO 03 /);
  await ana.closed();
  // After shutdown a door's client is refused at once.
  const late = pipeDoor();
  srv.server.enter(late.server, { address: "10.0.0.8", port: 40002, door: "pipe" });
  await using bea = LineClient.over(late.client);
  assert.match(await bea.expect("ERRO"), /^ERRO 03 /);
  await bea.closed();
});
