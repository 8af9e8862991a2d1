/**
 * `server.ts --web` as a real subprocess with `--allow-net` only (W1, W4):
 * on a fresh Deno cache with no registry reachable it downloads nothing,
 * the banner names the students' URL with a QR code and the lecture URL,
 * the page is served, and a signal stops both doors; bad web flags are
 * told in a sentence. On 0.0.0.0 with `--allow-sys=networkInterfaces`, the
 * students' URLs are this computer's network addresses, never 127.0.0.1.
 */
import assert from "node:assert/strict";
import { Program } from "./program.ts";
import { WAIT_MS } from "./wait.ts";

const SERVER = new URL("../server.ts", import.meta.url).pathname;

Deno.test("W1 W4: server.ts --web on a fresh cache serves the page, draws the QR code, stops on SIGTERM", async () => {
  const denoDir = await Deno.makeTempDir({ prefix: "papo-deno-dir-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", SERVER, "--port", "0", "--web", "0"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { DENO_DIR: denoDir, NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/", NO_COLOR: "1" },
    }).spawn();
    let stdout = "";
    const errors = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const deadline = Date.now() + WAIT_MS * 3;
    while (!/teacher's token/.test(stdout) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    const url = /students: open (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(stdout);
    assert.ok(url, stdout);
    assert.match(stdout, /█/, "the QR code is drawn");
    // The URL lines carry the log's time like the banner's other lines (review 9h); the QR's
    // rows do not, so that nothing stands beside the code a phone scans.
    const stamp = "\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ";
    assert.match(stdout, new RegExp(`^${stamp}students: open http`, "m"), stdout);
    assert.match(stdout, new RegExp(`^${stamp}teacher: the lecture view`, "m"), stdout);
    assert.match(stdout, /^ +[█▀▄ ]+$/m, "a QR row, alone on its line");
    assert.match(stdout, new RegExp(`http://127\\.0\\.0\\.1:${url[2]}/lecture`));
    const page = await fetch(url[1]!);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>papo<\/title>/);
    child.kill("SIGTERM");
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    assert.equal((await child.status).code, 0);
    assert.equal(await errors, "");
    const npm: string[] = [];
    try {
      for await (const e of Deno.readDir(`${denoDir}/npm`)) npm.push(e.name);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    assert.deepEqual(npm, [], "no npm package: the web door needs none");
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test("W4: on 0.0.0.0 with --allow-sys=networkInterfaces, the students' web URLs are the LAN's, not 127.0.0.1", async () => {
  await using server = new Program(
    "server.ts",
    ["--allow-net", "--allow-sys=networkInterfaces"],
    ["--host", "0.0.0.0", "--port", "0", "--web", "0"],
    false,
    { env: { NO_COLOR: "1" }, stdoutOnly: true },
  );
  await server.waitFor(/teacher's token/);
  const stdout = server.stdout;
  const web = /teacher: the lecture view is http:\/\/127\.0\.0\.1:(\d+)\/lecture/.exec(stdout);
  assert.ok(web, stdout);
  const students = stdout.split("\n").filter((l) => l.includes("students: "));
  const lan = Deno.networkInterfaces()
    .filter((i) => i.family === "IPv4" && !i.address.startsWith("127."))
    .map((i) => `http://${i.address}:${web[1]}/`);
  const urls = students.flatMap((l) => [...l.matchAll(/students: open (\S+)/g)].map((m) => m[1]));
  assert.deepEqual(urls, lan, stdout);
  if (lan.length === 0) assert.match(stdout, /no network address found/, stdout);
  else assert.match(stdout, /█/, "the QR code of the first LAN URL");
  assert.ok(!students.some((l) => /students: open http:\/\/127\./.test(l)), stdout);
});

Deno.test("W1 W5: bad web flags are told in a sentence, exit 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--web", "abc"], /Cannot use --web "abc"/],
    [["--web", "70000"], /Cannot use --web "70000"/],
    [["--web-origin", "https://x.example"], /Cannot use --web-origin without --web/],
    [["--web", "0", "--web-origin", "x.example"], /Cannot use --web-origin "x.example"/],
    [["--web", "0", "--web-origin", "https://x.example/path"], /Cannot use --web-origin/],
  ];
  for (const [args, sentence] of cases) {
    await t.step(args.join(" "), async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-net", SERVER, "--port", "0", ...args],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 2, stderr);
      assert.match(stderr, sentence);
      assert.doesNotMatch(stderr, /^\s+at /m);
    });
  }
});

Deno.test("W1: a web port in use is told in a sentence naming --web", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", SERVER, "--port", "0", "--web", String(taken.addr.port)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(
    stderr,
    new RegExp(`Cannot listen on port ${taken.addr.port}: it is in use; choose another with --web`),
  );
});
