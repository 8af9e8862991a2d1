/**
 * The teacher's calls on the shared room (C2, C3, N4): the role where the
 * other nodes see it, notices, kicks, mutes, bans and the lock, each one
 * script or command in Redis (`moderation_scripts.ts`). A kick keeps the
 * address out for the node's `kickMs`, a ban until `{unban}`, and a mute
 * holds for the address, on every node. A kick or ban of a member of this node
 * removes it here at once; one on another node reaches it through its
 * inbox (`router.ts`). A mute is set here at once too, and on the other
 * nodes from the stream.
 *
 * @module
 */

import type { NoticeKind } from "../../../protocol.ts";
import { type Admission, type Ban, BAN_KINDS, type BanKind, type Member } from "../room.ts";
import type { RedisNode } from "./node.ts";
import type { Target } from "./moderation_store.ts";

/** The teacher's calls, for one node. */
export class RedisModeration {
  readonly #node: RedisNode;

  /** @param node This node. */
  constructor(node: RedisNode) {
    this.#node = node;
  }

  /** C2: the member's role, where the other nodes see it (private messages from muted users). */
  promote(member: Member): Promise<void> {
    return this.#node.call(() => this.#node.store.moderation.promote(member));
  }

  /** C3: a notice to every member on every node. */
  notice(kind: NoticeKind, arg: string): Promise<void> {
    return this.#node.call(() => this.#node.store.moderation.notice(kind, arg));
  }

  /** C3, N4: removes the member wherever it is. */
  async kick(nick: string): Promise<string | undefined> {
    return (await this.#remove(nick, "kick"))?.nick;
  }

  /** C3, N4: mutes or unmutes the member and its address, on the member's node too. */
  async mute(nick: string, on: boolean): Promise<{ nick: string; changed: boolean } | undefined> {
    const done = await this.#node.call(() => this.#node.store.moderation.mute(nick, on));
    const here = this.#node.members.byNick(nick);
    if (done !== undefined && here !== undefined) here.muted = on;
    return done;
  }

  /** C3, N4: removes the member wherever it is and bans its address on every node. */
  async ban(nick: string): Promise<Ban | undefined> {
    const t = await this.#remove(nick, "ban");
    return t === undefined ? undefined : { ip: t.ip, nick: t.nick };
  }

  /** C3: lifts bans, kicks and muted addresses, by address or by the nickname they were made with, on every node. */
  unban(ipOrNick: string, kinds: readonly BanKind[] = BAN_KINDS): Promise<Ban[]> {
    const node = this.#node;
    return node.call(() => node.store.moderation.unban(ipOrNick, kinds, node.now()));
  }

  /** C3: the bans, the kicks still running and the muted addresses, each oldest first. */
  bans(): Promise<Ban[]> {
    return this.#node.call(() => this.#node.store.moderation.bans(this.#node.now()));
  }

  /** C3: locks or unlocks the room on every node. */
  lock(on: boolean): Promise<boolean> {
    return this.#node.call(() => this.#node.store.moderation.lock(on));
  }

  /** C3: whether a connection from `ip` may come in, on any node. */
  admits(ip: string): Promise<Admission> {
    return this.#node.call(() => this.#node.store.moderation.admits(ip, this.#node.now()));
  }

  /** The member to kick or ban, found (its address kept out) in Redis; removed here when it is this node's. */
  async #remove(nick: string, mode: "kick" | "ban"): Promise<Target | undefined> {
    const node = this.#node;
    const t = await node.call(() =>
      node.store.moderation.target(nick, mode, node.kickMs, node.now())
    );
    if (t !== undefined && t.node === this.#node.name) this.#node.members.get(t.id)?.remove();
    return t;
  }
}
