/**
 * Tests of the client's pure parts, in process: how it shows each server
 * line, its flags, colours and column widths.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readClientFlags } from "../client/flags.ts";
import { showServerLine } from "../client/render.ts";
import { UsageError } from "../common/cli.ts";
import { parseServerLine } from "../wire/server_lines.ts";
import { helpLines } from "../protocol.ts";
import { paint } from "../client/screen.ts";
import { displayWidth } from "../client/width.ts";

Deno.test("showServerLine() shows the teacher's help in English, aligned (issue 19.6)", () => {
  const shown = helpLines("teacher").split("\r\n").filter((l) => l !== "").map((l) =>
    showServerLine(parseServerLine(l), "en", "prof")!.text
  );
  assert.ok(shown.includes("{kick nick}     remove from the room"), shown.join("\n"));
  assert.ok(shown.every((l) => !l.includes("remover")), shown.join("\n"));
});

Deno.test("showServerLine() shows each server line in the chosen language", async (t) => {
  const cases: [string, "pt" | "en", string, string][] = [
    ["PUBLICA bob: oi", "pt", "public", "bob: oi"],
    ["PRIVADA Mensagem recebida de: bob: oi", "pt", "private", "Mensagem recebida de: bob: oi"],
    ["PRIVADA Mensagem recebida de: bob: oi", "en", "private", "Message received from: bob: oi"],
    ["OK Mensagem enviada", "pt", "system", "Mensagem enviada"],
    ["OK Mensagem enviada", "en", "system", "Message sent"],
    ["ENTROU bob entrou no chat", "en", "system", "bob joined the chat"],
    ["SAIU bob saiu do chat", "pt", "system", "bob saiu do chat"],
    ["BEMVINDO Bem-vindo ao papo, ana!", "en", "system", "Welcome to papo, ana!"],
    [
      "USUARIOS 60 online: a, b e mais 58; digite {users}",
      "en",
      "system",
      "60 online: a, b and 58 more; type {users}",
    ],
    ["AJUDA {users}         quem esta online", "en", "system", "{users}         who is online"],
    ["TCHAU Ate logo, ana", "pt", "system", "Até logo, ana"],
    [
      "ERRO 02 Destino da mensagem privada nao existe: zed",
      "pt",
      "error",
      "ERRO 02: Destino da mensagem privada não existe (zed)",
    ],
    [
      "ERRO 02 Ninguem online com esse apelido: {kick zed}",
      "en",
      "error",
      "ERRO 02: Nobody online with that nickname ({kick zed})",
    ],
    [
      "ERRO 03 Cancelamento de conexao forcado: servidor encerrado",
      "en",
      "error",
      "ERRO 03: Connection closed by force (server shut down)",
    ],
  ];
  for (const [wire, lang, style, text] of cases) {
    await t.step(`${lang}: ${wire}`, () => {
      assert.deepEqual(showServerLine(parseServerLine(wire), lang, "ana"), { style, text });
    });
  }
  await t.step("APELIDO is not shown (the client asks itself)", () => {
    assert.deepEqual(
      showServerLine(parseServerLine("APELIDO Digite seu apelido"), "pt"),
      undefined,
    );
  });
});

Deno.test("readClientFlags() reads flags and rejects bad ones naming the value", async (t) => {
  await t.step("all flags", () => {
    assert.deepEqual(
      readClientFlags(
        ["--host", "10.0.0.1", "--port", "7000", "--nick", "ana", "--lang", "pt"],
        "en",
      ),
      { host: "10.0.0.1", port: 7000, nick: "ana", lang: "pt" },
    );
  });
  await t.step("--help in the language given", () => {
    assert.deepEqual(readClientFlags(["--lang", "en", "-h"], "pt"), { show: "help", lang: "en" });
  });
  const bad: [string[], string][] = [
    [["--port", "abc"], '"abc"'],
    [["--port", "0"], '"0"'],
    [["--port", "65536"], '"65536"'],
    [["--lang", "fr"], '"fr"'],
    [["--bogus"], "--bogus"],
    [["--nick"], "--nick"],
    [["--nick", "  "], "--nick"],
    [["--nick="], "--nick"],
    [["extra"], "extra"],
  ];
  for (const [args, named] of bad) {
    await t.step(args.join(" "), () => {
      assert.throws(
        () => readClientFlags(args, "en"),
        (e) => e instanceof UsageError && e.message.includes(named),
      );
    });
  }
});

Deno.test("paint() colours only when asked, displayWidth() counts columns", () => {
  assert.deepEqual(paint("private", "x", false), "x");
  assert.ok(paint("private", "x", true).startsWith("\x1b["));
  assert.deepEqual(displayWidth("alice> não"), 10);
  assert.deepEqual(displayWidth("a\u0301"), 1);
});

// ------------------------------------------------------ piped subprocess
