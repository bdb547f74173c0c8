-- takeSession. ARGV: sessionId, instanceId. Returns the session as taken, or an empty list when it is gone.
local key = session_key(ARGV[1])
if redis.call('EXISTS', key) == 0 then
  return {}
end
redis.call('HSET', key, 'ownerInstance', ARGV[2], 'detachedAtMs', '0')
expire_session(ARGV[1], SESSION_TTL_MS)
return redis.call('HGETALL', key)
