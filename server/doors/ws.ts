/**
 * The WebSocket door (W2, W5): a browser's socket, taken raw after the HTTP
 * upgrade (`ws_handshake.ts`), its frames spoken by us (`ws_frames.ts` reads,
 * `ws_write.ts` makes, `ws_send.ts` sends in order), and
 * handed to the chat server as a {@linkcode ByteStream} and a
 * {@linkcode Peer} whose door is `web`, as the TCP door hands a socket. Each
 * text message the browser sends is the bytes of one line (its text and
 * `\n`): one line end at its end (`\n`, `\r\n` or `\r`, a page that adds
 * one) is that line's end; a message with a line break inside is refused
 * whole, where it stands among the lines ({@linkcode ByteStream.takeRefusal}:
 * the session answers `ERRO 07` in its turn); the lines the server writes
 * (ending in CRLF) leave as one text frame
 * each, without their CRLF, all the frames of a write in one socket write. A
 * binary frame is refused (close 1003), a broken one closes with its code
 * (1002, 1007); a message longer than a line's limit reaches the line reader
 * cut just past the limit, so the server answers `ERRO 08` as to a TCP user.
 * A write resolves when the kernel took the frames, and the socket is read
 * only as the chat server reads: a browser that does not read, or sends too
 * much, meets the socket's own bounds, exactly as a TCP client does (L7). An
 * idle socket is pinged, and dropped when no frame comes back.
 *
 * @module
 */

import { MAX_LINE_BYTES } from "../../protocol.ts";
import type { ByteStream, Entrance, Peer } from "./door.ts";
import { CloseCode, type FrameEvent, FrameReader, Opcode } from "./ws_frames.ts";
import { controlFrame, frameLines } from "./ws_write.ts";
import { MessageLines } from "./ws_lines.ts";
import { FrameQueue } from "./ws_send.ts";

/** Seconds without a frame before the door pings; with nothing back as long again, it drops the socket. */
export const WS_IDLE_SECONDS = 30;

/**
 * Bytes of lines framed for one socket write at most (at least one whole
 * line): the connection's writer comes back with the rest, as it does when
 * a socket takes part of a write.
 */
export const WS_WRITE_MOST = 64 * 1024;

/** Milliseconds a closing socket waits for its close frame to leave before it is shut anyway. */
export const WS_CLOSE_GRACE_MS = 2000;

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** How a stream tells its owner (the web server) that its socket is closed. */
export type Gone = (stream: WebSocketStream) => void;

/**
 * A browser's upgraded socket as a byte stream: frames in, lines out.
 */
export class WebSocketStream implements ByteStream {
  readonly #conn: Deno.Conn;
  readonly #out: FrameQueue;
  /** (Two bytes more than a line kept: a line end at the end of a message is not the line's.) */
  readonly #frames = new FrameReader(MAX_LINE_BYTES + 2);
  readonly #events: FrameEvent[] = [];
  readonly #lines = new MessageLines();
  readonly #gone: Gone | undefined;
  #reading: Promise<Uint8Array | null> | undefined; // a read begun before the handshake
  #pending: Uint8Array | undefined; // written bytes of a line not ended yet
  #ended = false; // no more frames: the browser's close, a failure, or the end of its stream
  #shut = false; // the socket is closed
  #heard = true; // a frame came since the idle timer last looked
  #pinged = false;
  #idle: ReturnType<typeof setInterval> | undefined;
  #grace: ReturnType<typeof setTimeout> | undefined;

  /**
   * A browser's stream on its upgraded socket; its idle timer starts.
   *
   * @param conn The socket, past the handshake's answer.
   * @param head Bytes the browser sent after its request (frames already).
   * @param reading A read of the socket under way, whose bytes follow `head`.
   * @param gone Told once the socket is closed.
   * @param idleMs How long the idle timer waits between two looks. @default {WS_IDLE_SECONDS} s
   */
  constructor(
    conn: Deno.Conn,
    head: Uint8Array = new Uint8Array(0),
    reading?: Promise<Uint8Array | null>,
    gone?: Gone,
    idleMs = WS_IDLE_SECONDS * 1000,
  ) {
    this.#conn = conn;
    this.#out = new FrameQueue(conn);
    this.#reading = reading;
    this.#gone = gone;
    if (head.length > 0) this.#take(head.slice());
    this.#idle = setInterval(this.#look, idleMs);
  }

  /**
   * Part of {@linkcode ByteStream}: the next bytes of the browser's lines, up
   * to where a refused message stands; there, `0` ({@linkcode takeRefusal}).
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    for (;;) {
      if (this.#lines.waiting) return this.#lines.read(buffer);
      if (this.#ended) return null; // (shut ends it too)
      // The frames are read into the caller's buffer: the frame reader takes all it needs of
      // them (what it keeps, it copies) before the lines are put there.
      const bytes = await this.#readSocket(buffer);
      if (bytes === null) {
        this.#ended = true; // the TCP stream ended without a close frame
        return null;
      }
      this.#heard = true;
      this.#take(bytes);
    }
  }

  async #readSocket(buffer: Uint8Array): Promise<Uint8Array | null> {
    const begun = this.#reading;
    if (begun !== undefined) {
      this.#reading = undefined;
      return await begun;
    }
    const n = await this.#conn.read(buffer);
    return n === null ? null : buffer.subarray(0, n);
  }

  /** Reads frames from bytes received. */
  #take(bytes: Uint8Array): void {
    const events = this.#events;
    events.length = 0;
    this.#frames.push(bytes, events);
    for (const ev of events) {
      if (ev.kind === "text") {
        const line = lineOf(ev.bytes, ev.length);
        if (line === undefined) this.#lines.refuse();
        else this.#lines.push(line);
      } else if (ev.kind === "ping") {
        if (!this.#out.closeSent) this.#out.pong(ev.payload);
      } else if (ev.kind === "pong") {
        this.#pinged = false;
      } else {
        // The browser's close is answered with its code; a failure is told with ours.
        this.#ended = true;
        const code = ev.kind === "fail" ? ev.code : ev.code ?? CloseCode.normal;
        this.#out.sendClose(code, ev.kind === "fail" ? ev.reason : "");
      }
    }
  }

