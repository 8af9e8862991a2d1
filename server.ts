/**
 * papo-server, the socket program of the course on the server's side: it
 * listens on a TCP port (`Deno.listen`), accepts each client (`accept`) and
 * hands its connection to the chat server, which speaks the line protocol
 * of `protocol.ts`; a signal stops it. Its options come from one flag table
 * (`server/flags.ts`); the chat itself is `server/`. `deno compile` builds
 * this file into `papo-server`.
 *
 * Run it with `deno run --allow-net server.ts --help`.
 *
 * @module
 */

import { onStopSignals } from "./common/cli.ts";
import { VERSION } from "./protocol.ts";
import type { ChatServer } from "./server/chat_server.ts";
import { type Certificate, readCertificate } from "./server/doors/certificate.ts";
import { enterTcp, LISTEN_BACKLOG } from "./server/doors/tcp.ts";
import { enterTls } from "./server/doors/tls.ts";
import { readServerOptions, SERVER_HELP, type StartOptions } from "./server/flags.ts";
import { errorName, logLine } from "./server/log.ts";
import {
  announce,
  finish,
  type Lesson,
  listenError,
  openLesson,
  startFailed,
  startWeb,
} from "./server/start.ts";
import type { WebServer } from "./server/web/web_server.ts";

/** Runs the server from the command line; returns the exit code. */
async function main(args: string[]): Promise<number> {
  let options: StartOptions | "help" | "version";
  let lesson: Lesson;
  let listener: Deno.TcpListener | undefined;
  let tlsListener: Deno.TcpListener | undefined;
  let certificate: Certificate | undefined;
  try {
    options = readServerOptions(args);
    if (options === "help" || options === "version") {
      console.log(options === "help" ? SERVER_HELP : `papo-server ${VERSION}`);
      return 0;
    }
    certificate = options.tls && readCertificate(options.tls.cert, options.tls.key); // T1
    lesson = await openLesson(options); // the room (on Redis with --redis), transcript, trace
  } catch (e) {
    return startFailed(e);
  }
  const chat = lesson.chat;
  let port = options.port;
  try {
    // socket(), bind() and listen(): the server's address, where clients connect.
    listener = Deno.listen({ hostname: options.hostname, port, tcpBacklog: LISTEN_BACKLOG });
    if (options.tls) { // the same on the TLS port: its door makes the handshake
      port = options.tls.port;
      tlsListener = Deno.listen({ hostname: options.hostname, port, tcpBacklog: LISTEN_BACKLOG });
    }
  } catch (e) {
    listener?.close();
    await chat.shutdown();
    lesson.transcript?.close();
    return startFailed(listenError(e, options, port));
  }
  let web: WebServer | undefined;
  try {
    // W1: with --web, the browsers' door beside the listener (HTTPS and WSS with --cert)
    web = startWeb(lesson, options, certificate);
  } catch (e) {
    listener.close();
    tlsListener?.close();
    await chat.shutdown();
    lesson.transcript?.close();
    return startFailed(e);
  }
  const stop = () => {
    logLine("shutting down");
    listener.close(); // accept() below ends: no one else comes in
    tlsListener?.close();
    void chat.shutdown(); // ERRO 03 to every client, then each connection closed (S13)
    void web?.shutdown();
  };
  // Before anything is printed: a script that reads the banner may stop the server at once.
  const stopListening = onStopSignals(stop);
  announce(lesson, listener.addr, options, stop, tlsListener?.addr, web);
  // On the TLS port, the TLS door makes each client's handshake, then hands it on.
  const tlsDoor = certificate && { context: certificate.context, log: chat.log.bind(chat) };
  const tls = tlsListener && tlsDoor &&
    acceptClients(tlsListener, chat, (_, conn) => enterTls(chat, conn, tlsDoor));
  await acceptClients(listener, chat, enterTcp);
  await tls;
  await chat.finished;
  await web?.shutdown().catch(() => {});
  stopListening();
  finish(lesson);
  return 0;
}

/** What a door does with each socket its listener accepted: hand it to the chat server. */
type Door = (chat: ChatServer, conn: Deno.TcpConn) => void;

/**
 * accept() until the listener is closed: each client's connection goes to
 * the chat server through the door (TCP, or TLS on the TLS port). A failing accept (out of file
 * descriptors) is logged once per episode and tried again after a pause
 * that grows from 50 ms to 1 s.
 */
async function acceptClients(
  listener: Deno.TcpListener,
  chat: ChatServer,
  door: Door,
): Promise<void> {
  let failures = 0;
  for (;;) {
    let conn: Deno.TcpConn;
    try {
      conn = await listener.accept();
    } catch (e) {
      if (chat.stopping || e instanceof Deno.errors.BadResource) return; // closed by stop()
      chat.socketError();
      if (failures++ === 0) {
        chat.log(
          `accept failed: ${errorName(e)} (raise the open-file limit, ulimit -n, ` +
            "or lower --max-clients)",
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(failures, 5))));
      continue;
    }
    if (failures > 0) chat.log(`accept works again after ${failures} failures`);
    failures = 0;
    door(chat, conn);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
