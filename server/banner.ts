/**
 * What the start-up banner tells the teacher about who can join (issue 10):
 * on 127.0.0.1, that only this computer can, and how to open the server to
 * the room; on 0.0.0.0, the addresses students type, each with `nc` and the
 * client's command. Listing the computer's addresses needs Deno's `sys`
 * permission for `networkInterfaces`: it is asked of Deno, never prompted
 * for, and without it the banner says how to find the address by hand.
 *
 * @module
 */

/**
 * This computer's IPv4 addresses other than loopback, or `undefined` when
 * the permission to list them was not given (`--allow-sys=networkInterfaces`).
 *
 * @returns The addresses, in the system's order.
 */
export function localAddresses(): string[] | undefined {
  try {
    const state = Deno.permissions.querySync({ name: "sys", kind: "networkInterfaces" }).state;
    if (state !== "granted") return undefined;
    return Deno.networkInterfaces()
      .filter((i) => i.family === "IPv4" && !i.address.startsWith("127."))
      .map((i) => i.address);
  } catch {
    return undefined;
  }
}

/**
 * The banner's lines about joining.
 *
 * @param hostname The address listened on.
 * @param port The port listened on.
 * @param addresses This computer's addresses (when listening on 0.0.0.0), or
 *   `undefined` when they could not be listed.
 * @returns One line or several.
 *
 * @example
 * ```ts
 * import { joinHints } from "./banner.ts";
 * import assert from "node:assert/strict";
 * assert.match(joinHints("127.0.0.1", 7777, undefined)[0]!, /only this computer can join/);
 * assert.deepEqual(joinHints("0.0.0.0", 7777, ["192.168.0.10"]), [
 *   "students join with: nc 192.168.0.10 7777   or   papo-client --host 192.168.0.10 --port 7777",
 * ]);
 * ```
 */
export function joinHints(
  hostname: string,
  port: number,
  addresses: readonly string[] | undefined,
): string[] {
  if (hostname.startsWith("127.")) {
    return [
      `only this computer can join (${hostname}); to let the class in, start with --host 0.0.0.0` +
      ` / so este computador entra; para a turma entrar, use --host 0.0.0.0`,
    ];
  }
  const listed = hostname === "0.0.0.0" ? addresses : [hostname];
  if (listed === undefined) {
    return [
      "students join with nc ADDRESS " + port + ", where ADDRESS is this computer's: find it with" +
      " `ip addr` (Linux), `ipconfig getifaddr en0` (macOS) or `ipconfig` (Windows);" +
      " run with --allow-sys=networkInterfaces to have it listed here",
    ];
  }
  if (listed.length === 0) {
    return ["no network address found: is this computer on the class's network?"];
  }
  return listed.map((ip) =>
    `students join with: nc ${ip} ${port}   or   papo-client --host ${ip} --port ${port}`
  );
}
