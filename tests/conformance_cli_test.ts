/**
 * Tests of the conformance kit's command line and reports (C7): arguments
 * and exit codes, an unreachable server, a class graded in a table and as
 * JSON, the list, table and JSON formats on fixed results, the task with
 * `--allow-net` only, and README kept in step with the flags and checks.
 *
 * @module
 */

import assert from "node:assert/strict";
import { main, type Output, parseTarget } from "../conformance/main.ts";
import { formatJson, formatList, formatTable } from "../conformance/report.ts";
import { CHECKS, selectChecks, type ServerReport } from "../conformance/run.ts";
import { BrokenServer } from "./fixtures/broken_server.ts";
import { startServer } from "./helpers.ts";

/** Short waits: a defect costs its check at most `waitMs`. */
const TIMING = { timeoutMs: 4000, waitMs: 1000, quietMs: 60 };

const local = (port: number, label = `127.0.0.1:${port}`) => ({ label, host: "127.0.0.1", port });

/** Captures what main() writes. */
function capture(): Output & { text: string; errors: string } {
  const out = {
    text: "",
    errors: "",
    out: (t: string) => void (out.text += t),
    err: (t: string) => void (out.errors += t),
  };
  return out;
}

Deno.test("selectChecks() picks checks by id or requirement", async (t) => {
  const cases: [string, "seed" | "papo", string[], string[]][] = [
    ["every check when none named", "seed", [], CHECKS.seed.map((c) => c.id)],
    ["one id", "papo", ["S12.sent"], ["S12.sent"]],
    ["a requirement selects its checks", "seed", ["S11"], [
      "S11.join",
      "S11.quit",
      "S11.close",
      "S11.vanish",
    ]],
    ["any case, kept in run order", "papo", ["l2", "S4"], ["S4", "L2"]],
  ];
  for (const [name, level, only, want] of cases) {
    await t.step(name, () => assert.deepEqual(selectChecks(level, only).map((c) => c.id), want));
  }
  await t.step("an unknown id is a RangeError naming the checks", () => {
    assert.throws(
      () => selectChecks("seed", ["L2"]),
      /Cannot find check "L2" at level seed: the checks are S4, /,
    );
  });
});

Deno.test("parseTarget() reads HOST:PORT, PORT and NAME=HOST:PORT", async (t) => {
  const cases: [string, { label: string; host: string; port: number }][] = [
    ["10.0.0.5:7777", { label: "10.0.0.5:7777", host: "10.0.0.5", port: 7777 }],
    ["7777", { label: "127.0.0.1:7777", host: "127.0.0.1", port: 7777 }],
    [":7777", { label: "127.0.0.1:7777", host: "127.0.0.1", port: 7777 }],
    ["ana=localhost:8000", { label: "ana", host: "localhost", port: 8000 }],
  ];
  for (const [text, want] of cases) {
    await t.step(text, () => assert.deepEqual(parseTarget(text), want));
  }
  for (const bad of ["10.0.0.5", "host:0", "host:65536", "a:b:7", ""]) {
    await t.step(
      `"${bad}" is refused`,
      () => assert.throws(() => parseTarget(bad), /give HOST:PORT/),
    );
  }
});

Deno.test("main() refuses bad arguments with exit code 2 and one sentence", async (t) => {
  const cases: [string, string[], RegExp][] = [
    ["no server", ["--level", "seed"], /Give at least one server, as HOST:PORT/],
    ["a bad server", ["host:nope"], /Cannot use "host:nope" as a server/],
    ["an unknown flag", ["--fast", "7777"], /Unknown option '--fast'/],
    ["a bad level", ["--level=strict", "7777"], /Cannot use --level "strict": give seed or papo/],
    ["an unknown check", ["--only", "S99", "7777"], /Cannot find check "S99" at level seed/],
    ["a bad timeout", ["--timeout", "0", "7777"], /Cannot use --timeout "0"/],
    ["a bad language", ["--lang", "fr", "7777"], /Cannot use --lang "fr": give pt or en/],
  ];
  for (const [name, args, want] of cases) {
    await t.step(name, async () => {
      const out = capture();
      assert.equal(await main(["--", ...args], out), 2);
      assert.match(out.errors, want);
      assert.equal(out.text, "");
    });
  }
  await t.step("--help and --version exit 0", async () => {
    const out = capture();
    assert.equal(await main(["--", "--help"], out), 0);
    assert.match(out.text, /--level seed\|papo/);
    assert.equal(await main(["-V"], out), 0);
    assert.match(out.text, /^papo-check \d+\.\d+\.\d+$/m);
  });
});

