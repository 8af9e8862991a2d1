/**
 * The frames a WebSocket sends, in order (W2, RFC 6455 5.5): one socket
 * write after another, each resolving when the kernel took it all; the
 * close frame sent once; and at most one pong waiting behind the writes
 * under way.
 *
 * @module
 */

import { writeAll } from "./door.ts";
import { Opcode } from "./ws_frames.ts";
import { closeFrame, controlFrame } from "./ws_write.ts";

/** A socket's outgoing frames, queued one socket write after another. */
export class FrameQueue {
  readonly #conn: Deno.Conn;
  #closeSent = false;
  #tail: Promise<void> = Promise.resolve(); // the last socket write queued
  #writing = 0; // socket writes under way
  /** The payload of the pong waiting behind the writes under way, if one waits. */
  #pongPayload: Uint8Array | undefined;

  /**
   * A queue of writes on a socket.
   *
   * @param conn The socket, past the handshake's answer.
   */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Whether the close frame was sent (or queued). */
  get closeSent(): boolean {
    return this.#closeSent;
  }

  /** Whether a socket write is under way. */
  get busy(): boolean {
    return this.#writing > 0;
  }

  /** Settles when the last socket write queued has (either way). */
  get settled(): Promise<void> {
    return this.#tail;
  }

  /**
   * Queues a socket write after those under way (its bytes, or made when its
   * turn comes); resolves when the kernel took it all.
   *
   * @param bytes The frames, or what makes them when their turn comes.
   */
  send(bytes: Uint8Array | (() => Uint8Array)): Promise<void> {
    const made = () => typeof bytes === "function" ? bytes() : bytes;
    const written = this.#writing++ === 0
      ? writeAll(this.#conn, made())
      : this.#tail.then(() => writeAll(this.#conn, made()));
    this.#tail = written.then(this.#wrote, this.#wrote);
    return written;
  }

  #wrote = (): void => {
    this.#writing--;
  };

  /**
   * Sends the close frame, once.
   *
   * @param code The close code.
   * @param reason The reason, in few words.
   */
  sendClose(code: number, reason: string): Promise<void> {
    if (this.#closeSent) return Promise.resolve();
    this.#closeSent = true;
    return this.send(closeFrame(code, reason));
  }

  /**
   * Answers a ping. At most one pong waits behind the writes under way: a
   * later ping's payload replaces a waiting one's (RFC 6455 5.5.3), so a
   * ping flood from a browser that does not read holds one pong, not one each.
   *
   * @param payload The ping's payload.
   */
  pong(payload: Uint8Array): void {
    const waiting = this.#pongPayload !== undefined;
    this.#pongPayload = payload;
    if (waiting) return;
    void this.send(() => {
      const latest = this.#pongPayload ?? payload;
      this.#pongPayload = undefined;
      return controlFrame(Opcode.pong, latest);
    }).catch(() => {});
  }
}
