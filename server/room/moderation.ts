/**
 * What the teacher decided about the room (C3): who is muted (by nickname,
 * so a muted student stays muted after coming back under the same name),
 * which addresses are banned, and whether the room is locked. Held in this
 * process's memory for {@linkcode LocalRoom}; a shared engine keeps the same
 * state where every node sees it.
 *
 * @module
 */

import { nickKey } from "../../wire/commands.ts";
import type { Admission, Ban } from "./room.ts";

/** The teacher's decisions about one room. */
export class Moderation {
  readonly #muted = new Set<string>();
  readonly #bans = new Map<string, Ban>();
  #locked = false;

  /** Whether `nick` is muted (in any case). */
  isMuted(nick: string): boolean {
    return this.#muted.has(nickKey(nick));
  }

  /**
   * Mutes or unmutes a nickname.
   * @returns Whether that changed anything.
   */
  setMuted(nick: string, on: boolean): boolean {
    const key = nickKey(nick);
    if (this.#muted.has(key) === on) return false;
    if (on) this.#muted.add(key);
    else this.#muted.delete(key);
    return true;
  }

  /** Bans an address, remembering the nickname it was banned with. */
  ban(ban: Ban): void {
    this.#bans.set(ban.ip, ban);
  }

  /** @returns Whether the address was banned. */
  unban(ip: string): boolean {
    return this.#bans.delete(ip);
  }

  /** The bans, oldest first. */
  bans(): Ban[] {
    return [...this.#bans.values()];
  }

  /**
   * Locks or unlocks.
   * @returns Whether that changed anything.
   */
  setLocked(on: boolean): boolean {
    if (this.#locked === on) return false;
    this.#locked = on;
    return true;
  }

  /** Whether a connection from `ip` may come in. */
  admits(ip: string): Admission {
    if (this.#bans.has(ip)) return "banned";
    return this.#locked ? "locked" : "ok";
  }
}
