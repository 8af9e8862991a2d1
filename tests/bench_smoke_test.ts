/**
 * The benchmark's smoke run (issues 5 and 14): `bench/main.ts --quick`
 * against a real papo server, the bench's ceiling server and, when it is
 * installed, ngIRCd, all started by the bench. It checks what must hold on
 * any machine, never a time or a rate: every scenario ran on every server,
 * no line was lost, and each server still answered a new client afterwards
 * (S10, S12, X1; P2's memory points are there for connect and idle). The
 * web scenario (issue 23 item 3, W2) runs too: papo's broadcast and private
 * again with a few WebSocket users through the web door, none of whose
 * lines may be lost either.
 */
import assert from "node:assert/strict";
import { findNgircd } from "../bench/ngircd.ts";

const BENCH = new URL("../bench/main.ts", import.meta.url).pathname;

/** How long the whole smoke run may take before it is killed (a bound, not an assertion). */
const LIMIT_MS = 120_000;

const SCENARIOS = ["connect", "idle", "private", "broadcast"];

const ngircd = await findNgircd();

interface Smoke {
  code: number;
  context: string;
  // deno-lint-ignore no-explicit-any
  rows: any[];
}

let smoke: Promise<Smoke> | undefined;

/**
 * Runs `bench/main.ts --quick --json-only` with `args`, killed after
 * {@linkcode LIMIT_MS} (a bound, not an assertion).
 */
async function bench(args: string[]): Promise<Smoke> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), LIMIT_MS);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-run",
        "--allow-read",
        "--allow-env",
        "--allow-sys",
        BENCH,
        "--quick",
        "--json-only",
        "--timeout",
        "60",
        ...args,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
  } finally {
    clearTimeout(timer);
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  const context = `exit code ${output.code}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
  const rows = stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  return { code: output.code, context, rows };
}

/** Runs the bench once (the first test that needs it), every scenario on every server. */
function smokeRun(): Promise<Smoke> {
  return smoke ??= bench(["--scenario", [...SCENARIOS, "web"].join(","), "--target", "all"]);
}

// deno-lint-ignore no-explicit-any
function checkRows(rows: any[], target: string, context: string): void {
  const mine = rows.filter((r) => r.target === target);
  for (const scenario of SCENARIOS) {
    assert.ok(
      mine.some((r) => r.scenario === scenario),
      `no JSON line for ${scenario} on ${target}\n${context}`,
    );
  }
  // Issue 23: private and broadcast run in both load shapes by default.
  for (const scenario of ["private", "broadcast"]) {
    for (const shape of ["reply", "delivery"]) {
      assert.ok(
        mine.some((r) => r.scenario === scenario && r.shape === shape),
        `no JSON line for ${scenario} in the ${shape} shape on ${target}\n${context}`,
      );
    }
  }
  for (const row of mine) {
    const name = `${row.scenario} on ${row.target}: ${JSON.stringify(row)}`;
    assert.equal(row.lost, 0, `lost lines in ${name}`);
    assert.equal(row.complete, true, `incomplete run in ${name}`);
    assert.equal(row.received, row.expected, `received != expected in ${name}`);
    assert.equal(row.answered, true, `the server did not answer after ${name}`);
    if (row.scenario === "private" || row.scenario === "broadcast") {
      assert.equal(row.duplicates, 0, `a message delivered twice in ${name}`);
      assert.equal(row.disorder, 0, `a message delivered out of order in ${name}`);
      // Issue 23: --quick warms up with 20 messages per sender, and keeps that run's p99.
      assert.equal(row.warmup, 20, `no warm-up of 20 messages per sender in ${name}`);
      assert.equal(typeof row.warmup_p99_ms, "number", `no warm-up p99 in ${name}`);
    }
    if (row.scenario === "connect" || row.scenario === "idle") {
      assert.equal(typeof row.settle_s, "number", `no settle time in ${name}`);
      if (row.rss_before_kib !== null) {
        assert.equal(typeof row.rss_joined_kib, "number", `no RSS once joined in ${name}`);
        assert.equal(typeof row.rss_settled_per_client_kib, "number", `no settled RSS in ${name}`);
      }
    }
  }
}

Deno.test("bench main() --quick loses no line and leaves papo and the ceiling answering", async () => {
  const { code, context, rows } = await smokeRun();
  assert.equal(code, 0, context);
  checkRows(rows, "papo", context);
  checkRows(rows, "ceiling", context);
  const papo = rows.find((r) => r.target === "papo" && r.scenario === "private");
  assert.ok(papo.vs_ceiling, `papo's row has no vs_ceiling\n${context}`);
});

