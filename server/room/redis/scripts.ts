/**
 * The Lua scripts that make each room change atomic in Redis (N1-N4): a
 * script runs alone, so a nickname is claimed once (N2), a dead node is
 * reaped once (N3), and a message enters the one ordered stream together
 * with its history entry. Every script takes the key prefix as `ARGV[1]` and
 * the stream's length bound as `ARGV[2]`, and builds key names as
 * `keys.ts` lays them out (one Redis, not a Cluster). They are run by
 * EVALSHA, and by EVAL when Redis does not know them (after a restart).
 *
 * Every entry they add to the room's stream or to a node's inbox takes its
 * id from the room's one clock (`stamp`, `xadd`; P4): the ids order the
 * entries of all those streams as they were added, so each node can merge
 * its two streams (`router.ts`) and a sender's public and private messages
 * arrive in the order sent. A run reads the clock at its first entry and
 * writes it once, as it ends.
 *
 * @module
 */

import { BATCH_SCRIPT } from "./batch_script.ts";
import { MODERATION_SCRIPTS } from "./moderation_scripts.ts";

/** Helpers every script starts with: key names, claiming and dropping a member. */
export const PRELUDE = `
local P, MAXLEN = ARGV[1], ARGV[2]
local function k(name) return P .. name end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- P4, N1: one clock for every entry of the room's streams (the room's and every inbox): each
-- entry's id is taken from the counter key 'clock' ('MS-SEQ': Redis's TIME in ms, or the last id's ms
-- while TIME is behind it, and a sequence within that ms), so that the ids of entries in different
-- streams order them as they were added, even within one millisecond. The counter is read once per
-- script run, at its first entry, and written once, as the run ends (Scripts.load).
local stamp_ms, stamp_seq
local function stamp()
  if stamp_ms == nil then
    stamp_ms, stamp_seq = now_ms(), -1
    local last = redis.call('GET', k('clock'))
    if last then
      local ms, seq = string.match(last, '^(%d+)-(%d+)$')
      ms, seq = tonumber(ms), tonumber(seq)
      if ms and ms >= stamp_ms then stamp_ms, stamp_seq = ms, seq end
    end
  end
  stamp_seq = stamp_seq + 1
  return string.format('%d-%d', stamp_ms, stamp_seq)
end
-- Adds an entry to stream 'key' under the clock's next id. Should the stream already hold a later
-- id (written by a version before the clock, or a run that failed before it wrote the clock), the
-- entry takes Redis's own ('*', after that one) and the clock goes on from it: never an error.
local function xadd(key, ...)
  local id = redis.pcall('XADD', key, 'MAXLEN', '~', MAXLEN, stamp(), ...)
  if type(id) == 'table' and id.err then
    id = redis.call('XADD', key, 'MAXLEN', '~', MAXLEN, '*', ...)
    local ms, seq = string.match(id, '^(%d+)-(%d+)$')
    stamp_ms, stamp_seq = tonumber(ms), tonumber(seq)
  end
  return id
end
local function event(...)
  return xadd(k('events'), ...)
end
-- C3: whether a member coming in is muted, under its nickname or from an address muted under any.
local function muted_by(key, ip)
  return redis.call('SISMEMBER', k('muted'), key) == 1
    or redis.call('HEXISTS', k('mutedips'), ip) == 1
end
-- A member's record: u = 1 while it is muted (C3: who at an address lifted was muted, told it may speak).
local function record(id, key, nick, role, node, ip, muted)
  local rec = {k = key, n = nick, r = role, o = node, i = ip}
  if muted then rec.u = 1 end
  redis.call('HSET', k('members'), id, cjson.encode(rec))
end
-- Marks a member online muted or not in its record (C3).
local function mark_muted(id, on)
  local rec = redis.call('HGET', k('members'), id)
  if not rec then return end
  local m = cjson.decode(rec)
  m.u = on and 1 or nil
  redis.call('HSET', k('members'), id, cjson.encode(m))
end
-- Claims a nickname for a member; whether it comes in muted.
local function claim(id, key, nick, role, node, ip)
  local muted = muted_by(key, ip)
  redis.call('HSET', k('nicks'), key, id)
  record(id, key, nick, role, node, ip, muted)
  redis.call('ZADD', k('order'), redis.call('INCR', k('seq')), id)
  redis.call('SADD', k('node:') .. node, id)
  return muted
end
-- Removes a member's record; announces it gone when it still held its nickname.
local function drop(id, removed)
  local rec = redis.call('HGET', k('members'), id)
  if not rec then return false end
  local m = cjson.decode(rec)
  redis.call('HDEL', k('members'), id)
  redis.call('ZREM', k('order'), id)
  redis.call('SREM', k('node:') .. m.o, id)
  if redis.call('HGET', k('nicks'), m.k) ~= id then return false end
  redis.call('HDEL', k('nicks'), m.k)
  event('t', 'l', 'n', m.n, 'i', id, 'r', removed, 'c', redis.call('ZCARD', k('order')))
  return true
end
`;