Deno.test("main() reports an unreachable server plainly, with exit code 2", async (t) => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  await t.step("one server: the sentence", async () => {
    const out = capture();
    assert.equal(await main([`${port}`], out, TIMING), 2);
    assert.match(
      out.text,
      new RegExp(
        `Cannot connect to 127\\.0\\.0\\.1:${port}: connection refused\\. Is the server running`,
      ),
    );
  });
  await t.step("--json: reachable false, and the sentence on stderr", async () => {
    const out = capture();
    assert.equal(await main(["--json", `${port}`], out, TIMING), 2);
    const doc = JSON.parse(out.text);
    assert.equal(doc.servers[0].reachable, false);
    assert.equal(doc.servers[0].unreachable, "connection refused");
    assert.equal(doc.exit, 2);
    assert.match(out.errors, /Cannot connect to/);
  });
});

Deno.test("main() grades several servers in a table, and as JSON", async (t) => {
  await using papo = startServer();
  await using broken = BrokenServer.start({ dialect: "seed", defect: "no-sent" });
  const args = [
    ...["--level", "seed", "--only", "S4,S12", "--lang", "en"],
    ...[`papo=127.0.0.1:${papo.port}`, `bia=127.0.0.1:${broken.port}`],
  ];
  // Two runs at once against the same servers: each check keeps to its own users.
  const table = capture();
  const json = capture();
  const codes = await Promise.all([
    main(args, table, TIMING),
    main(["--json", ...args], json, TIMING),
  ]);
  assert.deepEqual(codes, [1, 1]);
  await t.step("table: a row per server, a column per check, failures below", () => {
    const lines = table.text.split("\n");
    const cells = (i: number) => lines[i]!.split(/ +/);
    assert.equal(lines[0], "papo-check 0.1.0, level seed: 2 servers");
    assert.deepEqual(cells(2), [
      "server",
      "S4",
      "S12.public",
      "S12.private",
      "S12.sent",
      "S12.02",
      "passed",
    ]);
    assert.deepEqual(cells(3), ["papo", "ok", "ok", "ok", "ok", "ok", "5/5"]);
    assert.deepEqual(cells(4), ["bia", "ok", "ok", "ok", "FAIL", "ok", "4/5"]);
    assert.equal(
      lines[2]!.indexOf("S12.sent"),
      lines[4]!.indexOf("FAIL"),
      "cells line up under their column",
    );
    assert.ok(lines.includes('S12.sent     "Mensagem enviada" to the sender'));
    const failures = lines.indexOf("Failures:");
    assert.equal(lines[failures + 1], "bia S12.sent");
    assert.match(
      lines[failures + 2]!,
      /^ {2}expected: "Mensagem enviada" to n[a-z]{7} after its private message/,
    );
    assert.match(lines[failures + 3]!, /^ {2}seen: n[a-z]{7} < /);
  });
  await t.step("--json: every result of every server", () => {
    const doc = JSON.parse(json.text);
    assert.equal(doc.level, "seed");
    assert.deepEqual(doc.checks.map((c: { id: string }) => c.id), [
      "S4",
      "S12.public",
      "S12.private",
      "S12.sent",
      "S12.02",
    ]);
    assert.deepEqual(doc.checks[0].title, {
      pt: "pede um apelido e aceita um novo",
      en: "asks for a nickname and accepts a fresh one",
    });
    assert.deepEqual(
      doc.servers.map((
        s: { server: string; passed: number; failed: number },
      ) => [s.server, s.passed, s.failed]),
      [["papo", 5, 0], ["bia", 4, 1]],
    );
    const sent = doc.servers[1].results.find((r: { id: string }) => r.id === "S12.sent");
    assert.equal(sent.status, "fail");
    assert.match(sent.expected, /"Mensagem enviada"/);
    assert.equal(doc.exit, 1);
  });
});

/** Results as a report shows them, with nothing random in them. */
const SAMPLE: ServerReport[] = [
  {
    target: local(7001, "ana"),
    results: [
      {
        id: "S4",
        title: { pt: "pede um apelido", en: "asks for a nickname" },
        status: "ok",
        note: "prompt: Apelido:",
        ms: 5,
      },
      {
        id: "S12.sent",
        title: { pt: "Mensagem enviada ao remetente", en: "Mensagem enviada to the sender" },
        status: "fail",
        expected: '"Mensagem enviada" to bob',
        seen: ["bob < (nothing)"],
        ms: 9,
      },
      {
        id: "S11.join",
        title: { pt: "aviso de entrada", en: "join notice" },
        status: "skip",
        reason: "none seen",
        ms: 7,
      },
    ],
  },
  { target: local(7002, "bia"), unreachable: "connection refused", results: [] },
];
const SAMPLE_CHECKS = SAMPLE[0]!.results.map(({ id, title }) => ({ id, title }));

