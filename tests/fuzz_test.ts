/**
 * Random input from many clients over real TCP on 127.0.0.1, port 0 (L1-L4):
 * the server survives it and keeps its room exact. The input comes from a
 * seeded PRNG, so a failing run can be repeated. Every loop is bounded;
 * nothing asserts on time.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { pause } from "./wait.ts";

const encoder = new TextEncoder();

/** A small seeded PRNG (mulberry32), so that a failing run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a fuzzing client may send: the vocabulary, broken vocabulary, and noise. */
function fuzzLine(rand: () => number, nicks: string[]): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const text = () =>
    Array.from({ length: Math.floor(rand() * 40) }, () => pick("abc xyz:{}!é".split(""))).join("");
  const r = rand();
  if (r < 0.2) {
    // random bytes, any value
    return new Uint8Array(
      Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)),
    );
  }
  if (r < 0.3) {
    // random printable ASCII with line endings
    const chars = " abc:{}\r\n\t\x08\x7f\x1b[";
    return encoder.encode(
      Array.from({ length: 1 + Math.floor(rand() * 100) }, () => pick(chars.split(""))).join(""),
    );
  }
  if (r < 0.35) return encoder.encode("z".repeat(900 + Math.floor(rand() * 300)) + "\n");
  if (r < 0.4) {
    return new Uint8Array([
      0xff,
      pick([0xfb, 0xfc, 0xfd, 0xfe, 0xfa, 0xf0, 0xff, 0x0a]),
      Math.floor(rand() * 256),
    ]);
  }
  if (r < 0.42) return encoder.encode(pick(["quit", "{quit}", "QUIT "]) + "\n");
  const line = pick([
    () => `:${text()}`,
    () => `${pick(nicks)}:${text()}`,
    () => `${pick(nicks)}`,
    () => `${pick(nicks).toUpperCase()}:${text()}`,
    () => "{users}",
    () => "{help}",
    () => "",
    () => ":",
    () => "\x1b[31m:red",
    () => "shutdown",
    () => "PUBLICA x: forged",
  ])();
  return encoder.encode(line + pick(["\n", "\r\n", "\r", "\r\x00"]));
}

async function fuzz(
  seed: number,
  options: { floodBurst: number; floodRate?: number },
): Promise<void> {
  const rand = prng(seed);
  await using srv = startServer({ ...options, maxQueueBytes: 1024 * 1024 });
  await using observer = await join(srv.port, "observer");
  const slots = 20;
  const iterations = 50;
  const nicks = Array.from({ length: 12 }, (_, i) => `n${i}`).concat(["observer", "zed", "N1"]);
  const live: LineClient[] = [];
  const all: LineClient[] = [];
  const connect = async () => {
    const c = await LineClient.connect(srv.port, { keepRaw: false });
    all.push(c);
    return c;
  };
  await Promise.all(Array.from({ length: slots }, async (_, slot) => {
    let c = await connect();
    for (let i = 0; i < iterations; i++) {
      const action = rand();
      if (c.ended || action < 0.03) {
        await c.close();
        c = await connect();
        continue;
      }
      const data = fuzzLine(rand, nicks);
      // split at random points into several writes
      const cuts = [
        0,
        ...Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * data.length))
          .sort((a, b) => a - b),
        data.length,
      ];
      try {
        for (let k = 1; k < cuts.length; k++) {
          if (cuts[k]! > cuts[k - 1]!) await c.sendRaw(data.subarray(cuts[k - 1]!, cuts[k]!));
        }
      } catch {
        // the server closed it ({quit}); the next iteration reconnects
      }
      if (rand() < 0.1) await pause(1);
    }
    live[slot] = c;
  }));

  // Settle each live client: end any telnet subnegotiation and unfinished line,
  // then ask two questions whose answers are unique to this client.
  const expected = ["observer"];
  await Promise.all(live.map(async (c, slot) => {
    const probe = `zzprobe${slot}`;
    try {
      // (and IAC DONT ECHO: random bytes may have asked the server to echo, S2)
      await c.sendRaw(new Uint8Array([0xff, 0xf0, 0xff, 0xf0, 0xff, 0xfe, 0x01, 0x0a]));
      await c.send(`${probe}:x`);
      await c.send(`probe${slot}`);
    } catch {
      // already closed by the server
    }
    await c.waitFor(
      () =>
        c.ended ||
        c.received.some((l) =>
          l.endsWith(`: ${probe}`) || l.endsWith(`BEMVINDO Bem-vindo ao papo, probe${slot}!`)
        ),
      `the answer to ${probe}`,
    ).catch((e) => {
      if (!c.ended) throw e;
    });
    if (c.ended) return;
    // An echo for telnet's character mode may stand before a line (`\r ESC [K`).
    const welcome = c.received.filter((l) => l.includes("BEMVINDO Bem-vindo ao papo, ")).at(-1);
    assert.ok(welcome, `client ${slot} answered ${probe} without being registered`);
    expected.push(/, ([^ ]+)!$/.exec(welcome)![1]!);
  }));

  // Everyone the observer saw enter and not leave is exactly who is online.
  const observed = () => {
    const online = new Set<string>(["observer"]);
    for (const l of observer.received) {
      const m = /^(ENTROU|SAIU) (\S+) /.exec(l);
      if (m?.[1] === "ENTROU") online.add(m[2]!);
      else if (m) online.delete(m[2]!);
    }
    return [...online].sort();
  };
  expected.sort();
  await observer.waitFor(
    () => JSON.stringify(observed()) === JSON.stringify(expected),
    "the room to settle",
  );
  assert.deepEqual([...srv.server.nicks()].sort(), expected);

  // The server still works: a new client registers and a message routes.
  await using fresh = await join(srv.port, "fresh");
  await fresh.send(":after fuzz");
  await observer.expect("PUBLICA fresh: after fuzz");
  await fresh.send("observer:psst");
  assert.equal(await observer.expect("PRIVADA"), "PRIVADA Mensagem recebida de: fresh: psst");
  await fresh.expect("OK Mensagem enviada");
  assert.deepEqual([...srv.server.nicks()].sort(), [...expected, "fresh"].sort());
  assert.ok(
    !srv.logs.some((l) => l.startsWith("session failed") || l.startsWith("error ")),
    srv.logs.filter((l) => l.startsWith("session failed") || l.startsWith("error ")).join("\n"),
  );

  for (const c of all) await c.close();
}

Deno.test("ChatServer survives random input from many clients and keeps its room exact (L1-L4)", async (t) => {
  await t.step("flood control off, seed 1", () => fuzz(1, { floodBurst: 0 }));
  await t.step("flood control off, seed 2", () => fuzz(2, { floodBurst: 0 }));
  await t.step("flood control on, seed 3", () => fuzz(3, { floodBurst: 5, floodRate: 200 }));
});
