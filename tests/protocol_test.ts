/**
 * Unit tests of protocol.ts's server lines: every server line's format, and
 * reading server lines back (S1-S7, X1, L1); the client's lines and
 * nicknames are client_lines_test.ts, addresses address_test.ts, the line
 * reader line_reader_test.ts. Pure: no network.
 */
import assert from "node:assert/strict";
import {
  byeLine,
  CRLF,
  Detail,
  type DetailName,
  ENTRY_LIST_MAX,
  entryUsersLine,
  ERROR_TEXTS,
  ErrorCode,
  errorDataLine,
  errorLine,
  HELP_LINES,
  HOW_TO_LINE,
  joinedLine,
  leftLine,
  NICK_PROMPT_LINE,
  privateLine,
  publicLine,
  say,
  SENT_LINE,
  toAscii,
  USERS_LINE_BYTES,
  usersLines,
  welcomeLine,
} from "../protocol.ts";
import { isAscii } from "../wire/ascii.ts";
import { describeError, parseServerLine, translateDetail } from "../wire/server_lines.ts";
import { Outgoing, renderMessage, type ServerMessage } from "../server/room/message.ts";

const ALL_CODES = Object.values(ErrorCode);
const DETAIL_NAMES = Object.keys(Detail) as DetailName[];

/** Whether every character of `text` is printable ASCII (0x20-0x7E). */
function printable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Asserts that `line` is one server line: ASCII, a keyword, one CRLF at its end. */
function assertWireLine(line: string, keyword: string): void {
  assert.ok(isAscii(line), `not ASCII: ${JSON.stringify(line)}`);
  assert.ok(line.endsWith(CRLF), `no CRLF at the end: ${JSON.stringify(line)}`);
  const body = line.slice(0, -2);
  assert.ok(!/[\r\n]/.test(body), `a line break inside: ${JSON.stringify(line)}`);
  assert.ok(printable(body), `a control character inside: ${JSON.stringify(line)}`);
  assert.ok(
    body.startsWith(`${keyword} `),
    `does not start with ${keyword}: ${JSON.stringify(line)}`,
  );
}

