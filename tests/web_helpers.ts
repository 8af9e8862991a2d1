/**
 * What the web door's tests share: a chat server with its TCP listener and
 * its web server on free ports of 127.0.0.1, and a WebSocket client written
 * from RFC 6455 over a real TCP socket (its frames: `web_frames.ts`), so
 * that a test can send what a browser never would (a foreign Origin, a
 * binary or broken frame).
 */
import type { ServerOptions } from "../server/options.ts";
import { LectureModel } from "../server/web/lecture_model.ts";
import { serveWeb, type WebOptions, type WebServer } from "../server/web/web_server.ts";
import { startServer, type TestServer } from "./helpers.ts";
import { WAIT_MS } from "./wait.ts";
import { clientFrame, closeCode, concat, readFrame, upgradeRequest } from "./web_frames.ts";

export type { Frame } from "./web_frames.ts";

/** A chat server with both doors. */
export interface WebTestServer extends AsyncDisposable {
  /** The chat server and its TCP port. */
  tcp: TestServer;
  /** The web server. */
  web: WebServer;
  /** Its port. */
  webPort: number;
  /** The lecture's events. */
  lecture: LectureModel;
}

/**
 * Starts a chat server with its TCP door and its web door.
 *
 * @param options The chat server's limits.
 * @param origins Origins allowed besides the page's own.
 * @param lectureLocal Who reads the lecture feed without the token (loopback when not given).
 * @param more More of the web server's options (its timers, its caps on HTTP connections).
 */
