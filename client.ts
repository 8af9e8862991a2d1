/**
 * papo-client, the socket program of the course on the client's side: it
 * connects to the server (`Deno.connect`) and hands the connection to the
 * chat session, which speaks the line protocol of `protocol.ts`, in a
 * terminal (S14, S15) or with piped input and output (X2), in Portuguese or
 * English (X3). Its options come from one flag table (`client/flags.ts`);
 * the session, the screen and the rendering are `client/`. `deno compile`
 * builds this file into `papo-client`.
 *
 * Run it with `deno run --allow-net client.ts --help`; it needs no other
 * permission.
 *
 * @module
 */

import { interactive, systemLang, UsageError } from "./common/cli.ts";
import { CLIENT_HELP, type ClientOptions, readClientFlags } from "./client/flags.ts";
import {
  type Connect,
  ConnectError,
  connectTo,
  type ServerConn,
  ServerLink,
} from "./client/link.ts";
import { type ClientTls, readCa, startTls } from "./common/tls.ts";
import { runPiped, writeOut } from "./client/piped.ts";
import { clientError, TEXTS } from "./client/render.ts";
import { Exit } from "./client/session.ts";
import { runTerminal } from "./client/terminal_chat.ts";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_TLS_PORT,
  ErrorCode,
  say,
  VERSION,
} from "./protocol.ts";

/**
 * connect(): a TCP socket to the server's address and port (S14); with
 * `--tls`, a TLS session over it, its handshake made before the chat (T2).
 */
function connector(tls: ClientTls | undefined): Connect {
  return async (hostname, port, signal) => {
    const conn = await Deno.connect({ hostname, port, transport: "tcp", signal });
    return tls ? await startTls(conn, hostname, tls, signal) : conn;
  };
}

/** Runs the client from the command line; returns the exit code. */
async function main(args: string[]): Promise<number> {
  const fallbackLang = systemLang();
  let options: ClientOptions;
  let tls: ClientTls | undefined;
  try {
    const read = readClientFlags(args, fallbackLang);
    if ("show" in read) {
      console.log(read.show === "help" ? CLIENT_HELP[read.lang] : `papo-client ${VERSION}`);
      return Exit.ok;
    }
    options = read;
    if (options.ca !== undefined) {
      tls = { caPath: options.ca, caCerts: [readCa(options.ca, options.lang)] };
    } else if (options.tls) tls = {};
    if (tls) options.port ??= DEFAULT_TLS_PORT; // the TLS port is not asked for: 7778
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    console.error(say(TEXTS.seeHelp, fallbackLang));
    return Exit.usage;
  }
  const connect = connector(tls);
  const trace = options.trace ? (line: string) => writeOut(Deno.stderr, line) : undefined;
  if (interactive()) {
    // In a terminal: asks for what is missing, connects, and asks again when that fails.
    return await runTerminal({ ...options, bell: options.noBell !== true, trace, connect });
  }
  // Piped: one connection, or ERRO 04 and exit 1.
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  let conn: ServerConn;
  try {
    conn = await connectTo(host, port, { connect });
  } catch (e) {
    if (!(e instanceof ConnectError)) throw e;
    writeOut(Deno.stderr, clientError(ErrorCode.badServer, e.detail, options.lang));
    return Exit.failed;
  }
  writeOut(Deno.stderr, say(TEXTS.connected, options.lang, host, String(port)));
  return await runPiped(new ServerLink(conn, trace), { ...options, typed: stdinIsTerminal() });
}

/** Whether a person types the input (the output piped, as in `client.ts | tee log`). */
function stdinIsTerminal(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
