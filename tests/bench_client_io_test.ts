/**
 * bench/client_io.ts: the bench clients' line cutting, without a network.
 */
import assert from "node:assert/strict";
import { LineCutter } from "../bench/client_io.ts";

Deno.test("LineCutter.cut() hands on whole lines, one cut across reads carried over", () => {
  const lines: string[] = [];
  const cutter = new LineCutter((b, s, e) =>
    lines.push(new TextDecoder().decode(b.subarray(s, e)))
  );
  const bytes = (text: string) => new TextEncoder().encode(text);
  cutter.cut(bytes("OK um\r\nPUBLICA a"));
  assert.deepEqual(lines, ["OK um\r"]);
  cutter.cut(bytes("na: oi"));
  assert.deepEqual(lines, ["OK um\r"], "no LF yet: the line waits");
  cutter.cut(bytes("\r\nSAIU bia\n"));
  assert.deepEqual(lines, ["OK um\r", "PUBLICA ana: oi\r", "SAIU bia"]);
});
