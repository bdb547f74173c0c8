-- bindTurn. ARGV: turnId, nodeId, connId. Places the turn and its open jobs on the node in a new epoch. Returns the
-- turn's fields and values, or an empty list for an unknown turn.
local turn = bind_turn(ARGV[1], ARGV[2], ARGV[3])
if not turn then
  return {}
end
return flat(turn, TURN_FIELDS)
