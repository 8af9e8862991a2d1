/**
 * Tests of the standalone binaries (issue 6): `deno task compile` builds
 * them, each prints the version from deno.json, the compiled papo-server
 * chats with the compiled papo-client (piped) and a raw TCP client, and the
 * compiled papo-check passes it (C7).
 *
 * Where `deno compile` cannot get its runtime base (no route to dl.deno.land
 * and no DENORT_BIN), a quick probe decides at load time and the binary test
 * is reported as ignored, with the probe's sentence printed. It never passes
 * without running the binaries. Environment:
 * - `PAPO_REQUIRE_COMPILE=1`: never skip (CI, where the build must work).
 * - `PAPO_BIN_DIR=DIR`: test the binaries `deno task compile:all` put in DIR
 *   for this platform instead of building (the release workflow).
 *
 * @module
 */

import assert from "node:assert/strict";
import { resolve } from "node:path";
import { EXIT_CANNOT_BUILD, plan, PROGRAMS, ROOT, VERSION } from "../scripts/compile.ts";
import { explainFailure } from "../scripts/denort.ts";
import { join } from "./line_client.ts";
import { WAIT_MS } from "./wait.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const binDir = Deno.env.get("PAPO_BIN_DIR");
const skipReason = binDir !== undefined || Deno.env.get("PAPO_REQUIRE_COMPILE") === "1"
  ? undefined
  : await probe();
if (skipReason !== undefined) {
  console.log(`tests/compile_test.ts: the binary test is skipped. ${skipReason}`);
}

/** Asks `deno task compile --probe` whether binaries can be built here. */
async function probe(): Promise<string | undefined> {
  try {
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "compile", "--probe"],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    // any other failure is not a reason to skip: the build will show it
    return code === EXIT_CANNOT_BUILD ? decoder.decode(stdout).trim() : undefined;
  } catch (e) {
    if (e instanceof DOMException) {
      return "Cannot build: deno task compile --probe did not finish within 30 seconds";
    }
    throw e;
  }
}

/** A child process's output stream, collected as text and awaited with a bound. */
class Output {
  text = "";
  ended = false;
  readonly finished: Promise<void>;
  #wake: (() => void) | undefined;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.finished = this.#read(stream);
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<void> {
    const textDecoder = new TextDecoder();
    for await (const chunk of stream) {
      this.text += textDecoder.decode(chunk, { stream: true });
      this.#wake?.();
    }
    this.ended = true;
    this.#wake?.();
  }

  /** Waits until the text matches `pattern`; fails after {@linkcode WAIT_MS}. */
  async match(pattern: RegExp, what: string): Promise<RegExpMatchArray> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise<RegExpMatchArray>((done, fail) => {
        timer = setTimeout(
          () => fail(new Error(`Timed out waiting for ${what}; output so far: ${this.text}`)),
          WAIT_MS,
        );
        this.#wake = () => {
          const m = this.text.match(pattern);
          if (m) done(m);
          else if (this.ended) fail(new Error(`Output ended before ${what}: ${this.text}`));
        };
        this.#wake();
      });
    } finally {
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }
}

/** A spawned binary with its output collected; killed and awaited by `await using`. */
function spawn(file: string, args: string[], stdin: "piped" | "null") {
  const child = new Deno.Command(file, { args, stdin, stdout: "piped", stderr: "piped" }).spawn();
  const out = new Output(child.stdout);
  const err = new Output(child.stderr);
  const input = stdin === "piped" ? child.stdin.getWriter() : undefined;
  return {
    child,
    out,
    err,
    /** Writes text to the binary's standard input. */
    write: (text: string) => input!.write(encoder.encode(text)),
    /** Ends the binary's standard input. */
    endInput: () => input!.close(),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // it has exited already
      }
      await input?.close().catch(() => {});
      await child.status;
      await out.finished;
      await err.finished;
    },
  };
}

Deno.test("explainFailure() turns deno compile's missing-runtime errors into one sentence", async (t) => {
  const target = "x86_64-unknown-linux-gnu";
  // what deno 2.9.6 prints here, without a route to dl.deno.land (colours removed)
  const offline = `Check t.ts
Compile t.ts to t
Download https://dl.deno.land/release/v2.9.6/denort-${target}.zip
error: Writing deno compile executable to temporary file 't.tmp-553756b3c4f0abf5'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-${target}.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)`;
  const missing = `error: Writing deno compile executable to temporary file 't.tmp-008db9bc7b1a0774'

Caused by:
    0: Could not find denort at '/nope'
    1: No such file or directory (os error 2)`;
  const cases: [string, string, boolean, RegExp | undefined][] = [
    ["offline, this platform", offline, false, /dl\.deno\.land.*DENORT_BIN/],
    ["offline, every platform", offline, true, /compile:all on a machine that can reach/],
    ["DENORT_BIN names no file", missing, false, /DENORT_BIN is set to "\/nope", which does not/],
    ["a type error is not about the runtime", "error: TS2322 [ERROR]: Type 'x'", false, undefined],
  ];
  for (const [name, stderr, all, want] of cases) {
    await t.step(name, () => {
      const got = explainFailure(stderr, target, all);
      if (want === undefined) return assert.equal(got, undefined);
      assert.ok(got !== undefined && want.test(got), `got ${got}`);
      assert.ok(!got.includes("\n"), "one sentence, one line");
    });
  }
});

