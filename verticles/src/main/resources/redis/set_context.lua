-- setContext. ARGV: sessionId, then the context text (none for null).
local key = session_key(ARGV[1])
if redis.call('EXISTS', key) == 0 then
  return
end
if ARGV[2] then
  redis.call('HSET', key, 'contextText', ARGV[2])
else
  redis.call('HDEL', key, 'contextText')
end
