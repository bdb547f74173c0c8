-- addJob. ARGV: jobId, turnId, sessionId, utteranceIndex, closesTurn ('1' or '0'), then the job's fields and values.
-- Makes the turn on its first job, in the job's languages; a job joining a placed turn rides on the turn's node.
-- Returns the turn's fields and values.
local job_id, turn_id, session_id, index = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local job = job_key(job_id)
redis.call('DEL', job)
redis.call('HSET', job, unpack(ARGV, 6))

local turn = turn_key(turn_id)
if redis.call('EXISTS', turn) == 0 then
  redis.call('HSET', turn, 'turnId', turn_id, 'sessionId', session_id, 'epoch', '0', 'jobIds', '[]')
  local langs = redis.call('HMGET', job, 'srcLang', 'tgtLang')
  if langs[1] then
    redis.call('HSET', turn, 'srcLang', langs[1])
  end
  if langs[2] then
    redis.call('HSET', turn, 'tgtLang', langs[2])
  end
end
local job_ids = decode_list(redis.call('HGET', turn, 'jobIds'))
job_ids[#job_ids + 1] = job_id
redis.call('HSET', turn, 'jobIds', encode_list(job_ids), 'closed', ARGV[5])

local node_id = redis.call('HGET', turn, 'nodeId')
if node_id then
  redis.call('HSET', job, 'nodeId', node_id)
end
keep_open(job_id, turn_id)
if OPEN_STATE[redis.call('HGET', job, 'state')] then
  index_open_turn(turn_id)
end

local jobs = session_jobs_key(session_id)
redis.call('ZREMRANGEBYSCORE', jobs, index, index)
redis.call('ZADD', jobs, index, job_id)
redis.call('ZREMRANGEBYRANK', jobs, 0, -(MAX_INDEXED_JOBS_PER_SESSION + 1))
follow_ttl(jobs, session_key(session_id), OPEN_TTL_MS)
return redis.call('HGETALL', turn)
