/**
 * The server over real TCP on 127.0.0.1, port 0 (S4-S13, X1, L3): what a
 * client sees, what everyone else sees, and what the server logs. Bad input
 * (S1, S2, L1, L2) is `server_input_test.ts`.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { HELP_LINES, HOW_TO_LINE } from "../protocol.ts";
import {
  assertNothingElse,
  ERR_EMPTY,
  ERR_NICK_RESERVED,
  ERR_NICK_RULES,
  ERR_SHUTDOWN,
  ERR_UNKNOWN,
} from "./server_asserts.ts";

const encoder = new TextEncoder();

Deno.test("ChatServer asks for the nickname with a complete line containing apelido (S4)", async () => {
  await using srv = startServer();
  await using c = await LineClient.connect(srv.port);
  const line = await c.line();
  assert.equal(line, "APELIDO Digite seu apelido (ou {quit} para sair)");
  assert.match(line, /apelido/);
  const raw = String.fromCharCode(...c.raw);
  assert.ok(raw.startsWith(line + "\r\n"), JSON.stringify(raw));
});

Deno.test("ChatServer welcomes a user and lists who is online, the user included (S10)", async () => {
  await using srv = startServer();
  await using alice = await LineClient.connect(srv.port);
  await alice.expect("APELIDO");
  await alice.send("  alice  ");
  assert.equal(await alice.line(), "BEMVINDO Bem-vindo ao papo, alice!");
  assert.equal(await alice.line(), "USUARIOS 1 online: alice");
  assert.equal(await alice.line(), HOW_TO_LINE.trimEnd(), "then how to talk (issue 10)");
  await using bob = await LineClient.connect(srv.port);
  await bob.expect("APELIDO");
  await bob.send("bob");
  assert.equal(await bob.line(), "BEMVINDO Bem-vindo ao papo, bob!");
  assert.equal(await bob.line(), "USUARIOS 2 online: alice, bob");
  assert.equal(await bob.line(), HOW_TO_LINE.trimEnd());
  assert.equal(await alice.line(), "ENTROU bob entrou no chat");
  assert.deepEqual(srv.server.nicks(), ["alice", "bob"]);
});

Deno.test("ChatServer refuses a nickname in use without regard to case, then accepts another (S10)", async (t) => {
  await using srv = startServer();
  await using alice = await join(srv.port, "Alice");
  await using shut = await join(srv.port, "shutdown");
  assert.equal(await alice.line(), "ENTROU shutdown entrou no chat");
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await t.step("ERRO 01 for each spelling", async () => {
    for (const nick of ["alice", "ALICE", "Alice", "aLiCe"]) {
      await c.send(nick);
      assert.equal(await c.line(), `ERRO 01 Esse apelido ja esta em uso: ${nick}`);
    }
  });
  await t.step("ERRO 01 names a nickname spelled like a detail's name", async () => {
    await c.send("shutdown");
    assert.equal(await c.line(), "ERRO 01 Esse apelido ja esta em uso: shutdown");
  });
  await t.step("the next free nickname is accepted", async () => {
    await c.send("alice2");
    assert.equal(await c.line(), "BEMVINDO Bem-vindo ao papo, alice2!");
    assert.equal(await c.line(), "USUARIOS 3 online: Alice, shutdown, alice2");
  });
  assert.equal(await alice.line(), "ENTROU alice2 entrou no chat");
  await assertNothingElse(alice);
  assert.deepEqual(srv.server.nicks(), ["Alice", "shutdown", "alice2"]);
  await assertNothingElse(shut, "ENTROU alice2 entrou no chat");
});

Deno.test("ChatServer refuses an invalid nickname with ERRO 06 and asks again (S10, L3)", async (t) => {
  await using srv = startServer();
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  const table: [string, string][] = [
    ["a b", ERR_NICK_RULES],
    ["x".repeat(17), ERR_NICK_RULES],
    ["al!ce", ERR_NICK_RULES],
    ["alice:", ERR_NICK_RULES],
    [":alice", ERR_NICK_RULES],
    ["{users}", ERR_NICK_RULES],
    ["quit", ERR_NICK_RESERVED],
    ["QUIT", ERR_NICK_RESERVED],
    ["users", ERR_NICK_RESERVED],
  ];
  for (const [nick, want] of table) {
    await t.step(JSON.stringify(nick), async () => {
      await c.send(nick);
      assert.equal(await c.line(), want);
    });
  }
  await t.step("an empty line is ignored at the prompt", async () => {
    await c.send("");
    await c.send("   ");
    await c.send("x".repeat(16));
    assert.equal(await c.line(), `BEMVINDO Bem-vindo ao papo, ${"x".repeat(16)}!`);
  });
  assert.deepEqual(srv.server.nicks(), ["x".repeat(16)]);
});

Deno.test("ChatServer closes the connection on {quit} at the nickname prompt (S7)", async (t) => {
  for (const word of ["{quit}", "{QUIT}", " {quit} "]) {
    await t.step(word, async () => {
      await using srv = startServer();
      await using alice = await join(srv.port, "alice");
      await using c = await LineClient.connect(srv.port);
      await c.expect("APELIDO");
      await c.send(word);
      assert.equal(await c.line(), "TCHAU Ate logo");
      await c.closed();
      assert.deepEqual(c.rest(), []);
      await assertNothingElse(alice);
      assert.deepEqual(srv.server.nicks(), ["alice"]);
    });
  }
});

Deno.test("ChatServer routes a public message to everyone else, the sender attached (S5, S12)", async (t) => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await using cid = await join(srv.port, "cid");
  await alice.expect("ENTROU cid");
  await bob.expect("ENTROU cid");
  await t.step("everyone but the sender gets it", async () => {
    await alice.send(":hello all");
    assert.equal(await bob.line(), "PUBLICA alice: hello all");
    assert.equal(await cid.line(), "PUBLICA alice: hello all");
    await assertNothingElse(alice);
  });
  await t.step("the text is kept as typed, colons and spaces included", async () => {
    await bob.send(":  bob: fake: text ");
    assert.equal(await alice.line(), "PUBLICA bob:   bob: fake: text ");
    assert.equal(await cid.line(), "PUBLICA bob:   bob: fake: text ");
  });
  await t.step("a line forged as a server line is an invalid command", async () => {
    for (const forged of ["PUBLICA bob: I am bob", "PRIVADA Mensagem recebida de: bob: x"]) {
      await alice.send(forged);
      assert.equal(await alice.line(), ERR_UNKNOWN);
    }
    await alice.send(":sync");
    assert.equal(await bob.line(), "PUBLICA alice: sync");
    assert.equal(await cid.line(), "PUBLICA alice: sync");
  });
});

Deno.test("ChatServer routes a private message to its target only and tells the sender (S6, S12)", async (t) => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "Bob");
  await using cid = await join(srv.port, "cid");
  await alice.expect("ENTROU cid");
  await bob.expect("ENTROU cid");
  await t.step("target gets PRIVADA, sender gets OK", async () => {
    await alice.send("Bob:hi there: you");
    assert.equal(await bob.line(), "PRIVADA Mensagem recebida de: alice: hi there: you");
    assert.equal(await alice.line(), "OK Mensagem enviada");
  });
  await t.step("the target matches without regard to case", async () => {
    await alice.send("bOB: again");
    assert.equal(await bob.line(), "PRIVADA Mensagem recebida de: alice:  again");
    assert.equal(await alice.line(), "OK Mensagem enviada");
  });
  await t.step("nobody else gets it", async () => {
    await assertNothingElse(cid);
    await assertNothingElse(alice);
  });
  await t.step("ERRO 02 for a user not online, and nobody gets anything", async () => {
    for (const to of ["zed", "refused", "shutdown", "nickRules"]) {
      await alice.send(`${to}:hi`);
      assert.equal(await alice.line(), `ERRO 02 Destino da mensagem privada nao existe: ${to}`);
    }
    await assertNothingElse(bob);
    await assertNothingElse(cid);
  });
  await t.step("ERRO 07 for an empty private message", async () => {
    await alice.send("bob:   ");
    assert.equal(await alice.line(), ERR_EMPTY);
  });
});

Deno.test("ChatServer answers {users} and {help} (X1)", async (t) => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await alice.expect("ENTROU bob");
  await t.step("{users}", async () => {
    for (const cmd of ["{users}", "{USERS}", " {users} "]) {
      await alice.send(cmd);
      assert.equal(await alice.line(), "USUARIOS 2 online: alice, bob");
    }
  });
  await t.step("{help}", async () => {
    const want = HELP_LINES.split("\r\n").slice(0, -1);
    await bob.send("{help}");
    const got: string[] = [];
    for (const _ of want) got.push(await bob.line());
    assert.deepEqual(got, want);
    await assertNothingElse(bob);
    await assertNothingElse(alice);
  });
});

Deno.test("ChatServer says goodbye on {quit} and quit, closes, and tells the others (S7, S11)", async (t) => {
  for (const word of ["{quit}", "quit", "QUIT", "{Quit}"]) {
    await t.step(word, async () => {
      await using srv = startServer();
      await using alice = await join(srv.port, "alice");
      await using bob = await join(srv.port, "bob");
      await alice.expect("ENTROU bob");
      await bob.send(`${word}\n:after quitting`);
      assert.equal(await bob.line(), "TCHAU Ate logo, bob");
      await bob.closed();
      assert.deepEqual(bob.rest(), []);
      assert.equal(await alice.line(), "SAIU bob saiu do chat");
      await assertNothingElse(alice);
      assert.deepEqual(srv.server.nicks(), ["alice"]);
      assert.ok(
        srv.logs.some((l) => l.includes(" bob ") && l.includes("quit")),
        srv.logs.join("\n"),
      );
    });
  }
});

Deno.test("ChatServer tells everyone when a user joins and leaves (S11)", async () => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  const bob = await join(srv.port, "bob");
  assert.equal(await alice.line(), "ENTROU bob entrou no chat");
  await using cid = await join(srv.port, "cid");
  assert.equal(await alice.line(), "ENTROU cid entrou no chat");
  assert.equal(await bob.line(), "ENTROU cid entrou no chat");
  await bob.send("quit");
  await bob.closed();
  await bob.close();
  assert.equal(await alice.line(), "SAIU bob saiu do chat");
  assert.equal(await cid.line(), "SAIU bob saiu do chat");
  await using bob2 = await join(srv.port, "BOB");
  assert.equal(await alice.line(), "ENTROU BOB entrou no chat");
  assert.deepEqual(srv.server.nicks(), ["alice", "cid", "BOB"]);
  await assertNothingElse(bob2);
});

Deno.test("ChatServer announces a departure by end of input, by close and by reset (S11)", async (t) => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await t.step("end of input (half close)", async () => {
    await using bob = await join(srv.port, "bob");
    assert.equal(await alice.line(), "ENTROU bob entrou no chat");
    await bob.closeWrite();
    await bob.closed();
    assert.equal(await alice.line(), "SAIU bob saiu do chat");
  });
  await t.step("close", async () => {
    const cid = await join(srv.port, "cid");
    assert.equal(await alice.line(), "ENTROU cid entrou no chat");
    await cid.close();
    assert.equal(await alice.line(), "SAIU cid saiu do chat");
  });
  await t.step("reset: closed with unread bytes", async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    // Read one byte of the prompt so that the rest is surely there, unread.
    assert.equal(await conn.read(new Uint8Array(1)), 1);
    await conn.write(encoder.encode("dave\n"));
    assert.equal(await alice.line(), "ENTROU dave entrou no chat");
    conn.close();
    assert.equal(await alice.line(), "SAIU dave saiu do chat");
  });
  await t.step("while still at the nickname prompt: nobody is told", async () => {
    const eve = await LineClient.connect(srv.port);
    await eve.expect("APELIDO");
    await eve.close();
    await assertNothingElse(alice);
  });
  assert.deepEqual(srv.server.nicks(), ["alice"]);
  for (const nick of ["bob", "cid", "dave"]) {
    assert.ok(
      srv.logs.some((l) => l.startsWith("leave ") && l.includes(` ${nick} `)),
      `no departure of ${nick} in the log:\n${srv.logs.join("\n")}`,
    );
  }
});

Deno.test("ChatServer logs connections, nicknames and departures, not private text (S9)", async (t) => {
  await t.step("default: no message text", async () => {
    await using srv = startServer();
    const alice = await join(srv.port, "alice");
    const bob = await join(srv.port, "bob");
    await alice.expect("ENTROU bob");
    const alicePeer = `127.0.0.1:${alice.localPort}`;
    const bobPeer = `127.0.0.1:${bob.localPort}`;
    await alice.send("bob:the secret word is swordfish");
    await alice.expect("OK");
    await alice.send(":a public remark");
    await bob.expect("PUBLICA");
    await alice.send("quit");
    await alice.closed();
    await alice.close();
    await bob.expect("SAIU alice");
    await bob.close();
    await srv.stop();
    const logs = srv.logs.join("\n");
    for (const peer of [alicePeer, bobPeer]) {
      assert.ok(srv.logs.some((l) => l.startsWith("connect ") && l.includes(peer)), logs);
    }
    assert.ok(
      srv.logs.some((l) => l.includes(alicePeer) && /\balice\b/.test(l) && l.startsWith("nick")),
      logs,
    );
    assert.ok(
      srv.logs.some((l) => l.startsWith("leave ") && l.includes(alicePeer) && l.includes("alice")),
      logs,
    );
    assert.ok(
      srv.logs.some((l) => l.startsWith("leave ") && l.includes(bobPeer) && l.includes("bob")),
      logs,
    );
    assert.ok(!logs.includes("swordfish"), logs);
    assert.ok(!logs.includes("public remark"), logs);
  });
  await t.step("logMessages: the text too", async () => {
    await using srv = startServer({ logMessages: true });
    await using alice = await join(srv.port, "alice");
    await using bob = await join(srv.port, "bob");
    await alice.expect("ENTROU bob");
    await alice.send("bob:the secret word is swordfish");
    await alice.expect("OK");
    await alice.send(":a public remark");
    await bob.expect("PUBLICA");
    const logs = srv.logs.join("\n");
    assert.ok(logs.includes("swordfish"), logs);
    assert.ok(logs.includes("public remark"), logs);
  });
});

Deno.test("ChatServer.shutdown() sends ERRO 03 to every client and closes them (S13)", async () => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await using pending = await LineClient.connect(srv.port);
  await pending.expect("APELIDO");
  await alice.expect("ENTROU bob");
  await srv.stop();
  for (const c of [alice, bob, pending]) {
    assert.equal(await c.line(), ERR_SHUTDOWN);
    await c.closed();
    assert.deepEqual(c.rest(), []);
  }
  await srv.server.finished;
  assert.equal(srv.server.stats.open, 0);
  assert.equal(srv.server.stats.queuedBytes, 0);
  await assert.rejects(() => Deno.connect({ hostname: "127.0.0.1", port: srv.port }));
});
