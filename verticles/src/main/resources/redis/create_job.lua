-- createJob: claimJobKey and addJob in one, on the store's clock. ARGV: key, keyTtlMs, clock offsetMs, jobId, turnId,
-- sessionId, utteranceIndex, closesTurn ('1' or '0'), then the job's fields and values (its createdAtMs is set here).
-- Returns {the key's holder}, and when that is this job also its createdAtMs, its turn's fields and its session's.
local job_id, session_id = ARGV[4], ARGV[6]
local now = now_ms(tonumber(ARGV[3]))
local holder = claim_job_key(ARGV[1], job_id, tonumber(ARGV[2]), now)
if holder ~= job_id then
  return {holder}
end
local fields = {unpack(ARGV, 9)}
fields[#fields + 1] = 'createdAtMs'
fields[#fields + 1] = int(now)
local turn = add_job(job_id, ARGV[5], session_id, ARGV[7], ARGV[8], fields)
return {holder, int(now), turn, redis.call('HGETALL', session_key(session_id))}