/**
 * How every script ends: its body runs as a function, then the room's clock
 * is written once if the run took ids from it (P4: one write per run, not
 * per entry), then the body's reply is returned.
 */
const EPILOGUE = `
local reply = main()
if stamp_ms ~= nil then
  redis.call('SET', k('clock'), string.format('%d-%d', stamp_ms, stamp_seq))
end
return reply
`;

/** The scripts, by name: `ARGV[3]` on are each script's own arguments. */
export const SCRIPTS = {
  /**
   * N2: claims a nickname and announces the join, or refuses it.
   * ARGV: id, key, nick, role, node, ip, entryMax, histMax.
   * Returns `{-1}` (this node has no lease), `{0}` (taken), or
   * `{1, muted, joinId, total, firstNicks, history}`.
   */
  join: `
local id, key, nick, role, node, ip = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local entryMax, histMax = tonumber(ARGV[9]), tonumber(ARGV[10])
if not redis.call('ZSCORE', k('nodes'), node) then return {-1} end
if redis.call('HEXISTS', k('nicks'), key) == 1 then return {0} end
-- C3: muted under this nickname, or from an address muted under any (moderation_scripts.ts).
local muted = claim(id, key, nick, role, node, ip) and 1 or 0
local jid = event('t', 'j', 'n', nick, 'i', id, 'c', redis.call('ZCARD', k('order')))
local names = {}
local ids = redis.call('ZRANGE', k('order'), 0, entryMax - 1)
if #ids > 0 then
  for _, rec in ipairs(redis.call('HMGET', k('members'), unpack(ids))) do
    if rec then names[#names + 1] = cjson.decode(rec).n end
  end
end
local hist = {}
if histMax > 0 then hist = redis.call('LRANGE', k('history'), -histMax, -1) end
return {1, muted, jid, redis.call('ZCARD', k('order')), names, hist}
`,
  /** Lets a member go and announces it. ARGV: id, removed (0|1). Returns 1 when it was in. */
  leave: `
return drop(ARGV[3], ARGV[4]) and 1 or 0
`,
  /** P4: a batch of members' messages, in order, in one run ({@linkcode BATCH_SCRIPT}). */
  batch: BATCH_SCRIPT,
  /**
   * Adds one entry to a stream (a notice to the room, an ack to a node's
   * inbox) under the room's clock (P4: ordered with every other entry).
   * ARGV: the stream's whole key, then the entry's fields, name then value.
   * Returns the entry's id.
   */
  add: `
return xadd(ARGV[3], unpack(ARGV, 4))
`,
  /** C2: records that a member is the teacher. ARGV: id. */
  promote: `
local rec = redis.call('HGET', k('members'), ARGV[3])
if not rec then return 0 end
local m = cjson.decode(rec)
m.r = 'teacher'
redis.call('HSET', k('members'), ARGV[3], cjson.encode(m))
return 1
`,
  /** X1: every nickname, in join order. */
  nicks: `
local ids = redis.call('ZRANGE', k('order'), 0, -1)
local out = {}
for i = 1, #ids, 1000 do
  local recs = redis.call('HMGET', k('members'), unpack(ids, i, math.min(i + 999, #ids)))
  for _, rec in ipairs(recs) do
    if rec then out[#out + 1] = cjson.decode(rec).n end
  end
end
return out
`,
  /**
   * N3: renews this node's lease and reaps every node whose lease ran out:
   * the node leaves the lease set in the same step as its members are
   * dropped and announced, so each is announced once. ARGV: me, leaseMs.
   * Returns `{had, nodesReaped, membersAnnounced}` (`had` 0: this node had lost its lease).
   */
  renew: `
local me, lease = ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local had = redis.call('ZSCORE', k('nodes'), me)
redis.call('ZADD', k('nodes'), now + lease, me)
local dead = redis.call('ZRANGEBYSCORE', k('nodes'), '-inf', now, 'LIMIT', 0, 16)
local gone = 0
for _, d in ipairs(dead) do
  redis.call('ZREM', k('nodes'), d)
  for _, id in ipairs(redis.call('SMEMBERS', k('node:') .. d)) do
    if drop(id, '0') then gone = gone + 1 end
  end
  redis.call('DEL', k('node:') .. d, k('inbox:') .. d)
end
return {had and 1 or 0, #dead, gone}
`,
  /**
   * N5: after an outage, this node takes its lease and its users back:
   * records of members it no longer holds are dropped, each member it holds
   * keeps or re-claims its nickname, or is listed as taken. ARGV: me,
   * leaseMs, mode (`auto`: announce each member whose nickname it claims
   * again, since only a reaper, which announced it gone, drops a live
   * member's record; whether the lease held says nothing of that, as a
   * renewal sent into a stalled Redis may have put it back just before, field
   * test; `quiet`: never, Redis lost the room and nobody saw them go), then
   * id, key, nick, role, ip for each member. Returns `{had, takenIds, lastId}`:
   * the room stream's last entry once it is done, which the reclaim answers
   * (and every entry before it).
   */
  reclaim: `
local me, lease, mode = ARGV[3], tonumber(ARGV[4]), ARGV[5]
local had = redis.call('ZSCORE', k('nodes'), me)
redis.call('ZADD', k('nodes'), now_ms() + lease, me)
local announce = mode == 'auto'
local live = {}
for i = 6, #ARGV, 5 do live[ARGV[i]] = true end
for _, id in ipairs(redis.call('SMEMBERS', k('node:') .. me)) do
  if not live[id] then drop(id, '0') end
end
local taken = {}
for i = 6, #ARGV, 5 do
  local id, key, nick, role, ip = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local owner = redis.call('HGET', k('nicks'), key)
  if owner == id then
    local old = redis.call('HGET', k('members'), id)
    local muted = (old and cjson.decode(old).u == 1) or (not old and muted_by(key, ip))
    record(id, key, nick, role, me, ip, muted)
    redis.call('SADD', k('node:') .. me, id)
    if not redis.call('ZSCORE', k('order'), id) then
      redis.call('ZADD', k('order'), redis.call('INCR', k('seq')), id)
    end
  elseif not owner then
    claim(id, key, nick, role, me, ip)
    if announce then event('t', 'j', 'n', nick, 'i', id, 'c', redis.call('ZCARD', k('order'))) end
  else
    drop(id, '0')
    taken[#taken + 1] = id
  end
end
local last = redis.call('XREVRANGE', k('events'), '+', '-', 'COUNT', 1)[1]
return {had and 1 or 0, taken, last and last[1] or '0-0'}
`,
  /** Leaves the room for good (shutdown): the lease, the members left, the inbox. ARGV: me. */
  goodbye: `
local me = ARGV[3]
redis.call('ZREM', k('nodes'), me)
local gone = 0
for _, id in ipairs(redis.call('SMEMBERS', k('node:') .. me)) do
  if drop(id, '0') then gone = gone + 1 end
end
redis.call('DEL', k('node:') .. me, k('inbox:') .. me)
return gone
`,
  ...MODERATION_SCRIPTS,
} as const;

