-- detachSession. ARGV: sessionId, nextUtteranceIndex, lastSeq, atMs, ttlMs (the resume window and a margin).
-- Returns the session as detached, or an empty list when it is gone.
local key = session_key(ARGV[1])
if redis.call('EXISTS', key) == 0 then
  return {}
end
redis.call('HSET', key, 'nextUtteranceIndex', ARGV[2], 'lastSeq', ARGV[3], 'detachedAtMs', ARGV[4])
expire_session(ARGV[1], tonumber(ARGV[5]))
return redis.call('HGETALL', key)
