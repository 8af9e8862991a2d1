/**
 * The papo chat server's entry: flags and prompts, then the server of
 * `server/` started, and stopped on signals. `deno compile` builds this file
 * into `papo-server`.
 *
 * Run it with `deno run --allow-net server.ts --help`.
 *
 * @module
 */

import { parseIPv4, parsePort } from "./common/address.ts";
import {
  ask,
  interactive,
  intFlag,
  onStopSignals,
  parseFlags,
  stdinLines,
  UsageError,
} from "./common/cli.ts";
import { DEFAULT_HOST, DEFAULT_PORT, ERROR_TEXTS, ErrorCode, VERSION } from "./protocol.ts";
import { ChatServer } from "./server/chat_server.ts";
import { enterTcp, LISTEN_BACKLOG } from "./server/doors/tcp.ts";
import { errorName } from "./server/log.ts";
import { ConsoleCaller, runConsole } from "./server/console.ts";
import { joinHints, localAddresses } from "./server/banner.ts";
import { SocketTrace } from "./server/trace.ts";
import { Transcript, TranscriptError } from "./server/transcript.ts";
import { logLine } from "./server/log.ts";
import { DEFAULTS, type ServerOptions } from "./server/options.ts";
import type { Room } from "./server/room/room.ts";
import { missingEnvPermission, REDIS_ALLOW_ENV } from "./server/room/redis/env.ts";

export { ChatServer, type ServerStats } from "./server/chat_server.ts";
export { DEFAULTS, type Limits, type ServerOptions } from "./server/options.ts";
export type { ConnectionObserver } from "./server/connection.ts";
export type { QueueStats } from "./server/outgoing.ts";
export type { Member, Room } from "./server/room/room.ts";
export type { Session } from "./server/session.ts";
export type { SessionHost } from "./server/commands.ts";
export type { Transcript } from "./server/transcript.ts";

const HELP_TEXT = `papo-server ${VERSION}: a text chat over TCP (nc HOST PORT works as a client)

Usage: deno run --allow-net server.ts [options]

Options:
  --host ADDR          IPv4 address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 = all)
  --port N             TCP port (default ${DEFAULT_PORT}; 0 = any free port)
  --max-clients N      most clients at once, ERRO 11 beyond (default ${DEFAULTS.maxClients})
  --max-per-ip N       most connections from one IP, 0 = no cap (default ${DEFAULTS.maxPerIp})
  --max-pending-per-ip N  most connections without a nickname from one IP, ERRO 11 beyond,
                       0 = no cap (default ${DEFAULTS.maxPendingPerIp})
  --max-pending N      most connections without a nickname in all, 0 = no cap
                       (default: half of --max-clients, at least 64)
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
  --history N          public messages a newcomer is shown, 0 = none (default ${DEFAULTS.history})
  --crowd N            above N online, join and leave notices are summarized once a second,
                       0 = never (default ${DEFAULTS.crowd})
  --admin-token TOKEN  the teacher's token for {admin TOKEN} (default: a random one, printed)
  --trace              print every socket event (accept, recv, send, close) with its bytes;
                       private text is shown too
  --transcript PATH    append public messages, joins, leaves and teacher's actions to PATH
                       (needs --allow-write=PATH)
  --redis URL          share one room with other nodes through Redis, redis://HOST:PORT[/DB]
                       (needs ${REDIS_ALLOW_ENV}; deno task server:redis)
  --node-name NAME     this node's name in logs and in Redis (default HOST:PORT)
  -h, --help           show this help
  -V, --version        show the version

Without --host or --port, in a terminal, it asks for them (blank = default).
`;

