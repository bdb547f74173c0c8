-- putSession. ARGV: sessionId, resumeToken, ttlMs, then the session's fields and values.
local session_id = ARGV[1]
local key = session_key(session_id)
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, 4))
redis.call('SET', token_key(ARGV[2]), session_id)
expire_session(session_id, tonumber(ARGV[3]))
