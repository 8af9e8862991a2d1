/**
 * The tests' line client: a raw TCP client (Deno.connect, or node:net to
 * connect from another loopback address) that answers no telnet, reads the
 * server's CRLF lines and waits for them within bounds; and {@linkcode join},
 * which connects and registers a nickname. It is a view on the one line
 * client's mechanism, `ClientConn` (`conformance/client_conn.ts`), the
 * conformance kit's too, that keeps the text as lines.
 *
 * @module
 */

import { type ByteConn, ClientConn } from "../conformance/client_conn.ts";
import { ResettableConn } from "../conformance/reset_conn.ts";
import { LineSplitter } from "../wire/line_splitter.ts";
import { WAIT_MS } from "./wait.ts";

const encoder = new TextEncoder();

/**
 * What {@linkcode LineClient} needs of a socket (a Deno.TcpConn, a node:net
 * socket bound to an address, or one end of an in-memory door's pipe).
 */
export interface TestConn extends ByteConn {
  /** The client's own address, as the server sees it. */
  readonly localAddr: { port: number };
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
  readonly raw: number[];
  readonly #socket: TestConn;
  readonly #conn: ClientConn;
  readonly #lines = new LineSplitter();
  #next = 0;

  private constructor(socket: TestConn, options: LineClientOptions) {
    this.#socket = socket;
    this.#conn = new ClientConn(socket, {
      // Lines as a person reads them: telnet's sequences are kept in `raw` only.
      text: (bytes) => this.received.push(...this.#lines.push(Uint8Array.from(bytes))),
      keepRaw: options.keepRaw ?? true,
      readSize: options.readSize ?? 65536,
    });
    this.raw = this.#conn.raw;
  }

  /**
   * Connects to the server on 127.0.0.1.
   * @param port The server's port.
   * @param options What to keep of the bytes received.
   */
  static async connect(port: number, options: LineClientOptions = {}): Promise<LineClient> {
    const conn = options.from === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await ResettableConn.connect("127.0.0.1", port, WAIT_MS, options.from);
    return new LineClient(conn, options);
  }

  /**
   * A line client over any byte connection (an in-memory door's pipe).
   * @param conn The client's end.
   */
  static over(conn: TestConn): LineClient {
    return new LineClient(conn, {});
  }

  /** The client's own port, as the server sees it in `IP:port`. */
  get localPort(): number {
    return this.#socket.localAddr.port;
  }

  /** Whether the connection ended (the server closed it, or the client did). */
  get ended(): boolean {
    return this.#conn.done;
  }

  /** Sends a line, adding LF unless `ending` says otherwise. */
  async send(line: string, ending = "\n"): Promise<void> {
    await this.sendRaw(encoder.encode(line + ending));
  }

  /**
   * Sends bytes as they are.
   * @throws {ConnectionLostError} When the connection is gone.
   */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return this.#conn.send(bytes);
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
    await this.#until(() => this.#conn.done, "the server to close the connection");
  }

  /**
   * Waits until `ok()` holds, checking each time bytes arrive.
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
  closeWrite(): Promise<void> {
    return this.#conn.closeWrite();
  }

  /** Lines received and not yet taken by {@linkcode line} or {@linkcode expect}. */
  rest(): string[] {
    const out = this.received.slice(this.#next);
    this.#next = this.received.length;
    return out;
  }

  async #until(ok: () => boolean, what: string): Promise<void> {
    if (await this.#conn.until(ok, WAIT_MS)) return;
    throw new Error(
      this.#conn.done
        ? `Connection ended while waiting for ${what}`
        : `Timed out waiting for ${what}`,
    );
  }

  /** Closes the socket (an abrupt departure when the user has not quit). */
  close(): Promise<void> {
    return this.#conn.close();
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
