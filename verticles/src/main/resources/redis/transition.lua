-- transition. ARGV: jobId, expectedAttempt, nodeId ('' for any node), toState, settle ('1': when applied, also disarm
-- the job's ACK deadline, and its turn's RESULT deadline when the turn's slot is freed), then the states it may come
-- from.
-- Returns {outcome, the job's fields and values (without its audio), the node whose slot was freed or nil, and when applied the
-- instance that owns the job's session}.
local job_id, to = ARGV[1], ARGV[4]
local job = job_key(job_id)
local current = redis.call('HMGET', job, 'state', 'attempt', 'nodeId', 'turnId', 'sessionId')
if not current[1] then
  return {'STALE', {}, false}
end
if tonumber(current[2]) ~= tonumber(ARGV[2]) or (ARGV[3] ~= '' and ARGV[3] ~= current[3]) then
  return {'STALE', job_without_audio(job), false}
end
local from = {}
for i = 6, #ARGV do
  from[ARGV[i]] = true
end
if not from[current[1]] then
  return {'WRONG_STATE', job_without_audio(job), false}
end
redis.call('HSET', job, 'state', to)
local changed = job_without_audio(job)
local turn_id = current[4]
if to == 'CANCELLED' and redis.call('EXISTS', turn_key(turn_id)) == 1 then
  redis.call('HSET', turn_key(turn_id), 'closed', '1') -- a cancelled turn takes no more jobs
end
local released = false
if OPEN_STATE[to] then
  -- a job still open already has its TTLs and its place among the open turns, set when it was made or placed
  if not OPEN_STATE[current[1]] then
    keep_open(job_id, turn_id)
    index_open_turn(turn_id)
  end
else
  released = finish_turn_if_done(turn_id)
end
if ARGV[5] == '1' then
  disarm('ACK:' .. job_id)
  if released then
    disarm('RESULT:' .. turn_id)
  end
end
local owner = redis.call('HGET', session_key(current[5]), 'ownerInstance')
return {'APPLIED', changed, released, owner}
