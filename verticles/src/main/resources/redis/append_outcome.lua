-- appendOutcome. ARGV: sessionId, utteranceIndex, frame, atMs, keepMs.
-- Keeps the outcomes of the last keepMs before the socket left (or before atMs while one is attached), at most
-- MAX_RETAINED_PER_SESSION.
local key = session_key(ARGV[1])
local detached_at = redis.call('HGET', key, 'detachedAtMs')
if not detached_at then
  return -- the session ended: nobody can resume it
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
