-- transition. ARGV: jobId, expectedAttempt, nodeId ('' for any node), toState, settle ('1': when applied, also disarm
-- the job's ACK deadline, and its turn's RESULT deadline when the turn's slot is freed), a result to keep with the job
-- until it is delivered ('' for none), then the states it may come from.
-- Returns {outcome, the job's values in JOB_FIELDS order (as HMGET reads them, without its audio; empty when there is
-- no job), the node whose slot was freed or nil, and when applied and the job ended the instance that owns the job's
-- session}. The values go back as read, not as a table of fields: this runs twice for every job.
local job_id, to = ARGV[1], ARGV[4]
local job = job_key(job_id)
local values = redis.call('HMGET', job, unpack(JOB_FIELDS))
local was = values[JOB_AT.state]
if not was then
  return {'STALE', {}, false}
end
if tonumber(values[JOB_AT.attempt]) ~= tonumber(ARGV[2]) or (ARGV[3] ~= '' and ARGV[3] ~= values[JOB_AT.nodeId]) then
  return {'STALE', values, false}
end
local from = {}
for i = 7, #ARGV do
  from[ARGV[i]] = true
end
if not from[was] then
  return {'WRONG_STATE', values, false}
end
values[JOB_AT.state] = to
local turn_id = values[JOB_AT.turnId]
local released = false
local changes = {'state', to}
if ARGV[6] ~= '' then
  changes[3], changes[4] = KEPT_RESULT, ARGV[6]
end
local done = false
if not OPEN_STATE[to] then
  done, released = finish_turn_if_done(turn_id, job_id, to == 'CANCELLED')
end
if done then
  changes[#changes + 1], changes[#changes + 2] = 'audio', ''
end
redis.call('HSET', job, unpack(changes))
if done then
  set_ttl(job, FINISHED_TTL_MS)
end
if ARGV[5] == '1' then
  if was ~= 'ACKED' and released then
    disarm('ACK:' .. job_id, 'RESULT:' .. turn_id)
  elseif was ~= 'ACKED' then
    disarm('ACK:' .. job_id) -- an acked job's went with its ack
  elseif released then
    disarm('RESULT:' .. turn_id)
  end
end
local owner = false
if not OPEN_STATE[to] then
  owner = redis.call('HGET', session_key(values[JOB_AT.sessionId]), 'ownerInstance') -- who delivers the outcome
end
return {'APPLIED', values, released, owner}
