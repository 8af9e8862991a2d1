/**
 * The teacher's token (L8, L9): nothing the class sees shows it, however it
 * is typed (split over reads, key by key in character mode, with a tab,
 * with erased letters), neither the trace on the projector nor telnet's
 * echo; guessing it costs an address 10 minutes after 5 wrong tries.
 * Real sockets, a real trace, and the real telnet in tmux.
 */
import assert from "node:assert/strict";
import { SYSTEM_TIMERS } from "../common/time.ts";
import { SocketTrace } from "../server/trace.ts";
import { LectureModel, observeAll } from "../server/web/lecture_model.ts";
import { bytes, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { pause, until, WAIT_MS } from "./wait.ts";
import { clientCommand, haveTmux, Tmux } from "./tmux.ts";

/** Letters no server line has side by side: a trace line with `qj` or `jq` shows the token. */
const TOKEN = "qjqjqjqj9";
const IAC = 255, DO = 253, ECHO = 1, SGA = 3;

/** A server with the token, its trace written into an array. */
function tracedServer() {
  const trace: string[] = [];
  const srv = startServer({ adminToken: TOKEN, observer: new SocketTrace((l) => trace.push(l)) });
  return { srv, trace };
}

/** Asserts no trace line, and no byte echoed, shows any of the token. */
function assertHidden(trace: string[], raw: number[] = []): void {
  for (const line of trace) {
    assert.ok(!/qj|jq|j9|\bq\b|"q"|"j"|"9"/.test(line), `the token in the trace: ${line}`);
  }
  const echoed = String.fromCharCode(...raw);
  assert.ok(!/qj|jq|j9/.test(echoed), `the token echoed: ${JSON.stringify(echoed)}`);
}

Deno.test("L8: the token never shows in the trace, however it is typed", async (t) => {
  const { srv, trace } = tracedServer();
  await using _srv = srv;
  const cases: [string, Uint8Array[]][] = [
    ["split over two reads", [bytes("{adm"), bytes(`in ${TOKEN}}\n`)]],
    ["split inside the token", [bytes("{admin qjq"), bytes(`jqjqj9}\n`)]],
    ["with a tab", [bytes(`{admin\t${TOKEN}}\n`)]],
    ["with an erased letter", [bytes(`{admix\x08n ${TOKEN}}\n`)]],
    ["with DEL and upper case", [bytes(`{ADMIX\x7fN ${TOKEN}}\r\n`)]],
    ["after blanks, a byte at a time", [...bytes(`  {admin ${TOKEN}}\n`)].map((b) => bytes([b]))],
  ];
  for (const [name, parts] of cases) {
    await t.step(name, async () => {
      await using c = await join(srv.port, `ana${cases.findIndex((x) => x[0] === name)}`);
      for (const part of parts) {
        await c.sendRaw(part);
        await pause(5); // separate reads (pacing only)
      }
      assert.match(await c.expect("OK"), /professor/);
      assertHidden(trace);
    });
  }
});

Deno.test("L8: character-mode telnet, key by key: neither the trace nor the echo shows it", async () => {
  const { srv, trace } = tracedServer();
  await using _srv = srv;
  await using c = await join(srv.port, "ana");
  await c.sendRaw(new Uint8Array([IAC, DO, ECHO, IAC, DO, SGA]));
  await c.waitFor(() => c.raw.includes(SGA), "the server agrees to echo");
  const start = c.raw.length;
  for (const ch of "{admin ") {
    const before = c.raw.length;
    await c.sendRaw(bytes(ch));
    await c.waitFor(() => c.raw.length > before, `the echo of one key`);
  }
  for (const ch of `${TOKEN}}`) {
    await c.sendRaw(bytes(ch));
    await pause(5); // separate reads (pacing only): the token's keys are echoed by none
  }
  await c.sendRaw(bytes("\r\n"));
  assert.match(await c.expect("OK"), /professor/);
  const echoed = c.raw.slice(start);
  const shown = String.fromCharCode(...echoed);
  // The echo of the token is the fixed mask, once, at the line's end.
  assert.ok(shown.startsWith("{admin ********\r\n"), JSON.stringify(shown));
  assertHidden(trace, echoed);
  // No trace row counts the token's keys: one row for what was held, with the fixed mask.
  await until(() => trace.some((l) => l.includes(" send ") && l.includes("OK ")), "OK's row");
  const starred = trace.filter((l) => l.includes("*")).map((l) => l.replace(/^.* #\d+ /, ""));
  assert.equal(starred.length, 2, starred.join("\n"));
  assert.equal(starred[0], String.raw`recv 10 bytes "********\r\n"`);
  // The echo's mask, with what the same write carried after it.
  assert.match(starred[1]!, /^send \d+ bytes "\*{8}\\r\\n/);
});

/**
 * The rows a trace and a lecture view show of a session that types
 * `{admin TOKEN}` one byte a read (`echo`: in character mode), from its
 * connection's first read on; what differs from one run to another (time,
 * port, order of a recv and its echo's send) left out.
 */
async function rowsKeyByKey(token: string, echo: boolean): Promise<string[]> {
  const trace: string[] = [];
  const lecture = new LectureModel();
  await using srv = startServer({
    adminToken: token,
    observer: observeAll(new SocketTrace((l) => trace.push(l)), lecture),
  });
  await using c = await join(srv.port, "ana");
  if (echo) {
    await c.sendRaw(new Uint8Array([IAC, DO, ECHO]));
    await c.waitFor(() => c.raw.includes(ECHO), "the server agrees to echo");
  }
  const recvs = () => trace.filter((l) => l.includes(" recv ")).length;
  for (const ch of "{admin ") {
    const before = recvs();
    await c.sendRaw(bytes(ch));
    await until(() => recvs() > before, "the key's row");
  }
  for (const ch of `${token}}`) {
    await c.sendRaw(bytes(ch));
    await pause(5); // separate reads (pacing only)
  }
  await c.sendRaw(bytes("\r\n"));
  assert.match(await c.expect("OK"), /professor/);
  await until(() => trace.some((l) => l.includes(" send ") && l.includes("OK ")), "OK's row");
  const rows = trace.filter((l) => !l.includes("accept()")).map((l) => l.replace(/^.* #/, "#"));
  for (const e of lecture.events()) {
    if (e.kind === "accept") continue;
    const { seq: _s, time: _t, peer: _p, ...rest } = e;
    rows.push(JSON.stringify(rest));
  }
  return rows.sort();
}

Deno.test("L8 C1 W3: a token typed key by key: trace and lecture rows are the same for 3 and 19 keys", async (t) => {
  for (const echo of [false, true]) {
    await t.step(echo ? "character mode (the server echoes)" : "a raw socket", async () => {
      const short = await rowsKeyByKey("abc", echo);
      const long = await rowsKeyByKey("abcdefghijklmnopqrs", echo);
      assert.deepEqual(long, short);
      assert.ok(!short.some((l) => /"\*"|\*{9}/.test(l)), short.join("\n"));
      assert.ok(short.some((l) => l.endsWith(String.raw`recv 10 bytes "********\r\n"`)));
      assert.ok(short.some((l) => l.includes(`{admin ********"]`)), short.join("\n"));
    });
  }
});

Deno.test("L8: keys erased inside the token, and a close mid-token, count nothing", async (t) => {
  await t.step("backspaces inside the token", async () => {
    const { srv, trace } = tracedServer();
    await using _srv = srv;
    await using c = await join(srv.port, "ana");
    await c.sendRaw(bytes("{admin "));
    await until(() => trace.some((l) => l.includes(String.raw`"{admin "`)), "the row");
    for (const key of [..."xyz", "\x7f", "\x08", "\x7f", ...`${TOKEN}}`]) {
      await c.sendRaw(bytes(key));
      await pause(5); // separate reads (pacing only)
    }
    await c.sendRaw(bytes("\n"));
    assert.match(await c.expect("OK"), /professor/);
    const rows = trace.filter((l) => l.includes(" recv ")).map((l) => l.replace(/^.* #\d+ /, ""));
    assert.equal(rows.at(-1), String.raw`recv 9 bytes "********\n"`, rows.join("\n"));
    assertHidden(trace);
  });
  await t.step("the connection closes while the token is typed", async () => {
    const { srv, trace } = tracedServer();
    await using _srv = srv;
    const c = await join(srv.port, "bia");
    await c.sendRaw(bytes("{admin "));
    await until(() => trace.some((l) => l.includes(String.raw`"{admin "`)), "the row");
    for (const key of "qjq") {
      await c.sendRaw(bytes(key));
      await pause(5); // separate reads (pacing only)
    }
    c.close();
    await until(() => trace.some((l) => l.includes("close (")), "the close row");
    const rows = trace.map((l) => l.replace(/^.* #\d+ /, ""));
    const starred = rows.filter((l) => l.includes("*"));
    assert.deepEqual(starred, [String.raw`recv 8 bytes "********"`], rows.join("\n"));
    assert.match(rows.at(-1)!, /^close/);
    assertHidden(trace);
  });
});

Deno.test("L8: a half-typed token drawn again under an incoming line stays hidden", async () => {
  const { srv, trace } = tracedServer();
  await using _srv = srv;
  await using bob = await join(srv.port, "bob");
  await using c = await join(srv.port, "ana");
  await bob.expect("ENTROU ana");
  await c.sendRaw(new Uint8Array([IAC, DO, ECHO]));
  await c.sendRaw(bytes("{admin qjqj"));
  await c.waitFor(() => String.fromCharCode(...c.raw).includes("{admin "), "the echo");
  await bob.send(":oi");
  await c.waitFor(
    () => String.fromCharCode(...c.raw).endsWith("PUBLICA bob: oi\r\n{admin "),
    "the half-typed line drawn again, its token's keys not (L8: nor their number)",
  );
  assert.ok(!String.fromCharCode(...c.raw).includes("*"), String.fromCharCode(...c.raw));
  assertHidden(trace, c.raw);
});

Deno.test("X3, S2: character mode echoes accents as they will be sent; Ctrl+C and Ctrl+D leave", async (t) => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await t.step("the echo of `olá` is `ola`, and so is the line", async () => {
    await using c = await join(srv.port, "ana");
    await c.sendRaw(new Uint8Array([IAC, DO, ECHO]));
    await c.waitFor(() => c.raw.includes(ECHO), "the server agrees to echo");
    const start = c.raw.length;
    await c.sendRaw(new TextEncoder().encode(":olá"));
    await c.waitFor(() => String.fromCharCode(...c.raw.slice(start)) === ":ola", "the echo");
    await c.sendRaw(bytes([0x7f], "\r\n")); // one DEL erases the whole á
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: ol");
  });
  assert.equal(await bob.expect("SAIU"), "SAIU ana saiu do chat");
  await t.step("Ctrl+C in character mode, even mid-line", async () => {
    await using c = await join(srv.port, "cid");
    await c.sendRaw(new Uint8Array([IAC, DO, ECHO]));
    await c.sendRaw(bytes(":meio", [0x03]));
    assert.match(await c.expect("TCHAU"), /cid/);
    assert.equal(await bob.expect("SAIU"), "SAIU cid saiu do chat");
  });
  await t.step("telnet's IP (Ctrl+C) mid-line: the half line's row ends before TCHAU", async () => {
    await using c = await join(srv.port, "ivo");
    await c.sendRaw(new Uint8Array([IAC, DO, ECHO]));
    await c.waitFor(() => c.raw.includes(ECHO), "the server agrees to echo");
    await c.sendRaw(bytes(":meio", [IAC, 244]));
    assert.match(await c.expect("TCHAU"), /^TCHAU .*ivo$/);
    assert.ok(c.received.includes(":meio"), c.received.join("\n"));
    assert.equal(await bob.expect("SAIU"), "SAIU ivo saiu do chat");
  });
  await t.step("Ctrl+D on an empty line", async () => {
    await using c = await join(srv.port, "dan");
    await c.sendRaw(bytes([0x04]));
    assert.match(await c.expect("TCHAU"), /dan/);
    assert.equal(await bob.expect("SAIU"), "SAIU dan saiu do chat");
  });
  await t.step("Ctrl+D in a line is dropped (L2)", async () => {
    await using c = await join(srv.port, "eva");
    await c.sendRaw(bytes(":a", [0x04], "b\n"));
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA eva: ab");
  });
});

const REAL = (await haveTmux()) && (await new Deno.Command("telnet", { args: [] }).output()
  .then(() => true, () => false));

Deno.test({
  name:
    "real telnet in character mode: the token's keys show nothing, then one fixed mask (L8, S2)",
  ignore: !REAL,
}, async () => {
  const { srv, trace } = tracedServer();
  await using _srv = srv;
  await using tmux = new Tmux();
  await tmux.start(100, 30);
  await tmux.type(`telnet 127.0.0.1 ${srv.port}; echo EXITED=$?`, true);
  await tmux.waitLine((l) => l.startsWith("APELIDO"), "the nickname prompt");
  await tmux.type("ana", true);
  await tmux.waitLine((l) => l.startsWith("USUARIOS"), "the user list");
  await tmux.keys("C-]");
  await tmux.waitLine((l) => l.startsWith("telnet>"), "telnet's prompt");
  await tmux.type("mode character", true);
  // Keys typed before telnet has the server's WILL ECHO are echoed by telnet itself: wait for it,
  // and for the server's echo of a first key, which telnet reads after it.
  const sent = (text: string) => trace.some((l) => l.includes(" send ") && l.includes(text));
  await until(() => sent(String.raw`"\xff\xfb\x03\xff\xfb\x01"`), "the server's WILL ECHO");
  await tmux.type("{");
  await until(() => sent(`1 bytes "{"`), "the server's echo of a first key");
  await tmux.type(`admin ${TOKEN}}`);
  await tmux.waitLine((l) => l.endsWith("{admin"), "the echo up to the token");
  await tmux.keys("Enter");
  await tmux.waitLine((l) => l === "{admin ********", "the fixed mask at the line's end");
  await tmux.waitLine((l) => l.startsWith("OK "), "the teacher's OK");
  const pane = await tmux.waitLine((l) => l.startsWith("OK "), "the teacher's OK");
  assert.ok(!pane.some((l) => l.includes(TOKEN.slice(0, 3))), pane.join("\n"));
  assertHidden(trace);
  // No row counts the token's keys: the held reads in one row, the echo's mask in one.
  await until(() => trace.some((l) => l.includes(" send ") && l.includes("OK ")), "OK's row");
  const starred = trace.filter((l) => l.includes("*")).map((l) => l.replace(/^.* #\d+ /, ""));
  assert.equal(starred.length, 2, starred.join("\n"));
  assert.match(starred[0]!, /^recv \d+ bytes "\*{8}\\r(\\n|\\x00)"$/);
  assert.match(starred[1]!, /^send \d+ bytes "\*{8}\\r\\n/);
  await tmux.keys("C-c");
  await tmux.waitLine((l) => l.startsWith("EXITED="), "Ctrl+C on an empty line leaves");
});

Deno.test("L8: a LineClient gets no token back from a wrong guess either", async () => {
  const { srv, trace } = tracedServer();
  await using _srv = srv;
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await c.send("ana");
  await c.expect("AJUDA");
  await c.send("{admin qjqjWRONG}");
  assert.match(await c.expect("ERRO 12"), /^ERRO 12 /);
  assertHidden(trace, c.raw);
  assert.ok(!srv.logs.some((l) => /qj/.test(l)), srv.logs.join("\n"));
});

Deno.test("L9: 5 wrong tokens lock {admin} for that address only, 10 minutes, the right token too", async (t) => {
  let now = 1_000_000;
  await using srv = startServer({
    adminToken: "giz-azul-longo",
    timers: { ...SYSTEM_TIMERS, now: () => now },
  });
  await t.step(
    "20 source addresses, 5 guesses each: every one is locked, none gets in",
    async () => {
      for (let a = 1; a <= 20; a++) {
        const from = `127.0.1.${a}`;
        await using c = await join(srv.port, `g${a}`, { from });
        for (let i = 1; i <= 4; i++) {
          await c.send(`{admin chute${i}}`);
          assert.equal(await c.expect("ERRO"), "ERRO 12 Senha de professor incorreta");
        }
        await c.send("{admin chute5}");
        assert.match(await c.expect("ERRO"), /^ERRO 03 /);
        await c.closed();
        // A new connection from that address: refused without the token being checked.
        await using again = await join(srv.port, `h${a}`, { from });
        await again.send("{admin giz-azul-longo}");
        assert.equal(
          await again.expect("ERRO"),
          "ERRO 12 Senha de professor incorreta: senhas erradas demais deste endereco; " +
            "{admin} recusado por 10 minutos",
        );
      }
      // One log line per episode, whatever the refusals after it.
      assert.equal(srv.logs.filter((l) => l.startsWith("admin locked for")).length, 20);
    },
  );
  await t.step("the teacher at another address is not affected", async () => {
    await using prof = await join(srv.port, "prof", { from: "127.0.2.1" });
    await prof.send("{admin giz-azul-longo}");
    assert.match(await prof.expect("OK"), /professor/);
  });
  await t.step("10 minutes later the address may try again", async () => {
    now += 10 * 60_000;
    await using c = await join(srv.port, "back", { from: "127.0.1.1" });
    await c.send("{admin giz-azul-longo}");
    assert.match(await c.expect("OK"), /professor/);
  });
  await t.step(
    "garbage, oversize and non-ASCII tokens count as wrong, and crash nothing",
    async () => {
      await using c = await join(srv.port, "junk", { from: "127.0.3.1" });
      await c.sendRaw(bytes("{admin ", [0xff, 0xfe, 0x00], "}\n"));
      await c.sendRaw(new TextEncoder().encode("{admin senhá}\n"));
      await c.send(`{admin ${"x".repeat(900)}}`);
      for (let i = 0; i < 3; i++) assert.match(await c.expect("ERRO"), /^ERRO \d\d /);
      await c.send(":ainda aqui");
      await c.send("{users}");
      await c.expect("USUARIOS");
    },
  );
});

Deno.test("L8, C1: the client's --trace shows the token it sends as *, any case", async () => {
  await using srv = startServer({ adminToken: TOKEN });
  const client = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      new URL("../client.ts", import.meta.url).pathname,
      "--port",
      String(srv.port),
      "--nick",
      "kim",
      "--trace",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = client.stdin.getWriter();
  await writer.write(bytes(`{ADMIN ${TOKEN}}\n{admin qjqj}\n`));
  await writer.close();
  const out = await client.output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(text.includes(`send 16 bytes "{ADMIN ********\\n"`), text); // a fixed mask
  assertHidden(text.split("\n"));
});

Deno.test({
  name: "L8: the client's input line draws the token as one mask, under an incoming line too, " +
    "and Up does not bring it back (tmux)",
  ignore: !(await haveTmux()),
  async fn() {
    await using srv = startServer({ adminToken: TOKEN });
    await using bob = await join(srv.port, "bob");
    await using tmux = new Tmux();
    await tmux.start(100, 30);
    await tmux.type(`${clientCommand(srv.port, "--nick kim --lang en")}; echo EXITED=$?`, true);
    await tmux.waitLine((l) => l === "kim>", "the chat prompt", 3 * WAIT_MS);
    await tmux.type(":oi", true);
    await tmux.waitLine((l) => l.endsWith("kim: oi"), "the message");
    await tmux.type(`{ADMIN ${TOKEN.slice(0, 4)}`);
    await tmux.waitLine((l) => l === "kim> {ADMIN ********", "the half-typed token as the mask");
    await bob.send(":ola");
    // The line printed above the input line, which is drawn again below it, masked.
    await tmux.waitPane(
      (p) => p.some((l) => l.endsWith("bob: ola")) && p.includes("kim> {ADMIN ********"),
      "the input line drawn again under bob's",
    );
    await tmux.type(TOKEN.slice(4));
    await tmux.keys("Left", "Left", "BSpace", "Right", "Right"); // erased inside: drawn again
    await tmux.keys("C-u");
    await tmux.waitLine((l) => l === "kim>", "the line emptied");
    await tmux.type(`{admin ${TOKEN}}`, true);
    await tmux.waitLine((l) => /teacher/.test(l), "the teacher's OK");
    await tmux.keys("Up");
    await tmux.waitLine((l) => l === "kim> :oi", "Up brings back the line before, not the token");
    assertHidden(await tmux.pane());
    await tmux.keys("C-u", "C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  },
});
