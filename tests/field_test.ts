/**
 * What broke when the chat was used as a class would use it (issue 10), each
 * reproduced as it was seen: real sockets, the server and the client as
 * subprocesses, and real terminals (tmux) where the terminal matters.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { WAIT_MS } from "./wait.ts";
import { clientCommand, haveTmux, Tmux } from "./tmux.ts";

const SERVER = new URL("../server.ts", import.meta.url).pathname;
const CLIENT = new URL("../client.ts", import.meta.url).pathname;
const START_MS = 3 * WAIT_MS;
const TMUX = await haveTmux();
if (!TMUX) console.log("field_test.ts: the terminal tests are skipped: tmux is not installed");
const decoder = new TextDecoder();

/** Starts the client in tmux (`columns` x `rows`) as `nick`, and waits for its chat prompt. */
async function chatAs(tmux: Tmux, port: number, nick: string, columns: number, rows: number) {
  await tmux.start(columns, rows);
  await tmux.type(
    clientCommand(port, `--nick ${nick} --lang pt`),
    true,
  );
  await tmux.waitLine((l) => l === `${nick}>`, "the chat prompt", START_MS);
}

/** Runs `deno run PERMS file ARGS` to its end, stdin closed. */
async function run(
  file: string,
  perms: string[],
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, file, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env,
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** A server that stops itself: it is run with `--nick-timeout` and killed by its own end of input. */
async function serverOutput(
  perms: string[],
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, SERVER, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + START_MS;
  while (!/teacher's token/.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGTERM");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await child.stderr.cancel();
  await child.status;
  return text;
}

// #3: lines typed or pasted right after the nickname are never lost.
Deno.test({
  name: "client: lines pasted with the nickname are all sent (issue 10 #3)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await tmux.start(100, 30);
  await tmux.type(
    clientCommand(srv.port, "--lang pt"),
    true,
  );
  await tmux.waitLine((l) => l.startsWith("Digite seu apelido"), "the nickname prompt", START_MS);
  await tmux.type("carol\r:first\r:second\r");
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA carol: first");
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA carol: second");
  await tmux.keys("C-c");
});

// #4: Ctrl+C or Ctrl+D at the server's start-up prompts cancels.
Deno.test({
  name: "server: Ctrl+C or Ctrl+D at a start-up prompt aborts with a non-zero exit (issue 10 #4)",
  ignore: !TMUX,
}, async (t) => {
  for (const key of ["C-c", "C-d"]) {
    await t.step(key, async () => {
      await using tmux = new Tmux();
      await tmux.start(100, 30);
      await tmux.type(`${Deno.execPath()} run --allow-net ${SERVER}; echo EXITED=$?`, true);
      await tmux.waitLine((l) => l.includes("0.0.0.0"), "the address prompt", START_MS);
      await tmux.keys(key);
      const pane = await tmux.waitLine((l) => l.startsWith("EXITED="), "the exit");
      assert.ok(!pane.includes("EXITED=0"), pane.join("\n"));
      assert.ok(!pane.some((l) => l.includes("listening on")), pane.join("\n"));
    });
  }
});

// #9: a typo at the address prompt asks again.
Deno.test({
  name: "server: a typo at the address prompt asks again (issue 10 #9)",
  ignore: !TMUX,
}, async () => {
  await using tmux = new Tmux();
  await tmux.start(120, 30);
  await tmux.type(`${Deno.execPath()} run --allow-net ${SERVER} --port 0; echo EXITED=$?`, true);
  await tmux.waitLine((l) => l.includes("0.0.0.0"), "the address prompt", START_MS);
  await tmux.type("127.0.0.l", true);
  await tmux.waitLine((l) => l.includes("ERRO 05"), "the error");
  await tmux.type("127.0.0.1", true);
  await tmux.waitLine((l) => l.includes("listening on 127.0.0.1:"), "listening", START_MS);
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit");
});

// #5: a line exactly as wide as the terminal does not stay on the screen.
Deno.test({
  name: "client: a typed line as wide as the terminal is replaced by its echo (issue 10 #5)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await chatAs(tmux, srv.port, "ana", 40, 20);
  const text = ":" + "x".repeat(40 - "ana> ".length - 1); // prompt + text = 40 columns
  await tmux.type(text, true);
  assert.equal(await bob.expect("PUBLICA"), `PUBLICA ana: ${text.slice(1)}`);
  const pane = await tmux.waitLine(
    (l) => l.startsWith("ana>") && !l.includes("x"),
    "a clean prompt",
  );
  assert.ok(!pane.some((l) => l === `ana> ${text}`), `the typed line stayed:\n${pane.join("\n")}`);
  await tmux.keys("C-c");
});

// #6: spaces before the colon of a public message.
Deno.test("server: '  :text' is a public message, as ' nick:text' is private (issue 10 #6)", async () => {
  await using srv = startServer();
  await using ana = await join(srv.port, "ana");
  await using bob = await join(srv.port, "bob");
  await ana.send("  :com espacos antes");
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: com espacos antes");
});

// #7: the `--` that `deno task server -- --port N` passes along.
Deno.test("server.ts accepts the -- that deno task passes along (issue 10 #7)", async () => {
  const out = await serverOutput(["--allow-net"], ["--", "--host", "127.0.0.1", "--port", "0"]);
  assert.match(out, /listening on 127\.0\.0\.1:\d+/);
});

// #8: `--port -1` gets papo's own sentence.
Deno.test("server.ts and client.ts say what is wrong with --port -1 (issue 10 #8)", async () => {
  const server = await run(SERVER, ["--allow-net"], ["--port", "-1"]);
  assert.equal(server.code, 2);
  assert.match(server.stderr, /Cannot use --port "-1": give a whole number from 0 to 65535/);
  const client = await run(CLIENT, ["--allow-net"], ["--port", "-1", "--lang", "en"]);
  assert.equal(client.code, 2);
  assert.match(client.stderr, /Invalid port "-1"/);
});

// #8: the piped client run from a terminal shows the nickname prompt.
Deno.test({
  name: "client: piped output from a terminal still shows the nickname prompt (issue 10 #8)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await tmux.start(100, 30);
  await tmux.type(
    clientCommand(srv.port, "--lang en | cat"),
    true,
  );
  await tmux.waitLine((l) => l.startsWith("Type your nickname"), "the prompt", START_MS);
  await tmux.type("dora", true);
  assert.equal(await bob.expect("ENTROU"), "ENTROU dora entrou no chat");
  await tmux.keys("C-d");
});

// #9: the banner says who can join, and how.
Deno.test("server.ts: the banner says only this computer can join 127.0.0.1 (issue 10 #9)", async () => {
  const out = await serverOutput(["--allow-net"], ["--host", "127.0.0.1", "--port", "0"]);
  assert.match(out, /only this computer can join/);
  assert.match(out, /--host 0\.0\.0\.0/);
});

Deno.test("server.ts: on 0.0.0.0 the banner lists the addresses students type (issue 10 #9)", async (t) => {
  await t.step("with --allow-sys=networkInterfaces", async () => {
    const out = await serverOutput(
      ["--allow-net", "--allow-sys=networkInterfaces"],
      ["--host", "0.0.0.0", "--port", "0"],
    );
    const port = /listening on 0\.0\.0\.0:(\d+)/.exec(out)?.[1];
    assert.ok(port, out);
    const listed = [...out.matchAll(/nc (\d+\.\d+\.\d+\.\d+) (\d+)/g)];
    for (const [, ip, p] of listed) {
      assert.equal(p, port);
      assert.ok(!ip!.startsWith("127."), `a loopback address listed: ${ip}`);
    }
    const interfaces = Deno.networkInterfaces().filter((i) =>
      i.family === "IPv4" && !i.address.startsWith("127.")
    );
    assert.equal(listed.length, interfaces.length, out);
    if (interfaces.length === 0) assert.match(out, /no network address/, out);
  });
  await t.step("without it: how to find the address, and no prompt", async () => {
    const out = await serverOutput(["--allow-net"], ["--host", "0.0.0.0", "--port", "0"]);
    assert.match(out, /ip addr/);
    assert.match(out, /ipconfig/);
  });
});

// #10: nc and telnet users are told how to talk, after the user list.
Deno.test("server: after the user list, one line says how to talk (issue 10 #10)", async () => {
  await using srv = startServer();
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await c.send("ana");
  await c.expect("USUARIOS");
  assert.equal(
    await c.line(),
    "AJUDA Digite :texto para todos, apelido:texto para uma pessoa, {users}, {help} ou {quit}",
  );
});

// #11: a plain line in the client goes to everyone, and the user is told once how to write one.
Deno.test({
  name: "client: a plain line is sent to everyone, with a hint once (issue 10 #11)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await chatAs(tmux, srv.port, "ana", 120, 30);
  await tmux.type("oi pessoal", true);
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: oi pessoal");
  await tmux.type("tudo bem", true);
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: tudo bem");
  const pane = await tmux.waitLine((l) => /ana: tudo bem$/.test(l), "the second echo");
  assert.equal(pane.filter((l) => l.includes("Enviado para todos")).length, 1, pane.join("\n"));
  await tmux.keys("C-c");
});

// #12: the server's log in local time with its offset.
Deno.test("server.ts logs in local time with its offset (issue 10 #12)", async () => {
  const out = await serverOutput(["--allow-net"], ["--host", "127.0.0.1", "--port", "0"], {
    TZ: "America/Sao_Paulo",
  });
  const first = out.split("\n")[0]!;
  assert.match(first, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-03:00 /, first);
});

// #5: resizing while a wrapped line is typed leaves one input line and erases nothing.
Deno.test({
  name:
    "client: resizing with a wrapped line typed keeps one input line and every message (issue 10 #5)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await chatAs(tmux, srv.port, "ana", 40, 20);
  await bob.send(":antes");
  await tmux.waitLine((l) => l.endsWith("bob: antes"), "a message");
  const typed = ":" + "a".repeat(30) + "b".repeat(30);
  await tmux.type(typed);
  // The whole line drawn before the first resize (keys and lines drawn between the terminal's
  // re-wrap and the client's resize event: resize_test.ts).
  await tmux.waitPane((p) => p.join("").includes(`ana> ${typed}`), "the whole typed line");
  // Each width in turn: the client has redrawn for one before the next (tmux re-wraps the pane
  // itself at once, so the pane alone does not tell that the client has followed).
  const raw = await Deno.makeTempFile({ prefix: "papo-resize-" });
  await using _raw = { [Symbol.asyncDispose]: () => Deno.remove(raw) };
  await tmux.record(raw);
  for (const columns of [30, 80, 30]) {
    await tmux.resize(columns);
    await tmux.waitLine(
      (l) => l.length <= columns && l.startsWith("ana> :aaa"),
      `${columns} columns`,
    );
  }
  await bob.send(":depois");
  // The message is printed, then the input line drawn again below it: wait for both.
  const pane = await tmux.waitPane(
    (p) => p.some((l) => l.endsWith("bob: depois")) && p.some((l) => l.startsWith("ana> ")),
    "the next message above the input line",
  );
  const text = pane.join("\n");
  assert.equal(pane.filter((l) => l.startsWith("ana> ")).length, 1, `one input line:\n${text}`);
  // Kept on the terminal: on the screen, or scrolled above it by the re-wraps (tmux's history).
  const history = await tmux.history();
  assert.ok(history.some((l) => l.endsWith("bob: antes")), `kept:\n${history.join("\n")}`);
  assert.ok(
    pane.findIndex((l) => l.endsWith("bob: depois")) < pane.findIndex((l) => l.startsWith("ana> ")),
  );
  await tmux.keys("Enter");
  assert.equal(await bob.expect("PUBLICA"), `PUBLICA ana: ${typed.slice(1)}`);
  await tmux.keys("C-c");
});