Deno.test({
  name: ngircd
    ? "bench main() --quick drives ngIRCd with the same scenarios, losing no line"
    : "bench main() --quick drives ngIRCd (skipped: ngircd is not installed)",
  ignore: ngircd === undefined,
  fn: async () => {
    const { code, context, rows } = await smokeRun();
    assert.equal(code, 0, context);
    checkRows(rows, "ngircd", context);
    const papo = rows.find((r) => r.target === "papo" && r.scenario === "private");
    assert.ok(papo.vs_ngircd, `papo's row has no vs_ngircd\n${context}`);
  },
});

Deno.test("bench main() --quick --scenario web: WebSocket users beside TCP users lose no line", async () => {
  const { code, context, rows } = await smokeRun();
  assert.equal(code, 0, context);
  const web = rows.filter((r) => r.target === "papo" && r.web_users > 0);
  for (const scenario of ["private", "broadcast"]) {
    for (const shape of ["reply", "delivery"]) {
      const row = web.find((r) => r.scenario === scenario && r.shape === shape);
      assert.ok(row, `no web row for ${scenario} in the ${shape} shape\n${context}`);
      const name = `web ${scenario} ${shape}: ${JSON.stringify(row)}`;
      assert.equal(row.web_users, 6, `the quick web runs have 6 WebSocket users: ${name}`);
      assert.equal(row.lost, 0, `lost lines in ${name}`);
      assert.equal(row.complete, true, `incomplete run in ${name}`);
      assert.equal(row.received, row.expected, `received != expected in ${name}`);
      assert.equal(row.duplicates, 0, `a message delivered twice in ${name}`);
      assert.equal(row.disorder, 0, `a message out of order in ${name}`);
      assert.equal(row.answered, true, `the server did not answer after ${name}`);
      if (scenario === "broadcast") {
        // Every client, the WebSocket users too, gets every message of every sender but its own.
        assert.equal(row.expected, row.senders * row.messages * (row.clients - 1), name);
      } else {
        // Each message and its OK; every receiver is a WebSocket user.
        assert.equal(row.expected, 2 * row.pairs * row.messages, name);
      }
      const ratios = row.vs_without_web;
      assert.ok(ratios, `no vs_without_web in ${name}`);
      for (const key of ["rate", "p99", "server_us_per_msg", "rss_per_client"]) {
        assert.ok(key in ratios, `vs_without_web has no ${key} in ${name}`);
      }
      const without = rows.find((r) =>
        r.target === "papo" && r.web_users === 0 && r.scenario === scenario &&
        r.shape === shape && r.clients < row.clients
      );
      assert.ok(without, `no run without WebSocket users for ${name}`);
    }
  }
});

Deno.test("bench main() --warmup 0 runs private and broadcast cold, with no warm-up p99", async () => {
  const { code, context, rows } = await bench([
    "--scenario",
    "private,broadcast",
    "--shape",
    "delivery",
    "--target",
    "papo",
    "--warmup",
    "0",
  ]);
  assert.equal(code, 0, context);
  assert.equal(rows.length, 2, context);
  for (const row of rows) {
    assert.equal(row.warmup, 0, context);
    assert.equal(row.warmup_p99_ms, null, context);
    assert.equal(row.lost, 0, context);
    assert.equal(row.received, row.expected, context);
  }
});
