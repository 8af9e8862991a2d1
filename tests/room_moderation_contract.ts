/**
 * The Room contract's moderation (C3, N4), part of `room_contract.ts`: the
 * teacher's kick and ban, mute (by nickname and by address), a kick's
 * minutes and lock, on every node of each engine.
 *
 * @module
 */
import assert from "node:assert/strict";
import { SYSTEM_TIMERS } from "../common/time.ts";
import { barrier, type ContractTest, enter, type RoomEngine } from "./room_members.ts";

/** Registers the moderation tests for `engine` through the contract's `test`. */
export function moderationContract(engine: RoomEngine, test: ContractTest): void {
  test("the teacher's kick and ban remove a member on any node; bans hold on every node (C3, N4)", async (t) => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const prof = await enter(a, "prof", "10.0.0.1", "teacher");
    const bob = await enter(b, "bob", "10.0.0.2");
    const cid = await enter(b, "cid", "10.0.0.3");
    await prof.expect("ENTROU cid");
    await bob.expect("ENTROU cid");
    await t.step(
      "kick: the nickname as written; its node removes it; the others are told",
      async () => {
        assert.equal(await a.kick("BOB"), "bob");
        await bob.waitFor(() => bob.removals.length > 0, "bob removed");
        assert.deepEqual(bob.removals, ["kicked"]);
        await b.leave(bob, true); // as the member's session does once it is removed
        assert.equal(await prof.expect("SAIU"), "SAIU bob foi removido pelo professor");
        assert.equal(await cid.expect("SAIU"), "SAIU bob foi removido pelo professor");
        assert.equal(await a.kick("zed"), undefined);
        // C3: the kicked address stays out for a while, on every node; {unban} by nickname lifts it.
        for (const room of open.rooms) assert.equal(await room.admits("10.0.0.2"), "kicked");
        assert.deepEqual((await b.unban("bob")).map((x) => [x.ip, x.nick, x.kind]), [
          ["10.0.0.2", "bob", "kick"],
        ]);
        for (const room of open.rooms) assert.equal(await room.admits("10.0.0.2"), "ok");
      },
    );
    await t.step("ban: the address is refused on every node until unban", async () => {
      assert.deepEqual(await a.ban("CID"), { ip: "10.0.0.3", nick: "cid" });
      await cid.waitFor(() => cid.removals.length > 0, "cid removed");
      await b.leave(cid, true);
      assert.equal(await prof.expect("SAIU"), "SAIU cid foi removido pelo professor");
      for (const room of open.rooms) {
        assert.equal(await room.admits("10.0.0.3"), "banned");
        assert.equal(await room.admits("10.0.0.2"), "ok");
        assert.deepEqual(await room.bans(), [{ ip: "10.0.0.3", nick: "cid" }]);
      }
      assert.equal(await a.ban("zed"), undefined);
      assert.deepEqual(await b.unban("10.0.0.3"), [{ ip: "10.0.0.3", nick: "cid" }]);
      assert.deepEqual(await a.unban("10.0.0.3"), []);
      for (const room of open.rooms) {
        assert.equal(await room.admits("10.0.0.3"), "ok");
        assert.deepEqual(await room.bans(), []);
      }
    });
  });

  test("mute holds on the member's node; a muted member reaches the teacher alone (C3)", async () => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const prof = await enter(a, "prof", "10.0.0.1", "teacher");
    const bob = await enter(b, "bob");
    const cid = await enter(a, "cid");
    assert.deepEqual(await a.mute("BOB", true), { nick: "bob", changed: true });
    await bob.waitFor(() => bob.muted, "bob muted on its node");
    assert.deepEqual(await b.mute("bob", true), { nick: "bob", changed: false });
    assert.equal(await b.whisper(bob, "cid", "psiu", true), "notTeacher");
    assert.equal(await b.whisper(bob, "PROF", "desculpa", true), "sent");
    const [toProf, toCid] = await barrier(a, [prof, cid]);
    assert.deepEqual(toProf!.filter((l) => !l.startsWith("ENTROU")), [
      "PRIVADA Mensagem recebida de: bob: desculpa",
    ]);
    assert.deepEqual(toCid, []);
    assert.deepEqual(await a.mute("bob", false), { nick: "bob", changed: true });
    await bob.waitFor(() => !bob.muted, "bob unmuted on its node");
    assert.equal(await a.mute("zed", true), undefined);
  });

  test("a mute holds for the address under another nickname, on every node, until unmute (C3)", async () => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    await enter(a, "prof", "10.0.0.1", "teacher");
    const eve = await enter(a, "eve", "10.0.0.5");
    const bia = await enter(b, "bia", "10.0.0.6");
    assert.deepEqual(await a.mute("eve", true), { nick: "eve", changed: true });
    await eve.waitFor(() => eve.muted, "eve muted");
    await a.leave(eve);
    // Back on the other node, under another nickname, from the same address.
    const outra = await enter(b, "outra", "10.0.0.5");
    assert.equal(outra.muted, true, "muted from the moment it joins");
    assert.equal(bia.muted, false, "another address is not");
    const other = await enter(a, "zoe", "10.0.0.7");
    assert.equal(other.muted, false);
    for (const room of open.rooms) {
      assert.deepEqual(await room.bans(), [{ ip: "10.0.0.5", nick: "eve", kind: "mute" }]);
    }
    assert.deepEqual(await a.mute("bia", true), { nick: "bia", changed: true });
    assert.deepEqual((await b.bans()).map((x) => x.nick), ["eve", "bia"], "oldest first");
    // Unmuting the newcomer lifts the address's mute: it was muted by it.
    assert.deepEqual(await a.mute("OUTRA", false), { nick: "outra", changed: true });
    await outra.waitFor(() => !outra.muted, "outra unmuted on its node");
    assert.deepEqual(await a.bans(), [{ ip: "10.0.0.6", nick: "bia", kind: "mute" }]);
    await b.leave(outra);
    const again = await enter(a, "nova", "10.0.0.5");
    assert.equal(again.muted, false, "the address speaks again");
    assert.deepEqual(await b.mute("bia", false), { nick: "bia", changed: true });
    assert.deepEqual(await a.bans(), []);
  });

  test("a muted address outlives its user: lifted by the name it was muted under or by the address, on every node (C3, field test)", async (t) => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const prof = await enter(a, "prof", "10.0.0.1", "teacher");
    const mute = async (nick: string, ip: string) => {
      const m = await enter(b, nick, ip);
      assert.deepEqual(await a.mute(nick, true), { nick, changed: true });
      await m.waitFor(() => m.muted, `${nick} muted`);
      await b.leave(m);
      await prof.expect(`SAIU ${nick}`);
    };
    await t.step("unmute by the name, in any case, with its user gone", async () => {
      await mute("davi", "10.0.0.8");
      assert.deepEqual(await b.bans(), [{ ip: "10.0.0.8", nick: "davi", kind: "mute" }]);
      assert.deepEqual(await a.unban("DAVI", ["ban", "kick"]), [], "not a ban nor a kick");
      assert.deepEqual(await a.unban("Davi", ["mute"]), [
        { ip: "10.0.0.8", nick: "davi", kind: "mute" },
      ]);
      for (const room of open.rooms) assert.deepEqual(await room.bans(), []);
      const back = await enter(b, "davi", "10.0.0.8");
      assert.equal(back.muted, false, "neither the name nor the address is muted");
      await b.leave(back);
      assert.deepEqual(await a.unban("davi", ["mute"]), [], "nothing matched");
    });
    await t.step("unmute by the address; one online there is told it may speak", async () => {
      await mute("eva", "10.0.0.9");
      const outra = await enter(a, "outra", "10.0.0.9");
      assert.equal(outra.muted, true, "the address is muted");
      const cid = await enter(b, "cid", "10.0.0.10");
      assert.deepEqual(await b.unban("10.0.0.9", ["mute"]), [
        { ip: "10.0.0.9", nick: "eva", kind: "mute" },
      ]);
      await outra.waitFor(() => !outra.muted, "outra unmuted on its node");
      assert.equal(await cid.expect("AVISO"), "AVISO outra pode falar de novo");
      const eva = await enter(b, "eva", "10.0.0.11");
      assert.equal(eva.muted, false, "the name it was muted under is free too");
      for (const m of [outra, eva]) await (m === outra ? a : b).leave(m);
      await b.leave(cid);
    });
    await t.step("unban by the address lifts a mute, a kick and a ban alike", async () => {
      await mute("ivo", "10.0.0.12");
      const kim = await enter(b, "kim", "10.0.0.13");
      assert.equal(await a.kick("kim"), "kim");
      await kim.waitFor(() => kim.removals.length > 0, "kim removed");
      await b.leave(kim, true);
      assert.deepEqual(await b.unban("10.0.0.12"), [
        { ip: "10.0.0.12", nick: "ivo", kind: "mute" },
      ]);
      assert.deepEqual((await a.unban("KIM")).map((x) => [x.ip, x.kind]), [["10.0.0.13", "kick"]]);
      for (const room of open.rooms) assert.deepEqual(await room.bans(), []);
      assert.deepEqual(await b.unban("10.0.0.12"), [], "nothing matched");
    });
  });

  test("a kick keeps the address out on every node for its minutes; unban lifts it (C3)", async (t) => {
    let now = 7_000_000;
    await using open = await engine.open(0, { ...SYSTEM_TIMERS, now: () => now });
    const [a, b] = open.rooms;
    const prof = await enter(a, "prof", "10.0.0.1", "teacher");
    const kick = async (room: typeof a, nick: string, ip: string) => {
      const m = await enter(b, nick, ip);
      assert.equal(await room.kick(nick), nick);
      await m.waitFor(() => m.removals.length > 0, `${nick} removed`);
      await b.leave(m, true);
      await prof.expect(`SAIU ${nick}`);
    };
    await t.step("refused at once on every node; listed with its time left", async () => {
      await kick(a, "bob", "10.0.0.2");
      for (const room of open.rooms) {
        assert.equal(await room.admits("10.0.0.2"), "kicked");
        assert.equal(await room.admits("10.0.0.3"), "ok");
        assert.deepEqual(await room.bans(), [
          { ip: "10.0.0.2", nick: "bob", kind: "kick", leftMs: 5 * 60_000 },
        ]);
      }
      now += 60_000;
      assert.deepEqual(await b.bans(), [
        { ip: "10.0.0.2", nick: "bob", kind: "kick", leftMs: 4 * 60_000 },
      ]);
    });
    await t.step("let in once the minutes pass", async () => {
      now += 4 * 60_000 - 1;
      assert.equal(await b.admits("10.0.0.2"), "kicked");
      now += 1;
      for (const room of open.rooms) {
        assert.equal(await room.admits("10.0.0.2"), "ok");
        assert.deepEqual(await room.bans(), []);
      }
      assert.deepEqual(await a.unban("bob"), [], "nothing left to lift");
    });
    await t.step(
      "unban by address lifts a kick before its time; a ban is listed before it",
      async () => {
        await kick(b, "cid", "10.0.0.3");
        const dan = await enter(b, "dan", "10.0.0.4");
        assert.deepEqual(await a.ban("dan"), { ip: "10.0.0.4", nick: "dan" });
        await dan.waitFor(() => dan.removals.length > 0, "dan removed");
        await b.leave(dan, true);
        assert.deepEqual(await b.bans(), [
          { ip: "10.0.0.4", nick: "dan" },
          { ip: "10.0.0.3", nick: "cid", kind: "kick", leftMs: 5 * 60_000 },
        ]);
        assert.deepEqual(await b.unban("10.0.0.3"), [
          { ip: "10.0.0.3", nick: "cid", kind: "kick", leftMs: 5 * 60_000 },
        ]);
        for (const room of open.rooms) assert.equal(await room.admits("10.0.0.3"), "ok");
        assert.deepEqual(
          await a.unban("DAN"),
          [{ ip: "10.0.0.4", nick: "dan" }],
          "a ban by nickname, in any case",
        );
        assert.deepEqual(await a.bans(), []);
      },
    );
  });

  test("lock refuses newcomers on every node; notices reach everyone (C3)", async () => {
    await using open = await engine.open(0);
    const [a, b] = open.rooms;
    const ana = await enter(a, "ana");
    const bob = await enter(b, "bob");
    assert.equal(await a.lock(true), true);
    assert.equal(await b.lock(true), false);
    for (const room of open.rooms) assert.equal(await room.admits("10.0.0.7"), "locked");
    await b.notice("locked");
    assert.equal(
      await ana.expect("AVISO"),
      "AVISO a sala foi trancada pelo professor; ninguem mais entra",
    );
    assert.equal(
      await bob.expect("AVISO"),
      "AVISO a sala foi trancada pelo professor; ninguem mais entra",
    );
    assert.equal(await b.lock(false), true);
    for (const room of open.rooms) assert.equal(await room.admits("10.0.0.7"), "ok");
  });
}
