-- detachSession. ARGV: sessionId, nextUtteranceIndex, lastSeq, atMs, ttlMs (the resume window and a margin), owner
-- ('' for any). Returns the session as detached, or an empty list when it is gone or another instance owns it.
local key = session_key(ARGV[1])
local owner = redis.call('HGET', key, 'ownerInstance')
if not owner or (ARGV[6] ~= '' and owner ~= ARGV[6]) then
  return {}
end
redis.call('HSET', key, 'nextUtteranceIndex', ARGV[2], 'lastSeq', ARGV[3], 'detachedAtMs', ARGV[4])
expire_session(ARGV[1], tonumber(ARGV[5]))
return redis.call('HGETALL', key)