Deno.test("errorLine() formats each code 01-17 as an ASCII line ending in CRLF", async (t) => {
  assert.deepEqual(ALL_CODES, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  for (const code of ALL_CODES) {
    await t.step(`code ${code}`, () => {
      const line = errorLine(code);
      assertWireLine(line, "ERRO");
      const nn = String(code).padStart(2, "0");
      assert.equal(line, `ERRO ${nn} ${toAscii(ERROR_TEXTS[code].pt)}\r\n`);
      assert.equal(errorLine(code, ""), line);
    });
  }
  await t.step("a known detail is written in its wire form", () => {
    assert.equal(
      errorLine(ErrorCode.forcedClose, "shutdown"),
      "ERRO 03 Cancelamento de conexao forcado: servidor encerrado\r\n",
    );
    assert.equal(
      errorLine(ErrorCode.badCommand, "unknownCommand"),
      "ERRO 07 Comando invalido: use :texto, apelido:texto, {users}, {help} ou {quit}\r\n",
    );
  });
  await t.step("every known detail with every code is ASCII", () => {
    for (const code of ALL_CODES) {
      for (const name of DETAIL_NAMES) assertWireLine(errorLine(code, name), "ERRO");
    }
  });
  await t.step("other detail is data, made ASCII by errorDataLine()", () => {
    assert.equal(
      errorDataLine(ErrorCode.noSuchUser, "zed"),
      "ERRO 02 Destino da mensagem privada nao existe: zed\r\n",
    );
    assertWireLine(errorDataLine(ErrorCode.noSuchUser, "José"), "ERRO");
  });
  await t.step("data given as a detail's name is refused, never guessed", () => {
    assert.throws(() => errorLine(ErrorCode.noSuchUser, "zed" as DetailName), TypeError);
  });
});

Deno.test("errorDataLine() never reads its data as a detail's name", async (t) => {
  // A nickname may be spelled like a detail's name ("shutdown", "refused").
  for (const name of DETAIL_NAMES) {
    await t.step(name, () => {
      assert.equal(
        errorDataLine(ErrorCode.nickTaken, name),
        `ERRO 01 Esse apelido ja esta em uso: ${name}\r\n`,
      );
    });
  }
  await t.step("data is made ASCII", () => {
    assert.equal(
      errorDataLine(ErrorCode.noSuchUser, "Zé"),
      "ERRO 02 Destino da mensagem privada nao existe: Ze\r\n",
    );
  });
});

Deno.test("every server line formatter writes one ASCII line with its keyword", async (t) => {
  const many = Array.from({ length: 300 }, (_, i) => `user${i}`);
  const table: [string, string, string][] = [
    ["NICK_PROMPT_LINE", NICK_PROMPT_LINE, "APELIDO"],
    ["welcomeLine()", welcomeLine("alice"), "BEMVINDO"],
    ["entryUsersLine()", entryUsersLine(["alice", "bob"], 2), "USUARIOS"],
    ["entryUsersLine() capped", entryUsersLine(many.slice(0, ENTRY_LIST_MAX), 300), "USUARIOS"],
    ["joinedLine()", joinedLine("bob"), "ENTROU"],
    ["leftLine()", leftLine("bob"), "SAIU"],
    ["publicLine()", publicLine("alice", "oi: tudo bem?"), "PUBLICA"],
    ["privateLine()", privateLine("alice", "oi: bob"), "PRIVADA"],
    ["SENT_LINE", SENT_LINE, "OK"],
    ["byeLine()", byeLine(), "TCHAU"],
    ["byeLine(nick)", byeLine("alice"), "TCHAU"],
  ];
  for (const [name, line, keyword] of table) {
    await t.step(name, () => assertWireLine(line, keyword));
  }
  await t.step("HELP_LINES", () => {
    const parts = HELP_LINES.split(CRLF);
    assert.equal(parts.pop(), "");
    assert.ok(parts.length >= 5);
    for (const p of parts) assertWireLine(p + CRLF, "AJUDA");
  });
  await t.step("usersLines()", () => {
    const parts = usersLines(many).split(CRLF);
    assert.equal(parts.pop(), "");
    assert.ok(parts.length > 1);
    for (const p of parts) assertWireLine(p + CRLF, "USUARIOS");
  });
  await t.step("the seed's phrases appear verbatim (S3)", () => {
    assert.equal(SENT_LINE, "OK Mensagem enviada\r\n");
    assert.equal(privateLine("alice", "oi"), "PRIVADA Mensagem recebida de: alice: oi\r\n");
    assert.equal(publicLine("alice", "oi"), "PUBLICA alice: oi\r\n");
    assert.equal(welcomeLine("alice"), "BEMVINDO Bem-vindo ao papo, alice!\r\n");
    assert.equal(joinedLine("bob"), "ENTROU bob entrou no chat\r\n");
    assert.equal(leftLine("bob"), "SAIU bob saiu do chat\r\n");
    assert.equal(byeLine("alice"), "TCHAU Ate logo, alice\r\n");
    assert.match(NICK_PROMPT_LINE, /apelido/);
  });
});

Deno.test("entryUsersLine() names at most ENTRY_LIST_MAX users and counts the rest", () => {
  const nicks = Array.from({ length: ENTRY_LIST_MAX }, (_, i) => `u${i}`);
  const line = entryUsersLine(nicks, ENTRY_LIST_MAX + 7);
  assert.ok(line.startsWith(`USUARIOS ${ENTRY_LIST_MAX + 7} online: u0, u1, `));
  assert.ok(line.includes("u49"));
  assert.ok(line.includes("e mais 7; digite {users}"), line);
  const small = entryUsersLine(["a", "b"], 2);
  assert.equal(small, "USUARIOS 2 online: a, b\r\n");
});

Deno.test("usersLines() lists every name in lines of bounded size", () => {
  const nicks = Array.from({ length: 500 }, (_, i) => `nick-${i}`);
  const parts = usersLines(nicks).split(CRLF).slice(0, -1);
  const seen: string[] = [];
  for (const p of parts) {
    const m = /^USUARIOS 500 online: (.*)$/.exec(p);
    assert.ok(m, p);
    assert.ok(m[1]!.length <= USERS_LINE_BYTES, `${m[1]!.length} bytes of names`);
    seen.push(...m[1]!.split(", "));
  }
  assert.deepEqual(seen, nicks);
  assert.equal(usersLines(["solo"]), "USUARIOS 1 online: solo\r\n");
});

Deno.test("parseServerLine() reads back every line the server formats", async (t) => {
  const table: [string, string, ReturnType<typeof parseServerLine>][] = [
    ["prompt", NICK_PROMPT_LINE, { kind: "nick" }],
    ["welcome", welcomeLine("alice"), { kind: "welcome", nick: "alice" }],
    ["welcome, odd nick", welcomeLine("a-_9"), { kind: "welcome", nick: "a-_9" }],
    ["users", usersLines(["a", "b"]), { kind: "users", text: "2 online: a, b" }],
    ["joined", joinedLine("bob"), { kind: "joined", nick: "bob" }],
    ["left", leftLine("bob"), { kind: "left", nick: "bob" }],
    ["public", publicLine("bob", "x: y"), { kind: "public", from: "bob", text: "x: y" }],
    ["public, spaces", publicLine("bob", "  x "), { kind: "public", from: "bob", text: "  x " }],
    ["private", privateLine("bob", "a: b"), { kind: "private", from: "bob", text: "a: b" }],
    ["sent", SENT_LINE, { kind: "sent" }],
    ["bye", byeLine("ana"), { kind: "bye" }],
    ["bye, no nick", byeLine(), { kind: "bye" }],
    ["error, no detail", errorLine(ErrorCode.serverFull), { kind: "error", code: 11, detail: "" }],
    ["error, data", errorDataLine(ErrorCode.noSuchUser, "zed"), {
      kind: "error",
      code: 2,
      detail: "zed",
    }],
    ["unknown keyword", "FOO bar\r\n", { kind: "other", text: "FOO bar" }],
    ["public without sender", "PUBLICA nothing\r\n", { kind: "other", text: "PUBLICA nothing" }],
  ];
  for (const [name, line, want] of table) {
    await t.step(name, () => assert.deepEqual(parseServerLine(line.slice(0, -2)), want));
  }
  await t.step("help lines", () => {
    for (const l of HELP_LINES.split(CRLF).slice(0, -1)) {
      assert.deepEqual(parseServerLine(l), { kind: "help", text: l.slice("AJUDA ".length) });
    }
  });
  await t.step("every error code with every known detail", () => {
    for (const code of ALL_CODES) {
      for (const name of DETAIL_NAMES) {
        const got = parseServerLine(errorLine(code, name).slice(0, -2));
        assert.deepEqual(got, { kind: "error", code, detail: toAscii(Detail[name].pt) });
      }
    }
  });
});

Deno.test("describeError() shows an error in Portuguese or English", async (t) => {
  await t.step("data detail shown as it is", () => {
    assert.equal(
      describeError(2, "bob", "pt"),
      "ERRO 02: Destino da mensagem privada não existe (bob)",
    );
    assert.equal(
      describeError(2, "bob", "en"),
      "ERRO 02: The private message's recipient does not exist (bob)",
    );
  });
  await t.step("no detail", () => {
    assert.equal(describeError(11, "", "pt"), "ERRO 11: Servidor cheio");
    assert.equal(describeError(11, "", "en"), "ERRO 11: Server full");
  });
  await t.step("unknown code", () => assert.equal(describeError(42, "", "en"), "ERRO 42: ?"));
  await t.step("every code has a text in both languages", () => {
    for (const code of ALL_CODES) {
      for (const lang of ["pt", "en"] as const) {
        const text = describeError(code, "", lang);
        assert.ok(text.startsWith(`ERRO ${String(code).padStart(2, "0")}: `));
        assert.ok(!text.includes("?"), text);
      }
    }
  });
  await t.step("every known detail is translated from its wire form", () => {
    for (const name of DETAIL_NAMES) {
      const wire = toAscii(Detail[name].pt);
      assert.equal(translateDetail(wire, "en"), Detail[name].en);
      assert.equal(translateDetail(wire, "pt"), Detail[name].pt);
      assert.ok(describeError(3, wire, "en").endsWith(`(${Detail[name].en})`));
    }
  });
  await t.step("known details have distinct wire forms", () => {
    const wires = new Set(DETAIL_NAMES.map((n) => toAscii(Detail[n].pt)));
    assert.equal(wires.size, DETAIL_NAMES.length);
  });
});

Deno.test("say() fills in a text in a language", () => {
  assert.equal(say({ pt: "%s entrou, %s", en: "%s joined, %s" }, "en", "a", "b"), "a joined, b");
  assert.equal(say({ pt: "oi %s", en: "hi %s" }, "pt"), "oi ");
});

Deno.test("renderMessage() writes the lines protocol.ts formats, in new bytes each time", async (t) => {
  const text = (m: ServerMessage) => new TextDecoder().decode(renderMessage(m));
  await t.step("each kind", () => {
    assert.equal(text({ kind: "public", from: "ana", text: "oi: x" }), publicLine("ana", "oi: x"));
    assert.equal(text({ kind: "private", from: "ana", text: "oi" }), privateLine("ana", "oi"));
    assert.equal(text({ kind: "joined", nick: "bob" }), joinedLine("bob"));
    assert.equal(text({ kind: "left", nick: "bob" }), leftLine("bob"));
    assert.equal(text({ kind: "users", nicks: ["a", "b"] }), usersLines(["a", "b"]));
    assert.equal(
      text({ kind: "entry", nick: "b", first: ["a", "b"], total: 2 }),
      welcomeLine("b") + entryUsersLine(["a", "b"], 2) + HOW_TO_LINE,
    );
  });
  await t.step("bytes are never written again once given", () => {
    const a = renderMessage({ kind: "public", from: "ana", text: "1" });
    const b = renderMessage({ kind: "public", from: "ana", text: "2" });
    const apart = a.buffer !== b.buffer || a.byteOffset + a.length <= b.byteOffset ||
      b.byteOffset + b.length <= a.byteOffset;
    assert.ok(apart, "two messages share no byte");
    for (let i = 0; i < 2000; i++) {
      renderMessage({ kind: "private", from: "x", text: "y".repeat(i % 50) });
    }
    assert.equal(new TextDecoder().decode(a), "PUBLICA ana: 1\r\n");
  });
  await t.step("Outgoing renders once for every receiver", () => {
    const out = new Outgoing({ kind: "joined", nick: "bob" });
    assert.equal(out.bytes, out.bytes);
  });
});
