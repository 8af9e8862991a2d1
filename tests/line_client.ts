/**
 * The tests' line client: a raw TCP client (Deno.connect, or node:net to
 * connect from another loopback address) that answers no telnet, reads the
 * server's CRLF lines and waits for them within bounds; and {@linkcode join},
 * which connects and registers a nickname.
 *
 * @module
 */

import net from "node:net";
import { ByteQueue } from "../server/doors/byte_queue.ts";
import { TelnetSplitter } from "../conformance/telnet_split.ts";
import { WAIT_MS } from "./wait.ts";
import { LineSplitter } from "../wire/line_splitter.ts";

const encoder = new TextEncoder();

/**
 * What {@linkcode LineClient} needs of a socket (a Deno.TcpConn, a node:net
 * socket bound to an address, or one end of an in-memory door's pipe).
 */
export interface ByteConn {
  read(buf: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
  closeWrite(): Promise<void>;
  readonly localAddr: { port: number };
}

/**
 * A node:net socket as a {@linkcode ByteConn}: node's `localAddress` lets a
 * test connect from another loopback address (127.0.0.2), which Deno.connect
 * cannot choose.
 */
class NodeConn implements ByteConn {
  readonly #socket: net.Socket;
  readonly #received = new ByteQueue();
  localAddr = { port: 0 };

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (d: Uint8Array) => this.#received.push(new Uint8Array(d)));
    const end = () => this.#received.end();
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end);
  }

  static connect(port: number, from: string): Promise<NodeConn> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, localAddress: from });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        const c = new NodeConn(socket);
        c.localAddr = { port: socket.localPort ?? 0 };
        resolve(c);
      });
    });
  }

  read(buf: Uint8Array): Promise<number | null> {
    return this.#received.read(buf);
  }

  write(bytes: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) =>
      this.#socket.write(bytes, (e) => e ? reject(e) : resolve(bytes.length))
    );
  }

  close(): void {
    this.#socket.destroy();
    this.#received.end();
  }

  closeWrite(): Promise<void> {
    return new Promise((r) => this.#socket.end(r));
  }
}

/** Options of {@linkcode LineClient.connect}. */
export interface LineClientOptions {
  /** The loopback address to connect from (`127.0.0.2`); the system's choice when not given. */
  from?: string;
  /** Keep every byte received in {@linkcode LineClient.raw}. @default {true} */
  keepRaw?: boolean;
  /** Bytes read at a time. @default {65536} */
  readSize?: number;
}

/** A raw TCP client that reads the server's lines. */
export class LineClient implements AsyncDisposable {
  /** Every line received, in order, without line endings. */
  readonly received: string[] = [];
  /** The raw bytes received. */
  readonly raw: number[] = [];
  #conn: ByteConn;
  #next = 0;
  readonly #lines = new LineSplitter();
  readonly #telnet = new TelnetSplitter();
  #ended = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #reading: Promise<void>;
  #keepRaw: boolean;
  #readSize: number;

  private constructor(conn: ByteConn, options: LineClientOptions) {
    this.#conn = conn;
    this.#keepRaw = options.keepRaw ?? true;
    this.#readSize = options.readSize ?? 65536;
    this.#reading = this.#read();
  }

  /**
   * Connects to the server on 127.0.0.1.
   * @param port The server's port.
   * @param options What to keep of the bytes received.
   */
  static async connect(port: number, options: LineClientOptions = {}): Promise<LineClient> {
    const conn = options.from === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await NodeConn.connect(port, options.from);
    return new LineClient(conn, options);
  }

  /**
   * A line client over any byte connection (an in-memory door's pipe).
   * @param conn The client's end.
   */
  static over(conn: ByteConn): LineClient {
    return new LineClient(conn, {});
  }

  /** The client's own port, as the server sees it in `IP:port`. */
  get localPort(): number {
    return this.#conn.localAddr.port;
  }

  /** Whether the server closed the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(this.#readSize);
    try {
      while (true) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        if (this.#keepRaw) { for (let i = 0; i < n; i++) this.raw.push(buf[i]!); }
        // Lines as a person reads them: telnet's sequences (the kit's one parser of
        // them) are kept in `raw` only.
        const text: number[] = [];
        this.#telnet.split(buf.subarray(0, n), text);
        this.received.push(...this.#lines.push(Uint8Array.from(text)));
        this.#wake?.();
      }
    } catch {
      // reset or closed by us
    }
    this.#ended = true;
    this.#wake?.();
  }

  /** Sends a line, adding LF unless `ending` says otherwise. */
  async send(line: string, ending = "\n"): Promise<void> {
    await this.sendRaw(encoder.encode(line + ending));
  }

  /** Sends bytes as they are. */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.#conn.write(bytes.subarray(at));
  }

  /**
   * Waits for the next line received and returns it.
   * @throws {Error} When no line comes within {@linkcode WAIT_MS} or the connection ends.
   */
  async line(): Promise<string> {
    await this.#until(() => this.received.length > this.#next, "a line");
    return this.received[this.#next++]!;
  }

  /**
   * Skips lines until one starts with `prefix`, and returns it.
   * @throws {Error} When none comes within {@linkcode WAIT_MS}.
   */
  async expect(prefix: string): Promise<string> {
    while (true) {
      await this.#until(
        () => this.received.length > this.#next,
        `a line starting "${prefix}" (got ${JSON.stringify(this.received.slice(-5))})`,
      );
      const line = this.received[this.#next++]!;
      if (line.startsWith(prefix)) return line;
    }
  }

  /** Waits until the server closes the connection. */
  async closed(): Promise<void> {
    await this.#until(() => this.#ended, "the server to close the connection");
  }

  /**
   * Waits until `ok()` holds, checking each time bytes arrive; one wait at a
   * time per client.
   * @param ok The condition, usually on {@linkcode received}.
   * @param what What is awaited, for the error message.
   * @throws {Error} When it does not hold within {@linkcode WAIT_MS} of the last bytes, or the connection ends first.
   */
  async waitFor(ok: () => boolean, what: string): Promise<void> {
    while (!ok()) {
      const seen = this.received.length;
      await this.#until(() => ok() || this.received.length > seen, what);
    }
  }

  /** Sends end of input (a half close): the server sees EOF, the client still reads. */
  async closeWrite(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch {
      // already closed
    }
  }

  /** Lines received and not yet taken by {@linkcode line} or {@linkcode expect}. */
  rest(): string[] {
    const out = this.received.slice(this.#next);
    this.#next = this.received.length;
    return out;
  }

  async #until(ok: () => boolean, what: string): Promise<void> {
    if (ok()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), WAIT_MS);
        this.#wake = () => {
          if (ok()) resolve();
          else if (this.#ended) reject(new Error(`Connection ended while waiting for ${what}`));
        };
        this.#wake();
      });
    } finally {
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  /** Closes the socket (an abrupt departure when the user has not quit). */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#conn.close();
      } catch {
        // already closed
      }
    }
    await this.#reading;
  }

  /** Closes on leaving an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Connects and registers a nickname, returning after the welcome, the user
 * list and the line that says how to talk.
 */
export async function join(
  port: number,
  nick: string,
  options: LineClientOptions = {},
): Promise<LineClient> {
  const c = await LineClient.connect(port, options);
  await c.expect("APELIDO");
  await c.send(nick);
  await c.expect("BEMVINDO");
  await c.expect("USUARIOS");
  await c.expect("AJUDA"); // how to talk, for nc users (issue 10)
  return c;
}
