/**
 * What `server.ts` starts beside its listener, and says while it starts:
 * the chat server with its room (on Redis with `--redis`, N1), the
 * transcript (C5) and the trace (C1); the banner in Portuguese and English
 * (issue 19 #6), the teacher's console (C2); and each start-up failure as
 * one sentence with its exit code (S8).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { UsageError } from "../common/cli.ts";
import { ChatServer } from "./chat_server.ts";
import { type Certificate, CertificateError, readCertificate } from "./doors/certificate.ts";
import type { Entrance } from "./doors/door.ts";
import { LISTEN_BACKLOG } from "./doors/tcp.ts";
import { enterTls } from "./doors/tls.ts";
import type { StartOptions } from "./flags.ts";
import { AddressError, Cancelled } from "./prompts.ts";
import { logLine } from "./log.ts";
import { DEFAULTS } from "./options.ts";
import { missingEnvPermission } from "./room/redis/env.ts";
import type { Room } from "./room/room.ts";
import { SocketTrace } from "./trace.ts";
import { Transcript, TranscriptError } from "./transcript.ts";
import { LectureModel, observeAll } from "./web/lecture_model.ts";
import { serveWeb, type WebServer } from "./web/web_server.ts";

/** A start-up failure told in one sentence, with the exit code it ends with. */
export class StartError extends Error {
  /** The process's exit code. */
  readonly code: number;

  /**
   * @param message The sentence.
   * @param code The exit code. @default {1}
   */
  constructor(message: string, code = 1) {
    super(message);
    this.name = "StartError";
    this.code = code;
  }
}

/** The chat server, and what runs beside it for the lesson. */
export interface Lesson {
  /** The chat server, for the doors. */
  readonly chat: ChatServer;
  /** The socket trace (C1), when `--trace` is given. */
  readonly trace: SocketTrace | undefined;
  /** The transcript (C5), when `--transcript` is given. */
  readonly transcript: Transcript | undefined;
  /** The lecture view's events (W3), when `--web` is given. */
  readonly lecture: LectureModel | undefined;
  /** The TLS certificate and key (T1), when `--cert` and `--key` are given. */
  readonly certificate: Certificate | undefined;
}

/**
 * Reads the TLS certificate (T1), opens the transcript and the room (Redis,
 * within a few seconds), and makes the chat server over them.
 *
 * @param options What the command line asks for.
 * @returns The lesson.
 * @throws {CertificateError} When the certificate or its key cannot be read.
 * @throws {StartError} When the transcript or Redis cannot be had.
 */
export async function openLesson(options: StartOptions): Promise<Lesson> {
  const certificate = options.tls && readCertificate(options.tls.cert, options.tls.key);
  let transcript: Transcript | undefined;
  if (options.transcriptPath !== undefined) {
    try {
      transcript = await Transcript.open(options.transcriptPath);
    } catch (e) {
      if (e instanceof TranscriptError) throw new StartError(e.message, 2);
      throw e;
    }
  }
  let shared: { room: Room; idPrefix: string } | undefined;
  if (options.redis !== undefined) {
    try {
      shared = await openRedisRoom(
        options.redis,
        options.nodeName!,
        options.history,
        options.crowd,
        options.kickMinutes,
      );
    } catch (e) {
      transcript?.close();
      throw e;
    }
  }
  const trace = options.trace ? new SocketTrace() : undefined;
  // --trace and --web combine: the lecture view and the terminal's trace watch the same seam.
  const lecture = options.web !== undefined ? new LectureModel() : undefined;
  const observer = trace && lecture ? observeAll(trace, lecture) : trace ?? lecture;
  const chat = new ChatServer({
    ...options,
    ...shared,
    ...(observer ? { observer } : {}),
    ...(transcript ? { transcript } : {}),
  });
  return { chat, trace, transcript, lecture, certificate };
}

/**
 * Undoes {@linkcode openLesson} when the server cannot listen: the chat
 * server (and its room) shut down, the transcript closed.
 *
 * @param lesson What was opened.
 */
export async function closeLesson(lesson: Lesson): Promise<void> {
  await lesson.chat.shutdown();
  lesson.transcript?.close();
}

/** What a door does with each socket its listener accepted: hand it to the chat server. */
export type Door = (entrance: Entrance, conn: Deno.TcpConn) => void;

/** The doors beside the TCP listener: the TLS port (T1) and the browsers' door (W1). */
export interface SideDoors {
  /** With `--cert`: the TLS port's listener, and its door (the handshake, then the chat server). */
  readonly tls: { readonly listener: Deno.TcpListener; readonly door: Door } | undefined;
  /** With `--web`: the web door's server (HTTPS and WSS with `--cert`). */
  readonly web: WebServer | undefined;
}

/**
 * Opens the doors beside the TCP listener, on its address: the TLS port's
 * listener with `--cert` (its accept loop is `server.ts`'s), and the web
 * door with `--web`.
 *
 * @param lesson What was started (its chat server, certificate and lecture model).
 * @param options What the command line asked for.
 * @returns The doors opened.
 * @throws {UsageError} When a port cannot be listened on (whatever was opened is closed).
 * @throws {AddressError} When the address is not this computer's.
 */
export function openSideDoors(lesson: Lesson, options: StartOptions): SideDoors {
  const { chat, certificate } = lesson;
  let tls: SideDoors["tls"];
  if (options.tls && certificate) {
    const { hostname, tls: { port } } = options;
    let listener: Deno.TcpListener;
    try {
      // The same socket(), bind() and listen() on the TLS port: its door makes the handshake.
      listener = Deno.listen({ hostname, port, tcpBacklog: LISTEN_BACKLOG });
    } catch (e) {
      throw listenError(e, options, port);
    }
    const door = { context: certificate.context, log: chat.log.bind(chat) };
    tls = { listener, door: (entrance, conn) => enterTls(entrance, conn, door) };
  }
  try {
    return { tls, web: startWeb(lesson, options, certificate) };
  } catch (e) {
    tls?.listener.close();
    throw e;
  }
}

