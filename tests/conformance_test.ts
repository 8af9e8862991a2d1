/**
 * Tests of the conformance kit (C7): papo's server passes every check at
 * both levels; each broken fixture server fails exactly the check(s) of its
 * defect; a student's Python server passes the seed level; a server that
 * closes, stays silent or cannot be reached is judged plainly; the reports,
 * the JSON and the command line are asserted.
 *
 * Real TCP on 127.0.0.1, port 0; short timeouts where a defect makes a check
 * wait; no assertion on time.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Result } from "../conformance/check.ts";
import { main, type Output, parseTarget } from "../conformance/main.ts";
import { formatJson, formatList, formatTable } from "../conformance/report.ts";
import { CHECKS, runConformance, selectChecks, type ServerReport } from "../conformance/run.ts";
import { BrokenServer, type Defect, type Dialect } from "./fixtures/broken_server.ts";
import { startServer } from "./helpers.ts";

/** Short waits: a defect costs its check at most `waitMs`. */
const TIMING = { timeoutMs: 4000, waitMs: 1000, quietMs: 60 };

const local = (port: number, label = `127.0.0.1:${port}`) => ({ label, host: "127.0.0.1", port });

function ids(report: ServerReport, status: Result["status"]): string[] {
  return report.results.filter((r) => r.status === status).map((r) => r.id).sort();
}

/** Why a report is not what a test expects: the failures with what was expected and seen. */
function explain(report: ServerReport): string {
  return report.results.filter((r) => r.status !== "ok")
    .map((r) => `${r.id} ${r.status}: ${r.expected ?? r.reason}\n  ${(r.seen ?? []).join("\n  ")}`)
    .join("\n");
}

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
    ["an unknown check", ["--only", "S99", "7777"], /Cannot find check "S99" at level papo/],
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

Deno.test("runConformance() passes papo's server at both levels", async (t) => {
  await using papo = startServer();
  const levels = ["seed", "papo"] as const;
  const reports = await Promise.all(
    levels.map((level) => runConformance([local(papo.port)], { level, timing: TIMING })),
  );
  for (const [i, level] of levels.entries()) {
    await t.step(`level ${level}: every check ok`, () => {
      const report = reports[i]![0]!;
      assert.deepEqual(report.results.map((r) => r.id), CHECKS[level].map((c) => c.id));
      assert.deepEqual(ids(report, "ok").length, CHECKS[level].length, explain(report));
    });
  }
});

/** Each fixture, the level it is run at, and the checks it must fail and skip. */
const FIXTURES: [Dialect, Defect, string[], string[]][] = [
  ["seed", "none", [], []],
  ["seed", "taken-accepted", ["S10.taken"], []],
  ["seed", "no-list", ["S10.list"], []],
  ["seed", "no-join", [], ["S11.join"]],
  ["seed", "echo", ["S12.public"], []],
  ["seed", "no-sender-name", ["S12.public"], []],
  ["seed", "private-to-all", ["S12.private"], []],
  ["seed", "no-sent", ["S12.sent"], []],
  ["seed", "no-02", ["S12.02"], []],
  ["seed", "no-leave-on-quit", ["S11.quit"], []],
  ["seed", "no-leave-on-close", ["S11.close"], []],
  ["seed", "reset-crash", ["S11.vanish"], []],
  ["seed", "quit-word", [], []],
  ["papo", "none", [], []],
  ["papo", "taken-accepted", ["S10.taken"], []],
  ["papo", "no-join", ["S11.join"], []],
  ["papo", "echo", ["S12.public"], []],
  ["papo", "private-to-all", ["S12.private"], []],
  ["papo", "no-sent", ["S12.sent"], []],
  ["papo", "no-02", ["S12.02"], []],
  ["papo", "no-leave-on-quit", ["S11.quit"], []],
  ["papo", "no-leave-on-close", ["S11.close", "S11.vanish"], []],
  ["papo", "lf", ["S1.crlf", "S4"], []],
  ["papo", "case-sensitive", ["S10.taken", "S6"], []],
  ["papo", "no-help", ["X1.help"], []],
  ["papo", "no-users", ["X1.users"], []],
  ["papo", "no-bare-quit", ["S7"], []],
  ["papo", "long-line-closes", ["L1.long"], []],
  ["papo", "first-line-only", ["S1.pipe"], []],
  ["papo", "answers-empty", ["L1.07"], []],
  ["papo", "long-nick-accepted", ["L3"], []],
  ["papo", "list-without-self", ["S10.welcome"], []],
  ["papo", "cr-ignored", ["S1.eol"], []],
  ["papo", "ascii-relayed", ["S1.ascii"], []],
  ["papo", "frag-lost", ["S1.frag"], []],
  ["papo", "telnet-kept", ["S2.telnet"], []],
  ["papo", "controls-kept", ["L2"], []],
];

