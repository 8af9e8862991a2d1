/**
 * The server's command line, run as a real subprocess with `--allow-net` only
 * and stdin not a terminal, so it never prompts (S8, S13).
 */
import assert from "node:assert/strict";
import { LineClient } from "./line_client.ts";
import { VERSION } from "../protocol.ts";
import { Program } from "./program.ts";

const SERVER = new URL("../server.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Runs the server with `args` to its end. */
function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWith(["--allow-net"], ...args);
}

/** Runs the server with Deno's permission flags `perms` and `args` to its end. */
async function runWith(
  perms: string[],
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, SERVER, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Asserts that a failure was told in sentences, not with a stack trace. */
function assertNoTrace(stderr: string): void {
  assert.ok(!/^\s+at /m.test(stderr) && !stderr.includes("Uncaught"), stderr);
}

/** server.ts as a subprocess with `--allow-net` (and `perms`); `waitFor` reads its stdout. */
class ServerProcess extends Program {
  constructor(args: string[], env: Record<string, string> = {}, perms: string[] = []) {
    super("server.ts", ["--allow-net", ...perms], args, false, { env, stdoutOnly: true });
  }
}

Deno.test("server.ts --help and --version print and exit 0", async (t) => {
  await t.step("--help", async () => {
    const { code, stdout, stderr } = await run("--help");
    assert.equal(code, 0, stderr);
    for (const flag of ["--host", "--port", "--max-clients", "--nick-timeout", "--max-queue"]) {
      assert.ok(stdout.includes(flag), `--help does not name ${flag}`);
    }
  });
  await t.step("-h", async () => assert.equal((await run("-h")).code, 0));
  await t.step("--version", async () => {
    const { code, stdout } = await run("--version");
    assert.equal(code, 0);
    assert.equal(stdout.trim(), `papo-server ${VERSION}`);
  });
});

Deno.test("server.ts refuses a bad command line with a sentence naming it (S8)", async (t) => {
  const table: [string, string[], RegExp][] = [
    ["an unknown flag", ["--bogus"], /--bogus/],
    ["a positional argument", ["7777"], /7777/],
    ["a flag without its value", ["--port"], /--port/],
    ["a port too large", ["--port", "99999"], /99999/],
    ["a port that is not a number", ["--port", "abc"], /"abc"/],
    ["a negative port", ["--port=-1"], /"-1"/],
    ["a value that looks like a flag", ["--port", "-1"], /--port/],
    ["a limit that is not a number", ["--max-clients", "many"], /--max-clients "many"/],
    ["a limit below its minimum", ["--max-clients", "0"], /--max-clients "0"/],
  ];
  for (const [name, args, pattern] of table) {
    await t.step(name, async () => {
      const { code, stdout, stderr } = await run(...args);
      assert.notEqual(code, 0, stdout);
      assert.match(stderr, pattern);
      assertNoTrace(stderr);
    });
  }
  await t.step("an unknown flag exits 2", async () => assert.equal((await run("--bogus")).code, 2));
});

Deno.test("server.ts refuses an invalid address with ERRO 05 and a non-zero exit (S8)", async (t) => {
  for (const host of ["999.1.1.1", "abc", "1.2.3", "10.254.254.1"]) {
    await t.step(host, async () => {
      const { code, stderr } = await run("--host", host, "--port", "0");
      assert.notEqual(code, 0);
      assert.match(stderr, /ERRO 05/);
      assert.ok(stderr.includes(host), stderr);
      assertNoTrace(stderr);
    });
  }
});

Deno.test("server.ts refuses a port in use with a clear message and a non-zero exit (S8)", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String(listener.addr.port);
  const { code, stderr } = await run("--host", "127.0.0.1", "--port", port);
  assert.notEqual(code, 0);
  assert.ok(stderr.includes(port), stderr);
  assert.match(stderr, /in use/);
  assertNoTrace(stderr);
});

