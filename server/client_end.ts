/**
 * The client's end of a connection, waited for when the server closes
 * gracefully (L12): after its last line the server half-closes and reads on
 * (dropping what comes) until the client ends its side or a bound passes,
 * so the kernel never answers unread bytes with a reset that destroys the
 * last line.
 *
 * @module
 */

import type { ByteStream } from "./doors/door.ts";

/** Whether the client's end was read, and a wait for it within a bound. */
export class ClientEnd {
  #seen = false;
  #onEnd: (() => void) | undefined;

  /** Whether the client ended its side (recv() returned 0). */
  get seen(): boolean {
    return this.#seen;
  }

  /** The client's end was read. */
  ended(): void {
    this.#seen = true;
    this.#onEnd?.();
  }

  /** Reading stopped for another reason (a reset): a wait for the end waits no more. */
  stopped(): void {
    this.#onEnd?.();
  }

  /**
   * Waits at most `ms` for the client's end. When no read loop is reading
   * (`reading` false), reads and drops here; the socket's close right after
   * ends a read still pending.
   *
   * @param stream The client's stream.
   * @param ms The most milliseconds to wait.
   * @param reading Whether the connection's read loop is still reading.
   */
  async wait(stream: ByteStream, ms: number, reading: boolean): Promise<void> {
    if (ms <= 0 || this.#seen) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = new Promise<void>((resolve) => {
      this.#onEnd = resolve;
      timer = setTimeout(resolve, ms);
    });
    try {
      if (reading) return await end;
      const buf = new Uint8Array(128);
      let dropping = true;
      void (async () => {
        while (dropping && (await stream.read(buf)) !== null) { /* dropped */ }
        this.ended();
      })().catch(() => this.ended());
      await end;
      dropping = false;
    } finally {
      clearTimeout(timer);
      this.#onEnd = undefined;
    }
  }
}
