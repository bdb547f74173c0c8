-- openTurnsOnNode and openTurnsOfSession. ARGV: 'nodeId' or 'sessionId', the id. Returns the turns of the set that
-- still belong to the node or session and have open jobs; the others leave the set.
local field, id = ARGV[1], ARGV[2]
local set
if field == 'nodeId' then
  set = node_open_turns_key(id)
else
  set = session_open_turns_key(id)
end
local open = {}
for _, turn_id in ipairs(redis.call('SMEMBERS', set)) do
  local turn = redis.call('HMGET', turn_key(turn_id), field, 'jobIds')
  if turn[1] == id and turn_has_open_job(decode_list(turn[2])) then
    open[#open + 1] = turn_id
  else
    redis.call('SREM', set, turn_id)
  end
end
return open
