/**
 * client/session.ts: the client's session as a pure state machine, the same
 * for the terminal and the piped mode (S10, S14-S16, X2). No network.
 */
import assert from "node:assert/strict";
import { type Action, ClientSession, Exit } from "../client/session.ts";
import { parseServerLine } from "../wire/server_lines.ts";

const PROMPT = "APELIDO Digite seu apelido (ou {quit} para sair)";
const WELCOME = (nick: string) => `BEMVINDO Bem-vindo ao papo, ${nick}!`;
const USERS = (nick: string) => `USUARIOS 1 online: ${nick}`;

/** Feeds server lines and returns the lines sent and the other actions' kinds. */
function server(s: ClientSession, ...lines: string[]): Action[] {
  return lines.flatMap((l) => s.serverLine(parseServerLine(l)));
}

function sent(actions: Action[]): string[] {
  return actions.flatMap((a) => a.kind === "send" ? [a.line] : []);
}

function kinds(actions: Action[]): string[] {
  return actions.filter((a) => a.kind !== "show").map((a) => a.kind);
}

Deno.test("ClientSession sends --nick when asked, then enters the chat", () => {
  const s = new ClientSession({ nick: "ana", interactive: false });
  assert.deepEqual(sent(server(s, PROMPT)), ["ana"]);
  const actions = server(s, WELCOME("ana"), USERS("ana"));
  assert.deepEqual(kinds(actions), ["enterChat"]);
  assert.equal(s.nick, "ana");
  assert.equal(s.registered, true);
});

Deno.test("ClientSession keeps every line typed before it may go, in order", async (t) => {
  await t.step("lines pasted at the nickname prompt (terminal)", () => {
    const s = new ClientSession({ interactive: true });
    assert.deepEqual(kinds(server(s, PROMPT)), ["askNick"]);
    const typed = ["carol", ":first", ":second"].flatMap((l) => s.input(l));
    assert.deepEqual(sent(typed), ["carol"], "only the nickname goes before its answer");
    assert.deepEqual(sent(server(s, WELCOME("carol"), USERS("carol"))), [":first", ":second"]);
  });
  await t.step("lines typed before the server asks (piped)", () => {
    const s = new ClientSession({ interactive: false });
    assert.deepEqual(sent([...s.input("dave"), ...s.input(":cedo")]), []);
    assert.deepEqual(sent(server(s, PROMPT)), ["dave"]);
    assert.deepEqual(sent(server(s, WELCOME("dave"), USERS("dave"))), [":cedo"]);
  });
  await t.step("a refused nickname takes the next line typed as the next try", () => {
    const s = new ClientSession({ interactive: false });
    server(s, PROMPT);
    assert.deepEqual(sent([...s.input("ana"), ...s.input("bia"), ...s.input(":oi")]), ["ana"]);
    assert.deepEqual(sent(server(s, "ERRO 01 Esse apelido ja esta em uso: ana")), ["bia"]);
    assert.deepEqual(sent(server(s, WELCOME("bia"), USERS("bia"))), [":oi"]);
  });
});

Deno.test("ClientSession: piped input that ends before the server asks waits for --nick's answer (X2)", () => {
  // Issue 19.8: `client.ts --nick TAKEN </dev/null` sent {quit} before the nickname, then
  // exited 0 with "See you" and no ERRO 01 when the input's end came first.
  const s = new ClientSession({ nick: "ana", interactive: false });
  assert.deepEqual(sent(s.inputEnded()), [], "nothing goes before the server asks");
  assert.deepEqual(sent(server(s, PROMPT)), ["ana"]);
  const refused = server(s, "ERRO 01 Esse apelido ja esta em uso: ana");
  assert.deepEqual(sent(refused), []);
  assert.deepEqual(kinds(refused), ["close"]);
  assert.deepEqual(s.closed().code, Exit.failed);
  const ok = new ClientSession({ nick: "bia", interactive: false });
  ok.inputEnded();
  assert.deepEqual(sent(server(ok, PROMPT)), ["bia"]);
  assert.deepEqual(sent(server(ok, WELCOME("bia"), USERS("bia"))), ["{quit}"]);
  // A server that never asks in papo's words: its first line lets the end of input go on.
  const foreign = new ClientSession({ nick: "caio", interactive: false });
  foreign.inputEnded();
  assert.deepEqual(sent(server(foreign, "Digite seu apelido:")), ["{quit}"]);
});

