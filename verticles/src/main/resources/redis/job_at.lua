-- jobAt. ARGV: sessionId, utteranceIndex. Returns the fields and values of the job the index made (the newest one,
-- should a cut have been made twice), or an empty list.
local newest, newest_at = nil, -1
for _, id in ipairs(redis.call('ZRANGEBYSCORE', session_jobs_key(ARGV[1]), ARGV[2], ARGV[2])) do
  local fields = redis.call('HGETALL', job_key(id))
  if #fields > 0 then
    local at = tonumber(redis.call('HGET', job_key(id), 'createdAtMs') or '0')
    if at > newest_at then
      newest, newest_at = fields, at
    end
  end
end
return newest or {}