  /**
   * Part of {@linkcode ByteStream}: the whole lines of `bytes` (at most
   * {@linkcode WS_WRITE_MOST} bytes of them, at least one line) leave as one
   * text frame each, in one socket write (W2); resolves with how many bytes
   * were taken once the kernel took the frames, as a socket's write does.
   */
  async write(bytes: Uint8Array): Promise<number> {
    if (this.#out.closeSent || this.#shut) throw new Deno.errors.BrokenPipe("closed");
    // A write after one that ended inside a line: that part goes first.
    const part = this.#pending;
    const partLength = part?.length ?? 0;
    const joined = part === undefined ? bytes : concat(part, bytes);
    const { frames, end } = frameLines(joined, WS_WRITE_MOST + partLength);
    if (end === 0) {
      // No line ends in these bytes (never from the chat server, which writes whole lines).
      this.#pending = part === undefined ? bytes.slice() : joined;
      return bytes.length;
    }
    this.#pending = undefined;
    await this.#out.send(frames);
    return end - partLength;
  }

  /** Part of {@linkcode ByteStream}: the close frame; reading goes on until the browser's. */
  closeWrite(): Promise<void> {
    if (this.#shut) return Promise.reject(new Deno.errors.BrokenPipe("closed"));
    return this.#out.sendClose(CloseCode.normal, "");
  }

  /**
   * Part of {@linkcode ByteStream}: ends reading at once and closes the
   * socket once the close frame left (at most {@linkcode WS_CLOSE_GRACE_MS}
   * later; at once when a write is stuck on a browser that does not read).
   */
  close(): void {
    if (this.#shut) return;
    this.#ended = true;
    this.#lines.end();
    if (this.#out.busy && !this.#out.closeSent) return this.shut();
    this.#out.sendClose(CloseCode.normal, "").catch(() => {});
    this.#grace ??= setTimeout(() => this.shut(), WS_CLOSE_GRACE_MS);
    void this.#out.settled.then(() => this.shut());
  }

  /** Closes the socket now (the close, or the web server stopping). */
  shut(): void {
    if (this.#shut) return;
    this.#shut = true;
    this.#ended = true;
    clearInterval(this.#idle);
    clearTimeout(this.#grace);
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
    this.#gone?.(this);
  }

  /** Part of {@linkcode ByteStream}: whether a message refused whole stands here (W2), taken. */
  takeRefusal(): boolean {
    return this.#lines.takeRefusal();
  }

  /** The idle timer: a ping after a quiet period, the drop after a second one. */
  #look = (): void => {
    if (this.#heard) {
      this.#heard = false;
      this.#pinged = false;
      return;
    }
    if (this.#pinged || this.#out.closeSent) return this.shut();
    this.#pinged = true;
    void this.#out.send(controlFrame(Opcode.ping)).catch(() => {});
  };
}

/**
 * The line a text message is (W2): its bytes and `\n`, one line end at its
 * end (`\n`, `\r\n`, `\r`) taken as that line's end; `undefined` when a
 * line break is inside (the message is refused). Past the line limit, only
 * the limit and one byte go on (line breaks as blanks): the line reader says
 * ERRO 08, as to a TCP user.
 *
 * @param kept The message's first bytes (all of it, when `length` says so).
 * @param length The message's whole length.
 */
function lineOf(kept: Uint8Array, length: number): Uint8Array | undefined {
  const whole = kept.length === length;
  let end = kept.length;
  if (whole && end > 0 && kept[end - 1] === NEWLINE) end--;
  if (whole && end > 0 && kept[end - 1] === CR) end--;
  const tooLong = !whole || end > MAX_LINE_BYTES;
  if (tooLong) end = MAX_LINE_BYTES + 1;
  const line = new Uint8Array(end + 1);
  for (let i = 0; i < end; i++) {
    const b = kept[i]!;
    if (b === NEWLINE || b === CR) {
      if (!tooLong) return undefined;
      line[i] = SPACE;
    } else line[i] = b;
  }
  line[end] = NEWLINE;
  return line;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Hands an upgraded socket to the chat server (the handshake answered).
 *
 * @param entrance The chat server.
 * @param conn The socket.
 * @param head Bytes the browser sent past its request.
 * @param reading A read of the socket under way, whose bytes follow `head`.
 * @param gone Told once the socket is closed.
 * @returns The stream handed.
 */
export function enterWebSocket(
  entrance: Entrance,
  conn: Deno.Conn,
  head: Uint8Array,
  reading: Promise<Uint8Array | null> | undefined,
  gone?: Gone,
): WebSocketStream {
  const stream = new WebSocketStream(conn, head, reading, gone);
  const { hostname, port } = conn.remoteAddr as Deno.NetAddr;
  const peer: Peer = { address: hostname, port, door: "web" };
  entrance.enter(stream, peer);
  return stream;
}
