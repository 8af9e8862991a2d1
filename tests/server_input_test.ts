/**
 * The server's input paths over real TCP on 127.0.0.1, port 0 (S1, S2, L1,
 * L2): bad lines, control characters, empty lines, lines split or joined
 * across writes, and telnet negotiation.
 */
import assert from "node:assert/strict";
import { bytes, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { pause } from "./wait.ts";
import { MAX_LINE_BYTES } from "../protocol.ts";
import {
  assertNextPublic,
  assertNothingElse,
  ERR_EMPTY,
  ERR_NOT_ASCII,
  ERR_TOO_LONG,
  ERR_UNKNOWN,
} from "./server_asserts.ts";

const encoder = new TextEncoder();

Deno.test("ChatServer answers a bad line with an error and keeps the connection (L1, S1)", async (t) => {
  // Flood control (L4) would slow the 128 bad lines below; it is tested on its own.
  await using srv = startServer({ floodBurst: 0 });
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await alice.expect("ENTROU bob");
  const table: [string, Uint8Array, string][] = [
    ["ERRO 07 for an unknown command", bytes("xyz\n"), ERR_UNKNOWN],
    ["ERRO 07 for a bare colon", bytes(":\n"), ERR_EMPTY],
    ["ERRO 07 for a colon and spaces", bytes(":   \n"), ERR_EMPTY],
    ["ERRO 07 for a line that is none of the commands", bytes("a b:c\n"), ERR_UNKNOWN],
    ["ERRO 08 for a 1025-byte line", bytes(":" + "x".repeat(MAX_LINE_BYTES) + "\n"), ERR_TOO_LONG],
    ["ERRO 08 for a 5000-byte line, once", bytes(":" + "y".repeat(4999) + "\r\n"), ERR_TOO_LONG],
    ["ERRO 09 for Latin-1 (not UTF-8)", bytes(":n", [0xe3], "o\n"), ERR_NOT_ASCII],
    ["ERRO 09 for a cut UTF-8 character", bytes(":n", [0xc3], "\n"), ERR_NOT_ASCII],
  ];
  for (const [name, data, want] of table) {
    await t.step(name, async () => {
      await alice.sendRaw(data);
      assert.equal(await alice.line(), want);
      await assertNothingElse(alice);
      await assertNextPublic(alice, "alice", bob, `still here after ${name}`);
    });
  }
  await t.step("ERRO 09 for each byte 0x80-0xFF", async () => {
    for (let b = 0x80; b <= 0xff; b++) {
      await alice.sendRaw(bytes(":a", [b], "b\n"));
      assert.equal(await alice.line(), ERR_NOT_ASCII, `byte ${b}`);
    }
    await assertNothingElse(alice);
    await assertNothingElse(bob);
  });
  await t.step("UTF-8 reaches the others as ASCII, as the client sends it (X3)", async () => {
    await alice.sendRaw(encoder.encode(":olá, ação, 日本\n"));
    assert.equal(await bob.line(), "PUBLICA alice: ola, acao, ??");
    await assertNothingElse(alice);
  });
  await t.step("a 1024-byte line goes through", async () => {
    const text = "z".repeat(MAX_LINE_BYTES - 1);
    await alice.send(`:${text}`);
    assert.equal(await bob.line(), `PUBLICA alice: ${text}`);
  });
  await t.step("at the nickname prompt too", async () => {
    await using c = await LineClient.connect(srv.port);
    await c.expect("APELIDO");
    await c.sendRaw(bytes("n".repeat(5000), "\n"));
    assert.equal(await c.line(), ERR_TOO_LONG);
    await c.sendRaw(bytes("zo", [0xe9], "\n"));
    assert.equal(await c.line(), ERR_NOT_ASCII);
    await c.sendRaw(encoder.encode("zoé\n"));
    assert.equal(await c.line(), "BEMVINDO Bem-vindo ao papo, zoe!");
  });
});

Deno.test("ChatServer never lets control characters reach another client (L2)", async () => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await alice.expect("ENTROU bob");
  const start = bob.raw.length;
  const evil = bytes(
    ":\x1b[31mred\x1b[0m \x1b]0;title\x07 bell\x07 \x1b[2J\x1b[Hclear",
    " \x00nul\x01\x02\x03\x0b\x0c\x0e\x1f\x7f!",
    "\n",
  );
  await alice.sendRaw(evil);
  await alice.sendRaw(bytes("bob:\x1b[5mblink\x1bc\n"));
  await alice.send(":done");
  const line = await bob.expect("PUBLICA alice:");
  assert.equal(await bob.expect("PRIVADA"), "PRIVADA Mensagem recebida de: alice: blink");
  assert.equal(await bob.line(), "PUBLICA alice: done");
  const got = bob.raw.slice(start);
  for (let i = 0; i < got.length; i++) {
    const b = got[i]!;
    const ok = (b >= 0x20 && b < 0x7f) || (b === 0x0d && got[i + 1] === 0x0a) ||
      (b === 0x0a && got[i - 1] === 0x0d);
    assert.ok(ok, `byte ${b} at ${i} reached bob: ${JSON.stringify(line)}`);
  }
  // DEL (0x7f) erased the "l" before it
  assert.equal(line, "PUBLICA alice: red 0;title bell clear nu!");
});

