/**
 * The server's settings: every limit with its default (documented in docs/teacher.md
 * and SECURITY.md), and the options resolved once at start.
 *
 * @module
 */

import { SYSTEM_TIMERS, type Timers } from "../common/time.ts";
import type { ConnectionObserver } from "./connection.ts";
import type { Room } from "./room/room.ts";
import type { Transcript } from "./transcript.ts";

/** The chat server's limits and settings; each has a flag (see `--help`). */
export interface ServerOptions {
  /** L5: the most clients connected at once, registered or not. @default {10000} */
  maxClients?: number;
  /** L5: the most connections from one IP address; 0 is no cap. @default {0} */
  maxPerIp?: number;
  /** L5: the most connections without a nickname from one IP address; 0 is no cap. @default {64} */
  maxPendingPerIp?: number;
  /** L5: the most connections without a nickname in all; 0 is no cap. @default {half of maxClients, at least 64} */
  maxPending?: number;
  /** L6: milliseconds a new client has to choose a nickname. @default {60000} */
  nickTimeoutMs?: number;
  /** L7: the bytes waiting to be sent to one client past which it may be dropped. @default {1048576} */
  maxQueueBytes?: number;
  /** L7: the most bytes waiting over all clients before stalled ones are dropped. @default {1073741824} */
  maxTotalQueueBytes?: number;
  /** L4: lines a client may send at once before being slowed; 0 turns flood control off. @default {20} */
  floodBurst?: number;
  /** L4: lines per second a client may keep sending. @default {10} */
  floodRate?: number;
  /** S9: log the text of public and private messages. @default {false} */
  logMessages?: boolean;
  /** Milliseconds a call to the room may take before the session gives up on it. @default {5000} */
  roomDeadlineMs?: number;
  /** C4: public messages a newcomer is shown, with the default room; 0 = none. @default {20} */
  history?: number;
  /** P1: above this many online, join and leave notices are summarized once a second; 0 = never. @default {300} */
  crowd?: number;
  /** C2: the teacher's token for `{admin TOKEN}`. @default {a random one} */
  adminToken?: string;
  /** C5: where public messages, joins, leaves and teacher's actions are written. @default {none} */
  transcript?: Transcript;
  /** Where log lines go (each without its timestamp). @default {console.log with a timestamp} */
  log?: (line: string) => void;
  /** The room; a shared engine may be given. @default {a new LocalRoom} */
  room?: Room;
  /** Who is told of every connection's socket events (the trace). @default {none} */
  observer?: ConnectionObserver;
  /** What starts every member id, so ids are unique over several nodes (N1). @default {""} */
  idPrefix?: string;
  /**
   * The clock the server reads the time with (kick minutes, flood and join budgets, the token
   * guard, the churn windows) and the timers it waits with (the nickname timer, the summaries):
   * a test's own, so nothing sleeps. @default {SYSTEM_TIMERS}
   */
  timers?: Timers;
  /** L10: lines one address's connections may send at once, together; 0 turns it off. @default {200} */
  ipFloodBurst?: number;
  /** L10: lines a second one address's connections may keep sending, together. @default {50} */
  ipFloodRate?: number;
  /** L10: nicknames one address may register at once (a class behind one NAT). @default {64} */
  joinBurst?: number;
  /** L10: nicknames a minute one address may keep registering. @default {60} */
  joinRate?: number;
  /** C3: minutes a kicked user's address may not join again. @default {5} */
  kickMinutes?: number;
}

/** Defaults of {@linkcode ServerOptions}, documented in docs/teacher.md and SECURITY.md. */
export const DEFAULTS = {
  maxClients: 10_000,
  maxPerIp: 0,
  maxPendingPerIp: 64,
  nickTimeoutMs: 60_000,
  maxQueueBytes: 1024 * 1024,
  maxTotalQueueBytes: 1024 * 1024 * 1024,
  floodBurst: 20,
  floodRate: 10,
  roomDeadlineMs: 5_000,
  history: 20,
  crowd: 300,
  ipFloodBurst: 200,
  ipFloodRate: 50,
  joinBurst: 64,
  joinRate: 60,
  kickMinutes: 5,
} as const;

/** The limits with every default applied. */
export type Limits = Required<
  Omit<
    ServerOptions,
    | "room"
    | "observer"
    | "log"
    | "history"
    | "crowd"
    | "adminToken"
    | "transcript"
    | "idPrefix"
  >
>;

/**
 * The limits of `options`, each given or its default.
 *
 * @param options What was given.
 * @returns Every limit.
 */
export function resolveLimits(options: ServerOptions): Limits {
  return {
    maxClients: options.maxClients ?? DEFAULTS.maxClients,
    maxPerIp: options.maxPerIp ?? DEFAULTS.maxPerIp,
    maxPendingPerIp: options.maxPendingPerIp ?? DEFAULTS.maxPendingPerIp,
    maxPending: options.maxPending ?? defaultMaxPending(options.maxClients ?? DEFAULTS.maxClients),
    nickTimeoutMs: options.nickTimeoutMs ?? DEFAULTS.nickTimeoutMs,
    maxQueueBytes: options.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
    maxTotalQueueBytes: options.maxTotalQueueBytes ?? DEFAULTS.maxTotalQueueBytes,
    floodBurst: options.floodBurst ?? DEFAULTS.floodBurst,
    floodRate: options.floodRate ?? DEFAULTS.floodRate,
    logMessages: options.logMessages ?? false,
    roomDeadlineMs: options.roomDeadlineMs ?? DEFAULTS.roomDeadlineMs,
    timers: options.timers ?? SYSTEM_TIMERS,
    ipFloodBurst: options.ipFloodBurst ?? DEFAULTS.ipFloodBurst,
    ipFloodRate: options.ipFloodRate ?? DEFAULTS.ipFloodRate,
    joinBurst: options.joinBurst ?? DEFAULTS.joinBurst,
    joinRate: options.joinRate ?? DEFAULTS.joinRate,
    kickMinutes: options.kickMinutes ?? DEFAULTS.kickMinutes,
  };
}

/**
 * The default cap on connections without a nickname (issue 15): half of
 * `maxClients`, so that a flood from many addresses leaves the other half to
 * registered users, but never below 64 (or `maxClients`), so that a small
 * server is not made smaller.
 *
 * @param maxClients The cap on clients.
 * @returns The cap on connections without a nickname.
 */
export function defaultMaxPending(maxClients: number): number {
  return Math.min(maxClients, Math.max(64, Math.floor(maxClients / 2)));
}

/**
 * A random token for the teacher (C2): ten letters and digits, easy to type.
 *
 * @returns The token.
 */
export function randomToken(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
