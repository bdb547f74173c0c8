-- failover. ARGV: jobId, expectedAttempt, failedNode ('' for none), maxAttempts, pendingDelayMs, clock offsetMs.
-- A job sent back gets its PENDING deadline in pendingDelayMs, on the store's clock: it stands for the job until a
-- placement disarms it.
-- Returns {outcome, the job's fields and values, the node whose slot was freed or nil}.
local job_id = ARGV[1]
local job = job_key(job_id)
local current = redis.call('HMGET', job, 'state', 'attempt', 'excludedNodes', 'turnId')
if not current[1] then
  return {'STALE', {}, false}
end
local attempt = tonumber(current[2])
if attempt ~= tonumber(ARGV[2]) then
  return {'STALE', redis.call('HGETALL', job), false}
end
if not OPEN_STATE[current[1]] then
  return {'WRONG_STATE', redis.call('HGETALL', job), false}
end
local excluded = decode_list(current[3])
local failed_node = ARGV[3]
if failed_node ~= '' then
  local known = false
  for _, n in ipairs(excluded) do
    known = known or n == failed_node
  end
  if not known then
    excluded[#excluded + 1] = failed_node
  end
end
if attempt >= tonumber(ARGV[4]) then
  local done, released = finish_turn_if_done(current[4], job_id, false)
  redis.call('HSET', job, 'state', 'FAILED', 'excludedNodes', encode_list(excluded))
  local failed = redis.call('HGETALL', job)
  if done then
    redis.call('HSET', job, 'audio', '')
    set_ttl(job, FINISHED_TTL_MS)
  end
  return {'EXHAUSTED', failed, released}
end
redis.call('HSET', job, 'attempt', int(attempt + 1), 'state', 'CREATED', 'excludedNodes', encode_list(excluded))
redis.call('HDEL', job, 'nodeId')
arm('PENDING:' .. job_id, int(attempt + 1), now_ms(tonumber(ARGV[6])) + tonumber(ARGV[5]))
-- a job sent back lives OPEN_TTL_MS more, and so does its turn
set_ttl(job, OPEN_TTL_MS)
set_ttl(turn_key(current[4]), OPEN_TTL_MS)
return {'APPLIED', redis.call('HGETALL', job), false}
