/**
 * The WebSocket door (W2, W5): a browser's WebSocket, upgraded from an HTTP
 * request by `Deno.upgradeWebSocket`, handed to the chat server as a
 * {@linkcode ByteStream} and a {@linkcode Peer} whose door is `web`, as the
 * TCP door hands a socket. Each text message the browser sends is the bytes
 * of one line (its text and `\n`); each line the server writes (ending in
 * CRLF) leaves as one text message without its CRLF. A binary frame is
 * refused (close 1003); a message longer than a line's limit reaches the line
 * reader cut just past the limit, so the server answers `ERRO 08` as to a TCP
 * user; Deno pings an idle socket and drops it when no pong comes.
 *
 * @module
 */

import { MAX_LINE_BYTES } from "../../protocol.ts";
import { ByteQueue } from "./byte_queue.ts";
import type { ByteStream, Entrance, Peer } from "./door.ts";

/** Seconds without a frame before the door pings; with no pong as long again, it drops the socket. */
export const WS_IDLE_SECONDS = 30;

/**
 * Bytes received and not read by the chat server yet past which the socket is closed (1008): a
 * socket's kernel buffer bounds this for TCP; here the frames arrive whether or not it reads.
 */
export const WS_MAX_UNREAD = 1024 * 1024;

/** Bytes the browser has not taken yet past which a write waits (the connection's queue then fills: L7). */
const BUFFERED_MAX = 64 * 1024;

const NEWLINE = 0x0a;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A WebSocket as a byte stream: messages in, lines out.
 */
export class WebSocketStream implements ByteStream {
  readonly #socket: WebSocket;
  readonly #in = new ByteQueue();
  #pending = ""; // written bytes of a line not ended yet
  #closing = false;

  /** @param socket An upgraded WebSocket, open or about to open. */
  constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e: MessageEvent) => this.#message(e.data);
    socket.onclose = () => this.#in.end();
    socket.onerror = () => this.#in.end();
  }

  #message(data: unknown): void {
    if (typeof data !== "string") {
      // W5: binary frames are not the protocol's; 1003 is "cannot accept this type of data".
      this.#closeSocket(1003, "binary frames are refused; send text");
      return;
    }
    const bytes = encoder.encode(data);
    // One message is one line. Past the limit, only limit+1 bytes go on: the reader says ERRO 08.
    const cut = bytes.length > MAX_LINE_BYTES ? bytes.subarray(0, MAX_LINE_BYTES + 1) : bytes;
    const line = new Uint8Array(cut.length + 1);
    line.set(cut);
    line[cut.length] = NEWLINE;
    if (this.#in.queued + line.length > WS_MAX_UNREAD) {
      this.#closeSocket(1008, "too much sent at once");
      this.#in.end();
      return;
    }
    this.#in.push(line);
  }

  /** Part of {@linkcode ByteStream}: the next bytes of the browser's lines. */
  read(buffer: Uint8Array): Promise<number | null> {
    return this.#in.read(buffer);
  }

  /** Part of {@linkcode ByteStream}: each whole line leaves as one text message. */
  async write(bytes: Uint8Array): Promise<number> {
    if (this.#socket.readyState !== WebSocket.OPEN) throw new Deno.errors.BrokenPipe("closed");
    const text = this.#pending + decoder.decode(bytes, { stream: true });
    const lines = text.split("\r\n");
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#socket.send(line);
    // The browser is slow: wait, bounded by the socket's closing, as a socket's write waits.
    while (
      this.#socket.bufferedAmount > BUFFERED_MAX && this.#socket.readyState === WebSocket.OPEN
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return bytes.length;
  }

  /** Part of {@linkcode ByteStream}: the close frame; reading goes on until the browser's. */
  closeWrite(): Promise<void> {
    this.#closeSocket(1000, "");
    return Promise.resolve();
  }

  /** Part of {@linkcode ByteStream}: closes at once. */
  close(): void {
    this.#closeSocket(1000, "");
    this.#in.end();
  }

  #closeSocket(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    try {
      this.#socket.close(code, reason);
    } catch {
      // Already closed or never opened: nothing to say goodbye to.
    }
  }
}

/**
 * Upgrades an HTTP request to a WebSocket and hands it to the chat server
 * once open.
 *
 * @param entrance The chat server.
 * @param request The upgrade request (its Origin already checked).
 * @param remote The browser's address, as the HTTP server saw it.
 * @returns The HTTP response that completes the upgrade.
 */
export function enterWebSocket(
  entrance: Entrance,
  request: Request,
  remote: Deno.NetAddr,
): Response {
  const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: WS_IDLE_SECONDS });
  const stream = new WebSocketStream(socket);
  const peer: Peer = { address: remote.hostname, port: remote.port, door: "web" };
  socket.addEventListener("open", () => entrance.enter(stream, peer), { once: true });
  return response;
}
