-- sessionByToken. ARGV: resumeToken. Returns the session's fields and values, or an empty list.
local session_id = redis.call('GET', token_key(ARGV[1]))
if not session_id then
  return {}
end
return redis.call('HGETALL', session_key(session_id))
