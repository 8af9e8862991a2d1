/**
 * Telnet spoken fully (S2): every negotiation answered as RFC 854/855/857/
 * 858/860 expect, over raw sockets, and the real Linux `telnet` in tmux:
 * Ctrl+C does not freeze the screen, and character mode shows what is
 * typed with the half-typed line kept below incoming lines.
 */
import assert from "node:assert/strict";
import { bytes, startServer } from "./helpers.ts";
import { join, LineClient } from "./line_client.ts";
import { haveTmux, Tmux } from "./tmux.ts";

const IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, IP = 244, AYT = 246, EL = 248;
const ECHO = 1, SGA = 3, TM = 6, TTYPE = 24, NAWS = 31, LINEMODE = 34;

/** Waits until the raw bytes received since `from` contain `want`; returns where. */
async function rawIncludes(c: LineClient, want: number[], from = 0): Promise<number> {
  const at = () => indexOf(c.raw, want, from);
  await c.waitFor(() => at() >= 0, `bytes ${JSON.stringify(want)}`);
  return at();
}

function indexOf(haystack: number[], needle: number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("telnet: every question is answered (RFC 855, 860)", async (t) => {
  await using srv = startServer();
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await t.step("DO TIMING-MARK is answered WILL TIMING-MARK, each time", async () => {
    await c.sendRaw(new Uint8Array([IAC, DO, TM]));
    const first = await rawIncludes(c, [IAC, WILL, TM]);
    await c.sendRaw(new Uint8Array([IAC, DO, TM]));
    await rawIncludes(c, [IAC, WILL, TM], first + 3);
  });
  await t.step("an option papo does not do is refused: DO with WONT, WILL with DONT", async () => {
    await c.sendRaw(new Uint8Array([IAC, DO, NAWS, IAC, WILL, TTYPE, IAC, DO, LINEMODE]));
    await rawIncludes(c, [IAC, WONT, NAWS]);
    await rawIncludes(c, [IAC, DONT, TTYPE]);
    await rawIncludes(c, [IAC, WONT, LINEMODE]);
  });
  await t.step("WILL SUPPRESS-GO-AHEAD is agreed to once", async () => {
    await c.sendRaw(new Uint8Array([IAC, WILL, SGA]));
    const at = await rawIncludes(c, [IAC, DO, SGA]);
    await c.sendRaw(new Uint8Array([IAC, WILL, SGA, IAC, DO, TM]));
    const mark = await rawIncludes(c, [IAC, WILL, TM], at + 3);
    assert.equal(indexOf(c.raw, [IAC, DO, SGA], at + 3), -1, "no second answer");
    assert.ok(mark > at);
  });
  await t.step("negotiation is no text: the nickname still comes through", async () => {
    await c.sendRaw(bytes([IAC, DO, NAWS], "ana", [IAC, WILL, TTYPE], "\r\n"));
    await c.waitFor(
      () => c.received.some((l) => l.endsWith("BEMVINDO Bem-vindo ao papo, ana!")),
      "the welcome",
    );
  });
  await t.step("IAC AYT (are you there) is answered with a line", async () => {
    await c.sendRaw(new Uint8Array([IAC, AYT]));
    assert.equal(await c.expect("AVISO"), "AVISO sim, o servidor esta aqui");
  });
});

Deno.test("telnet: IAC IP (Ctrl+C) answered and taken as leaving, before and after the nickname", async (t) => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await t.step("at the nickname prompt", async () => {
    await using c = await LineClient.connect(srv.port);
    await c.expect("APELIDO");
    await c.sendRaw(new Uint8Array([IAC, IP, IAC, DO, TM]));
    const at = await rawIncludes(c, [IAC, WILL, TM]);
    assert.ok(at < indexOf(c.raw, [...bytes("TCHAU Ate logo")]), "the mark is answered first");
    await c.closed();
  });
  await t.step("in the chat: the others see the departure", async () => {
    await using c = await join(srv.port, "ana");
    await c.sendRaw(new Uint8Array([IAC, IP, IAC, DO, TM]));
    await c.waitFor(() => indexOf(c.raw, [...bytes("TCHAU Ate logo, ana\r\n")]) >= 0, "TCHAU");
    await c.closed();
    assert.equal(await bob.expect("SAIU"), "SAIU ana saiu do chat");
  });
});

Deno.test("telnet: DO ECHO turns the server's echo on; DONT ECHO off (RFC 857)", async (t) => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using c = await LineClient.connect(srv.port);
  await c.expect("APELIDO");
  await c.sendRaw(new Uint8Array([IAC, DO, ECHO, IAC, DO, SGA]));
  const willEcho = await rawIncludes(c, [IAC, WILL, ECHO]);
  await rawIncludes(c, [IAC, WILL, SGA]);
  await t.step(
    "each key typed is echoed; backspace shows as an erase; Enter as a new line",
    async () => {
      const mark = c.raw.length;
      for (const key of ["a", "n", "x", "\x7f", "a", "\r", "\0"]) await c.sendRaw(bytes(key));
      await rawIncludes(c, [...bytes("anx\b \ba\r\n")], mark);
      assert.equal(await c.expect("BEMVINDO"), "BEMVINDO Bem-vindo ao papo, ana!");
    },
  );
  await t.step("a second DO ECHO is not answered again", async () => {
    await c.sendRaw(new Uint8Array([IAC, DO, ECHO, IAC, DO, TM]));
    const mark = await rawIncludes(c, [IAC, WILL, TM], willEcho + 3);
    assert.equal(indexOf(c.raw, [IAC, WILL, ECHO], willEcho + 3), -1, `at ${mark}`);
  });
  await t.step(
    "a half-typed line is erased for an incoming line and drawn again after it",
    async () => {
      await c.sendRaw(bytes(":meio"));
      await rawIncludes(c, [...bytes(":meio")]);
      const mark = c.raw.length;
      await bob.send(":oi ana");
      await rawIncludes(c, [...bytes("\r\x1b[KPUBLICA bob: oi ana\r\n:meio")], mark);
      await c.sendRaw(bytes(" digitado\r\n"));
      assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: meio digitado");
    },
  );
  await t.step("IAC EL erases the half-typed line", async () => {
    await c.sendRaw(bytes("lixo", [IAC, EL], ":limpo\r\n"));
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: limpo");
  });
  await t.step("DONT ECHO turns the echo off, acknowledged with WONT ECHO", async () => {
    await c.sendRaw(new Uint8Array([IAC, DONT, ECHO]));
    await rawIncludes(c, [IAC, WONT, ECHO]);
    const mark = c.raw.length;
    await c.sendRaw(bytes(":sem eco\r\n"));
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: sem eco");
    await c.sendRaw(bytes("{users}\r\n"));
    await c.expect("USUARIOS");
    assert.equal(indexOf(c.raw, [...bytes("sem eco")], mark), -1, "no echo after DONT ECHO");
  });
});

