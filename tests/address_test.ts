/**
 * Unit tests of the addresses the server and the client take (S8): IPv4
 * addresses and ports. Pure: no network.
 */
import assert from "node:assert/strict";
import { DEFAULT_HOST, DEFAULT_PORT } from "../protocol.ts";
import { parseIPv4, parsePort } from "../common/address.ts";

Deno.test("parseIPv4() accepts dotted-decimal IPv4 addresses only", async (t) => {
  const table: [string, string | undefined][] = [
    ["127.0.0.1", "127.0.0.1"],
    [" 10.0.0.1 ", "10.0.0.1"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["", DEFAULT_HOST],
    ["   ", DEFAULT_HOST],
    ["256.0.0.1", undefined],
    ["999.1.1.1", undefined],
    ["1.2.3", undefined],
    ["1.2.3.4.5", undefined],
    ["01.2.3.4", undefined],
    ["1.2.3.-4", undefined],
    ["1..3.4", undefined],
    ["a.b.c.d", undefined],
    ["abc", undefined],
    ["localhost", undefined],
    ["::1", undefined],
    ["1.2.3.4 ", "1.2.3.4"],
    ["1.2.3.4x", undefined],
  ];
  for (const [text, want] of table) {
    await t.step(JSON.stringify(text), () => assert.equal(parseIPv4(text), want));
  }
});

Deno.test("parsePort() accepts whole numbers from 0 to 65535", async (t) => {
  const table: [string, number | undefined][] = [
    ["0", 0],
    ["80", 80],
    [" 7777 ", 7777],
    ["65535", 65535],
    ["", DEFAULT_PORT],
    ["65536", undefined],
    ["99999", undefined],
    ["123456", undefined],
    ["-1", undefined],
    ["abc", undefined],
    ["1e3", undefined],
    ["80.5", undefined],
    ["0x50", undefined],
  ];
  for (const [text, want] of table) {
    await t.step(JSON.stringify(text), () => assert.equal(parsePort(text), want));
  }
});
