/**
 * The papo chat server: flags and prompts, the listener and its accept loop,
 * each connection's session (nickname, then commands) joined to the room,
 * and shutdown on signals.
 *
 * Run it with `deno run --allow-net server.ts --help`.
 *
 * @module
 */

import { ask, interactive, intFlag, onStopSignals, parseFlags, UsageError } from "./cli.ts";
import {
  type CloseCause,
  Connection,
  FlushScheduler,
  type QueueStats,
  TokenBucket,
} from "./connection.ts";
import {
  byeLine,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type DetailName,
  encodeAscii,
  ERROR_TEXTS,
  ErrorCode,
  errorDataLine,
  errorLine,
  HELP_LINES,
  LineReader,
  MAX_LINE_BYTES,
  NICK_PROMPT_LINE,
  parseCommand,
  parseIPv4,
  parseNick,
  parsePort,
  SENT_LINE,
  VERSION,
} from "./protocol.ts";
import { LocalRoom, type Member, type Room } from "./room.ts";

/** The server's limits and settings; each has a flag (see `--help`). */
export interface ServerOptions {
  /** The IPv4 address to listen on. @default {"127.0.0.1"} */
  hostname?: string;
  /** The TCP port; 0 asks the system for a free one. @default {7777} */
  port?: number;
  /** L5: the most clients connected at once, registered or not. @default {10000} */
  maxClients?: number;
  /** L5: the most connections from one IP address; 0 is no cap. @default {0} */
  maxPerIp?: number;
  /** L6: milliseconds a new client has to choose a nickname. @default {60000} */
  nickTimeoutMs?: number;
  /** L7: the most bytes waiting to be sent to one client. @default {262144} */
  maxQueueBytes?: number;
  /** L7: the most bytes waiting over all clients before stalled ones are dropped. @default {1073741824} */
  maxTotalQueueBytes?: number;
  /** L4: lines a client may send at once before being slowed; 0 turns flood control off. @default {20} */
  floodBurst?: number;
  /** L4: lines per second a client may keep sending. @default {10} */
  floodRate?: number;
  /** S9: log the text of public and private messages. @default {false} */
  logMessages?: boolean;
  /** Where log lines go (each without its timestamp). @default {console.log with a timestamp} */
  log?: (line: string) => void;
  /** The room; a shared engine may be given. @default {a new LocalRoom} */
  room?: Room;
}

/** Defaults of {@linkcode ServerOptions}, documented in README and SECURITY.md. */
export const DEFAULTS = {
  maxClients: 10_000,
  maxPerIp: 0,
  nickTimeoutMs: 60_000,
  maxQueueBytes: 1024 * 1024,
  maxTotalQueueBytes: 1024 * 1024 * 1024,
  floodBurst: 20,
  floodRate: 10,
} as const;

/** How long a closing client's last lines may take to leave, in milliseconds. */
const CLOSE_DRAIN_MS = 2_000;

/** Counters a test or the benchmark may read. */
export interface ServerStats extends QueueStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Errors from sockets, each contained to its connection. */
  socketErrors: number;
}

const PROMPT = encodeAscii(NICK_PROMPT_LINE);
const SENT = encodeAscii(SENT_LINE);
const HELP = encodeAscii(HELP_LINES);

function err(code: ErrorCode, detail?: DetailName | string): Uint8Array {
  return encodeAscii(errorLine(code, detail));
}

const ERR_EMPTY = err(ErrorCode.badCommand, "emptyMessage");
const ERR_UNKNOWN = err(ErrorCode.badCommand, "unknownCommand");
const ERR_TOO_LONG = err(ErrorCode.lineTooLong, "lineLimit");
const ERR_NOT_ASCII = err(ErrorCode.notAscii, "asciiOnly");
const ERR_FLOOD = err(ErrorCode.flood, "slowDown");
const ERR_NICK_RULES = err(ErrorCode.badNick, "nickRules");
const ERR_NICK_RESERVED = err(ErrorCode.badNick, "nickReserved");
const CLOSE_LINES: Partial<Record<CloseCause, Uint8Array>> = {
  shutdown: err(ErrorCode.forcedClose, "shutdown"),
  queueFull: err(ErrorCode.forcedClose, "queueFull"),
  nickTimeout: err(ErrorCode.forcedClose, "nickTimeout"),
  serverFull: err(ErrorCode.serverFull),
  tooManyFromAddress: err(ErrorCode.serverFull, "tooManyFromAddress"),
};

