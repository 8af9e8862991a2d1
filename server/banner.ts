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
 * The banner's lines about joining, in English and Portuguese.
 *
 * @param hostname The address listened on.
 * @param port The port listened on.
 * @param addresses This computer's addresses (when listening on 0.0.0.0), or
 *   `undefined` when they could not be listed.
 * @param client How the class runs the client: `papo-client` beside the
 *   binaries, `deno task client` from source.
 * @returns One line or several.
 *
 * @example
 * ```ts
 * import { joinHints } from "./banner.ts";
 * import assert from "node:assert/strict";
 * assert.match(joinHints("127.0.0.1", 7777, undefined, "papo-client")[0]!, /only this computer can join/);
 * assert.deepEqual(joinHints("0.0.0.0", 7777, ["192.168.0.10"], "deno task client"), [
 *   "students join with / os alunos entram com: nc 192.168.0.10 7777   or / ou   " +
 *   "deno task client --host 192.168.0.10 --port 7777",
 * ]);
 * ```
 */
export function joinHints(
  hostname: string,
  port: number,
  addresses: readonly string[] | undefined,
  client: string,
): string[] {
  if (hostname.startsWith("127.")) {
    return [
      `only this computer can join (${hostname}); to let the class in, start with --host 0.0.0.0` +
      ` / só este computador entra; para a turma entrar, use --host 0.0.0.0`,
    ];
  }
  const listed = hostname === "0.0.0.0" ? addresses : [hostname];
  if (listed === undefined) {
    return [
      `students join with nc ADDRESS ${port}, where ADDRESS is this computer's: find it with` +
      " `ip addr` (Linux), `ipconfig getifaddr en0` (macOS) or `ipconfig` (Windows);" +
      " run with --allow-sys=networkInterfaces to have it listed here",
      `os alunos entram com nc ENDERECO ${port}, onde ENDERECO é o deste computador: veja com` +
      " `ip addr` (Linux), `ipconfig getifaddr en0` (macOS) ou `ipconfig` (Windows);" +
      " com --allow-sys=networkInterfaces ele aparece aqui",
    ];
  }
  if (listed.length === 0) {
    return [
      "no network address found: is this computer on the class's network?" +
      " / nenhum endereço de rede: este computador está na rede da turma?",
    ];
  }
  return listed.map((ip) =>
    `students join with / os alunos entram com: nc ${ip} ${port}   or / ou   ` +
    `${client} --host ${ip} --port ${port}`
  );
}