Deno.test("runConformance() fails each broken server on its defect's check(s) only", async (t) => {
  const servers = FIXTURES.map(([dialect, defect]) => BrokenServer.start({ dialect, defect }));
  try {
    // One run per level over all its fixtures at once, as a teacher runs it over a class.
    const reports = new Map<BrokenServer, ServerReport>();
    await Promise.all((["seed", "papo"] as const).map(async (level) => {
      const mine = servers.filter((_, i) => FIXTURES[i]![0] === level);
      const got = await runConformance(mine.map((s) => local(s.port)), { level, timing: TIMING });
      mine.forEach((s, i) => reports.set(s, got[i]!));
    }));
    for (const [i, [dialect, defect, fail, skip]] of FIXTURES.entries()) {
      const name = `${dialect} ${defect}: fails [${fail.join(", ")}], skips [${skip.join(", ")}]`;
      await t.step(name, () => {
        const report = reports.get(servers[i]!)!;
        assert.deepEqual(ids(report, "fail"), [...fail].sort(), explain(report));
        assert.deepEqual(ids(report, "skip"), [...skip].sort(), explain(report));
      });
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});

const hasPython = (() => {
  try {
    return new Deno.Command("python3", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();
if (!hasPython) {
  console.log(
    "tests/conformance_test.ts: python3 is not installed; the student server test is skipped",
  );
}

/** A Python fixture server as a child process, stopped by `await using`. */
async function python(script: string, ...args: string[]) {
  const path = new URL(`./fixtures/${script}`, import.meta.url).pathname;
  const child = new Deno.Command("python3", {
    args: [path, ...args, "0"],
    stdout: "piped",
    stderr: "null",
  })
    .spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    while (!(await lines.read()).done) { /* drain */ }
  };
  let head = "";
  while (!/127\.0\.0\.1:\d+\n/.test(head)) {
    const { value, done } = await lines.read();
    if (done) {
      await stop();
      throw new Error(`${script} ${args.join(" ")} did not start: ${head}`);
    }
    head += value;
  }
  return { port: Number(/127\.0\.0\.1:(\d+)/.exec(head)![1]), [Symbol.asyncDispose]: stop };
}

/** The student-style variants of tests/fixtures/student_variants.py, each correct for the assignment. */
const VARIANTS = ["noprompt", "listfirst", "echo", "cr", "latin1", "caseless"];

Deno.test({
  name: `runConformance() passes students' Python servers at the seed level${
    hasPython ? "" : " (skipped: no python3)"
  }`,
  ignore: !hasPython,
  async fn(t) {
    await using student = await python("student_server.py");
    const variants: { port: number; [Symbol.asyncDispose](): Promise<void> }[] = [];
    try {
      for (const v of VARIANTS) variants.push(await python("student_variants.py", v));
      const reports = await runConformance(
        [
          local(student.port, "student_server.py"),
          ...variants.map((v, i) => local(v.port, VARIANTS[i])),
        ],
        { level: "seed", timing: { ...TIMING, waitMs: 1500 } },
      );
      for (const report of reports) {
        await t.step(`${report.target.label}: every check ok, the join notice skipped`, () => {
          assert.deepEqual(ids(report, "fail"), [], explain(report));
          assert.deepEqual(
            ids(report, "skip"),
            ["S11.join"],
            "no join notice: skipped, not failed",
          );
        });
      }
      assert.match(reports[0]!.results[0]!.note ?? "", /prompt: Digite seu apelido:/);
      assert.match(reports[1]!.results[0]!.note ?? "", /no prompt; the nickname was answered/);
    } finally {
      for (const v of variants) await v[Symbol.asyncDispose]();
    }
  },
});

function close(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch {
    // closed already
  }
}

/** A tiny server that treats each connection with `handle`; closes them all when disposed. */
function tinyServer(handle: (conn: Deno.TcpConn) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.TcpConn>();
  const sessions: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      sessions.push(
        handle(conn).catch(() => {}).finally(() => {
          if (conns.delete(conn)) close(conn);
        }),
      );
    }
  })().catch(() => {});
  return {
    port: listener.addr.port,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) close(c);
      conns.clear();
      await accepting;
      await Promise.all(sessions);
    },
  };
}

Deno.test("runConformance() judges servers that close or stay silent", async (t) => {
  await t.step("a server that closes after the nickname fails S4", async () => {
    await using server = tinyServer(async (conn) => {
      await conn.write(new TextEncoder().encode("Apelido? "));
      await conn.read(new Uint8Array(100));
      conn.close();
    });
    const [report] = await runConformance([local(server.port)], {
      level: "seed",
      only: ["S4"],
      timing: TIMING,
    });
    assert.equal(report!.results[0]!.status, "fail");
    assert.match(report!.results[0]!.expected!, /the connection to stay open after the nickname/);
  });
  await t.step("a server that never answers: no check passes, each ends", async () => {
    await using server = tinyServer(async (conn) => {
      while (await conn.read(new Uint8Array(100)) !== null) { /* never answers */ }
    });
    const timing = { timeoutMs: 200, waitMs: 80, quietMs: 20 };
    const only = { seed: [], papo: ["S4", "S10", "S12.public", "L3", "S11.vanish"] };
    const reports = await Promise.all(
      (["seed", "papo"] as const).map((level) =>
        runConformance([local(server.port)], { level, only: only[level], timing })
      ),
    );
    for (const [report] of reports) {
      assert.deepEqual(ids(report!, "ok"), []);
      assert.ok(ids(report!, "fail").length > 0);
    }
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
    args: ["run", "--allow-net", "conformance/main.ts", "--", `127.0.0.1:${papo.port}`],
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

Deno.test("README.md explains grading in English and Portuguese, with every papo-check flag", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.match(readme, /^## Grading students' servers$/m);
  assert.match(readme, /^### Corrigir os servidores dos alunos$/m);
  const source = await Deno.readTextFile(new URL("../conformance/main.ts", import.meta.url));
  const flags = [...source.matchAll(/^\s+"?([a-z][a-z-]+)"?: \{ type: "(?:string|boolean)"/gm)]
    .map((m) => m[1]!);
  assert.ok(flags.length >= 6, "no flags found in conformance/main.ts");
  for (const flag of flags) assert.ok(readme.includes(`--${flag}`), `README.md lacks --${flag}`);
  for (const { id } of [...CHECKS.seed, ...CHECKS.papo]) {
    assert.ok(readme.includes(`| ${id} `), `README.md's table of checks lacks ${id}`);
  }
});