const FLAGS = {
  host: { type: "string" },
  port: { type: "string" },
  "max-clients": { type: "string" },
  "max-per-ip": { type: "string" },
  "max-pending-per-ip": { type: "string" },
  "max-pending": { type: "string" },
  "nick-timeout": { type: "string" },
  "max-queue": { type: "string" },
  "max-total-queue": { type: "string" },
  "flood-burst": { type: "string" },
  "flood-rate": { type: "string" },
  "log-messages": { type: "boolean" },
  history: { type: "string" },
  crowd: { type: "string" },
  "admin-token": { type: "string" },
  trace: { type: "boolean" },
  transcript: { type: "string" },
  redis: { type: "string" },
  "node-name": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** What the command line asks for: the server's options, and what to start beside it. */
interface StartOptions extends ServerOptions {
  /** The IPv4 address to listen on. */
  hostname: string;
  /** The TCP port; 0 asks the system for a free one. */
  port: number;
  /** C1: print the socket trace. */
  trace: boolean;
  /** C5: the transcript's path. */
  transcriptPath: string | undefined;
  /** N1: `redis://HOST:PORT[/DB]`, when the room is shared. */
  redis?: string;
  /** This node's name. */
  nodeName?: string;
}
/** A node's name: what Redis keys and logs may show. */
const NODE_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/** Reads `--redis` and `--node-name`, checked. */
function redisFlags(url: string | undefined, name: string | undefined, host: string, port: number) {
  if (url === undefined) {
    if (name !== undefined) throw new UsageError("Cannot use --node-name without --redis");
    return {};
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== "redis:" || parsed.hostname === "") {
    throw new UsageError(`Cannot use Redis URL "${url}": give redis://HOST:PORT[/DB]`);
  }
  const nodeName = name ?? `${host}:${port}`;
  if (!NODE_NAME.test(nodeName)) {
    throw new UsageError(
      `Cannot use node name "${nodeName}": use 1 to 64 letters, digits, ., _, : or -`,
    );
  }
  return { redis: url, nodeName };
}

/** Reads the command line (and, in a terminal, prompts) into options. */
function readOptions(args: string[]): StartOptions | "help" | "version" {
  // `deno task server -- --port 7000` passes the `--` along.
  const f = parseFlags(args[0] === "--" ? args.slice(1) : args, FLAGS);
  if (f.help) return "help";
  if (f.version) return "version";
  const tty = interactive();
  const hostname = f.host !== undefined
    ? checkHost(String(f.host))
    : tty
    ? askUntil(HOST_QUESTION, DEFAULT_HOST, tried(checkHost))
    : DEFAULT_HOST;
  const p = f.port !== undefined
    ? checkPort(String(f.port))
    : tty
    ? askUntil("Porta / port", String(DEFAULT_PORT), tried(checkPort))
    : DEFAULT_PORT;
  return {
    hostname,
    port: p,
    maxClients: intFlag(f["max-clients"], "max-clients", DEFAULTS.maxClients, 1),
    maxPerIp: intFlag(f["max-per-ip"], "max-per-ip", DEFAULTS.maxPerIp),
    maxPendingPerIp: intFlag(
      f["max-pending-per-ip"],
      "max-pending-per-ip",
      DEFAULTS.maxPendingPerIp,
    ),
    ...(f["max-pending"] === undefined
      ? {}
      : { maxPending: intFlag(f["max-pending"], "max-pending", 0) }),
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
    history: intFlag(f.history, "history", DEFAULTS.history),
    crowd: intFlag(f.crowd, "crowd", DEFAULTS.crowd),
    ...(f["admin-token"] === undefined ? {} : { adminToken: adminToken(f["admin-token"]) }),
    trace: f.trace === true,
    transcriptPath: f.transcript === undefined ? undefined : String(f.transcript),
    ...redisFlags(f.redis as string | undefined, f["node-name"] as string | undefined, hostname, p),
  };
}

/**
 * N1, N5, N6: connects the room on Redis before listening, within a few seconds.
 * @returns The room and its nodes' id prefix, or the sentence saying why not.
 */
async function openRedisRoom(
  options: StartOptions,
): Promise<{ room: Room; idPrefix: string } | string> {
  const missing = missingEnvPermission();
  if (missing !== undefined) return missing;
  // Loaded only with --redis: the in-memory room needs no library and no permission.
  const { RedisRoom, RedisConnectError } = await import("./server/room/redis/redis_room.ts");
  try {
    const room = await RedisRoom.connect({
      url: options.redis!,
      nodeName: options.nodeName!,
      history: options.history ?? DEFAULTS.history,
    });
    return { room, idPrefix: room.idPrefix };
  } catch (e) {
    if (e instanceof RedisConnectError) return e.message;
    throw e;
  }
}

const HOST_QUESTION =
  "Endereço IP do servidor / server IP address (0.0.0.0 = todas as redes, para a turma / every network, for the class)";

/** ERRO 05 unless `text` is an IPv4 address (S8). */
function checkHost(text: string): string {
  const hostname = parseIPv4(text);
  if (hostname === undefined) throw new AddressError(text);
  return hostname;
}

/** A port, or the sentence saying why not. */
function checkPort(text: string): number {
  const port = parsePort(text);
  if (port === undefined) {
    throw new UsageError(`Cannot use --port "${text}": give a whole number from 0 to 65535`);
  }
  return port;
}

/** A check that says its mistake instead of throwing it (for a prompt that asks again). */
function tried<T>(check: (text: string) => T): (text: string) => T | Error {
  return (text) => {
    try {
      return check(text);
    } catch (e) {
      return e as Error;
    }
  };
}

/**
 * Asks in the terminal until the answer is good; a mistake is said and asked
 * again, as the client does (S8).
 * @throws {Cancelled} On Ctrl+C or Ctrl+D.
 */
function askUntil<T>(question: string, fallback: string, check: (text: string) => T | Error): T {
  for (;;) {
    const answer = ask(question, fallback);
    if (answer === undefined) throw new Cancelled();
    const value = check(answer);
    if (!(value instanceof Error)) return value;
    console.error(value.message);
  }
}

/** The user cancelled at a start-up prompt (Ctrl+C, Ctrl+D). */
class Cancelled extends Error {
  constructor() {
    super("Cancelado / cancelled");
    this.name = "Cancelled";
  }
}

/** A teacher's token: one word of printable ASCII (it is typed as `{admin TOKEN}`). */
function adminToken(value: string | boolean): string {
  const token = String(value);
  if (!/^[!-~]{1,64}$/.test(token) || token.includes("}")) {
    throw new UsageError(
      `Cannot use --admin-token "${token}": give 1 to 64 printable ASCII characters, no spaces or }`,
    );
  }
  return token;
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
  let chat: ChatServer;
  let listener: Deno.TcpListener;
  let options: StartOptions | "help" | "version";
  let transcript: Transcript | undefined;
  const trace = new SocketTrace();
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
    if (options.transcriptPath !== undefined) {
      transcript = await Transcript.open(options.transcriptPath);
    }
    let room: Room | undefined;
    let shared = {};
    if (options.redis !== undefined) {
      const opened = await openRedisRoom(options);
      if (typeof opened === "string") {
        console.error(opened);
        transcript?.close();
        return 1;
      }
      room = opened.room;
      shared = opened;
    }
    try {
      listener = listen(options);
    } catch (e) {
      await room?.close();
      throw e;
    }
    chat = new ChatServer({
      ...options,
      ...shared,
      ...(options.trace ? { observer: trace } : {}),
      ...(transcript ? { transcript } : {}),
    });
  } catch (e) {
    if (e instanceof TranscriptError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof Cancelled) {
      console.error(`\n${e.message}`);
      return 1;
    }
    if (e instanceof UsageError || e instanceof AddressError) {
      console.error(e.message);
      if (e instanceof UsageError) console.error("See --help.");
      return e instanceof AddressError ? 1 : 2;
    }
    throw e;
  }
  const stop = () => {
    logLine("shutting down");
    listener.close();
    void chat.shutdown();
  };
  // Before anything is printed: a script that reads the banner may stop the server at once.
  const stopListening = onStopSignals(stop);
  const addr = listener.addr;
  logLine(`papo-server ${VERSION} listening on ${addr.hostname}:${addr.port}`);
  for (const line of joinHints(addr.hostname, addr.port, localAddresses())) {
    logLine(line);
  }
  if (options.trace) {
    logLine("socket trace on: every byte each way is shown, private messages included");
    trace.listening(addr, LISTEN_BACKLOG);
  }
  if (options.adminToken === undefined) {
    // Printed only when made here: a token given with --admin-token stays off the projector.
    logLine(`teacher's token: type {admin ${chat.adminToken}} in a client to become the teacher`);
  } else logLine("teacher's token: the one given with --admin-token");
  transcript?.line(`INICIO papo-server ${VERSION} ${addr.hostname}:${addr.port}`);
  if (interactive()) {
    logLine("console: type teacher's commands here ({help}), no token needed");
    void runConsole(new ConsoleCaller(chat, console.log, stop), stdinLines());
  }
  await acceptAll(listener, chat);
  await chat.finished;
  stopListening();
  transcript?.line("FIM");
  transcript?.close();
  logLine("stopped");
  return 0;
}

