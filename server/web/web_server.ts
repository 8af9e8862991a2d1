/**
 * The web door's HTTP server (W1, W5, T1), the one place that serves HTTP:
 * with `--web PORT`, beside the TCP listener, on the same address. Our own
 * listener (`Deno.listen`, or `Deno.listenTls` with a certificate: HTTPS and
 * WSS) accepts each socket; node:http reads the requests off it and
 * `web_answers.ts` answers them (a fixed set of paths; `web_respond.ts`
 * writes the answers back). A WebSocket upgrade at `/ws` is checked by
 * `web_upgrade.ts` (RFC 6455's handshake, the Origin) and its socket is
 * taken back raw and handed to the WebSocket door (`../doors/ws.ts`),
 * which frames on it itself: a browser's lines leave as TCP's do, in one
 * socket write per turn. Connections not upgraded are counted and timed by
 * `http_guard.ts` (node:http's own timeouts never see our sockets); an
 * upgrade to anything but a WebSocket is ignored (RFC 7230 6.7): the answer
 * is the one without it.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import http from "node:http";
import type { Timers } from "../../common/time.ts";
import type { Entrance } from "../doors/door.ts";
import { writeAll } from "../doors/door.ts";
import { peerGone, tuneSocket } from "../doors/tcp.ts";
import { enterWebSocket, type WebSocketStream, WS_CLOSE_GRACE_MS } from "../doors/ws.ts";
import { refusalAnswer } from "../doors/ws_handshake.ts";
import { isLoopback, SAFE_HEADERS, type Site } from "./web_answers.ts";
import { ConnDuplex } from "./conn_duplex.ts";
import { HttpGuard } from "./http_guard.ts";
import type { LectureModel } from "./lecture_model.ts";
import { respond } from "./web_respond.ts";
import { upgrade } from "./web_upgrade.ts";

export { CSP, isLoopback } from "./web_answers.ts";
export { HTTP_HEADERS_MS, MAX_HTTP, MAX_HTTP_PER_ADDRESS } from "./http_guard.ts";

/** Milliseconds an HTTP connection may stay silent both ways before it is closed. */
export const HTTP_IDLE_MS = 60_000;

/** What the web server needs from the chat server. */
export interface WebChat extends Entrance {
  /** The teacher's token: a lecture view from another computer must give it. */
  readonly adminToken: string;
}

/** Where and how to serve. */
export interface WebOptions {
  /** The address, the TCP listener's. */
  hostname: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** The chat server: the door hands it each browser. */
  chat: WebChat;
  /** The lecture's events. */
  lecture: LectureModel;
  /** Origins allowed on `/ws` besides the page's own (`--web-origin`, a proxy's). */
  origins?: readonly string[];
  /**
   * Whether an address may read the lecture feed without the token.
   * @default {isLoopback} (this computer only)
   */
  lectureLocal?: (address: string) => boolean;
  /** A certificate and key to serve HTTPS instead (the TLS door's hook, W with T). */
  tls?: { cert: string; key: string };
  /** The clock of the request heads' deadline (a test's, moved by hand). @default {SYSTEM_TIMERS} */
  timers?: Timers;
  /** HTTP connections not upgraded, at most, in all. @default {MAX_HTTP} */
  maxHttp?: number;
  /** HTTP connections not upgraded, at most, from one address. @default {MAX_HTTP_PER_ADDRESS} */
  maxHttpPerAddress?: number;
}

