-- removeSession. ARGV: sessionId. Its index of jobs moves to ended_session_jobs_key for OPEN_TTL_MS, where an abort
-- finds the jobs still open.
local session_id = ARGV[1]
local key = session_key(session_id)
local token = redis.call('HGET', key, 'resumeToken')
if token then
  redis.call('DEL', token_key(token))
end
redis.call('DEL', key, outbox_key(session_id))
local jobs = session_jobs_key(session_id)
if redis.call('EXISTS', jobs) == 1 then
  local ended = ended_session_jobs_key(session_id)
  redis.call('RENAME', jobs, ended)
  set_ttl(ended, OPEN_TTL_MS)
end
