/**
 * The Lua scripts of the teacher's decisions on the shared room (C3, N4):
 * kicks and bans, mutes by nickname and by address, what `{bans}` lists and
 * `{unban}` lifts, and whether an address may come in. Each runs with the
 * prelude of `scripts.ts` (`k`, `now_ms`, `event`, `xadd`: every entry's id from the room's clock, P4), and is one of its
 * `SCRIPTS`; the keys are laid out in `keys.ts`:
 *
 * - `bans`: IP -> `SEQ|nick` (until `{unban}`);
 * - `kicks`: IP -> `UNTIL|SEQ|nick`, `UNTIL` in milliseconds of the room's
 *   clock; a kick whose time is up is dropped when it is next read;
 * - `mutedips`: IP -> `SEQ|nick`, the addresses muted, with the nickname
 *   they were muted under; `muted`: the nicknames muted, in lower case.
 *
 * The room's clock is Redis's (`TIME`), one clock for every node; a script
 * given a time (`now`, a test's clock) uses that one instead.
 *
 * @module
 */

/** Helpers every moderation script starts with, after the prelude. */
const MODERATION_PRELUDE = `
local function clock(given)
  if given ~= nil and given ~= '' then return tonumber(given) end
  return now_ms()
end
-- The member holding a nickname key, as recorded, or nil.
local function member(key)
  local id = redis.call('HGET', k('nicks'), key)
  if not id then return nil end
  local rec = redis.call('HGET', k('members'), id)
  if not rec then return nil end
  local m = cjson.decode(rec)
  m.id = id
  return m
end
-- A kick's time, or nil once it is up (then it is dropped).
local function kick_until(ip, v, now)
  local t = tonumber(string.match(v, '^(%d+)|'))
  if t > now then return t end
  redis.call('HDEL', k('kicks'), ip)
  return nil
end
local HASHES = {ban = 'bans', kick = 'kicks', mute = 'mutedips'}
-- What {bans} lists of the kinds asked (a comma list), each kind oldest first:
-- rows {seq, kind, ip, nick, leftMs} (leftMs empty but for a kick), kicks whose time is up dropped.
local function listed(kinds, now)
  local rows = {}
  for _, kind in ipairs({'ban', 'kick', 'mute'}) do
    if string.find(',' .. kinds .. ',', ',' .. kind .. ',', 1, true) then
      local all = redis.call('HGETALL', k(HASHES[kind]))
      local some = {}
      for i = 1, #all, 2 do
        local ip, v = all[i], all[i + 1]
        local left, live = '', true
        if kind == 'kick' then
          local t = kick_until(ip, v, now)
          live = t ~= nil
          if live then left = tostring(t - now) end
          v = string.match(v, '^%d+|(.*)$')
        end
        if live then
          local seq, nick = string.match(v, '^(%d+)|(.*)$')
          some[#some + 1] = {tonumber(seq), kind, ip, nick, left}
        end
      end
      table.sort(some, function(a, b) return a[1] < b[1] end)
      for _, r in ipairs(some) do rows[#rows + 1] = r end
    end
  end
  return rows
end
-- Rows of listed(), as the scripts return them: a flat list of kind, ip, nick, leftMs.
local function flat(rows)
  local out = {}
  for _, r in ipairs(rows) do
    for j = 2, 5 do out[#out + 1] = r[j] end
  end
  return out
end
`;

