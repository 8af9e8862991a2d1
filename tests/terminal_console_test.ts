/**
 * The server's console in a real terminal (tmux): the teacher's commands
 * typed at the server (C2), its start-up prompts, quitting, Ctrl+D, and a
 * half-typed line kept below the lines printed. The client in a terminal:
 * `terminal_test.ts`.
 */
import assert from "node:assert/strict";
import { join } from "./line_client.ts";
import { haveTmux, serverInTmux, START_MS, Tmux } from "./tmux.ts";

const SERVER = new URL("../server.ts", import.meta.url).pathname;
const TMUX = await haveTmux();
if (!TMUX) console.log("terminal_console_test.ts: skipped: tmux is not installed");

Deno.test({
  name: "server: its console takes the teacher's commands without a token (C2)",
  ignore: !TMUX,
}, async () => {
  await using tmux = new Tmux();
  const port = await serverInTmux(tmux);
  await using ana = await join(port, "ana");
  await using bob = await join(port, "bob");
  await tmux.type("{say bom dia, turma}", true);
  assert.equal(await ana.expect("AVISO"), "AVISO professor: bom dia, turma");
  await tmux.type("{kick bob}", true);
  assert.match(await bob.expect("ERRO"), /removido pelo professor$/);
  assert.equal(await ana.expect("SAIU"), "SAIU bob foi removido pelo professor");
  await tmux.waitLine((l) => l.endsWith("/ bob foi removido"), "the answer on the console");
  await tmux.waitLine((l) => l.endsWith("teacher console: kick bob"), "the action logged");
  await tmux.type("{users}", true);
  await tmux.waitLine((l) => l === "USUARIOS 1 online: ana", "the list on the console");
  await tmux.keys("C-c");
  await ana.expect("ERRO 03");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
});

Deno.test({
  name:
    "server: the start-up prompts fit 80 columns, and a bad port typed is not called --port (issue 19 #6)",
  ignore: !TMUX,
}, async () => {
  await using tmux = new Tmux();
  await tmux.start(80, 24);
  await tmux.type(`${Deno.execPath()} run --allow-net ${SERVER}; echo EXITED=$?`, true);
  // The whole address question, with its default, on one row.
  await tmux.waitLine(
    (l) => l.includes("Endereço IP") && l.includes("0.0.0.0") && l.endsWith("[127.0.0.1]:"),
    "the address prompt on one row",
    START_MS,
  );
  await tmux.type("", true);
  await tmux.waitLine((l) => l.startsWith("Porta / port [7777]:"), "the port prompt");
  await tmux.type("sete", true);
  const pane = await tmux.waitLine((l) => l.includes('"sete"'), "the error");
  const error = pane.find((l) => l.includes('"sete"'))!;
  assert.ok(!error.includes("--port"), error);
  assert.match(error, /Porta "sete" inválida/);
  await tmux.type("0", true);
  await tmux.waitLine((l) => /listening on 127\.0\.0\.1:\d+/.test(l), "listening", START_MS);
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit");
});

Deno.test({
  name: "server: quit at the console asks before stopping everyone (issue 19.2, C2)",
  ignore: !TMUX,
}, async () => {
  await using tmux = new Tmux();
  const port = await serverInTmux(tmux);
  await using ana = await join(port, "ana");
  // One answer line for each command, {say} and {lock} included (issue 19.2).
  await tmux.type("{say bom dia}", true);
  assert.equal(await ana.expect("AVISO"), "AVISO professor: bom dia");
  await tmux.waitLine((l) => l === "OK done / feito: {say bom dia}", "the console's answer");
  await tmux.type("{lock}", true);
  await tmux.waitLine((l) => l === "OK done / feito: {lock}", "the lock's answer");
  await tmux.type("{lock}", true);
  await tmux.waitLine((l) => l.endsWith("/ a sala ja estava trancada; nada mudou"), "a repeat");
  await tmux.type("quit", true);
  await tmux.waitLine((l) => l.includes("stop the server and disconnect every"), "the question");
  await tmux.type("", true);
  await tmux.waitLine((l) => l.includes("the server goes on"), "no stop without a yes");
  await ana.send("{users}");
  assert.equal(await ana.expect("USUARIOS"), "USUARIOS 1 online: ana");
  await tmux.type("{quit}", true);
  await tmux.waitLine((l) => l.includes("digite sim"), "the question again");
  await tmux.type("sim", true);
  await ana.expect("ERRO 03");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
});

Deno.test({
  name: "server: Ctrl+D at the console says so, and the server goes on (issue 19.2, C2)",
  ignore: !TMUX,
}, async () => {
  await using tmux = new Tmux();
  const port = await serverInTmux(tmux);
  await using ana = await join(port, "ana");
  await tmux.keys("C-d");
  await tmux.waitLine((l) => l.includes("its input ended (Ctrl+D); the server goes on"), "said");
  await ana.send("{users}");
  assert.equal(await ana.expect("USUARIOS"), "USUARIOS 1 online: ana");
  await tmux.keys("C-c");
  await ana.expect("ERRO 03");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
});

Deno.test({
  name:
    "server: the console keeps a half-typed line below the lines printed; professor: and apelido: (issue 19.2, C2)",
  ignore: !TMUX,
}, async () => {
  await using tmux = new Tmux();
  const port = await serverInTmux(tmux);
  await tmux.type("{say bom");
  await tmux.waitLine((l) => l === "console> {say bom", "the half-typed line");
  await using ana = await join(port, "ana");
  // The log line of ana's arrival is printed on its own row, the half-typed line below it.
  const pane = await tmux.waitLine((l) => /^\S+ connect 127\.0\.0\.1:\d+/.test(l), "the log line");
  const last = pane.filter((l) => l !== "").at(-1);
  assert.equal(last, "console> {say bom", pane.join("\n"));
  await tmux.type(" dia}", true);
  assert.equal(await ana.expect("AVISO"), "AVISO professor: bom dia");
  // A student's message to the teacher reaches the console.
  await ana.send("Professor:posso ir ao banheiro?");
  assert.equal(await ana.expect("OK"), "OK Mensagem enviada");
  await tmux.waitLine((l) => l.endsWith(" ana -> professor: posso ir ao banheiro?"), "the message");
  // apelido:texto at the console is a private message from the teacher.
  await tmux.type("ana:pode ir", true);
  assert.equal(await ana.expect("PRIVADA"), "PRIVADA Mensagem recebida de: professor: pode ir");
  await tmux.waitLine((l) => l === "OK Message sent / Mensagem enviada", "the console's answer");
  await tmux.type("zed:oi", true);
  await tmux.waitLine((l) => l.includes("ERRO 02 ") && l.includes("zed"), "nobody called zed");
  await tmux.keys("C-c");
  await ana.expect("ERRO 03");
  const end = await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  assert.ok(!end.some((l) => l.includes("input ended")), "Ctrl+C is no Ctrl+D:\n" + end.join("\n"));
});
