/**
 * Checking the address and port typed or given on the command line (S8, S14).
 *
 * @module
 */

import { DEFAULT_HOST, DEFAULT_PORT } from "../protocol.ts";

/**
 * Checks an IPv4 address in dotted-decimal form (S1, S8): four numbers from
 * 0 to 255 without leading zeros. A blank answer means {@linkcode DEFAULT_HOST}.
 *
 * @param text The address typed or given with `--host`.
 * @returns The address, or `undefined` when it is not an IPv4 address (ERRO 05).
 *
 * @example
 * ```ts
 * import { parseIPv4 } from "./address.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parseIPv4(" "), "127.0.0.1");
 * assertEquals(parseIPv4("10.0.0.256"), undefined);
 * ```
 */
export function parseIPv4(text: string): string | undefined {
  const s = text.trim();
  if (s === "") return DEFAULT_HOST;
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
  }
  return s;
}

/**
 * Checks a TCP port: a whole number from 0 to 65535 (0 asks the system for a
 * free port). A blank answer means {@linkcode DEFAULT_PORT}.
 *
 * @param text The port typed or given with `--port`.
 * @returns The port, or `undefined` when it is not a port.
 *
 * @example
 * ```ts
 * import { parsePort } from "./address.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(parsePort(""), 7777);
 * assertEquals(parsePort("65536"), undefined);
 * ```
 */
export function parsePort(text: string): number | undefined {
  const s = text.trim();
  if (s === "") return DEFAULT_PORT;
  if (!/^[0-9]{1,5}$/.test(s)) return undefined;
  const port = Number(s);
  return port <= 65535 ? port : undefined;
}
