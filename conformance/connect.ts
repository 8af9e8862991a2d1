/**
 * Reaching the server under test: where it listens, and a connection opened
 * within a time limit, or one short sentence saying why it cannot be.
 *
 * @module
 */

import { type ClientTls, startTls } from "../common/tls.ts";

/** Where a server listens. */
export interface Endpoint {
  /** Its IPv4 address or host name. */
  readonly host: string;
  /** Its TCP port. */
  readonly port: number;
  /** T3: speak TLS to it (`--tls`, `--ca`), the handshake made before any line. */
  readonly tls?: ClientTls;
}

/** The server could not be reached; the message says why, in a few words. */
export class UnreachableError extends Error {
  /** @param message Why, e.g. `connection refused`. */
  constructor(message: string) {
    super(message);
    this.name = "UnreachableError";
  }
}

/**
 * Opens a connection, or explains in a few words why it cannot.
 *
 * @param endpoint The server.
 * @param ms How long to wait.
 * @returns The connection.
 * @throws {UnreachableError} When it is refused, times out or the name is
 *   unknown, or (with TLS) the handshake fails.
 */
export async function connect(endpoint: Endpoint, ms: number): Promise<Deno.Conn> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  let handshaking = false;
  try {
    const conn = await Deno.connect({
      hostname: endpoint.host,
      port: endpoint.port,
      signal: abort.signal,
    });
    try {
      conn.setNoDelay(true);
    } catch {
      // not fatal
    }
    if (endpoint.tls === undefined) return conn;
    handshaking = true;
    return await startTls(conn, endpoint.host, endpoint.tls, abort.signal);
  } catch (e) {
    if (abort.signal.aborted) throw new UnreachableError(`no answer within ${ms / 1000} s`);
    if (handshaking) throw new UnreachableError((e as Error).message);
    if (e instanceof Deno.errors.ConnectionRefused) {
      throw new UnreachableError("connection refused");
    }
    const message = e instanceof Error ? e.message : String(e);
    if (/lookup|resolve|name/i.test(message)) throw new UnreachableError("host name not found");
    throw new UnreachableError(message.replace(/ \(os error \d+\)$/, "").toLowerCase());
  } finally {
    clearTimeout(timer);
  }
}
