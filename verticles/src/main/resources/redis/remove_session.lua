-- removeSession. ARGV: sessionId. Its open-turn set stays: its turns may still have open jobs.
local key = session_key(ARGV[1])
local token = redis.call('HGET', key, 'resumeToken')
if token then
  redis.call('DEL', token_key(token))
end
redis.call('DEL', key, outbox_key(ARGV[1]), session_jobs_key(ARGV[1]))