/** The Redis room's modules, loaded only with `--redis`: the in-memory server loads none. */
const REDIS_MODULES = new URL("./room/redis/", import.meta.url);

/**
 * The Deno flag that lets `--redis` load the Redis room's modules (issue 19
 * #1): `deno task server:redis` gives it, relative to the repository.
 */
export const REDIS_ALLOW_READ: string = `--allow-read=${
  REDIS_MODULES.protocol === "file:" ? fileURLToPath(REDIS_MODULES).replace(/[\\/]$/, "") : ""
}`;

/**
 * N1, N5, N6: connects the room on Redis before listening. Its modules and
 * its library are loaded only here (deno.json's `lazy-dynamic-imports`), so
 * that a server without `--redis` downloads nothing (issue 19 #1); loading
 * them needs Deno's read permission for their folder, asked first.
 *
 * @throws {StartError} When a permission is missing or Redis cannot be reached.
 */
async function openRedisRoom(
  url: string,
  nodeName: string,
  history: number | undefined,
  crowd: number | undefined,
  kickMinutes: number | undefined,
): Promise<{ room: Room; idPrefix: string }> {
  const missing = missingReadPermission() ?? missingEnvPermission();
  if (missing !== undefined) throw new StartError(missing);
  const { RedisRoom, RedisConnectError } = await import("./room/redis/redis_room.ts");
  try {
    const room = await RedisRoom.connect({
      url,
      nodeName,
      history: history ?? 20,
      crowd: crowd ?? DEFAULTS.crowd,
      kickMs: (kickMinutes ?? DEFAULTS.kickMinutes) * 60_000,
    });
    return { room, idPrefix: room.idPrefix };
  } catch (e) {
    if (e instanceof RedisConnectError) throw new StartError(e.message);
    throw e;
  }
}

/** The sentence saying that the Redis room's modules may not be read, or `undefined`. */
function missingReadPermission(): string | undefined {
  if (REDIS_MODULES.protocol !== "file:") return undefined;
  const path = REDIS_ALLOW_READ.slice("--allow-read=".length);
  if (Deno.permissions.querySync({ name: "read", path }).state === "granted") return undefined;
  return `Cannot use --redis without ${REDIS_ALLOW_READ}: the Redis room is loaded only ` +
    "when asked for; add that flag (deno task server:redis has it)";
}

/**
 * The sentence for a listener the system refused.
 *
 * @param e What `Deno.listen` threw.
 * @param options Where it was asked to listen.
 * @param port The port refused: `--port`'s, or `--tls-port`'s.
 * @returns ERRO 05 for an address not this computer's, a usage error for a
 *   port taken or needing privileges, or `e` itself.
 */
export function listenError(e: unknown, options: StartOptions, port = options.port): unknown {
  if (e instanceof Deno.errors.AddrNotAvailable) return new AddressError(options.hostname);
  const flag = port === options.port ? "--port" : "--tls-port";
  if (e instanceof Deno.errors.AddrInUse) {
    return new UsageError(
      `Cannot listen on port ${port}: it is in use; choose another with ${flag}`,
    );
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return new UsageError(
      `Cannot listen on port ${port}: permission denied (ports below 1024 need privileges)`,
    );
  }
  return e;
}

/**
 * W1: starts the web door's HTTP server beside the listener, on its address,
 * when `--web` is given.
 *
 * @param lesson What was started (its lecture model).
 * @param options What the command line asked for.
 * @param certificate With `--cert` and `--key`: the page and its WebSocket are served over
 *   HTTPS and WSS with it (T1).
 * @returns The web server, or `undefined` without `--web`.
 * @throws {UsageError} When the web port cannot be listened on.
 */
export function startWeb(
  lesson: Lesson,
  options: StartOptions,
  certificate?: Certificate,
): WebServer | undefined {
  if (options.web === undefined || lesson.lecture === undefined) return undefined;
  try {
    return serveWeb({
      hostname: options.hostname,
      port: options.web,
      chat: lesson.chat,
      lecture: lesson.lecture,
      ...(options.webOrigins ? { origins: options.webOrigins } : {}),
      ...(certificate ? { tls: { cert: certificate.certPem, key: certificate.keyPem } } : {}),
    });
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `Cannot listen on port ${options.web}: it is in use; choose another with --web`,
      );
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(
        `Cannot listen on port ${options.web}: permission denied (ports below 1024 need privileges)`,
      );
    }
    throw listenError(e, options);
  }
}

/**
 * Says why the server cannot start, in one sentence on standard error.
 *
 * @param e What was thrown while starting.
 * @returns The exit code: 2 for a bad command line or transcript, 1 otherwise.
 * @throws What is no start-up failure (a bug), as it is.
 */
export function startFailed(e: unknown): number {
  if (e instanceof Cancelled) {
    console.error(`\n${e.message}`);
    return 1;
  }
  if (e instanceof UsageError) {
    console.error(e.message);
    console.error("See --help.");
    return 2;
  }
  if (e instanceof CertificateError) {
    console.error(e.message);
    return 2;
  }
  if (e instanceof AddressError || e instanceof StartError) {
    console.error(e.message);
    return e instanceof StartError ? e.code : 1;
  }
  throw e;
}

/**
 * Ends the lesson after the chat server stopped: the transcript's last line,
 * and the log's.
 *
 * @param lesson What was started.
 */
export function finish(lesson: Lesson): void {
  lesson.transcript?.line("FIM");
  lesson.transcript?.close();
  logLine("stopped");
}
