/**
 * A generator's client that comes through papo's web door (issue 23 item
 * 3, W2): a WebSocket at `/ws`, made with the WebSocket Web API Deno ships,
 * sending the page's own Origin as a browser does. Each text message is one
 * line either way, so what a line means is {@linkcode PapoClient}'s; only
 * how bytes come and go differs from a TCP client.
 *
 * @module
 */

import { state } from "./run.ts";
import { closedBy } from "./gen_client.ts";
import { PapoClient } from "./papo_client.ts";
import { splitLines } from "../wire/line_splitter.ts";

const encoder = new TextEncoder();

/** A papo client over a WebSocket: one message per line, each way. */
export class WebClient extends PapoClient {
  #socket: WebSocket | undefined;

  /**
   * Opens the WebSocket at `ws://host:webPort/ws` with the Origin the
   * server's own page has, and resolves once it is open or has failed.
   * @param host The server's address.
   * @param port Its web door's port (not the TCP port).
   */
  override connect(host: string, port: number): Promise<void> {
    this.startedAt = performance.now();
    const page = `http://${host}:${port}`;
    let opened: () => void = () => {};
    const done = new Promise<void>((resolve) => opened = resolve);
    let socket: WebSocket;
    try {
      // Deno's WebSocket takes request headers; a browser sends Origin by itself.
      socket = new WebSocket(`ws://${host}:${port}/ws`, {
        headers: { Origin: page },
      } as unknown as string[]);
    } catch (e) {
      this.closed = true;
      state.run?.fail(`websocket: ${e instanceof Error ? e.message : String(e)}`);
      return Promise.resolve();
    }
    this.#socket = socket;
    socket.onopen = () => opened();
    socket.onmessage = (e: MessageEvent) => {
      if (typeof e.data !== "string") return;
      const bytes = encoder.encode(e.data);
      this.line(bytes, 0, bytes.length);
      state.run?.check();
    };
    socket.onclose = (e: CloseEvent) => {
      opened();
      if (this.closed) return;
      this.closed = true;
      const why = closedBy(`WebSocket (${e.code})`, this.lastErro);
      const r = state.run;
      if (r !== undefined && !r.reported) r.fail(`${this.nick}: ${why}`);
    };
    return done;
  }

  /** Sends each line of `text` as one text message. */
  override send(text: string): void {
    const socket = this.#socket;
    if (this.closed || socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    const { lines, rest } = splitLines(text, "lf");
    for (const line of [...lines, rest]) if (line !== "") socket.send(line);
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.#socket?.close();
    } catch {
      // already closed
    }
  }
}
