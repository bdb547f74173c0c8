-- unbindTurn. ARGV: turnId, expectedEpoch. Takes the turn off its node and frees its slot, if it is still in that
-- epoch. Returns the turn's fields and values as they were, or an empty list.
local turn_id = ARGV[1]
local key = turn_key(turn_id)
local turn = read_hash(key, TURN_FIELDS)
if not turn.nodeId or tonumber(turn.epoch) ~= tonumber(ARGV[2]) then
  return {}
end
redis.call('SREM', node_slots_key(turn.nodeId), turn_id)
redis.call('HDEL', key, 'nodeId', 'connId')
return flat(turn, TURN_FIELDS)
