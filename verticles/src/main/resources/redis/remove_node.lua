-- removeNode. ARGV: nodeId, connId. Returns 1 when the connection was current and the node is gone. Its slots are
-- kept OPEN_TTL_MS under the connection (node_lost_slots_key), where openTurnsOnNode finds the turns to fail over.
local node_id, conn_id = ARGV[1], ARGV[2]
local key = node_key(node_id)
if redis.call('HGET', key, 'connId') ~= conn_id then
  return 0
end
keep_lost_slots(node_id, conn_id)
redis.call('DEL', key)
redis.call('SREM', NODES_KEY, node_id)
return 1