/** One client: its connection, and once registered, its place in the room. */
class Session implements Member {
  nick = "";
  cause: CloseCause | undefined;
  readonly c: Connection;
  constructor(c: Connection) {
    this.c = c;
  }
  send(bytes: Uint8Array, lazy?: boolean): boolean {
    return this.c.send(bytes, lazy);
  }
}

/**
 * A running chat server.
 *
 * @example
 * ```ts ignore
 * const server = ChatServer.listen({ hostname: "127.0.0.1", port: 0 });
 * console.log(server.addr.port);
 * await server.shutdown();
 * ```
 */
export class ChatServer {
  /** The address the server listens on. */
  readonly addr: Deno.NetAddr;
  /** Live counters. */
  readonly stats: ServerStats = {
    accepted: 0,
    open: 0,
    socketErrors: 0,
    queuedBytes: 0,
    peakConnectionBytes: 0,
    droppedSlowReaders: 0,
  };
  /** Resolves when the server has stopped and every session ended. */
  readonly finished: Promise<void>;
  readonly #listener: Deno.TcpListener;
  readonly #room: Room;
  readonly #opts: Required<Omit<ServerOptions, "room" | "hostname" | "port">>;
  readonly #scheduler = new FlushScheduler();
  readonly #sessions = new Set<Session>();
  readonly #running = new Set<Promise<void>>();
  readonly #perIp = new Map<string, number>();
  #stopping = false;

