/**
 * The command table (protocol.ts COMMANDS) is the one source of parsing,
 * dispatch, help, hints and reserved names (S5-S7, X1, L3). Pure: no network.
 */
import assert from "node:assert/strict";
import {
  COMMANDS,
  type CommandSpec,
  Detail,
  HELP,
  helpTexts,
  MAX_NICK_LENGTH,
  NICK_PATTERN,
  RESERVED_NICKS,
} from "../protocol.ts";
import { type CommandOf, HANDLERS } from "../server/commands.ts";
import { TEXTS } from "../client/render.ts";
import { isNickShaped, parseCommand, parseNick } from "../wire/commands.ts";

const TABLE = COMMANDS as readonly CommandSpec[];
const BRACE = TABLE.filter((c) => c.syntax === "brace");

Deno.test("COMMANDS: every command has a handler, and only those", () => {
  assert.deepEqual(Object.keys(HANDLERS).sort(), TABLE.map((c) => c.name).sort());
});

Deno.test("COMMANDS: parseCommand() knows every brace command, in any case", async (t) => {
  for (const c of BRACE.filter((c) => (c.arg ?? "none") === "none")) {
    await t.step(c.name, () => {
      assert.deepEqual(parseCommand(`{${c.name}}`), { kind: c.name });
      assert.deepEqual(parseCommand(` {${c.name.toUpperCase()}} `), { kind: c.name });
      for (const w of c.words ?? []) assert.deepEqual(parseCommand(w), { kind: c.name });
    });
  }
});

Deno.test("COMMANDS: {help} lists every command anyone may use in the chat, in order", () => {
  // {admin} is not shown: a student learns it from the teacher, if at all.
  const shown = TABLE.filter((c) => c.phase !== "nick" && c.role === "anyone" && !c.hidden);
  assert.equal(HELP.length, shown.length);
  shown.forEach((c, i) => {
    assert.ok(HELP[i]!.pt.startsWith(c.usage.pt), HELP[i]!.pt);
    assert.ok(HELP[i]!.pt.endsWith(c.help.pt), HELP[i]!.pt);
    assert.ok(HELP[i]!.en.startsWith(c.usage.en), HELP[i]!.en);
  });
  const teacher = helpTexts("teacher");
  const all = TABLE.filter((c) => c.phase !== "nick" && !c.hidden);
  assert.deepEqual(
    teacher.map((h) => h.en.split(" ")[0]),
    all.map((c) => c.usage.en.split(" ")[0]),
  );
});

Deno.test("COMMANDS: the hints name the hinted commands (ERRO 07 and the client)", () => {
  for (const c of TABLE.filter((c) => c.hint === true)) {
    const form = c.syntax === "brace" ? `{${c.name}}` : c.usage.pt;
    assert.ok(Detail.unknownCommand.pt.includes(form), `${form} in ${Detail.unknownCommand.pt}`);
    assert.ok(TEXTS.hint.pt.includes(form), `${form} in ${TEXTS.hint.pt}`);
  }
  assert.equal(
    TEXTS.hint.pt,
    "Digite :texto para todos, apelido:texto para uma pessoa, {users}, {help} ou {quit}",
  );
  assert.equal(
    TEXTS.hint.en,
    "Type :text for everyone, nick:text for one person, {users}, {help} or {quit}",
  );
});

Deno.test("COMMANDS: every brace command's name and word is a reserved nickname (L3)", () => {
  for (const c of BRACE) {
    for (const name of [c.name, ...(c.words ?? [])]) {
      assert.ok(RESERVED_NICKS.has(name), name);
      assert.deepEqual(parseNick(name), { kind: "invalid", detail: "nickReserved" });
    }
  }
});

Deno.test("COMMANDS: at the nickname prompt only commands of that phase are commands", () => {
  assert.deepEqual(parseCommand("{quit}", "nick"), { kind: "quit" });
  assert.deepEqual(parseCommand("{users}", "nick"), { kind: "invalid", detail: "unknownCommand" });
  assert.deepEqual(parseNick("{quit}"), { kind: "quit" });
  assert.deepEqual(parseNick("{quit} x"), { kind: "invalid", detail: "nickRules" });
});

Deno.test("CommandOf<K>: a command's argument is in its type as the table gives it (no `arg!`)", () => {
  const kick: CommandOf<"kick"> = { kind: "kick", arg: "bob" };
  const say: CommandOf<"say"> = { kind: "say", arg: "prova amanha" };
  const users: CommandOf<"users"> = { kind: "users" };
  // @ts-expect-error {kick} takes its argument
  const bare: CommandOf<"kick"> = { kind: "kick" };
  // @ts-expect-error {users} takes none
  const extra: CommandOf<"users"> = { kind: "users", arg: "x" };
  const arg: string = kick.arg;
  assert.deepEqual([kick, say, users, bare, extra, arg].length, 6);
  assert.deepEqual(parseCommand("{kick bob}"), kick);
  assert.deepEqual(parseCommand("{users}"), users);
});

Deno.test("helpTexts(): the teacher's help is one column in both languages (issue 19.6)", () => {
  for (const role of ["anyone", "teacher"] as const) {
    for (const lang of ["pt", "en"] as const) {
      const rows = helpTexts(role).map((h) => h[lang]);
      const specs = TABLE.filter((c) =>
        c.phase !== "nick" && !c.hidden && (role === "teacher" || c.role === "anyone")
      );
      const starts = rows.map((r, i) => r.length - specs[i]!.help[lang].length);
      assert.equal(new Set(starts).size, 1, `${role} ${lang}:\n${rows.join("\n")}`);
    }
  }
});

Deno.test("isNickShaped() says what NICK_PATTERN and MAX_NICK_LENGTH say (L3, P3)", () => {
  for (let c = 0; c < 0x180; c++) {
    const ch = String.fromCharCode(c);
    for (const name of [ch, `a${ch}`, `${ch}9`]) {
      assert.equal(isNickShaped(name), NICK_PATTERN.test(name), JSON.stringify(name));
    }
  }
  assert.equal(isNickShaped(""), false);
  assert.equal(isNickShaped("a".repeat(MAX_NICK_LENGTH)), true);
  assert.equal(isNickShaped("a".repeat(MAX_NICK_LENGTH + 1)), false);
});

Deno.test("parseCommand() shortens a long run of blanks in a message, and only then (L11, P3)", () => {
  assert.deepEqual(parseCommand(":a" + " ".repeat(9) + "b"), { kind: "public", text: "a    b" });
  assert.deepEqual(parseCommand("bob:a    b"), { kind: "private", to: "bob", text: "a    b" });
  assert.deepEqual(parseCommand("  :" + " ".repeat(7)), {
    kind: "invalid",
    detail: "emptyMessage",
  });
  assert.deepEqual(parseCommand(" bob :oi"), { kind: "private", to: "bob", text: "oi" });
});
