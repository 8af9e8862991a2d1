/**
 * The client's comforts in a real terminal (tmux): Tab completion, the bell
 * and the highlight of a mention, `{reply}`, history and notices (C6), and
 * lines refused or given back to the input line (C3, L1). The teacher's
 * console in a terminal: `terminal_console_test.ts`.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join } from "./line_client.ts";
import { clientCommand, clientInTmux, haveTmux, START_MS, Tmux } from "./tmux.ts";

const TMUX = await haveTmux();
if (!TMUX) console.log("terminal_test.ts: skipped: tmux is not installed");

Deno.test(
  { name: "client: Tab completes nicknames and commands (C6)", ignore: !TMUX },
  async () => {
    await using srv = startServer();
    await using beatriz = await join(srv.port, "Beatriz");
    await using tmux = new Tmux();
    await clientInTmux(tmux, srv.port, "ana");
    await tmux.type("bea");
    await tmux.keys("Tab");
    await tmux.waitLine((l) => l === "ana> Beatriz:", "the nickname completed as nick:");
    await tmux.type("oi", true);
    assert.equal(await beatriz.expect("PRIVADA"), "PRIVADA Mensagem recebida de: ana: oi");
    // a nickname that joined later is known too
    await using _carlos = await join(srv.port, "carlos");
    await tmux.waitLine((l) => l.endsWith("carlos entrou no chat"), "the join");
    await tmux.type(":oi car");
    await tmux.keys("Tab");
    await tmux.waitLine((l) => l === "ana> :oi carlos", "the nickname completed in the text");
    await tmux.keys("C-u");
    await tmux.type("{us");
    await tmux.keys("Tab");
    await tmux.waitLine((l) => l === "ana> {users}", "the command completed");
    await tmux.keys("Enter");
    await tmux.waitLine((l) => /USUARIOS|online: /.test(l) && l.includes("carlos"), "the list");
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  },
);

Deno.test({
  name: "client: a private message or a mention rings the bell; the mention is highlighted (C6)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  const raw = await Deno.makeTempFile();
  try {
    await using tmux = new Tmux();
    await clientInTmux(tmux, srv.port, "ana");
    await tmux.record(raw);
    await bob.send(":sem mencao");
    await tmux.waitLine((l) => l.endsWith("bob: sem mencao"), "a plain message");
    const before = await tmux.recorded("sem mencao");
    assert.ok(!before.includes(0x07), "no bell for a plain message");
    await bob.send(":ei ANA, olha isto");
    await tmux.waitLine((l) => l.endsWith("bob: ei ANA, olha isto"), "the mention");
    let bytes = await tmux.recorded("olha isto");
    assert.ok(bytes.includes(0x07), "a bell for the mention");
    const text = new TextDecoder().decode(bytes);
    assert.ok(text.includes("\x1b[1;7mANA\x1b[0m"), "the mention is highlighted");
    const bells = bytes.filter((b) => b === 0x07).length;
    await bob.send("ana:psiu");
    await tmux.waitLine((l) => l.endsWith("Mensagem recebida de: bob: psiu"), "the private one");
    bytes = await tmux.recorded("psiu");
    assert.equal(bytes.filter((b) => b === 0x07).length, bells + 1, "a bell for a private message");
    // {reply} answers the last sender
    await tmux.type("{reply tudo bem}", true);
    assert.equal(await bob.expect("PRIVADA"), "PRIVADA Mensagem recebida de: ana: tudo bem");
    await tmux.waitLine((l) => l.endsWith("Mensagem para bob: tudo bem"), "the own echo");
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  } finally {
    await Deno.remove(raw);
  }
});

Deno.test({ name: "client: --no-bell rings no bell (C6)", ignore: !TMUX }, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  const raw = await Deno.makeTempFile();
  try {
    await using tmux = new Tmux();
    await clientInTmux(tmux, srv.port, "ana", "--no-bell");
    await tmux.record(raw);
    await bob.send("ana:psiu");
    await tmux.waitLine((l) => l.endsWith("Mensagem recebida de: bob: psiu"), "the private one");
    assert.ok(!(await tmux.recorded("psiu")).includes(0x07));
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  } finally {
    await Deno.remove(raw);
  }
});

Deno.test({
  name: "client: history lines dimmed with their time, notices shown as such (C4, C6)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer({ adminToken: "giz" });
  await using bob = await join(srv.port, "bob");
  await bob.send(":antes de voce");
  await bob.send("{admin giz}");
  await bob.expect("OK");
  const raw = await Deno.makeTempFile();
  try {
    await using tmux = new Tmux();
    await tmux.start(100, 30);
    await tmux.record(raw);
    await tmux.type(
      `env -u NO_COLOR ${clientCommand(srv.port, "--nick ana --lang en")}; echo EXITED=$?`,
      true,
    );
    await tmux.waitLine((l) => l === "ana>", "the chat prompt", START_MS);
    // The time it was said, once (review 9g: not `07:24 [07:24] bob: ...`).
    await tmux.waitLine((l) => /^\d\d:\d\d bob: antes de voce$/.test(l), "the history line");
    await bob.send("{say prova sexta}");
    await tmux.waitLine((l) => l.endsWith("teacher: prova sexta"), "the notice, in English");
    const text = new TextDecoder().decode(await tmux.recorded("prova sexta"));
    const ESC = "\x1b";
    assert.match(
      text,
      new RegExp(`${ESC}\\[2mbob: antes de voce`),
      "history dimmed",
    );
    assert.ok(text.includes(`${ESC}[1;33mteacher: prova sexta`), "a notice has its own colour");
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  } finally {
    await Deno.remove(raw);
  }
});

Deno.test({
  name: "client: a typed line of emoji that wraps is replaced by its echo (issue 20 #8)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await tmux.start(40, 20);
  await tmux.type(`${clientCommand(srv.port, "--nick ana --lang pt")}; echo EXITED=$?`, true);
  await tmux.waitLine((l) => l === "ana>", "the chat prompt", START_MS);
  // The prompt, a colon and 20 rockets of two columns each: 46 columns, two rows of 40.
  await tmux.type(`:${"🚀".repeat(20)}`, true);
  assert.equal(await bob.expect("PUBLICA"), `PUBLICA ana: ${"?".repeat(20)}`);
  const pane = await tmux.waitLine((l) => l.endsWith(`ana: ${"?".repeat(20)}`), "the echo");
  assert.ok(!pane.some((l) => l.includes("🚀")), `the typed line stayed:\n${pane.join("\n")}`);
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit");
});

Deno.test({
  name: "client: a muted student's message is shown as not sent, not as sent (issue 19.6, C3)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer({ adminToken: "s3nha-do-prof" });
  await using prof = await join(srv.port, "prof");
  await prof.send("{admin s3nha-do-prof}");
  await prof.expect("OK");
  await using tmux = new Tmux();
  await clientInTmux(tmux, srv.port, "ana");
  await prof.send("{mute ana}");
  await tmux.waitLine((l) => l.endsWith("ana foi silenciado pelo professor"), "the notice");
  await tmux.type(":posso falar?", true);
  await tmux.waitLine(
    (l) =>
      l.endsWith("ana: posso falar?  (não enviada: você está silenciado; professor:texto passa)"),
    "the message shown as not sent",
  );
  await tmux.waitLine((l) => l.includes("ERRO 14"), "the server's refusal");
  // The refused line comes back to the input line, to edit (field test: nothing typed is lost).
  await tmux.waitLine((l) => l === "ana> :posso falar?", "the line given back");
  await tmux.keys("C-u");
  await tmux.type("professor:posso falar?", true);
  assert.equal(await prof.expect("PRIVADA"), "PRIVADA Mensagem recebida de: ana: posso falar?");
  await prof.send("{unmute ana}");
  await tmux.waitLine((l) => l.endsWith("ana pode falar de novo"), "the notice");
  await tmux.type(":voltei", true);
  assert.equal(await prof.expect("PUBLICA"), "PUBLICA ana: voltei");
  const pane = await tmux.waitLine((l) => l.endsWith("ana: voltei"), "sent as usual");
  assert.ok(!pane.some((l) => l.includes("voltei  (")), pane.join("\n"));
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
});

Deno.test({
  name: "client: the teacher sees a kick once: the OK, not also the room's SAIU (field test, C3)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer({ adminToken: "s3nha-do-prof" });
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await clientInTmux(tmux, srv.port, "prof");
  await tmux.type("{admin s3nha-do-prof}", true);
  await tmux.waitLine((l) => l.endsWith("você agora é o professor; digite {help}"), "the teacher");
  await tmux.type("{kick bob}", true);
  await bob.closed();
  await tmux.waitLine((l) => l.endsWith("bob foi removido"), "the kick's OK");
  // A later answer: every line of the kick has come before it.
  await tmux.type("{users}", true);
  const pane = await tmux.waitLine((l) => l.includes("1 online: prof"), "the list");
  assert.deepEqual(pane.filter((l) => /bob foi removido/.test(l)).length, 1, pane.join("\n"));
  // A kick of nobody online is refused, and a later kick of the same name is shown again.
  await tmux.type("{kick bob}", true);
  await tmux.waitLine((l) => l.includes("{kick bob}") && l.includes("02"), "ERRO 02");
  await using cid = await join(srv.port, "cid", { from: "127.0.0.3" });
  await tmux.waitLine((l) => l.endsWith("cid entrou no chat"), "cid");
  await tmux.type("{ban cid}", true);
  await cid.closed();
  await tmux.type("{users}", true);
  const after = await tmux.waitPane(
    (p) => p.filter((l) => l.includes("1 online: prof")).length === 2,
    "the second list",
  );
  assert.equal(after.filter((l) => /cid foi removido/.test(l)).length, 1, after.join("\n"));
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
});

Deno.test({
  name:
    "client: a line too long for the protocol is told and given back, not sent (L1, field test)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await clientInTmux(tmux, srv.port, "ana");
  // A plain line of 1024 bytes: with the ':' it gets, one byte over the line limit.
  await tmux.type("y".repeat(1024), true);
  await tmux.waitLine((l) => l.includes("máximo de 1024 bytes"), "the refusal");
  const pane = await tmux.waitLine((l) => /^y+$/.test(l), "the line given back");
  const given = pane.filter((l) => /^(ana> )?y+$/.test(l)).join("").replace("ana> ", "");
  assert.equal(given.length, 1024, `all of it, once, in the input line:\n${pane.join("\n")}`);
  assert.ok(pane.some((l) => l.startsWith("ana> y")), pane.join("\n"));
  await tmux.keys("C-u");
  await tmux.type(":curta", true);
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: curta");
  assert.ok(!bob.received.some((l) => l.includes("yyy")), "the long one never went");
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
});
