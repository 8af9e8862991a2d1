/**
 * server/session.ts and server/connection.ts over real TCP: a room that
 * fails or never answers costs one session only, never shutdown; the
 * observer sees every socket event of a connection.
 */
import assert from "node:assert/strict";
import type { CloseCause, Connection, ConnectionObserver } from "../server/connection.ts";
import { LocalRoom } from "../server/room/local.ts";
import type { Member, Room } from "../server/room/room.ts";
import { roomOver, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";

/** A room that answers like `local` but whose join is replaced, and that records leaves. */
function roomWithJoin(local: LocalRoom, joinImpl: (m: Member) => Promise<boolean>): {
  room: Room;
  left: string[];
} {
  const left: string[] = [];
  const room = roomOver(local, {
    join: joinImpl,
    leave: (m, removed) => {
      left.push(m.nick);
      return local.leave(m, removed);
    },
  });
  return { room, left };
}

Deno.test("Session: a join that fails tells the client, and the room is not asked to remove it", async () => {
  const local = new LocalRoom();
  const { room, left } = roomWithJoin(local, () => Promise.reject(new Error("broker down")));
  await using srv = startServer({ room });
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await c.send("ana");
  assert.equal(
    await c.expect("ERRO"),
    "ERRO 03 Cancelamento de conexao forcado: sala indisponivel; tente de novo",
  );
  await c.closed();
  await srv.stop();
  assert.deepEqual(left, [], "leave() was called for a member that never joined");
  assert.deepEqual(srv.server.nicks(), []);
});

Deno.test("Session: a join that never settles delays its session only, never shutdown", async () => {
  const local = new LocalRoom();
  let pending: Member | undefined;
  const { room } = roomWithJoin(local, (m) => {
    if (m.nick === "stuck") {
      pending = m;
      return new Promise(() => {});
    }
    return local.join(m);
  });
  await using srv = startServer({ room, roomDeadlineMs: 300 });
  await using ok = await join(srv.port, "fine"); // "ok" is a keyword, a reserved nickname (L3)
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await c.send("stuck");
  await ok.send(":ainda aqui");
  await using _other = await join(srv.port, "other");
  await ok.send("other:oi");
  assert.equal(await ok.expect("OK"), "OK Mensagem enviada");
  assert.match(await c.expect("ERRO"), /^ERRO 03 .*sala indisponivel/);
  assert.ok(pending !== undefined);
  await srv.stop();
  assert.deepEqual(srv.server.nicks(), []);
});

Deno.test("Connection: the observer sees accept, every byte each way, and close with its cause", async () => {
  const events: string[] = [];
  const received: number[] = [];
  const sent: number[] = [];
  const decoder = new TextDecoder();
  const observer: ConnectionObserver = {
    accepted: (c: Connection) => events.push(`accepted ${c.id}`),
    received: (_c, bytes) => received.push(...bytes),
    sent: (_c, bytes) => sent.push(...bytes),
    closed: (c: Connection, cause: CloseCause) => events.push(`closed ${c.id} ${cause}`),
  };
  await using srv = startServer({ observer });
  {
    await using c = await LineClient.connect(srv.port);
    await c.expect("APELIDO");
    await c.send("ana\r\n:oi", "\r\n");
    await c.expect("USUARIOS");
    await c.send("{quit}");
    await c.expect("TCHAU");
    await c.closed();
    assert.equal(decoder.decode(new Uint8Array(sent)), c.received.join("\r\n") + "\r\n");
  }
  await srv.stop();
  assert.equal(decoder.decode(new Uint8Array(received)), "ana\r\n:oi\r\n{quit}\n");
  assert.deepEqual(events, ["accepted 1", "closed 1 quit"]);
});