Deno.test("server.ts on a fresh Deno cache, no registry reachable, downloads and prints nothing but its banner (issue 19 #1)", async () => {
  const denoDir = await Deno.makeTempDir({ prefix: "papo-deno-dir-" });
  try {
    await using server = new ServerProcess(["--host", "127.0.0.1", "--port", "0"], {
      DENO_DIR: denoDir,
      NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
      NO_COLOR: "1",
    });
    await server.waitFor(/teacher's token/);
    server.child.kill("SIGTERM");
    assert.equal((await server.done()).code, 0, server.stderr);
    assert.equal(server.stderr, "");
    assert.ok(!/Download|npm/i.test(server.stdout), server.stdout);
    const npm = [];
    try {
      for await (const e of Deno.readDir(`${denoDir}/npm`)) npm.push(e.name);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    assert.deepEqual(npm, [], "no npm package in the fresh cache");
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test("server.ts serves clients and shuts down on SIGTERM and SIGINT with ERRO 03, exit 0 (S13)", async (t) => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    await t.step(signal, async () => {
      await using server = new ServerProcess(["--host", "127.0.0.1", "--port", "0"]);
      const m = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
      const port = Number(m[1]);
      assert.ok(port > 0);
      await using alice = await LineClient.connect(port);
      await alice.expect("APELIDO");
      await alice.send("alice");
      assert.equal(await alice.line(), "BEMVINDO Bem-vindo ao papo, alice!");
      await using pending = await LineClient.connect(port);
      await pending.expect("APELIDO");
      server.child.kill(signal);
      for (const c of [alice, pending]) {
        await c.expect("ERRO 03 Cancelamento de conexao forcado: servidor encerrado");
        await c.closed();
      }
      const status = await server.done();
      assert.equal(status.code, 0, server.stderr);
      assert.equal(server.stderr, "");
      assert.match(server.stdout, /alice/, "the nickname is logged");
    });
  }
});

Deno.test("server.ts passes its limit flags to the server (L5, L6)", async () => {
  await using server = new ServerProcess([
    "--port",
    "0",
    "--max-clients",
    "1",
    "--nick-timeout",
    "1",
  ]);
  const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
  await using first = await LineClient.connect(port);
  await first.expect("APELIDO");
  await using second = await LineClient.connect(port);
  assert.equal(await second.line(), "ERRO 11 Servidor cheio");
  await second.closed();
  assert.equal(
    await first.line(),
    "ERRO 03 Cancelamento de conexao forcado: tempo para o apelido esgotado",
  );
  await first.closed();
  server.child.kill("SIGTERM");
  assert.equal((await server.done()).code, 0);
});

Deno.test("server.ts --transcript needs --allow-write for its path, and says so in one sentence (C5)", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/aula.log`;
    await t.step("without the permission: the flag to add, exit 2, no prompt", async () => {
      const { code, stderr } = await run("--port", "0", "--transcript", path);
      assert.equal(code, 2);
      assert.ok(stderr.includes(`--allow-write=${path}`), stderr);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      assertNoTrace(stderr);
    });
    await t.step("a path that cannot be opened: exit 2 with one sentence", async () => {
      const { code, stderr } = await runWith(
        ["--allow-net", `--allow-write=${dir}`],
        "--port",
        "0",
        "--transcript",
        `${dir}/no/such/dir.log`,
      );
      assert.equal(code, 2);
      assert.match(stderr, /^Cannot open the transcript /);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts prints a random teacher's token, or uses --admin-token without printing it (C2)", async (t) => {
  await t.step("random", async () => {
    await using server = new ServerProcess(["--port", "0"]);
    const m = await server.waitFor(/\{admin ([a-z0-9]{10})\}/);
    assert.ok(m[1]);
    server.child.kill("SIGTERM");
    assert.equal((await server.done()).code, 0);
  });
  await t.step("given", async () => {
    await using server = new ServerProcess(["--port", "0", "--admin-token", "giz-azul"]);
    const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    await server.waitFor(/teacher's token: the one given with --admin-token/);
    assert.ok(!server.stdout.includes("giz-azul"), "a given token stays off the projector");
    await using c = await LineClient.connect(port);
    await c.expect("APELIDO");
    await c.send("prof");
    await c.expect("USUARIOS");
    await c.send("{admin giz-azul}");
    assert.match(await c.expect("OK"), /professor/);
    server.child.kill("SIGTERM");
    assert.equal((await server.done()).code, 0);
  });
});

Deno.test("server.ts keeps the teacher's token off the projector (L8, L9)", async (t) => {
  await t.step(
    "with --trace and no token, none is printed, and the banner says how to get one",
    async () => {
      await using server = new ServerProcess(["--port", "0", "--trace"]);
      await server.waitFor(/teacher's token: not shown while tracing.*--admin-token-file/);
      assert.ok(!/\{admin /.test(server.stdout), server.stdout);
      server.child.kill("SIGTERM");
      assert.equal((await server.done()).code, 0);
    },
  );
  const dir = await Deno.makeTempDir({ prefix: "papo-token-" });
  const file = `${dir}/token.txt`;
  await Deno.writeTextFile(file, "giz-azul-longo\n");
  try {
    await t.step("--admin-token-file reads it, with --allow-read for that file", async () => {
      await using server = new ServerProcess(
        ["--port", "0", "--trace", "--admin-token-file", file],
        {},
        [`--allow-read=${file}`],
      );
      const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
      await server.waitFor(/teacher's token: the one given with --admin-token/);
      await using c = await LineClient.connect(port);
      await c.expect("APELIDO");
      await c.send("prof");
      await c.expect("USUARIOS");
      await c.send("{admin giz-azul-longo}");
      assert.match(await c.expect("OK"), /professor/);
      server.child.kill("SIGTERM");
      assert.equal((await server.done()).code, 0);
      assert.ok(!server.stdout.includes("giz-azul"), server.stdout);
      assert.ok(!/warning/.test(server.stdout), server.stdout);
    });
    await t.step("without the permission, a sentence saying which to give", async () => {
      await using server = new ServerProcess(["--port", "0", "--admin-token-file", file]);
      const { code } = await server.done();
      assert.notEqual(code, 0);
      assert.match(server.stderr, new RegExp(`--allow-read=${file.replace(/[.]/g, "\\.")}`));
      assert.ok(!server.stderr.includes("giz-azul"), server.stderr);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await t.step("a token under 8 characters gets a warning", async () => {
    await using server = new ServerProcess(["--port", "0", "--admin-token", "abc"]);
    await server.waitFor(/warning: the teacher's token has under 8 characters/);
    server.child.kill("SIGTERM");
    assert.equal((await server.done()).code, 0);
  });
});

Deno.test("server.ts --trace says private text is shown, and traces each socket event (C1)", async () => {
  await using server = new ServerProcess(["--port", "0", "--trace"]);
  const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
  await server.waitFor(/private messages included/);
  await server.waitFor(/#0 listen\(backlog \d+\)/);
  {
    await using c = await LineClient.connect(port);
    await c.expect("APELIDO");
    await c.send("{quit}");
    await c.closed();
  }
  await server.waitFor(/#1 close \(quit\)/);
  assert.match(server.stdout, /#0 accept\(\) -> #1 from 127\.0\.0\.1:\d+/);
  assert.match(server.stdout, /#1 recv 7 bytes "\{quit\}\\n"/);
  server.child.kill("SIGTERM");
  assert.equal((await server.done()).code, 0);
});

Deno.test("server.ts: a second Ctrl+C while it shuts down does not crash it (S13, field test)", async () => {
  await using server = new ServerProcess(["--port", "0"]);
  const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
  // A client that does not close its side: the server waits for it a moment before it stops.
  await using ana = await LineClient.connect(port);
  await ana.expect("APELIDO");
  server.child.kill("SIGTERM");
  await server.waitFor(/shutting down/);
  server.child.kill("SIGTERM"); // the impatient teacher's second Ctrl+C
  assert.equal(
    await ana.expect("ERRO 03"),
    "ERRO 03 Cancelamento de conexao forcado: servidor encerrado",
  );
  const status = await server.done();
  assert.doesNotMatch(server.stderr, /Uncaught|BadResource/, server.stderr);
  assert.equal(status.code, 0, server.stderr);
});
