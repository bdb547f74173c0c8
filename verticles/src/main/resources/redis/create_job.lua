-- createJob: claimJobKey and addJob in one, on the store's clock, then what the plan says:
--   PLACE: a turn this job makes goes on the first candidate with room (tryReserve and bindTurn);
--   SEND: the job goes on its turn's node, when the turn is still on expectedNode in expectedEpoch;
--   NONE: nothing more.
-- A job put on its turn's node this way is DISPATCHED with its ACK deadline armed in ackDelayMs; a PLACE that closes
-- the turn also arms its RESULT deadline in resultDelayMs (unless negative).
-- ARGV: key, keyTtlMs, clock offsetMs, jobId, turnId, sessionId, utteranceIndex, closesTurn ('1' or '0'), plan,
-- ackDelayMs, resultDelayMs, expectedNode, expectedEpoch, the count of candidates, each candidate's nodeId and connId,
-- then the job's fields and values (its createdAtMs is set here).
-- Returns {the key's holder}, and when that is this job also its createdAtMs, its state, its turn's fields and its
-- session's context text (nil when it has none). A call made again after one that ran (its answer lost) changes
-- nothing and returns the same as stored now, with the job's fields and values (its attempt may have moved on
-- meanwhile); {holder} alone when the job is gone.
local job_id, turn_id, session_id = ARGV[4], ARGV[5], ARGV[6]
local now = now_ms(tonumber(ARGV[3]))
local holder, claimed = claim_job_key(ARGV[1], job_id, tonumber(ARGV[2]), now)
if holder ~= job_id then
  return {holder}
end
if not claimed then
  local stored = read_hash(job_key(job_id), JOB_FIELDS)
  if not stored.state then
    return {holder}
  end
  return {holder, stored.createdAtMs, stored.state, flat(read_hash(turn_key(turn_id), TURN_FIELDS), TURN_FIELDS),
    redis.call('HGET', session_key(session_id), 'contextText'), flat(stored, JOB_FIELDS)}
end
local plan = ARGV[9]
local candidates = tonumber(ARGV[14])
local job, audio = job_table({unpack(ARGV, 15 + 2 * candidates)})
job.createdAtMs = int(now)
local turn, new = joined_turn(turn_id, session_id, job, job_id, ARGV[8])

local placed = false
if plan == 'PLACE' and new then
  for c = 15, 14 + 2 * candidates, 2 do
    if try_reserve(ARGV[c], turn_id) == 'OK' then
      bind(turn, ARGV[c], ARGV[c + 1])
      placed = true
      break
    end
  end
elseif plan == 'SEND' then
  placed = turn.nodeId == ARGV[12] and turn.epoch == ARGV[13]
end

job.nodeId = turn.nodeId
if placed then
  job.state = 'DISPATCHED'
  local deadlines = {'ACK:' .. job_id, job.attempt, now + tonumber(ARGV[10])}
  if plan == 'PLACE' and ARGV[8] == '1' and tonumber(ARGV[11]) >= 0 then
    deadlines[4], deadlines[5], deadlines[6] = 'RESULT:' .. turn_id, turn.epoch, now + tonumber(ARGV[11])
  end
  arm_all(deadlines)
end
write_new_job(job_id, job, audio)
write_turn(turn_id, turn)
index_job(session_id, ARGV[7], job_id)
return {holder, int(now), job.state, flat(turn, TURN_FIELDS), redis.call('HGET', session_key(session_id), 'contextText')}
