/**
 * A WebSocket upgrade at the web server (W2, W5; RFC 6455 4.2): checked
 * (the handshake, the Host and the Origin) and answered on the raw socket,
 * the switch taking it back from node:http for the WebSocket door; an
 * upgrade to another protocol is answered as the request without it
 * (RFC 7230 6.7).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import http from "node:http";
import { writeAll } from "../doors/door.ts";
import {
  acceptFor,
  checkUpgrade,
  hasToken,
  type Refusal,
  refusalAnswer,
  switchAnswer,
} from "../doors/ws_handshake.ts";
import {
  answer,
  hostAllowed,
  MISDIRECTED,
  originAllowed,
  SAFE_HEADERS,
  type Site,
} from "./web_answers.ts";
import type { ConnDuplex } from "./conn_duplex.ts";
import type { HttpGuard } from "./http_guard.ts";
import { asked } from "./web_respond.ts";

/**
 * Writes an answer on a socket node:http let go of (an upgrade it does not
 * parse on), then closes it: an event stream (the lecture's feed) runs until
 * either side ends it; any other body is written with its length.
 */
async function answerRaw(socket: ConnDuplex, response: Response): Promise<void> {
  const stream = response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
  const body = stream || response.body === null
    ? undefined
    : new Uint8Array(await response.arrayBuffer());
  const status = `${response.status} ${http.STATUS_CODES[response.status] ?? ""}`;
  const head = [`HTTP/1.1 ${status}`, "connection: close"];
  response.headers.forEach((value, name) => head.push(`${name}: ${value}`));
  if (!stream) head.push(`content-length: ${body?.length ?? 0}`);
  const write = (bytes: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      if (socket.destroyed) return reject(new Error("closed"));
      socket.write(bytes, (e) => e ? reject(e) : resolve());
    });
  try {
    await write(new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n"));
    if (body !== undefined && body.length > 0) await write(body);
    if (stream && response.body !== null) {
      const reader = response.body.getReader();
      socket.once("close", () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await write(value);
      }
    }
  } catch {
    // the client went away
  }
  socket.end(() => socket.destroy());
}

/** A socket taken back from node:http, and what the browser sent past its request. */
export interface Taken {
  /** The socket, past the switch's answer. */
  conn: Deno.Conn;
  /** Bytes the browser sent past its request. */
  head: Uint8Array;
  /** A read of the socket under way, whose bytes follow `head`. */
  reading?: Promise<Uint8Array | null>;
}

/**
 * Checks a WebSocket upgrade (RFC 6455 4.2, W5's Host and Origin) and
 * answers it on the raw socket: the switch, taking the socket back from
 * node:http, or a refusal. An upgrade to another protocol is answered as the
 * request without it. The request's deadline stops once it was read.
 *
 * @param req The request.
 * @param socket Its socket.
 * @param head Bytes past the request node:http read.
 * @param site What the answers serve.
 * @param guard The deadlines and counts of HTTP connections.
 * @returns The socket and the bytes past the request, or `undefined` when refused.
 */
export async function upgrade(
  req: http.IncomingMessage,
  socket: ConnDuplex,
  head: Buffer,
  site: Site,
  guard: HttpGuard,
): Promise<Taken | undefined> {
  const request = asked(req, socket.remoteAddress);
  if (!hasToken(request.header("upgrade"), "websocket")) {
    // Another protocol (h2c, ...): ignored (RFC 7230 6.7), the request answered as without it.
    const response = await answer(request, site);
    guard.begun(socket);
    await answerRaw(socket, response);
    return undefined;
  }
  guard.begun(socket);
  const checked: { key: string } | Refusal = !hostAllowed(request.header("host"), site.origins)
    ? MISDIRECTED
    : request.path !== "/ws"
    ? { status: 404, text: "Not found: the WebSocket is at /ws\n" }
    : checkUpgrade({
      method: request.method,
      httpVersion: req.httpVersion,
      header: request.header,
    });
  let refusal = "status" in checked ? checked : undefined;
  if (refusal === undefined && !originAllowed(request, site)) {
    refusal = { status: 403, text: "Origin not allowed\n" };
  }
  if (refusal !== undefined || site.signal.aborted) {
    const bytes = refusalAnswer(refusal ?? { status: 503, text: "Stopping\n" }, SAFE_HEADERS);
    socket.end(Buffer.from(bytes), () => socket.destroy());
    return undefined;
  }
  const accept = await acceptFor((checked as { key: string }).key);
  const taken = socket.detach(head);
  const conn = socket.conn;
  try {
    await writeAll(conn, switchAnswer(accept));
  } catch {
    try {
      conn.close();
    } catch {
      // closed already
    }
    return undefined;
  }
  return { conn, ...taken };
}