/** The moderation scripts, by name: `ARGV[3]` on are each script's own arguments. */
export const MODERATION_SCRIPTS = {
  /**
   * C3, N4: finds the member to kick or ban, keeps its address out (a ban
   * until `{unban}`, a kick for `kickMs`; 0: not at all), and tells its node
   * to remove it. ARGV: key, me, mode (`kick`|`ban`), kickMs, now (empty:
   * Redis's clock). Returns nil, or `{id, nick, node, ip}`.
   */
  target: MODERATION_PRELUDE + `
local key, me, mode, kickMs = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local m = member(key)
if not m then return false end
if mode == 'ban' then
  redis.call('HSET', k('bans'), m.i, redis.call('INCR', k('seq')) .. '|' .. m.n)
elseif kickMs > 0 then
  local until_ = clock(ARGV[7]) + kickMs
  redis.call('HSET', k('kicks'), m.i, until_ .. '|' .. redis.call('INCR', k('seq')) .. '|' .. m.n)
end
if m.o ~= me then
  xadd(k('inbox:') .. m.o, 't', 'k', 'i', m.id)
end
return {m.id, m.n, m.o, m.i}
`,
  /**
   * C3: mutes or unmutes a member online: its nickname and its address (a
   * mute holds for the address under any nickname). Unmuting also lifts the
   * mute of every address muted under that nickname. ARGV: key, on (0|1).
   * Returns nil or `{nick, changed}`.
   */
  mute: MODERATION_PRELUDE + `
local key, on = ARGV[3], ARGV[4] == '1'
local m = member(key)
if not m then return false end
local was = redis.call('SISMEMBER', k('muted'), key) == 1
  or redis.call('HEXISTS', k('mutedips'), m.i) == 1
if on then
  redis.call('SADD', k('muted'), key)
  local old = redis.call('HGET', k('mutedips'), m.i)
  local seq = old and string.match(old, '^(%d+)|') or redis.call('INCR', k('seq'))
  redis.call('HSET', k('mutedips'), m.i, seq .. '|' .. m.n)
else
  redis.call('SREM', k('muted'), key)
  redis.call('HDEL', k('mutedips'), m.i)
  local all = redis.call('HGETALL', k('mutedips'))
  for i = 1, #all, 2 do
    if string.lower(string.match(all[i + 1], '|(.*)$')) == key then
      redis.call('HDEL', k('mutedips'), all[i])
    end
  end
end
mark_muted(m.id, on)
event('t', 'm', 'k', key, 'o', on and '1' or '0')
return {m.n, was ~= on and 1 or 0}
`,
  /**
   * C3: whether an address may come in. ARGV: ip, now (empty: Redis's
   * clock). Returns `ok`, `banned`, `kicked` or `locked`.
   */
  admits: MODERATION_PRELUDE + `
local ip = ARGV[3]
if redis.call('HEXISTS', k('bans'), ip) == 1 then return 'banned' end
local kick = redis.call('HGET', k('kicks'), ip)
if kick and kick_until(ip, kick, clock(ARGV[4])) then return 'kicked' end
if redis.call('EXISTS', k('locked')) == 1 then return 'locked' end
return 'ok'
`,
  /**
   * C3: lifts what `{bans}` lists for an address, or for the nickname it was
   * recorded under: bans, kicks still running, muted addresses (a muted
   * address lifted frees its nickname too), of the kinds asked. Every member
   * online at a muted address lifted, its own nickname not muted, may speak
   * again: its node is told (`t=m`) and so is the room (`unmuted`). ARGV:
   * ipOrNick, the nickname key of it, now, kinds (`ban,kick,mute`). Returns
   * what was lifted as `bans` lists it: a flat list of `kind, ip, nick, leftMs`.
   */
  unban: MODERATION_PRELUDE + `
local arg, key, kinds = ARGV[3], ARGV[4], ARGV[6]
local lifted, freed = {}, {}
for _, r in ipairs(listed(kinds, clock(ARGV[5]))) do
  local kind, ip, nick = r[2], r[3], r[4]
  if ip == arg or string.lower(nick) == key then
    redis.call('HDEL', k(HASHES[kind]), ip)
    if kind == 'mute' then
      redis.call('SREM', k('muted'), string.lower(nick))
      freed[ip] = true
    end
    lifted[#lifted + 1] = r
  end
end
if string.find(',' .. kinds .. ',', ',mute,', 1, true) then redis.call('SREM', k('muted'), key) end
if next(freed) then
  local members = redis.call('HGETALL', k('members'))
  for i = 1, #members, 2 do
    local m = cjson.decode(members[i + 1])
    -- Only one muted there is freed: one who spoke all along (a class behind one NAT) is not told.
    if freed[m.i] and m.u == 1 and redis.call('SISMEMBER', k('muted'), m.k) == 0 then
      mark_muted(members[i], false)
      event('t', 'm', 'k', m.k, 'o', '0')
      event('t', 'n', 'k', 'unmuted', 'a', m.n)
    end
  end
end
return flat(lifted)
`,
  /**
   * C3: what `{bans}` lists: the bans, the kicks still running and the muted
   * addresses, each oldest first. ARGV: now. Returns a flat list of
   * `kind, ip, nick, leftMs` (`leftMs` empty but for a kick).
   */
  bans: MODERATION_PRELUDE + `
return flat(listed('ban,kick,mute', clock(ARGV[3])))
`,
} as const;
