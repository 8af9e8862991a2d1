/**
 * What the start-up banner tells the teacher about who can join (issue 10):
 * on 127.0.0.1, that only this computer can, and how to open the server to
 * the room; on 0.0.0.0, the addresses students type, each with `nc` and the
 * client's command. Listing the computer's addresses needs Deno's `sys`
 * permission for `networkInterfaces`: it is asked of Deno, never prompted
 * for, and without it the banner says how to find the address by hand.
 * {@linkcode announce} prints the whole banner (the listener's address, TLS,
 * the web door, the trace, the teacher's token) and starts the console (C2).
 *
 * @module
 */

import { interactive } from "../common/cli.ts";
import { VERSION } from "../protocol.ts";
import { ConsoleCaller, runConsole } from "./console.ts";
import { LISTEN_BACKLOG } from "./doors/tcp.ts";
import type { StartOptions } from "./flags.ts";
import { logLine, printLine } from "./log.ts";
import { consoleScreen } from "./console_screen.ts";
import type { Lesson } from "./start.ts";
import { QR_INDENT, webBanner } from "./web/web_banner.ts";
import type { WebServer } from "./web/web_server.ts";

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

/** How the class runs the client: the binary beside a binary server, from source otherwise. */
function clientCommand(): string {
  return Deno.build.standalone ? "papo-client" : "deno task client";
}

/**
 * A command that joins the TLS port as printed (T1, T2): the certificate is
 * trusted with `--ca` (a self-signed one is not otherwise), which the client
 * may read only with `--allow-read`.
 *
 * @param cert The certificate's PEM file (`--cert`).
 * @param addr Where the TLS listener listens.
 * @param on The address to join, when the listener's is every network's (`0.0.0.0`).
 * @returns The command line.
 */
export function tlsClientCommand(cert: string, addr: Deno.NetAddr, on?: string): string {
  const hostname = addr.hostname === "0.0.0.0" ? on : addr.hostname;
  const host = hostname === undefined || hostname === "127.0.0.1" ? "" : ` --host ${hostname}`;
  const client = Deno.build.standalone
    ? "papo-client"
    : `deno run --allow-net --allow-read=${cert} client.ts`;
  return `${client} --ca ${cert}${host} --port ${addr.port}`;
}

/**
 * The banner, in English and Portuguese: where the server listens and who can
 * join, the trace's listening socket, the teacher's token; then the console.
 *
 * @param lesson What was started.
 * @param addr Where the listener listens.
 * @param options What the command line asked for.
 * @param stop What `{quit}` at the console does.
 * @param tlsAddr Where the TLS listener listens, with `--cert` (T1).
 * @param web The web door's server, with `--web`: its URLs and the QR code are shown.
 */
export function announce(
  lesson: Lesson,
  addr: Deno.NetAddr,
  options: StartOptions,
  stop: () => void,
  tlsAddr?: Deno.NetAddr,
  web?: WebServer,
): void {
  const { chat, trace, transcript } = lesson;
  const where = `${addr.hostname}:${addr.port}`;
  logLine(`papo-server ${VERSION} listening on ${where} / escutando em ${where}`);
  // This computer's addresses, asked of the system once for every list below.
  const addresses = localAddresses();
  if (tlsAddr !== undefined) {
    const tls = `${tlsAddr.hostname}:${tlsAddr.port}`;
    // On every network, one command per address the class joins, as for the plain port
    // (field test); with none found, the client asks for it.
    const listed = tlsAddr.hostname === "0.0.0.0" ? addresses ?? [] : [];
    for (const on of listed.length > 0 ? listed : [undefined]) {
      const command = tlsClientCommand(options.tls?.cert ?? "CERT", tlsAddr, on);
      logLine(`TLS on ${tls}: ${command} / TLS em ${tls}: ${command}`);
    }
  }
  for (const line of joinHints(addr.hostname, addr.port, addresses, clientCommand())) {
    logLine(line);
  }
  if (web !== undefined) {
    // The sentences carry the log's time like the banner's other lines (review 9h); the QR's
    // rows stand alone, nothing beside the code a phone scans.
    for (const line of webBanner(web.addr, addresses, web.secure)) {
      (line.startsWith(QR_INDENT) ? printLine : logLine)(line);
    }
  }
  if (trace !== undefined) {
    logLine(
      "socket trace on: every byte each way is shown, private messages included" +
        " / rastreio ligado: cada byte nos dois sentidos aparece, mensagens privadas também",
    );
    trace.listening(addr, LISTEN_BACKLOG);
  }
  for (const line of tokenLines(chat.adminToken, options.adminToken, trace !== undefined)) {
    logLine(line);
  }
  transcript?.line(`INICIO papo-server ${VERSION} ${where}`);
  if (interactive()) {
    logLine(
      "console: type teacher's commands here ({help}), no token needed" +
        " / console: digite aqui os comandos do professor ({help}), sem senha",
    );
    // The console's own input line: what the server prints goes above it (issue 19.2).
    const input = consoleScreen(stop);
    void runConsole(new ConsoleCaller(chat, printLine, stop), input.lines);
    chat.finished.finally(() => input.close());
  }
}

/** The shortest teacher's token given without a warning (L9). */
export const SHORT_TOKEN = 8;

/**
 * What the banner says of the teacher's token (L8, L9): a token made here is
 * printed, but not while tracing (the trace is on the projector); a given one
 * never is, and one shorter than {@linkcode SHORT_TOKEN} gets a warning.
 *
 * @param token The token in use.
 * @param given The token given with a flag, if any.
 * @param tracing Whether the socket trace is on.
 * @returns The banner's lines.
 */
export function tokenLines(token: string, given: string | undefined, tracing: boolean): string[] {
  if (given !== undefined) {
    const lines = [
      "teacher's token: the one given with --admin-token or --admin-token-file" +
      " / senha do professor: a de --admin-token ou --admin-token-file",
    ];
    if (given.length < SHORT_TOKEN) {
      lines.push(
        `warning: the teacher's token has under ${SHORT_TOKEN} characters, easy to guess` +
          ` / aviso: a senha do professor tem menos de ${SHORT_TOKEN} caracteres, fácil de adivinhar`,
      );
    }
    return lines;
  }
  if (tracing) {
    return [
      "teacher's token: not shown while tracing (the screen is on the projector); the console" +
      " needs none; to use one in a client, restart with --admin-token-file PATH" +
      " / senha do professor: não aparece com o rastreio; o console não precisa dela;" +
      " para usá-la num cliente, reinicie com --admin-token-file ARQUIVO",
    ];
  }
  return [
    `teacher's token: type {admin ${token}} in a client to become the teacher` +
    " / senha do professor: digite-a num cliente para ser o professor",
  ];
}