Deno.test("nc, which never negotiates, gets no echo and no telnet bytes", async () => {
  await using srv = startServer();
  await using c = await join(srv.port, "ana");
  await c.send(":oi");
  await c.send("{users}");
  await c.expect("USUARIOS");
  assert.ok(!c.raw.includes(IAC), "no IAC byte sent");
  assert.equal(indexOf(c.raw, [...bytes(":oi")]), -1, "no echo");
});

// ------------------------------------------------------------ real telnet

async function haveTelnet(): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", "command -v telnet"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

const REAL = (await haveTmux()) && (await haveTelnet());
if (!REAL) console.log("telnet_test.ts: the real-telnet tests are skipped: tmux or telnet missing");

/** Starts `telnet 127.0.0.1 port` in tmux and joins as `nick`. */
async function telnet(tmux: Tmux, port: number, nick: string): Promise<void> {
  await tmux.start(100, 30);
  await tmux.type(`telnet 127.0.0.1 ${port}; echo EXITED=$?`, true);
  await tmux.waitLine((l) => l.startsWith("APELIDO"), "the nickname prompt");
  await tmux.type(nick, true);
  await tmux.waitLine((l) => l.startsWith("USUARIOS"), "the user list");
}

Deno.test(
  { name: "real telnet: Ctrl+C leaves instead of freezing the screen (S2)", ignore: !REAL },
  async () => {
    await using srv = startServer();
    await using bob = await join(srv.port, "bob");
    await using tmux = new Tmux();
    await telnet(tmux, srv.port, "ana");
    await bob.expect("ENTROU");
    await tmux.keys("C-c");
    await tmux.waitLine(
      (l) => l.startsWith("Connection closed"),
      "telnet told the connection closed",
    );
    assert.equal(await bob.expect("SAIU"), "SAIU ana saiu do chat");
    await tmux.waitLine((l) => l.startsWith("EXITED="), "telnet's exit");
  },
);

Deno.test({
  name: "real telnet in character mode sees what it types, kept below incoming lines (S2, S15)",
  ignore: !REAL,
}, async () => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using tmux = new Tmux();
  await telnet(tmux, srv.port, "ana");
  await tmux.keys("C-]");
  await tmux.waitLine((l) => l.startsWith("telnet>"), "telnet's prompt");
  await tmux.type("mode character", true);
  await tmux.type(":digitando");
  await tmux.waitLine((l) => l.endsWith(":digitando"), "the echo of what is typed");
  await bob.send(":chegou algo");
  const pane = await tmux.waitLine((l) => l === "PUBLICA bob: chegou algo", "the incoming line");
  const incoming = pane.indexOf("PUBLICA bob: chegou algo");
  assert.equal(pane[incoming + 1], ":digitando", `the half-typed line below:\n${pane.join("\n")}`);
  await tmux.type(" mais");
  await tmux.keys("BSpace");
  await tmux.keys("Enter");
  assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: digitando mai");
  await tmux.type("{quit}");
  await tmux.keys("Enter");
  await tmux.waitLine((l) => l.startsWith("TCHAU"), "the goodbye");
  await tmux.waitLine((l) => l.startsWith("EXITED="), "telnet's exit");
});

Deno.test("telnet: Ctrl+Z (IAC SUSP), IAC EOF and an endless IAC SB lose no later line (S2)", async (t) => {
  await using srv = startServer();
  await using bob = await join(srv.port, "bob");
  await using c = await join(srv.port, "ana");
  await t.step("IAC SUSP, IAC DO TIMING-MARK, then a line", async () => {
    await c.sendRaw(bytes([IAC, 0xed, IAC, DO, TM], ":depois do ctrl-z\r\n"));
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: depois do ctrl-z");
    await rawIncludes(c, [IAC, WILL, TM]);
  });
  await t.step("IAC EOF is dropped", async () => {
    await c.sendRaw(bytes([IAC, 0xec], ":sem eof\r\n"));
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: sem eof");
  });
  await t.step(
    "IAC SB with no IAC SE: its line is refused, the next one comes through",
    async () => {
      await c.sendRaw(bytes([IAC, 0xfa], "x".repeat(100), "\r\n:a seguinte\r\n"));
      assert.match(await c.expect("ERRO"), /^ERRO 09 /);
      assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: a seguinte");
    },
  );
});
