/**
 * P4: a session on Redis does not wait for each round trip (server/pipeline.ts).
 * Many lines in one write, more than the pipeline holds, public and private,
 * across two nodes, with a real redis-server: every reply comes back in the
 * order of the lines, every message arrives once and in order, and a command
 * after them waits for them. Skipped, saying why, where redis-server is not
 * installed.
 */
import assert from "node:assert/strict";
import { join, LineClient } from "./line_client.ts";
import { hasRedis, RedisServer, sayIfSkipped, startNode } from "./redis_helpers.ts";
import { Pipeline, PIPELINE_DEPTH } from "../server/pipeline.ts";
import type { Caller } from "../server/commands.ts";

sayIfSkipped("tests/redis_scale_test.ts");

const N = PIPELINE_DEPTH * 2 + 7;

Deno.test({
  name: "RedisRoom: lines in flight answer in order, across two nodes (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = "scale:";
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await using eva = await join(a.port, "eva");
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      lines.push(`bob:p${i}`, `:m${i}`);
      if (i === 3) lines.push("ninguem:perdido"); // ERRO 02 in its place
      if (i === 5) lines.push("eva:local"); // a target on the sender's own node
    }
    lines.push("{users}");
    await ana.send(lines.join("\n"));
    const users = await ana.expect("USUARIOS");
    assert.equal(
      users.replace(/^USUARIOS 3 online: /, "").split(", ").sort().join(),
      "ana,bob,eva",
    );
    // ana's own replies, in the order of her lines: OK x4, ERRO 02, OK x2, then the rest.
    const replies = ana.received.filter((l) => l.startsWith("OK") || l.startsWith("ERRO"));
    assert.equal(replies.length, N + 2);
    assert.match(replies[4]!, /^ERRO 02 /);
    replies.splice(4, 1);
    assert.ok(replies.every((l) => l === "OK Mensagem enviada"), replies.join("\n"));
    // {users} came after every message had been answered.
    const at = ana.received.indexOf(users);
    assert.equal(ana.received.slice(at).filter((l) => l.startsWith("OK")).length, 0);
    // Everyone else got every message once, in order (a sender does not get its own).
    const want = Array.from({ length: N }, (_, i) => `PUBLICA ana: m${i}`);
    await bob.waitFor(() => bob.received.includes(want.at(-1)!), "the last public message");
    await eva.waitFor(() => eva.received.includes(want.at(-1)!), "the last public message");
    for (const c of [bob, eva]) {
      assert.deepEqual(c.received.filter((l) => l.startsWith("PUBLICA ana")), want);
    }
    assert.deepEqual(
      bob.received.filter((l) => l.startsWith("PRIVADA")),
      Array.from({ length: N }, (_, i) => `PRIVADA Mensagem recebida de: ana: p${i}`),
    );
    assert.deepEqual(eva.received.filter((l) => l.startsWith("PRIVADA")), [
      "PRIVADA Mensagem recebida de: ana: local",
    ]);
  },
});

Deno.test({
  name: "RedisRoom: a client that leaves with lines in flight: they are sent, then it leaves (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = "scale2:";
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a", floodBurst: 0 });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b", floodBurst: 0 });
    await using bob = await join(b.port, "bob");
    const ana = await join(a.port, "ana");
    const lines = Array.from({ length: N }, (_, i) => `:m${i}`);
    await ana.send([...lines, "{quit}"].join("\n"));
    await ana.expect("TCHAU");
    await ana.closed();
    await ana.close();
    const left = await bob.expect("SAIU");
    const got = bob.received.slice(0, bob.received.indexOf(left));
    assert.deepEqual(
      got.filter((l) => l.startsWith("PUBLICA")),
      lines.map((l) => `PUBLICA ana: ${l.slice(1)}`),
    );
  },
});

Deno.test("Pipeline: lines start at once, reply in order, and the 64th waits (P4)", async () => {
  const sent: string[] = [];
  const caller = { send: (b: Uint8Array) => sent.push(new TextDecoder().decode(b)) };
  const pipe = new Pipeline(caller as unknown as Caller);
  const ends: (() => void)[] = [];
  const started: number[] = [];
  for (let i = 0; i < PIPELINE_DEPTH - 1; i++) {
    const full = pipe.start((c) => {
      started.push(i);
      return new Promise<void>((resolve) => ends.push(resolve)).then(() => c.send(encode(`${i}`)));
    });
    assert.equal(full, undefined, "room for more");
  }
  assert.equal(started.length, PIPELINE_DEPTH - 1, "every line started without waiting");
  const full = pipe.start((c) => c.send(encode("last")));
  assert.ok(full instanceof Promise, "the window is full");
  ends[2]!();
  ends[1]!();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(sent, [], "line 0 has not replied: nothing leaves");
  const drained = pipe.drain();
  ends[0]!();
  await full;
  for (const end of ends) end();
  await drained;
  assert.deepEqual(sent, [...Array.from({ length: PIPELINE_DEPTH - 1 }, (_, i) => `${i}`), "last"]);
  assert.equal(pipe.drain(), undefined);
});

