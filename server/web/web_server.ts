/**
 * The web door's HTTP server (W1, W5), the one place that serves HTTP: with
 * `--web PORT`, beside the TCP listener, on the same address. It answers a
 * fixed set of paths from text embedded in the program (no file is read, so
 * there is no path to traverse, and `deno compile` carries the pages):
 *
 * - `/` the chat page, `/chat.js`, `/style.css`;
 * - `/ws` the WebSocket door (Origin checked: the page's own, or one given
 *   with `--web-origin`);
 * - `/lecture` the lecture view, `/lecture.js`, `/lecture.css`;
 *   `/lecture/events` its feed, only for this computer (loopback) or a page
 *   that gave the teacher's token to `POST /lecture/login` (never in a URL).
 *
 * Every answer carries a content security policy that allows only the page's
 * own scripts, styles and connections: nothing from the internet.
 *
 * @module
 */

import { ERROR_TEXTS } from "../../protocol.ts";
import { enterWebSocket } from "../doors/ws.ts";
import type { Entrance } from "../doors/door.ts";
import { lectureFeed } from "./lecture_feed.ts";
import type { LectureModel } from "./lecture_model.ts";
import CHAT_HTML from "./pages/chat.html" with { type: "text" };
import STYLE_CSS from "./pages/style.css" with { type: "text" };
import LECTURE_HTML from "./pages/lecture.html" with { type: "text" };
import LECTURE_CSS from "./pages/lecture.css" with { type: "text" };
import CHAT_JS from "./bundle/chat.js" with { type: "text" };
import LECTURE_JS from "./bundle/lecture.js" with { type: "text" };

/** The content security policy of every answer: the page's own files and connections only. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'";

/** The fixed files, by path: nothing else is served. */
const FILES: Readonly<Record<string, { body: string; type: string }>> = {
  "/": { body: CHAT_HTML, type: "text/html; charset=utf-8" },
  "/chat.js": { body: CHAT_JS, type: "text/javascript; charset=utf-8" },
  "/style.css": { body: STYLE_CSS, type: "text/css; charset=utf-8" },
  "/lecture": { body: LECTURE_HTML, type: "text/html; charset=utf-8" },
  "/lecture.js": { body: LECTURE_JS, type: "text/javascript; charset=utf-8" },
  "/lecture.css": { body: LECTURE_CSS, type: "text/css; charset=utf-8" },
  "/texts.json": { body: JSON.stringify(ERROR_TEXTS), type: "application/json; charset=utf-8" },
};

/** The cookie a page that gave the token carries to the feed. */
const SESSION_COOKIE = "papo_lecture";

/** Most lecture sessions kept (each a page that gave the token); the oldest go first. */
const MAX_SESSIONS = 32;

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
}

/** The running web server. */
export interface WebServer {
  /** Where it listens. */
  readonly addr: Deno.NetAddr;
  /** Whether it speaks HTTPS. */
  readonly secure: boolean;
  /** Stops it: the lecture feeds end, open connections are waited for. */
  shutdown(): Promise<void>;
}

/**
 * Starts the web server.
 *
 * @param options Where, for whom, and what with.
 * @returns The server, listening.
 * @throws What `Deno.serve` throws when it cannot listen (the port in use).
 */
export function serveWeb(options: WebOptions): WebServer {
  const stopping = new AbortController();
  const sessions = new Set<string>();
  const secure = options.tls !== undefined;
  const handler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) =>
    answer(request, info.remoteAddr, { ...options, sessions, secure, signal: stopping.signal });
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
    onError: () => new Response("Internal error\n", { status: 500 }),
    ...(options.tls ?? {}),
  }, handler);
  return {
    addr: server.addr,
    secure,
    async shutdown() {
      stopping.abort();
      await server.shutdown();
    },
  };
}

interface Context extends WebOptions {
  sessions: Set<string>;
  secure: boolean;
  signal: AbortSignal;
}

/** The answer to one request. */
async function answer(request: Request, remote: Deno.NetAddr, ctx: Context): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path === "/ws") {
    if (request.method !== "GET") return plain(405, "Use GET with a WebSocket upgrade\n");
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return plain(426, "This path is the chat's WebSocket: open / in a browser\n");
    }
    if (!originAllowed(request, ctx)) return plain(403, "Origin not allowed\n");
    return enterWebSocket(ctx.chat, request, remote);
  }
  if (path === "/lecture/login") {
    if (request.method !== "POST") return plain(405, "Use POST\n");
    if (!originAllowed(request, ctx)) return plain(403, "Origin not allowed\n");
    const token = (await request.text().catch(() => "")).trim();
    if (token !== ctx.chat.adminToken) return plain(403, "Wrong token\n");
    const id = crypto.randomUUID();
    ctx.sessions.add(id);
    if (ctx.sessions.size > MAX_SESSIONS) ctx.sessions.delete(ctx.sessions.values().next().value!);
    const secure = ctx.secure ? "; Secure" : "";
    return plain(204, null, {
      "set-cookie": `${SESSION_COOKIE}=${id}; Path=/lecture; HttpOnly; SameSite=Strict${secure}`,
    });
  }
  if (path === "/lecture/events") {
    if (request.method !== "GET" && request.method !== "HEAD") return plain(405, "Use GET\n");
    const local = (ctx.lectureLocal ?? isLoopback)(remote.hostname);
    if (!local && !hasSession(request, ctx.sessions)) {
      return plain(403, "The lecture view is the teacher's: give the token in the page\n");
    }
    if (request.method === "HEAD") return plain(200, null);
    return withHeaders(lectureFeed(ctx.lecture, ctx.signal));
  }
  const file = Object.hasOwn(FILES, path) ? FILES[path] : undefined;
  if (file === undefined) return plain(404, "Not found\n");
  if (request.method !== "GET" && request.method !== "HEAD") return plain(405, "Use GET\n");
  return withHeaders(
    new Response(request.method === "HEAD" ? null : file.body, {
      headers: { "content-type": file.type, "cache-control": "no-cache" },
    }),
  );
}

/**
 * Whether a browser's request comes from the page's own origin or one
 * allowed with `--web-origin` (W5). A request without Origin is no
 * browser's (a command-line WebSocket client): it is let in, as `nc` is.
 */
function originAllowed(request: Request, ctx: Context): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  const host = request.headers.get("host");
  if (host !== null && origin === `${ctx.secure ? "https" : "http"}://${host}`) return true;
  return ctx.origins?.includes(origin) ?? false;
}

/** Whether the address is this computer's loopback. */
export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address === "::ffff:127.0.0.1";
}

function hasSession(request: Request, sessions: Set<string>): boolean {
  const cookies = request.headers.get("cookie") ?? "";
  for (const part of cookies.split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === SESSION_COOKIE && value !== undefined && sessions.has(value)) return true;
  }
  return false;
}

function plain(status: number, body: string | null, headers: Record<string, string> = {}) {
  return withHeaders(
    new Response(body, {
      status,
      headers: { "content-type": "text/plain; charset=utf-8", ...headers },
    }),
  );
}

function withHeaders(response: Response): Response {
  response.headers.set("content-security-policy", CSP);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "no-referrer");
  response.headers.set("x-frame-options", "DENY");
  return response;
}
