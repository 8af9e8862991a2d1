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
import { ask, interactive, intFlag, onStopSignals, parseFlags, UsageError } from "./common/cli.ts";
import { DEFAULT_HOST, DEFAULT_PORT, ERROR_TEXTS, ErrorCode, VERSION } from "./protocol.ts";
import { ChatServer } from "./server/chat_server.ts";
import { logLine } from "./server/log.ts";
import { DEFAULTS, type ServerOptions } from "./server/options.ts";
import type { Room } from "./server/room/room.ts";
import { missingEnvPermission, REDIS_ALLOW_ENV } from "./server/room/redis/env.ts";

export { ChatServer, type ServerStats } from "./server/chat_server.ts";
export { DEFAULTS, type ServerOptions } from "./server/options.ts";

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
  "nick-timeout": { type: "string" },
  "max-queue": { type: "string" },
  "max-total-queue": { type: "string" },
  "flood-burst": { type: "string" },
  "flood-rate": { type: "string" },
  "log-messages": { type: "boolean" },
  redis: { type: "string" },
  "node-name": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** What the command line asks for: the server's options, and the room on Redis (N1). */
interface StartOptions extends ServerOptions {
  /** `redis://HOST:PORT[/DB]`, when the room is shared. */
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
  let options: StartOptions | "help" | "version";
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
    let room: Room | undefined;
    let shared = {};
    if (options.redis !== undefined) {
      const opened = await openRedisRoom(options);
      if (typeof opened === "string") {
        console.error(opened);
        return 1;
      }
      room = opened.room;
      shared = opened;
    }
    try {
      server = ChatServer.listen({ ...options, ...shared });
    } catch (e) {
      await room?.close();
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
