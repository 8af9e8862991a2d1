/**
 * The batch script (P4, issue 23): the Lua that runs a node's batch of
 * members' messages (`batch.ts`) in one script run, one of the `SCRIPTS`
 * (`scripts.ts`, which puts the prelude's helpers before it).
 *
 * @module
 */

/**
 * P4: a batch of members' messages, in the order they were sent, in one
 * script run (several sessions' lines, sent together by `batch.ts`). ARGV:
 * me (this node), then the batch as one string (issue 23: one argument for
 * the whole batch, not several per message): its messages one after the
 * other, each field ended by a line feed (none can hold one: they come
 * from lines). A public message is `p`, id, key, nick, text, histMax (N1,
 * C4: into the stream and the history, from a member that still holds its
 * nickname); a private one is `w` (`W`: to the teacher only), key, then
 * the sender's nickname, the sender's member id, the nickname as typed and
 * the text (S12: its target found and the message put in its node's
 * inbox, this node's own included). Returns the answers as one string,
 * one line each, in order: `1` or `0` (public: published, or the sender no
 * longer holds its nickname); `n` (no such user), `t` (not the teacher) or
 * `r` (in the target's node's inbox). A target and a node's lease are
 * looked up once per batch.
 *
 * The entries are added in the order of the batch's messages (P4, N1),
 * each id from the room's clock (`stamp`), so every node orders its room
 * stream's and its inbox's entries as the messages were sent: public
 * messages one after the other are one stream entry, one field (`t=P
 * b=...`: each message's nick, text and member id, each ended by a line
 * feed; issue 23); private messages one after the other are one entry per
 * target node, one field (`t=w o=ME b=...`: each message's target id then
 * its four fields as they came, each ended by a line feed), added before
 * the next public message's entry and before the script answers (an `OK`
 * means "in the target's node's inbox"). `:a`, `bob:b`, `:c` is three
 * entries; `:a`, `:b`, `bob:c`, `ana:d` is two (three with bob and ana on
 * two nodes).
 */
export const BATCH_SCRIPT = `
local me, b = ARGV[3], ARGV[4]
local out, at, trim = {}, 1, 0
-- Looked up once per batch (P4): nothing in a batch changes them.
local targets, leases, now = {}, {}, nil
-- The private messages since the last public one, each inbox's as one entry, added when a public
-- message (or the batch's end) comes after them: in the order of the batch (P4, N1).
local inboxes, nodes = {}, {}
local find, sub = string.find, string.sub
local function field()
  local e = find(b, '\\n', at, true)
  local v = sub(b, at, e - 1)
  at = e + 1
  return v
end
-- The public messages since the last private one, as one stream entry's field (and the nickname
-- and text of those the history keeps); the history's items, pushed at the end.
local pubs, hist, items, holders = {}, {}, {}, {}
local function flush_pubs()
  if #pubs == 0 then return end
  local xid = event('t', 'P', 'b', table.concat(pubs))
  pubs = {}
  if #hist == 0 then return end
  -- Each item: the entry's milliseconds, the nickname, the text, between line feeds (none can
  -- hold one); no JSON to encode per message (issue 23).
  local ms = string.match(xid, '^(%d+)') .. '\\n'
  for i = 1, #hist, 2 do
    items[#items + 1] = ms .. hist[i] .. '\\n' .. hist[i + 1]
  end
  hist = {}
end
local function flush_inboxes()
  if #nodes == 0 then return end
  for _, node in ipairs(nodes) do
    xadd(k('inbox:') .. node, 't', 'w', 'o', me, 'b', table.concat(inboxes[node]))
  end
  inboxes, nodes = {}, {}
end
-- Who holds each nickname, looked up once per batch (nobody joins or leaves within one).
local function holder(key)
  local id = holders[key]
  if id == nil then
    id = redis.call('HGET', k('nicks'), key)
    holders[key] = id
  end
  return id
end
local function publish(id, key, nick, text, histMax)
  if holder(key) ~= id then return '0' end
  flush_inboxes()
  local n = #pubs
  pubs[n + 1] = nick
  pubs[n + 2] = '\\n'
  pubs[n + 3] = text
  pubs[n + 4] = '\\n'
  pubs[n + 5] = id
  pubs[n + 6] = '\\n'
  if histMax > 0 then
    hist[#hist + 1] = nick
    hist[#hist + 1] = text
    trim = histMax
  end
  return '1'
end
local function target(key)
  local t = targets[key]
  if t == nil then
    t = false
    local id = holder(key)
    local rec = id and redis.call('HGET', k('members'), id)
    if rec then
      local m = cjson.decode(rec)
      t = {id = id, r = m.r, o = m.o}
    end
    targets[key] = t
  end
  return t
end
local function live(node)
  local l = leases[node]
  if l == nil then
    local lease = redis.call('ZSCORE', k('nodes'), node)
    now = now or now_ms()
    l = lease ~= false and tonumber(lease) >= now
    leases[node] = l
  end
  return l
end
-- The message's four fields (from, sender, to, text) are b's bytes [first, at).
local function whisper(key, teacherOnly, first)
  local t = target(key)
  if not t then return 'n' end
  if teacherOnly and t.r ~= 'teacher' then return 't' end
  if t.o ~= me and not live(t.o) then return 'n' end
  flush_pubs()
  local f = inboxes[t.o]
  if not f then
    f = {}
    inboxes[t.o] = f
    nodes[#nodes + 1] = t.o
  end
  f[#f + 1] = t.id
  f[#f + 1] = '\\n'
  f[#f + 1] = sub(b, first, at - 1)
  return 'r'
end
while at <= #b do
  local kind = field()
  if kind == 'p' then
    local id, key, nick, text = field(), field(), field(), field()
    out[#out + 1] = publish(id, key, nick, text, tonumber(field()))
  else
    local key = field()
    local first = at
    for _ = 1, 4 do at = find(b, '\\n', at, true) + 1 end
    out[#out + 1] = whisper(key, kind == 'W', first)
  end
end
flush_inboxes()
flush_pubs()
if #items > 0 then redis.call('RPUSH', k('history'), unpack(items)) end
if trim > 0 then redis.call('LTRIM', k('history'), -trim, -1) end
return table.concat(out, '\\n')
`;
