/**
 * Tests of the real client run as a subprocess (`deno run --allow-net
 * client.ts`) against a real server on 127.0.0.1 port 0, with piped input
 * (X2) and in a real terminal (tmux, S15); its pure parts are
 * `client_parts_test.ts`. Every wait is bounded; nothing asserts on time.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join } from "./line_client.ts";
import { clientCommand, haveTmux, Tmux } from "./tmux.ts";
import { ClientProcess, lines, online, runClient, START_MS } from "./client_helpers.ts";

const encoder = new TextEncoder();

Deno.test("client.ts chats through a real server with piped input (X2)", async (t) => {
  const cases = [
    {
      lang: "pt",
      alice: [
        "bob entrou no chat",
        "bob: oi alice",
        "Mensagem recebida de: bob: segredo nao",
        "bob saiu do chat",
      ],
      bob: [
        "Bem-vindo ao papo, bob!",
        "2 online: alice, bob",
        "Mensagem enviada",
        "ERRO 02: Destino da mensagem privada não existe (zed)",
        "ERRO 07: Comando inválido (use :texto, apelido:texto, {users}, {help} ou {quit})",
        "2 online: alice, bob",
        "Até logo, bob",
      ],
    },
    {
      lang: "en",
      alice: [
        "bob joined the chat",
        "bob: oi alice",
        "Message received from: bob: segredo nao",
        "bob left the chat",
      ],
      bob: [
        "Welcome to papo, bob!",
        "2 online: alice, bob",
        "Message sent",
        "ERRO 02: The private message's recipient does not exist (zed)",
        "ERRO 07: Invalid command (use :text, nick:text, {users}, {help} or {quit})",
        "2 online: alice, bob",
        "See you, bob",
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.lang, async () => {
      await using srv = startServer();
      const port = String(srv.port);
      await using alice = new ClientProcess(["--port", port, "--nick", "alice", "--lang", c.lang]);
      await online(srv.server, "alice");
      const bob = await runClient(
        ["--port", port, "--nick", "bob", "--lang", c.lang],
        ":oi alice\nalice:segredo não\nzed:x\nxyz\n{users}\n",
      );
      assert.deepEqual(bob.code, 0, bob.stderr);
      assert.deepEqual(lines(bob.stdout).filter((l) => c.bob.includes(l)), c.bob);
      await alice.waitFor(c.alice.at(-1)!);
      const a = await alice.finish();
      assert.deepEqual(a.code, 0, a.stderr);
      assert.deepEqual(lines(a.stdout).filter((l) => c.alice.includes(l)), c.alice);
      for (const out of [a.stdout, bob.stdout, a.stderr, bob.stderr]) {
        assert.ok(!out.includes("\x1b"), `escape byte in ${JSON.stringify(out)}`);
      }
    });
  }
});

Deno.test("client.ts sends every line in order when input ends before the nickname is accepted", async () => {
  await using srv = startServer();
  await using watch = await join(srv.port, "watch");
  const out = await runClient(
    ["--port", String(srv.port), "--lang", "pt"],
    "carol\n:one\n:two\nwatch:three\n",
  );
  assert.deepEqual(out.code, 0, out.stderr);
  assert.deepEqual(await watch.expect("PUBLICA"), "PUBLICA carol: one");
  assert.deepEqual(await watch.expect("PUBLICA"), "PUBLICA carol: two");
  assert.deepEqual(await watch.expect("PRIVADA"), "PRIVADA Mensagem recebida de: carol: three");
  assert.ok(lines(out.stdout).includes("Mensagem enviada"), out.stdout);
  assert.deepEqual(lines(out.stdout).at(-2), "Até logo, carol");
});

Deno.test("client.ts leaves at quit in its input and sends nothing after it (S7, X2)", async () => {
  await using srv = startServer();
  await using watch = await join(srv.port, "watch");
  const out = await runClient(
    ["--port", String(srv.port), "--nick", "dan", "--lang", "en"],
    ":a\nquit\n:b\n",
  );
  assert.deepEqual(out.code, 0, out.stderr);
  assert.deepEqual(await watch.expect("PUBLICA"), "PUBLICA dan: a");
  assert.deepEqual(await watch.expect("SAIU"), "SAIU dan saiu do chat");
  assert.deepEqual(watch.rest(), []);
  assert.deepEqual(lines(out.stdout).at(-2), "See you, dan");
});

Deno.test("client.ts exits non-zero when the server is full (L5)", async () => {
  await using srv = startServer({ maxClients: 1 });
  await using _first = await join(srv.port, "first");
  const out = await runClient(
    ["--port", String(srv.port), "--nick", "late", "--lang", "en"],
    ":hi\n",
  );
  assert.deepEqual(out.code, 1);
  assert.deepEqual(lines(out.stdout), ["ERRO 11: Server full", ""]);
});

Deno.test("client.ts handles a refused nickname with piped input", async (t) => {
  await using srv = startServer();
  await using _alice = await join(srv.port, "alice");
  const port = String(srv.port);
  const refused: [string, string][] = [
    ["ALICE", "ERRO 01: That nickname is already in use (ALICE)"],
    ["quit", "ERRO 06: Invalid nickname (reserved name; type {quit} to leave)"],
    ["a b", "ERRO 06: Invalid nickname (use 1 to 16 letters, digits, _ or -)"],
  ];
  for (const [nick, error] of refused) {
    await t.step(`--nick "${nick}" exits non-zero`, async () => {
      const out = await runClient(["--port", port, "--nick", nick, "--lang", "en"], ":hi\n");
      assert.deepEqual(out.code, 1);
      assert.ok(lines(out.stdout).includes(error), out.stdout);
    });
  }
  await t.step("--nick refused with input already at its end (</dev/null) exits 1", async () => {
    // Issue 19.8: the end of input raced the nickname's answer (exit 0, "See you").
    for (let run = 0; run < 3; run++) {
      const out = await runClient(["--port", port, "--nick", "alice", "--lang", "en"]);
      assert.deepEqual(out.code, 1, out.stdout);
      assert.ok(lines(out.stdout).includes(refused[0]![1].replace("ALICE", "alice")), out.stdout);
    }
  });
  await t.step("a refused nickname from input is followed by the next line", async () => {
    const out = await runClient(["--port", port, "--lang", "en"], "alice\nalice2\n:hi\n");
    assert.deepEqual(out.code, 0, out.stdout + out.stderr);
    const shown = lines(out.stdout);
    assert.ok(shown.includes("ERRO 01: That nickname is already in use (alice)"), out.stdout);
    assert.ok(shown.includes("Welcome to papo, alice2!"), out.stdout);
  });
  await t.step("input that ends with no nickname accepted exits non-zero", async () => {
    const out = await runClient(["--port", port, "--lang", "en"], "alice\n");
    assert.deepEqual(out.code, 1, out.stdout);
  });
});

Deno.test("client.ts reports ERRO 04 when the server cannot be reached", async (t) => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = String(listener.addr.port);
  listener.close();
  const cases: [string[], string][] = [
    [
      ["--port", closedPort, "--lang", "pt"],
      "ERRO 04: Servidor de destino é inválido (conexão recusada)",
    ],
    [
      ["--port", closedPort, "--lang", "en"],
      "ERRO 04: The destination server is invalid (connection refused)",
    ],
    [
      ["--host", "999.1.1.1", "--lang", "en"],
      "ERRO 04: The destination server is invalid (address not found)",
    ],
    [
      ["--host", "no spaces", "--lang", "en"],
      "ERRO 04: The destination server is invalid (address not found)",
    ],
  ];
  for (const [args, error] of cases) {
    await t.step(args.join(" "), async () => {
      const out = await runClient(args, ":hi\n");
      assert.deepEqual(out.code, 1);
      assert.deepEqual(out.stderr.trim(), error);
      assert.deepEqual(out.stdout, "");
    });
  }
});

Deno.test("client.ts shows ERRO 03 and exits non-zero when the server goes away (S16)", async (t) => {
  await t.step("server shutdown", async () => {
    await using srv = startServer();
    await using alice = new ClientProcess([
      "--port",
      String(srv.port),
      "--nick",
      "alice",
      "--lang",
      "pt",
    ]);
    await online(srv.server, "alice");
    await srv.stop();
    const out = await alice.finish();
    assert.deepEqual(out.code, 1);
    assert.ok(
      lines(out.stdout).includes("ERRO 03: Cancelamento de conexão forçado (servidor encerrado)"),
      out.stdout,
    );
  });
  await t.step("connection dropped without a word", async () => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const serving = (async () => {
      using conn = await listener.accept();
      await conn.write(encoder.encode("APELIDO Digite seu apelido\r\n"));
      const buf = new Uint8Array(64);
      await conn.read(buf); // the nickname
      await conn.write(
        encoder.encode("BEMVINDO Bem-vindo ao papo, ana!\r\nUSUARIOS 1 online: ana\r\n"),
      );
    })();
    await using ana = new ClientProcess([
      "--port",
      String(listener.addr.port),
      "--nick",
      "ana",
      "--lang",
      "en",
    ]);
    await serving;
    const out = await ana.finish();
    assert.deepEqual(out.code, 1);
    assert.deepEqual(
      lines(out.stdout).at(-2),
      "ERRO 03: Connection closed by force (connection lost)",
    );
  });
});

Deno.test("client.ts rejects bad flags with a clear message and exit code 2", async (t) => {
  const cases: [string[], string][] = [
    [["--port", "abc", "--lang", "en"], 'Invalid port "abc"'],
    [["--lang", "fr"], '"fr"'],
    [["--bogus", "--lang", "en"], "--bogus"],
  ];
  for (const [args, named] of cases) {
    await t.step(args.join(" "), async () => {
      const out = await runClient(args);
      assert.deepEqual(out.code, 2);
      assert.ok(out.stderr.includes(named), out.stderr);
      assert.ok(!out.stderr.includes("    at "), `stack trace in ${out.stderr}`);
      assert.deepEqual(out.stdout, "");
    });
  }
  await t.step("--help and --version exit 0", async () => {
    const help = await runClient(["--help", "--lang", "en"]);
    assert.deepEqual(help.code, 0);
    assert.match(help.stdout, /--nick NICK/);
    const version = await runClient(["--version"]);
    assert.deepEqual(version.code, 0);
    assert.match(version.stdout, /^papo-client \d+\.\d+\.\d+/);
  });
});

// ----------------------------------------------------------- terminal

const TMUX = await haveTmux();
if (!TMUX) console.log("client_test.ts: the terminal test is skipped: tmux is not installed");

Deno.test({
  name: "client.ts in a terminal keeps the half-typed line intact below incoming lines (S15)",
  ignore: !TMUX,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await tmux.start(100, 30);
  const command = `${clientCommand(srv.port, "--nick alice --lang pt")}; echo EXITED=$?`;
  await tmux.run("send-keys", "-t", "papo", "-l", command);
  await tmux.run("send-keys", "-t", "papo", "Enter");
  await tmux.waitLine((l) => l === "alice>", "the chat prompt", START_MS);
  await bob.expect("ENTROU alice");

  await tmux.run("send-keys", "-t", "papo", "-l", ":meio digitado");
  await tmux.waitLine((l) => l === "alice> :meio digitado", "the half-typed line");
  await bob.send(":chegou uma mensagem");
  await bob.send("alice:psst");
  await tmux.waitLine(
    (l) => l.endsWith(" Mensagem recebida de: bob: psst"),
    "the private message",
  );
  // The input line is drawn again just after the message: wait for it, not only for the message.
  const pane = await tmux.waitLine((l) => l === "alice> :meio digitado", "the line drawn again");
  const message = pane.findIndex((l) => /^\d\d:\d\d bob: chegou uma mensagem$/.test(l));
  const input = pane.findIndex((l) => l === "alice> :meio digitado");
  assert.ok(message >= 0 && input > message, `message above the input line:\n${pane.join("\n")}`);
  assert.deepEqual(
    pane.slice(input + 1).filter((l) => l !== ""),
    [],
    "nothing below the input line",
  );
  const [y, x] = (await tmux.run("display-message", "-p", "-t", "papo", "#{cursor_y} #{cursor_x}"))
    .trim().split(" ").map(Number);
  assert.deepEqual(
    [y, x],
    [input, "alice> :meio digitado".length],
    "cursor at the end of the input",
  );

  // Finishing the line sends it, accents as ASCII, and shows it as the user's own.
  await tmux.run("send-keys", "-t", "papo", "-l", " e não");
  await tmux.run("send-keys", "-t", "papo", "Enter");
  assert.deepEqual(await bob.expect("PUBLICA"), "PUBLICA alice: meio digitado e nao");
  await tmux.waitLine((l) => /^\d\d:\d\d alice: meio digitado e nao$/.test(l), "the own echo");

  // Ctrl+C leaves cleanly and gives the shell back in its normal mode.
  await tmux.run("send-keys", "-t", "papo", "C-c");
  await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  await bob.expect("SAIU alice");
  await tmux.run(
    "send-keys",
    "-t",
    "papo",
    "-l",
    "stty -a | grep -q -- -icanon && echo RAW || echo COOKED",
  );
  await tmux.run("send-keys", "-t", "papo", "Enter");
  await tmux.waitLine((l) => l === "COOKED", "the shell in cooked mode");
});

Deno.test("client.ts shows a student's server's UTF-8 lines and says when a line is too long", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    const enc = new TextEncoder();
    await conn.write(enc.encode("Digite seu apelido:\r\n"));
    await conn.read(new Uint8Array(100));
    await conn.write(enc.encode("Olá, ana! Você entrou.\r\n" + "x".repeat(9000) + "\r\nfim\r\n"));
    conn.close();
  })();
  const out = await runClient([
    "--port",
    String(listener.addr.port),
    "--nick",
    "ana",
    "--lang",
    "pt",
  ], "");
  await served;
  listener.close();
  const shown = lines(out.stdout);
  assert.ok(shown.includes("Olá, ana! Você entrou."), out.stdout);
  assert.ok(shown.includes("[linha longa demais do servidor / server line too long]"), out.stdout);
  assert.ok(shown.includes("fim"), out.stdout);
});
