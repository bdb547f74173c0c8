-- removeNode. ARGV: nodeId, connId. Returns 1 when the connection was current and the node is gone.
local key = node_key(ARGV[1])
if redis.call('HGET', key, 'connId') ~= ARGV[2] then
  return 0
end
redis.call('DEL', key, node_slots_key(ARGV[1]))
redis.call('SREM', NODES_KEY, ARGV[1])
return 1
