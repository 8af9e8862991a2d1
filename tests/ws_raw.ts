/**
 * A WebSocket client at the byte level, for the web door's framing tests
 * (RFC 6455): an upgrade request with any headers, the HTTP answer as text,
 * frames built by hand (any bits, any length encoding) and the server's
 * frames read one by one, pongs and closes included. `web_helpers.ts`'s
 * `RawWebSocket` is the chatting client; this one looks at every frame.
 *
 * @module
 */

import { WebSocketStream } from "../server/doors/ws.ts";
import { acceptFor, switchAnswer } from "../server/doors/ws_handshake.ts";
import { WAIT_MS } from "./wait.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A frame the server sent. */
export interface ServerFrame {
  /** FIN, RSV and opcode: the first byte. */
  readonly first: number;
  /** The opcode. */
  readonly opcode: number;
  /** Whether it was masked (a server's never is). */
  readonly masked: boolean;
  /** The payload. */
  readonly payload: Uint8Array;
}

/** A socket past an upgrade request: its answer, then frames both ways. */
export class FrameClient implements Disposable {
  /** The HTTP status of the answer. */
  status = 0;
  /** The answer's head (status line and headers). */
  head = "";
  readonly #conn: Deno.Conn;
  #buffer = new Uint8Array(0);

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /**
   * Connects and sends an upgrade request to `/ws`; reads the answer's head.
   *
   * @param port The web server's port.
   * @param headers Headers that replace or remove (`null`) the usual ones.
   * @param requestLine The request line. @default {"GET /ws HTTP/1.1"}
   */
  static async upgrade(
    port: number,
    headers: Record<string, string | null> = {},
    requestLine = "GET /ws HTTP/1.1",
  ): Promise<FrameClient> {
    const client = new FrameClient(await Deno.connect({ hostname: "127.0.0.1", port }));
    const all: Record<string, string | null> = {
      Host: `127.0.0.1:${port}`,
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version": "13",
      ...headers,
    };
    const lines = Object.entries(all).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
    await client.send(encoder.encode([requestLine, ...lines, "", ""].join("\r\n")));
    const end = await client.#until((b) => indexOf(b, "\r\n\r\n"));
    client.head = decoder.decode(client.#buffer.subarray(0, end));
    client.status = Number(client.head.split(" ")[1]);
    client.#buffer = client.#buffer.subarray(end + 4);
    return client;
  }

  /** Writes raw bytes. */
  async send(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
  }

  /**
   * Reads the server's next frame.
   *
   * @returns It, or `null` when the server ended the stream first.
   */
  async frame(): Promise<ServerFrame | null> {
    const size = await this.#until((b) => frameSize(b));
    if (size < 0) return null;
    const b = this.#buffer;
    const short = b[1]! & 0x7f;
    const at = short === 126 ? 4 : short === 127 ? 10 : 2;
    const frame = {
      first: b[0]!,
      opcode: b[0]! & 0x0f,
      masked: (b[1]! & 0x80) !== 0,
      payload: b.slice(at, size),
    };
    this.#buffer = b.subarray(size);
    return frame;
  }

  /** Reads frames until a close or the end; returns the close's code (1005 none, -1 no close). */
  async closeCode(): Promise<number> {
    for (;;) {
      const f = await this.frame();
      if (f === null) return -1;
      if (f.opcode === 8) {
        return f.payload.length >= 2 ? (f.payload[0]! << 8) | f.payload[1]! : 1005;
      }
    }
  }

  /** Whether the server ended the stream (read to its end). */
  async ended(): Promise<boolean> {
    return (await this.#until(() => -1)) === -1;
  }

  /** Reads until `found` finds something (>= 0); -1 when the stream ends first. */
  async #until(found: (b: Uint8Array) => number): Promise<number> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const at = found(this.#buffer);
      if (at >= 0) return at;
      if (Date.now() > deadline) throw new Error("nothing came in time");
      const buf = new Uint8Array(65536);
      let n: number | null;
      try {
        n = await this.#conn.read(buf);
      } catch {
        n = null; // a reset ends it too
      }
      if (n === null) return -1;
      const joined = new Uint8Array(this.#buffer.length + n);
      joined.set(this.#buffer);
      joined.set(buf.subarray(0, n), this.#buffer.length);
      this.#buffer = joined;
    }
  }

  /** Part of Disposable: closes the socket. */
  [Symbol.dispose](): void {
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
  }
}

/**
 * A client frame built by hand.
 *
 * @param first The first byte (FIN, RSV bits, opcode): 0x81 a whole text frame.
 * @param payload The payload (a string is UTF-8).
 * @param options `mask: false` leaves it unmasked; `length64` writes the length in 64 bits.
 */
export function clientFrame(
  first: number,
  payload: Uint8Array | string,
  options: { mask?: boolean; length64?: boolean } = {},
): Uint8Array {
  const body = typeof payload === "string" ? encoder.encode(payload) : payload;
  const masked = options.mask ?? true;
  const m = masked ? 0x80 : 0;
  const head: number[] = [first];
  if (options.length64 || body.length >= 65536) {
    head.push(m | 127, 0, 0, 0, 0);
    for (let s = 24; s >= 0; s -= 8) head.push((body.length >>> s) & 0xff);
  } else if (body.length >= 126) head.push(m | 126, body.length >> 8, body.length & 0xff);
  else head.push(m | body.length);
  const key = masked ? [0x12, 0x34, 0x56, 0x78] : [];
  const out = new Uint8Array(head.length + key.length + body.length);
  out.set(head);
  out.set(key, head.length);
  for (let i = 0; i < body.length; i++) {
    out[head.length + key.length + i] = masked ? body[i]! ^ key[i % 4]! : body[i]!;
  }
  return out;
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ""): Uint8Array {
  const text = encoder.encode(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/** The whole size of the server frame at the start of `b`, or -1 when it is not all there. */
function frameSize(b: Uint8Array): number {
  if (b.length < 2) return -1;
  const short = b[1]! & 0x7f;
  let at = 2;
  let length = short;
  if (short === 126) {
    if (b.length < 4) return -1;
    length = (b[2]! << 8) | b[3]!;
    at = 4;
  } else if (short === 127) {
    if (b.length < 10) return -1;
    length = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
    at = 10;
  }
  if ((b[1]! & 0x80) !== 0) at += 4;
  return b.length >= at + length ? at + length : -1;
}

function indexOf(b: Uint8Array, text: string): number {
  return decoder.decode(b).indexOf(text);
}

/**
 * papo's web door on a socket accepted by a bare listener (no HTTP server):
 * the upgrade request read, the handshake answered, the door's stream made.
 */
export async function upgradeAccepted(conn: Deno.TcpConn): Promise<WebSocketStream> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(4096);
  let request = "";
  while (!request.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("the socket ended before its upgrade request");
    request += new TextDecoder().decode(buf.subarray(0, n));
  }
  const key = /sec-websocket-key: *(\S+)/i.exec(request)![1]!;
  await conn.write(switchAnswer(await acceptFor(key)));
  return new WebSocketStream(conn);
}
