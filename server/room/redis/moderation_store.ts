/**
 * The teacher's calls on the room in Redis (C2, C3, N4), as typed calls:
 * each one script (`moderation_scripts.ts`) or one command, so each change
 * is atomic. This module knows the replies' shapes; what the node does with
 * them is `moderation.ts`.
 *
 * @module
 */

import type { NoticeKind } from "../../../protocol.ts";
import { nickKey } from "../../../wire/commands.ts";
import type { Admission, Ban, BanKind, Member } from "../room.ts";
import type { RedisCalls } from "./calls.ts";
import { noticeFields } from "./events.ts";

/** A member found for a kick or a ban. */
export interface Target {
  readonly id: string;
  readonly nick: string;
  readonly node: string;
  readonly ip: string;
}

/** The teacher's calls in Redis, for one node. */
export class ModerationStore {
  readonly #calls: RedisCalls;
  readonly #node: string;

  /**
   * @param calls How the calls reach Redis.
   * @param node This node's name in Redis.
   */
  constructor(calls: RedisCalls, node: string) {
    this.#calls = calls;
    this.#node = node;
  }

  /** C2: records that `m` is the teacher. */
  async promote(m: Member): Promise<void> {
    await this.#calls.run("promote", [m.id]);
  }

  /**
   * C3, N4: the member to kick or ban, told to its node; its address kept
   * out (a ban until {@linkcode unban}, a kick for `kickMs`).
   * @param now The time now, or `""` for Redis's clock.
   */
  async target(
    nick: string,
    mode: "kick" | "ban",
    kickMs: number,
    now: string,
  ): Promise<Target | undefined> {
    const r = await this.#calls.run("target", [nickKey(nick), this.#node, mode, kickMs, now]) as
      | [string, string, string, string]
      | null;
    return r === null ? undefined : { id: r[0], nick: r[1], node: r[2], ip: r[3] };
  }

  /** C3: mutes or unmutes a member online: its nickname and its address. */
  async mute(nick: string, on: boolean): Promise<{ nick: string; changed: boolean } | undefined> {
    const r = await this.#calls.run("mute", [nickKey(nick), on ? 1 : 0]) as [string, number] | null;
    return r === null ? undefined : { nick: r[0], changed: r[1] === 1 };
  }

  /** C3: a notice to everyone, into the stream. */
  async notice(kind: NoticeKind, arg: string): Promise<void> {
    await this.#calls.xadd(this.#calls.keys.events, noticeFields(kind, arg));
  }

  /** C3: whether an address may come in; `now` is the time, or `""` for Redis's clock. */
  async admits(ip: string, now: string): Promise<Admission> {
    return await this.#calls.run("admits", [ip, now]) as Admission;
  }

  /** C3: locks or unlocks; whether that changed anything. */
  async lock(on: boolean): Promise<boolean> {
    const k = this.#calls.keys.locked;
    if (on) return await this.#calls.send(["SET", k, "1", "NX"]) !== null;
    return await this.#calls.send(["DEL", k]) === 1;
  }

  /** C3: lifts what `bans` lists for an address or nickname, of `kinds`; what was lifted. */
  async unban(ipOrNick: string, kinds: readonly BanKind[], now: string): Promise<Ban[]> {
    const args = [ipOrNick, nickKey(ipOrNick), now, kinds.join(",")];
    return banList(await this.#calls.run("unban", args) as string[]);
  }

  /** C3: the bans, the kicks still running (with their time left) and the muted addresses. */
  async bans(now: string): Promise<Ban[]> {
    return banList(await this.#calls.run("bans", [now]) as string[]);
  }
}

/** A script's flat list of `kind, ip, nick, leftMs`, read back. */
function banList(r: readonly string[]): Ban[] {
  const out: Ban[] = [];
  for (let i = 0; i + 3 < r.length; i += 4) {
    const [kind, ip, nick, left] = [r[i]!, r[i + 1]!, r[i + 2]!, r[i + 3]!];
    if (kind === "kick") out.push({ ip, nick, kind, leftMs: Number(left) });
    else if (kind === "mute") out.push({ ip, nick, kind });
    else out.push({ ip, nick });
  }
  return out;
}
