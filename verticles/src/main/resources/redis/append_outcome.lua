-- appendOutcome. ARGV: sessionId, utteranceIndex, frame, atMs, keepMs, owner ('' for any), and optionally the
-- session's new context text.
-- Keeps the outcomes of the last keepMs before the socket left (or before atMs while one is attached), at most
-- MAX_RETAINED_PER_SESSION, and moves nextDelivery past the index. Returns 0, keeping nothing, when another instance
-- than owner holds the session's lease; else 1.
local key = session_key(ARGV[1])
local fields = redis.call('HMGET', key, 'detachedAtMs', 'ownerInstance', 'nextDelivery')
local detached_at = fields[1]
if not detached_at then
  return 1 -- the session ended: nobody can resume it
end
if ARGV[6] ~= '' and fields[2] ~= ARGV[6] then
  return 0
end
if ARGV[7] then
  redis.call('HSET', key, 'contextText', ARGV[7])
end
local index = tonumber(ARGV[2])
if index + 1 > tonumber(fields[3] or '0') then
  redis.call('HSET', key, 'nextDelivery', int(index + 1))
end
local box = outbox_key(ARGV[1])
redis.call('RPUSH', box, ARGV[2] .. ' ' .. ARGV[4] .. ' ' .. ARGV[3])
local at = tonumber(ARGV[4])
local horizon = at
detached_at = tonumber(detached_at)
if detached_at > 0 then
  horizon = math.min(at, detached_at)
  follow_ttl(box, key, 0)
else
  expire_session(ARGV[1], SESSION_TTL_MS)
end
local oldest_kept = horizon - tonumber(ARGV[5])
while true do
  local first = redis.call('LINDEX', box, 0)
  if not first then
    break
  end
  local first_at = tonumber(string.match(first, '^%S+ (%S+) '))
  if first_at >= oldest_kept and redis.call('LLEN', box) <= MAX_RETAINED_PER_SESSION then
    break
  end
  redis.call('LPOP', box)
end
return 1
