/**
 * The node's two connections to Redis (N1, N5), through node-redis: one for
 * commands and scripts, one for the blocking stream read (a blocking command
 * holds its connection). Connecting has a deadline (node-redis alone waits
 * forever for a Redis that is down); once connected, each connection
 * reconnects by itself, and commands fail at once while it is away instead
 * of waiting in a queue.
 *
 * @module
 */

import { createClient } from "@redis/client";
import { errorName } from "../../log.ts";

/** What the link tells its owner. */
export interface LinkEvents {
  /** A connection was lost or reported an error. */
  down(which: "commands" | "reader" | "batches", why: string): void;
  /** A connection is ready again after being lost. */
  up(which: "commands" | "reader" | "batches"): void;
}

/** A node-redis client, as far as papo uses one. */
export interface Client {
  /** Whether it is connected and ready for commands. */
  readonly isReady: boolean;
  /** Sends one command. */
  sendCommand(args: readonly string[]): Promise<unknown>;
  /** Drops the connection at once; pending commands fail. */
  destroy(): void;
}

/** Redis could not be reached at start-up: the message is one sentence for the operator. */
export class RedisConnectError extends Error {
  /** @param message The sentence. */
  constructor(message: string) {
    super(message);
    this.name = "RedisConnectError";
  }
}

/** Milliseconds between tries while a connection is lost. */
export const RECONNECT_MS = 250;

/**
 * Connects one client, giving up after `ms`.
 *
 * @param url The Redis URL.
 * @param which Which connection, for the events.
 * @param ms The deadline.
 * @param events Who is told of losses and recoveries.
 * @returns The connected client.
 * @throws {RedisConnectError} When Redis does not answer in time or refuses.
 */
export async function connectClient(
  url: string,
  which: "commands" | "reader",
  ms: number,
  events: LinkEvents,
): Promise<Client> {
  let connected = false;
  let lost = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: ms,
      // Before the first connection: give up (start-up says so); after: retry for ever.
      reconnectStrategy: (_retries: number, cause: Error) => connected ? RECONNECT_MS : cause,
    },
  });
  client.on("error", (e: unknown) => {
    if (!connected) return;
    if (!lost) events.down(which, errorName(e));
    lost = true;
  });
  client.on("ready", () => {
    if (!connected) return;
    if (lost) events.up(which);
    lost = false;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } catch (e) {
    client.destroy();
    const why = e instanceof Error ? e.message : String(e);
    throw new RedisConnectError(`Cannot reach Redis at ${url}: ${why}`);
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  return client as unknown as Client;
}

/**
 * Sends a command; when the client is not ready it fails at once.
 *
 * @param client The client.
 * @param args The command and its arguments.
 * @returns The reply.
 */
export function send(client: Client, args: readonly string[]): Promise<unknown> {
  return client.sendCommand(args);
}