export function startWebServer(
  options: ServerOptions = {},
  origins: string[] = [],
  lectureLocal?: (address: string) => boolean,
  more: Partial<Pick<WebOptions, "timers" | "maxHttp" | "maxHttpPerAddress">> & {
    /** The clock of the lecture's events. */
    lectureNow?: () => number;
  } = {},
): WebTestServer {
  const { lectureNow, ...webMore } = more;
  const lecture = new LectureModel(lectureNow);
  const tcp = startServer({ observer: lecture, ...options });
  const web = serveWeb({
    hostname: "127.0.0.1",
    port: 0,
    chat: tcp.server,
    lecture,
    origins,
    ...(lectureLocal ? { lectureLocal } : {}),
    ...webMore,
  });
  return {
    tcp,
    web,
    webPort: web.addr.port,
    lecture,
    async [Symbol.asyncDispose]() {
      await tcp.stop();
      await web.shutdown();
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A WebSocket client over a raw TCP socket (RFC 6455, client frames masked). */
export class RawWebSocket implements AsyncDisposable {
  /** The HTTP status of the handshake. */
  readonly status: number;
  /** Every text message received. */
  readonly texts: string[] = [];
  /** The close frame's code, once received. */
  closeCode: number | undefined;
  /** Whether the server ended the TCP stream. */
  ended = false;
  readonly #conn: Deno.Conn;
  #buffer: Uint8Array = new Uint8Array(0);
  #wake: (() => void) | undefined;
  #next = 0;
  #reading: Promise<void> | undefined;
  /** While set, the socket is not read: a browser that stops reading (L7). */
  #paused: PromiseWithResolvers<void> | undefined;

  private constructor(conn: Deno.Conn, status: number, rest: Uint8Array) {
    this.#conn = conn;
    this.status = status;
    this.#buffer = rest;
    if (status === 101) this.#reading = this.#read();
  }

  /**
   * Connects and sends the upgrade request.
   *
   * @param port The web server's port.
   * @param origin The Origin header, or `null` for none. @default the page's own
   * @param path The path. @default {"/ws"}
   * @param caCerts With these, WSS: TLS trusting them (the TLS door's tests, T1).
   */
  static async connect(
    port: number,
    origin: string | null = `http://127.0.0.1:${port}`,
    path = "/ws",
    caCerts?: string[],
  ): Promise<RawWebSocket> {
    const conn = caCerts === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts });
    await conn.write(upgradeRequest(port, path, origin));
    let head: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 100; i++) {
      const buf = new Uint8Array(4096);
      const n = await conn.read(buf);
      if (n === null) break;
      head = concat(head, buf.subarray(0, n));
      const end = decoder.decode(head).indexOf("\r\n\r\n");
      if (end >= 0) {
        const status = Number(decoder.decode(head).split(" ")[1]);
        const rest = head.subarray(end + 4);
        if (status !== 101) conn.close();
        return new RawWebSocket(conn, status, status === 101 ? rest : new Uint8Array(0));
      }
    }
    conn.close();
    throw new Error("no HTTP answer");
  }

  async #read(): Promise<void> {
    try {
      for (;;) {
        this.#parse();
        if (this.#paused !== undefined) await this.#paused.promise;
        const buf = new Uint8Array(65536);
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.#buffer = concat(this.#buffer, buf.subarray(0, n));
      }
    } catch {
      // reset: ended
    }
    this.ended = true;
    this.#wake?.();
  }

  #parse(): void {
    for (let got = readFrame(this.#buffer); got !== undefined; got = readFrame(this.#buffer)) {
      const { frame, size } = got;
      this.#buffer = this.#buffer.slice(size);
      if (frame.opcode === 1) this.texts.push(decoder.decode(frame.payload));
      if (frame.opcode === 8 && this.closeCode === undefined) {
        this.closeCode = closeCode(frame.payload);
        this.frame(8, frame.payload.slice(0, 2)).catch(() => {}); // the closing handshake's answer
      }
      if (frame.opcode === 9) this.frame(10, frame.payload).catch(() => {});
      this.#wake?.();
    }
  }

  /**
   * Sends one frame, masked as a client's must be.
   *
   * @param opcode The opcode (1 text).
   * @param payload Its payload.
   * @param options `mask: false` sends it unmasked (a protocol error); `fin: false` a fragment.
   */
  async frame(
    opcode: number,
    payload: Uint8Array,
    options: { mask?: boolean; fin?: boolean } = {},
  ): Promise<void> {
    await this.#conn.write(clientFrame(opcode, payload, options));
  }

  /** Sends one text message: one protocol line. */
  send(text: string): Promise<void> {
    return this.frame(1, encoder.encode(text));
  }

  /** Stops reading the socket after the read under way (a browser that stops reading). */
  pause(): void {
    this.#paused ??= Promise.withResolvers();
  }

  /** Reads the socket again. */
  resume(): void {
    this.#paused?.resolve();
    this.#paused = undefined;
  }

  /** Writes raw bytes on the socket. */
  async raw(bytes: Uint8Array): Promise<void> {
    await this.#conn.write(bytes);
  }

  /**
   * Waits for a text message that starts with `prefix` after those already taken, and takes it.
   *
   * @returns It.
   */
  async expect(prefix: string): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const at = this.texts.findIndex((t, i) => i >= this.#next && t.startsWith(prefix));
      if (at >= 0) {
        this.#next = at + 1;
        return this.texts[at]!;
      }
      if (this.ended || Date.now() > deadline) {
        throw new Error(`no "${prefix}" message; got:\n${this.texts.join("\n")}`);
      }
      await this.#nap();
    }
  }

  /** Waits for news, or 200 ms. */
  async #nap(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((r) => {
      this.#wake = r;
      timer = setTimeout(r, 200);
    });
    clearTimeout(timer);
  }

  /** Waits until the server ends the TCP stream. */
  async closed(): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error("the server did not close");
      await this.#nap();
    }
  }

  /** Closes the TCP socket at once (an abrupt disconnect), and waits for the reader. */
  async abort(): Promise<void> {
    this.resume();
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
    await this.#reading;
  }

  /** Part of AsyncDisposable. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.abort();
  }
}

/** Joins as `nick` over the WebSocket door. */
export async function joinWeb(port: number, nick: string): Promise<RawWebSocket> {
  const ws = await RawWebSocket.connect(port);
  await ws.expect("APELIDO");
  await ws.send(nick);
  await ws.expect("BEMVINDO");
  await ws.expect("AJUDA");
  return ws;
}