Deno.test("formatList() shows each check, what failed and why skipped", async (t) => {
  await t.step("en", () => {
    assert.equal(
      formatList(SAMPLE[0]!, { level: "seed", checks: SAMPLE_CHECKS, lang: "en" }),
      `papo-check 0.1.0, level seed: ana
ok    S4        asks for a nickname (prompt: Apelido:)
FAIL  S12.sent  Mensagem enviada to the sender
                expected: "Mensagem enviada" to bob
                seen: bob < (nothing)
skip  S11.join  join notice
                why: none seen
1 passed, 1 failed, 1 skipped (of 3)
`,
    );
  });
  await t.step("pt", () => {
    const text = formatList(SAMPLE[0]!, { level: "seed", checks: SAMPLE_CHECKS, lang: "pt" });
    assert.match(text, /^papo-check 0\.1\.0, nível seed: ana\n/);
    assert.match(text, /esperado: "Mensagem enviada" to bob\n/);
    assert.match(text, /1 ok, 1 falharam, 1 pulados \(de 3\)\n$/);
  });
  await t.step("an unreachable server", () => {
    assert.equal(
      formatList(SAMPLE[1]!, { level: "papo", checks: SAMPLE_CHECKS }),
      "papo-check 0.1.0, level papo: bia\nCannot connect to bia: connection refused. Is the server running, at that address and port?\n",
    );
  });
});

Deno.test("formatTable() puts one row per server and one column per check", () => {
  assert.equal(
    formatTable(SAMPLE, { level: "seed", checks: SAMPLE_CHECKS, lang: "en" }),
    `papo-check 0.1.0, level seed: 2 servers

server  S4    S12.sent  S11.join  passed
ana     ok    FAIL      skip      1/2
bia     unreachable: connection refused

S4        asks for a nickname
S12.sent  Mensagem enviada to the sender
S11.join  join notice

Failures:
ana S12.sent
  expected: "Mensagem enviada" to bob
  seen: bob < (nothing)

Skipped:
ana S11.join
  why: none seen
`,
  );
});

Deno.test("formatJson() carries the level, the checks, and every result", () => {
  const doc = JSON.parse(formatJson(SAMPLE, { level: "seed", checks: SAMPLE_CHECKS }));
  assert.deepEqual(doc.checks[1], { id: "S12.sent", title: SAMPLE_CHECKS[1]!.title });
  assert.deepEqual(doc.servers[0], {
    server: "ana",
    host: "127.0.0.1",
    port: 7001,
    reachable: true,
    passed: 1,
    failed: 1,
    skipped: 1,
    results: [
      { id: "S4", status: "ok", note: "prompt: Apelido:", ms: 5 },
      {
        id: "S12.sent",
        status: "fail",
        expected: '"Mensagem enviada" to bob',
        seen: ["bob < (nothing)"],
        ms: 9,
      },
      { id: "S11.join", status: "skip", reason: "none seen", ms: 7 },
    ],
  });
  assert.equal(doc.servers[1].reachable, false);
  assert.equal(doc.exit, 2);
  assert.equal(doc.kit, "papo-check 0.1.0");
});

Deno.test("deno task conformance runs with --allow-net only and exits 0 for papo", async () => {
  await using papo = startServer();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "conformance/main.ts",
      "--level",
      "papo",
      `127.0.0.1:${papo.port}`,
    ],
    cwd: new URL("../", import.meta.url).pathname,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, text + new TextDecoder().decode(stderr));
  assert.match(
    text,
    new RegExp(
      `^${CHECKS.papo.length} passed, 0 failed, 0 skipped \\(of ${CHECKS.papo.length}\\)$`,
      "m",
    ),
  );
});

// The guide's table of papo-check's flags: tests/flags_test.ts.
Deno.test("docs explain grading in English and Portuguese, with every check", async () => {
  const read = (page: string) => Deno.readTextFile(new URL(`../docs/${page}`, import.meta.url));
  const guide = await read("grading.md");
  assert.match(guide, /^# Grading students' servers$/m);
  assert.match(await read("professor.pt.md"), /^## Corrigir os servidores dos alunos$/m);
  for (const { id } of [...CHECKS.seed, ...CHECKS.papo]) {
    assert.ok(guide.includes(`| ${id} `), `docs/grading.md's table of checks lacks ${id}`);
  }
});
