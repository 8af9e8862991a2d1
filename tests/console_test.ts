/**
 * C2: the server's console (issue 19.2; review 9c, 9d). Every command typed
 * there gets one answer line, `:text` included; its answers are in English
 * and Portuguese like its other lines; its `{help}` says that `{quit}` stops
 * the server. The console's caller runs against a real server whose
 * students are real TCP clients; the terminal itself is tested in tmux in
 * `terminal_console_test.ts`.
 */
import assert from "node:assert/strict";
import { ConsoleCaller } from "../server/console.ts";
import { startServer } from "./helpers.ts";
import { join } from "./line_client.ts";

/** A console on a test server, and the lines it printed. */
function consoleOf(server: ConstructorParameters<typeof ConsoleCaller>[0]) {
  const printed: string[] = [];
  const caller = new ConsoleCaller(server, (l) => printed.push(l), () => printed.push("STOPPED"));
  return { caller, printed };
}

Deno.test("C2: `:text` at the console reaches the room and gets its answer line (review 9c)", async () => {
  await using srv = startServer();
  await using ana = await join(srv.port, "ana");
  const { caller, printed } = consoleOf(srv.server);
  await caller.run(":bom dia");
  assert.equal(await ana.expect("AVISO"), "AVISO professor: bom dia");
  assert.deepEqual(printed, ["OK done / feito: :bom dia"]);
});

Deno.test("C2: the console answers in both languages, and its {help} says {quit} stops the server (review 9d)", async () => {
  await using srv = startServer();
  const { caller, printed } = consoleOf(srv.server);
  await caller.run("{lock}");
  await caller.run("{lock}");
  assert.equal(printed.length, 2, printed.join("\n"));
  assert.match(printed[1]!, /locked already/, "English");
  assert.match(printed[1]!, /ja estava trancada/, "and Portuguese");
  printed.length = 0;
  await caller.run("{help}");
  const help = printed.join("\n");
  assert.match(help, /\{quit\}.*stop the server/, help);
  assert.doesNotMatch(help, /sair do chat/, help);
  assert.match(help, /\{lock\}/);
});

Deno.test("C2: a private message from the console is answered in both languages too (field test)", async () => {
  await using srv = startServer();
  await using ana = await join(srv.port, "ana");
  const { caller, printed } = consoleOf(srv.server);
  await caller.run("ana:oi");
  assert.equal(await ana.expect("PRIVADA"), "PRIVADA Mensagem recebida de: professor: oi");
  assert.deepEqual(printed, ["OK Message sent / Mensagem enviada"]);
});
