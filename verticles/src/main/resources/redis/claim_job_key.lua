-- claimJobKey. ARGV: key, jobId, ttlMs, nowMs. Returns the job id holding the key. The expiry is kept in the value,
-- on the store's clock; the key's own TTL, a little longer, only frees the memory.
local key = job_key_key(ARGV[1])
local now = tonumber(ARGV[4])
local claim = redis.call('GET', key)
if claim then
  local expires_at, job_id = string.match(claim, '^(%S+) (.*)$')
  if tonumber(expires_at) > now then
    return job_id
  end
end
local ttl = tonumber(ARGV[3])
redis.call('SET', key, int(now + ttl) .. ' ' .. ARGV[2], 'PX', int(ttl + JOB_KEY_TTL_MARGIN_MS))
return ARGV[2]
