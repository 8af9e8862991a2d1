/**
 * Reaching the server under test: where it listens, and a connection opened
 * within a time limit, or one short sentence saying why it cannot be.
 *
 * @module
 */

/** Where a server listens. */
export interface Endpoint {
  /** Its IPv4 address or host name. */
  readonly host: string;
  /** Its TCP port. */
  readonly port: number;
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
 * @throws {UnreachableError} When it is refused, times out or the name is unknown.
 */
export async function connect(endpoint: Endpoint, ms: number): Promise<Deno.TcpConn> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    return await Deno.connect({
      hostname: endpoint.host,
      port: endpoint.port,
      signal: abort.signal,
    });
  } catch (e) {
    if (abort.signal.aborted) throw new UnreachableError(`no answer within ${ms / 1000} s`);
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