function encode(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Runs one command with redis-cli (installed with redis-server); its output lines. */
async function cli(port: number, ...args: string[]): Promise<string[]> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

Deno.test({
  name: "RedisRoom: a private message answered OK whose target left before its node read it: " +
    "ERRO 02 comes late, never silence (P4)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = "scale3:";
    await using a = await startNode(redis.url, { prefix: p, nodeName: "a" });
    await using b = await startNode(redis.url, { prefix: p, nodeName: "b" });
    await using ana = await join(a.port, "ana");
    await using bob = await join(b.port, "bob");
    await ana.send("bob:oi");
    assert.equal(await ana.expect("OK"), "OK Mensagem enviada");
    assert.equal(await bob.expect("PRIVADA"), "PRIVADA Mensagem recebida de: ana: oi");
    // What the whisper script adds for a target that is gone when b reads it.
    const members = await cli(redis.port, "HGETALL", `${p}members`);
    const anaId = members[members.findIndex((v) => v.includes('"n":"ana"')) - 1]!;
    await cli(
      redis.port,
      ...["XADD", `${p}inbox:${b.room.node}`, "*", "t", "w", "o", a.room.node],
      ...["m", `${b.room.idPrefix}999\nana\n${anaId}\nZeca\ntarde`],
    );
    assert.match(await ana.expect("ERRO"), /^ERRO 02 .*: Zeca$/);
  },
});

/** What a client's lines tell of leaves: one per line, or a summary's count. */
function leavesTold(lines: string[]): number {
  let n = 0;
  for (const l of lines) {
    if (!l.startsWith("SAIU ")) continue;
    const m = /^SAIU (\d+) pessoas sairam \(\d+ online\): /.exec(l);
    n += m ? Number(m[1]) : 1;
  }
  return n;
}

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

Deno.test({
  name: "RedisRoom --crowd: a large room on two nodes is told of joins and leaves in " +
    "summaries, each client of every later one exactly (P1, P4, issue 23)",
  ignore: !hasRedis,
  async fn() {
    await using redis = await RedisServer.start();
    const p = "crowd:";
    const opts = { prefix: p, crowd: 10, crowdIntervalMs: 50, maxPendingPerIp: 0, floodBurst: 0 };
    await using a = await startNode(redis.url, { ...opts, nodeName: "a" });
    await using b = await startNode(redis.url, { ...opts, nodeName: "b" });
    const total = 40;
    const clients: LineClient[] = [];
    try {
      for (let i = 0; i < total; i++) {
        clients.push(await LineClient.connect(i % 2 === 0 ? a.port : b.port));
      }
      await Promise.all(clients.map(async (c, i) => {
        await c.expect("APELIDO");
        await c.send(`c${i}`);
        await c.expect("BEMVINDO");
      }));
      await Promise.all(clients.map(async (c) => {
        const list = await c.expect("USUARIOS");
        const k = Number(/^USUARIOS (\d+) online/.exec(list)![1]);
        await c.waitFor(() => joinsTold(c.received) >= total - k, `${total - k} joins told`);
        assert.equal(joinsTold(c.received), total - k, c.received.join("\n"));
      }));
      const summaries = clients.flatMap((c) =>
        c.received.filter((l) => /pessoas entraram/.test(l))
      );
      assert.ok(summaries.length > 0, "the room summarized");
      for (const s of summaries) {
        assert.match(
          s,
          /^ENTROU \d+ pessoas entraram \(\d+ online\): c\d+(, c\d+)*( e mais \d+)?$/,
        );
      }
      // Half of them leave, from both nodes: the others are told of each, in summaries.
      const gone = clients.splice(total / 2);
      for (const c of gone) await c.close();
      await Promise.all(clients.map(async (c) => {
        await c.waitFor(() => leavesTold(c.received) >= gone.length, "every leave told");
        assert.equal(leavesTold(c.received), gone.length, c.received.join("\n"));
      }));
      const leaves = clients.flatMap((c) => c.received.filter((l) => /pessoas sairam/.test(l)));
      assert.ok(leaves.length > 0, "the leaves summarized");
      for (const s of leaves) {
        assert.match(s, /^SAIU \d+ pessoas sairam \(\d+ online\): c\d+(, c\d+)*( e mais \d+)?$/);
      }
      for (const c of gone) clients.push(c);
    } finally {
      for (const c of clients) await c.close();
    }
  },
});
