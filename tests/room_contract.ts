/**
 * The Room contract (issue 20): what every engine of the `Room` interface
 * does, written once and run against each engine: the memory room
 * (`room_test.ts`) and the room on Redis with a real redis-server
 * (`redis_room_test.ts`). A room is opened with two handles: for the memory
 * room the same room twice, for Redis two nodes on one Redis. Members join
 * through either, so every scenario is also one of members on different
 * nodes (S10-S12, X1, C3-C5, N1, N2, N4). The teacher's moderation (C3)
 * is `room_moderation_contract.ts`, registered from here.
 *
 * Members are `Recorder`s (`room_members.ts`): they keep what they are delivered and
 * wait for it (bounded), since an engine over the network delivers later
 * than its call returns. "Nobody else got anything" is read up to a
 * `barrier`: a notice to everyone, which every engine delivers in
 * the room's one order.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ServerMessage } from "../server/room/message.ts";
import type { Room } from "../server/room/room.ts";
import {
  barrier,
  type ContractTest,
  enter,
  HOW_TO,
  Recorder,
  type RoomEngine,
} from "./room_members.ts";
import { moderationContract } from "./room_moderation_contract.ts";

/** Registers the contract's tests for `engine`. */
export function roomContract(engine: RoomEngine): void {
  const test: ContractTest = (name, fn) =>
    Deno.test({ name: `${engine.name}: ${name}`, ignore: engine.skip !== undefined, fn });

  test("join welcomes, lists in join order and announces, on every node (S10, S11, X1)", async () => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = new Recorder("Ana");
    assert.equal(await a.join(ana), true);
    assert.deepEqual(ana.lines, [
      "BEMVINDO Bem-vindo ao papo, Ana!",
      "USUARIOS 1 online: Ana",
      HOW_TO,
    ]);
    ana.clear();
    const bob = new Recorder("bob");
    assert.equal(await b.join(bob), true);
    assert.deepEqual(bob.lines, [
      "BEMVINDO Bem-vindo ao papo, bob!",
      "USUARIOS 2 online: Ana, bob",
      HOW_TO,
    ]);
    assert.equal(await ana.expect("ENTROU"), "ENTROU bob entrou no chat");
    for (const room of open.rooms) {
      assert.deepEqual(await room.nicks(), ["Ana", "bob"]);
      assert.equal(await room.size(), 2);
    }
  });

  test("a nickname is taken in any case, through every node (S10, L3, N2)", async (t) => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = await enter(a, "Ana");
    for (const nick of ["ana", "ANA", "aNa"]) {
      await t.step(nick, async () => {
        for (const room of open.rooms) {
          const other = new Recorder(nick);
          assert.equal(await room.join(other), false);
          assert.deepEqual(other.lines, [], "the refused member is sent nothing by the room");
        }
      });
    }
    assert.deepEqual(await barrier(b, [ana]), [[]], "nobody is told");
    assert.deepEqual(await b.nicks(), ["Ana"]);
  });

  test("publish reaches every member but the sender, in one order on every node (S12, N1)", async () => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = await enter(a, "ana");
    const bob = await enter(b, "bob");
    const cid = await enter(a, "cid");
    const dan = await enter(b, "dan");
    await ana.expect("ENTROU dan");
    await bob.expect("ENTROU dan");
    await cid.expect("ENTROU dan");
    const each = 10;
    const send = async (room: Room, from: Recorder) => {
      for (let k = 0; k < each; k++) await room.publish(from, `${from.nick} ${k}: oi`);
    };
    await Promise.all([send(a, ana), send(b, bob)]);
    const [toAna, toBob, toCid, toDan] = await barrier(a, [ana, bob, cid, dan]);
    const said = (nick: string) =>
      Array.from({ length: each }, (_, k) => `PUBLICA ${nick}: ${nick} ${k}: oi`);
    assert.deepEqual(toAna, said("bob"), "ana gets bob's messages only, in order");
    assert.deepEqual(toBob, said("ana"), "bob gets ana's messages only, in order");
    assert.equal(toCid!.length, 2 * each);
    assert.deepEqual(toCid!.filter((l) => l.startsWith("PUBLICA ana")), said("ana"));
    assert.deepEqual(toCid!.filter((l) => l.startsWith("PUBLICA bob")), said("bob"));
    assert.deepEqual(toDan, toCid, "both nodes show one order");
  });

  test("whisper reaches its target alone, in any case, on any node (S6, S12)", async (t) => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = await enter(a, "ana");
    const bob = await enter(b, "Bob");
    const cid = await enter(a, "cid");
    await ana.expect("ENTROU cid");
    await bob.expect("ENTROU cid");
    await t.step("a member on the other node, any case", async () => {
      assert.equal(await a.whisper(ana, "bOB", "segredo: sim"), "sent");
      assert.deepEqual(await barrier(b, [ana, bob, cid]), [
        [],
        ["PRIVADA Mensagem recebida de: ana: segredo: sim"],
        [],
      ]);
    });
    await t.step("a member on the same node", async () => {
      assert.equal(await a.whisper(cid, "ana", "perto"), "sent");
      assert.deepEqual(await barrier(a, [ana, bob, cid]), [
        ["PRIVADA Mensagem recebida de: cid: perto"],
        [],
        [],
      ]);
    });
    await t.step("nobody of that name: noSuchUser, and nobody gets anything", async () => {
      assert.equal(await b.whisper(bob, "zed", "oi"), "noSuchUser");
      assert.deepEqual(await barrier(b, [ana, bob, cid]), [[], [], []]);
    });
    await t.step("a member who left is nobody", async () => {
      await b.leave(bob);
      assert.equal(await a.whisper(ana, "bob", "oi"), "noSuchUser");
      assert.deepEqual(bob.rest(), []);
    });
  });

  test("toTeachers reaches every teacher, on every node, and nobody else (C2, issue 19.2)", async (t) => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = await enter(a, "ana");
    const prof = await enter(b, "Prof", undefined, "teacher");
    const tia = await enter(a, "tia", undefined, "teacher");
    const cid = await enter(b, "cid");
    for (const m of [ana, prof, tia]) await m.expect("ENTROU cid");
    await t.step("a student's message to the teachers", async () => {
      assert.equal(await a.toTeachers(ana, "posso ir ao banheiro?"), 2);
      const got = "PRIVADA Mensagem recebida de: ana: posso ir ao banheiro?";
      assert.deepEqual(await barrier(b, [ana, prof, tia, cid]), [[], [got], [got], []]);
    });
    await t.step("a teacher who left is no longer reached", async () => {
      await b.leave(prof);
      assert.equal(await b.toTeachers(cid, "e agora?"), 1);
      const got = "PRIVADA Mensagem recebida de: cid: e agora?";
      const left = "SAIU Prof saiu do chat";
      assert.deepEqual(await barrier(a, [ana, tia, cid]), [[left], [left, got], [left]]);
    });
    await t.step("no teacher online: nobody", async () => {
      await a.leave(tia);
      assert.equal(await a.toTeachers(ana, "oi"), 0);
      const left = "SAIU tia saiu do chat";
      assert.deepEqual(await barrier(a, [ana, cid]), [[left], [left]]);
    });
  });

  test("leave tells the others once and frees the nickname (S11)", async (t) => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = await enter(a, "ana");
    const bob = await enter(b, "bob");
    const cid = await enter(b, "cid");
    await ana.expect("ENTROU cid");
    await bob.expect("ENTROU cid");
    await t.step("announced to everyone else, once", async () => {
      await b.leave(bob);
      await b.leave(bob);
      assert.deepEqual(await barrier(a, [ana, cid]), [
        ["SAIU bob saiu do chat"],
        ["SAIU bob saiu do chat"],
      ]);
      assert.deepEqual(bob.rest(), []);
      for (const room of open.rooms) assert.deepEqual(await room.nicks(), ["ana", "cid"]);
    });
    await t.step("a member not in the room is ignored, even with a nickname in use", async () => {
      await a.leave(new Recorder("CID"));
      await b.leave(new Recorder("zed"));
      assert.deepEqual(await barrier(a, [ana, cid]), [[], []]);
      assert.deepEqual(await b.nicks(), ["ana", "cid"]);
    });
    await t.step("the nickname is free again, on either node", async () => {
      const again = await enter(a, "BOB");
      assert.equal(await cid.expect("ENTROU"), "ENTROU BOB entrou no chat");
      assert.deepEqual(await b.nicks(), ["ana", "cid", "BOB"]);
      await a.leave(again);
    });
  });

  test("a latecomer gets the last public messages, never private ones (C4)", async () => {
    await using open = await engine.open(2);
    const [a, b] = open.rooms;
    const ana = await enter(a, "ana");
    const cid = await enter(a, "cid");
    for (const text of ["um", "dois"]) await a.publish(ana, text);
    assert.equal(await a.whisper(ana, "cid", "privado nunca"), "sent");
    await a.publish(ana, "tres");
    await cid.expect("PUBLICA ana: tres");
    const bob = new Recorder("bob");
    assert.equal(await b.join(bob), true);
    await bob.waitFor(() => bob.lines.length >= 5, "the entry lines and the history");
    const [welcome, list, howTo, ...history] = bob.lines;
    assert.deepEqual([welcome, list, howTo], [
      "BEMVINDO Bem-vindo ao papo, bob!",
      "USUARIOS 3 online: ana, cid, bob",
      HOW_TO,
    ]);
    assert.equal(history.length, 2, history.join(" | "));
    assert.match(history[0]!, /^HISTORICO \d\d:\d\d ana: dois$/);
    assert.match(history[1]!, /^HISTORICO \d\d:\d\d ana: tres$/);
  });

  moderationContract(engine, test); // C3: kick, ban, mute, lock

  test("a listener sees public messages, joins, leaves and notices once each, never private ones (C5)", async () => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const seen: ServerMessage[] = [];
    const stop = a.subscribe((m) => seen.push(m));
    const ana = await enter(a, "ana");
    const bob = await enter(b, "bob");
    await b.publish(bob, "oi");
    assert.equal(await b.whisper(bob, "ana", "segredo"), "sent");
    await a.notice("say", "prova");
    await b.leave(bob);
    // The barrier's notice comes after every message before it, to the listener too.
    await barrier(a, [ana]);
    const kinds = seen.map((m) => m.kind === "notice" ? `notice ${m.notice}` : m.kind);
    assert.deepEqual(kinds, ["joined", "joined", "public", "notice say", "left", "notice say"]);
    stop();
    await a.publish(ana, "depois");
    await a.notice("say", "fim");
    await ana.expect("AVISO professor: fim");
    assert.equal(seen.length, 6, "nothing after the listener stopped");
  });
}
