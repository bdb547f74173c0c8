-- bindTurn. ARGV: turnId, nodeId, connId. Places the turn and its open jobs on the node in a new epoch. Returns the
-- turn's fields and values, or an empty list for an unknown turn.
local turn_id, node_id = ARGV[1], ARGV[2]
local turn = turn_key(turn_id)
if redis.call('EXISTS', turn) == 0 then
  return {}
end
local previous = redis.call('HGET', turn, 'nodeId')
if previous and previous ~= node_id then
  redis.call('SREM', node_open_turns_key(previous), turn_id)
end
redis.call('HSET', turn, 'nodeId', node_id, 'connId', ARGV[3])
redis.call('HINCRBY', turn, 'epoch', 1)
local open = false
for _, id in ipairs(decode_list(redis.call('HGET', turn, 'jobIds'))) do
  local state = redis.call('HGET', job_key(id), 'state')
  if state and OPEN_STATE[state] then
    redis.call('HSET', job_key(id), 'nodeId', node_id)
    keep_open(id, turn_id)
    open = true
  end
end
if open then
  index_open_turn(turn_id)
end
return redis.call('HGETALL', turn)
