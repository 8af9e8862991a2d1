/**
 * What the web door answers (W1, W3, W5): a fixed set of paths, from text
 * embedded in the program (no file is read, so there is no path to
 * traverse, and `deno compile` carries the pages):
 *
 * - `/` the chat page, `/chat.js`, `/style.css`, `/mask.css` (L8, the token
 *   field's mask, shared with the lecture view), `/texts.json`, `/favicon.ico`
 *   (no icon: `204`, so that no browser's console shows a 404);
 * - `/ws` the WebSocket door, upgraded by the web server (here only its
 *   refusal to a request without an upgrade);
 * - `/lecture` the lecture view, `/lecture.js`, `/lecture.css`;
 *   `/lecture/events` its feed, only for this computer (loopback) or a page
 *   that gave the teacher's token to `POST /lecture/login` (never in a URL).
 *
 * Every answer carries a content security policy that allows only the page's
 * own scripts, styles and connections: nothing from the internet. A request
 * whose `Host` is no IP literal, `localhost` or a name given with
 * `--web-origin` is refused (`421`): a page of another site whose name was
 * made to resolve to this computer (DNS rebinding) reads nothing.
 *
 * @module
 */

import { ERROR_TEXTS } from "../../protocol.ts";
import { type Refusal, WS_NOT_AN_UPGRADE, WS_USE_GET } from "../doors/ws_handshake.ts";
import { lectureFeed } from "./lecture_feed.ts";
import type { LectureModel } from "./lecture_model.ts";
import CHAT_HTML from "./pages/chat.html" with { type: "text" };
import STYLE_CSS from "./pages/style.css" with { type: "text" };
import MASK_CSS from "./pages/mask.css" with { type: "text" };
import LECTURE_HTML from "./pages/lecture.html" with { type: "text" };
import LECTURE_CSS from "./pages/lecture.css" with { type: "text" };
import CHAT_JS from "./bundle/chat.js" with { type: "text" };
import LECTURE_JS from "./bundle/lecture.js" with { type: "text" };

/** The content security policy of every answer: the page's own files and connections only. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'";

/** The headers every answer carries (W5). */
export const SAFE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** The fixed files, by path: nothing else is served. */
const FILES: Readonly<Record<string, { body: string; type: string }>> = {
  "/": { body: CHAT_HTML, type: "text/html; charset=utf-8" },
  "/chat.js": { body: CHAT_JS, type: "text/javascript; charset=utf-8" },
  "/style.css": { body: STYLE_CSS, type: "text/css; charset=utf-8" },
  "/mask.css": { body: MASK_CSS, type: "text/css; charset=utf-8" },
  "/lecture": { body: LECTURE_HTML, type: "text/html; charset=utf-8" },
  "/lecture.js": { body: LECTURE_JS, type: "text/javascript; charset=utf-8" },
  "/lecture.css": { body: LECTURE_CSS, type: "text/css; charset=utf-8" },
  "/texts.json": { body: JSON.stringify(ERROR_TEXTS), type: "application/json; charset=utf-8" },
};

/** The cookie a page that gave the token carries to the feed. */
const SESSION_COOKIE = "papo_lecture";

/** Most lecture sessions kept (each a page that gave the token); the oldest go first. */
const MAX_SESSIONS = 32;

/** A request, as the web server read it. */
export interface Asked {
  /** The method. */
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The browser's address. */
  readonly address: string;
  /** A header's value, or `undefined` (names in lowercase). */
  header(name: string): string | undefined;
  /** The body, as text (a short one: the token). */
  text(): Promise<string>;
}

/** What the answers need: the teacher's token, the lecture, who may read it, the origins. */
export interface Site {
  /** The teacher's token: a lecture view from another computer must give it. */
  readonly adminToken: string;
  /** The lecture's events. */
  readonly lecture: LectureModel;
  /** Origins allowed besides the page's own (`--web-origin`). */
  readonly origins: readonly string[] | undefined;
  /** Whether an address may read the lecture feed without the token. */
  readonly lectureLocal: (address: string) => boolean;
  /** Whether the server speaks HTTPS. */
  readonly secure: boolean;
  /** The lecture sessions (pages that gave the token). */
  readonly sessions: Set<string>;
  /** Aborted when the server stops: the feeds end. */
  readonly signal: AbortSignal;
}

/**
 * The answer to one request (but a WebSocket upgrade's, which the web server takes).
 *
 * @param request The request.
 * @param site What the answers need.
 * @returns The answer.
 */
