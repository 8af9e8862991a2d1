/**
 * The Room contract (issue 20): what every engine of the `Room` interface
 * does, written once and run against each engine: the memory room
 * (`room_test.ts`) and the room on Redis with a real redis-server
 * (`redis_room_test.ts`). A room is opened with two handles: for the memory
 * room the same room twice, for Redis two nodes on one Redis. Members join
 * through either, so every scenario is also one of members on different
 * nodes (S10-S12, X1, C3-C5, N1, N2, N4).
 *
 * Members are {@linkcode Recorder}s: they keep what they are delivered and
 * wait for it (bounded), since an engine over the network delivers later
 * than its call returns. "Nobody else got anything" is read up to a
 * {@linkcode barrier}: a notice to everyone, which every engine delivers in
 * the room's one order.
 *
 * @module
 */
import assert from "node:assert/strict";
import { HOW_TO_LINE, type Role } from "../protocol.ts";
import type { Outgoing, ServerMessage } from "../server/room/message.ts";
import type { Member, RemovalReason, Room } from "../server/room/room.ts";
import { WAIT_MS } from "./helpers.ts";

const decoder = new TextDecoder();
/** The line after the user list that says how to talk (issue 10). */
export const HOW_TO = HOW_TO_LINE.trimEnd();

let ids = 0;

/** A member that records every message it is delivered, and can wait for more. */
export class Recorder implements Member {
  readonly id = `r${++ids}`;
  readonly nick: string;
  readonly ip: string;
  role: Role = "anyone";
  /** Each removal the room asked for, with its reason. */
  readonly removals: RemovalReason[] = [];
  /** Each delivery's bytes, as given. */
  readonly sends: Uint8Array[] = [];
  /** What `deliver` answers: `false` plays a member being dropped. */
  accepting = true;
  #muted = false;
  #next = 0;
  readonly #waiters = new Set<() => void>();

  /**
   * @param nick The nickname.
   * @param ip The address it connects from.
   */
  constructor(nick: string, ip = "10.0.0.1") {
    this.nick = nick;
    this.ip = ip;
  }

  /** Whether the teacher muted it; set by the room. */
  get muted(): boolean {
    return this.#muted;
  }

  set muted(on: boolean) {
    this.#muted = on;
    this.#wake();
  }

  remove(reason: RemovalReason = "kicked"): void {
    this.removals.push(reason);
    this.#wake();
  }

  deliver(message: Outgoing): boolean {
    if (!this.accepting) return false;
    this.sends.push(message.bytes);
    this.#wake();
    return true;
  }

  /** Every line received, without CRLF. */
  get lines(): string[] {
    const text = this.sends.map((b) => decoder.decode(b)).join("");
    assert.ok(text === "" || text.endsWith("\r\n"), `an unfinished line: ${JSON.stringify(text)}`);
    return text.split("\r\n").slice(0, -1);
  }

  /** Forgets what was received. */
  clear(): void {
    this.sends.length = 0;
    this.#next = 0;
  }

  /**
   * Waits until `ok()` holds, checking on every delivery and change.
   * @throws {Error} When it does not within {@linkcode WAIT_MS}.
   */
  async waitFor(ok: () => boolean, what: string): Promise<void> {
    if (ok()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let check = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${this.nick}: timed out waiting for ${what}: ${this.lines}`)),
          WAIT_MS,
        );
        check = () => ok() && resolve();
        this.#waiters.add(check);
      });
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(check);
    }
  }

  /** Skips lines until one starts with `prefix`, waiting for it, and returns it. */
  async expect(prefix: string): Promise<string> {
    const at = await this.#find((l) => l.startsWith(prefix), `a line starting "${prefix}"`);
    this.#next = at + 1;
    return this.lines[at]!;
  }

  /** Waits for the line `line`, and returns (and takes) the lines before it. */
  async before(line: string): Promise<string[]> {
    const at = await this.#find((l) => l === line, JSON.stringify(line));
    const out = this.lines.slice(this.#next, at);
    this.#next = at + 1;
    return out;
  }

  async #find(ok: (line: string) => boolean, what: string): Promise<number> {
    let at = -1;
    await this.waitFor(() => {
      at = this.lines.findIndex((l, i) => i >= this.#next && ok(l));
      return at >= 0;
    }, what);
    return at;
  }

  /** The lines not yet taken by {@linkcode expect} (taking them). */
  rest(): string[] {
    const lines = this.lines;
    const out = lines.slice(this.#next);
    this.#next = lines.length;
    return out;
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }
}

/** A room opened for one test, through two handles (one per node), closed by `await using`. */
export interface OpenRoom extends AsyncDisposable {
  /** Two handles on one room: the same room twice, or two nodes. */
  readonly rooms: readonly [Room, Room];
}

/** An engine the contract runs against. */
export interface RoomEngine {
  /** Its name, which starts each test's name. */
  readonly name: string;
  /** Why its tests are skipped here (redis-server not installed), or `undefined`. */
  readonly skip?: string;
  /**
   * Opens a new, empty room, where a kick keeps an address out 5 minutes (C3).
   * @param history How many public messages a latecomer is shown (C4).
   * @param clock The time now, for kicks (C3): the test moves it. @default the engine's own
   */
  open(history: number, clock?: () => number): Promise<OpenRoom>;
}

/**
 * A member who joined through `room`, its entry lines taken.
 * @param room The handle (node) it joins through.
 * @param role `teacher` to join as the teacher, recorded with `promote` (C2).
 */
export async function enter(
  room: Room,
  nick: string,
  ip?: string,
  role: Role = "anyone",
): Promise<Recorder> {
  const m = new Recorder(nick, ip);
  m.role = role;
  assert.equal(await room.join(m), true, `${nick} could not join`);
  if (role === "teacher") await room.promote(m);
  await m.expect("AJUDA");
  m.rest();
  return m;
}

let barriers = 0;

/**
 * Sends a notice to everyone through `room` and waits until each of
 * `members` has it: what each got before it is returned (and taken), so a
 * test can say that nobody got anything else.
 */
export async function barrier(room: Room, members: Recorder[]): Promise<string[][]> {
  const mark = `barreira ${++barriers}`;
  await room.notice("say", mark);
  return await Promise.all(members.map((m) => m.before(`AVISO professor: ${mark}`)));
}

/** Registers the contract's tests for `engine`. */
export function roomContract(engine: RoomEngine): void {
  const test = (name: string, fn: (t: Deno.TestContext) => Promise<void>) =>
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
        assert.equal(await b.unban("bob"), true);
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
      assert.equal(await b.unban("10.0.0.3"), true);
      assert.equal(await a.unban("10.0.0.3"), false);
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

  test("a kick keeps the address out on every node for its minutes; unban lifts it (C3)", async (t) => {
    let now = 7_000_000;
    await using open = await engine.open(0, () => now);
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
      assert.equal(await a.unban("bob"), false, "nothing left to lift");
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
        assert.equal(await b.unban("10.0.0.3"), true);
        for (const room of open.rooms) assert.equal(await room.admits("10.0.0.3"), "ok");
        assert.equal(await a.unban("DAN"), true, "a ban by nickname, in any case");
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