  private constructor(listener: Deno.TcpListener, options: ServerOptions) {
    this.#listener = listener;
    this.addr = listener.addr;
    this.#room = options.room ?? new LocalRoom();
    this.#opts = {
      maxClients: options.maxClients ?? DEFAULTS.maxClients,
      maxPerIp: options.maxPerIp ?? DEFAULTS.maxPerIp,
      nickTimeoutMs: options.nickTimeoutMs ?? DEFAULTS.nickTimeoutMs,
      maxQueueBytes: options.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
      maxTotalQueueBytes: options.maxTotalQueueBytes ?? DEFAULTS.maxTotalQueueBytes,
      floodBurst: options.floodBurst ?? DEFAULTS.floodBurst,
      floodRate: options.floodRate ?? DEFAULTS.floodRate,
      logMessages: options.logMessages ?? false,
      log: options.log ?? logLine,
    };
    this.finished = this.#acceptLoop();
  }

  /**
   * Starts listening.
   *
   * @param options Address, port and limits.
   * @returns The running server.
   * @throws {Deno.errors.AddrInUse} When the port is taken.
   * @throws {Deno.errors.AddrNotAvailable} When the address is not this host's.
   */
  static listen(options: ServerOptions = {}): ChatServer {
    const listener = Deno.listen({
      hostname: options.hostname ?? DEFAULT_HOST,
      port: options.port ?? DEFAULT_PORT,
      transport: "tcp",
      // A classroom connects at once; the kernel caps this at somaxconn.
      tcpBacklog: 4096,
    });
    return new ChatServer(listener, options);
  }

  /** The nicknames online. */
  nicks(): string[] {
    return this.#room.nicks();
  }

  /**
   * Stops accepting, sends ERRO 03 to every client, waits a bounded time for
   * it to leave, closes every socket and resolves when all sessions ended (S13).
   */
  async shutdown(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#listener.close();
      const closing: Promise<void>[] = [];
      for (const s of this.#sessions) closing.push(this.#end(s, "shutdown"));
      this.#scheduler.runNow();
      await Promise.all(closing);
    }
    await this.finished;
  }

  async #acceptLoop(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (e) {
        if (this.#stopping || e instanceof Deno.errors.BadResource) break;
        // Out of file descriptors and the like: contained, logged once per
        // episode, retried with a growing pause (50 ms to 1 s).
        this.stats.socketErrors++;
        if (failures++ === 0) {
          this.#opts.log(
            `accept failed: ${
              errorName(e)
            } (raise the open-file limit, ulimit -n, or lower --max-clients)`,
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(failures, 5))));
        continue;
      }
      if (failures > 0) {
        this.#opts.log(`accept works again after ${failures} failures`);
        failures = 0;
      }
      // A session never rejects: whatever a client does is contained to it.
      const run = this.#serve(conn).catch((e) => {
        this.stats.socketErrors++;
        this.#opts.log(`session failed: ${errorName(e)}`);
      });
      this.#running.add(run);
      void run.then(() => this.#running.delete(run));
    }
    await Promise.all(this.#running);
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    try {
      conn.setNoDelay(true);
      conn.setKeepAlive(true);
    } catch {
      // Not fatal: the socket may already be gone.
    }
    const c = new Connection(conn, {
      maxQueueBytes: this.#opts.maxQueueBytes,
      maxTotalBytes: this.#opts.maxTotalQueueBytes,
      scheduler: this.#scheduler,
      stats: this.stats,
      onOverflow: () => void this.#end(session, "queueFull"),
    });
    const session = new Session(c);
    this.stats.accepted++;
    const refusal = this.#admit(c);
    if (refusal !== undefined) {
      this.#opts.log(`refused ${c.peer} (${refusal})`);
      c.sendFinal(CLOSE_LINES[refusal]!);
      await c.close(CLOSE_DRAIN_MS);
      return;
    }
    this.#sessions.add(session);
    this.stats.open++;
    this.#perIp.set(c.ip, (this.#perIp.get(c.ip) ?? 0) + 1);
    this.#opts.log(`connect ${c.peer} (${this.stats.open} open)`);
    const timer = setTimeout(
      () => void this.#end(session, "nickTimeout"),
      this.#opts.nickTimeoutMs,
    );
    try {
      c.send(PROMPT);
      await this.#readLoop(session, () => clearTimeout(timer));
    } catch (e) {
      // A read cut short because a write found the peer gone is a reset too.
      session.cause ??= e instanceof Deno.errors.ConnectionReset || c.closing ? "reset" : "error";
      if (session.cause === "error") {
        this.stats.socketErrors++;
        this.#opts.log(`error ${c.peer}: ${errorName(e)}`);
      }
    } finally {
      clearTimeout(timer);
      this.#sessions.delete(session);
      this.stats.open--;
      const left = (this.#perIp.get(c.ip) ?? 1) - 1;
      if (left === 0) this.#perIp.delete(c.ip);
      else this.#perIp.set(c.ip, left);
      if (session.nick !== "") this.#room.leave(session);
      this.#opts.log(
        `leave ${c.peer}${session.nick ? ` ${session.nick}` : ""} (${session.cause ?? "eof"})`,
      );
      await c.close(session.cause === "quit" ? CLOSE_DRAIN_MS : 0);
    }
  }

  #admit(c: Connection): CloseCause | undefined {
    if (this.#stopping) return "shutdown";
    if (this.stats.open >= this.#opts.maxClients) return "serverFull";
    const cap = this.#opts.maxPerIp;
    if (cap > 0 && (this.#perIp.get(c.ip) ?? 0) >= cap) return "tooManyFromAddress";
    return undefined;
  }

  /** Ends a session from the server's side, telling the client why. */
  #end(s: Session, cause: CloseCause): Promise<void> {
    if (s.cause !== undefined) return s.c.close(CLOSE_DRAIN_MS);
    s.cause = cause;
    const last = CLOSE_LINES[cause];
    if (last) s.c.sendFinal(last);
    return s.c.close(CLOSE_DRAIN_MS);
  }

  async #readLoop(s: Session, registered: () => void): Promise<void> {
    const c = s.c;
    const reader = new LineReader(MAX_LINE_BYTES);
    const bucket = this.#opts.floodBurst > 0
      ? new TokenBucket(this.#opts.floodBurst, this.#opts.floodRate)
      : undefined;
    let warned = false;
    let buf = new Uint8Array(512);
    const events: ReturnType<LineReader["push"]> = [];
    while (!c.closing) {
      const n = await c.conn.read(buf);
      if (n === null) return;
      events.length = 0;
      reader.push(buf.subarray(0, n), events);
      // A full read means more is waiting: read bigger chunks from now on.
      if (n === buf.length && buf.length < 32768) buf = new Uint8Array(buf.length * 4);
      for (const ev of events) {
        if (c.closing) return;
        if (bucket !== undefined && (ev.kind !== "line" || ev.text !== "")) {
          // L4: every line counts, answered with an error or not. An excess
          // line waits for its token (it is delayed, not dropped); the first
          // wait of a burst is told with ERRO 10.
          let wait = bucket.take(Date.now());
          if (wait === 0) warned = false;
          while (wait > 0) {
            if (!warned) c.send(ERR_FLOOD);
            warned = true;
            await c.sleep(wait);
            if (c.closing) return;
            wait = bucket.take(Date.now());
          }
        }
        if (ev.kind === "tooLong") {
          c.send(ERR_TOO_LONG);
          continue;
        }
        if (ev.kind === "notAscii") {
          c.send(ERR_NOT_ASCII);
          continue;
        }
        if (s.nick === "") {
          if (await this.#register(s, ev.text)) registered();
          continue;
        }
        await this.#command(s, ev.text);
      }
    }
  }

  /** Handles a line at the nickname prompt; `true` once registered. */
  async #register(s: Session, line: string): Promise<boolean> {
    const answer = parseNick(line);
    switch (answer.kind) {
      case "empty":
        return false;
      case "quit":
        s.cause = "quit";
        s.c.sendFinal(encodeAscii(byeLine()));
        return false;
      case "invalid":
        s.c.send(answer.detail === "nickReserved" ? ERR_NICK_RESERVED : ERR_NICK_RULES);
        return false;
    }
    s.nick = answer.nick;
    const result = this.#room.join(s);
    const joined = result instanceof Promise ? await result : result;
    if (!joined) {
      s.nick = "";
      s.c.send(encodeAscii(errorDataLine(ErrorCode.nickTaken, answer.nick)));
      return false;
    }
    this.#opts.log(`nick ${s.c.peer} ${s.nick}`);
    return true;
  }

  async #command(s: Session, line: string): Promise<void> {
    const cmd = parseCommand(line);
    switch (cmd.kind) {
      case "public":
        if (this.#opts.logMessages) this.#opts.log(`public ${s.nick}: ${cmd.text}`);
        this.#room.publish(s, cmd.text);
        return;
      case "private": {
        if (this.#opts.logMessages) this.#opts.log(`private ${s.nick} -> ${cmd.to}: ${cmd.text}`);
        const ok = this.#room.whisper(s, cmd.to, cmd.text);
        s.send(
          (ok instanceof Promise ? await ok : ok)
            ? SENT
            : encodeAscii(errorDataLine(ErrorCode.noSuchUser, cmd.to)),
        );
        return;
      }
      case "users":
        this.#room.listTo(s);
        return;
      case "help":
        s.send(HELP);
        return;
      case "quit":
        s.cause = "quit";
        s.c.sendFinal(encodeAscii(byeLine(s.nick)));
        return;
      case "empty":
        return;
      case "invalid":
        s.send(cmd.detail === "emptyMessage" ? ERR_EMPTY : ERR_UNKNOWN);
        return;
    }
  }
}

/** Writes a log line to standard output with an ISO timestamp (S9). */
function logLine(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`);
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

// ------------------------------------------------------------------ CLI

const HELP_TEXT = `papo-server ${VERSION}: a text chat over TCP (nc HOST PORT works as a client)

Usage: deno run --allow-net server.ts [options]

Options:
  --host ADDR          IPv4 address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 = all)
  --port N             TCP port (default ${DEFAULT_PORT}; 0 = any free port)
  --max-clients N      most clients at once, ERRO 11 beyond (default ${DEFAULTS.maxClients})
  --max-per-ip N       most connections from one IP, 0 = no cap (default ${DEFAULTS.maxPerIp})
  --nick-timeout S     seconds to choose a nickname, ERRO 03 after (default ${
  DEFAULTS.nickTimeoutMs / 1000
})
  --max-queue BYTES    most bytes waiting for a client that does not read, ERRO 03 beyond
                       (default ${DEFAULTS.maxQueueBytes})
  --max-total-queue BYTES  most bytes waiting over all clients before stalled ones are
                       dropped (default ${DEFAULTS.maxTotalQueueBytes})
  --flood-burst N      lines a client may send at once, 0 = no flood control (default ${DEFAULTS.floodBurst})
  --flood-rate N       lines per second a client may keep sending (default ${DEFAULTS.floodRate})
  --log-messages       also log the text of public and private messages
  -h, --help           show this help
  -V, --version        show the version

Without --host or --port, in a terminal, it asks for them (blank = default).
`;

const FLAGS = {
  host: { type: "string" },
  port: { type: "string" },
  "max-clients": { type: "string" },
  "max-per-ip": { type: "string" },
  "nick-timeout": { type: "string" },
  "max-queue": { type: "string" },
  "max-total-queue": { type: "string" },
  "flood-burst": { type: "string" },
  "flood-rate": { type: "string" },
  "log-messages": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** Reads the command line (and, in a terminal, prompts) into options. */
function readOptions(args: string[]): ServerOptions | "help" | "version" {
  const f = parseFlags(args, FLAGS);
  if (f.help) return "help";
  if (f.version) return "version";
  const tty = interactive();
  let host = f.host as string | undefined;
  let port = f.port as string | undefined;
  if (host === undefined && tty) {
    host = ask("Endereço IP do servidor / server IP address", DEFAULT_HOST) ?? "";
  }
  if (port === undefined && tty) port = ask("Porta / port", String(DEFAULT_PORT)) ?? "";
  const hostname = parseIPv4(host ?? "");
  if (hostname === undefined) throw new AddressError(host ?? "");
  const p = parsePort(port ?? "");
  if (p === undefined) {
    throw new UsageError(`Cannot use port "${port}": give a whole number from 0 to 65535`);
  }
  return {
    hostname,
    port: p,
    maxClients: intFlag(f["max-clients"], "max-clients", DEFAULTS.maxClients, 1),
    maxPerIp: intFlag(f["max-per-ip"], "max-per-ip", DEFAULTS.maxPerIp),
    nickTimeoutMs: intFlag(f["nick-timeout"], "nick-timeout", DEFAULTS.nickTimeoutMs / 1000, 1) *
      1000,
    maxQueueBytes: intFlag(f["max-queue"], "max-queue", DEFAULTS.maxQueueBytes, 4096),
    maxTotalQueueBytes: intFlag(
      f["max-total-queue"],
      "max-total-queue",
      DEFAULTS.maxTotalQueueBytes,
      65536,
    ),
    floodBurst: intFlag(f["flood-burst"], "flood-burst", DEFAULTS.floodBurst),
    floodRate: intFlag(f["flood-rate"], "flood-rate", DEFAULTS.floodRate, 1),
    logMessages: f["log-messages"] === true,
  };
}

/** ERRO 05: the address is not IPv4, or not one of this host's. */
class AddressError extends Error {
  constructor(address: string) {
    const { pt, en } = ERROR_TEXTS[ErrorCode.badAddress];
    super(`ERRO 05: ${pt} / ${en}: "${address}"`);
    this.name = "AddressError";
  }
}

/** Runs the server from the command line; returns the exit code. */
async function main(args: string[]): Promise<number> {
  let server: ChatServer;
  let options: ServerOptions | "help" | "version";
  try {
    options = readOptions(args);
    if (options === "help") {
      console.log(HELP_TEXT);
      return 0;
    }
    if (options === "version") {
      console.log(`papo-server ${VERSION}`);
      return 0;
    }
    try {
      server = ChatServer.listen(options);
    } catch (e) {
      if (e instanceof Deno.errors.AddrNotAvailable) throw new AddressError(options.hostname!);
      if (e instanceof Deno.errors.AddrInUse) {
        throw new UsageError(
          `Cannot listen on port ${options.port}: it is in use; choose another with --port`,
        );
      }
      if (e instanceof Deno.errors.PermissionDenied) {
        throw new UsageError(
          `Cannot listen on port ${options.port}: permission denied (ports below 1024 need privileges)`,
        );
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof AddressError) {
      console.error(e.message);
      if (e instanceof UsageError) console.error("See --help.");
      return e instanceof AddressError ? 1 : 2;
    }
    throw e;
  }
  logLine(`papo-server ${VERSION} listening on ${server.addr.hostname}:${server.addr.port}`);
  const stop = () => {
    logLine("shutting down");
    void server.shutdown();
  };
  const stopListening = onStopSignals(stop);
  await server.finished;
  stopListening();
  logLine("stopped");
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
