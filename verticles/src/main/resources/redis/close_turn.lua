-- closeTurn. ARGV: turnId. Closes the turn; when none of its jobs is open it is done (finish_turn_if_done).
-- Returns {the turn's fields and values, the node whose slot was freed or false}, or an empty list for an unknown turn.
local turn_id = ARGV[1]
if redis.call('EXISTS', turn_key(turn_id)) == 0 then
  return {}
end
local _, released = finish_turn_if_done(turn_id, nil, true)
return {redis.call('HGETALL', turn_key(turn_id)), released}
