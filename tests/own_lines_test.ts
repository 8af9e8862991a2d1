/**
 * client/own_lines.ts: which of the user's own messages a refusal refuses,
 * and which SAIU the user's own kick already told (field test). Pure, no
 * network; the page and the terminal client over real sockets are in
 * web_page_test.ts and terminal_test.ts.
 */
import assert from "node:assert/strict";
import { OWN_WAITING_MAX, OwnLines } from "../client/own_lines.ts";
import { parseCommand } from "../wire/commands.ts";
import { parseServerLine } from "../wire/server_lines.ts";

/** Sends each line; returns the typed text of the one each server line refuses. */
function run(steps: readonly string[]): (string | undefined)[] {
  const own = new OwnLines();
  const out: (string | undefined)[] = [];
  for (const step of steps) {
    if (step.startsWith("> ")) own.sent(parseCommand(step.slice(2)), step.slice(2));
    else {
      const a = own.answer(parseServerLine(step));
      out.push(a?.kind === "refused" ? a.own.typed : a?.kind);
    }
  }
  return out;
}

const MUTED = "ERRO 14 Voce esta silenciado: mensagem nao enviada";

Deno.test("OwnLines: a refusal is the newest message's; ERRO 02 the oldest private's (S12, C3)", async (t) => {
  await t.step("a muted line, after lines that went", () => {
    assert.deepEqual(run(["> :um", "> :dois", "> :tres", MUTED]), [":tres"]);
  });
  await t.step("several refused: each its own, the latest first", () => {
    assert.deepEqual(run(["> :um", "> :dois", MUTED, MUTED, MUTED]), [":dois", ":um", undefined]);
  });
  await t.step("ERRO 02 refuses the oldest private message waiting", () => {
    assert.deepEqual(
      run([
        "> ana:oi",
        "> zed:oi",
        "> :todos",
        "OK Mensagem enviada",
        "ERRO 02 Destino da mensagem privada nao existe: zed",
      ]),
      [undefined, "zed:oi"],
    );
  });
  await t.step("OK Mensagem enviada: that one and every one before it went", () => {
    assert.deepEqual(run(["> :um", "> ana:oi", "OK Mensagem enviada", MUTED]), [
      undefined,
      undefined,
    ]);
  });
  await t.step("what refuses no message: a command's, a slow-down, a command not done", () => {
    assert.deepEqual(
      run([
        "> :um",
        "ERRO 07 Comando invalido: use :texto, apelido:texto, {users}, {help} ou {quit}",
        "ERRO 10 Mensagens rapidas demais: aguarde; suas linhas serao entregues mais devagar",
        "ERRO 17 Sala indisponivel: comando nao feito; tente de novo em instantes",
        "ERRO 13 Comando so do professor",
        "ERRO 17 Sala indisponivel: mensagem nao enviada; tente de novo em instantes",
      ]),
      [undefined, undefined, undefined, undefined, ":um"],
    );
  });
  await t.step("only so many wait", () => {
    const steps = Array.from({ length: OWN_WAITING_MAX + 5 }, (_, i) => `> :m${i}`);
    const refusals = Array.from({ length: OWN_WAITING_MAX + 1 }, () => MUTED);
    const out = run([...steps, ...refusals]);
    assert.equal(out[0], `:m${OWN_WAITING_MAX + 4}`);
    assert.equal(out[OWN_WAITING_MAX - 1], ":m5");
    assert.equal(out[OWN_WAITING_MAX], undefined);
  });
});

Deno.test("OwnLines: the SAIU of a member one's own {kick} or {ban} removed is told already (C3)", async (t) => {
  await t.step("once, in any case, whichever comes first of OK and SAIU", () => {
    assert.deepEqual(
      run([
        "> {kick BOB}",
        "SAIU bob foi removido pelo professor",
        "OK bob foi removido",
        "SAIU bob foi removido pelo professor",
      ]),
      ["told", undefined, undefined],
    );
  });
  await t.step("a plain leave, or a removal by another teacher, is shown", () => {
    assert.deepEqual(
      run(["> {ban cid}", "SAIU cid saiu do chat", "SAIU eva foi removido pelo professor"]),
      [undefined, undefined],
    );
  });
  await t.step("a kick refused (not the teacher) expects no SAIU", () => {
    assert.deepEqual(
      run([
        "> {kick bob}",
        "ERRO 13 Comando so do professor",
        "SAIU bob foi removido pelo professor",
      ]),
      [undefined, undefined],
    );
  });
  await t.step("a kick of nobody online expects no SAIU", () => {
    assert.deepEqual(
      run([
        "> {kick zed}",
        "ERRO 02 Ninguem online com esse apelido: {kick zed}",
        "SAIU zed foi removido pelo professor",
      ]),
      [undefined, undefined],
    );
  });
});