Deno.test("plan() names binaries by target and skips missing entry files", async (t) => {
  const cases: [string, boolean, string[], string[]][] = [
    ["this platform", false, ["server.ts", "client.ts"], [
      `papo-server${Deno.build.os === "windows" ? ".exe" : ""}`,
      `papo-client${Deno.build.os === "windows" ? ".exe" : ""}`,
    ]],
    ["every platform, no client yet", true, ["server.ts"], [
      "papo-server-x86_64-unknown-linux-gnu",
      "papo-server-aarch64-unknown-linux-gnu",
      "papo-server-x86_64-apple-darwin",
      "papo-server-aarch64-apple-darwin",
      "papo-server-x86_64-pc-windows-msvc.exe",
    ]],
  ];
  for (const [name, all, present, want] of cases) {
    await t.step(name, () => {
      const { builds } = plan("out", all, (f) => present.includes(f));
      assert.deepEqual(builds.map((b) => b.output.split(/[\\/]/).pop()), want);
    });
  }
});

Deno.test({
  name:
    "papo-server, papo-client and papo-check binaries print the version from deno.json and chat",
  ignore: skipReason !== undefined,
  async fn(t) {
    const dir = binDir === undefined ? resolve(ROOT, "dist") : resolve(binDir);
    const builds = plan(dir, binDir !== undefined).builds
      .filter((b) => b.target === Deno.build.target);
    const file = (entry: string) => builds.find((b) => b.entry === entry)?.output;

    if (binDir === undefined) {
      const built = await t.step("deno task compile succeeds", async () => {
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: ["task", "compile"],
          cwd: ROOT,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(code, 0, decoder.decode(stdout) + decoder.decode(stderr));
      });
      if (!built) return;
    }

    for (const { entry, name } of PROGRAMS) {
      const bin = file(entry);
      if (bin === undefined) continue;
      await t.step(`${name} --version prints ${VERSION} from deno.json`, async () => {
        const { code, stdout } = await new Deno.Command(bin, {
          args: ["--version"],
          stdin: "null",
          stdout: "piped",
          stderr: "null",
        }).output();
        assert.equal(code, 0);
        assert.equal(decoder.decode(stdout).trim(), `${name} ${VERSION}`);
      });
    }

    const serverBin = file("server.ts");
    assert.ok(serverBin !== undefined, `No papo-server binary for ${Deno.build.target} in ${dir}`);
    const clientBin = file("client.ts");
    const checkBin = file("conformance/main.ts");

    await t.step("papo-server --redis loads the Redis room it embeds (issue 19 #1)", async () => {
      const { code, stderr } = await new Deno.Command(serverBin, {
        args: ["--host", "127.0.0.1", "--port", "0", "--redis", "redis://127.0.0.1:1"],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(code, 1);
      assert.match(decoder.decode(stderr), /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    });

    await t.step("papo-server serves a chat and shuts down cleanly", async (t) => {
      await using server = spawn(serverBin, ["--host", "127.0.0.1", "--port", "0"], "null");
      const listening = await server.out.match(
        /listening on 127\.0\.0\.1:(\d+)/,
        "papo-server's listening line",
      );
      const port = Number(listening[1]);
      await using alice = await join(port, "alice");

      if (clientBin !== undefined) {
        await t.step("papo-client, piped, sends and receives messages", async () => {
          await using bob = spawn(
            clientBin,
            ["--host", "127.0.0.1", "--port", String(port), "--nick", "bob"],
            "piped",
          );
          await alice.expect("ENTROU bob");
          await bob.write(":hello from the binary\n");
          assert.equal(await alice.expect("PUBLICA"), "PUBLICA bob: hello from the binary");
          await alice.send("bob:hi from alice");
          await alice.expect("OK");
          await bob.out.match(/hi from alice/, "alice's private message in papo-client's output");
          await bob.endInput(); // end of input: the client leaves and exits 0 (X2)
          const status = await bob.child.status;
          assert.equal(status.code, 0, `papo-client: ${bob.out.text}${bob.err.text}`);
          await alice.expect("SAIU bob");
        });
      } else {
        await t.step(
          "a raw TCP client exchanges messages (client.ts not written yet)",
          async () => {
            await using bob = await join(port, "bob");
            await alice.expect("ENTROU bob");
            await bob.send(":hello from the binary");
            assert.equal(await alice.expect("PUBLICA"), "PUBLICA bob: hello from the binary");
            await alice.send("bob:hi from alice");
            assert.equal(
              await bob.expect("PRIVADA"),
              "PRIVADA Mensagem recebida de: alice: hi from alice",
            );
          },
        );
      }

      if (checkBin !== undefined) {
        await t.step("papo-check grades papo-server: every check passes (C7)", async () => {
          const { code, stdout, stderr } = await new Deno.Command(checkBin, {
            args: [`127.0.0.1:${port}`],
            stdin: "null",
            stdout: "piped",
            stderr: "piped",
          }).output();
          const text = decoder.decode(stdout);
          assert.equal(code, 0, text + decoder.decode(stderr));
          assert.match(text, / passed, 0 failed, 0 skipped /);
        });
      }

      server.child.kill("SIGTERM");
      if (Deno.build.os === "windows") {
        // Windows has no SIGTERM to deliver: kill() ends the process at once
        await alice.closed();
      } else {
        await alice.expect("ERRO 03");
        await alice.closed();
        const status = await server.child.status;
        assert.equal(status.code, 0, `papo-server: ${server.out.text}${server.err.text}`);
      }
    });
  },
});
