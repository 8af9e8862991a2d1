/**
 * The memory room (S10-S12, X1, P1): the Room contract (`room_contract.ts`),
 * and what only this engine promises: one encoding per message, the entry
 * list's cap, {users} in bounded lines, summaries in a large room (on a
 * clock the test moves). Recording members, no network.
 */
import assert from "node:assert/strict";
import { LocalRoom } from "../server/room/local.ts";
import { ManualTimers } from "./helpers.ts";
import { ENTRY_LIST_MAX, USERS_LINE_BYTES } from "../protocol.ts";
import { Outgoing } from "../server/room/message.ts";
import { roomContract } from "./room_contract.ts";
import { HOW_TO, Recorder } from "./room_members.ts";

const decoder = new TextDecoder();

roomContract({
  name: "LocalRoom",
  open(history, timers) {
    const room = new LocalRoom({ history, ...(timers && { timers }) });
    return Promise.resolve({ rooms: [room, room], [Symbol.asyncDispose]: () => room.close() });
  },
});

/** A room with members joined in order, their entry lines forgotten. */
async function roomWith(...nicks: string[]): Promise<[LocalRoom, Recorder[]]> {
  const room = new LocalRoom();
  const members = nicks.map((n) => new Recorder(n));
  for (const m of members) assert.equal(await room.join(m), true);
  for (const m of members) m.clear();
  return [room, members];
}

Deno.test("LocalRoom.join() sends the welcome and the list in one send; the same member twice is refused", async () => {
  const room = new LocalRoom();
  const ana = new Recorder("Ana");
  assert.equal(await room.join(ana), true);
  assert.deepEqual(ana.lines, [
    "BEMVINDO Bem-vindo ao papo, Ana!",
    "USUARIOS 1 online: Ana",
    HOW_TO,
  ]);
  assert.equal(ana.sends.length, 1, "welcome and list leave in one send");
  assert.equal(await room.join(ana), false);
  assert.equal(await room.size(), 1);
});

Deno.test("LocalRoom.publish() encodes the line once for everyone (S12)", async () => {
  const [room, [ana, bob, cid]] = await roomWith("ana", "bob", "cid");
  await room.publish(ana!, "oi: todos");
  assert.deepEqual(ana!.lines, []);
  assert.deepEqual(bob!.lines, ["PUBLICA ana: oi: todos"]);
  assert.deepEqual(cid!.lines, ["PUBLICA ana: oi: todos"]);
  assert.equal(bob!.sends[0], cid!.sends[0], "the line is encoded once for everyone");
});

Deno.test("LocalRoom.publish() goes on past a member that is being dropped", async () => {
  const [room, [ana, bob, cid]] = await roomWith("ana", "bob", "cid");
  bob!.accepting = false;
  await room.publish(ana!, "x");
  assert.deepEqual(cid!.lines, ["PUBLICA ana: x"]);
});

Deno.test("LocalRoom answers publish() and whisper() at once, with no promise (P3)", async () => {
  // A session then handles its next line without waiting a turn per line (issue 23).
  const [room, [ana, bob]] = await roomWith("ana", "bob");
  const published = room.publish(ana!, "oi");
  const whispered = room.whisper(ana!, "bob", "psiu");
  assert.equal(published, undefined);
  assert.equal(whispered, "sent");
  assert.deepEqual(bob!.lines, ["PUBLICA ana: oi", "PRIVADA Mensagem recebida de: ana: psiu"]);
});

Deno.test("LocalRoom.whisper() finds the member called so now, whoever had the nickname before (P3)", async () => {
  const [room, [ana, bob]] = await roomWith("Ana", "Bob");
  assert.equal(room.whisper(ana!, "bob", "1"), "sent");
  assert.equal(room.whisper(ana!, "bob", "2"), "sent");
  await room.leave(bob!);
  assert.equal(room.whisper(ana!, "bob", "3"), "noSuchUser");
  const bob2 = new Recorder("BOB");
  assert.equal(await room.join(bob2), true);
  bob2.clear();
  assert.equal(room.whisper(ana!, "bob", "4"), "sent");
  assert.deepEqual(bob!.lines, [
    "PRIVADA Mensagem recebida de: Ana: 1",
    "PRIVADA Mensagem recebida de: Ana: 2",
  ]);
  assert.deepEqual(bob2.lines, ["PRIVADA Mensagem recebida de: Ana: 4"]);
});

Deno.test("LocalRoom.join() caps the entry list at ENTRY_LIST_MAX names with the count", async () => {
  const total = ENTRY_LIST_MAX + 10;
  const nicks = Array.from({ length: total - 1 }, (_, i) => `m${i}`);
  const [room] = await roomWith(...nicks);
  const last = new Recorder("last");
  assert.equal(await room.join(last), true);
  const [welcome, list, ...more] = last.lines;
  assert.equal(welcome, "BEMVINDO Bem-vindo ao papo, last!");
  assert.deepEqual(more, [HOW_TO]);
  const shown = nicks.slice(0, ENTRY_LIST_MAX).join(", ");
  assert.equal(list, `USUARIOS ${total} online: ${shown} e mais 10; digite {users}`);
});

