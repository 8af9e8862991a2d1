/**
 * A client turned away at the door (L5, C3): asking the room whether an
 * address may come in, the line a refused client is told (a kicked address
 * hears the minutes left), and a refusal that costs one write and a close,
 * with nothing built for the client.
 *
 * @module
 */

import type { CloseCause } from "./connection.ts";
import type { ByteStream } from "./doors/door.ts";
import { errorName } from "./log.ts";
import { CLOSE_LINES } from "./replies.ts";
import { ErrorCode, errorLine } from "../protocol.ts";
import { encodeAscii } from "../wire/ascii.ts";
import { bounded, type Room } from "./room/room.ts";

/** How the server asks its room about a newcomer. */
export interface RoomAsk {
  /** The room. */
  readonly room: Room;
  /** Milliseconds a remote room has to answer. */
  readonly deadlineMs: number;
  /** Where a room's error is logged. */
  readonly log: (line: string) => void;
}

/**
 * Refuses a client before anything is built for it: its one line, then the
 * close, whether the line could be written or not.
 *
 * @param stream The client's byte stream.
 * @param line The line it is told.
 */
export async function refuse(stream: ByteStream, line: Uint8Array): Promise<void> {
  try {
    await stream.write(line);
  } catch {
    // gone already
  }
  try {
    stream.close();
  } catch {
    // closed already
  }
}

/**
 * C3: whether the room lets `ip` in: a banned or kicked address, or a locked
 * room, is refused; a room that does not answer in time refuses too.
 *
 * @param ask The room, its deadline, the log.
 * @param ip The newcomer's address.
 * @returns `undefined` when it may come in, else why not.
 */
export async function roomRefusal(ask: RoomAsk, ip: string): Promise<CloseCause | undefined> {
  try {
    const admission = await bounded(ask.room, ask.room.admits(ip), ask.deadlineMs, "admits");
    return admission === "ok" ? undefined : admission;
  } catch (e) {
    ask.log(`room error: ${errorName(e)}`);
    return "roomUnavailable";
  }
}

/**
 * The line a refused connection gets; a kicked address is told the minutes
 * left (C3), when the room can say.
 *
 * @param ask The room, its deadline, the log.
 * @param refusal Why it is refused.
 * @param ip Its address.
 * @returns The line, or `undefined` for a close without one.
 */
export async function refusalLine(
  ask: RoomAsk,
  refusal: CloseCause,
  ip: string,
): Promise<Uint8Array | undefined> {
  if (refusal !== "kicked") return CLOSE_LINES[refusal];
  try {
    const bans = await bounded(ask.room, ask.room.bans(), ask.deadlineMs, "bans");
    const left = bans.find((b) => b.ip === ip && b.kind === "kick")?.leftMs;
    if (left !== undefined) {
      const minutes = String(Math.max(1, Math.ceil(left / 60_000)));
      return encodeAscii(errorLine(ErrorCode.forcedClose, "kickedLeft", minutes));
    }
  } catch (e) {
    ask.log(`room error: ${errorName(e)}`);
  }
  return CLOSE_LINES[refusal];
}
