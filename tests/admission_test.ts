/**
 * One student's loop cannot lock the class out (issue 15, L5, L6): idle
 * connections without a nickname are capped per address and in all, a
 * newcomer from another address joins through the flood, a class behind one
 * address joins at once, and the room goes on chatting. Over real sockets:
 * the flood from 127.0.0.1, the newcomer from 127.0.0.2 (Linux routes all of
 * 127.0.0.0/8 to loopback).
 */
import assert from "node:assert/strict";
import { Admission, PRESSURE_NICK_TIMEOUT_MS } from "../server/admission.ts";
import { startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { until } from "./wait.ts";

/** Opens `n` connections from one address that never send a nickname; returns them. */
async function flood(port: number, n: number, from?: string): Promise<LineClient[]> {
  const out: LineClient[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await LineClient.connect(port, from === undefined ? { keepRaw: false } : { from }));
  }
  return out;
}

Deno.test("a flood of idle sockets from one address is contained; others still join (issue 15)", async () => {
  await using srv = startServer({ maxClients: 200, maxPendingPerIp: 16 });
  await using ana = await join(srv.port, "ana", { from: "127.0.0.2" });
  await using bob = await join(srv.port, "bob", { from: "127.0.0.2" });
  const idle = await flood(srv.port, 40);
  try {
    for (const c of idle.slice(0, 16)) await c.expect("APELIDO");
    for (const c of idle.slice(16)) {
      assert.equal(
        await c.line(),
        "ERRO 11 Servidor cheio: conexoes demais sem apelido deste endereco",
      );
      await c.closed();
    }
    // The room carries on through it.
    await ana.send(":ainda aqui");
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: ainda aqui");
    // A newcomer from another address joins at once.
    await using _carol = await join(srv.port, "carol", { from: "127.0.0.3" });
    assert.equal(await ana.expect("ENTROU carol"), "ENTROU carol entrou no chat");
    // One log line for the episode, not one per socket.
    const refused = srv.logs.filter((l) =>
      l.startsWith("refused ") && l.includes("tooManyWaitingHere")
    );
    assert.equal(refused.length, 1, srv.logs.join("\n"));
  } finally {
    for (const c of idle) await c.close();
  }
  // Once the idle ones are gone, the address is welcome again.
  await until(() => srv.server.stats.open <= 2, () => `${srv.server.stats.open} open`);
  assert.equal(srv.server.stats.open, 2);
  await using late = await join(srv.port, "late");
  assert.ok(
    srv.logs.some((l) => l.startsWith("eased: tooManyWaitingHere 127.0.0.1, 23 more")),
    srv.logs.join("\n"),
  );
  assert.ok(srv.server.nicks().includes("late"), srv.server.nicks().join());
  await late.send("{quit}");
  await late.expect("TCHAU");
});

Deno.test("the cap on connections without a nickname in all leaves room for registered users (issue 15)", async () => {
  await using srv = startServer({ maxClients: 100, maxPendingPerIp: 0, maxPending: 10 });
  const idle = [...await flood(srv.port, 5, "127.0.0.4"), ...await flood(srv.port, 5, "127.0.0.5")];
  try {
    for (const c of idle) await c.expect("APELIDO");
    await using refused = await LineClient.connect(srv.port, { from: "127.0.0.6" });
    assert.equal(await refused.line(), "ERRO 11 Servidor cheio: conexoes demais esperando apelido");
    await refused.closed();
    await idle[0]!.send("eve");
    await idle[0]!.expect("BEMVINDO");
    await using frank = await join(srv.port, "frank", { from: "127.0.0.6" });
    await frank.send("{users}");
    assert.match(await frank.expect("USUARIOS"), /\bfrank$/);
  } finally {
    for (const c of idle) await c.close();
  }
});

Deno.test("a class of 40 behind one address joins at once with the defaults (issue 15)", async () => {
  await using srv = startServer();
  await using teacher = await join(srv.port, "prof", { from: "127.0.0.2" });
  const told = (n: number) => teacher.received.filter((l) => l.startsWith("ENTROU")).length >= n;
  const students = await flood(srv.port, 40);
  try {
    await Promise.all(students.map(async (c, i) => {
      await c.expect("APELIDO");
      await c.send(`aluno${i}`);
      await c.expect("BEMVINDO");
    }));
    assert.equal(srv.server.nicks().length, 41);
    assert.ok(!srv.logs.some((l) => l.startsWith("refused ")), srv.logs.join("\n"));
    await teacher.waitFor(() => told(40), "the teacher told of 40 students");
  } finally {
    for (const c of students) await c.close();
  }
});

Deno.test("Admission: the nickname timeout shortens under pressure (L6)", async (t) => {
  const log: string[] = [];
  const limits = {
    maxClients: 1000,
    maxPerIp: 0,
    maxPendingPerIp: 8,
    maxPending: 20,
    nickTimeoutMs: 60_000,
  };
  await t.step("per address: past three quarters of its cap", () => {
    const a = new Admission(limits, (l) => log.push(l));
    const timeouts = Array.from({ length: 8 }, () => a.opened("10.0.0.1"));
    assert.deepEqual(timeouts.slice(0, 6), Array(6).fill(60_000));
    assert.deepEqual(timeouts.slice(6), [PRESSURE_NICK_TIMEOUT_MS, PRESSURE_NICK_TIMEOUT_MS]);
    assert.equal(a.admit("10.0.0.1", "10.0.0.1:1"), "tooManyWaitingHere");
    assert.equal(a.admit("10.0.0.2", "10.0.0.2:1"), undefined);
    a.registered("10.0.0.1");
    assert.equal(a.admit("10.0.0.1", "10.0.0.1:2"), undefined);
  });
  await t.step("in all: past half the total cap", () => {
    const a = new Admission(limits, () => {});
    const timeouts = Array.from({ length: 12 }, (_, i) => a.opened(`10.0.1.${i}`));
    assert.deepEqual(timeouts.slice(0, 10), Array(10).fill(60_000));
    assert.deepEqual(timeouts.slice(10), [PRESSURE_NICK_TIMEOUT_MS, PRESSURE_NICK_TIMEOUT_MS]);
    for (let i = 0; i < 12; i++) a.closed(`10.0.1.${i}`, true);
    assert.equal(a.pending, 0);
    assert.equal(a.opened("10.0.1.0"), 60_000);
  });
  await t.step("an episode is logged when it starts and when it eases", () => {
    const lines: string[] = [];
    const a = new Admission(limits, (l) => lines.push(l));
    for (let i = 0; i < 8; i++) a.opened("10.0.2.1");
    for (let i = 0; i < 5; i++) a.admit("10.0.2.1", `10.0.2.1:${i}`);
    assert.equal(lines.length, 1);
    for (let i = 0; i < 4; i++) a.closed("10.0.2.1", true);
    assert.deepEqual(lines.slice(1), [
      "eased: tooManyWaitingHere 10.0.2.1, 4 more connections refused meanwhile",
    ]);
  });
});