Deno.test("ClientSession ends piped input with {quit} once every line has gone (X2)", () => {
  const s = new ClientSession({ interactive: false });
  s.input("eve");
  s.input(":tchau");
  assert.deepEqual(sent(s.inputEnded()), []);
  assert.deepEqual(sent(server(s, PROMPT)), ["eve"]);
  assert.deepEqual(sent(server(s, WELCOME("eve"), USERS("eve"))), [":tchau", "{quit}"]);
  server(s, "TCHAU Ate logo, eve");
  assert.deepEqual(s.closed(), { code: Exit.ok, lost: false });
});

Deno.test("ClientSession exit codes (X2, S16)", async (t) => {
  await t.step("a refused --nick with nobody to ask closes and fails", () => {
    const s = new ClientSession({ nick: "ana", interactive: false });
    server(s, PROMPT);
    const actions = server(s, "ERRO 01 Esse apelido ja esta em uso: ana");
    assert.deepEqual(kinds(actions), ["close"]);
    assert.deepEqual(s.closed(), { code: Exit.failed, lost: false });
  });
  await t.step("a refused --nick in a terminal asks the user", () => {
    const s = new ClientSession({ nick: "ana", interactive: true });
    server(s, PROMPT);
    assert.deepEqual(kinds(server(s, "ERRO 01 Esse apelido ja esta em uso: ana")), ["askNick"]);
  });
  await t.step("the server going away unasked is ERRO 03 and fails", () => {
    const s = new ClientSession({ nick: "ana", interactive: false });
    server(s, PROMPT, WELCOME("ana"), USERS("ana"));
    assert.deepEqual(s.closed(), { code: Exit.failed, lost: true });
  });
  await t.step("ERRO 03 from the server fails without a second ERRO 03", () => {
    const s = new ClientSession({ nick: "ana", interactive: true });
    server(s, PROMPT, WELCOME("ana"), USERS("ana"));
    server(s, "ERRO 03 Cancelamento de conexao forcado: servidor encerrado");
    assert.deepEqual(s.closed(), { code: Exit.failed, lost: false });
  });
  await t.step("leaving in a terminal is 0 even without the goodbye", () => {
    const s = new ClientSession({ nick: "ana", interactive: true });
    server(s, PROMPT, WELCOME("ana"), USERS("ana"));
    assert.deepEqual(sent(s.leave()), ["{quit}"]);
    assert.deepEqual(s.closed(), { code: Exit.ok, lost: false });
  });
  await t.step("piped input with only refused nicknames fails", () => {
    const s = new ClientSession({ interactive: false });
    s.input("ana");
    s.inputEnded();
    server(s, PROMPT);
    assert.deepEqual(sent(server(s, "ERRO 01 Esse apelido ja esta em uso: ana")), ["{quit}"]);
    server(s, "TCHAU Ate logo");
    assert.deepEqual(s.closed(), { code: Exit.failed, lost: false });
  });
});

Deno.test("ClientSession: quit typed in the chat sends {quit} and nothing after it (S7)", () => {
  const s = new ClientSession({ nick: "ana", interactive: false });
  server(s, PROMPT, WELCOME("ana"), USERS("ana"));
  assert.deepEqual(sent([...s.input("quit"), ...s.input(":depois")]), ["{quit}"]);
  assert.equal(s.leaving, true);
});

Deno.test("ClientSession: a login refused while the room is down (ERRO 17) ends a piped --nick (N5)", () => {
  const s = new ClientSession({ nick: "ana", interactive: false });
  server(s, PROMPT);
  const actions = server(s, "ERRO 17 Sala indisponivel: entrada recusada; tente de novo");
  assert.deepEqual(kinds(actions), ["close"]);
  assert.deepEqual(s.closed(), { code: Exit.failed, lost: false });
});