/**
 * Accepts clients until the listener is closed, handing each to the chat
 * server through the TCP door. A failing accept (out of file descriptors)
 * is logged once per episode and tried again after 50 ms to 1 s.
 */
async function acceptAll(listener: Deno.TcpListener, chat: ChatServer): Promise<void> {
  let failures = 0;
  for (;;) {
    let conn: Deno.TcpConn;
    try {
      conn = await listener.accept();
    } catch (e) {
      if (chat.stopping || e instanceof Deno.errors.BadResource) return;
      chat.socketError();
      if (failures++ === 0) {
        chat.log(
          `accept failed: ${
            errorName(e)
          } (raise the open-file limit, ulimit -n, or lower --max-clients)`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(failures, 5))));
      continue;
    }
    if (failures > 0) chat.log(`accept works again after ${failures} failures`);
    failures = 0;
    enterTcp(chat, conn);
  }
}

/** Listens on TCP, turning the system's refusals into sentences. */
function listen(options: StartOptions): Deno.TcpListener {
  try {
    return Deno.listen({
      hostname: options.hostname,
      port: options.port,
      transport: "tcp",
      tcpBacklog: LISTEN_BACKLOG,
    });
  } catch (e) {
    if (e instanceof Deno.errors.AddrNotAvailable) throw new AddressError(options.hostname);
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
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
