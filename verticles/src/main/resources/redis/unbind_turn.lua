-- unbindTurn. ARGV: turnId, expectedEpoch. Takes the turn off its node and frees its slot, if it is still in that
-- epoch. Returns the turn's fields and values as they were, or an empty list.
local turn_id = ARGV[1]
local turn = turn_key(turn_id)
local placed = redis.call('HMGET', turn, 'nodeId', 'epoch')
if not placed[1] or tonumber(placed[2]) ~= tonumber(ARGV[2]) then
  return {}
end
local was = redis.call('HGETALL', turn)
redis.call('SREM', node_slots_key(placed[1]), turn_id)
redis.call('SREM', node_open_turns_key(placed[1]), turn_id)
redis.call('HDEL', turn, 'nodeId', 'connId')
return was