Deno.test("ChatServer ignores empty lines (L1)", async () => {
  await using srv = startServer();
  await using alice = await join(srv.port, "alice");
  await using bob = await join(srv.port, "bob");
  await alice.expect("ENTROU bob");
  await alice.sendRaw(bytes("\n\r\n\r  \n\t\n\x1b[A\n"));
  await assertNothingElse(alice);
  await assertNextPublic(alice, "alice", bob, "after empty lines");
});

Deno.test("ChatServer reads lines split across writes, several in one write, any ending (S1)", async (t) => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using alice = await LineClient.connect(srv.port);
  await alice.expect("APELIDO");
  await t.step("a nickname ended by a lone CR", async () => {
    await alice.sendRaw(bytes("alice\r"));
    assert.equal(await alice.line(), "BEMVINDO Bem-vindo ao papo, alice!");
    assert.equal(await bob.line(), "ENTROU alice entrou no chat");
  });
  await t.step("a line split across several writes", async () => {
    for (const part of [":hel", "lo w", "orld", "\r", "\n"]) {
      await alice.sendRaw(bytes(part));
      await pause(20);
    }
    assert.equal(await bob.line(), "PUBLICA alice: hello world");
  });
  await t.step("a line sent byte by byte", async () => {
    for (const b of bytes(":one byte at a time\r\n")) {
      await alice.sendRaw(new Uint8Array([b]));
    }
    assert.equal(await bob.line(), "PUBLICA alice: one byte at a time");
  });
  await t.step("several lines in one write, each ending", async () => {
    await alice.sendRaw(bytes(":lf\n:crlf\r\n:cr\r:crnul\r\x00:last\n"));
    for (const text of ["lf", "crlf", "cr", "crnul", "last"]) {
      assert.equal(await bob.line(), `PUBLICA alice: ${text}`);
    }
    await assertNothingElse(alice);
  });
  await t.step("registration and messages in one write", async () => {
    await using cid = await LineClient.connect(srv.port);
    await cid.sendRaw(bytes("cid\n:first\nbob:second\n{users}\n"));
    assert.equal(await bob.line(), "ENTROU cid entrou no chat");
    assert.equal(await bob.line(), "PUBLICA cid: first");
    assert.equal(await bob.line(), "PRIVADA Mensagem recebida de: cid: second");
    await cid.expect("OK Mensagem enviada");
    assert.equal(await cid.line(), "USUARIOS 3 online: bob, alice, cid");
  });
});

Deno.test("ChatServer never judges telnet negotiation as text, and applies backspace (S2)", async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using alice = await LineClient.connect(srv.port);
  const IAC = 0xff, WILL = 0xfb, DO = 0xfd, SB = 0xfa, SE = 0xf0;
  await alice.sendRaw(
    bytes([IAC, DO, 3, IAC, WILL, 24, IAC, WILL, 31, IAC, SB, 31, 0, 80, 0, 24, IAC, SE]),
  );
  await alice.expect("APELIDO");
  await alice.sendRaw(bytes("alixx\x08\x08ce\r\n"));
  assert.equal(await alice.line(), "BEMVINDO Bem-vindo ao papo, alice!");
  assert.equal(await alice.line(), "USUARIOS 2 online: bob, alice");
  await alice.expect("AJUDA");
  await alice.sendRaw(
    bytes(":h", [IAC, DO, 31], "ex\x7f\x7fi", [IAC, SB, 24, 1, IAC, SE], "!\r\n"),
  );
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA alice: hi!");
  await alice.sendRaw(bytes(":x\x08\r\n"));
  assert.equal(await alice.line(), ERR_EMPTY);
  await alice.sendRaw(bytes(":x\x08\x08\x08\r\n"));
  await assertNothingElse(alice);
});
