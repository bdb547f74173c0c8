-- openTurnsOnNode and openTurnsOfSession. ARGV: 'node', nodeId, connId; or 'session', sessionId.
-- A connection's turns are those holding its slots (kept on after it is removed or replaced); a session's are those
-- of its newest OPEN_SCAN_JOBS jobs (in its index, kept on after it is removed), among which every open one is.
-- Returns those turns that are still on the connection, or of the session, and have open jobs.
local open, seen = {}, {}
local function consider(turn_id, belongs)
  if seen[turn_id] then
    return
  end
  seen[turn_id] = true
  local turn = read_hash(turn_key(turn_id), {'nodeId', 'connId', 'jobIds'})
  if turn.jobIds and belongs(turn) and other_jobs(decode_list(turn.jobIds), nil) then
    open[#open + 1] = turn_id
  end
end
if ARGV[1] == 'node' then
  local node_id, conn_id = ARGV[2], ARGV[3]
  local set = node_lost_slots_key(node_id .. '/' .. conn_id)
  if redis.call('EXISTS', set) == 0 then
    set = node_slots_key(node_id)
  end
  for _, turn_id in ipairs(redis.call('SMEMBERS', set)) do
    consider(turn_id, function(t) return t.nodeId == node_id and t.connId == conn_id end)
  end
else
  -- both indexes: a job stored after the session was removed starts a live one again
  for _, index in ipairs({session_jobs_key(ARGV[2]), ended_session_jobs_key(ARGV[2])}) do
    for _, job_id in ipairs(redis.call('ZREVRANGE', index, 0, OPEN_SCAN_JOBS - 1)) do
      local job = redis.call('HMGET', job_key(job_id), 'state', 'turnId')
      if job[1] and OPEN_STATE[job[1]] and not seen[job[2]] then
        seen[job[2]] = true
        open[#open + 1] = job[2]
      end
    end
  end
end
return open
