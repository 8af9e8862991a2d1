/**
 * The TLS door (T1): a socket accepted on the TLS port (`Deno.listen`, as
 * the plain one), its TLS handshake made here with `node:tls` over the
 * socket, and the decrypted bytes handed to the chat server as a
 * {@linkcode ByteStream} with the door's name `tls`. Past the door nothing
 * knows the bytes were encrypted.
 *
 * Why not `Deno.listenTls`: a client that connects and never starts the
 * handshake is never freed by it (closing its connection leaves the socket
 * open, the client never reads the end). Here the door owns the socket, so
 * a handshake not finished within {@linkcode HANDSHAKE_TIMEOUT_MS} closes
 * it, and a client that speaks plain text on the TLS port (its first byte
 * is not a TLS handshake record's, or it sends nothing for
 * {@linkcode QUIET_MS}, waiting for a prompt) is told so in one plain line
 * and closed.
 *
 * @module
 */

import { Duplex } from "node:stream";
import { type SecureContext, TLSSocket } from "node:tls";
import { ErrorCode, errorDataLine } from "../../protocol.ts";
import { ByteQueue } from "./byte_queue.ts";
import type { ByteStream, Entrance, Peer } from "./door.ts";
import { writeAll } from "./door.ts";
import { tuneSocket } from "./tcp.ts";

/** How long a client has to finish the TLS handshake before its socket is closed. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * How long a client may connect and send nothing before it is taken for a
 * plain client waiting for the nickname prompt (a TLS client speaks first,
 * its ClientHello), told {@linkcode PLAINTEXT_ANSWER} and closed (T1).
 */
export const QUIET_MS = 2_000;

/** The first byte of a TLS record carrying a handshake (a ClientHello). */
const HANDSHAKE_RECORD = 0x16;

/** Decrypted bytes waiting for the chat server's read past which the socket is not read. */
const READ_AHEAD_BYTES = 64 * 1024;

/** What a plain-text client on the TLS port reads before the socket is closed. */
export const PLAINTEXT_ANSWER: string = errorDataLine(
  ErrorCode.forcedClose,
  "esta porta fala TLS; use a porta sem TLS ou o cliente com --tls / " +
    "this port speaks TLS; use the plain port or the client's --tls",
);

/** The TLS door's settings, made once at start from `--cert` and `--key`. */
export interface TlsDoor {
  /** The certificate and key (`certificate.ts`). */
  readonly context: SecureContext;
  /** Where a failed handshake is logged (at most once a minute per address). */
  readonly log: (line: string) => void;
  /** How long a handshake may take. @default {HANDSHAKE_TIMEOUT_MS} */
  readonly handshakeTimeoutMs?: number;
  /** How long a silent client waits for {@linkcode PLAINTEXT_ANSWER}. @default {QUIET_MS} */
  readonly quietMs?: number;
  /** Most handshakes under way at once; a socket beyond is closed. @default {1024} */
  readonly maxHandshakes?: number;
  /** Most handshakes under way from one address; a socket beyond is closed. @default {64} */
  readonly maxHandshakesPerAddress?: number;
}

/** What a door keeps between sockets: handshakes under way, and when each address was logged. */
interface DoorState {
  /** Handshakes under way, per address. */
  readonly handshaking: Map<string, number>;
  /** Handshakes under way in all. */
  total: number;
  /** When a failure from each address was last logged. */
  readonly loggedAt: Map<string, number>;
}

/** Each door's state. */
const states = new WeakMap<TlsDoor, DoorState>();

/** The door's state, made on its first socket. */
function stateOf(door: TlsDoor): DoorState {
  let state = states.get(door);
  if (state === undefined) {
    states.set(door, state = { handshaking: new Map(), total: 0, loggedAt: new Map() });
  }
  return state;
}

/** Logs `line` unless the door logged a line for `address` within the last minute (T1). */
function logOncePerMinute(door: TlsDoor, address: string, line: string): void {
  const lastLogged = stateOf(door).loggedAt;
  const now = Date.now();
  const last = lastLogged.get(address);
  if (last !== undefined && now - last < 60_000) return;
  if (lastLogged.size >= 10_000) {
    for (const [a, t] of lastLogged) if (now - t >= 60_000) lastLogged.delete(a);
    if (lastLogged.size >= 10_000) lastLogged.clear();
  }
  lastLogged.set(address, now);
  door.log(line);
}

/**
 * The accepted socket as a Node stream for `TLSSocket`: its encrypted bytes
 * both ways, `first` (already read) before the rest; `ended` is called when
 * the client ends its side.
 */
function socketStream(conn: Deno.TcpConn, first: Uint8Array, ended: () => void): Duplex {
  const duplex = new Duplex({
    read() {},
    write(chunk: Uint8Array, _encoding, done) {
      writeAll(conn, chunk).then(() => done(), done);
    },
    final(done) {
      conn.closeWrite().then(() => done(), () => done());
    },
    destroy(error, done) {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
      done(error);
    },
  });
  duplex.on("error", () => {}); // the TLS socket above learns of it and closes
  // Only after TLSSocket started (a tick later): bad bytes handled while it
  // starts make Deno's node:tls throw out of reach (it reads its handle after destroying it).
  void (async () => {
    await new Promise((r) => setTimeout(r, 0));
    duplex.push(first);
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (e) {
        duplex.destroy(e as Error);
        return;
      }
      if (n === null) {
        duplex.push(null);
        ended();
        return;
      }
      duplex.push(buffer.slice(0, n));
    }
  })();
  return duplex;
}

