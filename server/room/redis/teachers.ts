/**
 * Who the teachers are, on every node (C2, issue 19.2): the set `teachers`
 * of member ids, added to when a member becomes the teacher; an id whose
 * member is gone is dropped from it when next read. A message to the
 * teachers (`professor:texto` when nobody has that nickname) goes to each
 * as a private message, the way any private message goes.
 *
 * @module
 */

import type { Member, WhisperResult } from "../room.ts";
import type { RedisNode } from "./node.ts";

/** The set's key. */
function teachersKey(node: RedisNode): string {
  return `${node.store.keys.prefix}teachers`;
}

/**
 * Records that `member` is a teacher, after its role was promoted in its record.
 *
 * @param node This node.
 * @param member The new teacher.
 */
export async function addTeacher(node: RedisNode, member: Member): Promise<void> {
  await node.call(() => node.store.command("SADD", teachersKey(node), member.id));
}

/**
 * The nicknames of the teachers online, on every node; gone members are dropped from the set.
 *
 * @param node This node.
 * @returns The nicknames.
 */
export async function teacherNicks(node: RedisNode): Promise<string[]> {
  const key = teachersKey(node);
  const ids = await node.call(() => node.store.command("SMEMBERS", key)) as string[];
  if (ids.length === 0) return [];
  const recs = await node.call(() =>
    node.store.command("HMGET", node.store.keys.members, ...ids)
  ) as (string | null)[];
  const nicks: string[] = [];
  const gone: string[] = [];
  recs.forEach((rec, i) => {
    if (rec === null) gone.push(ids[i]!);
    else nicks.push((JSON.parse(rec) as { n: string }).n);
  });
  if (gone.length > 0) await node.call(() => node.store.command("SREM", key, ...gone));
  return nicks;
}

/**
 * Sends `text` from `from` to every teacher but `from` itself, each as a private message.
 *
 * @param node This node.
 * @param from The sender.
 * @param text The message.
 * @param whisper How one private message is sent (the room's own).
 * @returns How many teachers got it.
 */
export async function toTeachers(
  node: RedisNode,
  from: Member,
  text: string,
  whisper: (from: Member, to: string, text: string) => Promise<WhisperResult>,
): Promise<number> {
  let reached = 0;
  for (const nick of await teacherNicks(node)) {
    if (nick.toLowerCase() === from.nick.toLowerCase()) continue;
    if (await whisper(from, nick, text) === "sent") reached++;
  }
  return reached;
}