export async function answer(request: Asked, site: Site): Promise<Response> {
  if (!hostAllowed(request.header("host"), site.origins)) {
    return plain(MISDIRECTED.status, MISDIRECTED.text);
  }
  const path = request.path;
  if (path === "/favicon.ico") {
    if (request.method !== "GET" && request.method !== "HEAD") return plain(405, "Use GET\n");
    return plain(204, null, { "cache-control": "max-age=86400" });
  }
  if (path === "/ws") {
    // A request here that the web server did not take as an upgrade asks for no WebSocket.
    const refusal = request.method === "GET" ? WS_NOT_AN_UPGRADE : WS_USE_GET;
    return plain(refusal.status, refusal.text, { ...refusal.headers });
  }
  if (path === "/lecture/login") {
    if (request.method !== "POST") return plain(405, "Use POST\n");
    if (!originAllowed(request, site)) {
      const refusal = foreignOrigin(request.header("origin"));
      return plain(refusal.status, refusal.text);
    }
    const token = (await request.text().catch(() => "")).trim();
    if (token !== site.adminToken) return plain(403, "Wrong token\n");
    const id = crypto.randomUUID();
    site.sessions.add(id);
    if (site.sessions.size > MAX_SESSIONS) {
      site.sessions.delete(site.sessions.values().next().value!);
    }
    const secure = site.secure ? "; Secure" : "";
    return plain(204, null, {
      "set-cookie": `${SESSION_COOKIE}=${id}; Path=/lecture; HttpOnly; SameSite=Strict${secure}`,
    });
  }
  if (path === "/lecture/events") {
    if (request.method !== "GET" && request.method !== "HEAD") return plain(405, "Use GET\n");
    const local = site.lectureLocal(request.address);
    if (!local && !hasSession(request, site.sessions)) {
      return plain(403, "The lecture view is the teacher's: give the token in the page\n");
    }
    if (request.method === "HEAD") return plain(200, null);
    return withHeaders(lectureFeed(site.lecture, site.signal));
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
 *
 * @param request The request.
 * @param site Whether HTTPS, and the origins allowed.
 */
export function originAllowed(
  request: Pick<Asked, "header">,
  site: Pick<Site, "secure" | "origins">,
): boolean {
  const origin = request.header("origin");
  if (origin === undefined) return true;
  const host = request.header("host");
  if (host !== undefined && origin === originOf(site.secure ? "https" : "http", host)) return true;
  return site.origins?.includes(origin) ?? false;
}

/**
 * The refusal of a request whose `Host` names this server by a name it was
 * not told of (W5: DNS rebinding), for the page and the WebSocket alike.
 */
export const MISDIRECTED: Refusal = {
  status: 421,
  text: "Misdirected request: this server answers to its IP address or localhost; " +
    "to open it by a name, start it with --web-origin http://NAME:PORT\n",
};

/**
 * The refusal of a browser's request from a page of another origin (W5): it
 * names the way out, as {@linkcode MISDIRECTED} does, the flag that lets a
 * page of that origin in (its origin shown when it is plain printable text).
 *
 * @param origin The request's `Origin` header.
 *
 * @example
 * ```ts
 * import { foreignOrigin } from "./web_answers.ts";
 * import assert from "node:assert/strict";
 * assert.match(foreignOrigin("http://x.example").text, /--web-origin http:\/\/x\.example/);
 * ```
 */
export function foreignOrigin(origin: string | undefined): Refusal {
  const shown = origin !== undefined && /^[\x21-\x7e]{1,200}$/.test(origin) ? origin : "ORIGIN";
  return {
    status: 403,
    text: "Origin not allowed: this server lets in its own page only; " +
      `if the page at ${shown} is yours, start the server with --web-origin ${shown}\n`,
  };
}

/**
 * Whether a request's `Host` names this server as it may be named (W5): an IP
 * literal, `localhost` (or a `*.localhost` name), or the name of an origin
 * given with `--web-origin`; in any case, with a trailing dot or not.
 * A page of another site whose name was made to resolve to this computer's
 * address (DNS rebinding) sends its own name, and is refused; so the page's
 * own origin (`http://` + `Host`) can be trusted by {@linkcode originAllowed}.
 * A request without `Host` is no browser's (HTTP/1.0 from a tool): let in.
 *
 * @param host The `Host` header, if any.
 * @param origins The origins given with `--web-origin`.
 *
 * @example
 * ```ts
 * import { hostAllowed } from "./web_answers.ts";
 * import assert from "node:assert/strict";
 * assert.ok(hostAllowed("192.168.0.7:8080", undefined));
 * assert.ok(hostAllowed("localhost:8080", undefined));
 * assert.ok(!hostAllowed("evil.example:8080", undefined));
 * assert.ok(hostAllowed("chat.school.example", ["https://chat.school.example"]));
 * assert.ok(hostAllowed("localhost.:8080", undefined));
 * ```
 */
export function hostAllowed(
  host: string | undefined,
  origins: readonly string[] | undefined,
): boolean {
  if (host === undefined) return true;
  const name = hostName(host);
  if (name === undefined) return false;
  if (LOOPBACK_NAME.test(name) || name.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    return true;
  }
  return origins?.some((origin) => hostName(new URL(origin).host) === name) ?? false;
}

/** `localhost` and its subdomains, which browsers resolve to this computer themselves (RFC 6761). */
const LOOPBACK_NAME = /^(?:.+\.)?localhost$/;

/**
 * A `Host`'s name, as a browser's URL reads it (lowercase, IPv4 in dotted
 * form, a name's trailing dot left off: `localhost.` is `localhost`), if it is one.
 */
function hostName(host: string): string | undefined {
  const origin = originOf("http", host);
  return origin === undefined ? undefined : new URL(origin).hostname.replace(/\.$/, "");
}

/**
 * The origin of a page at `host` (`Host`'s value) as a browser writes it in
 * `Origin`: lowercase, the scheme's default port left off; `undefined` when
 * `host` is no host.
 */
function originOf(scheme: "http" | "https", host: string): string | undefined {
  if (!/^[A-Za-z0-9.\-_:[\]]+$/.test(host)) return undefined;
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** Whether the address is this computer's loopback. */
export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address === "::ffff:127.0.0.1";
}

function hasSession(request: Asked, sessions: Set<string>): boolean {
  const cookies = request.header("cookie") ?? "";
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
  for (const [name, value] of Object.entries(SAFE_HEADERS)) response.headers.set(name, value);
  return response;
}
