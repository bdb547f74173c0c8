-- takeSession and adoptSession. ARGV: sessionId, instanceId, expectedOwner ('' for any), attach ('1' when a socket
-- attaches). Returns the session as taken, going on past its newest job (nextUtteranceIndex and lastSeq, which a lost
-- owner may not have written), or an empty list when it is gone or owned by another instance than expectedOwner.
-- The session's own lastSeq counts only when it was detached, which cut all it had: an attached owner writes the
-- last chunk it received, whose audio may still have been waiting for a cut when it died.
local session_id = ARGV[1]
local key = session_key(session_id)
local fields = redis.call('HMGET', key, 'ownerInstance', 'nextUtteranceIndex', 'lastSeq', 'detachedAtMs',
  'nextDelivery')
if not fields[2] then
  return {}
end
if ARGV[3] ~= '' and fields[1] ~= ARGV[3] then
  return {}
end
-- past what was delivered too: an index refused at once under overload has an outcome but no job
local next_index = math.max(tonumber(fields[2]), tonumber(fields[5] or '0'))
local last_seq = tonumber(fields[4] or '0') > 0 and tonumber(fields[3] or '-1') or -1
local newest = redis.call('ZREVRANGE', session_jobs_key(session_id), 0, 0, 'WITHSCORES')
if #newest == 2 then
  next_index = math.max(next_index, tonumber(newest[2]) + 1)
  last_seq = math.max(last_seq, tonumber(redis.call('HGET', job_key(newest[1]), 'lastSeq') or '-1'))
end
redis.call('HSET', key, 'ownerInstance', ARGV[2], 'nextUtteranceIndex', int(next_index), 'lastSeq', int(last_seq))
if ARGV[4] == '1' then
  redis.call('HSET', key, 'detachedAtMs', '0')
  expire_session(session_id, SESSION_TTL_MS)
end
return redis.call('HGETALL', key)
