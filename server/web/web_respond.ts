/**
 * HTTP requests as node:http hands them to the web server (W1, W5): read
 * into the form `web_answers.ts` answers ({@linkcode asked}), and that answer
 * written back on node's response ({@linkcode respond}), the request's
 * deadline (`http_guard.ts`) kept.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type http from "node:http";
import { answer, type Asked, type Site } from "./web_answers.ts";
import type { ConnDuplex } from "./conn_duplex.ts";
import type { HttpGuard } from "./http_guard.ts";

/** The most bytes of a request body read (the lecture's token is short). */
const MAX_BODY = 4096;

/**
 * A node request as the answers read it.
 *
 * @param req The request.
 * @param address The address it came from.
 * @returns The request, its body read (at most a few kilobytes) when asked for.
 */
export function asked(req: http.IncomingMessage, address: string): Asked {
  return {
    method: req.method ?? "GET",
    path: pathOf(req.url),
    address,
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    async text() {
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) throw new Error("body too long");
        parts.push(chunk as Buffer);
      }
      return Buffer.concat(parts).toString("utf8");
    },
  };
}

/** The path of a request's target, without its query ("" when it is no path). */
function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "", "http://host").pathname;
  } catch {
    return "";
  }
}

/**
 * Answers one HTTP request on node's response; the request's deadline
 * (`http_guard.ts`) stops once it was read whole, and the next one's starts
 * when the answer ends.
 *
 * @param req The request.
 * @param res Its response.
 * @param site What the answers serve.
 * @param guard The deadlines and counts of HTTP connections.
 */
export async function respond(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  site: Site,
  guard: HttpGuard,
): Promise<void> {
  const socket = req.socket as unknown as ConnDuplex;
  let begun = false;
  try {
    const response = await answer(asked(req, socket.remoteAddress), site);
    guard.begun(socket);
    begun = true;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => headers[name] = value);
    res.writeHead(response.status, headers);
    if (response.body === null) return void res.end();
    res.flushHeaders(); // a feed's headers leave now, not with its first event
    const reader = response.body.getReader();
    res.once("close", () => void reader.cancel().catch(() => {}));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
    }
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end();
  } finally {
    if (begun) guard.answered(socket);
  }
}
