/**
 * What the teacher decided about the room (C3): who is muted (by nickname
 * and by address, so a muted student stays muted after coming back under
 * the same name or another one from the same address), which addresses are
 * kept out for a while after a kick, which are banned, and whether the room
 * is locked. Held in this
 * process's memory for {@linkcode LocalRoom}; a shared engine keeps the same
 * state where every node sees it.
 *
 * @module
 */

import { type Clock, SYSTEM_TIMERS } from "../../common/time.ts";
import { nickKey } from "../../wire/commands.ts";
import { type Admission, type Ban, BAN_KINDS, type BanKind } from "./room.ts";

/** The teacher's decisions about one room. */
export class Moderation {
  readonly #muted = new Set<string>();
  /** Muted addresses, each with the nickname it was muted under. */
  readonly #mutedIps = new Map<string, string>();
  readonly #bans = new Map<string, Ban>();
  /** Addresses kept out after a kick, until a time. */
  readonly #kicks = new Map<string, Ban & { until: number }>();
  readonly #clock: Clock;
  readonly #kickMs: number;
  #locked = false;

  /**
   * @param kickMs How long a kicked user's address stays out, in milliseconds. @default {300000}
   * @param clock The time now. @default {SYSTEM_TIMERS}
   */
  constructor(kickMs = 5 * 60_000, clock: Clock = SYSTEM_TIMERS) {
    this.#kickMs = kickMs;
    this.#clock = clock;
  }

  /** Whether `nick` (in any case), or the address `ip`, is muted. */
  isMuted(nick: string, ip?: string): boolean {
    return this.#muted.has(nickKey(nick)) || (ip !== undefined && this.#mutedIps.has(ip));
  }

  /**
   * Mutes or unmutes a nickname, and the address it is at.
   * @returns Whether that changed anything.
   */
  setMuted(nick: string, on: boolean, ip?: string): boolean {
    const key = nickKey(nick);
    const was = this.isMuted(nick, ip);
    if (on) {
      this.#muted.add(key);
      if (ip !== undefined) this.#mutedIps.set(ip, nick);
    } else {
      this.#muted.delete(key);
      if (ip !== undefined) this.#mutedIps.delete(ip);
      for (const [muted, name] of this.#mutedIps) {
        if (nickKey(name) === key) this.#mutedIps.delete(muted);
      }
    }
    return was !== on;
  }

  /** Keeps a kicked user's address out for the kick's time (C3). */
  kick(ban: Ban): void {
    if (this.#kickMs > 0) {
      this.#kicks.set(ban.ip, { ...ban, until: this.#clock.now() + this.#kickMs });
    }
  }

  /** Bans an address, remembering the nickname it was banned with. */
  ban(ban: Ban): void {
    this.#bans.set(ban.ip, ban);
  }

  /**
   * Lifts what {@linkcode bans} lists for an address, or for the nickname it
   * was recorded under (C3): bans, kicks and muted addresses, of `kinds`. A
   * muted address lifted also frees the nickname it was muted under.
   *
   * @param ipOrNick An address, or a nickname in any case.
   * @param kinds What to lift. @default {["ban", "kick", "mute"]}
   * @returns What was lifted, as {@linkcode bans} listed it; empty when nothing matched.
   */
  unban(ipOrNick: string, kinds: readonly BanKind[] = BAN_KINDS): Ban[] {
    const key = nickKey(ipOrNick);
    const matches = (b: Ban) => b.ip === ipOrNick || nickKey(b.nick) === key;
    const lifted = this.bans().filter((b) => kinds.includes(b.kind ?? "ban") && matches(b));
    for (const b of lifted) {
      if (b.kind === "kick") this.#kicks.delete(b.ip);
      else if (b.kind === "mute") {
        this.#mutedIps.delete(b.ip);
        this.#muted.delete(nickKey(b.nick));
      } else this.#bans.delete(b.ip);
    }
    if (kinds.includes("mute")) this.#muted.delete(key);
    return lifted;
  }

  /** The bans, then the kicks still running and the muted addresses, each with its kind. */
  bans(): Ban[] {
    this.#expire();
    const now = this.#clock.now();
    return [
      ...this.#bans.values(),
      ...[...this.#kicks.values()].map((k) => ({
        ip: k.ip,
        nick: k.nick,
        kind: "kick" as const,
        leftMs: k.until - now,
      })),
      ...[...this.#mutedIps].map(([ip, nick]) => ({ ip, nick, kind: "mute" as const })),
    ];
  }

  #expire(): void {
    const now = this.#clock.now();
    for (const [ip, k] of this.#kicks) if (k.until <= now) this.#kicks.delete(ip);
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
    this.#expire();
    if (this.#kicks.has(ip)) return "kicked";
    return this.#locked ? "locked" : "ok";
  }
}