/** A finished TLS session as the chat server's {@linkcode ByteStream}. */
function tlsStream(tls: TLSSocket): ByteStream {
  const queue = new ByteQueue();
  let broken: Error | undefined;
  tls.on("data", (bytes: Uint8Array) => {
    queue.push(bytes);
    if (queue.queued > READ_AHEAD_BYTES) tls.pause(); // the chat server reads at its pace
  });
  tls.on("end", () => queue.end());
  tls.on("error", (e: Error) => {
    broken ??= e;
    queue.end();
  });
  tls.on("close", () => queue.end());
  return {
    async read(buffer) {
      const n = await queue.read(buffer);
      if (queue.queued <= READ_AHEAD_BYTES && tls.isPaused()) tls.resume();
      if (n === null && broken !== undefined) throw broken;
      return n;
    },
    write(bytes) {
      return new Promise((resolve, reject) => {
        if (tls.destroyed || !tls.writable) {
          reject(broken ?? new Deno.errors.BrokenPipe("the TLS connection is closed"));
          return;
        }
        tls.write(bytes, (e) => e ? reject(e) : resolve(bytes.length));
      });
    },
    closeWrite() {
      return new Promise((resolve) => tls.end(() => resolve()));
    },
    close() {
      tls.destroy();
    },
  };
}

/**
 * Takes a socket accepted on the TLS port: reads its first bytes (a plain
 * speaker is answered in one line and closed), makes the handshake within
 * the door's time, and hands the decrypted stream to the chat server with
 * the door's name `tls`. Never throws; a failed handshake closes the socket
 * and is logged at most once a minute per address. Handshakes under way are
 * bounded, in all and per address (as `--max-pending-per-ip` bounds those
 * past the door without a nickname): a socket beyond is closed at once.
 *
 * @param entrance The chat server.
 * @param conn The accepted socket.
 * @param door The certificate and the log.
 */
export function enterTls(entrance: Entrance, conn: Deno.TcpConn, door: TlsDoor): void {
  tuneSocket(conn);
  const { hostname, port } = conn.remoteAddr;
  const peer: Peer = { address: hostname, port, door: "tls" };
  const state = stateOf(door);
  const here = state.handshaking.get(hostname) ?? 0;
  if (
    state.total >= (door.maxHandshakes ?? 1024) ||
    here >= (door.maxHandshakesPerAddress ?? 64)
  ) {
    try {
      conn.close();
    } catch {
      // Closed already.
    }
    logOncePerMinute(
      door,
      hostname,
      `tls handshake refused from ${hostname}:${port}: too many at once`,
    );
    return;
  }
  state.handshaking.set(hostname, here + 1);
  state.total++;
  let tls: TLSSocket | undefined;
  let done = false;
  /** The handshake is over, one way or the other. */
  const over = () => {
    done = true;
    clearTimeout(timer);
    clearTimeout(quiet);
    state.total--;
    const left = (state.handshaking.get(hostname) ?? 1) - 1;
    if (left === 0) state.handshaking.delete(hostname);
    else state.handshaking.set(hostname, left);
  };
  const fail = (why: string) => {
    if (done) return;
    over();
    if (tls !== undefined) tls.destroy();
    else {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
    logOncePerMinute(door, hostname, `tls handshake failed from ${hostname}:${port}: ${why}`);
  };
  const timer = setTimeout(
    () => fail("no handshake in time"),
    door.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
  );
  /** A plain client is told to use the plain port or --tls, then closed. */
  const answerPlain = async (why: string) => {
    try {
      await writeAll(conn, new TextEncoder().encode(PLAINTEXT_ANSWER));
    } catch {
      // Gone already: closed below all the same.
    }
    fail(why);
  };
  let heard = false;
  // A TLS client speaks first; one that waits in silence is a plain client waiting for a prompt.
  const quiet = setTimeout(() => {
    if (!done && !heard) void answerPlain("nothing sent: a plain client on the TLS port?");
  }, door.quietMs ?? QUIET_MS);
  void (async () => {
    const buffer = new Uint8Array(16 * 1024);
    let n: number | null;
    try {
      n = await conn.read(buffer);
    } catch {
      n = null;
    }
    heard = true;
    if (done) return;
    if (n === null) return fail("closed before the handshake");
    if (buffer[0] !== HANDSHAKE_RECORD) return await answerPlain("plain text on the TLS port");
    const ended = () => fail("closed during the handshake"); // nothing once the chat has it
    tls = new TLSSocket(socketStream(conn, buffer.slice(0, n), ended), {
      isServer: true,
      secureContext: door.context,
    });
    tls.on("error", (e: Error) => fail(e.message)); // kept: a later error is the stream's
    tls.once("close", () => fail("closed during the handshake"));
    tls.once("secure", () => {
      if (done) return;
      over();
      entrance.enter(tlsStream(tls!), peer);
    });
  })();
}