/** The running web server. */
export interface WebServer {
  /** Where it listens. */
  readonly addr: Deno.NetAddr;
  /** Whether it speaks HTTPS. */
  readonly secure: boolean;
  /**
   * Stops it: no one else comes in, the lecture feeds end, HTTP connections
   * close; the WebSockets, the chat server's, are waited for (they close
   * with its goodbye), a few seconds at most.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the web server.
 *
 * @param options Where, for whom, and what with.
 * @returns The server, listening.
 * @throws What `Deno.listen` throws when it cannot listen (the port in use).
 */
export function serveWeb(options: WebOptions): WebServer {
  const listener = options.tls === undefined
    ? Deno.listen({ hostname: options.hostname, port: options.port })
    : Deno.listenTls({ hostname: options.hostname, port: options.port, ...options.tls });
  const stopping = new AbortController();
  const site: Site = {
    adminToken: options.chat.adminToken,
    lecture: options.lecture,
    origins: options.origins,
    lectureLocal: options.lectureLocal ?? isLoopback,
    secure: options.tls !== undefined,
    sessions: new Set(),
    signal: stopping.signal,
  };
  const sockets = new Set<ConnDuplex>();
  const guard = new HttpGuard({
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.maxHttp !== undefined ? { maxHttp: options.maxHttp } : {}),
    ...(options.maxHttpPerAddress !== undefined
      ? { maxHttpPerAddress: options.maxHttpPerAddress }
      : {}),
  });
  const browsers = new Set<WebSocketStream>();
  const allGone = { wake: () => {} };
  const gone = (stream: WebSocketStream) => {
    browsers.delete(stream);
    if (browsers.size === 0) allGone.wake();
  };
  const server = http.createServer((req, res) => void respond(req, res, site, guard));
  server.timeout = HTTP_IDLE_MS;
  server.on("upgrade", (req: http.IncomingMessage, socket: ConnDuplex, head: Buffer) => {
    void upgrade(req, socket, head, site, guard).then((taken) => {
      if (taken === undefined) return;
      guard.leave(socket); // a WebSocket: the chat server counts it from here
      browsers.add(enterWebSocket(options.chat, taken.conn, taken.head, taken.reading, gone));
    }, () => socket.destroy());
  });
  server.on("clientError", (_e: Error, socket: ConnDuplex) => {
    if (socket.writable) {
      socket.end(refusalAnswer({ status: 400, text: "Bad request\n" }, SAFE_HEADERS));
    } else socket.destroy();
  });
  const accepting = (async () => {
    for (let failures = 0; !stopping.signal.aborted;) {
      let conn: Deno.TcpConn | Deno.TlsConn;
      try {
        conn = await listener.accept();
        failures = 0;
      } catch (e) {
        if (stopping.signal.aborted || e instanceof Deno.errors.BadResource) return;
        // A client that reset before it was accepted is gone: the next one at once (L5: a
        // pause per reset let a burst of resets keep the class out, field test).
        if (peerGone(e)) continue;
        // One client's failed accept (a TLS handshake gone wrong, no descriptors left) is that
        // client's: the door goes on accepting after a pause that grows to 1 s.
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(failures++, 5))));
        continue;
      }
      if ("setNoDelay" in conn) tuneSocket(conn);
      const socket = new ConnDuplex(conn);
      if (!guard.admit(socket, socket.remoteAddress)) {
        refuseBusy(conn);
        continue;
      }
      sockets.add(socket);
      socket.once("close", () => {
        sockets.delete(socket);
        guard.leave(socket);
      });
      // A socket's error (a reset while an answer is written, after node:http let go of it at an
      // upgrade) ends that socket only; never an uncaught error.
      socket.on("error", () => socket.destroy());
      server.emit("connection", socket);
    }
  })();
  return {
    addr: listener.addr as Deno.NetAddr,
    secure: site.secure,
    async shutdown() {
      if (!stopping.signal.aborted) {
        stopping.abort();
        try {
          listener.close();
        } catch {
          // closed already
        }
      }
      await accepting;
      for (const socket of sockets) socket.destroy();
      guard.clear();
      if (browsers.size > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          allGone.wake = resolve;
          timer = setTimeout(resolve, 2 * WS_CLOSE_GRACE_MS);
        });
        clearTimeout(timer);
        for (const stream of [...browsers]) stream.shut();
      }
    },
  };
}

/** A connection beyond the caps on HTTP connections: told `503` and closed (L5). */
function refuseBusy(conn: Deno.Conn): void {
  const busy = { status: 503, text: "Too many connections waiting here; try again in a moment\n" };
  void writeAll(conn, refusalAnswer(busy, SAFE_HEADERS)).catch(() => {}).finally(() => {
    try {
      conn.close();
    } catch {
      // closed already
    }
  });
}
