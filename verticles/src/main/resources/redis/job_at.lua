-- jobAt. ARGV: sessionId, utteranceIndex. Returns the job's fields and values, or an empty list.
local ids = redis.call('ZRANGEBYSCORE', session_jobs_key(ARGV[1]), ARGV[2], ARGV[2])
if #ids == 0 then
  return {}
end
return redis.call('HGETALL', job_key(ids[#ids]))
