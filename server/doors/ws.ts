/**
 * The WebSocket door (W2, W5): a browser's WebSocket, upgraded from an HTTP
 * request by `Deno.upgradeWebSocket`, handed to the chat server as a
 * {@linkcode ByteStream} and a {@linkcode Peer} whose door is `web`, as the
 * TCP door hands a socket. Each text message the browser sends is the bytes
 * of one line (its text and `\n`); each line the server writes (ending in
 * CRLF) leaves as one text message without its CRLF. A binary frame is
 * refused (close 1003); a message longer than a line's limit reaches the line
 * reader cut just past the limit, so the server answers `ERRO 08` as to a TCP
 * user; Deno pings an idle socket and drops it when no pong comes. Deno is
 * handed a window of lines at a time, the rest waiting in the client's
 * queue (L7), so a browser that does not read is dropped as a TCP client is.
 *
 * @module
 */

import { MAX_LINE_BYTES } from "../../protocol.ts";
import { ByteQueue } from "./byte_queue.ts";
import type { ByteStream, Entrance, Peer } from "./door.ts";
import { DrainWatch } from "./ws_drain.ts";

/** Seconds without a frame before the door pings; with no pong as long again, it drops the socket. */
export const WS_IDLE_SECONDS = 30;

/**
 * Bytes received and not read by the chat server yet past which the socket is closed (1008): a
 * socket's kernel buffer bounds this for TCP; here the frames arrive whether or not it reads.
 */
export const WS_MAX_UNREAD = 1024 * 1024;

/**
 * Bytes of lines the door hands Deno's WebSocket at most before it waits
 * (L7). Deno keeps each message it was handed as a task of its own until the
 * socket takes it, about 1 KiB of memory for a 60-byte line: the rest of a
 * client's lines wait in its queue, as compact bytes, where L7 counts them.
 */
export const WS_WINDOW = 16 * 1024;

/** Lines (messages) the door hands Deno's WebSocket at most in one write: each costs about 1 KiB there. */
export const WS_WINDOW_LINES = 64;

/**
 * A write resolves once Deno's WebSocket holds at most this many bytes, as a
 * socket's write resolves once the kernel took the bytes: what a browser
 * has not taken yet is counted in its queue (L7) but for these.
 */
export const WS_LOW = 4 * 1024;

/** What the web door saw, for tests (a module's counter: every server in the process shares it). */
export const webDoorStats = {
  /** The most bytes one WebSocket ever held right after the door handed it lines. */
  peakBuffered: 0,
};

/** Sockets whose writes wait for the browser to take what they were handed. */
const drains = new DrainWatch();

const NEWLINE = 0x0a;
const CR = 0x0d;
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

  /**
   * Part of {@linkcode ByteStream}: each whole line leaves as one text
   * message (W2). Hands Deno's WebSocket at most {@linkcode WS_WINDOW} bytes
   * and {@linkcode WS_WINDOW_LINES} lines (at least one line) and resolves with how many it took, once the
   * socket holds at most {@linkcode WS_LOW}; the connection's writer comes
   * back with the rest, so a browser that does not read fills its own queue
   * (L7) and not the server's memory.
   */
  async write(bytes: Uint8Array): Promise<number> {
    const socket = this.#socket;
    if (socket.readyState !== WebSocket.OPEN) throw new Deno.errors.BrokenPipe("closed");
    let buffered = socket.bufferedAmount;
    if (buffered > WS_LOW) {
      await drains.until(socket, WS_LOW);
      if (socket.readyState !== WebSocket.OPEN) throw new Deno.errors.BrokenPipe("closed");
      buffered = socket.bufferedAmount;
    }
    const end = linesEnd(bytes, WS_WINDOW - buffered, WS_WINDOW_LINES);
    if (end === 0) {
      // No line ends in these bytes (never from the chat server, which writes whole lines).
      this.#pending += decoder.decode(bytes);
      return bytes.length;
    }
    // One decode for all the lines taken; each leaves as one message without its CRLF.
    const lines = decoder.decode(bytes.subarray(0, end - 2)).split("\r\n");
    if (this.#pending !== "") {
      lines[0] = this.#pending + lines[0];
      this.#pending = "";
    }
    for (let i = 0; i < lines.length; i++) socket.send(lines[i]!);
    buffered += end;
    if (buffered > webDoorStats.peakBuffered) webDoorStats.peakBuffered = buffered;
    if (buffered > WS_LOW) await drains.until(socket, WS_LOW);
    return end;
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
 * Where the lines taken from `bytes` end: just past the last of at most
 * `most` CRLFs within the first `room` bytes, or past the first CRLF when
 * none ends there (a line is never cut); 0 when no line ends in `bytes`.
 */
function linesEnd(bytes: Uint8Array, room: number, most: number): number {
  let end = 0;
  let taken = 0;
  let at = 0;
  while (taken < most) {
    const nl = bytes.indexOf(NEWLINE, at);
    if (nl < 0) break;
    at = nl + 1;
    if (nl === 0 || bytes[nl - 1] !== CR) continue; // a bare LF inside a line
    if (at > room && end > 0) break;
    end = at;
    taken++;
  }
  return end;
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
