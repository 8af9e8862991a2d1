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
import { announce } from "./server/banner.ts";
import type { ChatServer } from "./server/chat_server.ts";
import { enterTcp, LISTEN_BACKLOG, peerGone } from "./server/doors/tcp.ts";
import { readServerOptions, SERVER_HELP, type StartOptions } from "./server/flags.ts";
import { errorName, logLine } from "./server/log.ts";
import * as start from "./server/start.ts";

/** Runs the server from the command line; returns the exit code. */
async function main(args: string[]): Promise<number> {
  let options: StartOptions | "help" | "version";
  let lesson: start.Lesson;
  try {
    options = readServerOptions(args);
    if (options === "help" || options === "version") {
      console.log(options === "help" ? SERVER_HELP : `papo-server ${VERSION}`);
      return 0;
    }
    lesson = await start.openLesson(options); // the room (Redis with --redis), transcript, trace
  } catch (e) {
    return start.startFailed(e);
  }
  const { hostname, port } = options;
  const chat = lesson.chat;
  let listener: Deno.TcpListener;
  let doors: start.SideDoors;
  try {
    // socket(), bind() and listen(): the server's address, where clients connect.
    listener = Deno.listen({ hostname, port, tcpBacklog: LISTEN_BACKLOG });
  } catch (e) {
    await start.closeLesson(lesson);
    return start.startFailed(start.listenError(e, options));
  }
  try {
    doors = start.openSideDoors(lesson, options); // T1: the TLS port; W1: the browsers' door
  } catch (e) {
    listener.close();
    await start.closeLesson(lesson);
    return start.startFailed(e);
  }
  let stopped = false;
  const stop = () => {
    // A second Ctrl+C while the clients are told and closed (field test: it closed the closed
    // listener again, an uncaught error and exit 1): the shutdown under way goes on.
    if (stopped) return;
    stopped = true;
    logLine("shutting down");
    listener.close(); // accept() below ends: no one else comes in
    doors.tls?.listener.close();
    void chat.shutdown(); // ERRO 03 to every client, then each connection closed (S13)
    void doors.web?.shutdown();
  };
  // Before anything is printed: a script that reads the banner may stop the server at once.
  const stopListening = onStopSignals(stop);
  announce(lesson, listener.addr, options, stop, doors.tls?.listener.addr, doors.web);
  const tls = doors.tls && acceptClients(doors.tls.listener, chat, doors.tls.door);
  await acceptClients(listener, chat, enterTcp);
  await tls;
  await chat.finished;
  await doors.web?.shutdown().catch(() => {});
  stopListening();
  start.finish(lesson);
  return 0;
}

/**
 * accept() until the listener is closed: each client's connection goes to
 * the chat server through the door (TCP, or TLS on the TLS port). A failing accept (out of file
 * descriptors) is logged once per episode and tried again after a pause
 * that grows from 50 ms to 1 s; one that failed because its client reset
 * the connection first is passed over at once.
 */
async function acceptClients(
  listener: Deno.TcpListener,
  chat: ChatServer,
  door: start.Door,
): Promise<void> {
  let failures = 0;
  for (;;) {
    let conn: Deno.TcpConn;
    try {
      conn = await listener.accept();
    } catch (e) {
      if (chat.stopping || e instanceof Deno.errors.BadResource) return; // closed by stop()
      // L5: a client that reset its connection before it was accepted: that socket is gone,
      // the server is fine; the next one is accepted at once (a pause here let a burst of
      // resets keep the class out, field test).
      if (peerGone(e)) continue;
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
