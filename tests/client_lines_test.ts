/**
 * Unit tests of what clients send: parsing client lines and nicknames, and
 * the ASCII a nickname or a text is shown in (S1-S7, X1, L1-L3). Pure: no
 * network.
 */
import assert from "node:assert/strict";
import { MAX_NICK_LENGTH, toAscii } from "../protocol.ts";
import { isAscii } from "../wire/ascii.ts";
import { nickKey, parseCommand, parseNick } from "../wire/commands.ts";

Deno.test("parseCommand() parses each kind of client line", async (t) => {
  const table: [string, ReturnType<typeof parseCommand>][] = [
    [":hello", { kind: "public", text: "hello" }],
    [": hi there ", { kind: "public", text: " hi there " }],
    [":a:b", { kind: "public", text: "a:b" }],
    [":{quit}", { kind: "public", text: "{quit}" }],
    ["bob:hi", { kind: "private", to: "bob", text: "hi" }],
    ["Bob: hi there", { kind: "private", to: "Bob", text: " hi there" }],
    ["bob:a:b", { kind: "private", to: "bob", text: "a:b" }],
    [" bob :hi", { kind: "private", to: "bob", text: "hi" }],
    ["a".repeat(MAX_NICK_LENGTH) + ":x", { kind: "private", to: "a".repeat(16), text: "x" }],
    ["{quit}", { kind: "quit" }],
    ["{QUIT}", { kind: "quit" }],
    ["quit", { kind: "quit" }],
    ["Quit", { kind: "quit" }],
    ["  quit  ", { kind: "quit" }],
    ["{users}", { kind: "users" }],
    ["{USERS}", { kind: "users" }],
    ["{help}", { kind: "help" }],
    ["{Help}", { kind: "help" }],
    ["", { kind: "empty" }],
    ["   ", { kind: "empty" }],
    [":", { kind: "invalid", detail: "emptyMessage" }],
    [":   ", { kind: "invalid", detail: "emptyMessage" }],
    ["bob:", { kind: "invalid", detail: "emptyMessage" }],
    ["bob:   ", { kind: "invalid", detail: "emptyMessage" }],
    ["a b:c", { kind: "invalid", detail: "unknownCommand" }],
    ["hello", { kind: "invalid", detail: "unknownCommand" }],
    ["users", { kind: "invalid", detail: "unknownCommand" }],
    ["{foo}", { kind: "invalid", detail: "unknownCommand" }],
    ["{quit} now", { kind: "invalid", detail: "unknownCommand" }],
    ["PUBLICA alice: hi", { kind: "invalid", detail: "unknownCommand" }],
    ["a!b:hi", { kind: "invalid", detail: "unknownCommand" }],
    ["a".repeat(MAX_NICK_LENGTH + 1) + ":x", { kind: "invalid", detail: "unknownCommand" }],
  ];
  for (const [line, want] of table) {
    await t.step(JSON.stringify(line), () => assert.deepEqual(parseCommand(line), want));
  }
});

Deno.test("parseNick() accepts 1 to 16 letters, digits, _ and -, and refuses the rest", async (t) => {
  const table: [string, ReturnType<typeof parseNick>][] = [
    ["alice", { kind: "nick", nick: "alice" }],
    ["  alice  ", { kind: "nick", nick: "alice" }],
    ["a", { kind: "nick", nick: "a" }],
    ["A_b-9", { kind: "nick", nick: "A_b-9" }],
    ["Zé".normalize("NFC"), { kind: "invalid", detail: "nickRules" }],
    ["x".repeat(16), { kind: "nick", nick: "x".repeat(16) }],
    ["x".repeat(17), { kind: "invalid", detail: "nickRules" }],
    ["quit", { kind: "invalid", detail: "nickReserved" }],
    ["QUIT", { kind: "invalid", detail: "nickReserved" }],
    ["users", { kind: "invalid", detail: "nickReserved" }],
    ["Users", { kind: "invalid", detail: "nickReserved" }],
    ["help", { kind: "invalid", detail: "nickReserved" }],
    ["{quit}", { kind: "quit" }],
    ["{QUIT}", { kind: "quit" }],
    [" {quit} ", { kind: "quit" }],
    ["{users}", { kind: "invalid", detail: "nickRules" }],
    ["", { kind: "empty" }],
    ["   ", { kind: "empty" }],
    ["a b", { kind: "invalid", detail: "nickRules" }],
    ["al!ce", { kind: "invalid", detail: "nickRules" }],
    ["alice:", { kind: "invalid", detail: "nickRules" }],
    [":alice", { kind: "invalid", detail: "nickRules" }],
    ["ana.b", { kind: "invalid", detail: "nickRules" }],
    ["a\tb", { kind: "invalid", detail: "nickRules" }],
  ];
  for (const [line, want] of table) {
    await t.step(JSON.stringify(line), () => assert.deepEqual(parseNick(line), want));
  }
});

Deno.test("nickKey() matches nicknames without regard to case", () => {
  assert.equal(nickKey("Alice"), nickKey("aLICE"));
  assert.notEqual(nickKey("alice"), nickKey("alice2"));
});

Deno.test("toAscii() removes accents and replaces what has no ASCII form", async (t) => {
  const table: [string, string][] = [
    ["não, ação!", "nao, acao!"],
    ["ÀÉÎÕÜ ç Ç", "AEIOU c C"],
    ["Straße", "Strasse"],
    ["“oi” – ‘tchau’…", `"oi" - 'tchau'...`],
    ["a\u00a0b", "a b"],
    ["日本", "??"],
    ["😀", "?"],
    ["plain text 123", "plain text 123"],
    ["", ""],
  ];
  for (const [text, want] of table) {
    await t.step(JSON.stringify(text), () => {
      const got = toAscii(text);
      assert.equal(got, want);
      assert.ok(isAscii(got));
    });
  }
});