/** The name of one of the {@linkcode SCRIPTS}. */
export type ScriptName = keyof typeof SCRIPTS;

/** Sends one command to Redis and resolves with its reply. */
export type Send = (args: readonly string[]) => Promise<unknown>;

/** The scripts with their SHA-1 digests, run by EVALSHA with EVAL as the fallback. */
export class Scripts {
  readonly #sources = new Map<ScriptName, string>();
  readonly #shas = new Map<ScriptName, string>();

  private constructor() {}

  /** Prepares every script (its source with the prelude, and its digest). */
  static async load(): Promise<Scripts> {
    const scripts = new Scripts();
    for (const [name, body] of Object.entries(SCRIPTS) as [ScriptName, string][]) {
      const source = `${PRELUDE}local function main()\n${body}\nend\n${EPILOGUE}`;
      const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(source));
      const sha = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"));
      scripts.#sources.set(name, source);
      scripts.#shas.set(name, sha.join(""));
    }
    return scripts;
  }

  /** A script's source, with the prelude (for `SCRIPT LOAD`). */
  source(name: ScriptName): string {
    return this.#sources.get(name)!;
  }

  /**
   * Runs a script.
   *
   * @param send How to send a command.
   * @param name The script.
   * @param args Its arguments, from `ARGV[1]` (the prefix) on.
   * @returns The script's reply.
   */
  async run(send: Send, name: ScriptName, args: readonly string[]): Promise<unknown> {
    try {
      return await send(["EVALSHA", this.#shas.get(name)!, "0", ...args]);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith("NOSCRIPT")) throw e;
      return await send(["EVAL", this.#sources.get(name)!, "0", ...args]);
    }
  }
}
