-- bindTurn. ARGV: turnId, nodeId, connId. Places the turn and its open jobs on the node in a new epoch. Returns the
-- turn's fields and values, or an empty list for an unknown turn.
return bind_turn(ARGV[1], ARGV[2], ARGV[3])
