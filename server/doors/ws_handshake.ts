/**
 * RFC 6455's opening handshake, the server's side (section 4.2), written by
 * us: which upgrade requests the web door takes, the `Sec-WebSocket-Accept`
 * that proves it read the key, and the HTTP answers it writes on the raw
 * socket, the switch (101) or a refusal (400, 403, 405, 426).
 *
 * @module
 */

/** The GUID RFC 6455 appends to the key before hashing it. */
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** An upgrade request as the door sees it: the method, HTTP version and headers (lowercase names). */
export interface UpgradeRequest {
  /** The method (`GET`). */
  readonly method: string;
  /** The HTTP version (`1.1`). */
  readonly httpVersion: string;
  /** A header's value, or `undefined` (names in lowercase). */
  header(name: string): string | undefined;
}

/** A refusal: the status, a sentence, and headers the RFC asks for with it. */
export interface Refusal {
  /** The HTTP status. */
  readonly status: number;
  /** The body, one sentence. */
  readonly text: string;
  /** Headers to add. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The refusal of a request to the WebSocket's path with a method other than GET. */
export const WS_USE_GET: Refusal = { status: 405, text: "Use GET with a WebSocket upgrade\n" };

/** The refusal of a request to the WebSocket's path that asks for no WebSocket (RFC 6455 4.2.2). */
export const WS_NOT_AN_UPGRADE: Refusal = {
  status: 426,
  text: "This path is the chat's WebSocket: open / in a browser\n",
  headers: { upgrade: "websocket", "sec-websocket-version": "13" },
};

/**
 * Whether a comma-separated header holds `token` (case-insensitive).
 *
 * @param value The header's value, if any.
 * @param token The token, in lowercase.
 */
export function hasToken(value: string | undefined, token: string): boolean {
  return value?.split(",").some((t) => t.trim().toLowerCase() === token) ?? false;
}

/**
 * Checks an upgrade request (RFC 6455 4.2.1): GET, HTTP/1.1 or later, a
 * Host, `Upgrade: websocket`, `Connection: Upgrade`, a 16-byte key, version 13.
 *
 * @param request The request.
 * @returns The key, or why not.
 */
export function checkUpgrade(request: UpgradeRequest): { key: string } | Refusal {
  if (request.method !== "GET") return WS_USE_GET;
  if (!hasToken(request.header("upgrade"), "websocket")) return WS_NOT_AN_UPGRADE;
  const [major, minor] = request.httpVersion.split(".").map(Number);
  if (!(major! > 1 || (major === 1 && minor! >= 1)) || request.header("host") === undefined) {
    return { status: 400, text: "A WebSocket upgrade needs HTTP/1.1 and a Host\n" };
  }
  if (!hasToken(request.header("connection"), "upgrade")) {
    return { status: 400, text: "A WebSocket upgrade needs Connection: Upgrade\n" };
  }
  if (request.header("sec-websocket-version")?.trim() !== "13") {
    return {
      status: 426,
      text: "This server speaks WebSocket version 13\n",
      headers: { "sec-websocket-version": "13" },
    };
  }
  const key = request.header("sec-websocket-key")?.trim() ?? "";
  if (!validKey(key)) return { status: 400, text: "Bad Sec-WebSocket-Key\n" };
  return { key };
}

/** Whether the key is base64 of 16 bytes. */
function validKey(key: string): boolean {
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key)) return false;
  try {
    return atob(key).length === 16;
  } catch {
    return false;
  }
}

/**
 * The `Sec-WebSocket-Accept` for a key: base64 of SHA-1 of the key and the GUID.
 *
 * @example
 * ```ts
 * import { acceptFor } from "./ws_handshake.ts";
 * import assert from "node:assert/strict";
 * // RFC 6455 section 1.3's example
 * assert.equal(await acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
 * ```
 */
export async function acceptFor(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + WS_GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * The answer that switches to the WebSocket protocol (no extension, no subprotocol).
 *
 * @param accept The `Sec-WebSocket-Accept`.
 */
export function switchAnswer(accept: string): Uint8Array {
  return new TextEncoder().encode(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  421: "Misdirected Request",
  426: "Upgrade Required",
  503: "Service Unavailable",
};

/**
 * A refusal as HTTP bytes, with the connection closed after it.
 *
 * @param refusal What and why.
 * @param headers Headers every answer carries (the content security policy).
 */
export function refusalAnswer(
  refusal: Refusal,
  headers: Readonly<Record<string, string>>,
): Uint8Array {
  const body = new TextEncoder().encode(refusal.text);
  const all: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(body.length),
    connection: "close",
    ...headers,
    ...refusal.headers,
  };
  const head = `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? "Error"}\r\n` +
    Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
  const bytes = new TextEncoder().encode(head);
  const out = new Uint8Array(bytes.length + body.length);
  out.set(bytes);
  out.set(body, bytes.length);
  return out;
}
