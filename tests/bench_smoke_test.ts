/**
 * The benchmark's smoke run (issue 5): `bench/main.ts --quick` against a real
 * papo server and the bench's ceiling server, both started by the bench. It
 * checks what must hold on any machine, never a time or a rate: every
 * scenario ran on both servers, no line was lost, and each server still
 * answered a new client afterwards (S10, S12, X1).
 */
import assert from "node:assert/strict";

const BENCH = new URL("../bench/main.ts", import.meta.url).pathname;

/** How long the whole smoke run may take before it is killed (a bound, not an assertion). */
const LIMIT_MS = 120_000;

Deno.test("bench main() --quick loses no line and leaves each server answering", async () => {
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
  assert.equal(output.code, 0, context);

  const rows = stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  const seen = new Set(rows.map((r) => `${r.scenario}/${r.target}`));
  for (const scenario of ["connect", "private", "broadcast"]) {
    for (const target of ["papo", "ceiling"]) {
      assert.ok(seen.has(`${scenario}/${target}`), `no JSON line for ${scenario} on ${target}`);
    }
  }
  for (const row of rows) {
    const name = `${row.scenario} on ${row.target}: ${JSON.stringify(row)}`;
    assert.equal(row.lost, 0, `lost lines in ${name}`);
    assert.equal(row.complete, true, `incomplete run in ${name}`);
    assert.equal(row.received, row.expected, `received != expected in ${name}`);
    assert.equal(row.answered, true, `the server did not answer after ${name}`);
  }
});