/** What a member gets for `{users}`: the room's nicknames, rendered (X1). */
async function listTo(room: LocalRoom, to: Recorder): Promise<void> {
  to.deliver(new Outgoing({ kind: "users", nicks: await room.nicks() }));
}

Deno.test("LocalRoom.nicks() lists every name, in lines of bounded size for {users} (X1)", async (t) => {
  await t.step("a small room in one line", async () => {
    const [room, [ana]] = await roomWith("ana", "bob");
    await listTo(room, ana!);
    assert.deepEqual(ana!.lines, ["USUARIOS 2 online: ana, bob"]);
  });
  await t.step("a large room in several lines, every name once, in order", async () => {
    const nicks = Array.from({ length: 400 }, (_, i) => `user-${String(i).padStart(10, "0")}`);
    const [room, members] = await roomWith(...nicks);
    const asker = members[7]!;
    await listTo(room, asker);
    const lines = asker.lines;
    assert.ok(lines.length > 1, `${lines.length} lines`);
    const seen: string[] = [];
    for (const line of lines) {
      const m = /^USUARIOS 400 online: (.*)$/.exec(line);
      assert.ok(m, line);
      assert.ok(m[1]!.length <= USERS_LINE_BYTES, `${m[1]!.length} bytes of names`);
      seen.push(...m[1]!.split(", "));
    }
    assert.deepEqual(seen, nicks);
    for (const m of members) if (m !== asker) assert.deepEqual(m.lines, []);
  });
});

Deno.test("LocalRoom: what a member was given is never overwritten by later messages", async () => {
  const [room, [ana, bob]] = await roomWith("ana", "bob");
  await room.publish(ana!, "first");
  await room.whisper(ana!, "bob", "second");
  await room.publish(ana!, "x".repeat(900));
  const [first, second] = bob!.sends.map((b) => decoder.decode(b));
  assert.equal(first, "PUBLICA ana: first\r\n");
  assert.equal(second, "PRIVADA Mensagem recebida de: ana: second\r\n");
});

/** How many joins (and leaves) the lines a member got tell of: one per line, or a summary's count. */
function told(lines: string[], keyword: "ENTROU" | "SAIU"): { count: number; lines: number } {
  let count = 0;
  let n = 0;
  for (const l of lines) {
    if (!l.startsWith(`${keyword} `)) continue;
    n++;
    const m = /^\S+ (\d+) pessoas (?:entraram|sairam) \((\d+) online\): (.+)$/.exec(l);
    count += m ? Number(m[1]) : 1;
  }
  return { count, lines: n };
}

Deno.test("LocalRoom in a large room summarizes joins and leaves, each member told of all after it (P1)", async () => {
  const timers = new ManualTimers();
  const room = new LocalRoom({ crowd: 3, crowdIntervalMs: 1000, timers });
  const members = Array.from({ length: 12 }, (_, i) => new Recorder(`m${i}`));
  for (const m of members) assert.equal(await room.join(m), true);
  for (let i = 0; i < 3; i++) await room.leave(members[i]!);
  const before = members[3]!.lines.filter((l) => /pessoas/.test(l));
  assert.deepEqual(before, [], "no summary before its second");
  timers.advance(1000);
  assert.equal(timers.waiting, 0, "the timer stops once the summaries are out");
  const online = members.slice(3);
  online.forEach((m, i) => {
    const index = i + 3;
    const joins = told(m.lines, "ENTROU");
    assert.equal(joins.count, 12 - index - 1, `${m.nick}: ${m.lines.join(" | ")}`);
    assert.ok(joins.lines <= 2, `${m.nick} got ${joins.lines} ENTROU lines`);
    assert.equal(told(m.lines, "SAIU").count, 3, `${m.nick}: ${m.lines.join(" | ")}`);
  });
  const first = online[0]!.lines.find((l) => /pessoas entraram/.test(l));
  assert.match(first!, /^ENTROU \d+ pessoas entraram \(\d+ online\): m\d+, m\d+, m\d+ e mais \d+$/);
  assert.ok(
    online[0]!.lines.some((l) => /^SAIU 3 pessoas sairam \(9 online\): m0, m1, m2$/.test(l)),
  );
  await room.close();
});

Deno.test("LocalRoom summaries net each nickname and keep a removal as its own line (P1, C3)", async () => {
  const timers = new ManualTimers();
  const room = new LocalRoom({ crowd: 2, crowdIntervalMs: 1000, timers });
  const [ana, yuri, kim, zoe] = ["ana", "yuri", "kim", "zoe"].map((n) => new Recorder(n)) as [
    Recorder,
    Recorder,
    Recorder,
    Recorder,
  ];
  for (const m of [ana, yuri, kim, zoe]) await room.join(m);
  timers.advance(1000);
  ana.clear();
  await room.leave(yuri);
  const back = new Recorder("yuri");
  await room.join(back);
  await room.leave(kim, true);
  timers.advance(1000);
  assert.deepEqual(ana.lines, ["SAIU kim foi removido pelo professor"], ana.lines.join(" | "));
  await room.close();
});
